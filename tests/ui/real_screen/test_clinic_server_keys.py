"""Preferences → Clinic server by keyboard only, at 200 % text on a 1366×768 screen: Alt+V opens the page,
each field has its Alt key, Tab goes through them in reading order and Alt+C tests the connection."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.ui.dialogs.preferences import PreferencesDialog
from rehabtrack.ui.settings import Preferences
from rehabtrack.ui.widgets import apply_font_scale

from .conftest import activate

ALT = Qt.KeyboardModifier.AltModifier


def test_the_clinic_server_page_works_by_keyboard_alone(qtbot: QtBot, qt_messages) -> None:  # type: ignore[no-untyped-def]
    dialog = PreferencesDialog(Preferences(font_scale=200), None)
    qtbot.addWidget(dialog)
    apply_font_scale(dialog, 200)
    activate(qtbot, dialog)
    page = dialog.server_page
    screen = dialog.screen().availableGeometry()
    assert screen.contains(dialog.frameGeometry()), (dialog.frameGeometry(), screen)

    qtbot.keyClick(dialog, Qt.Key.Key_V, ALT)
    assert dialog.pages.currentWidget() is page
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)
    assert QApplication.focusWidget() is page.address
    qtbot.keyClicks(page.address, "postgresql://127.0.0.1:1/rehab")
    order = [page.user, page.password, page.use, page.test]
    for expected in order:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected
    qtbot.keyClick(dialog, Qt.Key.Key_U, ALT)
    assert QApplication.focusWidget() is page.user
    qtbot.keyClicks(page.user, "priya")
    qtbot.keyClick(dialog, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(page.result.isVisible)
    assert "Connection refused" in page.result.text()
    assert dialog.frameGeometry().bottom() <= screen.bottom()  # the result fits as well
