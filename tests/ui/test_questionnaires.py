"""The Questionnaires view by keyboard alone: fill in the LEFS, see the score, its meaning and its chart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import measure_series
from rehabtrack.storage.store import Store
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.settings import Preferences
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.views.questionnaires import QuestionnairesView

CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def _view(qtbot: QtBot, store: Store, today: date) -> tuple[QuestionnairesView, int]:
    patient = store.patient_named("Margaret Demo")
    assert patient is not None and patient.id is not None
    view = QuestionnairesView(PatientSession.open(store, patient.id, today))
    qtbot.addWidget(view)
    view.resize(1280, 860)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    return view, patient.id


def test_fill_in_the_lefs_by_keyboard_and_see_the_score(
    qtbot: QtBot, demo_store: Store, today: date, shot
) -> None:  # type: ignore[no-untyped-def]
    view, pid = _view(qtbot, demo_store, today)
    before = len(demo_store.measures(pid, "LEFS"))
    view.choose("LEFS")
    view.instrument_combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.instrument_combo)
    press(qtbot, Qt.Key.Key_N, CTRL)  # Fill in now
    form = view.form
    assert form is not None and form.family == "LEFS"
    assert "copyrighted" in form.licence.text() and "clinic" in form.licence.text()  # says so in the UI

    # Item 1..19 answered "3" by its digit, then Tab to the next item; item 20 with arrow keys.
    for i in range(19):
        assert isinstance(focused(), QRadioButton) and focused() in form.scales[i].buttons, i
        press(qtbot, Qt.Key.Key_3)
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() in form.scales[19].buttons
    press(qtbot, Qt.Key.Key_Right)  # nothing chosen yet: chooses the first answer (0)
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Right)
    assert [s.value() for s in form.scales] == [3.0] * 19 + [3.0]

    # One item cleared: not saved, the problem named next to the form, nothing written.
    form.scales[4].set_value(None)
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert len(demo_store.measures(pid, "LEFS")) == before
    assert form.general_error.isVisible() and "all 20 items" in form.general_error.text()
    focused_button = focused()
    assert focused_button in form.scales[0].buttons or isinstance(focused_button, QRadioButton)
    form.scales[4].buttons[0].setFocus()
    press(qtbot, Qt.Key.Key_3)
    press(qtbot, Qt.Key.Key_S, CTRL)

    results = demo_store.measures(pid, "LEFS")
    assert len(results) == before + 1 and results[-1].score == 60
    assert view.form is None
    assert view.result_label.text() == (
        "Saved. LEFS 60/80 — up 2 since 18 Nov: within normal variation, less than the 9-point "
        "meaningful change."
    )
    assert view.history_model.rows()[0][:3] == ("24 Nov", "LEFS", "60/80")
    # The chart in the view plots every LEFS score, the new one last.
    view.choose("LEFS")
    weeks, values = view.chart.plotted_points()
    assert values == [r.score for r in results] and weeks[-1] == today
    # ...and a MarkerChart fed with measure_series draws the same points.
    chart = MarkerChart()
    qtbot.addWidget(chart)
    chart.set_data(measure_series("measure/LEFS", demo_store.measures(pid)))
    assert chart.plotted_points()[1] == values
    assert "PSFS" in view.psfs_label.text() and "check-in" in view.psfs_label.text()
    view.open_form("QuickDASH")
    shot(view, "questionnaires.png")


def test_maintenance_offer_and_recurrence_banner(qtbot: QtBot, demo_store: Store, today: date) -> None:
    view, pid = _view(qtbot, demo_store, today)
    assert not view.start_maintenance_button.isVisible()  # goals still open, not discharged
    view.mark_discharged(confirm=False)
    assert view.start_maintenance_button.isVisible()
    view.cadence_buttons[4].setChecked(True)
    plan = view.start_maintenance()
    assert demo_store.maintenance(pid) == MaintenancePlan(today, 4, today) == plan
    assert view.end_maintenance_button.isVisible() and "every 4 weeks" in view.maintenance_label.text()
    assert not view.alerts.isVisible()  # no check-in since: nothing to warn about


@pytest.mark.parametrize("scale", [175, 200])
def test_every_score_and_its_change_is_read_whole_at_large_text(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, scale: int
) -> None:
    """At 1366×768 with large text, no word of the scores table is cut or elided: each column is at least as
    wide as its longest word and its heading, and the change sentence wraps in its column."""
    window = main_window(demo_store, size=(1366, 768))
    window.desktop.apply(Preferences(font_scale=scale))
    window.tabs.setCurrentWidget(window.questionnaires)
    qtbot.wait(50)
    table = window.questionnaires.ensure().history
    model = table.model()
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    assert model.rowCount() > 0
    for column in range(model.columnCount()):
        width = header.sectionSize(column)
        heading = str(model.headerData(column, Qt.Orientation.Horizontal))
        assert header.fontMetrics().horizontalAdvance(heading) < width, heading
        for row in range(model.rowCount()):
            text = str(model.index(row, column).data())
            for word in text.split():
                assert metrics.horizontalAdvance(word) < width, (scale, word, width)
            # on one line, or wrapped in as many lines as its row's height holds (the cell's margins:
            # 3 pixels a side)
            room = width - 6
            lines = metrics.boundingRect(0, 0, room, 10_000, Qt.TextFlag.TextWordWrap, text)
            fits = metrics.horizontalAdvance(text) <= room or lines.height() <= table.rowHeight(row)
            assert fits, (scale, text, width, table.rowHeight(row))


def test_each_change_in_the_scores_table_is_the_difference_of_the_scores_shown(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    """A person checking "22.7/100, −4.5" against the 27.3 below it gets −4.6: the table's change is the
    difference of the two scores as the table shows them."""
    view, _ = _view(qtbot, demo_store, today)
    rows = view.history_model.rows()  # newest first

    def number(text: str) -> float:
        return float(text.split("/")[0].split(":")[0].replace("\u2212", "-").replace("±", ""))

    checked = 0
    for i, (_day, name, score, change) in enumerate(rows):
        older = next((r for r in rows[i + 1 :] if r[1] == name), None)
        if older is None or change == "first score":
            continue
        decimals = len(change.split(":")[0].partition(".")[2])
        assert number(change) == round(number(score) - number(older[2]), decimals), (name, score, older[2])
        checked += 1
    assert checked >= 5
