"""Two meanings of "achieved" kept apart: the numbers meeting the target ("Achieved", computed) and the
therapist marking the goal achieved ("goal marked achieved"), in the PDF's goal table."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from rehabtrack.core.model import Direction, Discipline, Goal, GoalStatus, Patient, WeeklyEntry
from rehabtrack.core.weeks import week_start
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import open_store

TODAY = date(2026, 11, 24)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_a_goal_marked_achieved_says_so_beside_what_its_numbers_say(tmp_path: Path, qapp: Any) -> None:
    store = open_store(tmp_path / "data")
    patient = store.save_patient(Patient("Carl Example"))
    assert patient.id is not None
    first = week_start(TODAY) - timedelta(weeks=7)
    pains = [7, 7, 6, 6, 6, 6, 6, 6]  # pain stays at 6: the target of 2 is not met
    sleeps = [5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 7.5, 7.5]  # sleep reaches its target of 7 hours
    store.save_entries(
        patient.id,
        [
            WeeklyEntry(first + timedelta(weeks=i), {"pain": p, "sleep_hours": s})
            for i, (p, s) in enumerate(zip(pains, sleeps, strict=True))
        ],
    )
    pain = store.save_goal(
        patient.id, Goal(Discipline.PT, "Pain down to 2", "pain", 2, Direction.LOWER, start=first)
    )
    store.save_goal(
        patient.id, Goal(Discipline.OT, "Sleep 7 hours", "sleep_hours", 7, Direction.HIGHER, start=first)
    )
    store.save_goal(patient.id, replace(pain, status=GoalStatus.MARKED_ACHIEVED))
    content = build_content(store, patient.id, today=TODAY)
    store.close()

    rows = {row.title: row.status for row in (*content.pt_goals, *content.ot_goals)}
    assert rows["Sleep 7 hours"] == "Achieved"  # by the numbers, not marked
    assert rows["Pain down to 2"].endswith("(goal marked achieved)")
    assert not rows["Pain down to 2"].startswith("Achieved")  # the numbers do not say it is met
    path = tmp_path / "report.pdf"
    write_report(content, path)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "(goal marked achieved)" in text
