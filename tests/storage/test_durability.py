"""A crash, a full disk, a read-only file or an old schema never loses or half-writes a save.

SQLite only: full disks, read-only files and released schema files are the SQLite file's faults;
test_migrations.py upgrades every released schema on PostgreSQL too.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from old_schemas import build_old_database, released_schemas
from sqlalchemy import event

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.storage.engine import HEAD_REVISION
from rehabtrack.storage.errors import DiskFull, ReadOnlyDatabase
from rehabtrack.storage.store import DATABASE_NAME, open_store

HERE = Path(__file__).parent
MONDAY = date(2025, 3, 3)
TABLES = ("patient", "activity", "weekly_entry", "rom_measurement", "activity_rating", "goal", "event")


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


# Kill test ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_saves_acknowledged_before_a_sigkill_are_all_there(tmp_path: Path) -> None:
    sys.path.insert(0, str(HERE))
    try:
        from kill_writer import PATIENT, entry  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(HERE))
    data_dir = tmp_path / "data"
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    acknowledged: set[int] = set()
    next_index = 0
    for run in range(5):
        writer = subprocess.Popen(
            [sys.executable, str(HERE / "kill_writer.py"), str(data_dir), str(next_index)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        ready = writer.stdout.readline()
        assert ready == "ready\n", writer.stderr.read() if writer.stderr else ready
        time.sleep(rng.uniform(0.05, 0.6))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate(timeout=30)
        assert writer.returncode == -signal.SIGKILL
        acked = [int(line) for line in out.splitlines(keepends=True) if line.endswith("\n")]
        assert acked, f"run {run} (seed {seed}) acknowledged no save before the kill"
        acknowledged.update(acked)
        next_index = max(acked) + 1

        path = data_dir / DATABASE_NAME
        assert _integrity(path) == "ok", f"seed {seed}, run {run}"
        store = open_store(data_dir)
        patient = store.patient_named(PATIENT)
        assert patient is not None and patient.id is not None
        saved = {e.week: e for e in store.entries(patient.id)}
        store.close()
        for index in acknowledged:
            expected = entry(index)
            got = saved.get(expected.week)
            assert got is not None, f"acknowledged save {index} is missing (seed {seed}, run {run})"
            assert (got.values, got.rom, got.notes) == (expected.values, expected.rom, expected.notes)
    print(f"kill test: {len(acknowledged)} acknowledged saves over 5 kills (seed {seed})")


# Migrations from every released schema version ------------------------------------------------------


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.mark.parametrize("fixture", released_schemas(), ids=lambda p: p.stem)
def test_every_released_schema_upgrades_to_head_keeping_every_row(fixture: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / DATABASE_NAME
    build_old_database(fixture, path)
    before = _counts(path)
    assert before["weekly_entry"] > 0

    store = open_store(data_dir)
    patients = store.patients(include_archived=True)
    assert sum(len(store.entries(p.id)) for p in patients if p.id is not None) == before["weekly_entry"]
    store.close()

    assert _counts(path) == before
    assert _integrity(path) == "ok"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
        if fixture.stem < "schema-0002":
            uids = [r[0] for r in conn.execute("SELECT uid FROM patient")]
            assert all(uids) and len(set(uids)) == len(uids)  # 0002 gave every patient a uid


def test_there_is_a_fixture_for_the_newest_schema() -> None:
    assert [p.stem for p in released_schemas()][-1] == f"schema-{HEAD_REVISION}"


# Full disk, read-only ---------------------------------------------------------------------------------


def _fill_disk(store) -> None:  # type: ignore[no-untyped-def]
    """Let the database grow by no more than a page or two, like a disk that is almost full."""
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 2}")

    store.engine.dispose()


def test_full_disk_refuses_the_save_clearly_and_writes_nothing(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 3}, notes="kept"))
    _fill_disk(store)
    week = MONDAY
    with pytest.raises(DiskFull, match="The disk is full: .*nothing from this save was written"):
        for i in range(1, 200):
            week = date.fromordinal(MONDAY.toordinal() + 7 * i)
            rom = (RomReading("knee", Side.RIGHT, "flexion", 90),)
            store.save_entry(ann.id, WeeklyEntry(week, {"pain": 4}, rom, notes="n" * 4000))
    assert store.entry(ann.id, week) is None  # the refused save left nothing behind
    assert store.entries(ann.id)[0].notes == "kept"  # reading still works
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        orphans = conn.exec_driver_sql(
            "SELECT count(*) FROM rom_measurement WHERE entry_id NOT IN (SELECT id FROM weekly_entry)"
        ).scalar()
    assert orphans == 0
    store.close()


def test_read_only_database_can_be_read_but_not_saved_to(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 3}))
    store.close()
    path = data_dir / DATABASE_NAME
    before = path.read_bytes()

    reader = open_store(data_dir, read_only=True)
    assert reader.read_only
    assert reader.entries(ann.id)[0].values == {"pain": 3}
    with pytest.raises(ReadOnlyDatabase, match="read-only.*nothing from this save was written"):
        reader.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 9}))
    assert reader.entries(ann.id)[0].values == {"pain": 3}
    reader.close()
    assert path.read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="file permissions do not bind root")
def test_a_read_only_file_opens_read_only_by_itself(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.close()
    path = data_dir / DATABASE_NAME
    path.chmod(0o400)
    try:
        reader = open_store(data_dir)
        assert reader.read_only
        assert reader.patients()[0].display_name == "Ann"
        with pytest.raises(ReadOnlyDatabase):
            reader.save_patient(Patient("Bob"))
        reader.close()
        assert path.stat().st_mode & 0o777 == 0o400  # opening did not make it writable
    finally:
        path.chmod(0o600)
    assert ann.id is not None
