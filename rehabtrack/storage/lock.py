"""One writer per data folder: a lock on ``<data dir>/rehabtrack.lock`` held while a Store is open.

The operating system drops the lock when the process ends, even on a crash or SIGKILL, so a stale
lock file never locks anyone out. The UI catches StoreLocked to bring the running copy forward.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path
from types import TracebackType

from rehabtrack.storage.errors import CannotOpen, StoreLocked

LOCK_NAME = "rehabtrack.lock"
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where a link needs special rights

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLock:
    """An exclusive, non-blocking lock on the file ``path``. ``acquire`` raises StoreLocked if taken.

    The file is opened with O_NOFOLLOW: a lock file that is a symbolic link is refused, and whatever
    it points to is never opened, let alone truncated.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _taken(self) -> StoreLocked:
        return StoreLocked(f"{self.path} is in use by another RehabTrack; try again in a moment.")

    def acquire(self) -> FileLock:
        if self._fd is not None:
            return self
        if self.path.is_symlink():
            raise CannotOpen(
                f"{self.path} is a link to another file, not RehabTrack's lock file. Delete the link "
                "(RehabTrack makes the lock file anew); nothing was changed."
            )
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | NOFOLLOW, 0o600)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # made a link between the check and the open
                raise CannotOpen(f"{self.path} is a link, not RehabTrack's lock file. Delete it.") from exc
            raise
        if not _try_lock(fd):
            os.close(fd)
            raise self._taken()
        with contextlib.suppress(OSError):  # who holds it, for someone looking at the folder
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


class DataDirLock(FileLock):
    """One writer per data folder: the lock on ``<data dir>/rehabtrack.lock``."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir / LOCK_NAME)

    def _taken(self) -> StoreLocked:
        return StoreLocked(
            f"RehabTrack is already open on this data folder ({self.path.parent}), in another window "
            "or by another user session. Switch to that window, or close it and try again.",
            data_dir=self.path.parent,
        )

    def acquire(self) -> DataDirLock:
        super().acquire()
        return self
