"""A patient logs at home in their own copy (an SQLite file) and brings it to the clinic as a bundle: the
clinic's database (PostgreSQL, and an SQLite file alike) takes it through the conflict-listing merge,
matched by the patient's uid, never by name; a therapist's edit is never overwritten unasked."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from places import Place

from rehabtrack.core.model import (
    Activity,
    ActivityRating,
    Direction,
    Discipline,
    Event,
    EventKind,
    Goal,
    Patient,
    WeeklyEntry,
)
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.storage.bundle import export_bundle, import_bundle
from rehabtrack.storage.store import Store, open_store

FIRST = date(2026, 9, 7)  # a Monday
NAME = "Carl Jensen"
TABLES = ("patient", "activity", "weekly_entry", "rom_measurement", "activity_rating", "goal", "event")


def week(n: int) -> date:
    return FIRST + timedelta(weeks=n)


def carls_week(n: int, walk_id: int) -> WeeklyEntry:
    return WeeklyEntry(
        week(n),
        {"pain": 6 - n % 3, "stiffness_minutes": 30 - n, "sleep_hours": 6.5},
        (RomReading("knee", Side.RIGHT, "flexion", 90 + 2 * n),),
        (ActivityRating(walk_id, min(10, 3 + n // 2), 10 + n),),
        f"Home week {n}",
    )


@pytest.fixture
def home(tmp_path: Path) -> Store:
    """Carl's own copy on his laptop: 8 weeks, a walking activity, a goal and an event."""
    store = open_store(tmp_path / "home")
    carl = store.save_patient(Patient(NAME, "Total knee replacement", "Right knee", FIRST))
    assert carl.id is not None
    walk = store.save_activity(carl.id, Activity("Walk outdoors", Discipline.PT))
    assert walk.id is not None
    store.save_entries(carl.id, [carls_week(n, walk.id) for n in range(8)])
    store.save_goal(
        carl.id, Goal(Discipline.PT, "Bend past 115°", "rom/knee/right/flexion/active", 115, Direction.HIGHER)
    )
    store.save_event(carl.id, Event(FIRST - timedelta(days=3), EventKind.SURGERY, "Knee replaced"))
    yield store
    store.close()


@pytest.fixture
def clinic(place: Place) -> Store:
    """The clinic's database: other patients, one of them another Carl Jensen (a different person)."""
    store = place.open()
    for name in ("Ann Lee", NAME):
        other = store.save_patient(Patient(name, "Hip", "Left hip", date(2026, 8, 3)))
        assert other.id is not None
        store.save_entry(other.id, WeeklyEntry(week(0), {"pain": 2}))
    return store


def carl(store: Store) -> int:
    """Carl's id at home (his only patient)."""
    [patient] = store.patients()
    assert patient.id is not None
    return patient.id


def counts(place: Place) -> dict[str, int]:
    return {table: place.count(table) for table in TABLES}


def the_namesake(clinic: Store, carl_id: int) -> list[WeeklyEntry]:
    [namesake] = [p for p in clinic.patients(search=NAME) if p.id != carl_id]
    assert namesake.id is not None
    return clinic.entries(namesake.id)


def test_a_home_bundle_adds_the_new_weeks_to_the_patient_it_came_from(
    home: Store, clinic: Store, place: Place, tmp_path: Path
) -> None:
    first = tmp_path / "carl-1.rtbundle"
    export_bundle(home, carl(home), first)
    report = import_bundle(clinic, first)
    [outcome] = report.patients
    assert outcome.new and outcome.weeks_added == 8 and report.conflicts == []
    carl_id = report.patient_id
    assert carl_id is not None
    assert len(clinic.patients(search=NAME)) == 2  # a new patient: the other Carl is someone else
    assert [e.values for e in the_namesake(clinic, carl_id)] == [{"pain": 2}]

    # At the clinic the therapist spells his name out; at home Carl logs two more weeks.
    at_clinic = clinic.patient(carl_id)
    clinic.save_patient(replace(at_clinic, display_name="Carl B. Jensen"))
    walk = home.activities(carl(home))[0]
    assert walk.id is not None
    home.save_entries(carl(home), [carls_week(n, walk.id) for n in (8, 9)])
    second = tmp_path / "carl-2.rtbundle"
    export_bundle(home, carl(home), second)
    report = import_bundle(clinic, second)

    [outcome] = report.patients
    assert report.patient_id == carl_id  # matched by uid, though the names now differ
    assert (outcome.new, outcome.weeks_added, outcome.weeks_same, outcome.weeks_updated) == (False, 2, 8, 0)
    assert [(c.where, c.what) for c in report.conflicts] == [("profile", "name")]
    assert clinic.patient(carl_id).display_name == "Carl B. Jensen"  # the clinic's spelling kept
    assert [e.week for e in clinic.entries(carl_id)] == [week(n) for n in range(10)]
    assert clinic.entries(carl_id)[-1].notes == "Home week 9"
    assert [e.values for e in the_namesake(clinic, carl_id)] == [{"pain": 2}]


def test_the_same_home_bundle_twice_doubles_nothing(
    home: Store, clinic: Store, place: Place, tmp_path: Path
) -> None:
    bundle = tmp_path / "carl.rtbundle"
    export_bundle(home, carl(home), bundle)
    carl_id = import_bundle(clinic, bundle).patient_id
    before = counts(place)
    assert before["weekly_entry"] == 8 + 2 and before["patient"] == 3

    again = import_bundle(clinic, bundle)
    assert (again.patient_id, again.changed, again.conflicts) == (carl_id, False, [])
    [outcome] = again.patients
    assert (outcome.weeks_added, outcome.weeks_same, dict(outcome.added)) == (0, 8, {})
    assert counts(place) == before


def test_a_week_the_therapist_changed_is_listed_as_a_conflict_and_the_stored_value_kept(
    home: Store, clinic: Store, place: Place, tmp_path: Path
) -> None:
    bundle = tmp_path / "carl-1.rtbundle"
    export_bundle(home, carl(home), bundle)
    carl_id = import_bundle(clinic, bundle).patient_id
    assert carl_id is not None
    # In the session the therapist measures the knee again and corrects week 3's pain and flexion.
    stored = clinic.entry(carl_id, week(3))
    assert stored is not None
    measured = RomReading("knee", Side.RIGHT, "flexion", 104)
    clinic.save_entry(carl_id, replace(stored, values={**stored.values, "pain": 2}, rom=(measured,)))
    goal = clinic.goals(carl_id)[0]
    clinic.save_goal(carl_id, replace(goal, target=120))
    # Carl, who never saw that, logs a new week at home and brings his copy again.
    walk = home.activities(carl(home))[0]
    assert walk.id is not None
    home.save_entry(carl(home), carls_week(8, walk.id))
    again = tmp_path / "carl-2.rtbundle"
    export_bundle(home, carl(home), again)

    report = import_bundle(clinic, again)
    where = f"week of {week(3).isoformat()}"
    assert {(c.where, c.what, c.stored, c.imported) for c in report.conflicts} == {
        (where, "Pain (weekly average)", "2", "6"),
        (where, "Right knee flexion", "104", "96"),
        ("goal 'Bend past 115°'", "target", "120", "115"),
    }
    after = clinic.entry(carl_id, week(3))
    assert after is not None
    assert (after.values["pain"], after.rom) == (2, (measured,))  # the therapist's values kept
    assert clinic.goals(carl_id)[0].target == 120
    assert clinic.entry(carl_id, week(8)) is not None  # what was new came in all the same
    assert report.backup is None if place.kind == "postgres" else report.backup is not None


def test_the_command_line_brings_a_home_copy_into_the_clinic_database(
    home: Store, clinic: Store, place: Place, tmp_path: Path
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rehabtrack", *args], capture_output=True, text=True, timeout=120
        )

    bundle = tmp_path / "carl.rtbundle"
    export_bundle(home, carl(home), bundle)
    clinic.close()  # on an SQLite file the command waits for no one: the records must be closed
    out = run("import", str(bundle), *place.option())  # the option after the command, as typed
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == [
        f"Imported {NAME}'s history from {bundle}.",
        f"{NAME} (new patient): 8 weeks added, 1 activity added, 1 goal added, 1 event added.",
    ]
    clinic = place.open()
    [carl_id] = [p.id for p in clinic.patients(search=NAME) if clinic.entries(p.id or 0)[0].notes]
    assert carl_id is not None
    stored = clinic.entry(carl_id, week(5))
    assert stored is not None and stored.values["pain"] == 4
    clinic.save_entry(carl_id, replace(stored, values={**stored.values, "pain": 1}))
    clinic.close()

    out = run(*place.option(), "import", str(bundle))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"Nothing new in {bundle}: all of it is stored already."
    assert f"  week of {week(5).isoformat()}, Pain (weekly average): stored 1, in the file 4" in lines
    assert lines[-1].startswith("The stored values were kept.")
    assert out.stderr == ""
    clinic = place.open()
    assert clinic.entry(carl_id, week(5)).values["pain"] == 1  # type: ignore[union-attr]
    assert place.count("weekly_entry") == 8 + 2


@pytest.mark.postgres
def test_two_therapists_bringing_the_same_home_copy_in_at_once_make_one_patient(
    home: Store,
    postgres_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Carl mailed his bundle to both his therapists (one care team), who import it at the same moment,
    each logged in as themselves (over TCP with a password, as tests/storage/test_clinic_security.py
    does): the second import waits for the first, then merges into the patient it created; nothing
    fails, nothing is doubled."""
    import threading
    import uuid

    import psycopg

    from rehabtrack.cli import main
    from rehabtrack.core.imports import ImportReport
    from rehabtrack.storage.bundle import read_bundle
    from rehabtrack.storage.store import open_server

    database = postgres_url.rsplit("/", 1)[1]
    tag = uuid.uuid4().hex[:8]
    names = [f"rt_{tag}_priya", f"rt_{tag}_dana"]
    passwords = []
    assert main(["clinic", "add-team", "Knee clinic", "--database", postgres_url]) == 0
    for name in names:
        assert (
            main(["clinic", "add-therapist", name, "--team", "Knee clinic", "--database", postgres_url]) == 0
        )
        passwords.append(capsys.readouterr().out.rsplit(": ", 1)[1].strip())
    bundle = tmp_path / "carl.rtbundle"
    export_bundle(home, carl(home), bundle)
    priya = psycopg.connect(host="127.0.0.1", dbname=database, user=names[0], password=passwords[0])
    monkeypatch.setenv("PGPASSWORD", passwords[1])
    dana = open_server(f"postgresql://{names[1]}@127.0.0.1/{database}")
    try:
        # Priya's import has added Carl and not yet committed.
        priya.execute(
            "INSERT INTO patient (display_name, condition, affected_side, pt_clinician, ot_clinician, "
            "archived, created_at, updated_at, uid) VALUES (%s, '', '', '', '', false, now(), now(), %s)",
            (NAME, read_bundle(bundle).uid),
        )
        done: list[ImportReport | BaseException] = []

        def danas_import() -> None:
            try:
                done.append(import_bundle(dana, bundle))
            except BaseException as exc:  # shown by the assertion below
                done.append(exc)

        thread = threading.Thread(target=danas_import)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive()  # waiting for Priya's import
        priya.commit()
        thread.join(30)
        [report] = done
        assert isinstance(report, ImportReport), report
        [outcome] = report.patients
        assert (outcome.new, outcome.weeks_added, report.conflicts) == (False, 8, [])
        assert [p.display_name for p in dana.patients()] == [NAME]
        assert len(dana.entries(report.patient_id or 0)) == 8
    finally:
        priya.close()
        dana.close()
        with psycopg.connect("dbname=postgres", autocommit=True) as admin:
            for name in names:  # what a failed assertion left connected, then the login
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,)
                )
                admin.execute(f'DROP ROLE IF EXISTS "{name}"')
