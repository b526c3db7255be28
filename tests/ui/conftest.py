"""Fixtures for the UI tests: offscreen Qt, a fresh database file per test, the main window, and a
check that no test leaves a window behind."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from rehabtrack.storage.store import Store, open_store  # noqa: E402

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from rehabtrack.ui.settings import Settings
    from rehabtrack.ui.shell.main_window import MainWindow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _app_look_restored() -> Iterator[None]:
    """Text size and theme are set on the whole application: give every test the look it started with."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        yield
        return
    font, palette, style = app.font(), app.palette(), app.style().name()
    base = app.property("rehabtrackBaseFontPt")
    yield
    app.setFont(font)
    app.setPalette(palette)
    if app.style().name() != style:
        app.setStyle(style)
    app.setProperty("rehabtrackBaseFontPt", base)


@pytest.fixture
def main_window(qtbot: QtBot, today: date) -> Iterator[Callable[..., MainWindow]]:
    """``main_window(records)`` opens the real main window, shown, on ``records``: a ``Store`` (used as
    it is), a data folder (the window opens it, as at start-up; closed again after the test) or a
    function that opens the store.

    ``settings`` (default: in memory only), ``today`` (default: the tests' fixed day; None: the clock),
    ``size`` before showing, ``load=False`` to stop before the records are opened, ``active`` to wait
    until the window has focus."""
    opened: list[MainWindow] = []

    def make(
        records: Store | Path | Callable[[], Store],
        settings: Settings | None = None,
        *,
        today: date | None = today,
        size: tuple[int, int] | None = None,
        load: bool = True,
        active: bool = False,
    ) -> MainWindow:
        from rehabtrack.ui.shell.main_window import MainWindow

        if isinstance(records, Path):
            folder = records
            open_records: Callable[[], Store] = lambda: open_store(folder)  # noqa: E731
        elif isinstance(records, Store):
            store = records
            open_records = lambda: store  # noqa: E731
        else:
            open_records = records
        window = MainWindow(open_records, today, settings=settings)
        qtbot.addWidget(window, before_close_func=_answer_discard)
        if isinstance(records, Path):
            opened.append(window)
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        if active:
            window.activateWindow()
            qtbot.waitActive(window)
        if load:
            window.load()
        return window

    yield make
    for window in opened:  # the records the window opened itself
        if window.store is not None:
            window.store.close()


def _answer_discard(window: QWidget) -> None:
    """The window is closed after the test: a question it asks then (a typed week left unsaved by a
    failed test) is answered Discard, so a failure is reported instead of waiting for ever."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            button = modal.button(QMessageBox.StandardButton.Discard)
            (button.click if button is not None else modal.reject)()

    timer = QTimer(window)
    timer.timeout.connect(answer)
    timer.start(50)


@pytest.fixture(autouse=True)
def _no_window_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a top-level widget (window, dialog, menu) alive once it is over: a window
    nobody closes keeps its database handle, its timers and its memory. ``@pytest.mark.leaves_widgets(
    "why")`` marks a leak that cannot be fixed in our code."""
    from PySide6.QtWidgets import QApplication

    if not isinstance(QApplication.instance(), QApplication):
        yield
        return
    before = {_address(w) for w in QApplication.topLevelWidgets()}
    yield
    # pytest still holds the test's fixture values (a dashboard, a window) until after teardown; the
    # fixtures' own teardown has run, so let go of them now and judge what is really left.
    request.node.funcargs.clear()  # type: ignore[attr-defined]
    _delete_what_was_closed()
    left = [w for w in QApplication.topLevelWidgets() if _address(w) not in before]
    known = request.node.get_closest_marker("leaves_widgets")  # a leak we cannot fix here: says why
    if left and known is None:
        names = sorted(f"{type(w).__name__}({w.objectName() or w.windowTitle()!r})" for w in left)
        for widget in left:  # the next test starts clean
            widget.close()
            widget.deleteLater()
        _delete_what_was_closed()
        pytest.fail(f"the test left top-level widgets alive: {', '.join(names)}", pytrace=False)


def _address(widget: object) -> int:
    import shiboken6

    return int(shiboken6.getCppPointer(widget)[0])


def _delete_what_was_closed() -> None:
    """Run the deletions the test and pytest-qt asked for, and free what only Python still held."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
