"""Why the disk or the folder, not the data, refuses: a read-only drive or folder, a full disk, another
user's folder, a leftover read-only ``-shm``, a folder or a broken link where the database should be.

Each check looks at the file system only (never at the database), so a fault of the surroundings is
never reported as a damaged database and never leads to a restore.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from rehabtrack.storage.errors import CannotOpen, DatabaseProblem, DiskFull, ReadOnlyDatabase

LOW_SPACE = 64 * 1024  # below this SQLite cannot write a transaction's journal: the disk is full
SIDECARS = ("-wal", "-shm", "-journal")


def path_problem(path: Path) -> CannotOpen | None:
    """Something other than a file (or nothing) where the database should be."""
    try:
        info = path.lstat()
    except OSError:
        return None  # nothing there (a new database), or the folder cannot be looked into: folder_problem
    if stat.S_ISLNK(info.st_mode) and not os.path.exists(path):
        return CannotOpen(
            f"{path} is a link to {os.readlink(path)}, which does not exist. Reconnect the drive it "
            "points to, or remove the link to start a new database there; nothing was changed."
        )
    if os.path.isdir(path):
        return CannotOpen(
            f"{path} is a folder, not a database file. Move or rename that folder; nothing was changed."
        )
    if not os.path.isfile(path):
        return CannotOpen(f"{path} is not a regular file, so it cannot be a database; nothing was changed.")
    return None


def _owner(folder: Path) -> str:
    uid = folder.stat().st_uid
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"user id {uid}"


def _other_users(folder: Path) -> bool:
    try:
        return os.name == "posix" and folder.stat().st_uid != os.geteuid()
    except OSError:
        return False


def _free(folder: Path) -> int | None:
    try:
        fs = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    return fs.f_bavail * fs.f_frsize


def _read_only_drive(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _existing(folder: Path) -> Path:
    while not os.path.exists(folder) and folder.parent != folder:
        folder = folder.parent
    return folder


def folder_problem(data_dir: Path, *, writing: bool = True) -> DatabaseProblem | None:
    """What keeps the database in ``data_dir`` from being read (or, ``writing``, written), if the folder or
    the disk is the cause. None: the surroundings look fine, the cause is elsewhere."""
    path = data_dir / "rehabtrack.db"
    if (problem := path_problem(path)) is not None:
        return problem
    folder = _existing(data_dir)
    where = f"The data folder {folder}" if folder == data_dir else f"The folder {folder} (to hold {data_dir})"
    if os.path.exists(folder) and not os.path.isdir(folder):
        return CannotOpen(f"{folder} is a file, not a folder, so it cannot hold RehabTrack's data.")
    refused = not os.access(folder, os.R_OK | os.X_OK) or (writing and not os.access(folder, os.W_OK))
    if refused and _other_users(folder):
        return CannotOpen(
            f"{where} belongs to another user ({_owner(folder)}), so RehabTrack "
            "cannot use it. Open RehabTrack as that user, or choose a folder of your own "
            "(--data-dir); nothing was changed."
        )
    if writing and _read_only_drive(folder):
        return ReadOnlyDatabase(
            f"{where} is on a read-only drive, so RehabTrack cannot save there. "
            "Make the drive writable (or copy the folder to a writable one); nothing was changed."
        )
    if not os.access(folder, os.R_OK | os.X_OK):
        return CannotOpen(
            f"{where} cannot be read (its permissions forbid it). Give yourself read "
            "and write permission on it; nothing was changed."
        )
    if writing and not os.access(folder, os.W_OK):
        return ReadOnlyDatabase(
            f"{where} is read-only, so RehabTrack cannot save there. Give yourself "
            "write permission on the folder; nothing was changed."
        )
    free = _free(folder)
    if writing and free is not None and free < LOW_SPACE:
        return DiskFull(
            f"The disk holding {folder} is full ({free // 1024} KB free), so RehabTrack cannot save. "
            "Free some disk space and try again; nothing was changed and everything saved before is safe."
        )
    if writing and os.path.exists(path) and not os.access(path, os.W_OK):
        return ReadOnlyDatabase(
            f"The database {path} is read-only, so RehabTrack cannot save to it. Give yourself write "
            "permission on the file; nothing was changed."
        )
    for suffix in SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        if os.path.exists(sidecar) and not os.access(sidecar, os.R_OK | (os.W_OK if writing else 0)):
            whose = f", and it belongs to {_owner(sidecar)}" if _other_users(sidecar) else ""
            # -shm is only an index SQLite rebuilds; -wal and -journal hold saved changes.
            what = (
                f"delete {sidecar.name} (SQLite makes it anew)"
                if suffix == "-shm"
                else f"give yourself write permission on {sidecar.name} (do not delete it: it holds saves)"
            )
            return ReadOnlyDatabase(
                f"{sidecar} is left over from an earlier session and cannot be written{whose}. Close "
                f"every RehabTrack, then {what}; nothing was changed."
            )
    return None


def repair_sidecars(path: Path) -> None:
    """SQLite gives ``-wal`` and ``-shm`` the database file's permissions when it makes them: after a
    read-only file is made writable again they stay read-only and every save fails. Ours are made
    writable again (for the user only) when the database itself is writable."""
    if os.name != "posix" or not os.access(path, os.W_OK):
        return
    for suffix in SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        try:
            info = sidecar.stat()
        except OSError:
            continue
        if info.st_uid == os.geteuid() and not os.access(sidecar, os.W_OK) and not sidecar.is_symlink():
            sidecar.chmod(0o600)
