"""Opening the records checks every page (``PRAGMA quick_check``); the app begins that check on a thread of
its own before the storage stack loads (``storage/integrity.py``). What the opening finds and says is the
same either way: a damaged file is refused with the same message, and a file changed after the early
check began is checked again."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.storage import integrity
from rehabtrack.storage.errors import NotRehabTrackDatabase
from rehabtrack.storage.paths import open_data
from rehabtrack.storage.store import DATABASE_NAME, open_store


def _good_database(data_dir: Path, weeks: int = 60) -> Path:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    assert ann.id is not None
    for i in range(weeks):
        week = date.fromordinal(date(2024, 1, 1).toordinal() + 7 * i)
        store.save_entry(ann.id, WeeklyEntry(week, {"pain": i % 10}, notes="note " * 100))
    store.close()
    return data_dir / DATABASE_NAME


def _damage_pages(path: Path) -> None:
    """Garble the middle of every third page of the file's second half, in place (same file, same
    size): the schema still reads, only the check of every page finds it."""
    with path.open("r+b") as f:
        pages = f.seek(0, os.SEEK_END) // 4096
        for page in range(pages // 2, pages, 3):
            f.seek(page * 4096 + 8)
            f.write(os.urandom(392))


def _refusal(data_dir: Path) -> str:
    with pytest.raises(NotRehabTrackDatabase) as caught:
        open_store(data_dir)
    return str(caught.value)


def test_the_app_s_opening_refuses_damaged_pages_with_the_same_message_leaving_the_folder_as_it_was(
    data_dir: Path,
) -> None:
    path = _good_database(data_dir)
    open_store(data_dir).close()  # today's backup is made
    _damage_pages(path)
    before = sorted(p.name for p in data_dir.iterdir())
    said = _refusal(data_dir)  # the check run by the opening itself
    assert "is damaged" in said
    with pytest.raises(NotRehabTrackDatabase) as caught:
        open_data(str(data_dir))  # the app's way: the check begun early
    assert str(caught.value) == said
    assert sorted(p.name for p in data_dir.iterdir()) == before  # no -wal or -shm left by either reading


def test_a_file_changed_after_the_early_check_is_checked_again(data_dir: Path) -> None:
    path = _good_database(data_dir)
    open_store(data_dir).close()  # today's backup is made: the opening below makes none (it would check too)
    integrity.begin(path)
    integrity._begun[path.absolute()].join()  # found sound...
    _damage_pages(path)  # ...then damaged before the opening asks
    assert "is damaged" in _refusal(data_dir)


def test_the_early_verdict_of_an_unchanged_file_is_the_one_used(data_dir: Path) -> None:
    path = _good_database(data_dir)
    integrity.begin(path)
    unused = sqlite3.connect(path)
    unused.close()  # asking a closed connection would raise
    assert integrity.verdict(path, unused) == ["ok"]
    with pytest.raises(sqlite3.ProgrammingError):
        integrity.verdict(path, unused)  # nothing begun any more: the check runs on the connection given


def test_a_sound_file_opens_through_the_early_check(data_dir: Path) -> None:
    _good_database(data_dir)
    store = open_data(str(data_dir))
    try:
        assert [p.display_name for p in store.patients()] == ["Ann"]
        assert len(store.entries(store.patients()[0].id or 0)) == 60
    finally:
        store.close()
