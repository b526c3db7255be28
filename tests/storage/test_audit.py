"""Who changed what: every write to a patient table leaves its audit rows (who, when, which row, the values
before and after), on an SQLite file and on PostgreSQL, in the write's own transaction."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from places import Place

from rehabtrack.core.history import AuditEntry
from rehabtrack.core.imports import History
from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import MeasureResult
from rehabtrack.core.measures import CopmProblem
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
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.store import Store

MONDAY = date(2025, 3, 3)


@pytest.fixture
def actor(place: Place, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name the audit record gives whoever writes: the login name on SQLite (set here for the test),
    the database login on PostgreSQL."""
    if place.kind == "sqlite":
        monkeypatch.setenv("LOGNAME", "priya")
        return "priya"
    return str(_scalar(place, "SELECT session_user"))


def _scalar(place: Place, sql: str) -> Any:
    engine = sa.create_engine(place._engine_url("data"))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


class Record:
    """The audit rows a step of a test added (oldest first)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen = 0

    def new(self, patient_id: int) -> list[AuditEntry]:
        rows = [a for a in self.store.audit_entries(patient_id) if (a.id or 0) > self.seen]
        self.seen = max([self.seen] + [a.id or 0 for a in rows])
        return list(reversed(rows))

    def kinds(self, patient_id: int) -> Counter[tuple[str, str]]:
        return Counter((a.table, a.action) for a in self.new(patient_id))


def test_each_kind_of_write_leaves_its_audit_rows(actor: str, store: Store) -> None:
    record = Record(store)
    before = datetime.now(UTC) - timedelta(seconds=1)
    patient = store.save_patient(Patient("Ann Lee", "Knee replacement"))
    pid = patient.id
    assert pid is not None
    [added] = record.new(pid)
    assert (added.table, added.action, added.row_id, added.patient_id) == ("patient", "insert", pid, pid)
    assert added.actor == actor
    assert before <= added.at <= datetime.now(UTC) + timedelta(seconds=1)
    assert added.old is None and added.new is not None and added.new["display_name"] == "Ann Lee"

    store.save_patient(Patient("Ann Leigh", "Knee replacement", id=pid))
    [renamed] = record.new(pid)
    assert renamed.action == "update"
    assert renamed.old is not None and renamed.new is not None
    assert (renamed.old["display_name"], renamed.new["display_name"]) == ("Ann Lee", "Ann Leigh")

    walk = store.save_activity(pid, Activity("Walk to the shop", Discipline.PT))
    assert record.kinds(pid) == {("activity", "insert"): 1}

    rom = (RomReading("knee", Side.LEFT, "flexion", 95),)
    store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 6}, rom, (ActivityRating(walk.id, 4),)))
    assert record.kinds(pid) == {
        ("weekly_entry", "insert"): 1,
        ("rom_measurement", "insert"): 1,
        ("activity_rating", "insert"): 1,
    }
    store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 4}, rom, (ActivityRating(walk.id, 5),)))
    rows = record.new(pid)
    [week] = [a for a in rows if a.table == "weekly_entry"]
    assert week.action == "update"
    assert week.old is not None and week.new is not None
    assert (week.old["pain"], week.new["pain"]) == (6, 4)
    ratings = {a.action: a for a in rows if a.table == "activity_rating"}
    assert ratings["delete"].old is not None and ratings["delete"].old["rating"] == 4
    assert ratings["insert"].new is not None and ratings["insert"].new["rating"] == 5

    goal = store.save_goal(
        pid, Goal(Discipline.PT, "Bend the knee", "rom/knee/left/flexion/active", 115, Direction.HIGHER)
    )
    assert record.kinds(pid) == {("goal", "insert"): 1}
    store.save_goal(
        pid,
        Goal(
            Discipline.PT, "Bend the knee", "rom/knee/left/flexion/active", 120, Direction.HIGHER, id=goal.id
        ),
    )
    [changed] = record.new(pid)
    assert (changed.table, changed.action, changed.row_id) == ("goal", "update", goal.id)
    assert changed.old is not None and changed.new is not None
    assert (changed.old["target"], changed.new["target"]) == (115, 120)

    event = store.save_event(pid, Event(MONDAY, EventKind.CLINICIAN_NOTE, "started step-ups"))
    assert record.kinds(pid) == {("event", "insert"): 1}
    store.delete_event(event.id or 0)
    [gone] = record.new(pid)
    assert (gone.action, gone.new) == ("delete", None)
    assert gone.old is not None and gone.old["text"] == "started step-ups"

    copm = MeasureResult(
        "COPM", MONDAY, copm=(CopmProblem("Dressing", 8, 4, 3), CopmProblem("Cooking", 6, 5, 5))
    )
    result = store.save_measure(pid, copm)
    assert record.kinds(pid) == {("measure_result", "insert"): 1, ("measure_item", "insert"): 2}
    store.delete_measure(result.id or 0)
    assert record.kinds(pid) == {("measure_result", "delete"): 1, ("measure_item", "delete"): 2}

    store.save_thresholds(pid, {"sleep_hours": 3.0})
    assert record.kinds(pid) == {("patient_threshold", "insert"): 1}
    store.save_maintenance(pid, MaintenancePlan(MONDAY, 2, MONDAY))
    assert record.kinds(pid) == {("patient", "update"): 1}

    store.delete_entry(pid, MONDAY)  # the week's readings and ratings go with it
    assert record.kinds(pid) == {
        ("weekly_entry", "delete"): 1,
        ("rom_measurement", "delete"): 1,
        ("activity_rating", "delete"): 1,
    }
    store.delete_goal(goal.id or 0)
    assert record.kinds(pid) == {("goal", "delete"): 1}
    store.delete_activity(walk.id or 0)
    assert record.kinds(pid) == {("activity", "delete"): 1}

    report = store.import_histories(
        [History(Patient("Ann Leigh"), entries=[WeeklyEntry(MONDAY + timedelta(weeks=1), {"pain": 3})])]
    )
    assert report.changed
    assert record.kinds(pid) == {("weekly_entry", "insert"): 1}
    assert {a.actor for a in store.audit_entries(pid)} == {actor}


def test_every_patient_table_is_audited(store: Store, place: Place, today: date) -> None:
    """Every table holding a patient's rows (found in the database itself, not in the code that makes the
    triggers) records its inserts, updates and deletes, hand-written SQL on the app's connection too."""
    from rehabtrack.storage.demo import seed_demo

    seed_demo(store, today)
    [patient] = store.patients()
    pid = patient.id
    store.save_thresholds(pid or 0, {"sleep_hours": 3.0})
    with store.engine.begin() as conn:
        tables = [
            name
            for name in sa.inspect(conn).get_table_names()
            if name != "audit_entry"
            and (name == "patient" or "patient_id" in {c["name"] for c in sa.inspect(conn).get_columns(name)})
        ]
        conn.execute(sa.text("INSERT INTO care_team (name) VALUES ('Knee team')"))
        conn.execute(
            sa.text("INSERT INTO patient_care_team (patient_id, team_id) SELECT :pid, id FROM care_team"),
            {"pid": pid},
        )
        rows = {
            name: int(conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()) for name in tables
        }
    assert len(tables) >= 11
    assert all(rows.values()), f"the demo patient has no rows in {[t for t, n in rows.items() if not n]}"
    inserted = Counter(a.table for a in store.audit_entries(pid or 0) if a.action == "insert")
    assert inserted == rows

    with store.engine.begin() as conn:  # hand-written SQL; every other row goes with the patient
        conn.execute(sa.text("DELETE FROM patient WHERE id = :pid"), {"pid": pid})
    deleted = Counter(a.table for a in store.audit_entries(pid or 0) if a.action == "delete")
    assert deleted == rows


def test_an_update_that_changes_nothing_is_not_recorded(store: Store) -> None:
    patient = store.save_patient(Patient("Ann"))
    goal = store.save_goal(patient.id or 0, Goal(Discipline.PT, "Less pain", "pain", 2, Direction.LOWER))
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE goal SET target = 2"))
    assert [(a.table, a.action) for a in store.audit_entries(patient.id or 0)] == [
        ("goal", "insert"),
        ("patient", "insert"),
    ]
    assert goal.id is not None


def test_a_change_rolled_back_leaves_no_audit_row(store: Store, place: Place) -> None:
    patient = store.save_patient(Patient("Ann"))
    pid = patient.id or 0
    store.save_goal(pid, Goal(Discipline.PT, "Less pain", "pain", 2, Direction.LOWER))
    with store.engine.connect() as conn:
        trans = conn.begin()
        conn.execute(sa.text("UPDATE goal SET target = 1"))
        inside = conn.execute(
            sa.text("SELECT count(*) FROM audit_entry WHERE action = 'update'")
        ).scalar_one()
        trans.rollback()
    assert inside == 1  # written in the change's own transaction...
    assert place.count("audit_entry") == 2  # ...and gone with it
    with pytest.raises(InvalidInput):
        store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 11}))
    store.import_histories(
        [History(Patient("Ann"), entries=[WeeklyEntry(MONDAY, {"pain": 3})])], dry_run=True
    )
    assert place.count("audit_entry") == 2
    assert [g.target for g in store.goals(pid)] == [2]


def test_the_record_is_read_newest_first_a_page_at_a_time(store: Store) -> None:
    patient = store.save_patient(Patient("Ann"))
    pid = patient.id or 0
    for week in range(5):
        store.save_entry(pid, WeeklyEntry(MONDAY + timedelta(weeks=week), {"pain": week}))
    other = store.save_patient(Patient("Bob"))
    store.save_entry(other.id or 0, WeeklyEntry(MONDAY, {"pain": 1}))
    first = store.audit_entries(pid, limit=4)
    assert [a.new["pain"] for a in first if a.new] == [4, 3, 2, 1]
    rest = store.audit_entries(pid, limit=4, before=first[-1].id)
    assert [(a.table, a.new["pain"] if a.table == "weekly_entry" and a.new else None) for a in rest] == [
        ("weekly_entry", 0),
        ("patient", None),
    ]
    assert {a.patient_id for a in first + rest} == {pid}


# PostgreSQL: the trigger records every write, whoever makes it -------------------------------------


@pytest.fixture
def therapist(postgres_url: str) -> Iterator[tuple[str, str]]:
    """A therapist's login role on the test server (name, libpq connection string over TCP with a
    password), with a therapist's rights (storage.clinic_roles: the patient tables of its care team's
    patients, none to write the audit record) and a care team of its own; dropped afterwards."""
    import psycopg

    from rehabtrack.storage.audit import patient_tables

    name = f"rehabtrack_test_sam_{uuid.uuid4().hex[:8]}"
    secret = uuid.uuid4().hex
    database = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(f"dbname={database}", autocommit=True) as admin:
        admin.execute(
            f"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE rehabtrack_therapist "
            f"PASSWORD '{secret}'"
        )
        admin.execute(
            "WITH team AS (INSERT INTO care_team (name) VALUES (%s) RETURNING id) "
            "INSERT INTO care_team_member (team_id, therapist) SELECT id, %s FROM team",
            (name, name),
        )
        for table in patient_tables():
            admin.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{table.name}" TO {name}')
        admin.execute(f"GRANT SELECT ON audit_entry TO {name}")
        admin.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}")
        try:
            yield name, f"host=127.0.0.1 dbname={database} user={name} password={secret}"
        finally:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,)
            )
            admin.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
            admin.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}")
            admin.execute(f"DROP ROLE {name}")


@pytest.mark.postgres
def test_hand_written_sql_on_the_server_is_recorded_under_the_therapists_login(
    postgres_url: str, therapist: tuple[str, str]
) -> None:
    import psycopg

    from rehabtrack.storage.store import open_server

    store = open_server(postgres_url)
    try:
        patient = store.save_patient(Patient("Carl"))
        pid = patient.id or 0
        store.save_goal(
            pid, Goal(Discipline.PT, "Bend the knee", "rom/knee/left/flexion/active", 115, Direction.HIGHER)
        )
        name, dsn = therapist
        with store.engine.begin() as admin:  # the patient joins the therapist's care team
            admin.exec_driver_sql(
                "INSERT INTO patient_care_team (patient_id, team_id) "
                "SELECT %s, team_id FROM care_team_member WHERE therapist = %s",
                (pid, name),
            )
        with psycopg.connect(dsn) as conn:
            conn.execute("SET ROLE NONE")
            conn.execute("UPDATE goal SET target = 120")
        [change, *_] = store.audit_entries(pid)
        assert (change.table, change.action, change.actor) == ("goal", "update", name)
        assert change.old is not None and change.new is not None
        assert (change.old["target"], change.new["target"]) == (115, 120)
        assert datetime.now(UTC) - change.at < timedelta(minutes=1)

        for sql in (
            "INSERT INTO audit_entry (at, actor, table_name, action) "
            "VALUES (now(), 'priya', 'goal', 'update')",
            "UPDATE audit_entry SET actor = 'priya'",
            "DELETE FROM audit_entry",
        ):
            with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        assert [a.actor for a in store.audit_entries(pid)][0] == name
    finally:
        store.close()


@pytest.mark.postgres
def test_db_upgrade_sets_the_triggers_up_again_without_doubling_them(postgres_url: str) -> None:
    from rehabtrack.storage.store import open_server

    open_server(postgres_url, upgrade=True).close()
    store = open_server(postgres_url, upgrade=True)
    try:
        patient = store.save_patient(Patient("Carl"))
        assert [(a.table, a.action) for a in store.audit_entries(patient.id or 0)] == [("patient", "insert")]
    finally:
        store.close()


def test_the_rows_of_one_save_share_its_time_and_the_next_save_has_its_own(store: Store) -> None:
    """The history tells one save from the next by the time its rows share (a transaction's start)."""
    patient = store.save_patient(Patient("Ann"))
    pid = patient.id or 0
    rom = (RomReading("knee", Side.LEFT, "flexion", 95), RomReading("knee", Side.LEFT, "extension", -5))
    store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 6}, rom))
    store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 4}, rom))
    second, first, created = _saves(store.audit_entries(pid))
    assert [len(second), len(first), len(created)] == [5, 3, 1]  # 2 readings out and back in, the week


def _saves(rows: list[AuditEntry]) -> list[list[AuditEntry]]:
    saves: dict[datetime, list[AuditEntry]] = {}
    for row in rows:
        saves.setdefault(row.at, []).append(row)
    return list(saves.values())


def test_the_history_reads_the_same_from_either_database(actor: str, store: Store) -> None:
    """The sentences from the rows each database really writes (SQLite's JSON text, PostgreSQL's jsonb)."""
    from dataclasses import replace

    from rehabtrack.core.history import changes

    patient = store.save_patient(Patient("Carl"))
    pid = patient.id or 0
    walk = store.save_activity(pid, Activity("Walk to the shop", Discipline.PT))
    rom = (RomReading("knee", Side.LEFT, "flexion", 95),)
    store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 6}, rom, (ActivityRating(walk.id or 0, 4),)))
    store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 4}, rom, (ActivityRating(walk.id or 0, 4),)))
    store.save_entry(pid, WeeklyEntry(MONDAY, {"pain": 4}, rom, (ActivityRating(walk.id or 0, 4),)))
    goal = store.save_goal(
        pid, Goal(Discipline.PT, "Bend the knee", "rom/knee/left/flexion/active", 115, Direction.HIGHER)
    )
    store.save_goal(pid, replace(goal, target=120))
    store.save_activity(pid, replace(walk, archived=True))
    store.save_patient(replace(store.patient(pid), archived=True))
    store.delete_entry(pid, MONDAY)
    said = [c.what for c in changes(store.audit_entries(pid), {}, date(2025, 6, 1))]
    assert said == [
        "week of 3 Mar deleted",
        "profile: archived",
        "activity 'Walk to the shop' archived",
        "goal 'Bend the knee' target changed 115° → 120°",
        "goal 'Bend the knee' added",
        "week of 3 Mar: pain 6 → 4",
        "week of 3 Mar added",
        "activity 'Walk to the shop' added",
        "patient record of Carl created",
    ]
    assert {c.actor for c in changes(store.audit_entries(pid))} == {actor}
