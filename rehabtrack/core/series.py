"""Series: one marker's weekly values over time, extracted from entries.

A series key names what is measured:
- a weekly marker key (``pain``, ``sleep_hours``, ``exercise_adherence``),
- a ROM series (``rom/knee/right/flexion/active``, see ``rom.rom_key``),
- an activity rating (``activity/<activity id>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rehabtrack.core.markers import ACTIVITY_RATING, MARKERS_BY_KEY, Marker
from rehabtrack.core.model import Activity, WeeklyEntry
from rehabtrack.core.rom import ROM_LIMITS, rom_label


@dataclass(frozen=True)
class Point:
    week: date
    value: float


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    unit: str
    lower_is_better: bool
    points: tuple[Point, ...]

    @property
    def weeks(self) -> list[date]:
        return [p.week for p in self.points]

    @property
    def values(self) -> list[float]:
        return [p.value for p in self.points]


def value_in(entry: WeeklyEntry, key: str) -> float | None:
    """The value of series ``key`` in one entry, or None when it was not logged that week."""
    if key == "exercise_adherence":
        return entry.adherence
    if key.startswith("rom/"):
        for reading in entry.rom:
            if reading.series_key == key:
                return reading.degrees
        return None
    if key.startswith("activity/"):
        activity_id = int(key.split("/", 1)[1])
        for rating in entry.activities:
            if rating.activity_id == activity_id:
                return rating.rating
        return None
    return entry.values.get(key)


def describe(key: str, activities: Sequence[Activity] = ()) -> Marker:
    """Label, unit, limits and direction for any series key."""
    if key in MARKERS_BY_KEY:
        return MARKERS_BY_KEY[key]
    if key.startswith("rom/"):
        _, joint, side, movement, mode = key.split("/")
        low, high = ROM_LIMITS.get((joint, movement), (-30.0, 190.0))
        return Marker(key, rom_label(joint, side, movement, mode).capitalize(), low, high, "°", whole=False)
    if key.startswith("activity/"):
        activity_id = int(key.split("/", 1)[1])
        name = next((a.name for a in activities if a.id == activity_id), "Activity")
        return Marker(
            key,
            name.capitalize(),
            ACTIVITY_RATING.low,
            ACTIVITY_RATING.high,
            low_anchor=ACTIVITY_RATING.low_anchor,
            high_anchor=ACTIVITY_RATING.high_anchor,
        )
    raise KeyError(f"unknown series {key!r}")


def series_for(key: str, entries: Iterable[WeeklyEntry], activities: Sequence[Activity] = ()) -> Series:
    info = describe(key, activities)
    points = []
    for entry in sorted(entries, key=lambda e: e.week):
        value = value_in(entry, key)
        if value is not None:
            points.append(Point(entry.week, float(value)))
    return Series(key, info.label, info.unit, info.lower_is_better, tuple(points))


def rom_keys(entries: Iterable[WeeklyEntry]) -> list[str]:
    """Every ROM series logged at least once, in first-logged order."""
    keys: dict[str, None] = {}
    for entry in sorted(entries, key=lambda e: e.week):
        for reading in entry.rom:
            keys.setdefault(reading.series_key, None)
    return list(keys)
