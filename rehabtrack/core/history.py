"""Who changed what, in words a therapist reads: the audit record's rows turned into sentences such as
"goal 'Bend the knee' target changed 115° → 120° by priya, 3 Dec 10:14".

One save writes several rows (a week, its readings and ratings; a questionnaire and its items), and saving
a week writes its readings again even when they did not change. So the rows of one save (one transaction:
they share its time, the database's ``now()``) are taken together, a reading deleted and written back with
the same value is no change, and a week saved again as it was says nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.measure_series import day_text
from rehabtrack.core.model import GoalStatus
from rehabtrack.core.numbers import format_value, plain
from rehabtrack.core.rom import rom_label
from rehabtrack.core.series import describe

ARROW = "→"
# More weeks than this added or changed at once (an import) are told in one sentence.
WEEKS_LISTED = 3


@dataclass(frozen=True)
class AuditEntry:
    """One row written to a patient table: when (UTC), by whom (a login name), which row, and its
    values before (``old``: update, delete) and after (``new``: insert, update)."""

    at: datetime
    actor: str
    table: str
    row_id: int | None
    patient_id: int | None
    action: str  # insert, update or delete
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    id: int | None = None

    @property
    def values(self) -> dict[str, Any]:
        """The row as written (as it was, for a delete)."""
        return self.new if self.new is not None else (self.old or {})


@dataclass(frozen=True)
class Change:
    """One thing a person changed: ``what`` ("goal 'Walk 30 min' added"), by whom and when (UTC)."""

    what: str
    actor: str
    at: datetime

    def text(self, today: date | None = None, zone: tzinfo | None = None) -> str:
        """ "goal 'Walk 30 min' added by sam, 3 Dec 10:14" (the time in ``zone``, else the computer's)."""
        return f"{self.what} by {self.actor}, {when_text(self.at, today, zone)}"


def when_text(at: datetime, today: date | None = None, zone: tzinfo | None = None) -> str:
    """'3 Dec 10:14' in the year of ``today``, '3 Dec 2025 10:14' otherwise; local time."""
    local = at.astimezone(zone)
    return f"{day_text(local.date(), today)} {local:%H:%M}"


def changes(
    entries: Sequence[AuditEntry], activity_names: Mapping[int, str] | None = None, today: date | None = None
) -> list[Change]:
    """The changes the audit rows ``entries`` (any order) tell of, newest first. ``activity_names``: the
    patient's activities by id (an activity's rows in ``entries`` name it too)."""
    rows = sorted(entries, key=lambda e: (e.id or 0, e.at))
    words = _Words(rows, activity_names or {}, today)
    found: list[Change] = []
    for burst in _bursts(rows):
        found += [Change(what, burst[-1].actor, burst[-1].at) for what in words.burst(burst)]
    return found[::-1]


def _bursts(rows: list[AuditEntry]) -> list[list[AuditEntry]]:
    """The rows of each save: one after the other, by the same person, at the same time."""
    bursts: list[list[AuditEntry]] = []
    for row in rows:
        last = bursts[-1][-1] if bursts else None
        if last is not None and last.actor == row.actor and row.at == last.at:
            bursts[-1].append(row)
        else:
            bursts.append([row])
    return bursts


@dataclass
class _Subject:
    """The rows of one burst about one thing (a week, a goal, a questionnaire, the thresholds)."""

    kind: str
    key: object
    main: list[AuditEntry] = field(default_factory=list)  # the thing's own row(s)
    parts: list[AuditEntry] = field(default_factory=list)  # its readings, ratings, items


def _subject_of(row: AuditEntry) -> tuple[str, object, bool]:
    v = row.values
    if row.table == "weekly_entry":
        return "week", row.row_id, True
    if row.table in ("rom_measurement", "activity_rating"):
        return "week", v.get("entry_id"), False
    if row.table == "measure_result":
        return "measure", row.row_id, True
    if row.table == "measure_item":
        return "measure", v.get("result_id"), False
    if row.table == "patient_threshold":
        return "thresholds", None, False
    return row.table, row.row_id, True


_ENTRY_SKIP = {"id", "patient_id", "week", "updated_at", "version"}
_PATIENT_LABELS = {
    "display_name": "name",
    "condition": "condition",
    "affected_side": "affected side",
    "rehab_start": "rehab start",
    "pt_clinician": "PT clinician",
    "ot_clinician": "OT clinician",
}
_PLAN = ("discharged_on", "maintenance_every_weeks", "maintenance_since")
_GOAL_LABELS = {
    "marker": "measured by",
    "baseline": "baseline",
    "target": "target",
    "direction": "direction",
    "start": "start",
    "target_date": "target date",
    "discipline": "discipline",
    "set_by": "set by",
}
_STATUS_WORDS = {
    GoalStatus.ACTIVE.value: "worked on again",
    GoalStatus.MARKED_ACHIEVED.value: "marked achieved",
    GoalStatus.DISCONTINUED.value: "discontinued",
}


def _lower(label: str) -> str:
    """'Pain (weekly average)' → 'pain' inside a sentence; 'PT clinician' stays."""
    label = label.split(" (", 1)[0]
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def _day(value: Any, today: date | None) -> str:
    return day_text(date.fromisoformat(str(value)[:10]), today)


class _Words:
    """The sentences of a patient's audit rows (names of weeks, activities and questionnaires are looked
    up in all the rows given, so a reading's week is known even when only the reading changed)."""

    def __init__(self, rows: list[AuditEntry], activity_names: Mapping[int, str], today: date | None) -> None:
        self.today = today
        self.activities = dict(activity_names)
        self.weeks: dict[int, str] = {}
        self.measures: dict[int, str] = {}
        for row in rows:
            v = row.values
            if row.table == "activity" and row.row_id is not None and row.row_id not in self.activities:
                self.activities[row.row_id] = str(v.get("name", "an activity"))
            elif row.table == "weekly_entry" and row.row_id is not None:
                self.weeks[row.row_id] = _day(v["week"], today)
            elif row.table == "measure_result" and row.row_id is not None:
                self.measures[row.row_id] = f"{v.get('instrument')} of {_day(v['taken'], today)}"

    def burst(self, rows: list[AuditEntry]) -> list[str]:
        subjects: dict[tuple[str, object], _Subject] = {}
        for row in rows:
            kind, key, main = _subject_of(row)
            subject = subjects.setdefault((kind, key), _Subject(kind, key))
            (subject.main if main else subject.parts).append(row)
        said: list[str] = []
        weeks: dict[str, list[str]] = {"added": [], "changed": []}
        for subject in subjects.values():
            if subject.kind == "week":
                week = self._week(subject)
                if week is not None:
                    how, what = week
                    weeks.setdefault(how, []).append(what)
                continue
            told = getattr(self, f"_{subject.kind}", None)
            text = told(subject) if told is not None else None
            if text:
                said.append(text)
        for how in ("added", "changed"):
            listed = weeks.pop(how)
            if len(listed) > WEEKS_LISTED:
                said.insert(0, f"{len(listed)} weeks {how}")
            else:
                said[:0] = listed
        return said + [text for listed in weeks.values() for text in listed]

    # Weeks -------------------------------------------------------------------------------------

    def _week(self, s: _Subject) -> tuple[str, str] | None:
        """('added' | 'changed' | 'deleted', its sentence), or None when nothing a person sees changed."""
        entry = s.main[0] if s.main else None
        if entry is not None:
            name = f"week of {_day(entry.values['week'], self.today)}"
        else:
            name = (
                f"week of {self.weeks[s.key]}" if isinstance(s.key, int) and s.key in self.weeks else "a week"
            )
        if entry is not None and entry.action == "insert" and len(s.main) == 1:
            return "added", f"{name} added"  # its values are in the table above
        if entry is not None and entry.action == "delete":
            return "deleted", f"{name} deleted"
        phrases = []
        if entry is not None and entry.old is not None and s.main[-1].new is not None:
            old, new = entry.old, s.main[-1].new
            for m in WEEKLY_MARKERS:
                if old.get(m.key) != new.get(m.key):
                    phrases.append(
                        f"{_lower(m.label)} {_marker_value(m.key, old.get(m.key))} {ARROW} "
                        f"{_marker_value(m.key, new.get(m.key))}"
                    )
            if old.get("notes") != new.get("notes"):
                phrases.append("notes changed")
        phrases += self._parts(s.parts)
        return ("changed", f"{name}: {', '.join(phrases)}") if phrases else None

    def _part_key(self, v: Mapping[str, Any]) -> tuple[object, ...]:
        if "joint" in v:
            return ("rom", v["joint"], v["side"], v["movement"], v.get("mode", "active"))
        return ("activity", v.get("activity_id"))

    def _part_name(self, v: Mapping[str, Any]) -> str:
        if "joint" in v:
            return _lower(rom_label(v["joint"], v["side"], v["movement"], v.get("mode", "active")))
        return self.activities.get(int(v.get("activity_id") or 0), "an activity")

    def _part_value(self, v: Mapping[str, Any]) -> str:
        if "joint" in v:
            return format_value(float(v["degrees"]), "°")
        text = f"{plain(float(v['rating']), 0)}/10"
        return text if v.get("minutes") is None else f"{text} ({plain(float(v['minutes']), 0)} min)"

    def _part_text(self, v: Mapping[str, Any]) -> str:
        return f"{self._part_name(v)} {self._part_value(v)}"

    def _parts(self, parts: list[AuditEntry]) -> list[str]:
        """A week's readings and ratings as written before and after the save, compared by what they
        are (a reading written again with the same value is no change)."""
        before: dict[tuple[object, ...], Mapping[str, Any]] = {}
        after: dict[tuple[object, ...], Mapping[str, Any]] = {}
        for p in parts:
            if p.old is not None:
                before.setdefault(self._part_key(p.old), p.old)
            if p.new is not None:
                after[self._part_key(p.new)] = p.new
        phrases = []
        for key in list(dict.fromkeys([*before, *after])):
            old, new = before.get(key), after.get(key)
            if old is not None and new is not None:
                if self._part_value(old) != self._part_value(new):
                    phrases.append(
                        f"{self._part_name(new)} {self._part_value(old)} {ARROW} {self._part_value(new)}"
                    )
            elif new is not None:
                phrases.append(f"{self._part_text(new)} added")
            elif old is not None:
                phrases.append(f"{self._part_text(old)} removed")
        return phrases

    # Everything else ---------------------------------------------------------------------------

    def _patient(self, s: _Subject) -> str | None:
        first, last = s.main[0], s.main[-1]
        if first.action == "insert":
            return f"patient record of {first.values.get('display_name')} created"
        if last.action == "delete":
            return f"patient record of {first.values.get('display_name')} deleted"
        old, new = first.old or {}, last.new or {}
        phrases = _field_changes(old, new, _PATIENT_LABELS, self._patient_value)
        if bool(old.get("archived")) != bool(new.get("archived")):
            phrases.append("archived" if new.get("archived") else "brought back from the archive")
        said = [f"profile: {', '.join(phrases)}"] if phrases else []
        if any(old.get(name) != new.get(name) for name in _PLAN):
            said.append(self._plan(new))
        return "; ".join(said) or None

    def _patient_value(self, name: str, value: Any) -> str:
        return _day(value, self.today) if name == "rehab_start" else f"'{value}'"

    def _plan(self, new: Mapping[str, Any]) -> str:
        discharged, every, since = (new.get(name) for name in _PLAN)
        parts = [f"discharged {_day(discharged, self.today)}"] if discharged else []
        if every:
            parts.append(
                f"check-ins every {every} weeks" + (f" since {_day(since, self.today)}" if since else "")
            )
        return f"maintenance plan: {', '.join(parts)}" if parts else "maintenance plan ended"

    def _goal(self, s: _Subject) -> str | None:
        first, last = s.main[0], s.main[-1]
        title = f"goal '{last.values.get('title')}'"
        if first.action == "insert":
            return f"{title} added"
        if last.action == "delete":
            return f"goal '{first.values.get('title')}' deleted"
        old, new = first.old or {}, last.new or {}
        marker = str(new.get("marker") or old.get("marker") or "")
        phrases = _field_changes(
            old, new, _GOAL_LABELS, lambda name, value: self._goal_value(name, value, marker), "changed "
        )
        if old.get("title") != new.get("title"):
            phrases.insert(0, f"renamed '{new.get('title')}'")
        if old.get("status") != new.get("status"):
            phrases.append(_STATUS_WORDS.get(str(new.get("status")), f"status {new.get('status')}"))
        if old.get("title") != new.get("title"):
            title = f"goal '{old.get('title')}'"
        return f"{title} {' and '.join(phrases)}" if phrases else None

    def _goal_value(self, name: str, value: Any, marker: str) -> str:
        if name in ("baseline", "target"):
            return _marker_value(marker, value, self.activities)
        if name in ("start", "target_date"):
            return _day(value, self.today)
        if name == "marker":
            return _lower(_series_label(str(value), self.activities))
        return f"'{value}'"

    def _activity(self, s: _Subject) -> str | None:
        first, last = s.main[0], s.main[-1]
        if first.action == "insert":
            return f"activity '{last.values.get('name')}' added"
        if last.action == "delete":
            return f"activity '{first.values.get('name')}' deleted"
        old, new = first.old or {}, last.new or {}
        phrases = []
        if old.get("name") != new.get("name"):
            phrases.append(f"renamed '{new.get('name')}'")
        if bool(old.get("archived")) != bool(new.get("archived")):
            phrases.append("archived" if new.get("archived") else "taken up again")
        return f"activity '{old.get('name')}' {' and '.join(phrases)}" if phrases else None

    def _event(self, s: _Subject) -> str | None:
        first, last = s.main[0], s.main[-1]
        v = last.values if last.action != "delete" else first.values
        name = f"{v.get('kind')} of {_day(v.get('day'), self.today)}"
        if first.action == "insert":
            return f"{name} added ('{v.get('text')}')"
        if last.action == "delete":
            return f"{name} deleted ('{v.get('text')}')"
        old, new = first.old or {}, last.new or {}
        if old == new:
            return None
        return f"{name} changed ('{old.get('text')}' {ARROW} '{new.get('text')}')"

    def _measure(self, s: _Subject) -> str | None:
        key = s.key if isinstance(s.key, int) else -1
        if s.main:
            first, last = s.main[0], s.main[-1]
            v = last.values
            name = f"{v.get('instrument')} of {_day(v.get('taken'), self.today)}"
            if first.action == "insert":
                return f"{name} added (score {plain(float(v['score']))})"
            if last.action == "delete":
                return f"{name} deleted"
            old, new = first.old or {}, last.new or {}
            if old.get("score") != new.get("score"):
                return f"{name}: score {plain(float(old['score']))} {ARROW} {plain(float(new['score']))}"
        else:
            name = self.measures.get(key, "a questionnaire")
        before = sorted(_without_id(p.old) for p in s.parts if p.action == "delete" and p.old is not None)
        after = sorted(_without_id(p.new) for p in s.parts if p.action == "insert" and p.new is not None)
        changed = [p for p in s.parts if p.action == "update"]
        same = before == after
        return f"{name}: answers changed" if changed or not same else None

    def _thresholds(self, s: _Subject) -> str | None:
        before = {p.old["series_key"]: p.old["value"] for p in s.parts if p.old is not None}
        after = {p.new["series_key"]: p.new["value"] for p in s.parts if p.new is not None}
        phrases = []
        for key in dict.fromkeys([*before, *after]):
            old, new = before.get(key), after.get(key)
            label = f"meaningful change for {_lower(_series_label(key, self.activities))}"
            if old is not None and new is not None and float(old) != float(new):
                phrases.append(f"{label} {_threshold(key, old)} {ARROW} {_threshold(key, new)}")
            elif old is None and new is not None:
                phrases.append(f"{label} set to {_threshold(key, new)}")
            elif new is None and old is not None:
                phrases.append(f"{label} back to the clinic's")
        return ", ".join(phrases) or None

    def _patient_care_team(self, s: _Subject) -> str | None:
        first, last = s.main[0], s.main[-1]
        if first.action == "insert":
            return "assigned to a care team"
        if last.action == "delete":
            return "taken off their care team"
        return "moved to another care team"


def _without_id(values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """An item row as a person sees it (written again under a new id when its result is saved)."""
    return tuple(sorted((k, str(v)) for k, v in values.items() if k != "id"))


def _field_changes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    labels: Mapping[str, str],
    shown: Callable[[str, Any], str],
    changed: str = "",
) -> list[str]:
    """'target changed 115° → 120°', 'target date set to 3 Mar', 'baseline cleared' for each field."""
    phrases = []
    for name, label in labels.items():
        before, after = old.get(name), new.get(name)
        if before == after or (
            before is not None and after is not None and shown(name, before) == shown(name, after)
        ):
            continue
        if before is None or before == "":
            phrases.append(f"{label} set to {shown(name, after)}")
        elif after is None or after == "":
            phrases.append(f"{label} cleared")
        else:
            phrases.append(f"{label} {changed}{shown(name, before)} {ARROW} {shown(name, after)}")
    return phrases


def _series_label(key: str, activities: Mapping[int, str] | None = None) -> str:
    if key.startswith("activity/") and activities:
        name = activities.get(int(key.split("/", 1)[1]))
        if name:
            return name
    try:
        return describe(key).label
    except (KeyError, ValueError):
        return key


def _marker_value(key: str, value: Any, activities: Mapping[int, str] | None = None) -> str:
    if value is None:
        return "none"
    try:
        m = describe(key)
    except (KeyError, ValueError):
        return plain(float(value))
    if key.startswith("activity/"):
        return f"{plain(float(value), 0)}/10"
    return format_value(float(value), m.unit, m.whole)


def _threshold(key: str, value: Any) -> str:
    try:
        unit = describe(key).unit
    except (KeyError, ValueError):
        unit = ""
    return format_value(float(value), unit)
