"""The Store facade on a real SQLite file and a real PostgreSQL database (``place``, see
tests/storage/conftest.py): round trips, one entry per week, bad input writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from places import Place
from sqlalchemy.exc import IntegrityError

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.model import Activity, ActivityRating, Discipline, Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.engine import APPLICATION_ID
from rehabtrack.storage.store import open_store

MONDAY = date(2025, 3, 3)


def test_entry_round_trips_through_the_database(store, place: Place) -> None:
    patient = store.save_patient(Patient("Ann Lee", "Stroke", "Left hand", date(2025, 1, 6)))
    walk = store.save_activity(patient.id, Activity("Walk to the shop", Discipline.PT))
    entry = WeeklyEntry(
        MONDAY,
        {"pain": 4, "sleep_hours": 6.5, "exercise_days_done": 3, "exercise_days_prescribed": 5},
        (RomReading("wrist", Side.LEFT, "extension", 40),),
        (ActivityRating(walk.id, 6, 15),),
        "Better week",
    )
    store.save_entry(patient.id, entry)
    store.close()

    reopened = place.open()
    [loaded] = reopened.entries(patient.id)
    assert loaded.week == MONDAY
    assert loaded.values == entry.values
    assert loaded.rom == entry.rom
    assert loaded.activities == entry.activities
    assert loaded.notes == "Better week"
    assert loaded.adherence == 60.0


def test_saving_the_same_week_again_replaces_it(store, place: Place) -> None:
    patient = store.save_patient(Patient("Ann"))
    store.save_entry(patient.id, WeeklyEntry(MONDAY, {"pain": 5}))
    store.save_entry(patient.id, WeeklyEntry(MONDAY, {"pain": 3}))
    assert [e.values for e in store.entries(patient.id)] == [{"pain": 3}]
    assert place.count("weekly_entry") == 1


@pytest.mark.parametrize("marker", WEEKLY_MARKERS, ids=lambda m: m.key)
def test_out_of_range_value_is_refused_and_nothing_written(store, place: Place, marker) -> None:  # type: ignore[no-untyped-def]
    patient = store.save_patient(Patient("Ann"))
    for bad in (marker.low - 1, marker.high + 1):
        with pytest.raises(InvalidInput) as caught:
            store.save_entry(patient.id, WeeklyEntry(MONDAY, {marker.key: bad}))
        [problem] = caught.value.problems
        assert problem.field == marker.key
        assert marker.label in problem.message
        assert f"{marker.low:g} to {marker.high:g}" in problem.message
    assert place.count("weekly_entry") == 0


def test_impossible_rom_is_refused_with_the_joint_limits(store, place: Place) -> None:
    patient = store.save_patient(Patient("Ann"))
    with pytest.raises(InvalidInput, match=r"Right knee flexion must be from 0 to 160°"):
        store.save_entry(
            patient.id, WeeklyEntry(MONDAY, rom=(RomReading("knee", Side.RIGHT, "flexion", 400),))
        )
    assert place.count("weekly_entry") == 0
    assert place.count("rom_measurement") == 0


def test_an_entry_must_be_filed_under_a_monday(store) -> None:
    patient = store.save_patient(Patient("Ann"))
    with pytest.raises(InvalidInput, match="Monday"):
        store.save_entry(patient.id, WeeklyEntry(date(2025, 3, 5), {"pain": 2}))


def test_schema_refuses_what_core_refuses_even_from_a_buggy_caller(store) -> None:
    patient = store.save_patient(Patient("Ann"))
    insert = sa.text(
        "INSERT INTO weekly_entry (patient_id, week, pain, notes, updated_at) "
        "VALUES (:patient, :week, :pain, '', CURRENT_TIMESTAMP)"
    )
    row = {"patient": patient.id, "week": MONDAY}
    with pytest.raises(IntegrityError, match="ck_pain_range"), store.engine.begin() as conn:
        conn.execute(insert, {**row, "pain": 11})
    with store.engine.begin() as conn:
        conn.execute(insert, {**row, "pain": 4})
    with pytest.raises(IntegrityError, match="(?i)unique"), store.engine.begin() as conn:
        conn.execute(insert, {**row, "pain": 5})


def test_deleting_returns_the_entry_for_undo(store) -> None:
    patient = store.save_patient(Patient("Ann"))
    store.save_entry(patient.id, WeeklyEntry(MONDAY, {"pain": 5}, notes="x"))
    deleted = store.delete_entry(patient.id, MONDAY)
    assert deleted is not None and deleted.values == {"pain": 5}
    assert store.entries(patient.id) == []
    store.save_entry(patient.id, deleted)
    assert store.entries(patient.id)[0].notes == "x"


def test_database_file_is_wal_with_foreign_keys_and_marked_as_ours(data_dir: Path) -> None:
    store = open_store(data_dir)  # SQLite's own settings: the file only
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
    patient = store.save_patient(Patient("Ann"))
    with store.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.exec_driver_sql(
            "INSERT INTO activity (patient_id, name, discipline, archived, position) "
            "VALUES (999, 'x', 'PT', 0, 0)"
        )
    assert patient.id is not None
    store.close()


@pytest.mark.postgres
def test_server_database_is_marked_as_ours_with_foreign_keys_and_timestamps_with_time_zone(
    postgres_url: str,
) -> None:
    from rehabtrack.storage.server import MARK
    from rehabtrack.storage.store import open_server

    store = open_server(postgres_url)
    with store.engine.connect() as conn:
        mark = "SELECT obj_description('alembic_version'::regclass, 'pg_class')"
        assert conn.exec_driver_sql(mark).scalar() == MARK
        types = conn.exec_driver_sql(
            "SELECT DISTINCT data_type FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name IN ('created_at', 'updated_at')"
        )
        assert types.scalars().all() == ["timestamp with time zone"]
    with store.engine.begin() as conn, pytest.raises(IntegrityError, match="foreign key"):
        conn.exec_driver_sql(
            "INSERT INTO activity (patient_id, name, discipline, archived, position) "
            "VALUES (999, 'x', 'PT', false, 0)"
        )
    saved = store.save_patient(Patient("Ann"))
    assert saved.created_at is not None and saved.created_at.utcoffset() is not None
    store.close()


def test_patient_without_a_name_is_refused(store) -> None:
    with pytest.raises(InvalidInput, match="Name is required"):
        store.save_patient(Patient("   "))
    assert store.patients() == []


def test_demo_patient_is_realistic(demo) -> None:
    demo_store = demo
    [patient] = demo_store.patients()
    entries = demo_store.entries(patient.id)
    goals = demo_store.goals(patient.id)
    assert 20 <= len(entries) <= 26
    assert {g.discipline for g in goals} == {Discipline.PT, Discipline.OT}
    assert 4 <= len(demo_store.activities(patient.id)) <= 6
    assert len({r.series_key for e in entries for r in e.rom}) >= 3
    assert len(demo_store.events(patient.id)) >= 3
    pains = [e.values["pain"] for e in entries]
    assert sum(pains[:4]) / 4 - sum(pains[-4:]) / 4 >= 2  # real improvement over the 26 weeks
    assert max(pains[10:16]) > pains[9]  # the flare-up setback
