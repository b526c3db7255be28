"""Where the user's data lives. One rule for the app and the command line: ``--data-dir``, then
``REHABTRACK_DATA_DIR``, then the folder chosen in Preferences, then the platform's data folder. A clinic
server is used instead with ``--database``, else REHABTRACK_DATABASE_URL, else the server chosen in
Preferences (Clinic server, "use it when RehabTrack starts"), unless ``--data-dir`` names a folder.

The folder chosen in Preferences and the number of backups to keep are kept in a small JSON file in
the user's configuration folder (``choice_file()``), beside the app's other settings, so that the
command line honours them without Qt.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rehabtrack.storage.errors import DatabaseProblem

if TYPE_CHECKING:
    from rehabtrack.storage.store import Store

ENV_DATA_DIR = "REHABTRACK_DATA_DIR"
ENV_DATABASE_URL = "REHABTRACK_DATABASE_URL"  # a PostgreSQL server instead of the data folder
APP_NAME = "RehabTrack"
CHOICE_FILE_NAME = "data-folder.json"
DEFAULT_KEEP = 10  # backups kept unless Preferences say otherwise
DATABASE_NAME = "rehabtrack.db"  # the records in a data folder


class DataChoiceProblem(DatabaseProblem):
    """The file holding the data folder chosen in Preferences cannot be read."""


@dataclass(frozen=True)
class DataChoice:
    """What the user chose in Preferences about their data: ``folder`` ("" for the platform's data
    folder), how many backups to keep, and a clinic server's address (never its password) with
    whether to open it instead of the folder."""

    folder: str = ""
    backups_kept: int = DEFAULT_KEEP
    server: str = ""
    use_server: bool = False


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def choice_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / CHOICE_FILE_NAME


def read_choice(path: Path | None = None) -> DataChoice:
    """The choice saved in ``path`` (default ``choice_file()``); the defaults if there is none yet.

    A file that exists but cannot be read raises DataChoiceProblem naming it: working on another
    folder than the one chosen would be worse than stopping."""
    path = path or choice_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DataChoice()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataChoiceProblem(
            f"Cannot read the data folder chosen in Preferences from {path}: {exc}"
        ) from exc
    try:
        data: Any = json.loads(text)
        folder = data.get("folder", "")
        kept = data.get("backups_kept", DEFAULT_KEEP)
        server, use_server = data.get("server", ""), data.get("use_server", False)
        if not isinstance(folder, str) or type(kept) is not int or kept < 1:
            raise ValueError("folder must be text and backups_kept a whole number of at least 1")
        if not isinstance(server, str) or not isinstance(use_server, bool):
            raise ValueError("server must be text and use_server true or false")
    except (ValueError, AttributeError) as exc:
        raise DataChoiceProblem(
            f"The data folder chosen in Preferences cannot be read from {path} ({exc}). "
            "Choose the folder again in Edit → Preferences, or delete that file."
        ) from exc
    return DataChoice(folder, kept, server, use_server)


def save_choice(choice: DataChoice, path: Path | None = None) -> None:
    """Write ``choice`` whole or not at all (a reader never sees half a file)."""
    path = path or choice_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(
        json.dumps(
            {
                "folder": choice.folder,
                "backups_kept": choice.backups_kept,
                "server": choice.server,
                "use_server": choice.use_server,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    os.replace(partial, path)


def resolve_data_dir(cli_value: str | None = None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser()
    chosen = read_choice().folder
    if chosen:
        return Path(chosen).expanduser()
    return default_data_dir()


def backups_kept() -> int:
    """How many backups to keep, as chosen in Preferences."""
    return read_choice().backups_kept


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


def resolve_database(cli_value: str | None = None, data_dir: str | None = None) -> str | None:
    """The PostgreSQL server address to open instead of a data folder: ``--database``, else
    REHABTRACK_DATABASE_URL, else the clinic server chosen in Preferences, unless ``--data-dir`` names
    a folder. None: the data folder's file."""
    if cli_value:
        return cli_value
    if data_dir:
        return None
    if os.environ.get(ENV_DATABASE_URL):
        return os.environ[ENV_DATABASE_URL]
    choice = read_choice()
    return choice.server if choice.use_server and choice.server else None


def open_data(data_dir: str | None = None, demo: bool = False, database: str | None = None) -> Store:
    """Open the user's store (on the server ``database`` if given), or a freshly seeded demo store in a
    temporary folder."""
    if not database and not demo:
        from rehabtrack.storage.integrity import begin

        folder = resolve_data_dir(data_dir)
        begin(folder / DATABASE_NAME)  # on another core while the storage stack loads
        from rehabtrack.storage.store import open_store

        return open_store(folder, keep_backups=backups_kept())
    from rehabtrack.storage.store import open_server, open_store

    if not demo:
        assert database
        return open_server(database)
    from rehabtrack.storage.demo import seed_demo

    store = open_store(new_demo_dir())
    seed_demo(store)
    return store
