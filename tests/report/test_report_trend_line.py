"""The PDF's charts draw the dashed trend line only when the trend is clear, and say so when not."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from rehabtrack.core.model import Direction, Discipline, Goal, Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side, rom_key
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import open_store

MONDAY = date(2026, 1, 5)
KNEE = rom_key("knee", Side.RIGHT, "flexion")
NOISY = [100, 102, 99, 101, 100, 103, 100, 101, 102, 100, 103, 101]  # the knee
STEADY = [80 + 3 * i for i in range(12)]
DASH = re.compile(rb"\[([^\]]+)\]\s*[\d.]+\s+d\b")  # a PDF dash pattern with dashes: "[6.4 3.2] 0 d"


def report(folder: Path, values: list[int]) -> PdfReader:
    """A one-goal patient's report: right knee flexion logged weekly, goal 150°."""
    folder.mkdir()
    store = open_store(folder / "data")
    try:
        patient = store.save_patient(Patient("Test Patient"))
        assert patient.id is not None
        reading = RomReading("knee", Side.RIGHT, "flexion", 0)
        entries = [
            WeeklyEntry(MONDAY + timedelta(weeks=i), rom=(replace(reading, degrees=v),))
            for i, v in enumerate(values)
        ]
        store.save_entries(patient.id, entries)
        store.save_goal(patient.id, Goal(Discipline.PT, "Bend the knee", KNEE, 150, Direction.HIGHER))
        content = build_content(store, patient.id, today=MONDAY + timedelta(weeks=len(values) - 1))
    finally:
        store.close()
    out = folder / "report.pdf"
    write_report(content, out)
    return PdfReader(out)


def text_of(pdf: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))


def dashed_paths(pdf: PdfReader) -> int:
    """How many times the pages switch to a dashed pen (legend samples, dashed goal and trend lines)."""
    return sum(len(DASH.findall(page.get_contents().get_data())) for page in pdf.pages)


def test_noisy_knee_chart_draws_no_trend_line_in_the_pdf(qapp: Any, tmp_path: Path) -> None:
    noisy, steady = report(tmp_path / "noisy", NOISY), report(tmp_path / "steady", STEADY)
    # The same legend and goal line in both: only the steady knee's trend line adds a dashed path.
    assert dashed_paths(steady) == dashed_paths(noisy) + 1
    assert "PT goal: Bend the knee · no clear trend yet, so no trend line" in text_of(noisy)
    assert "no trend line" not in text_of(steady)
    assert "trend, 12 weeks, when clear" in text_of(noisy)  # the legend says when it is drawn
