"""What a screen reader hears for each dashboard chart: its title as the name, and one sentence saying
what was logged and, on a goal's chart, the goals panel's own words for that goal."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QAccessible
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import MarkerChart, axis_title
from rehabtrack.storage.store import Store
from rehabtrack.ui.views.dashboard import Dashboard


def _heard(chart: MarkerChart) -> tuple[str, str]:
    face = QAccessible.queryAccessibleInterface(chart)
    assert face is not None
    return face.text(QAccessible.Text.Name), face.text(QAccessible.Text.Description)


def test_every_chart_has_its_title_as_name_and_a_one_sentence_summary(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    board = Dashboard(demo_store, patient.id, today)
    qtbot.addWidget(board)
    board.resize(1280, 900)
    board.show()
    qtbot.waitExposed(board)
    sentences = {title: sentence for _, title, sentence, _ in board.goals_panel.rows()}
    goals = {g.marker: g for g in demo_store.goals(patient.id)}
    heard, with_goal = 0, 0
    for group in board.data.chart_groups:
        board.show_group(group)
        for chart in board.visible_charts():
            name, description = _heard(chart)
            series = chart._series
            assert series is not None
            assert name == axis_title(series)
            assert description.startswith(f"{series.label}: ") and description.endswith(".")
            assert description.count(". ") == 0  # one sentence
            assert "logged" in description
            goal = goals.get(series.key)
            if goal is not None and goal.title in sentences:
                assert sentences[goal.title] in description  # the goals panel's words, not new ones
                with_goal += 1
            heard += 1
    assert heard >= 6 and with_goal >= 3
