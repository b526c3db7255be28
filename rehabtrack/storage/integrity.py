"""The integrity check of opening a database file, started early on a thread of its own.

Opening the records reads every page once (``PRAGMA quick_check``: about 20 ms for ten years of weekly
entries) so that damage is found with a clear message rather than in the middle of a save. SQLite runs
it without holding Python's lock, so started before the storage stack is imported (``begin``) it runs on
another core meanwhile. ``verdict`` is the check's answer when opening asks for it: a clean verdict of
the very same file as it still is, else the check run there and then, as it always was, so that every
problem is found and told by the opening itself.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

CHECK = "PRAGMA quick_check(5)"
OK = ["ok"]

_begun: dict[Path, _Check] = {}


def _state(path: Path) -> tuple[tuple[int, int, int], ...]:
    """What tells the file (and its write-ahead log) apart from any later state of it."""
    found = []
    for suffix in ("", "-wal", "-journal"):
        try:
            info = path.with_name(path.name + suffix).stat()
        except OSError:
            info = None
        # an empty log holds nothing (SQLite makes one when a connection opens the file)
        found.append((info.st_ino, info.st_size, info.st_mtime_ns) if info and info.st_size else (0, 0, 0))
    return tuple(found)


SIDECARS = ("-wal", "-shm")  # what SQLite makes beside a file it reads in WAL mode


class _Check(threading.Thread):
    def __init__(self, path: Path) -> None:
        super().__init__(name="rehabtrack-integrity-check", daemon=True)
        self.path = path
        self.state = _state(path)
        # which sidecars were there before this check could make any (see sidecars_before)
        self.sidecars = [path.with_name(path.name + suffix).exists() for suffix in SIDECARS]
        self.verdict: list[str] | None = None

    def run(self) -> None:
        try:
            conn = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                self.verdict = [row[0] for row in conn.execute(CHECK)]
            finally:
                conn.close()
        except (OSError, sqlite3.Error):
            self.verdict = None  # the opening runs the check itself and tells what is wrong


def begin(path: Path) -> None:
    """Start checking ``path`` where that can only be a plain look at a file already there: it exists,
    its folder is writable (SQLite can keep the ``-shm`` index it reads a WAL file with) and no
    interrupted transaction waits to be rolled back (``-journal``)."""
    path = path.absolute()
    journal = path.with_name(path.name + "-journal")
    try:
        usable = path.is_file() and path.stat().st_size > 0 and not journal.exists()
    except OSError:
        return
    running = _begun.get(path)
    if usable and os.access(path.parent, os.W_OK) and not (running and running.is_alive()):
        check = _Check(path)
        _begun[path] = check
        check.start()


def sidecars_before(path: Path) -> list[bool] | None:
    """Whether each of ``SIDECARS`` was beside ``path`` before a check begun for it started (None: none
    was begun). Opening a damaged file removes the sidecars its reading made (``engine.stored_revision``),
    the early check's too."""
    check = _begun.get(path.absolute())
    return None if check is None else list(check.sidecars)


def finish(path: Path) -> None:
    """Wait for a check begun for ``path`` to end (before its sidecars are removed)."""
    check = _begun.get(path.absolute())
    if check is not None:
        check.join()


def verdict(path: Path, conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA quick_check``'s answer for ``path``: the one begun early if it found the file sound and the
    file has not changed since, else the check run on ``conn`` now."""
    check = _begun.pop(path.absolute(), None)
    if check is not None:
        check.join()
        if check.verdict == OK and check.state == _state(check.path):
            return OK
    return [row[0] for row in conn.execute(CHECK)]
