"""Typical active range of motion per joint and movement, from two published tables.

``resources/rom_norms.json`` holds the AAOS values and the VA rating-schedule values (38 CFR 4.71a),
each with its source text. They are reference values for context on a chart ("typical: 0–135°"),
never targets or judgements: plenty of healthy people sit outside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rehabtrack.core.numbers import exact
from rehabtrack.core.resources import load_json

ROM_NORMS_FILE = "rom_norms.json"
DEFAULT_SOURCE = "AAOS"


@dataclass(frozen=True)
class RomNorm:
    joint: str
    movement: str
    low: float
    high: float
    source: str  # "AAOS" or "VA"
    citation: str

    @property
    def text(self) -> str:
        """E.g. 'typical 0–135° (AAOS)'."""
        return f"typical {exact(self.low)}–{exact(self.high)}° ({self.source})"


def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_json(ROM_NORMS_FILE)
    return data


def sources() -> tuple[str, ...]:
    """The tables available: ("AAOS", "VA")."""
    return tuple(_data()["sources"])


def source_text(source: str = DEFAULT_SOURCE) -> str:
    """The citation for one table; KeyError for an unknown table."""
    try:
        return str(_data()["sources"][source]["source"])
    except KeyError:
        raise KeyError(f"unknown range-of-motion source {source!r} (known: {', '.join(sources())})") from None


def norm(joint: str, movement: str, source: str = DEFAULT_SOURCE) -> RomNorm | None:
    """The typical range with its source; None when that table gives no value for the movement."""
    citation = source_text(source)
    values = _data()["norms"][source].get(f"{joint}/{movement}")
    if values is None:
        return None
    low, high = values
    return RomNorm(joint, movement, float(low), float(high), source, citation)


def typical_range(joint: str, movement: str, source: str = DEFAULT_SOURCE) -> tuple[float, float] | None:
    """(low, high) typical active range in degrees, or None when ``source`` has no value for it."""
    found = norm(joint, movement, source)
    return None if found is None else (found.low, found.high)


def norm_for_series(key: str, source: str = DEFAULT_SOURCE) -> RomNorm | None:
    """The typical range for a ROM series key (``rom/knee/right/flexion/active``); None for any other."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != "rom":
        return None
    return norm(parts[1], parts[3], source)
