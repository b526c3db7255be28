"""Where the data files in ``resources/`` live (a source checkout or a PyInstaller bundle)."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any


def _base() -> Path:
    """The folder holding ``resources/``: a PyInstaller bundle's ``sys._MEIPASS``, else the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(__file__).resolve().parents[2]


RESOURCES = _base() / "resources"


def resource_path(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)


@cache
def load_json(*parts: str) -> Any:
    """Parsed JSON from ``resources/``; cached, so treat the result as read-only."""
    with resource_path(*parts).open(encoding="utf-8") as f:
        return json.load(f)
