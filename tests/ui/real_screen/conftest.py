"""Tests on a real X window (xcb), where focus, shortcuts and the screen size behave as a user sees them.

They run only under an X server with ``QT_QPA_PLATFORM=xcb``; ``tests/ui/test_real_screen.py`` starts
them that way under ``xvfb-run`` at 1366×768, so every run of the suite includes them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.storage.store import open_store
from rehabtrack.ui.shell.main_window import MainWindow

REAL_SCREEN = os.environ.get("QT_QPA_PLATFORM") == "xcb" and bool(os.environ.get("DISPLAY"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if REAL_SCREEN:
        return
    skip = pytest.mark.skip(reason="needs a real X window: run through tests/ui/test_real_screen.py")
    for item in items:
        if item.path.parent.name == "real_screen":
            item.add_marker(skip)


@pytest.fixture
def qt_messages() -> Iterator[list[str]]:
    """Every warning Qt prints while the test runs; the test fails on an ambiguous shortcut."""
    seen: list[str] = []

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        seen.append(message)

    previous = qInstallMessageHandler(handler)
    yield seen
    qInstallMessageHandler(previous)
    ambiguous = [m for m in seen if "Ambiguous shortcut" in m]
    assert not ambiguous, ambiguous


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Show ``window`` and make it the active one, as a user's click would."""
    window.show()
    qtbot.waitExposed(window)
    window.raise_()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window, 5000), "the window never became active"


def launch(qtbot: QtBot, data_dir: Path, today: date) -> MainWindow:
    """The app as started from the desktop: the window shown and active, then the records loaded."""
    window = MainWindow(lambda: open_store(data_dir), today)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.load()
    QApplication.processEvents()
    return window
