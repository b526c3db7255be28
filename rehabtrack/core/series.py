"""Series: one marker's weekly values over time, extracted from entries.

A series key names what is measured:
- a weekly marker key (``pain``, ``sleep_hours``, ``exercise_adherence``),
- a ROM series (``rom/knee/right/flexion/active``, see ``rom.rom_key``),
- an activity rating (``activity/<activity id>``), and the minutes the patient tolerated it
  (``minutes/<activity id>``: "walked 20 minutes"),
- a questionnaire score (``measure/<INSTRUMENT>``, e.g. ``measure/LEFS``; see ``core.measures``). Its
  direction is the instrument's: QuickDASH, ODI and NPRS are higher-is-worse. Scores are not weekly
  entries, so ``value_in`` and ``series_for`` never find one: ``core.measure_series.measure_series``
  builds them from questionnaire results.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from rehabtrack.core.instruments import instrument_for_series
from rehabtrack.core.markers import (
    ACTIVITY_MINUTES,
    ACTIVITY_RATING,
    ADHERENCE,
    MARKERS_BY_KEY,
    WEEKLY_MARKERS,
    Marker,
)
from rehabtrack.core.model import Activity, Goal, WeeklyEntry
from rehabtrack.core.numbers import format_value
from rehabtrack.core.rom import ROM_LIMITS, rom_label
from rehabtrack.core.validation import InvalidInput, Problem, range_problem

MINUTES_PREFIX = "minutes/"  # + activity id: the minutes tolerated


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

    def with_week(self, week: date, point: Point | None) -> Series:
        """This series with ``week``'s point replaced by ``point`` (inserted in week order; None:
        removed): one saved week, without building the series again from every week."""
        points = list(self.points)
        at = bisect_left(points, week, key=lambda p: p.week)
        if at < len(points) and points[at].week == week:
            if point is None:
                del points[at]
            else:
                points[at] = point
        elif point is not None:
            points.insert(at, point)
        return replace(self, points=tuple(points))


def value_in(entry: WeeklyEntry, key: str) -> float | None:
    """The value of series ``key`` in one entry, or None when it was not logged that week."""
    return reader_for(key)(entry)


def week_text(key: str, value: float) -> str:
    """One week's value of series ``key`` as every table shows it, without its unit: a whole-number
    marker whole ("35"), anything else to one decimal ("6.5", "71.4")."""
    return format_value(value, "", describe(key).whole)


def reader_for(key: str) -> Callable[[WeeklyEntry], float | None]:
    """``value_in`` for one key, with the key parsed once: a series reads it from every week."""
    if key == "exercise_adherence":
        return lambda entry: entry.adherence
    if key.startswith("rom/"):
        return lambda entry: entry.rom_degrees.get(key)
    if key.startswith("activity/"):
        activity_id = int(key.split("/", 1)[1])
        return lambda entry: entry.ratings.get(activity_id)
    if key.startswith(MINUTES_PREFIX):
        activity_id = int(key.split("/", 1)[1])
        return lambda entry: entry.tolerance.get(activity_id)
    return lambda entry: entry.values.get(key)


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
    if key.startswith(MINUTES_PREFIX):
        activity_id = int(key.split("/", 1)[1])
        name = next((a.name for a in activities if a.id == activity_id), "Activity")
        low, high = ACTIVITY_MINUTES.low, ACTIVITY_MINUTES.high
        return Marker(key, f"{name.capitalize()}: minutes tolerated", low, high, ACTIVITY_MINUTES.unit)
    if key.startswith("measure/"):
        return _measure_marker(key)
    raise KeyError(f"unknown series {key!r}")


def _measure_marker(key: str) -> Marker:
    inst = instrument_for_series(key)
    if inst is None:
        raise KeyError(f"unknown series {key!r}")
    better = "worse" if inst.lower_is_better else "better"
    return Marker(
        key,
        inst.name,
        inst.low,
        inst.high,
        whole=inst.key == "LEFS",
        lower_is_better=inst.lower_is_better,
        high_anchor=f"higher is {better}",
        group="Questionnaires",
        chart=False,
    )


def series_for(key: str, entries: Iterable[WeeklyEntry], activities: Sequence[Activity] = ()) -> Series:
    info = describe(key, activities)
    read = reader_for(key)
    points = []
    for entry in sorted(entries, key=lambda e: e.week):
        value = read(entry)
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


ROM_GROUP = "Range of motion"
ACTIVITY_GROUP = "Daily activities"


def chart_keys(entries: Sequence[WeeklyEntry], activities: Sequence[Activity] = ()) -> list[tuple[str, str]]:
    """(group, series key) of every chartable series with at least one logged week, in display order.

    Weekly markers keep the order and groups of ``WEEKLY_MARKERS`` (exercise adherence stands in for the
    raw day counts), then each ROM movement, then each of the patient's activities.
    """
    found: list[tuple[str, str]] = []
    for marker in (*WEEKLY_MARKERS, ADHERENCE):
        read = reader_for(marker.key)
        if marker.chart and any(read(e) is not None for e in entries):
            found.append((marker.group, marker.key))
    found.extend((ROM_GROUP, key) for key in rom_keys(entries))
    found.extend((ACTIVITY_GROUP, key) for key in activity_keys(entries, activities))
    return found


def activity_keys(entries: Sequence[WeeklyEntry], activities: Sequence[Activity] = ()) -> list[str]:
    """Each rated activity's rating, followed by the minutes tolerated when any were logged."""
    rated = {r.activity_id for e in entries for r in e.activities}
    timed = {r.activity_id for e in entries for r in e.activities if r.minutes is not None}
    keys = []
    for activity in activities:
        if activity.id in rated:
            keys.append(f"activity/{activity.id}")
        if activity.id in timed:
            keys.append(f"{MINUTES_PREFIX}{activity.id}")
    return keys


def goal_problems(goal: Goal, activities: Sequence[Activity] = ()) -> list[Problem]:
    """What is wrong with a goal, including a target or baseline outside its marker's scale."""
    try:
        goal.validate()
        found: list[Problem | None] = []
    except InvalidInput as exc:
        found = list(exc.problems)
    try:
        info = describe(goal.marker, activities)
    except (KeyError, ValueError):
        return [p for p in found if p is not None] + [
            Problem("marker", "Choose what the goal is measured by.")
        ]
    for name, label, value in (("target", "Target", goal.target), ("baseline", "Baseline", goal.baseline)):
        if value is not None:
            found.append(range_problem(name, label, value, info.low, info.high, info.unit))
    return [p for p in found if p is not None]
