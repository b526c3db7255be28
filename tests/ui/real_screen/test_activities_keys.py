"""Edit → Activities… on a real window: Ctrl+Shift+A reaches it from the check-in and from the dashboard
(no other key of the window has it), typing starts in the new name, and Esc leaves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_store
from rehabtrack.ui.dialogs.activities import ActivitiesDialog
from tests.ui.real_screen.conftest import activate, launch
from tests.ui.real_screen.test_keyboard_only import ALT, Keyboard, modal_watch

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_ctrl_shift_a_opens_the_activities_from_the_checkin_and_the_dashboard(
    qtbot: QtBot, data_dir: Path, today: date, qt_messages
) -> None:  # type: ignore[no-untyped-def]
    store = open_store(data_dir)
    seed_demo(store, today)
    store.close()
    window = launch(qtbot, data_dir, today)
    keys = Keyboard(qtbot)
    seen: list[str] = []

    def leave() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ActivitiesDialog) and dialog.isActiveWindow():
            seen.append(type(QApplication.focusWidget()).__name__)
            qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)

    with modal_watch(leave):
        keys.press(Qt.Key.Key_A, CTRL_SHIFT)
    assert seen == ["TextField"]  # typing starts in the new activity's name
    activate(qtbot, window)  # a window manager would hand the focus back; Xvfb alone has none
    keys.press(Qt.Key.Key_D, ALT)
    assert window.tabs.currentWidget() is window.dashboard
    with modal_watch(leave):
        keys.press(Qt.Key.Key_A, CTRL_SHIFT)
    assert seen == ["TextField", "TextField"]
