"""Where the data files in ``resources/`` live (a source checkout or a PyInstaller bundle)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)


@cache
def load_json(*parts: str) -> Any:
    """Parsed JSON from ``resources/``; cached, so treat the result as read-only."""
    with resource_path(*parts).open(encoding="utf-8") as f:
        return json.load(f)
