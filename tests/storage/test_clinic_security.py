"""A clinic server keeps each care team's patients from every other team, in the database itself: two
therapists of different teams log in as their own roles (over TCP to 127.0.0.1 with the password
``rehabtrack clinic add-therapist`` printed, as pg_hba asks there; libpq opens that loopback connection
to the local test server itself, beside the Python sockets tests/conftest.py guards) and, with
hand-written SQL, fail to read or change each other's rows in every patient table; neither SET ROLE nor
set_config widens what they see, and a patient's uid cannot be used to probe another team.

Roles are the whole server's: each test's therapists have names of their own and are dropped after it."""

from __future__ import annotations

import shlex
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from rehabtrack.cli import main
from rehabtrack.storage import clinic_setup
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_server

pytestmark = pytest.mark.postgres


@dataclass
class Therapist:
    name: str
    password: str
    database: str

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host="127.0.0.1", dbname=self.database, user=self.name, password=self.password, autocommit=True
        )

    def url(self) -> str:
        return f"postgresql://{self.name}@127.0.0.1/{self.database}"


def _clinic(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    assert main(["clinic", *args, "--database", url]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def _fails(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    code = main(["clinic", *args, "--database", url])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


@dataclass
class Clinic:
    url: str
    database: str
    knee: Therapist
    hand: Therapist
    knee_patient: int
    hand_patient: int


@pytest.fixture
def clinic(
    postgres_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, today: date
) -> Iterator[Clinic]:
    """Two care teams with a therapist each; each therapist has entered the demo patient (every patient
    table has rows of both) through the app's own Store, logged in as themselves."""
    database = postgres_url.rsplit("/", 1)[1]
    tag = uuid.uuid4().hex[:8]
    made: list[str] = []
    therapists = []
    for team, who in (("Knee clinic", f"rt_{tag}_priya"), ("Hand therapy", f"rt_{tag}_sam")):
        _clinic(capsys, postgres_url, "add-team", team)
        said = _clinic(capsys, postgres_url, "add-therapist", who, "--team", team)
        made.append(who)
        password = said.rsplit(": ", 1)[1].strip()
        therapists.append(Therapist(who, password, database))
    patients = []
    for therapist in therapists:
        monkeypatch.setenv("PGPASSWORD", therapist.password)
        store = open_server(therapist.url())
        patient = seed_demo(store, today).id
        assert patient is not None
        store.save_thresholds(patient, {"sleep_hours": 1.0})  # the one table the demo leaves empty
        patients.append(patient)
        store.close()
    monkeypatch.delenv("PGPASSWORD")
    yield Clinic(postgres_url, database, therapists[0], therapists[1], patients[0], patients[1])
    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        for name in made:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def _patient_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Every table holding a patient's rows: ``patient`` and each with a patient_id column."""
    found = conn.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'patient_id' ORDER BY 1"
    )
    return ["patient", *(row[0] for row in found)]


def _key(table: str) -> str:
    return "id" if table == "patient" else "patient_id"


def _count(conn: psycopg.Connection[Any], table: str, patient: int) -> int:
    query = sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(
        sql.Identifier(table), sql.Identifier(_key(table))
    )
    row = conn.execute(query, (patient,)).fetchone()
    assert row is not None
    return int(row[0])


def test_every_patient_table_has_forced_row_security_and_rows_of_both_teams(clinic: Clinic) -> None:
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        tables = _patient_tables(admin)
        assert {"weekly_entry", "rom_measurement", "activity_rating", "measure_item", "audit_entry"} <= set(
            tables
        )
        unforced = admin.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' "
            "AND relname = ANY(%s) AND NOT (relrowsecurity AND relforcerowsecurity)",
            (tables,),
        ).fetchall()
        assert unforced == []
        empty = [
            t for t in tables for p in (clinic.knee_patient, clinic.hand_patient) if not _count(admin, t, p)
        ]
    # the demo fills every patient table, so each test below has rows to fail on
    assert empty == []


@pytest.mark.parametrize("direction", ["knee reads hand", "hand reads knee"])
def test_a_therapist_cannot_read_or_change_another_teams_rows_in_any_patient_table(
    clinic: Clinic, direction: str
) -> None:
    me, mine, theirs = (
        (clinic.knee, clinic.knee_patient, clinic.hand_patient)
        if direction == "knee reads hand"
        else (clinic.hand, clinic.hand_patient, clinic.knee_patient)
    )
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        tables = _patient_tables(admin)
        before = {t: _count(admin, t, theirs) for t in tables}
        their_rows = {
            t: admin.execute(
                sql.SQL("SELECT to_jsonb(t) FROM {} t WHERE {} = %s LIMIT 1").format(
                    sql.Identifier(t), sql.Identifier(_key(t))
                ),
                (theirs,),
            ).fetchone()
            for t in tables
        }
    with me.connect() as conn:
        for table in tables:
            name, key = sql.Identifier(table), sql.Identifier(_key(table))
            assert _count(conn, table, mine) > 0, f"{table}: my own rows are hidden"
            assert _count(conn, table, theirs) == 0, f"{table}: another team's rows are visible"
            assert conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone() == (
                _count(conn, table, mine),
            )
            if table in ("patient_care_team", "audit_entry"):  # read-only for therapists
                for change in (
                    sql.SQL("UPDATE {} SET {} = {} WHERE {} = %s").format(name, key, key, key),
                    sql.SQL("DELETE FROM {} WHERE {} = %s").format(name, key),
                ):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        conn.execute(change, (mine,))
                continue
            updated = conn.execute(
                sql.SQL("UPDATE {} SET {} = {} WHERE {} = %s").format(name, key, key, key), (theirs,)
            )
            assert updated.rowcount == 0, f"{table}: updated another team's rows"
            deleted = conn.execute(sql.SQL("DELETE FROM {} WHERE {} = %s").format(name, key), (theirs,))
            assert deleted.rowcount == 0, f"{table}: deleted another team's rows"
            if table != "patient":  # a therapist's new patient always joins their own team (below)
                row = their_rows[table]
                assert row is not None
                values = {**row[0], "id": -1}
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                    conn.execute(
                        sql.SQL("INSERT INTO {} SELECT * FROM jsonb_populate_record(NULL::{}, %s)").format(
                            name, name
                        ),
                        (psycopg.types.json.Jsonb(values),),
                    )
            own = conn.execute(
                sql.SQL("SELECT id FROM {} WHERE {} = %s LIMIT 1").format(name, key), (mine,)
            ).fetchone()
            assert own is not None
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(  # nor move a row of mine to their patient
                    sql.SQL("UPDATE {} SET {} = %s WHERE id = %s").format(name, key), (theirs, own[0])
                )
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        assert {t: _count(admin, t, theirs) for t in tables} == before


def test_therapist_roles_cannot_bypass_row_security_or_change_the_schema(clinic: Clinic) -> None:
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        roles = admin.execute(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication, rolcanlogin "
            "FROM pg_roles WHERE rolname = ANY(%s) ORDER BY 1",
            ([clinic.knee.name, clinic.hand.name],),
        ).fetchall()
        owners = admin.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')"
        ).fetchall()
        owner = admin.execute(
            "SELECT rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'rehabtrack_owner'"
        ).fetchone()
    assert [r[1:] for r in roles] == [(False, False, False, False, False, True)] * 2
    assert owners == [("rehabtrack_owner",)]
    assert owner == (False, False, False)
    with clinic.hand.connect() as conn:
        for ddl in (
            "CREATE TABLE mine (id integer)",
            "ALTER TABLE goal ADD COLUMN x integer",
            "ALTER TABLE goal DISABLE ROW LEVEL SECURITY",
            "DROP POLICY rehabtrack_care_team ON goal",
            "DROP TABLE audit_entry",
            "TRUNCATE goal",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(ddl)


def test_set_role_and_set_config_do_not_widen_what_a_therapist_sees(clinic: Clinic) -> None:
    with clinic.hand.connect() as conn:
        conn.execute("SET ROLE rehabtrack_therapist")  # the one role it may take: its own group
        assert _count(conn, "weekly_entry", clinic.knee_patient) == 0
        assert _count(conn, "patient", clinic.knee_patient) == 0
        conn.execute("SELECT set_config('role', 'rehabtrack_therapist', false)")
        assert _count(conn, "goal", clinic.knee_patient) == 0
        for widen in (
            "SET ROLE rehabtrack_owner",
            f'SET ROLE "{clinic.knee.name}"',
            "SELECT set_config('role', 'rehabtrack_owner', false)",
            f'SET SESSION AUTHORIZATION "{clinic.knee.name}"',
            f"SELECT set_config('session_authorization', '{clinic.knee.name}', false)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(widen)
        conn.execute("SET row_security = off")  # then a query that row security limits is refused
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("SELECT count(*) FROM goal")
        conn.execute("RESET row_security")
        # The policies' helper answers for the logged-in therapist only, whatever it is asked.
        assert conn.execute("SELECT rehabtrack_sees_patient(%s)", (clinic.knee_patient,)).fetchone() == (
            False,
        )


def test_care_teams_are_read_only_and_show_only_the_therapists_own(clinic: Clinic) -> None:
    with clinic.hand.connect() as conn:
        assert conn.execute("SELECT name FROM care_team").fetchall() == [("Hand therapy",)]
        assert conn.execute("SELECT therapist FROM care_team_member").fetchall() == [(clinic.hand.name,)]
        assert conn.execute("SELECT patient_id FROM patient_care_team").fetchall() == [(clinic.hand_patient,)]
        for change in (
            "INSERT INTO care_team (name) VALUES ('Mine')",
            f"INSERT INTO care_team_member (team_id, therapist) SELECT id, '{clinic.hand.name}' "
            "FROM care_team",
            f"INSERT INTO patient_care_team VALUES ({clinic.knee_patient}, 1)",
            "UPDATE patient_care_team SET team_id = team_id",
            "DELETE FROM care_team_member",
            "UPDATE care_team SET name = 'x'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(change)


def test_the_uid_of_another_teams_patient_answers_nothing(clinic: Clinic) -> None:
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        row = admin.execute("SELECT uid FROM patient WHERE id = %s", (clinic.knee_patient,)).fetchone()
        assert row is not None
        knee_uid = row[0]
    new_patient = (
        "INSERT INTO patient (display_name, condition, affected_side, pt_clinician, ot_clinician, archived, "
        "uid, created_at, updated_at) VALUES (%s, '', '', '', '', false, %s, now(), now()) RETURNING id"
    )
    with clinic.hand.connect() as conn:
        assert conn.execute("SELECT count(*) FROM patient WHERE uid = %s", (knee_uid,)).fetchone() == (0,)
        # A uid another team holds is stored like any new one: the insert says nothing of the other team.
        made = conn.execute(new_patient, ("Same person", knee_uid)).fetchone()
        assert made is not None
        assert conn.execute("SELECT id FROM patient WHERE uid = %s", (knee_uid,)).fetchall() == [made]
        # Within the therapist's own team the uid stays unique, as on SQLite.
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(new_patient, ("Same person again", knee_uid))
        # Probing with an unknown uid fails the same way as with the other team's: it does not fail.
        assert conn.execute(new_patient, ("Someone", uuid.uuid4().hex)).fetchone() is not None
    with clinic.knee.connect() as conn:  # the first team still sees its own patient only
        found = conn.execute("SELECT id FROM patient WHERE uid = %s", (knee_uid,)).fetchall()
        assert found == [(clinic.knee_patient,)]


def test_a_patient_a_therapist_creates_joins_their_first_team_and_stays_visible(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _clinic(capsys, clinic.url, "add-to-team", clinic.hand.name, "Knee clinic")  # now in two teams
    monkeypatch.setenv("PGPASSWORD", clinic.hand.password)
    from rehabtrack.core.model import Patient

    store = open_server(clinic.hand.url())
    saved = store.save_patient(Patient("New Patient", "Shoulder", "Left", None, "", ""))
    names = {p.display_name for p in store.patients(include_archived=True)}
    store.close()
    assert "New Patient" in names
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        team = admin.execute(
            "SELECT t.name FROM patient_care_team p JOIN care_team t ON t.id = p.team_id "
            "WHERE p.patient_id = %s",
            (saved.id,),
        ).fetchone()
    assert team == ("Hand therapy",)  # the team joined first
    with clinic.knee.connect() as conn:  # the other team does not see it
        assert _count(conn, "patient", saved.id) == 0
    with clinic.hand.connect() as conn:  # several at once, as a bulk import writes them
        made = conn.execute(
            "INSERT INTO patient (display_name, condition, affected_side, pt_clinician, ot_clinician, "
            "archived, created_at, updated_at) VALUES ('A', '', '', '', '', false, now(), now()), "
            "('B', '', '', '', '', false, now(), now()) RETURNING id"
        ).fetchall()
        assert len(made) == 2
        assert conn.execute(
            "SELECT count(*) FROM patient WHERE id = ANY(%s)", ([m[0] for m in made],)
        ).fetchone() == (2,)


def test_a_therapist_in_no_team_cannot_create_a_patient_no_one_would_see(
    clinic: Clinic,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    today: date,
) -> None:
    from rehabtrack.storage.bundle import export_bundle
    from rehabtrack.storage.store import open_store

    name = f"{clinic.hand.name}_new"
    said = _clinic(capsys, clinic.url, "add-therapist", name)
    loner = Therapist(name, said.rsplit(": ", 1)[1].strip(), clinic.database)
    try:
        listed = _clinic(capsys, clinic.url, "list").splitlines()
        assert listed[-1].startswith("In no care team: ") and name in listed[-1].split(": ")[1].split(", ")
        with loner.connect() as conn:
            assert conn.execute("SELECT count(*) FROM patient").fetchone() == (0,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="is in no care team"):
                conn.execute(
                    "INSERT INTO patient (display_name, condition, affected_side, pt_clinician, "
                    "ot_clinician, archived, created_at, updated_at) "
                    "VALUES ('X', '', '', '', '', false, now(), now())"
                )
        # Through the app (a home bundle imported), the same refusal is one plain line, nothing written.
        home = open_store(tmp_path / "home")
        patient = seed_demo(home, today).id
        assert patient is not None
        export_bundle(home, patient, tmp_path / "home.json")
        home.close()
        monkeypatch.setenv("PGPASSWORD", loner.password)
        code = main(["import", str(tmp_path / "home.json"), "--database", loner.url()])
        err = capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1, err
        assert f"Therapist {name} is in no care team" in err and "Nothing was changed" in err
    finally:
        _clinic(capsys, clinic.url, "remove-therapist", name)
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        assert admin.execute("SELECT count(*) FROM patient").fetchone() == (2,)


def test_assigning_a_patient_moves_it_to_the_other_team(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        row = admin.execute("SELECT uid FROM patient WHERE id = %s", (clinic.knee_patient,)).fetchone()
    assert row is not None
    said = _clinic(capsys, clinic.url, "assign", row[0], "Hand therapy")
    assert "is now in the care team 'Hand therapy'" in said
    with clinic.hand.connect() as conn:
        assert _count(conn, "weekly_entry", clinic.knee_patient) > 0
    with clinic.knee.connect() as conn:
        assert _count(conn, "weekly_entry", clinic.knee_patient) == 0
    # the demo patient of both teams has the same name but another uid: a name alone is ambiguous
    err = _fails(capsys, clinic.url, "assign", " margaret demo", "Knee clinic")
    assert "2 patients are named ' margaret demo': give the uid of one" in err


def test_removing_a_therapist_drops_the_login_and_keeps_the_audit_rows_naming_them(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(f"dbname={clinic.database}") as admin:  # the audit triggers named them
        written = admin.execute(
            "SELECT count(*) FROM audit_entry WHERE actor = %s", (clinic.hand.name,)
        ).fetchone()
    assert written is not None and written[0] > 0
    said = _clinic(capsys, clinic.url, "remove-therapist", clinic.hand.name)
    assert "removed" in said
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        assert (
            admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (clinic.hand.name,)).fetchall() == []
        )
        kept = admin.execute(
            "SELECT count(*) FROM audit_entry WHERE actor = %s", (clinic.hand.name,)
        ).fetchone()
        members = admin.execute(
            "SELECT count(*) FROM care_team_member WHERE therapist = %s", (clinic.hand.name,)
        ).fetchone()
    assert kept == written and members == (0,)
    with pytest.raises(psycopg.OperationalError):
        clinic.hand.connect()
    listed = _clinic(capsys, clinic.url, "list")
    assert "Hand therapy: no therapists; 1 patient(s)" in listed


def test_clinic_commands_fail_in_one_plain_line(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert "no care team named 'Feet'" in _fails(capsys, clinic.url, "assign", "Margaret Demo", "Feet")
    assert "no patient named 'Nobody'" in _fails(capsys, clinic.url, "assign", "Nobody", "Knee clinic")
    assert "no care team named 'Feet'" in _fails(
        capsys, clinic.url, "add-therapist", "rt_x_feet", "--team", "Feet"
    )
    assert "therapist name 'Ann Lee'" in _fails(capsys, clinic.url, "add-therapist", "Ann Lee")
    assert "already a login named" in _fails(capsys, clinic.url, "add-therapist", clinic.knee.name)
    for not_a_therapist in ("root", "postgres", "rehabtrack_owner"):  # the admin, a superuser, the owner
        said = _fails(capsys, clinic.url, "remove-therapist", not_a_therapist)
        assert f"no therapist named '{not_a_therapist}'" in said
    assert "already a care team" in _fails(capsys, clinic.url, "add-team", "Knee clinic")
    code = main(["clinic", "list", "--data-dir", str(tmp_path / "data")])
    assert code == 2 and "clinic commands are for a clinic server" in capsys.readouterr().err
    monkeypatch.setenv("PGPASSWORD", clinic.hand.password)  # a therapist is not the clinic's admin
    assert "not a member of rehabtrack_owner" in _fails(capsys, clinic.hand.url(), "list")
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        assert admin.execute("SELECT count(*) FROM care_team").fetchone() == (2,)


def test_a_table_added_later_is_covered_at_the_next_upgrade(clinic: Clinic) -> None:
    with psycopg.connect(f"dbname={clinic.database}", autocommit=True) as admin:
        admin.execute(
            "CREATE TABLE later_note (id serial PRIMARY KEY, patient_id integer NOT NULL "
            "REFERENCES patient (id) ON DELETE CASCADE, text varchar NOT NULL)"
        )
        admin.execute(
            "INSERT INTO later_note (patient_id, text) VALUES (%s, 'knee'), (%s, 'hand')",
            (clinic.knee_patient, clinic.hand_patient),
        )
    store = open_server(clinic.url, upgrade=True)  # what rehabtrack db upgrade does after a migration
    store.close()
    with clinic.hand.connect() as conn:
        assert conn.execute("SELECT text FROM later_note").fetchall() == [("hand",)]
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        forced = admin.execute(
            "SELECT relforcerowsecurity, pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'later_note'"
        ).fetchone()
    assert forced == (True, "rehabtrack_owner")


def test_set_up_is_the_same_when_applied_again(clinic: Clinic) -> None:
    from rehabtrack.storage.server import make_server_engine, server_url

    engine = make_server_engine(server_url(clinic.url))
    try:
        for _ in range(2):
            with engine.begin() as conn:
                clinic_setup.apply(conn)
    finally:
        engine.dispose()
    with clinic.hand.connect() as conn:
        assert _count(conn, "goal", clinic.hand_patient) > 0
        assert _count(conn, "goal", clinic.knee_patient) == 0


def test_a_home_bundle_is_matched_by_uid_among_the_patients_the_therapist_sees(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, today: date
) -> None:
    from rehabtrack.storage.bundle import export_bundle, import_bundle
    from rehabtrack.storage.store import open_store

    home = open_store(tmp_path / "home")  # the patient's own laptop
    patient = seed_demo(home, today).id
    assert patient is not None
    export_bundle(home, patient, tmp_path / "home.json")
    home.close()
    ids = []
    for therapist in (clinic.knee, clinic.knee, clinic.hand):
        monkeypatch.setenv("PGPASSWORD", therapist.password)
        store = open_server(therapist.url())
        ids.append(import_bundle(store, tmp_path / "home.json").patient_id)
        store.close()
    knee_first, knee_again, hand = ids
    assert knee_again == knee_first  # the second import found the patient by uid: nothing added
    assert hand not in (knee_first, clinic.knee_patient, clinic.hand_patient)  # the other team's own copy
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        teams = admin.execute(
            "SELECT t.name FROM patient_care_team p JOIN care_team t ON t.id = p.team_id "
            "WHERE p.patient_id = ANY(%s) ORDER BY p.patient_id",
            ([knee_first, hand],),
        ).fetchall()
    assert teams == [("Knee clinic",), ("Hand therapy",)]


def test_a_therapist_cannot_upgrade_the_schema(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", clinic.hand.password)
    code = main(["db", "upgrade", "--database", clinic.hand.url()])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "rehabtrack_owner" in err and "was not applied" in err


def test_the_owners_backup_as_advised_holds_every_teams_rows_and_restores(
    clinic: Clinic, tmp_path: Path
) -> None:
    from rehabtrack.storage.server import backup_advice

    advice = backup_advice(clinic.url, "backup")
    command = advice.split("back it up with ", 1)[1].split(", run as", 1)[0]
    dump = tmp_path / "rehabtrack.dump"
    args = shlex.split(command.replace("--file=rehabtrack.dump", f"--file={dump}"))
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    restored = f"{clinic.database}_restored"
    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored)))
    try:
        done = subprocess.run(
            ["pg_restore", f"--dbname={restored}", str(dump)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        with psycopg.connect(f"dbname={restored}") as conn:
            assert conn.execute("SELECT count(*) FROM patient").fetchone() == (2,)
            forced = conn.execute(
                "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'goal'"
            ).fetchone()
            assert forced == (True,)
    finally:
        with psycopg.connect("dbname=postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored)))


def test_a_typed_password_is_asked_twice_and_never_printed(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    name = f"{clinic.hand.name}_typed"
    typed = iter(["correct horse battery", "correct horse battery"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    said = _clinic(capsys, clinic.url, "add-therapist", name, "--team", "Hand therapy", "--ask-password")
    try:
        assert "correct horse" not in said
        with Therapist(name, "correct horse battery", clinic.database).connect() as conn:
            assert _count(conn, "patient", clinic.hand_patient) == 1
        differ = iter(["first password 1", "second password 2"])
        monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(differ))
        err = _fails(capsys, clinic.url, "add-therapist", f"{name}2", "--ask-password")
        assert "the two passwords differ" in err
    finally:
        _clinic(capsys, clinic.url, "remove-therapist", name)
    with psycopg.connect(f"dbname={clinic.database}") as admin:
        assert admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (f"{name}2",)).fetchall() == []
