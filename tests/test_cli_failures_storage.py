"""Faults of the folder or the disk, through the real command: exit 2, one plain line naming the cause,
no traceback, the database's bytes unchanged, nothing moved or restored, never called "damaged".

The faults are real: a read-only or full file system is a small tmpfs (root may mount one), another
user's folder is tried as ``nobody`` (root passes every permission check, so as root the command runs
as nobody through setpriv). A case that cannot be made on this machine is skipped, saying why.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DB = "rehabtrack.db"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
CSV = "week,pain\n2025-03-10,5\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run(data: Path, *args: str, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "rehabtrack", "--data-dir", str(data), *args]
    env = {**os.environ, "HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent/config"}  # no Preferences
    return subprocess.run(
        [*AS_NOBODY, *cmd] if as_nobody else cmd,
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
        env=env,
    )


def assert_refused(out: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 2, exactly one line on stderr naming the cause, no traceback, no talk of damage."""
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    line = lines[0]
    assert line.startswith("rehabtrack: ")
    for word in words:
        assert word in line, line
    assert "damaged" not in line and "rehabtrack restore" not in line, line  # no backup offered
    return line


def make_database(data: Path, as_nobody: bool = False) -> Path:
    csv_file = data.parent / "first.csv"
    csv_file.write_text("week,pain,notes\n2025-03-03,4,first week\n")
    out = run(data, "import", str(csv_file), "--patient", "Ann", as_nobody=as_nobody)
    assert out.returncode == 0, out.stderr
    return data / DB


@pytest.fixture
def shared() -> Iterator[Path]:
    """A scratch folder other users may enter (pytest's own tmp folders are the owner's only)."""
    folder = Path(tempfile.mkdtemp(prefix="rehabtrack-faults-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _nobody_works(shared: Path) -> bool:
    if not IS_ROOT or shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(
        [*AS_NOBODY, sys.executable, "-c", "import rehabtrack.cli"], capture_output=True, timeout=60, cwd="/"
    )
    return probe.returncode == 0


@pytest.fixture
def tmpfs(shared: Path) -> Iterator[Path]:
    """A 1 MB file system of its own (root only): it can be filled, or made read-only."""
    mount = shared / "disk"
    mount.mkdir()
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("a small file system of its own needs root (mount -t tmpfs)")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount)])
    if made.returncode != 0:
        pytest.skip("mount -t tmpfs is not allowed here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# Point 5: read-only drive or folder, full disk, leftover read-only -shm, another user's folder ---------


def test_a_read_only_drive_is_named_and_its_database_still_reads(tmpfs: Path) -> None:
    data = tmpfs / "data"
    path = make_database(data)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    before, files = _sha(path), _listing(data)
    csv_file = tmpfs.parent / "more.csv"
    csv_file.write_text(CSV)

    out = run(data, "export", "--out", str(tmpfs.parent / "out.csv"))  # reading works: not "damaged"
    assert out.returncode == 0, out.stderr
    assert "first week" in (tmpfs.parent / "out.csv").read_text()
    assert_refused(run(data, "import", str(csv_file), "--patient", "Ann"), "read-only drive", str(data))
    assert_refused(run(data, "backup"), "Could not back up", "read-only drive")
    backup = next((data / "backups").glob("rehabtrack-*.db"))  # made when the import opened the folder
    assert_refused(run(data, "restore", str(backup)), "Could not restore", "read-only drive")
    assert_refused(run(tmpfs / "new", "import", str(csv_file), "--patient", "Ann"), "read-only drive")
    assert (_sha(path), _listing(data)) == (before, files)


@pytest.mark.skipif(IS_ROOT, reason="permissions do not bind root (the read-only drive test covers it)")
def test_a_read_only_folder_is_named_and_its_database_still_reads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = make_database(data)
    data.chmod(0o500)
    try:
        before, files = _sha(path), _listing(data)
        csv_file = tmp_path / "more.csv"
        csv_file.write_text(CSV)
        out = run(data, "export", "--out", str(tmp_path / "out.csv"))
        assert out.returncode == 0, out.stderr
        assert_refused(run(data, "import", str(csv_file), "--patient", "Ann"), "read-only")
        assert_refused(run(data, "backup"), "Could not back up", "read-only")
        assert (_sha(path), _listing(data)) == (before, files)
    finally:
        data.chmod(0o700)


def test_a_full_disk_is_named_and_nothing_is_moved(tmpfs: Path) -> None:
    data = tmpfs / "data"
    path = make_database(data)
    _fill(tmpfs)
    before, files = _sha(path), _listing(data)
    csv_file = tmpfs.parent / "more.csv"
    csv_file.write_text(CSV)

    assert_refused(run(data, "import", str(csv_file), "--patient", "Ann"), "disk", "full", "Free some")
    assert_refused(run(data, "backup"), "full")
    assert (_sha(path), _listing(data)) == (before, files)
    (tmpfs / "filler").unlink()  # with space again, the same import works
    assert run(data, "import", str(csv_file), "--patient", "Ann").returncode == 0


def _fill(disk: Path) -> None:
    filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:  # fill the disk to its last byte
        while True:
            os.write(filler, bytes(4096))
    except OSError:
        pass
    finally:
        os.close(filler)


def test_a_disk_that_fills_while_open_refuses_the_save_and_keeps_the_rest(tmpfs: Path) -> None:
    """In the app (no command): the disk fills up after the records were opened."""
    from datetime import date, timedelta

    from rehabtrack.core.model import Patient, WeeklyEntry
    from rehabtrack.storage.errors import DiskFull
    from rehabtrack.storage.store import open_store

    store = open_store(tmpfs / "data")
    ann = store.save_patient(Patient("Ann"))
    assert ann.id is not None
    monday = date(2025, 3, 3)
    store.save_entry(ann.id, WeeklyEntry(monday, {"pain": 3}, notes="kept"))
    _fill(tmpfs)
    with pytest.raises(DiskFull, match="The disk is full"):
        for i in range(1, 300):
            store.save_entry(ann.id, WeeklyEntry(monday + timedelta(weeks=i), {"pain": 4}, notes="n" * 4000))
    assert [(e.week, e.notes) for e in store.entries(ann.id)] == [(monday, "kept")]
    (tmpfs / "filler").unlink()  # with space again, saving works in the same session
    store.save_entry(ann.id, WeeklyEntry(monday + timedelta(weeks=1), {"pain": 4}))
    assert len(store.entries(ann.id)) == 2
    store.close()


def test_a_read_only_shm_left_from_a_read_only_file_does_not_stop_saves(shared: Path) -> None:
    """The file was made read-only, looked at (SQLite made a 0400 -shm to match), then made writable."""
    as_nobody = IS_ROOT
    if IS_ROOT and not _nobody_works(shared):
        pytest.skip("as root this needs setpriv and a 'nobody' user who can run this checkout")
    data = shared / "data"
    data.mkdir(mode=0o700)
    if as_nobody:
        shutil.chown(data, "nobody", "nogroup")
    path = make_database(data, as_nobody)
    path.chmod(0o400)
    assert run(data, "export", "--out", str(data / "x.csv"), as_nobody=as_nobody).returncode == 0
    shm = data / (DB + "-shm")
    assert shm.exists() and shm.stat().st_mode & 0o777 == 0o400
    path.chmod(0o600)
    csv_file = shared / "more.csv"
    csv_file.write_text(CSV)
    out = run(data, "import", str(csv_file), "--patient", "Ann", as_nobody=as_nobody)
    assert out.returncode == 0, out.stderr


def test_a_read_only_file_reads_and_a_save_names_the_file(shared: Path) -> None:
    as_nobody = IS_ROOT
    if IS_ROOT and not _nobody_works(shared):
        pytest.skip("as root this needs setpriv and a 'nobody' user who can run this checkout")
    data = shared / "data"
    data.mkdir(mode=0o700)
    if as_nobody:
        shutil.chown(data, "nobody", "nogroup")
    path = make_database(data, as_nobody)
    path.chmod(0o400)
    before = _sha(path)
    out = run(data, "export", "--out", str(data / "out.csv"), as_nobody=as_nobody)
    assert out.returncode == 0, out.stderr
    csv_file = shared / "more.csv"
    csv_file.write_text(CSV)
    out = run(data, "import", str(csv_file), "--patient", "Ann", as_nobody=as_nobody)
    assert_refused(out, f"The database {path} is read-only", "write permission on the file")
    assert _sha(path) == before and path.stat().st_mode & 0o777 == 0o400


@pytest.mark.skipif(not IS_ROOT, reason="needs a second user: run as root (the command then runs as nobody)")
def test_a_leftover_shm_of_another_user_is_named(shared: Path) -> None:
    if not _nobody_works(shared):
        pytest.skip("needs setpriv and a 'nobody' user who can run this checkout")
    data = shared / "data"
    data.mkdir(mode=0o700)
    shutil.chown(data, "nobody", "nogroup")
    path = make_database(data, as_nobody=True)
    shm = data / (DB + "-shm")
    shm.write_bytes(bytes(32768))  # root's, mode 0600: nobody can neither read nor write it
    shm.chmod(0o600)
    before = _sha(path)
    csv_file = shared / "more.csv"
    csv_file.write_text(CSV)
    out = run(data, "import", str(csv_file), "--patient", "Ann", as_nobody=True)
    assert_refused(out, "rehabtrack.db-shm", "belongs to root", "delete rehabtrack.db-shm")
    assert _sha(path) == before


@pytest.mark.skipif(not IS_ROOT, reason="needs a second user: run as root (the command then runs as nobody)")
def test_another_users_data_folder_is_named(shared: Path) -> None:
    if not _nobody_works(shared):
        pytest.skip("needs setpriv and a 'nobody' user who can run this checkout")
    data = shared / "data"
    path = make_database(data)  # root's folder, 0700
    data.chmod(0o700)
    before, files = _sha(path), _listing(data)
    csv_file = shared / "more.csv"
    csv_file.write_text(CSV)
    for args in (("import", str(csv_file), "--patient", "Ann"), ("export", "--out", str(shared / "o.csv"))):
        assert_refused(run(data, *args, as_nobody=True), "belongs to another user (root)", "--data-dir")
    assert_refused(run(data, "backup", as_nobody=True), "belongs to another user")
    assert_refused(run(data / "inner", "backup", as_nobody=True), "belongs to another user")
    assert (_sha(path), _listing(data)) == (before, files)


# Point 6: a folder or a dangling link where the database should be ----------------------------------------


def test_a_folder_where_the_database_should_be_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / DB).mkdir(parents=True)
    (tmp_path / "w.csv").write_text(CSV)
    assert_refused(run(data, "import", str(tmp_path / "w.csv"), "--patient", "Ann"), "is a folder")
    assert_refused(run(data, "export", "--out", str(tmp_path / "o.csv")), "is a folder")
    assert_refused(run(data, "backup"), "is a folder")
    backup = make_database(tmp_path / "elsewhere") and next((tmp_path / "elsewhere").glob(DB))
    assert_refused(run(data, "restore", str(backup)), "is a folder")
    assert (data / DB).is_dir() and list((data / DB).iterdir()) == []


def test_a_dangling_link_where_the_database_should_be_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    target = tmp_path / "unplugged-drive" / DB
    (data / DB).symlink_to(target)
    (tmp_path / "w.csv").write_text(CSV)
    for args in (("import", str(tmp_path / "w.csv"), "--patient", "Ann"), ("backup",)):
        assert_refused(run(data, *args), "is a link to", "does not exist")
    assert not target.parent.exists()  # nothing was made where the link points


# Point 8: a lock file that is a link --------------------------------------------------------------------


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = make_database(data)
    before = _sha(path)
    precious = tmp_path / "precious.txt"
    precious.write_text("never truncated\n")
    (data / "rehabtrack.lock").unlink()
    (data / "rehabtrack.lock").symlink_to(precious)
    (tmp_path / "w.csv").write_text(CSV)
    assert_refused(
        run(data, "import", str(tmp_path / "w.csv"), "--patient", "Ann"), "rehabtrack.lock is a link"
    )
    assert precious.read_text() == "never truncated\n"
    assert _sha(path) == before


# Another program holding SQLite's write lock -------------------------------------------------------------


def test_another_program_writing_is_named_and_the_import_works_once_it_is_done(tmp_path: Path) -> None:
    import sqlite3

    data = tmp_path / "data"
    path = make_database(data)
    before = _sha(path)
    (tmp_path / "w.csv").write_text(CSV)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE weekly_entry SET pain = pain")
        line = assert_refused(run(data, "import", str(tmp_path / "w.csv"), "--patient", "Ann"), "is busy")
        assert "another program is writing to it" in line and "nothing from this save was written" in line
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _sha(path) == before
    out = run(data, "import", str(tmp_path / "w.csv"), "--patient", "Ann")
    assert out.returncode == 0, out.stderr
    assert "1 week added" in out.stdout


def test_restoring_a_copied_database_leaves_its_folder_as_it_was(tmp_path: Path) -> None:
    """A backup kept elsewhere (a USB stick) is read, never written: no -wal or -shm is left beside it."""
    data = tmp_path / "data"
    (tmp_path / "old").mkdir()
    source = make_database(tmp_path / "old" / "data")
    stick = tmp_path / "stick"
    stick.mkdir()
    copy = stick / "rehabtrack-copy.db"
    shutil.copy(source, copy)
    before = _sha(copy)
    make_database(data)
    out = run(data, "restore", str(copy))
    assert out.returncode == 0, out.stderr
    assert _listing(stick) == ["rehabtrack-copy.db"] and _sha(copy) == before
    garbage = stick / "notes.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)  # a header and nothing else: cut short
    out = run(data, "restore", str(garbage))
    assert out.returncode == 2 and "Traceback" not in out.stderr and "cannot be restored" in out.stderr
    assert _listing(stick) == ["notes.db", "rehabtrack-copy.db"]


def test_restoring_a_folder_names_the_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = make_database(data)
    before = _sha(path)
    line = assert_refused(run(data, "restore", str(data / "backups")), "is a folder; give one backup file")
    assert str(data / "backups") in line and _sha(path) == before


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--out", "{out}/weeks.csv"],
        ["export", "--format", "bundle", "--out", "{out}/all.json"],
        ["export", "--format", "fhir", "--out", "{out}/record.json"],
        ["report", "--out", "{out}/progress.pdf"],
        ["backup"],
    ],
    ids=["csv", "bundle", "fhir", "report", "backup"],
)
def test_a_mistyped_data_folder_is_named_and_nothing_is_created(tmp_path: Path, command: list[str]) -> None:
    """A command that reads the records, given a folder holding none (a typo), says so: it creates no empty
    database a person would later take for their own, and writes no file."""
    real = tmp_path / "RehabTrack"
    csv_file = tmp_path / "weeks.csv"
    csv_file.write_text(CSV)
    assert run(real, "import", str(csv_file), "--patient", "Ann").returncode == 0
    typo = tmp_path / "RehabTrak"
    out = tmp_path / "out"
    out.mkdir()
    line = assert_refused(run(typo, *(a.format(out=out) for a in command)), str(typo))
    assert "database" in line
    assert not typo.exists()
    assert list(out.iterdir()) == []
