"""Patient bundles and property tests: any valid history survives CSV and bundle round trips."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehabtrack.core.markers import WEEKLY_MARKERS
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


def _history(store: Store, patient_id: int) -> dict[str, object]:
    """Everything about a patient, with database ids replaced by activity names."""
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
    }


def test_bundle_round_trip_of_the_demo_patient(demo_store, tmp_path: Path) -> None:
    [patient] = demo_store.patients()
    out = tmp_path / "margaret.rtbundle"
    assert export_bundle(demo_store, patient.id, out) == len(demo_store.entries(patient.id))
    assert out.stat().st_mode & 0o777 == 0o600
    data = json.loads(out.read_text())
    assert (data["format"], data["version"]) == ("rehabtrack-patient-bundle", 1)
    assert any(isinstance(g["marker"], dict) for g in data["goals"])  # activity goals refer by name

    other = open_store(tmp_path / "therapist")
    other.save_patient(Patient("Someone else"))
    other.save_activity(other.patients()[0].id, Activity("Knit", Discipline.OT))  # ids differ there
    pid = import_bundle(other, out)
    assert _history(other, pid) == _history(demo_store, patient.id)
    other.close()


def test_importing_the_same_bundle_twice_creates_no_duplicates_and_an_update_updates(
    demo_store, tmp_path: Path
) -> None:
    [patient] = demo_store.patients()
    first = tmp_path / "v1.rtbundle"
    export_bundle(demo_store, patient.id, first)
    other = open_store(tmp_path / "therapist")
    pid = import_bundle(other, first)
    assert import_bundle(other, first) == pid
    assert len(other.patients(True)) == 1
    before = _history(other, pid)
    assert before == _history(demo_store, patient.id)

    # The patient keeps logging, edits a week, renames themself, and sends a new bundle.
    last = demo_store.entries(patient.id)[-1]
    demo_store.save_entry(patient.id, WeeklyEntry(last.week + timedelta(weeks=1), {"pain": 1}))
    demo_store.save_entry(patient.id, WeeklyEntry(last.week, {"pain": 0}, notes="edited"))
    demo_store.save_patient(Patient("Margaret D.", id=patient.id))
    demo_store.save_event(patient.id, Event(last.week, EventKind.OTHER, "Back at work"))
    walk = demo_store.activities(patient.id)[0]
    demo_store.save_goal(patient.id, Goal(Discipline.PT, "Walk an hour", f"activity/{walk.id}", 9, "higher"))
    second = tmp_path / "v2.rtbundle"
    export_bundle(demo_store, patient.id, second)

    assert import_bundle(other, second) == pid
    assert [p.display_name for p in other.patients(True)] == ["Margaret D."]
    assert _history(other, pid) == _history(demo_store, patient.id)
    assert import_bundle(other, second) == pid
    assert _history(other, pid) == _history(demo_store, patient.id)
    other.close()


def test_a_bad_bundle_imports_nothing(demo_store, tmp_path: Path) -> None:
    [patient] = demo_store.patients()
    out = tmp_path / "p.rtbundle"
    export_bundle(demo_store, patient.id, out)
    data = json.loads(out.read_text())
    data["entries"][-1]["values"]["pain"] = 14
    out.write_text(json.dumps(data))
    other = open_store(tmp_path / "other")
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


def test_bundle_from_the_command_line(tmp_path: Path) -> None:
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
    for path in (bundle, renamed):
        out = run("--data-dir", str(tmp_path / "data"), "import", str(path))
        assert out.returncode == 0, out.stderr
        assert "Imported Margaret Demo's history" in out.stdout
    store = open_store(tmp_path / "data")
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
    offsets = draw(st.sets(st.integers(0, 520), min_size=1, max_size=6))
    return [draw(_entry(date(2020, 1, 6) + timedelta(weeks=o))) for o in sorted(offsets)]


def _saved(entries: list[WeeklyEntry]) -> tuple[Store, int, tempfile.TemporaryDirectory[str]]:
    tmp = tempfile.TemporaryDirectory()
    store = open_store(Path(tmp.name) / "source")
    patient = store.save_patient(Patient("Prop Test"))
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


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(_entries())
def test_any_valid_entries_survive_csv_export_and_import(entries: list[WeeklyEntry]) -> None:
    store, pid, tmp = _saved(entries)
    with tmp:
        out = Path(tmp.name) / "out.csv"
        export_csv(store, out, [pid])
        other = open_store(Path(tmp.name) / "target")
        import_csv(other, out)
        [copy] = other.patients()
        assert copy.id is not None
        assert _history(other, copy.id)["entries"] == _history(store, pid)["entries"]
        other.close()
        store.close()


@PROPERTY
@given(_entries())
def test_any_valid_entries_survive_bundle_export_and_import(entries: list[WeeklyEntry]) -> None:
    store, pid, tmp = _saved(entries)
    with tmp:
        out = Path(tmp.name) / "p.rtbundle"
        export_bundle(store, pid, out)
        other = open_store(Path(tmp.name) / "target")
        copy = import_bundle(other, out)
        assert _history(other, copy) == _history(store, pid)
        other.close()
        store.close()
