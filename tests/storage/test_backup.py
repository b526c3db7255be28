"""Backups through SQLite's backup API: daily, before a migration or restore, the newest N kept.

SQLite only: backups are copies of the file (on a server its owner runs pg_dump).
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from old_schemas import build_old_database
from sqlalchemy import Engine, event

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.storage.backup import backup_now, daily_backup, list_backups, prune, restore
from rehabtrack.storage.engine import APPLICATION_ID, HEAD_REVISION
from rehabtrack.storage.errors import BackupProblem, MigrationFailed, StoreLocked
from rehabtrack.storage.store import DATABASE_NAME, open_store

SCHEMA_0001 = Path(__file__).parent / "fixtures" / "schema-0001.sql"
MONDAY = date(2025, 3, 3)


def _weeks(path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT week, pain FROM weekly_entry ORDER BY week").fetchall()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_of_a_live_database_has_what_is_still_in_the_wal(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 4}))
    wal = data_dir / (DATABASE_NAME + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the save is (also) in the WAL, not yet in the file

    backup = backup_now(data_dir)  # while the store is open and holds its connections

    assert backup.parent == data_dir / "backups"
    assert backup.name.startswith(f"rehabtrack-{date.today():%Y-%m-%d}_")
    assert backup.stat().st_mode & 0o777 == 0o600
    assert _weeks(backup) == [("2025-03-03", 4)]
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(backup.parent.glob("*.partial"))
    store.close()


def test_daily_backup_at_most_once_a_day_when_opening(data_dir: Path) -> None:
    store = open_store(data_dir)  # a new database: nothing to back up yet
    store.save_patient(Patient("Ann"))
    store.close()
    assert list_backups(data_dir) == []
    open_store(data_dir).close()
    [first] = list_backups(data_dir)
    assert first.name.endswith("-daily.db")
    open_store(data_dir).close()
    assert list_backups(data_dir) == [first]
    assert daily_backup(data_dir) is None
    tomorrow = daily_backup(data_dir, today=date.today() + timedelta(days=1))
    assert tomorrow is not None and len(list_backups(data_dir)) == 2


def test_only_the_newest_backups_are_kept(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.save_patient(Patient("Ann"))
    made = [backup_now(data_dir, keep=3) for _ in range(5)]
    assert list_backups(data_dir) == made[::-1][:3]
    assert prune(data_dir, keep=1) == made[::-1][1:3]
    assert list_backups(data_dir) == [made[-1]]
    store.close()


def test_restore_brings_back_the_backup_after_backing_up_the_current_one(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 4}))
    backup = backup_now(data_dir)
    store.save_entry(ann.id, WeeklyEntry(MONDAY + timedelta(weeks=1), {"pain": 2}))
    with pytest.raises(StoreLocked):
        restore(data_dir, backup)  # not while the app has the folder open
    store.close()

    previous = restore(data_dir, backup)

    assert previous is not None and previous.name.endswith("-before-restore.db")
    assert _weeks(previous) == [("2025-03-03", 4), ("2025-03-10", 2)]
    reopened = open_store(data_dir)
    assert [e.values for e in reopened.entries(ann.id)] == [{"pain": 4}]
    assert (data_dir / DATABASE_NAME).stat().st_mode & 0o777 == 0o600
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    reopened.close()


def test_restore_refuses_a_file_that_is_not_a_rehabtrack_backup(data_dir: Path, tmp_path: Path) -> None:
    store = open_store(data_dir)
    store.save_patient(Patient("Ann"))
    store.close()
    before = _sha(data_dir / DATABASE_NAME)
    bogus = tmp_path / "photo.db"
    bogus.write_bytes(b"\x89PNG" + bytes(5000))
    with pytest.raises(BackupProblem, match="cannot be restored"):
        restore(data_dir, bogus)
    assert _sha(data_dir / DATABASE_NAME) == before
    assert list_backups(data_dir) == []


def test_restore_over_a_damaged_database_keeps_the_damaged_file_unchanged(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 4}))
    backup = backup_now(data_dir)
    store.close()
    damaged = data_dir / DATABASE_NAME
    damaged.write_bytes(b"garbage" * 1000)
    digest = _sha(damaged)

    aside = restore(data_dir, backup)

    assert aside is not None and _sha(aside) == digest
    assert _weeks(data_dir / DATABASE_NAME) == [("2025-03-03", 4)]


def test_a_migration_is_always_preceded_by_a_backup(data_dir: Path) -> None:
    data_dir.mkdir()
    build_old_database(SCHEMA_0001, data_dir / DATABASE_NAME)
    open_store(data_dir).close()
    names = [p.name for p in list_backups(data_dir)]
    assert any(n.endswith(f"-before-schema-{HEAD_REVISION}.db") for n in names)


def test_a_migration_failing_half_way_leaves_the_file_as_it_was_and_one_good_backup(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir.mkdir()
    path = build_old_database(SCHEMA_0001, data_dir / DATABASE_NAME)
    weeks = _weeks(path)
    original = path.read_bytes()
    old = [backup_now(data_dir, "daily", keep=None) for _ in range(3)]  # earlier backups of the user

    def power_cut(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "CREATE TABLE measure_item" in statement:  # deep inside the upgrade to 0003
            raise RuntimeError("power cut during step two")

    event.listen(Engine, "before_cursor_execute", power_cut)
    try:
        attempts = []
        for _ in range(4):  # every retry fails the same way ...
            with pytest.raises(MigrationFailed) as caught:
                open_store(data_dir, keep_backups=2)
            attempts.append(caught.value)
    finally:
        event.remove(Engine, "before_cursor_execute", power_cut)

    assert path.read_bytes() == original  # ... and leaves the file byte for byte as it was
    assert sorted(p.name for p in data_dir.iterdir()) == ["backups", DATABASE_NAME, "rehabtrack.lock"]
    backup = attempts[0].backup
    assert backup is not None and {a.backup for a in attempts} == {backup}  # one backup, made once
    assert set(list_backups(data_dir)) == {backup, *old}  # and nothing rotated away
    message = str(attempts[-1])
    assert "power cut during step two" in message and "was not changed" in message
    assert f'rehabtrack restore "{backup}"' in message
    assert _weeks(backup) == weeks
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"

    restore(data_dir, backup)  # what the message says to do works
    store = open_store(data_dir, keep_backups=2)  # and without the fault the upgrade runs
    assert len(store.patients(include_archived=True)) == 2
    store.close()
    assert _weeks(data_dir / DATABASE_NAME) == weeks


def test_backup_and_restore_from_the_command_line(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 4}))
    store.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "rehabtrack", "--data-dir", str(data_dir), *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)

    out = run("backup")
    assert out.returncode == 0, out.stderr
    [backup] = list_backups(data_dir)
    assert str(backup) in out.stdout
    store = open_store(data_dir)
    store.delete_entry(ann.id, MONDAY)
    store.close()
    out = run("restore", str(backup))
    assert out.returncode == 0, out.stderr
    assert "Restored" in out.stdout
    assert _weeks(data_dir / DATABASE_NAME) == [("2025-03-03", 4)]
    out = run("restore", str(data_dir / "nope.db"))
    assert out.returncode == 2 and "no backup file" in out.stderr


def test_backing_up_the_demo_database_is_quick(demo_store, data_dir: Path) -> None:
    start = time.perf_counter()
    backup_now(data_dir)
    elapsed = time.perf_counter() - start
    size = sum(p.stat().st_size for p in data_dir.glob(DATABASE_NAME + "*"))
    print(f"backup of the demo database ({size} bytes with its WAL): {elapsed:.4f} s")
    assert elapsed < 2.0
