"""A patient bundle: one JSON file with a patient's whole history, for another RehabTrack to import.

The format is versioned (``format``/``version``). Activities are referred to by name, so ratings and
activity goals are remapped to the importing database's ids. The patient is matched by ``uid``
(a random id given to every patient and kept in the bundle), so importing the same bundle twice
creates no duplicates. The import goes through the store's one merge path (``Store.import_histories``,
rules in ``core.imports``): what is new is added, a value the bundle leaves out or gives as null never
erases a stored one, and a value that differs is a conflict, kept as stored unless the user takes the
bundle's. Goals are matched by discipline and title, events by day, kind and text, questionnaire results by
instrument and day taken (the n-th result of one instrument on one day meets the n-th one there). The
bundle's shape is checked by a strict pydantic schema before any value reaches core's validation.

Questionnaire results carry their answers, COPM problems and GAS goals, never a score: the importing
RehabTrack scores them again with ``core``, so a bundle cannot bring in a score its answers do not
give. A result (or a GAS goal) measuring one of the patient's goals refers to it by the goal's
identity in the bundle, its discipline and title, and is linked to that goal in the importing database.

Version history: 1 had the profile, activities, weeks, goals and events; 2 adds ``measures`` and
``maintenance``; 3 adds ``thresholds`` (the clinic-convention meaningful changes a therapist set for the
patient). Older bundles still import (they bring no results, and leave the plan and thresholds as they are).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from rehabtrack import __version__
from rehabtrack.core.imports import History, ImportReport, OnConflict
from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.meaningful_change import threshold_problem
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
from rehabtrack.core.series import MINUTES_PREFIX, goal_problems
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.core.weeks import day_problem
from rehabtrack.storage.files import write_text_atomically
from rehabtrack.storage.store import Store
from rehabtrack.storage.tables import PatientRow, new_uid

FORMAT = "rehabtrack-patient-bundle"
VERSION = 3  # 2: questionnaire results and the maintenance plan; 3: the patient's thresholds
SUFFIX = ".rtbundle"
ACTIVITY_MARKER = "activity/"


class BundleError(ValueError):
    """The file is not a bundle this RehabTrack can import; nothing was imported."""


# Export ---------------------------------------------------------------------------------------


def patient_uid(store: Store, patient_id: int) -> str:
    """The patient's uid (given one now if an older database stored the patient without)."""
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
            "uid": patient_uid(store, patient_id),
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
        "thresholds": store.thresholds(patient_id),
    }


def export_bundle(store: Store, patient_id: int, out: Path) -> int:
    """Write the patient's bundle to ``out`` (readable by the user only); returns the weeks written."""
    data = bundle_data(store, patient_id)
    write_text_atomically(Path(out), json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n")
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


# The bundle's shape, checked strictly: "false" is not false, "2" is not 2, and no field is guessed.


def _in_range(day: date) -> date:
    problem = day_problem("day", "A date", day)
    if problem is not None:
        raise ValueError(problem.message.removeprefix("A date "))
    return day


Day = Annotated[date, AfterValidator(_in_range)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class _PatientIn(_Strict):
    """Details left out or null are not in the bundle: an import keeps what is stored."""

    uid: str = Field(min_length=1, max_length=64)
    display_name: str
    condition: str | None = None
    affected_side: str | None = None
    rehab_start: Day | None = None
    pt_clinician: str | None = None
    ot_clinician: str | None = None
    archived: bool = False
    created_at: datetime | None = None


class _ActivityIn(_Strict):
    name: str
    discipline: Discipline
    archived: bool = False


class _RomIn(_Strict):
    joint: str
    side: Side
    movement: str
    degrees: float
    mode: RomMode


class _RatingIn(_Strict):
    activity: str
    rating: float
    minutes: float | None = None


class _EntryIn(_Strict):
    week: Day
    values: dict[str, float | None] = {}  # null: not in the bundle
    rom: list[_RomIn] = []
    activities: list[_RatingIn] = []
    notes: str | None = None  # absent or null: no note (never the text "None")


class _ActivityRef(_Strict):
    activity: str


class _GoalRef(_Strict):
    discipline: Discipline
    title: str


class _GoalIn(_Strict):
    discipline: Discipline
    title: str
    marker: str | _ActivityRef
    target: float
    direction: Direction
    baseline: float | None = None
    start: Day | None = None
    target_date: date | None = None
    status: GoalStatus = GoalStatus.ACTIVE
    set_by: str | None = None


class _EventIn(_Strict):
    day: Day
    kind: EventKind
    text: str


class _CopmIn(_Strict):
    name: str
    importance: float
    performance: float
    satisfaction: float


class _GasIn(_Strict):
    goal: str
    level: int
    weight: float = 1.0
    linked_goal: _GoalRef | None = None


class _MeasureIn(_Strict):
    instrument: str
    taken: Day
    answers: list[float | None] = []
    copm: list[_CopmIn] = []
    gas: list[_GasIn] = []
    goal: _GoalRef | None = None


class _PlanIn(_Strict):
    discharged_on: Day | None = None
    every_weeks: int | None = None
    since: Day | None = None


class _BundleIn(_Strict):
    format: str
    version: int
    exported_at: str | None = None
    exported_by: str | None = None
    patient: _PatientIn
    activities: list[_ActivityIn]
    entries: list[_EntryIn]
    goals: list[_GoalIn]
    events: list[_EventIn]
    measures: list[_MeasureIn] | None = None  # from version 2 on
    maintenance: _PlanIn | None = None  # from version 2 on
    thresholds: dict[str, float | int] | None = None  # from version 3 on


class _Header(BaseModel):
    model_config = ConfigDict(extra="ignore")
    format: Any = None
    version: Any = None


_PLAIN = {
    "bool_type": "must be true or false (without quotes)",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a number of ordinary size",
    "string_type": "must be text in quotes",
    "missing": "is missing",
    "extra_forbidden": "is not part of a patient bundle",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date written YYYY-MM-DD",
    "list_type": "must be a list [ … ]",
    "dict_type": "must be an object { … }",
    "model_type": "must be an object { … }",
}


def _schema_problem(path: Path, exc: ValidationError) -> BundleError:
    """The first thing wrong, on one line: the field, what it must be, and what it was."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        detail = first["msg"].removeprefix("Invalid JSON: ")
        return BundleError(
            f"Nothing was imported: {path} is not a RehabTrack patient bundle (not valid JSON: {detail})."
        )
    where = "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in first["loc"])
    where = where.lstrip(".") or "the top level"
    if first["type"] == "value_error":
        rule = str(first.get("ctx", {}).get("error", first["msg"]))
    else:
        rule = _PLAIN.get(first["type"], first["msg"].replace("Input should be", "must be"))
    got = first.get("input")
    shown = "" if first["type"] in ("missing", "union_tag_invalid") else f" (got {_short(got)})"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return BundleError(f"Nothing was imported: {path} is damaged at {where}: {rule}{shown}{more}.")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str | bool | None) else repr(value)
    if isinstance(value, dict | list):
        text = "{…}" if isinstance(value, dict) else "[…]"
    return text if len(text) <= 40 else text[:39] + "…"


def read_bundle(path: Path) -> History:
    """Parse and validate a bundle completely; raise BundleError saying what is wrong, on one line
    (with a line per problem when core finds several invalid values)."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"Nothing was imported: {path} cannot be read ({exc.strerror or exc}).") from exc
    text = text.removeprefix(b"\xef\xbb\xbf")
    try:
        header = _Header.model_validate_json(text)
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            raise _schema_problem(path, exc) from None
        raise BundleError(f"Nothing was imported: {path} is not a RehabTrack patient bundle.") from None
    if header.format != FORMAT:
        raise BundleError(f"Nothing was imported: {path} is not a RehabTrack patient bundle.")
    twice = _key_twice(text)
    if twice is not None:
        raise BundleError(
            f"Nothing was imported: {path} is damaged: the field {twice!r} appears twice in one object; "
            "keep one."
        )
    version = header.version
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BundleError(
            f"Nothing was imported: {path} is damaged at version: must be a whole number from 1 to "
            f"{VERSION}, without quotes (got {_short(version)})."
        )
    if version > VERSION:
        raise BundleError(
            f"Nothing was imported: {path} was written by a newer RehabTrack (bundle version {version}); "
            f"this version reads bundle versions up to {VERSION}. Install the newer RehabTrack to import it."
        )
    return history_from_json(path, text, version)


def history_from_json(path: Path, text: bytes, version: int = VERSION) -> History:
    """Bundle content (JSON text of a bundle of ``version``) as core objects, checked like a bundle file:
    its shape strictly, every value by core, every questionnaire scored again. BundleError says what is
    wrong. Another format that reads into the same shape (FHIR) comes in here too."""
    try:
        data = _BundleIn.model_validate_json(text)
    except ValidationError as exc:
        raise _schema_problem(path, exc) from None
    if version >= 2:
        missing = [name for name in ("measures", "maintenance") if getattr(data, name) is None]
        if missing:
            raise BundleError(
                f"Nothing was imported: {path} is damaged at {missing[0]}: is missing (a version {version} "
                "bundle has it)."
            )
    try:
        return _history(data)
    except InvalidInput as exc:
        if len(exc.problems) == 1:
            [p] = exc.problems
            raise BundleError(
                f"Nothing was imported: {path} has invalid data: {p.field}: {p.message}"
            ) from exc
        problems = "\n".join(f"  {p.field}: {p.message}" for p in exc.problems)
        raise BundleError(f"Nothing was imported: {path} has invalid data.\n{problems}") from exc


class _KeyTwice(Exception):
    pass


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _KeyTwice(key)
        seen[key] = value
    return seen


def _key_twice(text: bytes) -> str | None:
    """A field named twice in one JSON object (a JSON reader would silently keep the last), else None.
    The text has been read as JSON once already; anything else wrong with it is left to the schema."""
    try:
        json.loads(text, object_pairs_hook=_no_key_twice)
    except _KeyTwice as exc:
        return str(exc.args[0])
    except (ValueError, RecursionError):
        return None
    return None


def _history(data: _BundleIn) -> History:
    """The bundle as core objects, every value checked by core (InvalidInput lists what is wrong)."""
    p = data.patient
    patient = Patient(
        p.display_name.strip(),
        p.condition or "",
        p.affected_side or "",
        p.rehab_start,
        p.pt_clinician or "",
        p.ot_clinician or "",
        p.archived,
        created_at=p.created_at,
    )
    patient.validate()
    index: dict[str, int] = {}
    activities: list[Activity] = []
    for n, a in enumerate(data.activities, start=1):
        activity = Activity(a.name.strip(), a.discipline, a.archived)
        _checked(f"activities[{n}]", activity.validate)
        if activity.name in index:
            _refuse(f"activities[{n}]", f"activity {activity.name!r} appears twice")
        index[activity.name] = len(activities)
        activities.append(activity)

    def activity_at(name: str, where: str) -> int:
        if name.strip() not in index:
            _refuse(where, f"activity {name!r} is not in the bundle's activities")
        return index[name.strip()]

    names = dict(enumerate(a.name for a in activities))
    entries: list[WeeklyEntry] = []
    weeks: set[date] = set()
    for n, e in enumerate(data.entries, start=1):
        where = f"entries[{n}] (week of {e.week})"
        entry = WeeklyEntry(
            e.week,
            {key: value for key, value in e.values.items() if value is not None},
            tuple(RomReading(r.joint, r.side, r.movement, r.degrees, r.mode) for r in e.rom),
            tuple(ActivityRating(activity_at(r.activity, where), r.rating, r.minutes) for r in e.activities),
            e.notes or "",
        )
        _checked(where, lambda entry=entry: entry.validate(names))  # type: ignore[misc]
        if entry.week in weeks:
            _refuse(where, "the week appears twice")
        weeks.add(entry.week)
        entries.append(entry)
    goals: list[Goal] = []
    for n, g in enumerate(data.goals, start=1):
        marker = g.marker
        if isinstance(marker, _ActivityRef):
            marker = f"{ACTIVITY_MARKER}{activity_at(marker.activity, f'goals[{n}]')}"
        elif marker.startswith((ACTIVITY_MARKER, MINUTES_PREFIX)):  # another database's activity id
            _refuse(f"goals[{n}].marker", 'an activity goal names its activity: {"activity": "<name>"}')
        goal = Goal(
            g.discipline,
            g.title,
            marker,
            g.target,
            g.direction,
            g.baseline,
            g.start,
            g.target_date,
            g.status,
            g.set_by or "",
        )
        wrong = goal_problems(goal)  # the rule a goal saved in the window meets: a known marker, its scale
        if wrong:
            raise InvalidInput([Problem(f"goals[{n}] {p.field}", p.message) for p in wrong])
        goals.append(goal)
    events = []
    for n, ev in enumerate(data.events, start=1):
        event = Event(ev.day, ev.kind, ev.text)
        _checked(f"events[{n}]", event.validate)
        events.append(event)
    plan = None
    if data.maintenance is not None:
        m = data.maintenance
        plan = MaintenancePlan(m.discharged_on, m.every_weeks, m.since)
        _checked("maintenance", plan.validate)
    thresholds = {key: float(value) for key, value in (data.thresholds or {}).items()}
    wrong = [found for k, v in thresholds.items() if (found := threshold_problem(k, v)) is not None]
    if wrong:
        raise InvalidInput([Problem(f"thresholds {w.field}", w.message) for w in wrong])
    return History(
        patient,
        uid=p.uid.strip(),
        activities=activities,
        entries=entries,
        goals=goals,
        events=events,
        measures=_measures(data.measures or [], goals),
        maintenance=plan,
        archived=p.archived,
        thresholds=thresholds,
    )


def _checked(where: str, validate: Callable[[], None]) -> None:
    try:
        validate()
    except InvalidInput as exc:
        raise InvalidInput([Problem(f"{where} {p.field}", p.message) for p in exc.problems]) from exc


def _refuse(where: str, message: str) -> NoReturn:
    raise InvalidInput([Problem(where, message)])


def _measures(items: list[_MeasureIn], goals: list[Goal]) -> list[MeasureResult]:
    """Every result scored by core; InvalidInput names each wrong answer with the result it is in."""
    goal_index = {(Discipline(g.discipline).value, g.title): i for i, g in enumerate(goals)}

    def goal_in(ref: _GoalRef | None, what: str) -> int | None:
        if ref is None:
            return None
        key = (Discipline(ref.discipline).value, ref.title)
        if key not in goal_index:
            _refuse(what, f"refers to goal {key[1]!r} ({key[0]}), which is not in the bundle")
        return goal_index[key]

    found: list[MeasureResult] = []
    problems: list[Problem] = []
    for position, m in enumerate(items, start=1):
        name = f"questionnaire {position} ({m.instrument} of {m.taken})"
        result = MeasureResult(
            m.instrument,
            m.taken,
            tuple(m.answers),
            tuple(CopmProblem(c.name, c.importance, c.performance, c.satisfaction) for c in m.copm),
            tuple(
                GasGoal(g.goal, g.level, g.weight, goal_in(g.linked_goal, f"{name} GAS goal {i}"))
                for i, g in enumerate(m.gas, start=1)
            ),
            goal_in(m.goal, name),
        )
        try:
            found.append(scored(result))
        except InvalidInput as exc:
            problems.extend(Problem(f"{name} {p.field}", p.message) for p in exc.problems)
    if problems:
        raise InvalidInput(problems)
    return found


def import_bundle(
    store: Store, path: Path, on_conflict: OnConflict = OnConflict.KEEP, *, dry_run: bool = False
) -> ImportReport:
    """Import a bundle all-or-nothing through the store's one merge path; says what it added and kept."""
    history = read_bundle(path)
    try:
        return store.import_histories([history], on_conflict, dry_run=dry_run)
    except InvalidInput as exc:
        problems = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
        raise BundleError(f"Nothing was imported: {path} would leave invalid data: {problems}") from exc
