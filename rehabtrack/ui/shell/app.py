"""Starting the desktop app: paint the window first, open the database right after."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from rehabtrack import __version__
from rehabtrack.ui.shell import import_check

import_check.speed_up()  # before the rest of the app and its libraries are imported

if TYPE_CHECKING:
    from rehabtrack.ui.settings import Settings
    from rehabtrack.ui.shell.main_window import MainWindow


def make_application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("RehabTrack")
    app.setOrganizationName("RehabTrack")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.rehabtrack.RehabTrack")  # Wayland finds the icon and name through it
    return app


def one_blas_thread() -> None:
    """numpy's BLAS, loaded with the charts, starts a thread per core and keeps them spinning a while;
    the charts' arrays (a few hundred points) gain nothing from them, and on a busy or one-core machine
    they take the CPU from the window (~15 ms of a start here). A value set by the user is kept."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def settings_for(demo: bool) -> Settings:
    """The user's own settings; the demo gets a copy in memory, so a preference tried out on the demo
    patient (a text size, a theme, a data folder) never changes the user's own."""
    from rehabtrack.ui.settings import Settings, user_settings

    if not demo:
        return user_settings()
    own = Settings()
    own.save_preferences(user_settings().preferences())
    return own


def run_app(data_dir: str | None = None, demo: bool = False, database: str | None = None) -> int:
    gc.disable()  # until the first patient is on screen: see settle_memory
    one_blas_thread()
    app = make_application()
    from rehabtrack.ui.shell.main_window import MainWindow

    settings = settings_for(demo)

    def open_store():  # type: ignore[no-untyped-def]
        # the storage stack loads after first paint; storage.paths applies the one data-folder rule
        # (--data-dir, REHABTRACK_DATA_DIR, the folder chosen in Preferences, the platform's folder),
        # or a server database (--database, REHABTRACK_DATABASE_URL, the clinic server chosen in
        # Preferences), read again at each try: a Retry after changing Preferences uses the new address
        from rehabtrack.storage.paths import open_data, resolve_database

        return open_data(data_dir, demo, resolve_database(database, data_dir))

    window = MainWindow(open_store, settings=settings)
    from rehabtrack.ui.connection import say_database_problems

    say_database_problems(window)  # a server lost while a view reads: a message, never a traceback
    window.show()

    def load() -> None:
        try:
            window.load()
        finally:
            QTimer.singleShot(SETTLE_AFTER_MS, lambda: settle(window))

    after_first_paint(window, load)
    return app.exec()


# How long after the first patient is shown the one full garbage collection waits: a patient looking
# at the screen for the first time does not notice it.
SETTLE_AFTER_MS = 1500


def settle(window: MainWindow) -> None:
    """Once the first patient is shown: what start-up left for later, then ``settle_memory``."""
    if window.store is not None:
        window.store.prepare_writes()  # the first save does not pay for it
    settle_memory()


def settle_memory() -> None:
    """Collect once what start-up left behind, set aside everything still alive, and switch Python's
    cyclic garbage collector back on.

    Start-up makes few reference cycles but hundreds of thousands of objects, and the collector runs
    hundreds of times while the libraries import (~0.12 s of a 1 s start with ten years of data here).
    What is alive afterwards (modules, classes, the window) lives as long as the app: ``gc.freeze``
    keeps the collector from walking it again, which made a full collection during a dashboard refresh
    ~2 ms instead of ~70 ms.
    """
    gc.collect()
    gc.freeze()
    gc.enable()


# If a window manager never exposes the window (started minimised, say), load anyway after this long.
FIRST_PAINT_FALLBACK_MS = 1000


class _FirstPaint(QObject):
    """Calls ``then`` once, one event-loop turn after ``window`` is first exposed (Qt paints the whole
    window while handling that Expose), or after FIRST_PAINT_FALLBACK_MS if it never is."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then: Callable[[], None] | None = then
        handle = window.windowHandle()
        if handle is None:  # not shown: nothing will be painted, so do not wait for it
            QTimer.singleShot(0, self._fire)
            return
        handle.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._fire)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Expose and getattr(obj, "isExposed", lambda: False)():
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()


def after_first_paint(window: QWidget, then: Callable[[], None]) -> None:
    """Run ``then`` right after ``window``'s first paint. A ``QTimer.singleShot(0)`` straight after
    ``show()`` is not enough: it fires before the window system's Expose arrives, so the window would
    stay blank until ``then`` returned (measured: the 10-year data set's 5 s load came before the
    first paint)."""
    _FirstPaint(window, then)
