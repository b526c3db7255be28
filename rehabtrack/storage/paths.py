"""Where the user's data lives: --data-dir, then REHABTRACK_DATA_DIR, then the platform's data folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rehabtrack.storage.store import Store

ENV_DATA_DIR = "REHABTRACK_DATA_DIR"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("RehabTrack", appauthor=False))


def resolve_data_dir(cli_value: str | None = None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser()
    return default_data_dir()


DEMO_PREFIX = "rehabtrack-demo-"


def new_demo_dir() -> Path:
    """A fresh temporary folder for the demo patient: the user's real data is never touched. It is
    removed when the program exits; demo folders an ended program left (killed, crashed) go now."""
    remove_old_demo_dirs()
    folder = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def remove_old_demo_dirs() -> None:
    """Remove demo folders no running RehabTrack holds (its data-folder lock says it is running)."""
    from rehabtrack.storage.errors import DatabaseProblem
    from rehabtrack.storage.lock import DataDirLock

    for folder in Path(tempfile.gettempdir()).glob(f"{DEMO_PREFIX}*"):
        if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != _my_uid():
            continue
        if time.time() - folder.stat().st_mtime < 60:
            continue  # just made by a RehabTrack that has not locked it yet
        try:
            with DataDirLock(folder):
                shutil.rmtree(folder, ignore_errors=True)
        except (OSError, DatabaseProblem):
            continue  # in use, or not ours to remove


def _my_uid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else 0


def open_data(data_dir: str | None = None, demo: bool = False) -> Store:
    """Open the user's store, or a freshly seeded demo store in a temporary folder."""
    from rehabtrack.storage.store import open_store

    if demo:
        from rehabtrack.storage.demo import seed_demo

        store = open_store(new_demo_dir())
        seed_demo(store)
        return store
    return open_store(resolve_data_dir(data_dir))
