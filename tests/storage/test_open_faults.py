"""Opening after a crash left the folder odd: SQLite's own recovery is trusted, a first set-up cut short
is finished, leftovers are tidied, a lock file that is a link is never followed.

SQLite only: these are faults of the data folder and its files (a server has none).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.storage.backup import backup_now, list_backups
from rehabtrack.storage.engine import APPLICATION_ID, HEAD_REVISION
from rehabtrack.storage.errors import CannotOpen
from rehabtrack.storage.lock import LOCK_NAME
from rehabtrack.storage.store import DATABASE_NAME, open_store
from rehabtrack.storage.tables import metadata

MONDAY = date(2025, 3, 3)


def _week(i: int) -> date:
    return MONDAY + timedelta(weeks=i)


# A committed WAL with a checkpoint cut short -----------------------------------------------------------


def _last_frame_of_page_1(wal: bytes) -> bytes:
    page_size = int.from_bytes(wal[8:12], "big")
    found = b""
    offset = 32
    while offset + 24 + page_size <= len(wal):
        if int.from_bytes(wal[offset : offset + 4], "big") == 1:
            found = wal[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
    return found


def test_a_committed_wal_with_a_checkpoint_cut_short_opens_with_every_row(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(_week(0), {"pain": 1}))
    store.close()  # the file is whole and the WAL is gone
    code = (  # save 80 more weeks, then end without closing: they are committed, in the WAL only
        "import os, sys; from datetime import date, timedelta; from pathlib import Path\n"
        "from rehabtrack.core.model import WeeklyEntry\n"
        "from rehabtrack.storage.store import open_store\n"
        "store = open_store(Path(sys.argv[1]))\n"
        "for i in range(1, 81):\n"
        "    store.save_entry(1, WeeklyEntry(date(2025, 3, 3) + timedelta(weeks=i), {'pain': i % 11}, "
        "notes='n' * 3000))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(data_dir)], check=True, timeout=120)
    path = data_dir / DATABASE_NAME
    wal = path.with_name(DATABASE_NAME + "-wal")
    # A checkpoint writes page 1 (the header, with the new page count) first; cut short after it,
    # the main file is shorter than its header says while the WAL still holds every page.
    page_1 = _last_frame_of_page_1(wal.read_bytes())
    with path.open("r+b") as f:
        f.write(page_1)
    pages = int.from_bytes(page_1[28:32], "big")
    assert path.stat().st_size < pages * len(page_1)

    store = open_store(data_dir)
    entries = store.entries(ann.id)
    assert [e.week for e in entries] == [_week(i) for i in range(81)]
    assert entries[-1].notes == "n" * 3000
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    store.close()


# A first set-up cut short by an older RehabTrack ------------------------------------------------------


def test_a_first_set_up_left_half_made_by_an_older_version_is_finished(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / DATABASE_NAME
    with sqlite3.connect(path) as conn:  # as a crash left it: some of our tables, empty, not yet marked
        conn.execute("CREATE TABLE patient (id INTEGER NOT NULL PRIMARY KEY, display_name VARCHAR NOT NULL)")
        conn.execute("CREATE TABLE activity (id INTEGER NOT NULL PRIMARY KEY)")
    conn.close()

    store = open_store(data_dir)
    store.save_patient(Patient("Ann"))
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert set(metadata.tables) <= tables


def test_another_programs_tables_are_still_refused_even_when_empty(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / DATABASE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE patient (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE songs (id INTEGER PRIMARY KEY)")  # not one of ours
    conn.close()
    before = path.read_bytes()
    with pytest.raises(Exception, match="another program's database"):
        open_store(data_dir)
    assert path.read_bytes() == before


# Leftovers --------------------------------------------------------------------------------------------


def test_a_killed_backups_leftovers_are_removed_and_do_not_stop_the_daily_backup(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.save_patient(Patient("Ann"))
    store.close()
    backups = data_dir / "backups"
    backups.mkdir()
    stamp = f"rehabtrack-{date.today():%Y-%m-%d}_060000_000000-daily.db"
    partial = backups / (stamp + ".partial")
    partial.write_bytes(b"SQLite format 3\x00" + bytes(100))
    journal = backups / (stamp + ".partial-journal")
    journal.write_bytes(bytes(512))

    open_store(data_dir).close()

    assert not partial.exists() and not journal.exists()
    [daily] = list_backups(data_dir)  # today's daily backup was made all the same
    assert daily.name.endswith("-daily.db") and daily.name != stamp


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_left_alone(
    data_dir: Path, tmp_path: Path
) -> None:
    open_store(data_dir).close()
    lock = data_dir / LOCK_NAME
    lock.unlink()
    precious = tmp_path / "precious.txt"
    precious.write_text("a file the lock must never truncate\n")
    lock.symlink_to(precious)

    with pytest.raises(CannotOpen, match="rehabtrack.lock is a link"):
        open_store(data_dir)
    assert precious.read_text() == "a file the lock must never truncate\n"
    assert lock.is_symlink()


def test_a_dangling_link_or_a_folder_where_the_database_should_be_is_named(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / DATABASE_NAME
    path.symlink_to(data_dir / "gone" / "rehabtrack.db")
    with pytest.raises(CannotOpen, match="is a link to .*gone.*which does not exist"):
        open_store(data_dir)
    assert path.is_symlink() and not (data_dir / "gone").exists()  # nothing was made at its target
    path.unlink()
    path.mkdir()
    with pytest.raises(CannotOpen, match="is a folder, not a database file"):
        open_store(data_dir)
    with pytest.raises(Exception, match="is a folder, not a database file"):
        backup_now(data_dir)
    assert path.is_dir() and list(path.iterdir()) == []


def test_a_hot_journal_of_an_upgrade_cut_short_is_rolled_back_by_sqlite(data_dir: Path) -> None:
    """In rollback-journal mode a crash leaves ``-journal``; a read-only look cannot roll it back."""
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 2}))
    store.close()
    path = data_dir / DATABASE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    code = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1]); conn.isolation_level = None\n"
        "conn.execute('PRAGMA cache_size=1'); conn.execute('BEGIN')\n"
        "conn.execute('UPDATE weekly_entry SET pain = 9')\n"
        "conn.execute('CREATE TABLE junk AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
        "WHERE i < 3000) SELECT i, randomblob(200) FROM n')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)
    assert path.with_name(DATABASE_NAME + "-journal").stat().st_size > 0

    store = open_store(data_dir)
    assert [e.values for e in store.entries(ann.id)] == [{"pain": 2}]
    store.close()
    assert not os.path.exists(str(path) + "-journal")


def test_demo_folders_are_removed_when_the_program_ends(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    code = "from rehabtrack.storage.paths import open_data; open_data(demo=True); print('opened')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip() == "opened", out.stderr
    assert list(tmp_path.glob("rehabtrack-demo-*")) == []

    killed = subprocess.run(  # a demo whose program was killed leaves its folder ...
        [sys.executable, "-c", code.replace("print('opened')", "import os; os._exit(9)")],
        env=env,
        timeout=120,
    )
    assert killed.returncode == 9
    [left] = tmp_path.glob("rehabtrack-demo-*")
    os.utime(left, (0, 0))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert list(tmp_path.glob("rehabtrack-demo-*")) == []  # ... which the next demo removes


# An upgrade an older RehabTrack left half done ---------------------------------------------------------


LAST_UPGRADED_STEP_BY_STEP = "0003"  # the newest schema RehabTrack upgraded to one commit per statement


def _half_upgrade_as_before(path: Path, stop_at: int) -> list[str]:
    """Upgrade ``path`` the way RehabTrack did before upgrades were one transaction (plain sqlite3: each
    ALTER or CREATE commits by itself) and stop before statement ``stop_at``, like a crash; returns the
    statements that ran."""
    from alembic import command
    from sqlalchemy import create_engine, event

    from rehabtrack.storage.migrate import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _crash(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)
        if len(seen) == stop_at:
            raise KeyboardInterrupt("crash")

    try:
        with engine.connect() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, LAST_UPGRADED_STEP_BY_STEP)
            connection.commit()
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("schema", ["0001", "0002"])
def test_an_upgrade_an_older_version_left_half_done_is_finished(schema: str, tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from old_schemas import FIXTURES, build_old_database

    dump = FIXTURES / f"schema-{schema}.sql"
    statements = _half_upgrade_as_before(build_old_database(dump, tmp_path / "count.db"), 0)
    with sqlite3.connect(tmp_path / "count.db") as conn:
        weeks = conn.execute("SELECT count(*) FROM weekly_entry").fetchone()[0]
    conn.close()
    # Only a schema statement commits by itself: stop just after each one.
    stops = [i + 2 for i, sql in enumerate(statements) if sql.lstrip().startswith(("ALTER", "CREATE"))]
    half_done = 0
    for stop_at in stops:
        data = tmp_path / f"stop-{stop_at}"
        path = build_old_database(dump, data / DATABASE_NAME)
        _half_upgrade_as_before(path, stop_at)
        with sqlite3.connect(path) as conn:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            columns = {r[1] for r in conn.execute("PRAGMA table_info(patient)")}
        conn.close()
        half_done += version == schema and ("uid" if schema == "0001" else "discharged_on") in columns

        store = open_store(data)  # refused ("duplicate column name") before migrations skipped what exists
        assert sum(len(store.entries(p.id)) for p in store.patients(True) if p.id is not None) == weeks
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            assert conn.exec_driver_sql("SELECT count(*) FROM patient WHERE uid IS NULL").scalar() == 0
        store.close()
    assert half_done > 0  # some of the stops really left a half-upgraded file
