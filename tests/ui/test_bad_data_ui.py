"""What the window does with records it cannot use: a second copy, a damaged file, a restore."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.storage.backup import backup_dir, backup_now
from rehabtrack.storage.store import DATABASE_NAME, open_store
from rehabtrack.ui.shell.main_window import MainWindow

MONDAY = date(2026, 11, 16)


def _answer_modals(button: QMessageBox.StandardButton, seen: list[str]) -> QTimer:
    """Answer every message box that opens with ``button``, noting its text."""

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            seen.append(modal.text())
            target = modal.button(button) or modal.button(QMessageBox.StandardButton.Ok)
            if target is not None:
                target.click()
            else:
                modal.accept()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    return timer


def _records(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann Example"))
    assert ann.id is not None
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 4}))
    store.close()


def test_a_second_copy_brings_the_first_forward_and_does_not_open_the_records(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date
) -> None:
    _records(data_dir)
    first = main_window(data_dir, load=False)
    first.load()
    assert first.patient is not None and first.patient.display_name == "Ann Example"
    # it answers a second copy once its first patient is on screen (a second copy keeps asking till then)
    qtbot.waitUntil(lambda: getattr(first, "instance_server", None) is not None, timeout=5000)
    assert first.instance_server.listening

    seen: list[str] = []
    timer = _answer_modals(QMessageBox.StandardButton.Ok, seen)
    second = main_window(data_dir, load=False)
    second.load()
    timer.stop()
    assert second.store is None  # never opened for writing
    assert seen and "already open on your records" in seen[0]
    assert not second.isVisible()
    qtbot.waitUntil(lambda: first.statusBar().currentMessage() == "RehabTrack is already open here.")
    first.store.close()  # type: ignore[union-attr]


def test_a_damaged_database_is_kept_unchanged_and_the_newest_backup_offered_and_restored(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date
) -> None:
    _records(data_dir)
    backup_now(data_dir)
    database = data_dir / DATABASE_NAME
    for leftover in data_dir.glob(DATABASE_NAME + "-*"):
        leftover.unlink()
    database.write_bytes(b"%PDF-1.7 this is not a database" * 200)
    damaged = hashlib.sha256(database.read_bytes()).hexdigest()

    seen: list[str] = []
    timer = _answer_modals(QMessageBox.StandardButton.Yes, seen)
    window = main_window(data_dir, load=False)
    window.load()
    timer.stop()
    assert seen and "Restore the newest backup" in seen[0]
    assert window.patient is not None and window.patient.display_name == "Ann Example"
    assert window.store is not None and window.store.entry(window.patient.id, MONDAY).values == {"pain": 4}  # type: ignore[arg-type, union-attr]
    kept = [
        p for p in backup_dir(data_dir).iterdir() if hashlib.sha256(p.read_bytes()).hexdigest() == damaged
    ]
    assert kept, "the file that could not be opened is kept, byte for byte"
    window.store.close()


def test_file_restore_from_backup_brings_the_records_back_and_keeps_the_current_ones(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from rehabtrack.storage.backup import list_backups

    _records(data_dir)
    window = main_window(data_dir, load=False)
    window.load()
    assert window.store is not None and window.patient is not None and window.patient.id is not None
    made = backup_now(data_dir)
    window.store.save_entry(window.patient.id, WeeklyEntry(MONDAY, {"pain": 9}))  # a change made after
    before = set(list_backups(data_dir))

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(made), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    restore = next(a for a in window.file_menu.actions() if a.text() == "&Restore from backup…")
    restore.trigger()

    assert window.store is not None and window.patient is not None
    assert window.store.entry(window.patient.id, MONDAY).values == {"pain": 4}  # type: ignore[arg-type, union-attr]
    kept = set(list_backups(data_dir)) - before
    assert kept, "what was there before the restore is kept as a backup of its own"
    window.store.close()
