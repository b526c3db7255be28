"""Bad files are refused with a clear message that offers a backup, and are left byte for byte as
they were; a newer schema is refused; a second copy of the app does not open the folder for writing.

SQLite only: damaged and foreign files (test_server.py refuses another program's server database).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.storage.backup import backup_now
from rehabtrack.storage.engine import HEAD_REVISION
from rehabtrack.storage.errors import NewerSchema, NotRehabTrackDatabase, StoreLocked
from rehabtrack.storage.lock import LOCK_NAME
from rehabtrack.storage.store import DATABASE_NAME, open_store


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _good_database(data_dir: Path, weeks: int = 60) -> bytes:
    """A real, closed (checkpointed) RehabTrack database of some pages; returns its bytes."""
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    for i in range(weeks):
        week = date.fromordinal(date(2024, 1, 1).toordinal() + 7 * i)
        store.save_entry(ann.id, WeeklyEntry(week, {"pain": i % 10}, notes="note " * 100))
    store.close()
    return (data_dir / DATABASE_NAME).read_bytes()


def _random_bytes(good: bytes) -> bytes:
    return os.urandom(len(good))


def _pdf(good: bytes) -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(3000) + b"%%EOF\n"


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2 // 4096 * 4096]


def _cut_in_the_header(good: bytes) -> bytes:
    return good[:60]


def _corrupt(good: bytes) -> bytes:
    damaged = bytearray(good)
    for page in range(2, len(good) // 4096, 3):
        damaged[page * 4096 + 8 : page * 4096 + 400] = os.urandom(392)
    return bytes(damaged)


def _other_apps_sqlite(good: bytes, tmp: Path) -> bytes:
    other = tmp / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO songs (title) VALUES ('x')")
    conn.close()
    return other.read_bytes()


BAD_FILES: dict[str, Callable[..., bytes]] = {
    "random bytes": _random_bytes,
    "a PDF": _pdf,
    "truncated": _truncated,
    "cut in the header": _cut_in_the_header,
    "corrupt pages": _corrupt,
    "another app's SQLite file": _other_apps_sqlite,
}


@pytest.mark.parametrize("with_backup", [True, False], ids=["with backup", "no backup"])
@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_unchanged_and_a_backup_offered(
    kind: str, with_backup: bool, data_dir: Path, tmp_path: Path
) -> None:
    good = _good_database(data_dir)
    backup = backup_now(data_dir) if with_backup else None
    make = BAD_FILES[kind]
    bad = make(good, tmp_path) if kind == "another app's SQLite file" else make(good)
    path = data_dir / DATABASE_NAME
    path.write_bytes(bad)
    digest = _sha(path)

    for _ in range(2):  # the failed attempt released the folder's lock: a second try says the same
        with pytest.raises(NotRehabTrackDatabase) as caught:
            open_store(data_dir)
        message = str(caught.value)
        assert str(path) in message
        assert "has not been changed" in message
        if backup is not None:
            assert caught.value.backup == backup
            assert f'rehabtrack restore "{backup}"' in message
        else:
            assert caught.value.backup is None
            assert "There is no backup" in message

    assert _sha(path) == digest
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(
        [DATABASE_NAME, LOCK_NAME, *(["backups"] if backup else [])]
    )


def test_a_database_from_a_newer_rehabtrack_is_refused_naming_the_version(data_dir: Path) -> None:
    _good_database(data_dir, weeks=2)
    path = data_dir / DATABASE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    digest = _sha(path)
    with pytest.raises(
        NewerSchema, match=rf"newer version of RehabTrack \(schema 9999\).*up to schema {HEAD_REVISION}"
    ):
        open_store(data_dir)
    assert _sha(path) == digest


# One writer per data folder -----------------------------------------------------------------


def test_a_second_process_is_refused_with_a_clear_message(data_dir: Path) -> None:
    store = open_store(data_dir)
    code = (
        "import sys; from pathlib import Path\n"
        "from rehabtrack.storage.store import open_store\n"
        "from rehabtrack.storage.errors import StoreLocked\n"
        "try:\n"
        f"    open_store(Path({str(data_dir)!r}))\n"
        "except StoreLocked as exc:\n"
        "    print(exc); sys.exit(3)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 3, out.stderr
    assert "already open on this data folder" in out.stdout
    store.close()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr  # closing released the lock


def test_the_lock_is_held_for_the_stores_lifetime_and_reading_alongside_is_allowed(data_dir: Path) -> None:
    store = open_store(data_dir)
    ann = store.save_patient(Patient("Ann"))
    with pytest.raises(StoreLocked):
        open_store(data_dir)
    reader = open_store(data_dir, read_only=True)  # e.g. a second window that only shows data
    assert reader.patient(ann.id).display_name == "Ann"
    reader.close()
    store.close()
    open_store(data_dir).close()


def test_the_command_line_says_the_folder_is_in_use(data_dir: Path, tmp_path: Path) -> None:
    store = open_store(data_dir)
    cmd = [sys.executable, "-m", "rehabtrack", "--data-dir", str(data_dir), "import", str(tmp_path / "x.csv")]
    (tmp_path / "x.csv").write_text("week,pain\n2025-03-03,1\n")
    out = subprocess.run([*cmd, "--patient", "Ann"], capture_output=True, text=True, timeout=60)
    store.close()
    assert out.returncode == 2
    assert "already open on this data folder" in out.stderr
