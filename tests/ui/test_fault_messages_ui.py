"""A fault of the folder (not of the records) is named in the window; no backup is offered and nothing is
moved, even when backups exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient
from rehabtrack.storage.backup import backup_now, list_backups
from rehabtrack.storage.store import DATABASE_NAME, open_store
from rehabtrack.ui.shell.main_window import MainWindow


def test_a_folder_where_the_records_should_be_is_named_and_no_restore_offered(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date
) -> None:
    store = open_store(data_dir)
    store.save_patient(Patient("Ann Example"))
    store.close()
    backup = backup_now(data_dir)
    database = data_dir / DATABASE_NAME
    moved = data_dir.parent / "moved.db"
    database.rename(moved)
    database.mkdir()  # e.g. a sync tool made a folder of that name

    seen, timer = _answer_message_boxes()
    window = main_window(data_dir)
    timer.stop()

    [(text, buttons)] = seen
    assert "is a folder, not a database file" in text
    assert "damaged" not in text and "Restore" not in text
    assert [b.replace("&", "") for b in buttons] == ["OK"]  # a message, not a question
    assert window.store is None
    assert database.is_dir() and list(database.iterdir()) == []
    assert list_backups(data_dir) == [backup]  # nothing restored, nothing moved aside


def test_a_failed_upgrade_is_a_message_not_a_restore_that_fails_again(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date, tmp_path: Path
) -> None:
    """Restoring the pre-upgrade copy gives back the same file, whose upgrade then fails again: the window
    says what happened and that the records are unchanged, and asks nothing."""
    import sys

    from sqlalchemy import Engine, event

    sys.path.insert(0, str(Path(__file__).parents[1] / "storage"))
    from old_schemas import FIXTURES, build_old_database

    database = build_old_database(FIXTURES / "schema-0001.sql", data_dir / DATABASE_NAME)
    original = database.read_bytes()

    def power_cut(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "CREATE TABLE measure_item" in statement:  # inside the upgrade to 0003
            raise RuntimeError("power cut during the upgrade")

    seen, timer = _answer_message_boxes()
    event.listen(Engine, "before_cursor_execute", power_cut)
    try:
        window = main_window(data_dir)
    finally:
        event.remove(Engine, "before_cursor_execute", power_cut)
        timer.stop()

    [(text, buttons)] = seen  # one message, shown once
    assert "power cut during the upgrade" in text and "was not changed" in text
    assert [b.replace("&", "") for b in buttons] == ["OK"]  # a message, not a restore question
    assert window.store is None
    assert database.read_bytes() == original


def _answer_message_boxes() -> tuple[list[tuple[str, list[str]]], QTimer]:
    """Accept every message box as it appears; each one's text and buttons are added to the list."""
    seen: list[tuple[str, list[str]]] = []

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            seen.append((modal.text(), [b.text() for b in modal.buttons()]))
            modal.accept()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    return seen, timer
