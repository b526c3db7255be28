"""A patient bundle: one JSON file with a patient's whole history, for another RehabTrack to import.

The format is versioned (``format``/``version``). Activities are referred to by name, so ratings and
activity goals are remapped to the importing database's ids. The patient is matched by ``uid``
(a random id given to every patient and kept in the bundle), so importing the same bundle twice
creates no duplicates and an updated bundle updates: the profile (with the maintenance plan) and
every week in the bundle are replaced, goals are matched by discipline and title, events by day, kind
and text, questionnaire results by instrument and day taken (the n-th result of one instrument on one
day replaces the n-th one there). Nothing that is only in the importing database is deleted.

Questionnaire results carry their answers, COPM problems and GAS goals, never a score: the importing
RehabTrack scores them again with ``core``, so a bundle cannot bring in a score its answers do not
give. A result (or a GAS goal) measuring one of the patient's goals refers to it by the goal's
identity in the bundle, its discipline and title, and is linked to that goal in the importing database.

Version history: 1 had the profile, activities, weeks, goals and events; 2 adds ``measures`` and
``maintenance``. Version-1 bundles still import (they bring no results and leave the plan as it is).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from rehabtrack import __version__
from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import GasGoal, MeasureResult, scored
from rehabtrack.core.measures import CopmProblem
from rehabtrack.core.model import (
    Activity,
    ActivityRating,
    Direction,
    Discipline,
    Event,
    EventKind,
    Goal,
    GoalStatus,
    Patient,
    WeeklyEntry,
)
from rehabtrack.core.rom import RomMode, RomReading, Side
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.storage.engine import write_private_text
from rehabtrack.storage.store import Store, _write_entry, _write_measure
from rehabtrack.storage.tables import (
    ActivityRow,
    EventRow,
    GoalRow,
    MeasureResultRow,
    PatientRow,
    new_uid,
)

FORMAT = "rehabtrack-patient-bundle"
VERSION = 2  # 2: questionnaire results and the maintenance plan
SUFFIX = ".rtbundle"
ACTIVITY_MARKER = "activity/"


class BundleError(ValueError):
    """The file is not a bundle this RehabTrack can import; nothing was imported."""


# Export ---------------------------------------------------------------------------------------


def _patient_uid(store: Store, patient_id: int) -> str:
    with Session(store.engine) as s:
        row = s.get(PatientRow, patient_id)
        if row is None:
            raise KeyError(f"no patient with id {patient_id}")
        if row.uid is not None:
            return row.uid
    with Session(store.engine) as s, s.begin():  # a patient stored without one (never by RehabTrack)
        row = s.get(PatientRow, patient_id)
        assert row is not None
        row.uid = new_uid()
        s.add(row)
        return row.uid


def bundle_data(store: Store, patient_id: int) -> dict[str, Any]:
    """The bundle of one patient as plain JSON-ready data."""
    patient = store.patient(patient_id)
    activities = store.activities(patient_id, include_archived=True)
    names = {a.id: a.name for a in activities}

    def marker_out(marker: str) -> str | dict[str, str]:
        if marker.startswith(ACTIVITY_MARKER):
            return {"activity": names[int(marker.removeprefix(ACTIVITY_MARKER))]}
        return marker

    goals = store.goals(patient_id)
    goal_keys = {g.id: {"discipline": str(g.discipline), "title": g.title} for g in goals}

    def goal_out(goal_id: int | None) -> dict[str, str] | None:
        return None if goal_id is None else goal_keys.get(goal_id)

    plan = store.maintenance(patient_id)

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "exported_by": f"RehabTrack {__version__}",
        "patient": {
            "uid": _patient_uid(store, patient_id),
            "display_name": patient.display_name,
            "condition": patient.condition,
            "affected_side": patient.affected_side,
            "rehab_start": _day_out(patient.rehab_start),
            "pt_clinician": patient.pt_clinician,
            "ot_clinician": patient.ot_clinician,
            "archived": patient.archived,
            "created_at": patient.created_at.isoformat() if patient.created_at else None,
        },
        "activities": [
            {"name": a.name, "discipline": str(a.discipline), "archived": a.archived} for a in activities
        ],
        "entries": [
            {
                "week": e.week.isoformat(),
                "values": e.values,
                "rom": [
                    {
                        "joint": r.joint,
                        "side": Side(r.side).value,
                        "movement": r.movement,
                        "degrees": r.degrees,
                        "mode": RomMode(r.mode).value,
                    }
                    for r in e.rom
                ],
                "activities": [
                    {"activity": names[r.activity_id], "rating": r.rating, "minutes": r.minutes}
                    for r in e.activities
                ],
                "notes": e.notes,
            }
            for e in store.entries(patient_id)
        ],
        "goals": [
            {
                "discipline": str(g.discipline),
                "title": g.title,
                "marker": marker_out(g.marker),
                "target": g.target,
                "direction": str(g.direction),
                "baseline": g.baseline,
                "start": _day_out(g.start),
                "target_date": _day_out(g.target_date),
                "status": str(g.status),
                "set_by": g.set_by,
            }
            for g in goals
        ],
        "events": [
            {"day": ev.day.isoformat(), "kind": str(ev.kind), "text": ev.text}
            for ev in store.events(patient_id)
        ],
        "measures": [
            {
                "instrument": m.instrument,
                "taken": m.taken.isoformat(),
                "answers": list(m.answers),
                "copm": [
                    {
                        "name": c.name,
                        "importance": c.importance,
                        "performance": c.performance,
                        "satisfaction": c.satisfaction,
                    }
                    for c in m.copm
                ],
                "gas": [
                    {"goal": g.goal, "level": g.level, "weight": g.weight, "linked_goal": goal_out(g.goal_id)}
                    for g in m.gas
                ],
                "goal": goal_out(m.goal_id),
            }
            for m in store.measures(patient_id)
        ],
        "maintenance": {
            "discharged_on": _day_out(plan.discharged_on),
            "every_weeks": plan.every_weeks,
            "since": _day_out(plan.since),
        },
    }


def export_bundle(store: Store, patient_id: int, out: Path) -> int:
    """Write the patient's bundle to ``out`` (readable by the user only); returns the weeks written."""
    data = bundle_data(store, patient_id)
    write_private_text(Path(out), json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n")
    return len(data["entries"])


def _day_out(day: date | None) -> str | None:
    return day.isoformat() if day else None


# Import ---------------------------------------------------------------------------------------


def is_bundle(path: Path) -> bool:
    """A bundle by its extension, or by its content (a JSON object naming the bundle format)."""
    if path.suffix.lower() == SUFFIX:
        return True
    try:
        with path.open("rb") as f:
            start = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return start.startswith(b"{") and FORMAT.encode() in start


class _Parsed:
    def __init__(self) -> None:
        self.uid = ""
        self.patient = Patient("?")
        self.activities: list[Activity] = []
        self.entries: list[WeeklyEntry] = []  # ratings' activity_id: index into self.activities
        self.goals: list[tuple[Goal, str | None]] = []  # (goal, activity name of an activity goal)
        self.events: list[Event] = []
        # Scored results; their goal ids and their GAS goals' are indexes into self.goals.
        self.measures: list[MeasureResult] = []
        self.maintenance: MaintenancePlan | None = None  # None: the bundle says nothing (version 1)


def read_bundle(path: Path) -> _Parsed:
    """Parse and validate a bundle completely; raise BundleError saying everything that is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{path} is not a RehabTrack patient bundle: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleError(f"{path} is not a RehabTrack patient bundle.")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise BundleError(
            f"{path} was written by a newer RehabTrack (bundle version {version}); this version reads "
            f"bundle version {VERSION}. Install the newer RehabTrack to import it."
        )
    try:
        return _parse(data, version)
    except InvalidInput as exc:
        problems = "\n".join(f"  {p.field}: {p.message}" for p in exc.problems)
        raise BundleError(f"Nothing was imported: {path} has invalid data.\n{problems}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BundleError(f"Nothing was imported: {path} is damaged ({type(exc).__name__}: {exc}).") from exc


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{what} is not a list")
    return value


def _parse(data: dict[str, Any], version: int = VERSION) -> _Parsed:
    parsed = _Parsed()
    p = data["patient"]
    parsed.uid = str(p["uid"])
    if not parsed.uid.strip():
        raise ValueError("the patient has no uid")
    created = p.get("created_at")
    parsed.patient = Patient(
        str(p["display_name"]).strip(),
        str(p.get("condition", "")),
        str(p.get("affected_side", "")),
        _day(p.get("rehab_start")),
        str(p.get("pt_clinician", "")),
        str(p.get("ot_clinician", "")),
        bool(p.get("archived", False)),
        created_at=datetime.fromisoformat(created) if created else None,
    )
    parsed.patient.validate()
    index: dict[str, int] = {}
    for a in data["activities"]:
        activity = Activity(
            str(a["name"]).strip(), Discipline(a["discipline"]), bool(a.get("archived", False))
        )
        activity.validate()
        if activity.name in index:
            raise ValueError(f"activity {activity.name!r} appears twice")
        index[activity.name] = len(parsed.activities)
        parsed.activities.append(activity)
    names = dict(enumerate(a.name for a in parsed.activities))
    weeks: set[date] = set()
    for e in data["entries"]:
        entry = WeeklyEntry(
            date.fromisoformat(e["week"]),
            {str(k): _number(v) for k, v in e.get("values", {}).items()},
            tuple(
                RomReading(
                    r["joint"], Side(r["side"]), r["movement"], _number(r["degrees"]), RomMode(r["mode"])
                )
                for r in e.get("rom", [])
            ),
            tuple(
                ActivityRating(
                    index[r["activity"]],
                    _number(r["rating"]),
                    None if r.get("minutes") is None else _number(r["minutes"]),
                )
                for r in e.get("activities", [])
            ),
            str(e.get("notes", "")),
        )
        entry.validate(names)
        if entry.week in weeks:
            raise ValueError(f"the week of {entry.week} appears twice")
        weeks.add(entry.week)
        parsed.entries.append(entry)
    for g in data["goals"]:
        marker = g["marker"]
        activity_name = None
        if isinstance(marker, dict):
            activity_name = str(marker["activity"])
            marker = f"{ACTIVITY_MARKER}{index[activity_name]}"
        goal = Goal(
            Discipline(g["discipline"]),
            str(g["title"]),
            str(marker),
            _number(g["target"]),
            Direction(g["direction"]),
            None if g.get("baseline") is None else _number(g["baseline"]),
            _day(g.get("start")),
            _day(g.get("target_date")),
            GoalStatus(g.get("status", GoalStatus.ACTIVE)),
            str(g.get("set_by", "")),
        )
        goal.validate()
        parsed.goals.append((goal, activity_name))
    for ev in data["events"]:
        event = Event(date.fromisoformat(ev["day"]), EventKind(ev["kind"]), str(ev["text"]))
        event.validate()
        parsed.events.append(event)
    if version >= 2:
        parsed.measures = _parse_measures(_list(data["measures"], "measures"), parsed)
        m = data["maintenance"]
        plan = MaintenancePlan(
            _day(m.get("discharged_on")),
            None if m.get("every_weeks") is None else _whole(m["every_weeks"]),
            _day(m.get("since")),
        )
        plan.validate()
        parsed.maintenance = plan
    return parsed


def _parse_measures(items: list[Any], parsed: _Parsed) -> list[MeasureResult]:
    """Every result scored by core; InvalidInput names each wrong answer with the result it is in."""
    goal_index = {(Discipline(g.discipline).value, g.title): i for i, (g, _) in enumerate(parsed.goals)}

    def goal_in(ref: Any, what: str) -> int | None:
        if ref is None:
            return None
        key = (Discipline(ref["discipline"]).value, str(ref["title"]))
        if key not in goal_index:
            raise ValueError(f"{what} refers to goal {key[1]!r} ({key[0]}), which is not in the bundle")
        return goal_index[key]

    found: list[MeasureResult] = []
    problems: list[Problem] = []
    for position, m in enumerate(items, start=1):
        taken = date.fromisoformat(m["taken"])
        name = f"questionnaire {position} ({m['instrument']!s} of {taken})"
        result = MeasureResult(
            str(m["instrument"]),
            taken,
            tuple(None if a is None else _number(a) for a in _list(m.get("answers", []), f"{name} answers")),
            tuple(
                CopmProblem(
                    str(c["name"]),
                    _number(c["importance"]),
                    _number(c["performance"]),
                    _number(c["satisfaction"]),
                )
                for c in _list(m.get("copm", []), f"{name} COPM problems")
            ),
            tuple(
                GasGoal(
                    str(g["goal"]),
                    _whole(g["level"]),
                    _number(g.get("weight", 1.0)),
                    goal_in(g.get("linked_goal"), f"{name} GAS goal {i}"),
                )
                for i, g in enumerate(_list(m.get("gas", []), f"{name} GAS goals"), start=1)
            ),
            goal_in(m.get("goal"), name),
        )
        try:
            found.append(scored(result))
        except InvalidInput as exc:
            problems.extend(Problem(f"{name} {p.field}", p.message) for p in exc.problems)
    if problems:
        raise InvalidInput(problems)
    return found


def import_bundle(store: Store, path: Path) -> int:
    """Import a bundle all-or-nothing; returns the patient's id in ``store``."""
    parsed = read_bundle(path)
    now = datetime.now(UTC)
    with Session(store.engine, expire_on_commit=False) as s, s.begin():
        row = s.exec(select(PatientRow).where(PatientRow.uid == parsed.uid)).first()
        if row is None:
            row = PatientRow(
                uid=parsed.uid,
                display_name=parsed.patient.display_name,
                created_at=parsed.patient.created_at or now,
                updated_at=now,
            )
        for name in (
            "display_name",
            "condition",
            "affected_side",
            "rehab_start",
            "pt_clinician",
            "ot_clinician",
        ):
            setattr(row, name, getattr(parsed.patient, name))
        row.archived = parsed.patient.archived
        row.updated_at = now
        s.add(row)
        s.flush()
        assert row.id is not None
        pid = row.id

        existing = {a.name: a for a in s.exec(select(ActivityRow).where(ActivityRow.patient_id == pid))}
        ids: list[int] = []
        for position, activity in enumerate(parsed.activities):
            act = existing.get(activity.name)
            if act is None:
                act = ActivityRow(patient_id=pid, name=activity.name, discipline=activity.discipline)
                existing[activity.name] = act
            act.discipline = Discipline(activity.discipline).value
            act.archived = activity.archived
            act.position = position
            s.add(act)
            s.flush()
            assert act.id is not None
            ids.append(act.id)

        for entry in parsed.entries:
            ratings = tuple(replace(r, activity_id=ids[int(r.activity_id)]) for r in entry.activities)
            _write_entry(s, pid, replace(entry, activities=ratings))

        goals = {(g.discipline, g.title): g for g in s.exec(select(GoalRow).where(GoalRow.patient_id == pid))}
        written: list[GoalRow] = []
        for goal, activity_name in parsed.goals:
            marker = goal.marker
            if activity_name is not None:
                marker = f"{ACTIVITY_MARKER}{existing[activity_name].id}"
            goal_row = goals.get((Discipline(goal.discipline).value, goal.title))
            if goal_row is None:
                goal_row = GoalRow(
                    patient_id=pid,
                    discipline=goal.discipline,
                    title=goal.title,
                    marker=marker,
                    target=goal.target,
                    direction=goal.direction,
                )
            goal_row.marker = marker
            for name in ("baseline", "target", "start", "target_date", "set_by"):
                setattr(goal_row, name, getattr(goal, name))
            goal_row.direction = Direction(goal.direction).value
            goal_row.status = GoalStatus(goal.status).value
            s.add(goal_row)
            written.append(goal_row)
        s.flush()
        goal_ids = [g.id for g in written]  # the row each goal of the bundle went to, in order
        _write_measures(s, pid, parsed.measures, goal_ids)
        if parsed.maintenance is not None:
            row.discharged_on = parsed.maintenance.discharged_on
            row.maintenance_every_weeks = parsed.maintenance.every_weeks
            row.maintenance_since = parsed.maintenance.since
            s.add(row)

        known = {(e.day, e.kind, e.text) for e in s.exec(select(EventRow).where(EventRow.patient_id == pid))}
        for event in parsed.events:
            key = (event.day, EventKind(event.kind).value, event.text)
            if key not in known:
                s.add(EventRow(patient_id=pid, day=event.day, kind=key[1], text=event.text))
                known.add(key)
    return pid


def _write_measures(s: Session, pid: int, measures: list[MeasureResult], goal_ids: list[int | None]) -> None:
    """Insert or replace each (scored) result: the n-th one of an instrument on a day replaces the
    n-th one already there (oldest first), so a re-import updates instead of adding a copy."""
    there: dict[tuple[str, date], list[MeasureResultRow]] = {}
    query = (
        select(MeasureResultRow)
        .where(MeasureResultRow.patient_id == pid)
        .order_by(col(MeasureResultRow.taken), col(MeasureResultRow.id))
    )
    for existing in s.exec(query):
        there.setdefault((existing.instrument, existing.taken), []).append(existing)

    def linked(index: int | None) -> int | None:
        return None if index is None else goal_ids[index]

    for result in measures:
        same = there.get((result.instrument, result.taken), [])
        local = replace(
            result,
            goal_id=linked(result.goal_id),
            gas=tuple(replace(g, goal_id=linked(g.goal_id)) for g in result.gas),
        )
        _write_measure(s, pid, local, same.pop(0) if same else None)
