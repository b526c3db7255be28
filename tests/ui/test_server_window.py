"""The same window on a PostgreSQL database: a week typed in the check-in reaches the server, and File → Back
up now says how the server's owner backs it up instead of pretending to."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rehabtrack.core.weeks import week_start
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_server
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.widgets import NumberField

pytestmark = pytest.mark.postgres


def test_a_week_saved_in_the_window_reaches_the_server(
    qtbot: QtBot, postgres_url: str, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_server(postgres_url)
    seed_demo(store, today)
    [patient] = store.patients()
    this_week = week_start(today)
    store.delete_entry(patient.id or 0, this_week)
    store.close()

    window = MainWindow(lambda: open_server(postgres_url), today)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    window.load()
    assert window.patient is not None and window.patient.display_name == "Margaret Demo"
    assert window.data_folder() is None and not hasattr(window, "instance_server")
    pain = window.checkin._fields["pain"].widget  # type: ignore[union-attr]
    assert isinstance(pain, NumberField)
    pain.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pain)
    qtbot.keyClicks(pain, "3")
    qtbot.keyClick(pain, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window.store.close()  # type: ignore[union-attr]

    elsewhere = open_server(postgres_url)  # what another therapist's RehabTrack reads
    saved = elsewhere.entry(patient.id or 0, this_week)
    elsewhere.close()
    assert saved is not None and saved.values == {"pain": 3}

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _w, _t, text: told.append(text)))
    window.store = open_server(postgres_url)
    window.backup_now()
    window.store.close()
    [text] = told
    assert f"on the database server {postgres_url}" in text and "pg_dump" in text
