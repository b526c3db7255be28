"""One source per fact.

A weekly marker's words and numbers (label, anchors, short title, meaningful change with its source,
recurrence watch) are stated in ``core/markers.py`` and nowhere else; a questionnaire's threshold only in
its file in ``resources/measures/``; the size of the first/last comparison window only in
``core.progress.COMPARE_WEEKS``. The app, the verdicts and the PDF must then say what the table says.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rehabtrack
from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.maintenance import MaintenancePlan, recurrence_alerts
from rehabtrack.core.markers import ACTIVITY_RATING, ADHERENCE, WEEKLY_MARKERS, Marker
from rehabtrack.core.meaningful_change import PREFIX_THRESHOLDS, relative_criterion, threshold_for, thresholds
from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.progress import COMPARE_WEEKS, compare_periods, default_periods, mean_in
from rehabtrack.core.series import Point
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import open_store

PACKAGE = Path(rehabtrack.__file__).parent
MARKERS_FILE = PACKAGE / "core" / "markers.py"
RESOURCES = Path(str(files("rehabtrack.resources")))
ALL_MARKERS = (*WEEKLY_MARKERS, ADHERENCE)
JUDGED = [m for m in ALL_MARKERS if m.threshold is not None]
TODAY = date(2026, 11, 24)


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _stated_strings() -> dict[Path, set[str]]:
    """Every string each source file states: Python string constants (implicitly joined literals are one
    constant) and every JSON key and text in the data files."""
    found: dict[Path, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[path] = {
            n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
    for path in RESOURCES.rglob("*.json"):
        found[path] = set(_json_strings(json.loads(path.read_text(encoding="utf-8"))))
    return found


STATED = _stated_strings()


def _files_stating(text: str) -> set[Path]:
    return {path for path, strings in STATED.items() if text in strings}


# -- (a) a weekly marker's facts come from core/markers.py --------------------------------------------


@pytest.mark.parametrize("m", ALL_MARKERS, ids=lambda m: m.key)
def test_a_markers_words_are_stated_only_in_the_table(m: Marker) -> None:
    words = [m.label, m.short_title, m.low_anchor, m.high_anchor]
    if m.threshold is not None:
        words += [m.threshold.source, m.threshold.label]
    for text in filter(None, words):
        assert _files_stating(text) == {MARKERS_FILE}, text


@pytest.mark.parametrize("m", JUDGED, ids=lambda m: m.key)
def test_a_markers_verdicts_use_the_tables_threshold(m: Marker) -> None:
    assert m.threshold is not None
    found = threshold_for(m.key)
    assert (found.value, found.unit, found.source, found.published) == (
        m.threshold.value,
        m.threshold.unit,
        m.threshold.source,
        m.threshold.published,
    )
    assert relative_criterion(m.key) == m.threshold.relative  # pain: "2 points and 30 %" (Farrar 2001)
    if found.convention:  # a therapist may set it from its measurement error up to the marker's top
        assert found.measurement_error is not None and found.measurement_error < found.value
        assert found.most == m.high


def test_no_other_file_keeps_a_table_keyed_by_weekly_marker() -> None:
    """A fixed mapping from marker keys to some fact of each (a unit, a label, a range) is a second table
    that drifts: the FHIR units were one. Every such fact is a field of the marker in core/markers.py."""
    keys = {m.key for m in WEEKLY_MARKERS}
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) for v in node.values):
                named = {k.value for k in node.keys if isinstance(k, ast.Constant) and k.value in keys}
                if len(named) >= 3:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []


def test_every_weekly_marker_states_its_ucum_unit() -> None:
    from rehabtrack.fhir.codes import UNITS

    for m in WEEKLY_MARKERS:
        assert m.ucum in UNITS, m.key


def test_every_charted_marker_is_judged_and_has_a_short_title() -> None:
    for m in ALL_MARKERS:
        assert m.short_title, m.key
        if m.chart:
            assert m.threshold is not None and m.threshold.source.strip(), m.key


def test_the_pdfs_weekly_tables_and_summary_take_the_tables_words(tmp_path: Path) -> None:
    from rehabtrack.report.content import build_content

    store = open_store(tmp_path / "data")
    patient = store.save_patient(Patient("Carl Example", "Knee replacement (right)"))
    assert patient.id is not None
    first = week_start(TODAY) - timedelta(weeks=9)
    entries = []
    for i in range(10):
        values = {m.key: (m.low if i < 5 else m.high) for m in WEEKLY_MARKERS}
        values["exercise_days_done"] = min(values["exercise_days_done"], values["exercise_days_prescribed"])
        entries.append(WeeklyEntry(first + timedelta(weeks=i), values))
    store.save_entries(patient.id, entries)
    content = build_content(store, patient.id, today=TODAY)
    store.close()

    titles = [title for table in content.weekly_tables for title in table.columns[1:]]
    assert sorted(titles) == sorted(m.short_title for m in ALL_MARKERS)
    rows = {row.key: row for row in content.changes}
    for m in JUDGED:
        assert m.threshold is not None
        assert rows[m.key].threshold == m.threshold.amount(m.threshold.value), m.key
    assert "Pain 2 points (Farrar 2001; Childs 2005)" in content.summary_sources


def test_the_recurrence_watch_follows_the_markers_the_table_marks_watched() -> None:
    since = date(2026, 3, 2)
    weeks = [since - timedelta(weeks=4 - i) for i in range(6)]
    entries = []
    for i, week in enumerate(weeks):
        worse = i >= 4  # the two check-ins after the watch started, every marker at its worst end
        values = {}
        for m in WEEKLY_MARKERS:
            good, bad = (m.low, m.high) if m.lower_is_better else (m.high, m.low)
            values[m.key] = bad if worse else good
        values["exercise_days_done"] = min(values["exercise_days_done"], values["exercise_days_prescribed"])
        entries.append(WeeklyEntry(week, values))
    alerts = recurrence_alerts(MaintenancePlan(since, 2, since), entries, [])
    said = {a.label for a in alerts}
    assert said >= {  # the README promises these
        "morning stiffness",
        "stiffness severity",
        "flare-ups this week",
        "worst flare-up",
        "pain",
    }
    assert said == {
        (threshold_for(m.key).label[:1].lower() + threshold_for(m.key).label[1:])
        for m in WEEKLY_MARKERS
        if m.watched
    }


# -- (b) a questionnaire's threshold lives only in its own file -----------------------------------------


def test_no_questionnaire_threshold_outside_its_own_file() -> None:
    assert not any(key.startswith("measure/") for key in PREFIX_THRESHOLDS)
    assert not any(m.key.startswith("measure/") for m in (*ALL_MARKERS, ACTIVITY_RATING))
    for inst in INSTRUMENTS.values():
        own = RESOURCES / "measures" / f"{inst.family}.json"
        assert _files_stating(inst.threshold.source) == {own}, inst.key
        # No data file, and no core module, keys a threshold (or anything else) by the questionnaire's series.
        assert not {p for p in _files_stating(inst.series_key) if p.suffix == ".json" or "core" in p.parts}
        score = next(s for s in json.loads(own.read_text(encoding="utf-8"))["scores"] if s["key"] == inst.key)
        assert "mcid" not in score and "mcid_note" not in json.loads(own.read_text(encoding="utf-8"))
        assert threshold_for(inst.series_key).source == inst.threshold.source


def test_the_only_thresholds_are_the_markers_the_questionnaires_and_two_prefixes() -> None:
    expected = {m.key for m in JUDGED} | {i.series_key for i in INSTRUMENTS.values()} | {"rom/", "activity/"}
    assert set(thresholds()) == expected
    assert not (RESOURCES / "mcid.json").exists()


# -- (c) the first/last comparison window -------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdfs_first_and_last_columns_follow_the_comparison_window(tmp_path: Path, qapp: Any) -> None:
    from rehabtrack.report.content import build_content
    from rehabtrack.report.pdf import write_report

    pains = [9, 8, 8, 7, 7, 6, 5, 4, 3, 2, 2, 1]
    store = open_store(tmp_path / "data")
    patient = store.save_patient(Patient("Carl Example"))
    assert patient.id is not None
    first = week_start(TODAY) - timedelta(weeks=len(pains) - 1)
    store.save_entries(
        patient.id, [WeeklyEntry(first + timedelta(weeks=i), {"pain": p}) for i, p in enumerate(pains)]
    )
    content = build_content(store, patient.id, today=TODAY)
    store.close()
    path = tmp_path / "report.pdf"
    write_report(content, path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squashed = " ".join(text.split())

    for title in (f"First {COMPARE_WEEKS} weeks (mean)", f"Last {COMPARE_WEEKS} weeks (mean)"):
        assert title in squashed
    assert f"Mean of the first {COMPARE_WEEKS} logged weeks against the last {COMPARE_WEEKS}" in squashed
    (row,) = [r for r in content.changes if r.key == "pain"]
    first_mean = sum(pains[:COMPARE_WEEKS]) / COMPARE_WEEKS
    last_mean = sum(pains[-COMPARE_WEEKS:]) / COMPARE_WEEKS
    assert float(row.first) == pytest.approx(first_mean, abs=0.05)
    assert float(row.last) == pytest.approx(last_mean, abs=0.05)
    assert f"{row.first} {row.last}" in squashed  # the PDF prints those two means under those titles


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=20, unique_by=lambda t: t[0]))
def test_the_session_views_default_periods_are_the_weeks_the_summary_compares(
    logged: list[tuple[int, int]],
) -> None:
    points = [Point(date(2026, 1, 5) + timedelta(weeks=w), float(v)) for w, v in logged]
    first, last = compare_periods(points)
    periods = default_periods(points)
    if periods is None:
        assert last is None
        return
    assert mean_in(points, periods[0]) == pytest.approx(first)
    assert mean_in(points, periods[1]) == pytest.approx(last)
    if len(points) >= 2 * COMPARE_WEEKS:  # then each period is COMPARE_WEEKS logged weeks
        for start, end in periods:
            assert len([p for p in points if start <= p.week <= end]) == COMPARE_WEEKS
