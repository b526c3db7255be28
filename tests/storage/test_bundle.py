"""Patient bundles and property tests: any valid history survives CSV and bundle round trips, into an SQLite
file and a PostgreSQL database alike (``place``: tests/storage/conftest.py)."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from places import Place

from rehabtrack.core.imports import OnConflict
from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.measure_series import MeasureResult, scored
from rehabtrack.core.model import (
    Activity,
    ActivityRating,
    Discipline,
    Event,
    EventKind,
    Goal,
    Patient,
    WeeklyEntry,
)
from rehabtrack.core.rom import AXIAL_JOINTS, ROM_LIMITS, RomMode, RomReading, Side
from rehabtrack.storage.bundle import BundleError, export_bundle, import_bundle, is_bundle
from rehabtrack.storage.csv_io import export_csv, import_csv
from rehabtrack.storage.store import Store, open_store


def _measures(store: Store, patient_id: int) -> list[tuple[object, ...]]:
    """The patient's questionnaire results, goal ids replaced by goal titles; each score is computed
    again by core from the stored answers and must equal the stored one."""
    titles = {g.id: (g.discipline, g.title) for g in store.goals(patient_id)}
    found = []
    for r in store.measures(patient_id):
        again = scored(r)
        assert (again.score, again.satisfaction) == (r.score, r.satisfaction)
        found.append(
            (
                r.instrument,
                r.taken,
                r.answers,
                r.copm,
                tuple(
                    (g.goal, g.level, g.weight, titles.get(g.goal_id) if g.goal_id else None) for g in r.gas
                ),
                titles[r.goal_id] if r.goal_id else None,
                again.score,
                again.satisfaction,
            )
        )
    return found


def _history(store: Store, patient_id: int) -> dict[str, object]:
    """Everything about a patient, with database ids replaced by activity names and goal titles."""
    acts = store.activities(patient_id, include_archived=True)
    names = {a.id: a.name for a in acts}

    def marker(key: str) -> str:
        return f"activity:{names[int(key.split('/')[1])]}" if key.startswith("activity/") else key

    p = store.patient(patient_id)
    return {
        "patient": (p.display_name, p.condition, p.affected_side, p.rehab_start, p.pt_clinician, p.archived),
        "activities": [(a.name, a.discipline, a.archived) for a in acts],
        "entries": [
            (
                e.week,
                e.values,
                sorted(e.rom, key=lambda r: r.series_key),  # the order within a week means nothing
                sorted((names[r.activity_id], r.rating, r.minutes) for r in e.activities),
                e.notes,
            )
            for e in store.entries(patient_id)
        ],
        "goals": [
            (g.title, marker(g.marker), g.target, g.direction, g.start, g.status)
            for g in store.goals(patient_id)
        ],
        "events": [(e.day, e.kind, e.text) for e in store.events(patient_id)],
        "measures": _measures(store, patient_id),
        "maintenance": store.maintenance(patient_id),
    }


def _counts(store: Store) -> tuple[int, ...]:
    """Patients, and the patient's weeks, goals, events and questionnaire results (one patient)."""
    [p] = store.patients(True)
    assert p.id is not None
    return (
        len(store.patients(True)),
        len(store.entries(p.id)),
        len(store.goals(p.id)),
        len(store.events(p.id)),
        len(store.measures(p.id)),
    )


def _discharge(store: Store, patient_id: int) -> MaintenancePlan:
    plan = MaintenancePlan(date(2026, 10, 1), 4, date(2026, 10, 5))
    return store.save_maintenance(patient_id, plan)


def test_bundle_round_trip_of_the_demo_patient(demo, tmp_path: Path, place: Place) -> None:
    [patient] = demo.patients()
    plan = _discharge(demo, patient.id)
    demo.save_thresholds(patient.id, {"sleep_hours": 1.0, "measure/GAS": 8})  # set by the therapist
    out = tmp_path / "margaret.rtbundle"
    assert export_bundle(demo, patient.id, out) == len(demo.entries(patient.id))
    assert out.stat().st_mode & 0o777 == 0o600
    data = json.loads(out.read_text())
    assert (data["format"], data["version"]) == ("rehabtrack-patient-bundle", 3)
    assert any(isinstance(g["marker"], dict) for g in data["goals"])  # activity goals refer by name
    assert {m["instrument"] for m in data["measures"]} == {"LEFS", "QuickDASH", "COPM", "GAS"}
    assert all("score" not in m for m in data["measures"])  # scores are computed again on import
    gas_links = [g["linked_goal"] for m in data["measures"] for g in m["gas"]]
    assert {"discipline": "PT", "title": "Walk 30 minutes without stopping"} in gas_links  # by identity

    other = place.open("therapist")
    other.save_patient(Patient("Someone else"))
    other.save_activity(other.patients()[0].id, Activity("Knit", Discipline.OT))  # ids differ there
    pid = import_bundle(other, out).patient_id
    assert _history(other, pid) == _history(demo, patient.id)
    assert other.maintenance(pid) == plan
    assert other.thresholds(pid) == {"sleep_hours": 1.0, "measure/GAS": 8.0}

    # Spelled out: the measures the demo patient's history is judged by came across intact.
    mine, theirs = demo.measures(patient.id), other.measures(pid)
    assert len(theirs) == len(mine) > 0
    assert [r.score for r in theirs] == [scored(r).score for r in mine]
    [copm_mine, *_] = [r for r in mine if r.instrument == "COPM"]
    [copm_theirs, *_] = [r for r in theirs if r.instrument == "COPM"]
    assert copm_theirs.copm == copm_mine.copm and copm_theirs.satisfaction == copm_mine.satisfaction
    goals_there = {g.id: g.title for g in other.goals(pid)}
    gas_theirs = [r for r in theirs if r.instrument == "GAS"]
    gas_mine = [r for r in mine if r.instrument == "GAS"]
    assert [[(g.goal, g.level, g.weight) for g in r.gas] for r in gas_theirs] == [
        [(g.goal, g.level, g.weight) for g in r.gas] for r in gas_mine
    ]
    linked = [(g.goal, goals_there[g.goal_id]) for r in gas_theirs for g in r.gas if g.goal_id is not None]
    assert linked and all(goal == title for goal, title in linked)  # linked to the imported goals
    other.close()


def test_importing_the_same_bundle_twice_creates_no_duplicates_and_an_update_asks_before_it_replaces(
    demo, tmp_path: Path, place: Place
) -> None:
    [patient] = demo.patients()
    first = tmp_path / "v1.rtbundle"
    export_bundle(demo, patient.id, first)
    other = place.open("therapist")
    pid = import_bundle(other, first).patient_id
    counts = _counts(other)
    again = import_bundle(other, first)
    assert (again.patient_id, again.changed, again.conflicts, again.backup) == (pid, False, [], None)
    assert _counts(other) == counts
    assert len(other.patients(True)) == 1
    before = _history(other, pid)
    assert before == _history(demo, patient.id)

    # The patient keeps logging, edits a week, renames themself, and sends a new bundle.
    last = demo.entries(patient.id)[-1]
    demo.save_entry(patient.id, WeeklyEntry(last.week + timedelta(weeks=1), {"pain": 1}))
    demo.save_entry(patient.id, replace(last, values={**last.values, "pain": 9}, notes="edited"))
    demo.save_patient(replace(patient, display_name="Margaret D."))
    demo.save_event(patient.id, Event(last.week, EventKind.OTHER, "Back at work"))
    walk = demo.activities(patient.id)[0]
    goal = demo.save_goal(patient.id, Goal(Discipline.PT, "Walk an hour", f"activity/{walk.id}", 9, "higher"))
    # …refills the latest LEFS (same day: an update), adds a pain rating for the new goal, is discharged.
    lefs = demo.measures(patient.id, "LEFS")[-1]
    demo.save_measure(patient.id, MeasureResult("LEFS", lefs.taken, (4.0,) * 20, id=lefs.id))
    demo.save_measure(patient.id, MeasureResult("NPRS", last.week, (2.0,), goal_id=goal.id))
    _discharge(demo, patient.id)
    # The two therapists set the patient's sleep threshold differently; one also sets stiffness.
    demo.save_thresholds(patient.id, {"sleep_hours": 1.0, "stiffness_minutes": 20})
    other.save_thresholds(pid, {"sleep_hours": 2.0})
    second = tmp_path / "v2.rtbundle"
    export_bundle(demo, patient.id, second)

    # By default what is new is added and every stored value that differs is kept, and listed.
    kept = import_bundle(other, second)
    week = f"week of {last.week.isoformat()}"
    assert {(c.where, c.what, c.imported) for c in kept.conflicts} == {
        ("profile", "name", "'Margaret D.'"),
        (week, "Pain (weekly average)", "9"),
        (f"LEFS of {lefs.taken.isoformat()}", "answers (score)", "80"),
        ("meaningful change", "Sleep", "1"),
    }
    assert other.thresholds(pid) == {"sleep_hours": 2.0, "stiffness_minutes": 20.0}  # the new one added
    if place.kind == "sqlite":
        assert kept.backup is not None and kept.backup.exists()
    else:
        assert kept.backup is None  # a server is backed up by its owner (pg_dump), not by an import
    assert [p.display_name for p in other.patients(True)] == ["Margaret Demo"]
    stored_last = other.entry(pid, last.week)  # the note is new (there was none), so it is added
    assert last.notes == "" and stored_last is not None
    assert (stored_last.values, stored_last.notes) == (last.values, "edited")
    assert other.entry(pid, last.week + timedelta(weeks=1)).values == {"pain": 1}  # type: ignore[union-attr]
    assert other.maintenance(pid) == demo.maintenance(patient.id)  # none was stored: added

    # Taking the file's values makes the copy the same as the patient's own records.
    taken = import_bundle(other, second, OnConflict.REPLACE)
    assert len(taken.conflicts) == 4 and taken.changed
    assert other.thresholds(pid) == demo.thresholds(patient.id)
    assert [p.display_name for p in other.patients(True)] == ["Margaret D."]
    assert _history(other, pid) == _history(demo, patient.id)
    counts = _counts(other)
    assert counts[-1] == len(before["measures"]) + 1  # type: ignore[arg-type]  # the LEFS was updated
    assert other.measures(pid, "LEFS")[-1].score == 80
    [nprs] = other.measures(pid, "NPRS")
    assert [g.title for g in other.goals(pid) if g.id == nprs.goal_id] == ["Walk an hour"]
    assert not import_bundle(other, second, OnConflict.REPLACE).changed
    assert _history(other, pid) == _history(demo, patient.id)
    assert _counts(other) == counts
    other.close()


def test_a_version_1_bundle_without_measures_still_imports(tmp_path: Path, place: Place) -> None:
    bundle = {
        "format": "rehabtrack-patient-bundle",
        "version": 1,
        "exported_at": "2025-06-01T10:00:00+00:00",
        "exported_by": "RehabTrack 0.9",
        "patient": {
            "uid": "0123456789abcdef0123456789abcdef",
            "display_name": "Old Bundle",
            "archived": False,
        },
        "activities": [{"name": "Walk", "discipline": "PT", "archived": False}],
        "entries": [
            {
                "week": "2025-05-05",
                "values": {"pain": 4},
                "rom": [],
                "activities": [{"activity": "Walk", "rating": 6, "minutes": 20}],
                "notes": "first week",
            }
        ],
        "goals": [
            {
                "discipline": "PT",
                "title": "Walk further",
                "marker": {"activity": "Walk"},
                "target": 9,
                "direction": "higher",
                "status": "active",
            }
        ],
        "events": [{"day": "2025-05-06", "kind": "other", "text": "Started"}],
    }
    out = tmp_path / "old.rtbundle"
    out.write_text(json.dumps(bundle))
    store = place.open("therapist")
    pid = import_bundle(store, out).patient_id
    [entry] = store.entries(pid)
    assert (store.patient(pid).display_name, entry.values, entry.notes) == (
        "Old Bundle",
        {"pain": 4},
        "first week",
    )
    assert [g.title for g in store.goals(pid)] == ["Walk further"]
    assert store.measures(pid) == []
    assert store.maintenance(pid) == MaintenancePlan()

    # A version-1 bundle says nothing about measures or the plan, so it leaves what is there alone.
    store.save_measure(pid, MeasureResult("NPRS", date(2025, 5, 7), (3.0,)))
    plan = _discharge(store, pid)
    assert import_bundle(store, out).patient_id == pid
    assert len(store.measures(pid)) == 1 and store.maintenance(pid) == plan
    store.close()


def test_a_bad_bundle_imports_nothing(demo, tmp_path: Path, place: Place) -> None:
    [patient] = demo.patients()
    out = tmp_path / "p.rtbundle"
    export_bundle(demo, patient.id, out)
    data = json.loads(out.read_text())
    data["entries"][-1]["values"]["pain"] = 14
    out.write_text(json.dumps(data))
    other = place.open("other")
    with pytest.raises(BundleError, match="(?s)Nothing was imported.*Pain"):
        import_bundle(other, out)
    data["version"] = 99
    out.write_text(json.dumps(data))
    with pytest.raises(BundleError, match="newer RehabTrack"):
        import_bundle(other, out)
    out.write_text("week,pain\n")
    with pytest.raises(BundleError, match="not a RehabTrack patient bundle"):
        import_bundle(other, out)
    assert other.patients(True) == []
    other.close()


def _bad(data: dict[str, object], change) -> dict[str, object]:  # type: ignore[no-untyped-def]
    copy = json.loads(json.dumps(data))
    change(copy)
    return copy


def test_a_bundle_with_a_bad_questionnaire_or_plan_imports_nothing(
    demo, tmp_path: Path, place: Place
) -> None:
    [patient] = demo.patients()
    out = tmp_path / "p.rtbundle"
    export_bundle(demo, patient.id, out)
    good = json.loads(out.read_text())
    lefs = next(i for i, m in enumerate(good["measures"]) if m["instrument"] == "LEFS")
    taken = good["measures"][lefs]["taken"]
    gas = next(i for i, m in enumerate(good["measures"]) if m["instrument"] == "GAS")

    def answer_7(d):  # type: ignore[no-untyped-def]
        d["measures"][lefs]["answers"][3] = 7

    def copm_11(d):  # type: ignore[no-untyped-def]
        next(m for m in d["measures"] if m["instrument"] == "COPM")["copm"][0]["performance"] = 11

    def gas_level_3(d):  # type: ignore[no-untyped-def]
        d["measures"][gas]["gas"][0]["level"] = 3

    def unknown_goal(d):  # type: ignore[no-untyped-def]
        d["measures"][gas]["gas"][0]["linked_goal"] = {"discipline": "PT", "title": "Not a goal"}

    def cadence_3(d):  # type: ignore[no-untyped-def]
        d["maintenance"] = {"discharged_on": None, "every_weeks": 3, "since": "2026-01-05"}

    def no_measures(d):  # type: ignore[no-untyped-def]
        del d["measures"]

    def sleep_below_error(d):  # type: ignore[no-untyped-def]
        d["thresholds"] = {"sleep_hours": 0.1}

    def pain_changed(d):  # type: ignore[no-untyped-def]
        d["thresholds"] = {"pain": 3}

    cases = [
        (
            answer_7,
            rf"(?s)Nothing was imported.*questionnaire {lefs + 1} \(LEFS of {taken}\) LEFS/4: "
            r"LEFS item 4 must be from 0 to 4 \(got 7\)",
        ),
        (copm_11, r"(?s)Nothing was imported.*COPM problem 1 performance must be from 1 to 10"),
        (gas_level_3, r"(?s)Nothing was imported.*GAS goal 1 must be from \u22122 to 2"),
        (unknown_goal, r"Nothing was imported.*GAS goal 1: refers to goal 'Not a goal'"),
        (cadence_3, r"(?s)Nothing was imported.*every 2 or 4 weeks \(got 3\)"),
        (no_measures, r"Nothing was imported.*damaged.*measures"),
        (
            sleep_below_error,
            r"(?s)Nothing was imported.*Sleep meaningful change must be from 0\.25 to 16 hours",
        ),
        (
            pain_changed,
            r"(?s)Nothing was imported.*thresholds pain: Pain: the meaningful change is published",
        ),
    ]
    # A fresh store gets nothing; a store holding an earlier import of the patient keeps it unchanged.
    fresh = place.open("fresh")
    holding = place.open("holding")
    pid = import_bundle(holding, out).patient_id
    before = _history(holding, pid)
    for change, message in cases:
        out.write_text(json.dumps(_bad(good, change)))
        for store in (fresh, holding):
            with pytest.raises(BundleError, match=message):
                import_bundle(store, out)
    assert fresh.patients(True) == []
    assert _history(holding, pid) == before
    fresh.close()
    holding.close()


def test_bundle_from_the_command_line(tmp_path: Path, place: Place) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rehabtrack", *args], capture_output=True, text=True, timeout=120
        )

    bundle = tmp_path / "demo.rtbundle"
    out = run("--demo", "export", "--format", "bundle", "--out", str(bundle), "--patient", "Margaret Demo")
    assert out.returncode == 0, out.stderr
    assert is_bundle(bundle)
    renamed = tmp_path / "from-margaret.json"  # recognised by its content, whatever its name
    renamed.write_bytes(bundle.read_bytes())
    said = ("Imported Margaret Demo's history", "Nothing new in")
    for path, first_words in zip((bundle, renamed), said, strict=True):
        out = run(*place.option(), "import", str(path))
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(first_words)
    store = place.open("data")
    assert [p.display_name for p in store.patients()] == ["Margaret Demo"]
    store.close()


# Property tests ---------------------------------------------------------------------------------

ACTIVITIES = (Activity("Walk: outdoors", Discipline.PT), Activity('Cook "a meal", quickly', Discipline.OT))
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)


def _marker_value(m) -> st.SearchStrategy[float]:  # type: ignore[no-untyped-def]
    if m.whole:
        return st.integers(int(m.low), int(m.high)).map(float)
    return st.floats(m.low, m.high, allow_nan=False)


@st.composite
def _reading(draw: st.DrawFn) -> RomReading:
    joint, movement = draw(st.sampled_from(sorted(ROM_LIMITS)))
    low, high = ROM_LIMITS[(joint, movement)]
    side = Side.NONE if joint in AXIAL_JOINTS else draw(st.sampled_from([Side.LEFT, Side.RIGHT]))
    return RomReading(
        joint, side, movement, draw(st.floats(low, high, allow_nan=False)), draw(st.sampled_from(RomMode))
    )


@st.composite
def _entry(draw: st.DrawFn, week: date) -> WeeklyEntry:
    keys = draw(st.sets(st.sampled_from([m.key for m in WEEKLY_MARKERS])))
    values = {m.key: draw(_marker_value(m)) for m in WEEKLY_MARKERS if m.key in keys}
    if "exercise_days_done" in values and "exercise_days_prescribed" in values:
        values["exercise_days_done"] = min(values["exercise_days_done"], values["exercise_days_prescribed"])
    readings = draw(st.lists(_reading(), max_size=3, unique_by=lambda r: r.series_key))
    ratings = tuple(
        ActivityRating(i, draw(st.integers(0, 10)), draw(st.none() | st.integers(0, 1440)))
        for i in draw(st.sets(st.sampled_from([0, 1])))
    )
    return WeeklyEntry(week, values, tuple(readings), ratings, draw(TEXT))


@st.composite
def _entries(draw: st.DrawFn) -> list[WeeklyEntry]:
    offsets = draw(st.sets(st.integers(0, 400), min_size=1, max_size=6))  # weeks up to 2027 (core: weeks)
    return [draw(_entry(date(2020, 1, 6) + timedelta(weeks=o))) for o in sorted(offsets)]


EXAMPLES = itertools.count(1)


def _saved(entries: list[WeeklyEntry]) -> tuple[Store, int, tempfile.TemporaryDirectory[str]]:
    """The entries saved in an SQLite file of their own, for a patient of a name no other example has."""
    tmp = tempfile.TemporaryDirectory()
    store = open_store(Path(tmp.name) / "source")
    patient = store.save_patient(Patient(f"Prop Test {next(EXAMPLES)}"))
    assert patient.id is not None
    ids = [store.save_activity(patient.id, a).id for a in ACTIVITIES]
    store.save_entries(
        patient.id,
        [
            WeeklyEntry(
                e.week,
                e.values,
                e.rom,
                tuple(ActivityRating(ids[r.activity_id], r.rating, r.minutes) for r in e.activities),
                e.notes,
            )  # type: ignore[index]
            for e in entries
        ],
    )
    return store, patient.id, tmp


# Each example imports into the test's own target (``place``): a new patient there every time.
PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(_entries())
def test_any_valid_entries_survive_csv_export_and_import(place: Place, entries: list[WeeklyEntry]) -> None:
    store, pid, tmp = _saved(entries)
    with tmp:
        out = Path(tmp.name) / "out.csv"
        export_csv(store, out, [pid])
        other = place.open("target")
        import_csv(other, out)
        copy = other.patient_named(store.patient(pid).display_name)
        assert copy is not None and copy.id is not None
        assert _history(other, copy.id)["entries"] == _history(store, pid)["entries"]
        other.close()
        store.close()


@PROPERTY
@given(_entries())
def test_any_valid_entries_survive_bundle_export_and_import(place: Place, entries: list[WeeklyEntry]) -> None:
    store, pid, tmp = _saved(entries)
    with tmp:
        out = Path(tmp.name) / "p.rtbundle"
        export_bundle(store, pid, out)
        other = place.open("target")
        copy = import_bundle(other, out).patient_id
        assert _history(other, copy) == _history(store, pid)
        other.close()
        store.close()


@PROPERTY
@given(_entries())
@example(
    [
        WeeklyEntry(date(2025, 3, 3), {}, notes="  \n "),
        WeeklyEntry(date(2025, 3, 10), {"pain": 1}, notes=" x\t"),
    ]
)
def test_any_valid_entries_survive_fhir_export_and_import(entries: list[WeeklyEntry]) -> None:
    from rehabtrack.fhir.export import export_fhir
    from rehabtrack.fhir.reading import import_fhir

    store, pid, tmp = _saved(entries)
    with tmp:
        out = Path(tmp.name) / "p.json"
        export_fhir(store, pid, out)
        other = open_store(Path(tmp.name) / "target")
        report, _ = import_fhir(other, out)
        expected = _history(store, pid)
        # FHIR has a resource for each value, none for a week with no values or an activity never rated
        weeks = [w for w in expected["entries"] if any(w[1:4]) or w[4]]  # type: ignore[attr-defined]
        rated = {name for w in weeks for name, *_ in w[3]}
        # a FHIR string's only white space is space, tab, CR and LF (FHIR R4 datatypes: string)
        expected["entries"] = [(*w[:4], re.sub(r"[^\S \r\n\t]", " ", w[4])) for w in weeks]
        expected["activities"] = [a for a in expected["activities"] if a[0] in rated]  # type: ignore[attr-defined]
        assert _history(other, report.patient_id) == expected
        other.close()
        store.close()
