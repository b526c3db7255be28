"""Backups of the database with SQLite's online backup API (never a plain copy of a live file).

Backups go to ``<data dir>/backups/`` as ``rehabtrack-<local date>_<time>-<reason>.db``, readable by
the user only. One is made at most once a day when the database is opened, and always before a
schema migration or a restore; only the newest ``keep`` are kept.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime
from itertools import zip_longest
from pathlib import Path

from rehabtrack.storage import engine as db
from rehabtrack.storage.errors import BackupProblem, DatabaseProblem, NotRehabTrackDatabase, StoreLocked
from rehabtrack.storage.faults import folder_problem, path_problem
from rehabtrack.storage.lock import DataDirLock, FileLock
from rehabtrack.storage.paths import DATABASE_NAME, DEFAULT_KEEP

BACKUP_DIR = "backups"
PREFIX = "rehabtrack-"
WRITER_LOCK = "backup.lock"  # held while a backup is written (any .partial without it is a leftover)

log = logging.getLogger(__name__)


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Path]:
    """The backups in ``data_dir``, newest first."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix == ".db"]
    return sorted(found, key=lambda p: p.name, reverse=True)


def newest_backup(data_dir: Path) -> Path | None:
    backups = list_backups(data_dir)
    return backups[0] if backups else None


def _ro_uri(path: Path) -> str:
    return f"{path.absolute().as_uri()}?mode=ro"


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy ``source`` into the file ``target`` page by page with the backup API, then check it."""
    with closing(sqlite3.connect(target)) as dest:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        verdict = dest.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupProblem(f"The backup {target} failed its check ({verdict}).")


def backup_now(data_dir: Path, reason: str = "manual", keep: int | None = DEFAULT_KEEP) -> Path:
    """Back up the database in ``data_dir`` now; returns the new file. Old backups beyond ``keep``
    are deleted (``keep=None``: delete none)."""
    source_path = data_dir / DATABASE_NAME
    folder = backup_dir(data_dir)
    try:
        if not source_path.is_file() or source_path.stat().st_size == 0:
            problem = path_problem(source_path) or folder_problem(data_dir, writing=False)
            raise BackupProblem(str(problem or f"There is no database in {data_dir} to back up yet."))
        db.stored_revision(source_path)  # a damaged or foreign file is refused, not "backed up"
        folder.mkdir(mode=0o700, exist_ok=True)
        db.secure_dir(folder)
        writer = FileLock(folder / WRITER_LOCK).acquire()
    except (OSError, StoreLocked) as exc:
        raise _cannot_write(folder, exc) from exc
    try:
        target = _write_backup(source_path, folder, reason)
    finally:
        writer.release()
    db.secure_file(target)
    log.info("backup written: %s", target.name)
    if keep is not None:
        prune(data_dir, keep)
    return target


def _cannot_write(folder: Path, exc: BaseException, what: str = "back up") -> BackupProblem:
    problem = folder_problem(folder.parent)
    if problem is not None:
        return BackupProblem(f"Could not {what}: {problem}")
    if isinstance(exc, StoreLocked):
        return BackupProblem(f"Another backup into {folder} is being made right now; try again in a moment.")
    return BackupProblem(f"Could not {what} ({folder}): {exc}")


def _write_backup(source_path: Path, folder: Path, reason: str) -> Path:
    """Copy into a ``.partial`` file that only gets its name once whole. Called holding the backups
    folder's writer lock, so any ``.partial`` found is the leftover of a killed backup."""
    _remove_partials(folder)
    now = datetime.now()
    target = folder / f"{PREFIX}{now:%Y-%m-%d_%H%M%S_%f}-{reason}.db"
    partial = target.with_name(target.name + ".partial")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # Read-write only so that, when the app is closed, this last connection tidies the WAL away;
        # the backup API only reads from the source.
        with closing(sqlite3.connect(source_path, timeout=10)) as source:
            _copy(source, partial)
        os.replace(partial, target)  # a backup only gets its name once it is whole
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise _cannot_write(folder, exc) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _remove_partials(folder: Path) -> None:
    for leftover in folder.glob(f"{PREFIX}*.partial*"):  # the copy and its -journal
        leftover.unlink(missing_ok=True)


def remove_leftovers(data_dir: Path) -> None:
    """Delete what a backup killed half way left behind, unless a backup is being written right now."""
    folder = backup_dir(data_dir)
    if not folder.is_dir() or not any(folder.glob(f"{PREFIX}*.partial*")):
        return
    try:
        with FileLock(folder / WRITER_LOCK):
            _remove_partials(folder)
    except (OSError, DatabaseProblem) as exc:  # tidying up must never keep anyone from their data
        log.warning("could not remove an unfinished backup: %s", exc)


def before_upgrade_backup(data_dir: Path, head: str) -> Path:
    """The copy taken before upgrading to schema ``head``. Made once: while the upgrade keeps failing
    (it leaves the file as it was), the copy of that same file is found again instead of adding one
    per attempt, and nothing is pruned, so no failing retry ever rotates the good copies away."""
    source = data_dir / DATABASE_NAME
    for earlier in list_backups(data_dir):
        if earlier.name.endswith(f"-before-schema-{head}.db") and _same_content(earlier, source):
            return earlier
    return backup_now(data_dir, f"before-schema-{head}", keep=None)


def _same_content(a: Path, b: Path) -> bool:
    try:
        with (
            closing(sqlite3.connect(_ro_uri(a), uri=True)) as left,
            closing(sqlite3.connect(db.read_only_uri(b), uri=True)) as right,
        ):
            return all(x == y for x, y in zip_longest(left.iterdump(), right.iterdump()))
    except sqlite3.Error:
        return False


def prune(data_dir: Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups (at least one is always kept); returns the deleted."""
    old = list_backups(data_dir)[max(1, keep) :]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def daily_backup(data_dir: Path, keep: int = DEFAULT_KEEP, today: date | None = None) -> Path | None:
    """Back up unless a backup was already made today. When one was, this is one directory listing."""
    source = data_dir / DATABASE_NAME
    if not source.exists() or source.stat().st_size == 0:
        return None
    stamp = f"{PREFIX}{(today or date.today()):%Y-%m-%d}_"
    folder = backup_dir(data_dir)
    # Only a whole backup counts: a killed backup's .partial is no backup.
    if folder.is_dir() and any(n.startswith(stamp) and n.endswith(".db") for n in os.listdir(folder)):
        return None
    return backup_now(data_dir, "daily", keep)


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    with DataDirLock(data_dir):
        yield


def restore(data_dir: Path, backup_file: Path, keep: int = DEFAULT_KEEP) -> Path | None:
    """Replace the database in ``data_dir`` with ``backup_file``.

    The backup is checked first (a RehabTrack database, not from a newer version). The current
    database is backed up before it is replaced, or, if it is damaged or not ours, moved aside
    unchanged into the backups folder. Returns where the previous database went (None: there was none).
    The app must not have the data folder open (StoreLocked otherwise); close the Store first.
    """
    backup_file = Path(backup_file)
    if backup_file.is_dir():
        raise BackupProblem(f"{backup_file} is a folder; give one backup file in it (rehabtrack-….db).")
    if not backup_file.is_file():
        raise BackupProblem(f"There is no backup file {backup_file}.")
    with db.read_leaving_no_trace(backup_file):
        return _check_and_restore(data_dir, backup_file, keep)


def _check_and_restore(data_dir: Path, backup_file: Path, keep: int) -> Path | None:
    try:
        revision = db.stored_revision(backup_file)
    except NotRehabTrackDatabase as exc:
        raise BackupProblem(f"{backup_file} cannot be restored: {exc}") from exc
    if revision is None:
        raise BackupProblem(f"{backup_file} cannot be restored: it holds no RehabTrack data.")
    db.check_not_newer(backup_file, revision)

    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        db.secure_dir(data_dir)
        return _restore(data_dir, backup_file, keep)
    except OSError as exc:
        raise _cannot_write(backup_dir(data_dir), exc, "restore") from exc


def _restore(data_dir: Path, backup_file: Path, keep: int) -> Path | None:
    target = data_dir / DATABASE_NAME
    if (problem := path_problem(target)) is not None:
        raise problem
    with _locked(data_dir):
        previous = _keep_current(data_dir, target)
        try:
            with (
                closing(sqlite3.connect(_ro_uri(backup_file), uri=True)) as source,
                closing(sqlite3.connect(target, timeout=10)) as dest,
            ):
                source.backup(dest)  # one transaction on dest: all of the backup or nothing
                dest.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            hint = f" The database as it was is in {previous}." if previous else ""
            raise BackupProblem(f"Restoring {backup_file} failed: {exc}.{hint}") from exc
        for suffix in ("", "-wal", "-shm"):
            db.secure_file(target.with_name(target.name + suffix))
    log.info("restored backup %s", backup_file.name)
    prune(data_dir, keep)
    return previous


def _keep_current(data_dir: Path, target: Path) -> Path | None:
    if not target.exists() or target.stat().st_size == 0:
        return None
    try:
        db.stored_revision(target)
    except NotRehabTrackDatabase:  # (a fault of the folder or disk is raised: nothing is moved)
        # Unreadable: it cannot be backed up through SQLite, so move it aside byte for byte.
        folder = backup_dir(data_dir)
        folder.mkdir(mode=0o700, exist_ok=True)
        aside = folder / f"damaged-{datetime.now():%Y-%m-%d_%H%M%S_%f}.db"
        for suffix in ("-wal", "-shm", ""):
            part = target.with_name(target.name + suffix)
            if part.exists():
                os.replace(part, aside.with_name(aside.name + suffix))
        log.warning("moved an unreadable database aside to %s", aside.name)
        return aside
    return backup_now(data_dir, "before-restore", keep=None)
