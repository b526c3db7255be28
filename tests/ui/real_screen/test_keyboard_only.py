"""Keyboard alone on a real window: where focus starts, what each key reaches, how many keys a week takes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.weeks import ONE_WEEK, week_start
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_store
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.views.session_view import SessionView
from tests.ui.real_screen.conftest import activate, launch

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


@contextmanager
def modal_watch(handle: Callable[[], None]) -> Iterator[None]:
    """Call ``handle`` every 100 ms while a key press may be blocked in a modal dialog's own loop."""
    timer = QTimer()
    timer.timeout.connect(handle)
    timer.start(100)
    try:
        yield
    finally:
        timer.stop()


class Keyboard:
    """Presses keys where a person's would land (the focused widget) and counts them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
        target = QApplication.focusWidget() or QApplication.activeWindow()
        assert target is not None, "no window has the keyboard"
        self.qtbot.keyClick(target, key, modifiers)
        self.count += 1
        QApplication.processEvents()


def _demo_without_this_week(data_dir: Path, today: date) -> None:
    store = open_store(data_dir)
    seed_demo(store, today)
    [patient] = store.patients()
    store.delete_entry(patient.id, week_start(today))  # type: ignore[arg-type]
    store.close()


def test_focus_starts_in_the_first_field_of_the_week(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    first = window.checkin._fields[WEEKLY_MARKERS[0].key].widget  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)


def test_angelas_quiet_week_takes_three_keys_or_fewer(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_L, CTRL)
    keys.press(Qt.Key.Key_S, CTRL)
    assert keys.count <= 3
    assert window.store is not None and window.patient is not None
    saved = window.store.entry(window.patient.id, week_start(today))  # type: ignore[arg-type]
    before = window.store.entry(window.patient.id, week_start(today) - ONE_WEEK)  # type: ignore[arg-type]
    assert saved is not None and before is not None
    assert saved.values == before.values  # the symptom markers, as last week
    assert saved.activities == before.activities
    assert saved.rom == ()  # angles are measured, not copied


def test_ctrl_s_and_ctrl_l_work_with_focus_on_the_tab_bar(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    bar = window.tabs.findChild(QTabBar)
    bar.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_L, CTRL)
    keys.press(Qt.Key.Key_S, CTRL)
    assert window.store.entry(window.patient.id, week_start(today)) is not None  # type: ignore[union-attr]


def test_the_checkin_scroll_area_is_no_tab_stop(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    form = window.checkin
    seen: list[QWidget] = []
    keys = Keyboard(qtbot)
    for _ in range(80):
        keys.press(Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert form.scroll_area not in seen  # type: ignore[union-attr]
    assert form.scroll_area.viewport() not in seen  # type: ignore[union-attr]


def test_f11_opens_the_session_view_from_the_dashboard(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_D, ALT)
    assert window.tabs.currentWidget() is window.dashboard
    opened: list[SessionView] = []

    def leave_session() -> None:
        for view in QApplication.topLevelWidgets():
            if isinstance(view, SessionView) and view.isVisible():
                opened.append(view)
                view.reject()

    with modal_watch(leave_session):
        keys.press(Qt.Key.Key_F11)
    assert opened


def test_alt_h_opens_history_and_each_mnemonic_reaches_one_place(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    keys = Keyboard(qtbot)
    history = next(
        i for i in range(window.tabs.count()) if "History" in window.tabs.tabText(i).replace("&", "")
    )
    mnemonic = window.tabs.tabText(history).split("&")[1][0]
    keys.press(getattr(Qt.Key, f"Key_{mnemonic.upper()}"), ALT)
    assert window.tabs.currentIndex() == history
    assert QApplication.activePopupWidget() is None  # no menu opened instead
    keys.press(getattr(Qt.Key, f"Key_{mnemonic.upper()}"), ALT)  # the same key again stays there
    assert window.tabs.currentIndex() == history
    assert QApplication.activePopupWidget() is None


def test_in_the_session_view_compare_leaves_n_c_and_the_arrows_to_their_shortcuts(
    qtbot: QtBot, demo_store, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.charts.theme import LIGHT
    from rehabtrack.ui.views.session_view import EventDialog

    [patient] = demo_store.patients()
    view = SessionView(PatientSession.open(demo_store, patient.id, today), LIGHT)
    qtbot.addWidget(view)
    activate(qtbot, view)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_C)
    assert view.stack.currentWidget() is view.compare
    assert QApplication.focusWidget() not in view.compare.edits
    notes: list[EventDialog] = []

    def leave_note() -> None:
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, EventDialog) and dialog.isVisible():
                notes.append(dialog)
                dialog.reject()

    with modal_watch(leave_note):
        keys.press(Qt.Key.Key_N)
    assert notes  # N opened the note, not a date field's digit
    activate(qtbot, view)  # with no window manager here, nothing re-activates it after the dialog
    keys.press(Qt.Key.Key_C)
    assert view.stack.currentWidget() is view.chart
    keys.press(Qt.Key.Key_C)
    index = view.index
    keys.press(Qt.Key.Key_Right)
    assert view.stack.currentWidget() is view.chart and view.index == (index + 1) % len(view.slides)
    keys.press(Qt.Key.Key_Left)
    assert view.index == index


def test_alt_n_in_the_session_view_adds_a_note(qtbot: QtBot, demo_store, today: date, qt_messages) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.charts.theme import LIGHT
    from rehabtrack.ui.views.session_view import EventDialog

    [patient] = demo_store.patients()
    view = SessionView(PatientSession.open(demo_store, patient.id, today), LIGHT)
    qtbot.addWidget(view)
    activate(qtbot, view)
    index = view.index
    notes: list[EventDialog] = []

    def leave_note() -> None:
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, EventDialog) and dialog.isVisible():
                notes.append(dialog)
                dialog.reject()

    with modal_watch(leave_note):
        Keyboard(qtbot).press(Qt.Key.Key_N, ALT)
        qtbot.waitUntil(lambda: bool(notes), timeout=3000)  # a mnemonic clicks after a short animation
    assert notes and view.index == index  # a note, not the next slide


def test_shift_tab_from_save_into_notes_scrolls_them_into_view(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    form = window.checkin
    form.scroll_area.verticalScrollBar().setValue(0)  # type: ignore[union-attr]
    form.save_button.setFocus()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.save_button)  # type: ignore[union-attr]
    Keyboard(qtbot).press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is form.notes  # type: ignore[union-attr]
    viewport = form.scroll_area.viewport()  # type: ignore[union-attr]
    top_left = form.notes.mapTo(viewport, form.notes.rect().topLeft())  # type: ignore[union-attr]
    assert viewport.rect().contains(top_left)


def test_ctrl_l_fills_last_week_when_this_week_is_logged(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    store = open_store(data_dir)
    seed_demo(store, today)
    [patient] = store.patients()
    last_week = week_start(today) - ONE_WEEK
    store.delete_entry(patient.id, last_week)  # type: ignore[arg-type]
    store.close()
    window = launch(qtbot, data_dir, today)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_Left, ALT)
    assert window.checkin.week == last_week  # type: ignore[union-attr]
    keys.press(Qt.Key.Key_L, CTRL)
    keys.press(Qt.Key.Key_S, CTRL)
    saved = window.store.entry(window.patient.id, last_week)  # type: ignore[union-attr]
    before = window.store.entry(window.patient.id, last_week - ONE_WEEK)  # type: ignore[union-attr]
    assert saved is not None and before is not None and saved.values == before.values


def test_tab_passes_through_the_scores_so_far_without_changing_the_questionnaire(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    store = open_store(data_dir)
    seed_demo(store, today)
    store.close()
    window = launch(qtbot, data_dir, today)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_Q, ALT)
    view = window.questionnaires.content  # type: ignore[union-attr]
    assert view is not None
    chosen = view.instrument_combo.currentData()
    view.history.setFocus()  # the scores table, then one Tab onwards
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.history)
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not view.history  # one Tab leaves it: no cell-by-cell walk
    assert view.instrument_combo.currentData() == chosen
    view.history.setFocus()
    keys.press(Qt.Key.Key_Down)  # arrows still choose a score
    keys.press(Qt.Key.Key_Down)
    assert view.history.selectionModel().selectedRows()


def test_enter_on_a_history_week_opens_it_with_typing_in_its_first_field(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_Y, ALT)
    assert window.tabs.currentWidget() is window.history_page
    window.history_view.setFocus()
    window.history_view.setCurrentIndex(window.history_model.index(2, 0))
    keys.press(Qt.Key.Key_Return)
    first = window.checkin._fields[WEEKLY_MARKERS[0].key].widget  # type: ignore[union-attr]
    assert window.tabs.currentWidget() is window.checkin
    assert QApplication.focusWidget() is first


def test_ctrl_z_undoes_a_goal_decision_from_the_dashboard_and_a_week_from_its_field(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.core.model import GoalStatus

    _demo_without_this_week(data_dir, today)
    window = launch(qtbot, data_dir, today)
    store, pid = window.store, window.patient.id  # type: ignore[union-attr]
    keys = Keyboard(qtbot)
    # A week saved from the check-in (focus stays in its field), then a goal marked achieved.
    keys.press(Qt.Key.Key_L, CTRL)
    keys.press(Qt.Key.Key_S, CTRL)
    assert store.entry(pid, week_start(today)) is not None  # type: ignore[union-attr]
    keys.press(Qt.Key.Key_D, ALT)
    dashboard = window.dashboard
    panel = dashboard.goals_panel  # type: ignore[union-attr]
    panel.setFocus()
    panel.setCurrentItem(panel.topLevelItem(0).child(0))  # type: ignore[union-attr]
    goal = panel.current_goal()
    dashboard.set_goal_status(GoalStatus.MARKED_ACHIEVED, confirm=False)  # type: ignore[union-attr]
    assert window.undo_action.text() == f"&Undo Mark goal '{goal.title}' achieved"  # type: ignore[union-attr]

    keys.press(Qt.Key.Key_Z, CTRL)  # focus in the goals panel
    assert next(g for g in store.goals(pid) if g.id == goal.id).status == GoalStatus.ACTIVE  # type: ignore[union-attr]
    keys.press(Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert next(g for g in store.goals(pid) if g.id == goal.id).status == GoalStatus.MARKED_ACHIEVED  # type: ignore[union-attr]
    keys.press(Qt.Key.Key_Z, CTRL)

    keys.press(Qt.Key.Key_C, ALT)  # back on the check-in, in a field with nothing typed: the week goes
    window.checkin.focus_first_input()  # type: ignore[union-attr]
    keys.press(Qt.Key.Key_Z, CTRL)
    assert store.entry(pid, week_start(today)) is None  # type: ignore[union-attr]
