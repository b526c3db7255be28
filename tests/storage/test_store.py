"""The Store facade on a real SQLite file: round trips, one entry per week, bad input writes nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.model import Activity, ActivityRating, Discipline, Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.engine import APPLICATION_ID
from rehabtrack.storage.store import DATABASE_NAME, open_store

MONDAY = date(2025, 3, 3)


@pytest.fixture
def store(data_dir: Path):  # type: ignore[no-untyped-def]
    store = open_store(data_dir)
    yield store
    store.close()


def _count(data_dir: Path, table: str) -> int:
    with sqlite3.connect(data_dir / DATABASE_NAME) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_entry_round_trips_through_the_file(store, data_dir: Path) -> None:
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

    reopened = open_store(data_dir)
    [loaded] = reopened.entries(patient.id)
    assert loaded.week == MONDAY
    assert loaded.values == entry.values
    assert loaded.rom == entry.rom
    assert loaded.activities == entry.activities
    assert loaded.notes == "Better week"
    assert loaded.adherence == 60.0


def test_saving_the_same_week_again_replaces_it(store, data_dir: Path) -> None:
    patient = store.save_patient(Patient("Ann"))
    store.save_entry(patient.id, WeeklyEntry(MONDAY, {"pain": 5}))
    store.save_entry(patient.id, WeeklyEntry(MONDAY, {"pain": 3}))
    assert [e.values for e in store.entries(patient.id)] == [{"pain": 3}]
    assert _count(data_dir, "weekly_entry") == 1


@pytest.mark.parametrize("marker", WEEKLY_MARKERS, ids=lambda m: m.key)
def test_out_of_range_value_is_refused_and_nothing_written(store, data_dir: Path, marker) -> None:  # type: ignore[no-untyped-def]
    patient = store.save_patient(Patient("Ann"))
    for bad in (marker.low - 1, marker.high + 1):
        with pytest.raises(InvalidInput) as caught:
            store.save_entry(patient.id, WeeklyEntry(MONDAY, {marker.key: bad}))
        [problem] = caught.value.problems
        assert problem.field == marker.key
        assert marker.label in problem.message
        assert f"{marker.low:g} to {marker.high:g}" in problem.message
    assert _count(data_dir, "weekly_entry") == 0


def test_impossible_rom_is_refused_with_the_joint_limits(store, data_dir: Path) -> None:
    patient = store.save_patient(Patient("Ann"))
    with pytest.raises(InvalidInput, match=r"Right knee flexion must be from 0 to 160°"):
        store.save_entry(
            patient.id, WeeklyEntry(MONDAY, rom=(RomReading("knee", Side.RIGHT, "flexion", 400),))
        )
    assert _count(data_dir, "weekly_entry") == 0
    assert _count(data_dir, "rom_measurement") == 0


def test_an_entry_must_be_filed_under_a_monday(store) -> None:
    patient = store.save_patient(Patient("Ann"))
    with pytest.raises(InvalidInput, match="Monday"):
        store.save_entry(patient.id, WeeklyEntry(date(2025, 3, 5), {"pain": 2}))


def test_schema_refuses_what_core_refuses_even_from_a_buggy_caller(store, data_dir: Path) -> None:
    patient = store.save_patient(Patient("Ann"))
    conn = sqlite3.connect(data_dir / DATABASE_NAME)
    insert = (
        "INSERT INTO weekly_entry (patient_id, week, pain, notes, updated_at) "
        "VALUES (?, ?, ?, '', '2025-01-01')"
    )
    with pytest.raises(sqlite3.IntegrityError, match="ck_pain_range"):
        conn.execute(insert, (patient.id, "2025-03-03", 11))
    conn.execute(insert, (patient.id, "2025-03-03", 4))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(insert, (patient.id, "2025-03-03", 5))
    conn.close()


def test_deleting_returns_the_entry_for_undo(store) -> None:
    patient = store.save_patient(Patient("Ann"))
    store.save_entry(patient.id, WeeklyEntry(MONDAY, {"pain": 5}, notes="x"))
    deleted = store.delete_entry(patient.id, MONDAY)
    assert deleted is not None and deleted.values == {"pain": 5}
    assert store.entries(patient.id) == []
    store.save_entry(patient.id, deleted)
    assert store.entries(patient.id)[0].notes == "x"


def test_database_is_wal_with_foreign_keys_and_marked_as_ours(store, data_dir: Path) -> None:
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


def test_patient_without_a_name_is_refused(store) -> None:
    with pytest.raises(InvalidInput, match="Name is required"):
        store.save_patient(Patient("   "))
    assert store.patients() == []


def test_demo_patient_is_realistic(demo_store) -> None:
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
