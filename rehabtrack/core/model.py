"""The domain: patients, weekly entries, activities, goals and events as plain dataclasses.

Storage converts its rows to and from these; the UI, charts and report only ever see these.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property

from rehabtrack.core.markers import (
    ACTIVITY_MINUTES,
    ACTIVITY_RATING,
    NOTES_MAX_CHARS,
    WEEKLY_MARKERS,
)
from rehabtrack.core.numbers import exact
from rehabtrack.core.rom import RomReading
from rehabtrack.core.validation import InvalidInput, Problem, in_range, raise_if_any, range_problem
from rehabtrack.core.weeks import day_problem, is_week_start


class Discipline(StrEnum):
    PT = "PT"  # physical therapy: moving better
    OT = "OT"  # occupational therapy: managing daily life


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"


class GoalStatus(StrEnum):
    """What the therapist decided about a goal. ``MARKED_ACHIEVED`` is that decision, not the computed
    ``progress.ProgressStatus.TARGET_MET`` (the current value meets the target); either can hold alone."""

    ACTIVE = "active"
    MARKED_ACHIEVED = "achieved"
    DISCONTINUED = "discontinued"

    @property
    def label(self) -> str:
        """How a goal no longer worked on is shown: "Marked achieved", "Discontinued"."""
        return "Marked achieved" if self == GoalStatus.MARKED_ACHIEVED else self.value.capitalize()


class EventKind(StrEnum):
    SURGERY = "surgery"
    INJECTION = "injection"
    MEDICATION = "medication change"
    NEW_PROGRAMME = "new exercise programme"
    CLINICIAN_NOTE = "clinician note"
    OTHER = "other"


NAME_MAX_CHARS = 120
# Versions: a week's or goal's ``version`` is the one its form was opened with, so that two people saving
# the same row never overwrite each other silently. ``None`` saves without a check (seeding, scripts);
# ``NEW`` means the form opened on nothing and the row must not exist yet; a number is the version read,
# which the row must still have. Storage raises ChangedMeanwhile otherwise and writes nothing.
NEW = 0
_MARKERS = {m.key: m for m in WEEKLY_MARKERS}


def name_key(name: str) -> str:
    """What two names (of patients, of one patient's activities) must share to be the same: case and outer
    spaces do not count."""
    return name.strip().casefold()


def _text_problem(field_key: str, label: str, text: str, required: bool, limit: int) -> Problem | None:
    if required and not text.strip():
        return Problem(field_key, f"{label} is required.")
    if len(text) > limit:
        return Problem(field_key, f"{label} must be at most {limit} characters (got {len(text)}).")
    return None


@dataclass(frozen=True)
class Patient:
    display_name: str
    condition: str = ""
    affected_side: str = ""
    rehab_start: date | None = None
    pt_clinician: str = ""
    ot_clinician: str = ""
    archived: bool = False
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def validate(self) -> None:
        raise_if_any(
            [
                _text_problem("display_name", "Name", self.display_name, True, NAME_MAX_CHARS),
                _text_problem("condition", "Condition", self.condition, False, NAME_MAX_CHARS),
                _text_problem(
                    "affected_side", "Affected side or area", self.affected_side, False, NAME_MAX_CHARS
                ),
                _text_problem("pt_clinician", "PT clinician", self.pt_clinician, False, NAME_MAX_CHARS),
                _text_problem("ot_clinician", "OT clinician", self.ot_clinician, False, NAME_MAX_CHARS),
            ]
        )


@dataclass(frozen=True)
class Activity:
    """One of the patient's own daily activities, rated weekly 0–10 (PSFS style)."""

    name: str
    discipline: Discipline
    archived: bool = False
    id: int | None = None

    def validate(self) -> None:
        raise_if_any([_text_problem("activity", "Activity name", self.name, True, NAME_MAX_CHARS)])


def same_activity_name(activity: Activity, known: list[Activity]) -> Problem | None:
    """Another of the patient's activities (archived ones too) already has this name, case and outer spaces
    aside: the check-in and the charts would show two rows no one could tell apart."""
    for other in known:
        if other.id != activity.id and name_key(other.name) == name_key(activity.name):
            archived = " (archived: restore it instead)" if other.archived else ""
            return Problem(
                "activity",
                f"Activity name must differ from your other activities: "
                f"'{other.name}' exists already{archived}.",
            )
    return None


@dataclass(frozen=True)
class ActivityRating:
    activity_id: int
    rating: float
    minutes: float | None = None

    def problems(self, label: str = "Activity") -> list[Problem]:
        if in_range(self.rating, ACTIVITY_RATING.low, ACTIVITY_RATING.high, whole=True) and (
            self.minutes is None
            or in_range(self.minutes, ACTIVITY_MINUTES.low, ACTIVITY_MINUTES.high, whole=True)
        ):
            return []  # the common case, before any field name or label is written
        field_key = f"activity/{self.activity_id}"
        found = [
            range_problem(
                field_key,
                f"{label} rating",
                self.rating,
                ACTIVITY_RATING.low,
                ACTIVITY_RATING.high,
                whole=True,
            )
        ]
        if self.minutes is not None:
            found.append(
                range_problem(
                    f"{field_key}/minutes",
                    f"{label} minutes",
                    self.minutes,
                    ACTIVITY_MINUTES.low,
                    ACTIVITY_MINUTES.high,
                    "min",
                    whole=True,
                )
            )
        return [p for p in found if p is not None]


@dataclass(frozen=True)
class WeeklyEntry:
    """One patient-week. Every marker is optional; ``values`` maps marker keys to numbers."""

    week: date  # the Monday of the ISO week
    values: dict[str, float] = field(default_factory=dict)
    rom: tuple[RomReading, ...] = ()
    activities: tuple[ActivityRating, ...] = ()
    notes: str = ""
    id: int | None = None
    # The row's version when it was read (see NEW); not part of what the week holds.
    version: int | None = field(default=None, compare=False)

    def value(self, key: str) -> float | None:
        return self.values.get(key)

    @cached_property
    def rom_degrees(self) -> dict[str, float]:
        """ROM series key → degrees this week (looked up once per chart and goal, week after week)."""
        return {reading.series_key: reading.degrees for reading in reversed(self.rom)}  # the first wins

    @cached_property
    def ratings(self) -> dict[int, float]:
        """Activity id → this week's rating."""
        return {rating.activity_id: rating.rating for rating in reversed(self.activities)}

    @cached_property
    def tolerance(self) -> dict[int, float]:
        """Activity id → the minutes tolerated this week, where logged."""
        return {r.activity_id: r.minutes for r in reversed(self.activities) if r.minutes is not None}

    @property
    def adherence(self) -> float | None:
        """Percent of prescribed exercise days done; None when nothing was prescribed or logged."""
        done = self.values.get("exercise_days_done")
        prescribed = self.values.get("exercise_days_prescribed")
        if done is None or not prescribed:
            return None
        return min(100.0, 100.0 * done / prescribed)

    def problems(self, activity_names: dict[int, str] | None = None) -> list[Problem]:
        names = activity_names or {}
        found: list[Problem | None] = []
        if not is_week_start(self.week):
            found.append(Problem("week", f"Week must start on a Monday (got {self.week:%A %d %b %Y})."))
        found.append(day_problem("week", "Week", self.week))
        for key, value in self.values.items():
            m = _MARKERS.get(key)
            if m is None:
                found.append(Problem(key, f"'{key}' is not a weekly marker."))
                continue
            found.append(range_problem(key, m.label, value, m.low, m.high, m.unit, m.whole))
        done = self.values.get("exercise_days_done")
        prescribed = self.values.get("exercise_days_prescribed")
        if done is not None and prescribed is not None and done > prescribed:
            found.append(
                Problem(
                    "exercise_days_done",
                    f"Exercise days done ({exact(done)}) cannot be more than "
                    f"days prescribed ({exact(prescribed)}).",
                )
            )
        seen_rom: set[tuple[str, str, str, str]] = set()  # a series (see RomReading.series_key)
        for i, reading in enumerate(self.rom):
            found.extend(reading.problems(f"rom/{i}"))
            series = (reading.joint, reading.side, reading.movement, reading.mode)
            if series in seen_rom:
                found.append(Problem(f"rom/{i}", f"{reading.label} is entered twice this week."))
            seen_rom.add(series)
        seen_act: set[int] = set()
        for rating in self.activities:
            found.extend(rating.problems(names.get(rating.activity_id, "Activity")))
            if rating.activity_id in seen_act:
                found.append(
                    Problem(f"activity/{rating.activity_id}", "An activity is rated twice this week.")
                )
            seen_act.add(rating.activity_id)
        found.append(_text_problem("notes", "Notes", self.notes, False, NOTES_MAX_CHARS))
        return [p for p in found if p is not None]

    def validate(self, activity_names: dict[int, str] | None = None) -> None:
        problems = self.problems(activity_names)
        if problems:
            raise InvalidInput(problems)

    def is_empty(self) -> bool:
        return not (self.values or self.rom or self.activities or self.notes.strip())

    def copied_to(self, week: date) -> WeeklyEntry:
        """The same values filed under another week ("same as last week")."""
        return replace(self, week=week, id=None, version=None)


def put_week(entries: list[WeeklyEntry], week: date, entry: WeeklyEntry | None) -> WeeklyEntry | None:
    """Put ``entry`` in place of ``week``'s entry in ``entries`` (oldest first), inserting it where that
    week belongs; None removes the week. Returns the entry that was there, if any.

    Brings a patient's weeks up to date after one week was saved or deleted, without reading the
    other weeks back."""
    at = bisect_left(entries, week, key=lambda e: e.week)
    previous = entries[at] if at < len(entries) and entries[at].week == week else None
    if previous is not None:
        if entry is None:
            del entries[at]
        else:
            entries[at] = entry
    elif entry is not None:
        entries.insert(at, entry)
    return previous


@dataclass(frozen=True)
class Goal:
    discipline: Discipline
    title: str
    marker: str  # a series key: see rehabtrack.core.series
    target: float
    direction: Direction
    baseline: float | None = None  # None: mean of the first two logged weeks
    start: date | None = None
    target_date: date | None = None
    status: GoalStatus = GoalStatus.ACTIVE
    set_by: str = ""
    id: int | None = None
    version: int | None = field(default=None, compare=False)  # see NEW

    def validate(self) -> None:
        found: list[Problem | None] = [_text_problem("title", "Goal title", self.title, True, NAME_MAX_CHARS)]
        if not self.marker:
            found.append(Problem("marker", "Choose what the goal is measured by."))
        if self.start and self.target_date and self.target_date < self.start:
            found.append(Problem("target_date", "Target date must be on or after the start date."))
        raise_if_any(found)


@dataclass(frozen=True)
class Event:
    day: date
    kind: EventKind
    text: str
    id: int | None = None

    def validate(self) -> None:
        raise_if_any(
            [
                day_problem("day", "Event day", self.day),
                _text_problem("text", "Event text", self.text, True, NOTES_MAX_CHARS),
            ]
        )
