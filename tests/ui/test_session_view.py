"""The therapist's session view: one goal at a time by arrow keys, two periods compared, a note added."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rehabtrack.charts.theme import LIGHT
from rehabtrack.core.model import EventKind, GoalStatus
from rehabtrack.core.progress import change_between, default_periods, progress_toward
from rehabtrack.core.series import chart_keys, series_for
from rehabtrack.storage.store import Store
from rehabtrack.ui.views.session_view import EventDialog, SessionView


@pytest.fixture
def view(qtbot, demo_store: Store, today: date) -> SessionView:  # type: ignore[no-untyped-def]
    [patient] = demo_store.patients()
    assert patient.id is not None
    session = SessionView(demo_store, patient.id, today, LIGHT)
    qtbot.addWidget(session)
    session.resize(1600, 1000)
    session.show()
    session.activateWindow()
    qtbot.waitActive(session)
    return session


def test_arrow_keys_step_through_the_open_goals_pt_first_then_the_other_markers(
    view: SessionView, demo_store: Store, qtbot, today: date, shot
) -> None:  # type: ignore[no-untyped-def]
    pid = view.patient_id
    entries, activities = demo_store.entries(pid), demo_store.activities(pid, include_archived=True)
    goals = sorted(
        (g for g in demo_store.goals(pid) if g.status == GoalStatus.ACTIVE),
        key=lambda g: (g.discipline != "PT", g.id),
    )
    first = goals[0]
    assert first.discipline == "PT"
    assert view.title.text() == f"{first.discipline.value} goal: {first.title}"
    assert (
        view.sentence.text()
        == progress_toward(first, series_for(first.marker, entries, activities), today).sentence()
    )
    assert view.font().pointSizeF() == pytest.approx(QApplication.font().pointSizeF() * 1.6)  # large type
    shot(view, "session-view.png")

    qtbot.keyClick(view, Qt.Key.Key_Right)
    second = goals[1]
    assert view.title.text() == f"{second.discipline.value} goal: {second.title}"
    assert view.chart.goal_lines()[0][0] == second.target
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.title.text().endswith(first.title)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # wraps round to the last marker
    keys = [key for _group, key in chart_keys(entries, activities)]
    assert (
        view.current() is not None
        and view.current().key == [k for k in keys if k not in {g.marker for g in goals}][-1]
    )  # type: ignore[union-attr]
    assert view.position.text() == f"{len(view.slides)} of {len(view.slides)}"


def test_compare_shows_each_markers_change_between_the_first_and_last_four_weeks(
    view: SessionView, demo_store: Store, qtbot, shot
) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert view.stack.currentWidget() is view.compare
    pid = view.patient_id
    entries, activities = demo_store.entries(pid), demo_store.activities(pid, include_archived=True)
    pain = series_for("pain", entries, activities)
    first, last = view.compare.periods()
    weeks = sorted(e.week for e in entries)
    assert (first[0], last[1]) == (weeks[0], weeks[-1])
    row = next(r for r in view.compare.rows() if r[0] == pain.label)
    expected = change_between(pain, first, last)
    assert expected is not None and row[3:] == (expected.direction.capitalize(), expected.describe())
    shot(view, "session-compare.png")

    # A narrower period B: the table follows at once
    view.compare.edits[2].setDate(view.compare.edits[3].date())
    row = next(r for r in view.compare.rows() if r[0] == pain.label)
    narrower = change_between(pain, first, (last[1], last[1]))
    assert narrower is not None and row[4] == narrower.describe()
    assert default_periods(pain.points) is not None


def test_a_note_added_in_session_is_saved_and_drawn_on_the_chart(
    view: SessionView, demo_store: Store, qtbot, today: date
) -> None:  # type: ignore[no-untyped-def]
    dialog = EventDialog(demo_store, view.patient_id, today, view)
    qtbot.addWidget(dialog)
    dialog.accept()  # empty note: refused, nothing written
    assert dialog.result() == 0 and "Event text is required" in dialog.error.text()
    before = len(demo_store.events(view.patient_id))
    assert before == len(view.data.events)

    qtbot.keyClicks(dialog.text, "Progress to stairs without rail")
    dialog.accept()
    assert dialog.result() == 1
    [new] = [e for e in demo_store.events(view.patient_id) if e.text == "Progress to stairs without rail"]
    assert (new.day, new.kind) == (today, EventKind.CLINICIAN_NOTE)
    view.reload()  # what add_note() does once its dialog is saved
    assert view.changed
    assert any(day == today for day, _label in view.chart.event_lines())
