"""Starting the desktop app: paint the window first, open the database right after."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from rehabtrack import __version__


def make_application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("RehabTrack")
    app.setOrganizationName("RehabTrack")
    app.setApplicationVersion(__version__)
    return app


def run_app(data_dir: str | None = None, demo: bool = False) -> int:
    app = make_application()
    from rehabtrack.ui.main_window import MainWindow

    def open_store():  # type: ignore[no-untyped-def]
        from rehabtrack.storage.paths import open_data  # the storage stack loads after first paint

        return open_data(data_dir, demo)

    window = MainWindow(open_store)
    window.show()
    QTimer.singleShot(0, window.load)
    return app.exec()
