"""Where the user's data lives: --data-dir, then REHABTRACK_DATA_DIR, then the platform's data folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
