"""Page 1 alone answers "is this patient getting there?", and the minutes each activity was tolerated are
charted beside its rating, as the app shows them."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from rehabtrack.core.model import Discipline, GoalStatus, Patient
from rehabtrack.core.progress import ProgressStatus, progress_toward
from rehabtrack.core.series import series_for
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import Store

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdftotext_pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60)
    return [re.sub(r"\s+", " ", page) for page in out.stdout.split("\f")]


@pytest.fixture(scope="module")
def demo_pdf(
    demo_data: tuple[Store, Patient], tmp_path_factory: pytest.TempPathFactory, qapp: Any, today: date
) -> Path:
    store, patient = demo_data
    assert patient.id is not None
    path = tmp_path_factory.mktemp("page-one") / "demo.pdf"
    write_report(build_content(store, patient.id, today=today), path)
    if shutil.which("pdftoppm"):  # page 1 and the first charts, as pictures for a person to look at
        subprocess.run(
            ["pdftoppm", "-r", "70", "-f", "1", "-l", "3", "-png", str(path), str(path.with_suffix(""))]
        )
    return path


def test_page_one_holds_both_goal_tables_and_a_verdict_per_therapy(
    demo_pdf: Path, demo_data: tuple[Store, Patient], today: date
) -> None:
    store, patient = demo_data
    assert patient.id is not None
    page_one = squash(PdfReader(demo_pdf).pages[0].extract_text())
    assert squash(pdftotext_pages(demo_pdf)[0]).startswith("RehabTrack progress report")
    assert "Physical therapy (PT) goals" in page_one and "Occupational therapy (OT) goals" in page_one
    entries = store.entries(patient.id)
    activities = store.activities(patient.id, include_archived=True)
    for discipline in (Discipline.PT, Discipline.OT):
        goals = [g for g in store.goals(patient.id) if g.discipline == discipline]
        assert goals
        statuses = []
        for goal in goals:
            assert squash(goal.title) in page_one, goal.title
            statuses.append(progress_toward(goal, series_for(goal.marker, entries, activities), today).status)
        open_count = sum(1 for g in goals if g.status != GoalStatus.DISCONTINUED)
        achieved = sum(1 for s in statuses if s == ProgressStatus.TARGET_MET)
        verdict = re.search(rf"{discipline.value} goals: ([^.]*)\.", page_one)
        assert verdict is not None, f"no {discipline.value} verdict on page 1"
        assert verdict.group(1).startswith(f"{achieved} of {open_count} achieved")
        for status in set(statuses) - {ProgressStatus.TARGET_MET}:  # in core's own words
            assert status.label.lower() in verdict.group(1)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_minutes_tolerated_are_charted_beside_the_rating(
    demo_pdf: Path, demo_data: tuple[Store, Patient]
) -> None:
    store, patient = demo_data
    assert patient.id is not None
    timed = [
        a
        for a in store.activities(patient.id)
        if any(
            r.activity_id == a.id and r.minutes is not None
            for e in store.entries(patient.id)
            for r in e.activities
        )
    ]
    assert timed  # the demo patient logs how long she walked
    pages = pdftotext_pages(demo_pdf)
    for activity in timed:
        title = f"{activity.name}: minutes tolerated (min)"
        rating = f"{activity.name} (0–10)"
        beside = [p for p in pages if title in p and rating in p and "weeks logged" in p]
        assert beside, f"no chart of {title!r} on the page of {rating!r}"
        tables = [p for p in pages if "Daily activities" in p and title in p]
        assert tables, f"no column of {title!r} in the weekly table"


def test_the_minutes_chart_plots_the_stored_minutes(
    demo_data: tuple[Store, Patient], today: date, qapp: Any
) -> None:
    store, patient = demo_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    stored = {
        (e.week, r.activity_id): r.minutes
        for e in store.entries(patient.id)
        for r in e.activities
        if r.minutes is not None and content.period_start <= e.week
    }
    specs = [s for s in content.charts if s.key.startswith("minutes/")]
    assert specs
    from rehabtrack.charts.render import make_print_chart

    for spec in specs:
        activity_id = int(spec.key.split("/")[1])
        chart = make_print_chart(spec.series, spec.goals, content.chart_events, spec.x_range, spec.band)
        try:
            weeks, values = chart.plotted_points()
        finally:
            chart.deleteLater()
        expected = sorted((w, m) for (w, a), m in stored.items() if a == activity_id)
        assert list(zip(weeks, values, strict=True)) == expected
