"""Who may do what on a clinic's PostgreSQL server: the owner role, the therapists, care teams and row
security. PostgreSQL only; ``install`` and ``hand_over`` are steps of ``clinic_setup.STEPS`` (run by
``rehabtrack db upgrade``), the rest serves ``rehabtrack clinic``.

Roles
    ``rehabtrack_owner`` (NOLOGIN) owns every table, sequence and function. The login running ``db
    upgrade`` must be a superuser, or be (made) a member of it: a login that may create roles (the
    database's owner given CREATEROLE, as a clinic sets it up) creates the role and joins it the first
    time. Therapists log in as roles of their own (LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE),
    members of ``rehabtrack_therapist`` (NOLOGIN), which holds their only grants: read and write the
    patient tables and the clinic's shared questionnaire wording, read their own care teams, their
    patients' audit rows and the schema version. They never change the schema or the care teams.

Row security
    Every patient table (``patient`` and every table with a ``patient_id`` column, found in the catalog at
    each upgrade, so a table added later is covered) and every care-team table has ENABLE and FORCE ROW
    LEVEL SECURITY. A therapist's rows are those of the patients assigned to a care team they are in,
    matched on ``session_user`` (which neither SET ROLE nor set_config changes) by SECURITY DEFINER
    functions owned by the owner, so the policies do not recurse into the care-team tables' own. The owner
    role (and its members) has a policy of its own that sees every row; ``pg_dump`` run as the owner
    therefore needs ``--enable-row-security`` (a superuser's dump needs nothing).

New patients
    A patient a therapist creates is assigned, in the same statement, to the first care team they joined
    (the lowest membership id); the clinic's admin moves it with ``rehabtrack clinic assign``. A therapist
    in no team cannot create a patient (a plain message says so). A patient the owner creates is in no team
    until assigned.

Patient uid
    On SQLite the uid is unique in the file. On a clinic server a global unique index would let a therapist
    learn that another team holds a patient (the insert would fail), so there the uid is unique within a
    care team instead: a trigger refuses a second patient with the same uid in the same team (serialised by
    an advisory lock on team and uid) and says nothing about other teams. Two teams importing the same
    home bundle each get their own record of the patient; a bundle import matches the patient by uid among
    the patients the therapist sees.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from rehabtrack.storage.errors import DatabaseProblem, NotPermitted

OWNER = "rehabtrack_owner"
THERAPISTS = "rehabtrack_therapist"
# Tables a therapist reads but never writes (the care teams; the audit rows, which triggers write).
READ_ONLY = ("care_team", "care_team_member", "patient_care_team", "audit_entry", "alembic_version")
CARE_TEAM_TABLES = ("care_team", "care_team_member", "patient_care_team")
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class ClinicProblem(DatabaseProblem):
    """A clinic command or the clinic set-up cannot be done as asked; nothing was changed."""


# Set-up (rehabtrack db upgrade) ---------------------------------------------------------------------


def install(conn: Connection) -> None:
    """The roles, the therapists' grants, row security and the patient triggers, again (idempotent)."""
    _ensure_owner(conn)
    _create_role_once(conn, f"CREATE ROLE {THERAPISTS} NOLOGIN")
    _make_patient_care_team_deferred(conn)
    _scope_uid_to_team(conn)
    _drop_policies_and_functions(conn)
    for statement in FUNCTIONS:
        conn.exec_driver_sql(statement)
    _grant(conn)
    _secure_rows(conn)


def hand_over(conn: Connection) -> None:
    """Every table, sequence, view and function of the schema owned by the owner role (keep it the last
    step: objects a migration or an earlier step just made belong to the login that ran it)."""
    found = conn.exec_driver_sql(
        "SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' WHEN c.relkind IN ('v', 'm') THEN 'VIEW' "
        "ELSE 'TABLE' END, quote_ident(c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        "AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relowner <> %(owner)s::regrole "
        "AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
        "AND d.deptype IN ('a', 'i')))",  # a serial's sequence follows its table
        {"owner": OWNER},
    ).all()
    for kind, name in found:
        conn.exec_driver_sql(f"ALTER {kind} {name} OWNER TO {OWNER}")
    functions = conn.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.proowner <> %(owner)s::regrole",
        {"owner": OWNER},
    ).scalars()
    for signature in list(functions):
        conn.exec_driver_sql(f"ALTER FUNCTION {signature} OWNER TO {OWNER}")


def _ensure_owner(conn: Connection) -> None:
    me = conn.exec_driver_sql(
        "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
    ).one()
    try:
        _create_role_once(conn, f"CREATE ROLE {OWNER} NOLOGIN")
        if not me.rolsuper and not _member_of(conn, OWNER):
            conn.exec_driver_sql(  # another database's upgrade by the same login may grant it meanwhile
                f"DO $$ BEGIN GRANT {OWNER} TO CURRENT_USER; "
                "EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$"
            )
        # The schema too (PostgreSQL 15 lets only its owner create in it), so that a pg_dump of the
        # database restores into a new one before any table is handed to the owner.
        schema_owner = conn.exec_driver_sql(
            "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'"
        ).scalar()
        if schema_owner != OWNER:
            conn.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {OWNER}")
    except NotPermitted as exc:
        raise ClinicProblem(
            f"The clinic server's tables belong to the role {OWNER}, and {me.current_user} may not "
            "create it or join it, so the clinic set-up (owner, therapists' rights, row security) was not "
            f"applied. A superuser runs once: CREATE ROLE {OWNER} NOLOGIN; GRANT {OWNER} TO "
            f"{me.current_user}; then run rehabtrack db upgrade again."
        ) from exc


def _drop_policies_and_functions(conn: Connection) -> None:
    """This version's policies and functions replace the last upgrade's (a function's parameters may have
    changed, which CREATE OR REPLACE cannot do); in the upgrade's transaction, so no one sees the gap."""
    policies = conn.exec_driver_sql(
        "SELECT quote_ident(policyname), quote_ident(tablename) FROM pg_policies "
        "WHERE schemaname = 'public' AND policyname LIKE 'rehabtrack\\_%%'"
    ).all()
    for policy, table in policies:
        conn.exec_driver_sql(f"DROP POLICY {policy} ON {table}")
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS rehabtrack_patient_team ON patient")
    functions = conn.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace "
        "AND p.proname = ANY(%s)",
        ([name.split("(")[0] for name in (*_FUNCTION_NAMES, "rehabtrack_patient_team()")],),
    ).scalars()
    for signature in list(functions):
        conn.exec_driver_sql(f"DROP FUNCTION {signature}")


def _create_role_once(conn: Connection, create: str) -> None:
    """CREATE ROLE unless it exists (roles are the whole server's: another database's upgrade, running
    at the same time, may create it first)."""
    conn.exec_driver_sql(
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{create.split()[2]}') THEN {create}; "
        "END IF; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )


def _member_of(conn: Connection, role: str) -> bool:
    return bool(conn.exec_driver_sql("SELECT pg_has_role(current_user, %s, 'USAGE')", (role,)).scalar())


def _make_patient_care_team_deferred(conn: Connection) -> None:
    """A new patient's team is written by a BEFORE INSERT trigger (so the INSERT … RETURNING that saves it
    already sees it): its reference to the patient is checked at commit, once the patient exists."""
    name = conn.exec_driver_sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'patient_care_team'::regclass "
        "AND contype = 'f' AND confrelid = 'patient'::regclass AND NOT condeferred"
    ).scalar()
    if name is not None:
        conn.exec_driver_sql(
            f'ALTER TABLE patient_care_team ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY DEFERRED'
        )


def _scope_uid_to_team(conn: Connection) -> None:
    unique = conn.exec_driver_sql(
        "SELECT i.indisunique FROM pg_index i WHERE i.indexrelid = to_regclass('public.ix_patient_uid')"
    ).scalar()
    if unique is not False:
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_patient_uid")
        conn.exec_driver_sql("CREATE INDEX ix_patient_uid ON patient (uid)")


_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"
# Run through the driver's paramstyle: a literal % is written %%.
FUNCTIONS = (
    # The care teams the logged-in therapist is in.
    "CREATE OR REPLACE FUNCTION rehabtrack_my_teams() RETURNS SETOF integer LANGUAGE sql STABLE "
    f"{_DEFINER} AS $$ SELECT team_id FROM care_team_member WHERE therapist = session_user::text $$",
    # The patients the logged-in therapist sees: a policy ``patient_id IN (SELECT …)`` hashes them once
    # per query instead of asking per row. STABLE: it reads the snapshot of the statement.
    "CREATE OR REPLACE FUNCTION rehabtrack_my_patients() RETURNS SETOF integer LANGUAGE sql STABLE "
    f"{_DEFINER} AS $$ SELECT p.patient_id FROM patient_care_team p JOIN care_team_member m "
    "ON m.team_id = p.team_id WHERE m.therapist = session_user::text $$",
    # Every patient in some care team (another team's too: only policies ask, never a therapist).
    "CREATE OR REPLACE FUNCTION rehabtrack_assigned_patients() RETURNS SETOF integer LANGUAGE sql STABLE "
    f"{_DEFINER} AS $$ SELECT patient_id FROM patient_care_team $$",
    # Whether the logged-in therapist sees one patient.
    "CREATE OR REPLACE FUNCTION rehabtrack_sees_patient(patient integer) RETURNS boolean LANGUAGE sql "
    f"STABLE {_DEFINER} AS $$ SELECT EXISTS (SELECT 1 FROM patient_care_team p JOIN care_team_member m "
    "ON m.team_id = p.team_id WHERE p.patient_id = patient AND m.therapist = session_user::text) $$",
    # The same, VOLATILE, for the patient table: INSERT … RETURNING checks the new patient against it
    # after the BEFORE trigger assigned its team, which a STABLE function's snapshot would not show.
    "CREATE OR REPLACE FUNCTION rehabtrack_sees_new_patient(patient integer) RETURNS boolean "
    f"LANGUAGE sql VOLATILE {_DEFINER} AS $$ SELECT rehabtrack_sees_patient(patient) $$",
    # A new patient joins its creator's first team; a uid is unique within a team (see the docstring).
    "CREATE OR REPLACE FUNCTION rehabtrack_patient_team() RETURNS trigger LANGUAGE plpgsql "
    f"{_DEFINER} AS $$ DECLARE team integer; BEGIN "
    f"IF pg_has_role(session_user, '{OWNER}', 'USAGE') THEN "
    "  IF TG_OP = 'UPDATE' THEN FOR team IN SELECT team_id FROM patient_care_team WHERE patient_id = NEW.id "
    "    LOOP PERFORM rehabtrack_check_uid(team, NEW.uid, NEW.id); END LOOP; END IF; "
    "  RETURN NEW; END IF; "
    "IF TG_OP = 'UPDATE' THEN "
    "  SELECT team_id INTO team FROM patient_care_team WHERE patient_id = NEW.id; "
    "  IF team IS NOT NULL THEN PERFORM rehabtrack_check_uid(team, NEW.uid, NEW.id); END IF; "
    "  RETURN NEW; END IF; "
    "SELECT team_id INTO team FROM care_team_member WHERE therapist = session_user::text "
    "  ORDER BY id LIMIT 1; "
    "IF team IS NULL THEN RAISE EXCEPTION 'Therapist %% is in no care team, so a patient they add would "
    "be seen by no one; the clinic''s admin adds them to one: rehabtrack clinic add-to-team %% TEAM', "
    "  session_user, session_user USING ERRCODE = 'insufficient_privilege'; END IF; "
    "PERFORM rehabtrack_check_uid(team, NEW.uid, NEW.id); "
    "INSERT INTO patient_care_team (patient_id, team_id) VALUES (NEW.id, team); "
    "RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION rehabtrack_check_uid(in_team integer, in_uid text, in_patient integer) "
    f"RETURNS void LANGUAGE plpgsql {_DEFINER} AS $$ BEGIN "
    "IF in_uid IS NULL THEN RETURN; END IF; "
    "PERFORM pg_advisory_xact_lock(in_team, hashtext(in_uid)); "
    "IF EXISTS (SELECT 1 FROM patient p JOIN patient_care_team t ON t.patient_id = p.id "
    "  WHERE t.team_id = in_team AND p.uid = in_uid AND p.id <> in_patient) THEN "
    "  RAISE EXCEPTION 'This care team already has a patient with this uid' "
    "  USING ERRCODE = 'unique_violation'; END IF; END $$",
    "CREATE TRIGGER rehabtrack_patient_team BEFORE INSERT OR UPDATE OF uid ON patient "
    "FOR EACH ROW EXECUTE FUNCTION rehabtrack_patient_team()",
)
_FUNCTION_NAMES = (
    "rehabtrack_my_teams()",
    "rehabtrack_my_patients()",
    "rehabtrack_assigned_patients()",
    "rehabtrack_sees_patient(integer)",
    "rehabtrack_sees_new_patient(integer)",
    "rehabtrack_check_uid(integer, text, integer)",
)


def patient_tables(conn: Connection) -> list[str]:
    """``patient`` and every table of the schema with a ``patient_id`` column, from the catalog."""
    return list(
        conn.exec_driver_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND (c.relname = 'patient' OR EXISTS "
            "(SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'patient_id' "
            "AND NOT a.attisdropped)) ORDER BY c.relname"
        ).scalars()
    )


def _all_tables(conn: Connection) -> list[str]:
    return list(
        conn.exec_driver_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        ).scalars()
    )


def _grant(conn: Connection) -> None:
    """Only what a therapist needs, through the group role: set again from nothing at each upgrade."""
    has_usage = conn.exec_driver_sql(
        f"SELECT has_schema_privilege('{THERAPISTS}', 'public', 'USAGE')"
    ).scalar()
    if not has_usage:
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {THERAPISTS}")
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {THERAPISTS}, PUBLIC")
    conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {THERAPISTS}, PUBLIC")
    for table in _all_tables(conn):
        rights = "SELECT" if table in READ_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        conn.exec_driver_sql(f'GRANT {rights} ON "{table}" TO {THERAPISTS}')
    conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {THERAPISTS}")
    functions = ", ".join(_FUNCTION_NAMES)
    conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {functions} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {functions} TO {THERAPISTS}")
    conn.exec_driver_sql("REVOKE ALL ON FUNCTION rehabtrack_patient_team() FROM PUBLIC")


def _secure_rows(conn: Connection) -> None:
    patients = patient_tables(conn)
    therapist_rule = {
        "care_team": "id IN (SELECT rehabtrack_my_teams())",
        "care_team_member": "therapist = session_user::text",
        "patient_care_team": "team_id IN (SELECT rehabtrack_my_teams())",
        # A patient just added is in neither hashed set yet (they are the statement's): only for a patient
        # in no team, as far as the statement knows, is the slower per-row check made.
        "patient": "id IN (SELECT rehabtrack_my_patients()) OR (id NOT IN (SELECT "
        "rehabtrack_assigned_patients()) AND rehabtrack_sees_new_patient(id))",
    }
    for table in sorted(set(patients) | set(CARE_TEAM_TABLES)):
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        conn.exec_driver_sql(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        conn.exec_driver_sql(
            f'CREATE POLICY rehabtrack_owner ON "{table}" TO {OWNER} USING (true) WITH CHECK (true)'
        )
        rule = therapist_rule.get(table, "patient_id IN (SELECT rehabtrack_my_patients())")
        command = "SELECT" if table in READ_ONLY else "ALL"
        check = "" if command == "SELECT" else f" WITH CHECK ({rule})"
        conn.exec_driver_sql(
            f'CREATE POLICY rehabtrack_care_team ON "{table}" FOR {command} TO {THERAPISTS} '
            f"USING ({rule}){check}"
        )


# The clinic commands (rehabtrack clinic …) -----------------------------------------------------------


@dataclass(frozen=True)
class Team:
    name: str
    therapists: tuple[str, ...]
    patients: int


def check_admin(conn: Connection) -> None:
    """ClinicProblem unless the login may manage the clinic (the owner role or a superuser)."""
    if not _member_of(conn, OWNER):
        who = conn.exec_driver_sql("SELECT current_user").scalar()
        raise ClinicProblem(
            f"clinic commands are for the clinic server's owner: {who} is not a member of {OWNER}. "
            "Nothing was changed."
        )


def check_role_name(name: str) -> str:
    if not ROLE_NAME.fullmatch(name) or name.startswith(("pg_", "rehabtrack_")):
        raise ClinicProblem(
            f"therapist name '{name}': use 1 to 63 lower-case letters, digits and _, starting with a "
            "letter or _ (not pg_… or rehabtrack_…); it is their login name on the server."
        )
    return name


def new_password() -> str:
    """A password shown once to the admin who hands it to the therapist (24 letters and digits)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(24))


def add_team(conn: Connection, team: str) -> None:
    check_admin(conn)
    name = team.strip()
    if not 1 <= len(name) <= 120:
        raise ClinicProblem(f"team name '{team}': 1 to 120 characters.")
    if _find_team(conn, name) is not None:
        raise ClinicProblem(f"there is already a care team named '{name}'. Nothing was changed.")
    conn.execute(sa.text("INSERT INTO care_team (name) VALUES (:n)"), {"n": name})


def add_therapist(conn: Connection, name: str, password: str, team: str | None) -> None:
    """A login role for a therapist (with ``password``, sent as a SCRAM verifier, never as text), in
    ``team`` when given."""
    check_admin(conn)
    check_role_name(name)
    team_id = _team_id(conn, team) if team is not None else None
    if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).scalar():
        raise ClinicProblem(f"there is already a login named '{name}' on this server. Nothing was changed.")
    verifier = _scram_verifier(conn, name, password)
    try:
        conn.exec_driver_sql(
            f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION '
            f"INHERIT IN ROLE {THERAPISTS} PASSWORD '{verifier}'"
        )
    except NotPermitted as exc:
        raise ClinicProblem(
            "this login may not create logins (it needs CREATEROLE, or a superuser adds the therapist). "
            "Nothing was changed."
        ) from exc
    if team_id is not None:
        _join(conn, name, team_id)


def add_to_team(conn: Connection, name: str, team: str) -> None:
    check_admin(conn)
    _check_therapist(conn, name)
    team_id = _team_id(conn, team)
    known = conn.execute(
        sa.text("SELECT 1 FROM care_team_member WHERE team_id = :t AND therapist = :n"),
        {"t": team_id, "n": name},
    ).scalar()
    if known:
        raise ClinicProblem(f"{name} is already in the care team '{team}'. Nothing was changed.")
    _join(conn, name, team_id)


def remove_therapist(conn: Connection, name: str) -> None:
    """The therapist's login gone and their team places with it; the audit rows naming them stay (they
    hold the name as text)."""
    check_admin(conn)
    _check_therapist(conn, name)
    conn.execute(sa.text("DELETE FROM care_team_member WHERE therapist = :n"), {"n": name})
    conn.exec_driver_sql(f'DROP ROLE "{name}"')


def assign(conn: Connection, patient: str, team: str) -> str:
    """Put the patient (a name, without regard to case, or a uid) in ``team``; returns the name."""
    check_admin(conn)
    team_id = _team_id(conn, team)
    found = conn.execute(
        sa.text(
            "SELECT id, display_name, uid FROM patient WHERE uid = :p "
            "OR lower(trim(display_name)) = lower(trim(:p)) ORDER BY id"
        ),
        {"p": patient},
    ).all()
    by_uid = [row for row in found if row.uid == patient]
    rows = by_uid or found
    if not rows:
        raise ClinicProblem(f"no patient named '{patient}' on this server. Nothing was changed.")
    if len(rows) > 1:
        uids = ", ".join(str(row.uid) for row in rows)
        raise ClinicProblem(
            f"{len(rows)} patients are named '{patient}': give the uid of one ({uids}). Nothing was changed."
        )
    row = rows[0]
    try:
        conn.execute(
            sa.text("SELECT rehabtrack_check_uid(:t, :u, :p)"), {"t": team_id, "u": row.uid, "p": row.id}
        )
    except sa.exc.IntegrityError as exc:
        raise ClinicProblem(
            f"the care team '{team}' already has a patient with the uid of {row.display_name} ({row.uid}). "
            "Nothing was changed."
        ) from exc
    conn.execute(
        sa.text(
            "INSERT INTO patient_care_team (patient_id, team_id) VALUES (:p, :t) "
            "ON CONFLICT (patient_id) DO UPDATE SET team_id = excluded.team_id"
        ),
        {"p": row.id, "t": team_id},
    )
    return str(row.display_name)


def teams(conn: Connection) -> list[Team]:
    check_admin(conn)
    rows = conn.exec_driver_sql(
        "SELECT t.name, coalesce(array_agg(m.therapist ORDER BY m.therapist) "
        "FILTER (WHERE m.therapist IS NOT NULL), '{}'), "
        "(SELECT count(*) FROM patient_care_team p WHERE p.team_id = t.id) "
        "FROM care_team t LEFT JOIN care_team_member m ON m.team_id = t.id GROUP BY t.id ORDER BY t.name"
    ).all()
    return [Team(name, tuple(members), int(count)) for name, members, count in rows]


def therapists(conn: Connection) -> list[str]:
    """Every therapist login of the server (roles are the server's, not one database's): the direct
    members of the therapists' group (a superuser is a member of every role, but no therapist)."""
    return list(
        conn.exec_driver_sql(
            "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
            "WHERE m.roleid = %s::regrole ORDER BY 1",
            (THERAPISTS,),
        ).scalars()
    )


def _check_therapist(conn: Connection, name: str) -> None:
    if name not in therapists(conn):
        raise ClinicProblem(f"no therapist named '{name}' on this server. Nothing was changed.")


def _team_id(conn: Connection, team: str) -> int:
    found = _find_team(conn, team)
    if found is None:
        named = conn.exec_driver_sql("SELECT name FROM care_team ORDER BY name").scalars()
        raise ClinicProblem(
            f"no care team named '{team}' (teams: {', '.join(named) or 'none yet'}; make one with "
            "rehabtrack clinic add-team NAME). Nothing was changed."
        )
    return found


def _find_team(conn: Connection, team: str) -> int | None:
    found = conn.execute(sa.text("SELECT id FROM care_team WHERE name = :n"), {"n": team.strip()}).scalar()
    return None if found is None else int(found)


def _join(conn: Connection, name: str, team_id: int) -> None:
    conn.execute(
        sa.text("INSERT INTO care_team_member (team_id, therapist) VALUES (:t, :n)"),
        {"t": team_id, "n": name},
    )


def _scram_verifier(conn: Connection, name: str, password: str) -> str:
    """The password as PostgreSQL stores it (SCRAM-SHA-256), made by libpq on this side: the clear text
    never reaches the server or its log."""
    pgconn = conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
    return str(pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode())
