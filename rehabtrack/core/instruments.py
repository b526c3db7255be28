"""The standard outcome measures RehabTrack knows: what each instrument is, as its data file says.

Each instrument is described by one JSON file in ``resources/measures/`` (name, disciplines, items,
answer scale, scoring rule, meaningful-change threshold with its source, licence note). This module only
reads them; ``core.measures`` scores them. A score is series ``measure/<KEY>`` (``measure/LEFS``), and its
threshold is stated in its file and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rehabtrack.core.model import Discipline
from rehabtrack.core.resources import json_names, load_json
from rehabtrack.core.threshold import Threshold, threshold_from_json

MEASURES_DIR = "measures"
SERIES_PREFIX = "measure/"


@dataclass(frozen=True)
class Instrument:
    """One score RehabTrack can compute and chart (the COPM gives two: performance and satisfaction)."""

    key: str  # registry key, e.g. "QuickDASH" or "COPM_performance"
    family: str  # the instrument's file, e.g. "COPM"
    name: str
    short_name: str
    disciplines: tuple[Discipline, ...]
    lower_is_better: bool
    low: float  # score range
    high: float
    threshold: Threshold  # the meaningful change, with its source
    min_items: int
    max_items: int
    items: tuple[str, ...]  # item text or placeholders
    item_word: str  # "item", "section", "activity", "goal", "problem", "rating"
    answer_low: float
    answer_high: float
    answer_wording: str
    min_answered: int
    scoring: str
    source: str
    licence_note: str

    @property
    def series_key(self) -> str:
        return f"{SERIES_PREFIX}{self.key}"


def _item_word(
    items: list[str],
) -> str:
    first = items[0] if items else ""
    word, _, number = first.rpartition(" ")
    return word.lower() if number == "1" and word else "rating"


def _load(
    family: str,
) -> list[Instrument]:
    data: dict[str, Any] = load_json(MEASURES_DIR, f"{family}.json")
    items = data["items"]
    answers = data["answers"]
    found = []
    for entry in data["scores"]:
        found.append(
            Instrument(
                key=str(entry["key"]),
                family=family,
                name=str(entry.get("name", data["name"])),
                short_name=str(data["short_name"]),
                disciplines=tuple(Discipline(d) for d in data["disciplines"]),
                lower_is_better=bool(entry["lower_is_better"]),
                low=float(entry["low"]),
                high=float(entry["high"]),
                threshold=threshold_from_json(entry["threshold"]),
                min_items=int(items["min"]),
                max_items=int(items["max"]),
                items=tuple(str(t) for t in items["text"]),
                item_word=_item_word(list(items["text"])),
                answer_low=float(answers["low"]),
                answer_high=float(answers["high"]),
                answer_wording=str(answers["wording"]),
                min_answered=int(data["min_answered"]),
                scoring=str(data["scoring"]),
                source=str(data["source"]),
                licence_note=str(data["licence_note"]),
            )
        )
    return found


def _load_all() -> dict[str, Instrument]:
    families = [name.removesuffix(".json") for name in json_names(MEASURES_DIR)]
    return {inst.key: inst for family in families for inst in _load(family)}


# Loaded once, at import.
INSTRUMENTS: dict[str, Instrument] = _load_all()


def instrument(key: str) -> Instrument:
    try:
        return INSTRUMENTS[key]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise KeyError(f"unknown outcome measure {key!r} (known: {known})") from None


def instrument_for_series(series_key: str) -> Instrument | None:
    """The instrument behind series ``measure/<KEY>``, or None for any other series."""
    if not series_key.startswith(SERIES_PREFIX):
        return None
    return INSTRUMENTS.get(series_key[len(SERIES_PREFIX) :])
