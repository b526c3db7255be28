"""The minutes each activity was tolerated ("walked 20 minutes"), charted on the dashboard right beside the
activity's 0–10 rating, with exactly the stored values."""

from __future__ import annotations

from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Activity, ActivityRating, Discipline, Patient, WeeklyEntry
from rehabtrack.core.series import ACTIVITY_GROUP
from rehabtrack.storage.store import Store
from rehabtrack.ui.views.dashboard import Dashboard


def test_minutes_tolerated_chart_sits_beside_the_rating_and_plots_the_stored_minutes(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    board = Dashboard(demo_store, patient.id, today)
    qtbot.addWidget(board)
    board.resize(1280, 900)
    board.show()
    qtbot.waitExposed(board)
    board.set_range("All")
    board.show_group(ACTIVITY_GROUP)
    page = board._pages[ACTIVITY_GROUP]
    entries = demo_store.entries(patient.id)
    timed = {r.activity_id for e in entries for r in e.activities if r.minutes is not None}
    assert timed
    for activity_id in timed:
        rating, minutes = (
            page.keys.index(f"activity/{activity_id}"),
            page.keys.index(f"minutes/{activity_id}"),
        )
        row, column, *_ = page.grid.getItemPosition(page.grid.indexOf(page.cells[rating]))
        assert page.grid.getItemPosition(page.grid.indexOf(page.cells[minutes]))[:2] == (row, column + 1)
        chart = page.chart(minutes)
        board._draw(page, minutes)
        weeks, values = chart.plotted_points()
        stored = sorted(
            (e.week, r.minutes)
            for e in entries
            for r in e.activities
            if r.activity_id == activity_id and r.minutes is not None
        )
        assert list(zip(weeks, values, strict=True)) == stored
        assert "minutes tolerated" in chart.axis_label()


def test_a_rating_with_minutes_starts_a_row_even_after_an_untimed_activity(
    qtbot: QtBot, store: Store
) -> None:
    patient = store.save_patient(Patient("Angela Test"))
    assert patient.id is not None
    zip_coat = store.save_activity(patient.id, Activity("Zip a coat", Discipline.OT))
    walk = store.save_activity(patient.id, Activity("Walk to the shop", Discipline.PT))
    assert zip_coat.id is not None and walk.id is not None
    monday = date(2026, 11, 2)
    for week, minutes in enumerate((10, 15, 20)):
        ratings = (ActivityRating(zip_coat.id, 4), ActivityRating(walk.id, 5, minutes))
        store.save_entry(patient.id, WeeklyEntry(monday + timedelta(weeks=week), {}, (), ratings))
    board = Dashboard(store, patient.id, monday + timedelta(weeks=3))
    qtbot.addWidget(board)
    board.resize(1280, 900)
    board.show()
    qtbot.waitExposed(board)
    board.show_group(ACTIVITY_GROUP)
    page = board._pages[ACTIVITY_GROUP]
    assert page.keys == [f"activity/{zip_coat.id}", f"activity/{walk.id}", f"minutes/{walk.id}"]
    spots = [page.grid.getItemPosition(page.grid.indexOf(cell))[:2] for cell in page.cells]
    assert spots == [(0, 0), (1, 0), (1, 1)]
    board.set_range("All")
    chart = page.chart(2)
    board._draw(page, 2)
    assert chart.plotted_points()[1] == [10.0, 15.0, 20.0]
