"""Where the user's data lives: --data-dir, then REHABTRACK_DATA_DIR, then the platform's data folder."""

from __future__ import annotations

import os
import tempfile
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


def new_demo_dir() -> Path:
    """A fresh temporary folder for the demo patient: the user's real data is never touched."""
    return Path(tempfile.mkdtemp(prefix="rehabtrack-demo-"))


def open_data(data_dir: str | None = None, demo: bool = False) -> Store:
    """Open the user's store, or a freshly seeded demo store in a temporary folder."""
    from rehabtrack.storage.store import open_store

    if demo:
        from rehabtrack.storage.demo import seed_demo

        store = open_store(new_demo_dir())
        seed_demo(store)
        return store
    return open_store(resolve_data_dir(data_dir))
