"""The progress PDF says only what the data supports: the issue's overstated series, read back from it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from rehabtrack.core.measure_series import MeasureResult
from rehabtrack.core.model import Direction, Discipline, Goal, Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side, rom_key
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import open_store

MONDAY = date(2026, 1, 5)
KNEE = rom_key("knee", Side.RIGHT, "flexion")


def week(i: int) -> date:
    return MONDAY + timedelta(weeks=i)


def goal_text(
    tmp_path: Path,
    values: list[float],
    weeks: list[int],
    goal: Goal,
    today: date,
) -> str:
    """Write a one-goal patient's report and return its text, whitespace squashed."""
    store = open_store(tmp_path / "data")
    try:
        patient = store.save_patient(Patient("Test Patient"))
        assert patient.id is not None
        entries = []
        for w, v in zip(weeks, values, strict=True):
            if goal.marker == "pain":
                entries.append(WeeklyEntry(week(w), {"pain": v}))
            else:
                entries.append(WeeklyEntry(week(w), rom=(RomReading("knee", Side.RIGHT, "flexion", v),)))
        store.save_entries(patient.id, entries)
        store.save_goal(patient.id, goal)
        content = build_content(store, patient.id, today=today)
    finally:
        store.close()
    out = tmp_path / "report.pdf"
    write_report(content, out)
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(out).pages))


def pain_goal(**kwargs: Any) -> Goal:
    return Goal(Discipline.PT, "Pain down to 2", "pain", 2, Direction.LOWER, **kwargs)


def knee_goal(target: float) -> Goal:
    return Goal(Discipline.PT, "Bend the knee", KNEE, target, Direction.HIGHER)


def goal_row(text: str, title: str) -> str:
    """The goals table's row of ``title``: from the title to the end of its status cell."""
    start = text.index(title)
    row = text[start : start + 260]
    return row.split(" As of ", 1)[0]


def test_1_two_points_in_the_window_no_projected_date(qapp: Any, tmp_path: Path) -> None:
    text = goal_text(tmp_path, [7, 7, 7, 6, 5], [0, 1, 2, 30, 31], pain_goal(), week(31))
    row = goal_row(text, "Pain down to 2")
    assert "No clear trend yet" in row
    assert "On track" not in text and "Aug" not in row, row


@pytest.mark.parametrize("target", [115, 135])
def test_2_noise_no_projected_date(qapp: Any, tmp_path: Path, target: float) -> None:
    values = [100, 102, 99, 101, 100, 103, 100, 101, 102, 100, 103, 101]
    text = goal_text(tmp_path, values, list(range(12)), knee_goal(target), week(11))
    row = goal_row(text, "Bend the knee")
    assert "No clear trend yet" in row
    assert "On track" not in text and "2028" not in text and "2031" not in text


def test_3_stale_log_no_status_and_no_date(qapp: Any, tmp_path: Path) -> None:
    text = goal_text(tmp_path, [8, 7, 6, 5, 4], list(range(5)), pain_goal(), week(4 + 26))
    row = goal_row(text, "Pain down to 2")
    assert "Last logged 2 Feb" in row
    assert "On track" not in text
    assert "3 Aug 2026" not in row  # today's date is never a projection


def test_3_trend_past_the_target_not_projected_to_today(qapp: Any, tmp_path: Path) -> None:
    today = week(9)
    text = goal_text(tmp_path, [9, 8, 7, 6, 5, 4, 3], list(range(7)), pain_goal(), today)
    row = goal_row(text, "Pain down to 2")
    assert "9 Mar 2026" not in row  # today
    assert "16 Mar 2026" in row  # the next check-in at the earliest


def test_4_two_logged_weeks_not_enough_data(qapp: Any, tmp_path: Path) -> None:
    text = goal_text(tmp_path, [6, 5], [0, 1], pain_goal(), week(1))
    row = goal_row(text, "Pain down to 2")
    assert "Not enough data yet" in row
    assert "5.5 5.5" not in row and "On track" not in text


def test_5_goal_start_date_sets_the_baseline(qapp: Any, tmp_path: Path) -> None:
    values = [8, 8, 7, 6, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    text = goal_text(tmp_path, values, list(range(16)), pain_goal(start=week(10)), week(15))
    row = goal_row(text, "Pain down to 2")
    assert "67%" not in row
    assert re.search(r"Pain down to 2.*?\b4 4 2\b", row), row  # baseline 4, current 4, target 2
    assert "No clear trend yet" in row


def test_8_the_share_of_the_starting_value_beside_the_points(qapp: Any, tmp_path: Path) -> None:
    # Summary of change: the first four weeks (8) against the last four (4): −4 points, −50 %.
    text = goal_text(tmp_path, [8, 8, 8, 8, 4, 4, 4, 4], list(range(8)), pain_goal(), week(7))
    assert "\u22124 points, \u221250 %" in text


@pytest.mark.parametrize(("last", "percent"), [(109, None), (110, "33%")])
def test_a_knee_logged_at_home_shows_progress_only_beyond_its_10_degree_measurement_error(
    qapp: Any, tmp_path: Path, last: float, percent: str | None
) -> None:
    # Baseline 100 (weeks 0-1), current the middle of the last three. 9° is inside what a home reading
    # can tell apart (Hancock 2018), so no "% of the way"; 10° is a third of the way from 100 to 130.
    values = [100, 100, 104, last, last]
    text = goal_text(tmp_path, values, list(range(5)), knee_goal(130), week(4))
    row = goal_row(text, "Bend the knee")
    assert f"100° {last}° 130°" in row, row
    if percent is None:
        assert "%" not in row, row
    else:
        assert f"130° {percent}" in row, row


def test_a_questionnaire_with_a_therapist_set_baseline_is_judged_from_its_first_score(
    qapp: Any, tmp_path: Path
) -> None:
    # NPRS 8 set by the therapist, first score 5: 3 points and 37.5 % of 8, half way to 2. A questionnaire is
    # never projected, so it never waits for five logged weeks.
    store = open_store(tmp_path / "data")
    try:
        patient = store.save_patient(Patient("Test Patient"))
        assert patient.id is not None
        goal = Goal(Discipline.PT, "Pain score down", "measure/NPRS", 2, Direction.LOWER, baseline=8)
        store.save_goal(patient.id, goal)
        store.save_measure(patient.id, MeasureResult("NPRS", week(0), (5.0,)))
        content = build_content(store, patient.id, today=week(0))
    finally:
        store.close()
    out = tmp_path / "report.pdf"
    write_report(content, out)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(out).pages))
    row = goal_row(text, "Pain score down")
    assert "50%" in row and "Better" in row, row
    assert "Not enough data" not in row and "more weeks" not in text
