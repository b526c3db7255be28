"""What the report says, before any painting: core's numbers, the period rules, the tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabtrack.core.model import Patient
from rehabtrack.core.progress import format_value, progress_toward, summarise_change
from rehabtrack.core.series import series_for
from rehabtrack.core.weeks import week_start
from rehabtrack.report.content import DASH, NOT_LOGGED, PeriodError, build_content
from rehabtrack.storage.store import Store


def test_goal_rows_are_cores_numbers(demo_data: tuple[Store, Patient], today: date) -> None:
    store, patient = demo_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    rows = {r.title: r for r in content.pt_goals + content.ot_goals}
    entries = store.entries(patient.id)
    activities = store.activities(patient.id, include_archived=True)
    for goal in store.goals(patient.id):
        expected = progress_toward(goal, series_for(goal.marker, entries, activities), today)
        row = rows[goal.title]
        assert row.progress == expected
        assert expected.percent is not None
        assert row.percent == format_value(expected.percent, "%", whole=True)
        assert row.status.startswith(expected.status.label)
        assert row.discipline == goal.discipline
    pt_titles = {g.title for g in store.goals(patient.id) if g.discipline == "PT"}
    assert {r.title for r in content.pt_goals} == pt_titles
    assert {r.title for r in content.ot_goals}.isdisjoint(pt_titles)


def test_summary_rows_are_cores_changes(demo_data: tuple[Store, Patient], today: date) -> None:
    store, patient = demo_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    entries = store.entries(patient.id)
    activities = store.activities(patient.id, include_archived=True)
    assert len(content.changes) >= 10
    for row in content.changes:
        change = summarise_change(series_for(row.key, entries, activities), 4, 4)
        assert row.result == change
        assert change is not None
        # A verdict on a clinic convention (not a published MCID) is marked so.
        marked = " (clinic convention)" if change.meaningful and not change.threshold.published else ""
        assert row.judgement == change.direction + marked
        assert row.meaningful == ("Yes" if change.meaningful else "No")


def test_period_header_and_weeks_logged(demo_data: tuple[Store, Patient], today: date) -> None:
    store, patient = demo_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    assert (content.weeks_logged, content.weeks_in_period) == (24, 26)
    assert content.period_start == week_start(today) - timedelta(weeks=25)
    header = {f.label: f.value for f in content.header}
    assert header["Patient"] == "Margaret Demo"
    assert header["Weeks logged"] == "24 of 26 weeks in the period"
    # two missed weeks are rows that say so, never filled in
    table = content.weekly_tables[0]
    assert len(table.rows) == 26
    assert sum(1 for r in table.rows if r[1] == NOT_LOGGED) == 2


def test_a_shorter_period_only_uses_its_weeks(demo_data: tuple[Store, Patient], today: date) -> None:
    store, patient = demo_data
    assert patient.id is not None
    start = week_start(today) - timedelta(weeks=7)
    content = build_content(store, patient.id, start, today, today)
    assert content.weeks_in_period == 8
    assert all(p.week >= start for c in content.charts for p in c.series.points)
    assert all(len(t.rows) == 8 for t in content.weekly_tables)
    # the surgery happened before the period but is still listed as context
    assert any(e.kind == "Surgery" for e in content.events)
    assert all(e.day >= start for e in content.chart_events)


def test_charts_cover_each_goal_and_each_logged_marker(demo_data: tuple[Store, Patient], today: date) -> None:
    store, patient = demo_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    keys = [c.key for c in content.charts]
    assert len(keys) == len(set(keys))
    for goal in store.goals(patient.id):
        chart = next(c for c in content.charts if c.key == goal.marker)
        assert goal in chart.goals
    assert {r.key for r in content.changes} <= set(keys)
    assert all(c.x_range[0] == content.period_start for c in content.charts)


def test_period_ending_before_it_starts_is_refused(demo_data: tuple[Store, Patient], today: date) -> None:
    store, patient = demo_data
    assert patient.id is not None
    with pytest.raises(PeriodError, match="before it starts"):
        build_content(store, patient.id, today, today - timedelta(days=30), today)


def test_a_patient_with_nothing_logged(store_dir_patient: tuple[Store, int], today: date) -> None:
    store, pid = store_dir_patient
    content = build_content(store, pid, today=today)
    assert content.weeks_logged == 0
    assert content.changes == () and content.charts == ()
    assert content.pt_goals == () and content.ot_goals == ()
    assert dict((f.label, f.value) for f in content.header)["Condition"] == DASH
