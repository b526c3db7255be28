"""The data files in ``resources/``, read through ``importlib.resources``.

The repository's top-level ``resources/`` folder is installed as the package ``rehabtrack.resources``
(see ``package-dir`` in ``pyproject.toml``), so the same code reads it from a checkout, an editable
install, a wheel and the PyInstaller bundle.
"""

from __future__ import annotations

import atexit
import json
from contextlib import ExitStack
from functools import cache
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

PACKAGE = "rehabtrack.resources"


class ResourceProblem(Exception):
    """A data file RehabTrack ships with is missing, unreadable or damaged: the installation is broken."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(
            f"RehabTrack's data file resources/{name} {why}. The installation is incomplete; "
            "please reinstall RehabTrack."
        )
        self.name = name


def resource(*parts: str) -> Traversable:
    """The data file (or folder) ``resources/<parts>``, which may not exist."""
    try:
        return files(PACKAGE).joinpath(*parts)
    except ModuleNotFoundError as exc:
        raise ResourceProblem(
            "/".join(parts),
            f"cannot be found: {PACKAGE} is not installed (in a clone, run pip install -e . again)",
        ) from exc


def read_bytes(*parts: str) -> bytes:
    name = "/".join(parts)
    try:
        return resource(*parts).read_bytes()
    except FileNotFoundError as exc:
        raise ResourceProblem(name, "is missing") from exc
    except OSError as exc:
        raise ResourceProblem(name, f"cannot be read ({exc.strerror or exc})") from exc


@cache
def load_json(*parts: str) -> Any:
    """Parsed JSON from ``resources/``; cached, so treat the result as read-only."""
    try:
        return json.loads(read_bytes(*parts).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResourceProblem("/".join(parts), f"is damaged ({exc})") from exc


def json_names(folder: str) -> list[str]:
    """The names of the ``.json`` files in ``resources/<folder>``, sorted. A missing or empty folder is
    a ResourceProblem, never an empty list: every folder we ship holds at least one file."""
    try:
        entries = list(resource(folder).iterdir())
        names = sorted(e.name for e in entries if e.name.endswith(".json") and e.is_file())
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise ResourceProblem(folder + "/", "is missing") from exc
    except OSError as exc:
        raise ResourceProblem(folder + "/", f"cannot be read ({exc.strerror or exc})") from exc
    if not names:
        raise ResourceProblem(folder + "/", "holds no .json files")
    return names


_extracted = ExitStack()
atexit.register(_extracted.close)


def resource_path(*parts: str) -> Path:
    """A file-system path of the data file, for APIs that want a file name (e.g. ``QIcon``).
    Installed packages give the file itself; a zipped install gives a copy kept until exit."""
    found = resource(*parts)
    if not found.is_file():
        raise ResourceProblem("/".join(parts), "is missing")
    return _extracted.enter_context(as_file(found))
