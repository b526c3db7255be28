"""What an import brings and how it meets what is stored: the one merge rule for CSV files and bundles.

A blank or absent value means "not in this file", never "erase". A value the database does not have
yet is added. Where the file and the database both hold a value and they differ, that is a conflict:
the stored value stays unless the user chose to take the imported ones (``OnConflict.REPLACE``).
Every conflict is reported, whichever way it went.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.measure_series import MeasureResult
from rehabtrack.core.model import Activity, ActivityRating, Event, Goal, Patient, WeeklyEntry
from rehabtrack.core.numbers import exact
from rehabtrack.core.rom import RomReading

_LABELS = {m.key: m.label for m in WEEKLY_MARKERS}
PROFILE_FIELDS = ("display_name", "condition", "affected_side", "rehab_start", "pt_clinician", "ot_clinician")
PROFILE_LABELS = {
    "display_name": "name",
    "condition": "condition",
    "affected_side": "affected side",
    "rehab_start": "rehab start",
    "pt_clinician": "PT clinician",
    "ot_clinician": "OT clinician",
    "archived": "archived",
}


class OnConflict(StrEnum):
    KEEP = "keep"  # the stored value stays (the default)
    REPLACE = "replace"  # the file's value is taken


@dataclass(frozen=True)
class History:
    """One patient's records as a file brings them.

    In ``entries`` each rating's ``activity_id``, and in ``goals`` each ``activity/<n>`` marker, is an index
    into ``activities``; each measure's goal ids are indexes into ``goals``. ``uid`` (bundles) matches the
    patient; without it the patient is matched by name. ``archived`` None: the file does not say.
    """

    patient: Patient
    uid: str | None = None
    activities: list[Activity] = field(default_factory=list)
    entries: list[WeeklyEntry] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    measures: list[MeasureResult] = field(default_factory=list)
    maintenance: MaintenancePlan | None = None  # None: the file says nothing about it
    archived: bool | None = None
    thresholds: dict[str, float] = field(default_factory=dict)  # conventions the therapist set (bundles)


@dataclass(frozen=True)
class Conflict:
    """A value the file and the database both hold, and differently."""

    patient: str
    where: str  # "week of 2025-03-03", "profile", "goal 'Walk further'", …
    what: str  # the field, in words
    stored: str
    imported: str

    def __str__(self) -> str:
        return f"{self.patient}, {self.where}, {self.what}: stored {self.stored}, in the file {self.imported}"


@dataclass
class PatientOutcome:
    name: str
    patient_id: int
    new: bool = False
    weeks_added: int = 0
    weeks_updated: int = 0  # stored weeks that got values they did not have (or replaced ones)
    weeks_same: int = 0
    added: dict[str, int] = field(default_factory=dict)  # "goals" → 2, … (weeks not included)
    conflicts: list[Conflict] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.added[what] = self.added.get(what, 0) + n


@dataclass
class ImportReport:
    """What an import added, what it kept, and where the file and the database disagreed."""

    patients: list[PatientOutcome] = field(default_factory=list)
    on_conflict: OnConflict = OnConflict.KEEP
    changed: bool = False  # anything was (or, in a dry run, would be) written
    backup: Path | None = None  # the copy made just before the import

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for p in self.patients for c in p.conflicts]

    @property
    def patient_id(self) -> int:
        """The patient of a one-patient import (a bundle)."""
        return self.patients[0].patient_id

    @property
    def weeks_added(self) -> int:
        return sum(p.weeks_added for p in self.patients)

    def summary(self) -> list[str]:
        """One line per patient, then one per conflict."""
        lines = []
        for p in self.patients:
            parts = [f"{_count(p.weeks_added, 'week')} added"]
            if p.weeks_updated:
                parts.append(f"{_count(p.weeks_updated, 'week')} updated")
            if p.weeks_same:
                parts.append(f"{_count(p.weeks_same, 'week')} already there")
            parts += [f"{_count(n, what)} added" for what, n in p.added.items() if n]
            if p.conflicts:
                kept = (
                    "file's values taken" if self.on_conflict is OnConflict.REPLACE else "stored values kept"
                )
                parts.append(f"{len(p.conflicts)} in conflict ({kept})")
            lines.append(f"{p.name}{' (new patient)' if p.new else ''}: {', '.join(parts)}.")
        lines += [
            f"  {c.where}, {c.what}: stored {c.stored}, in the file {c.imported}" for c in self.conflicts
        ]
        return lines


_PLURALS = {"activity": "activities", "profile detail": "profile details"}


def _count(n: int, singular: str) -> str:
    return f"{n} {singular if n == 1 else _PLURALS.get(singular, singular + 's')}"


def show(value: Any) -> str:
    """A stored or imported value as a conflict line shows it."""
    if isinstance(value, RomReading):
        value = value.degrees
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return exact(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Merged:
    values: dict[str, Any]
    added: list[str]
    conflicts: list[str]  # keys whose stored and imported values differ


def merge_values(stored: Mapping[str, Any], imported: Mapping[str, Any], on_conflict: OnConflict) -> Merged:
    """The merge rule on named values: blank imported values are not in the file; new ones are added;
    differing ones are conflicts, settled by ``on_conflict``."""
    values = dict(stored)
    added: list[str] = []
    conflicts: list[str] = []
    for key, new in imported.items():
        if _blank(new):
            continue
        old = stored.get(key)
        if _blank(old):
            values[key] = new
            added.append(key)
        elif old != new:
            conflicts.append(key)
            if on_conflict is OnConflict.REPLACE:
                values[key] = new
    return Merged(values, added, conflicts)


def entry_values(entry: WeeklyEntry) -> dict[str, Any]:
    """A week as named values: markers, notes, ``rom:<series>`` readings, ``activity:<id>`` ratings
    and ``minutes:<id>``."""
    values: dict[str, Any] = dict(entry.values)
    values["notes"] = entry.notes
    values.update({f"rom:{r.series_key}": r for r in entry.rom})
    for rating in entry.activities:
        values[f"activity:{rating.activity_id}"] = rating.rating
        values[f"minutes:{rating.activity_id}"] = rating.minutes
    return values


def entry_from(week: date, values: Mapping[str, Any], entry_id: int | None = None) -> WeeklyEntry:
    markers = {k: v for k, v in values.items() if k in _LABELS and v is not None}
    rom = tuple(v for k, v in values.items() if k.startswith("rom:"))
    ratings = tuple(
        ActivityRating(int(k.split(":")[1]), v, values.get(f"minutes:{k.split(':')[1]}"))
        for k, v in values.items()
        if k.startswith("activity:") and v is not None
    )
    return WeeklyEntry(week, markers, rom, ratings, values.get("notes") or "", entry_id)


def value_label(key: str, activity_names: Mapping[int, str], sample: Any = None) -> str:
    """A named value of a week in words ("Pain (weekly average)", "Right knee flexion (active)")."""
    if key in _LABELS:
        return _LABELS[key]
    if isinstance(sample, RomReading):
        return sample.label
    kind, _, rest = key.partition(":")
    if kind in ("activity", "minutes") and rest.isdigit():
        name = activity_names.get(int(rest), "activity")
        return f"{name} {'rating' if kind == 'activity' else 'minutes'}"
    return key


def merge_entry(
    stored: WeeklyEntry | None,
    imported: WeeklyEntry,
    on_conflict: OnConflict,
    activity_names: Mapping[int, str],
    patient: str,
) -> tuple[WeeklyEntry, list[str], list[Conflict]]:
    """The week as it is after the import, the values added, and the conflicts."""
    if stored is None:
        return imported, list(entry_values(imported)), []
    old = entry_values(stored)
    new = entry_values(imported)
    merged = merge_values(old, new, on_conflict)
    where = f"week of {imported.week.isoformat()}"
    conflicts = [
        Conflict(patient, where, value_label(k, activity_names, old[k]), show(old[k]), show(new[k]))
        for k in merged.conflicts
    ]
    return entry_from(stored.week, merged.values, stored.id), merged.added, conflicts


GOAL_FIELDS = ("marker", "target", "direction", "baseline", "start", "target_date", "status", "set_by")


def merge_goal(stored: Goal, imported: Goal, on_conflict: OnConflict) -> tuple[Goal, Merged]:
    """A goal of the same discipline and title, merged field by field (``Merged`` names what was
    added and what differed)."""
    merged = merge_values(
        {n: getattr(stored, n) for n in GOAL_FIELDS},
        {n: getattr(imported, n) for n in GOAL_FIELDS},
        on_conflict,
    )
    return replace(stored, **merged.values), merged


def plan_text(plan: MaintenancePlan) -> str:
    if plan == MaintenancePlan():
        return "none"
    parts = []
    if plan.discharged_on:
        parts.append(f"discharged {plan.discharged_on.isoformat()}")
    if plan.every_weeks:
        parts.append(f"check-in every {plan.every_weeks} weeks since {plan.since}")
    return ", ".join(parts)
