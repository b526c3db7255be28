"""Who changed what: every row written to a patient table leaves a row in ``audit_entry`` (when, who,
which row, insert/update/delete, the values before and after as JSON), in the same transaction.

The database writes them, not the Store's write methods, so every write is covered: those added later,
bulk inserts, cascaded deletes, and on a clinic server hand-written SQL too.

- SQLite: temporary triggers that the engine creates on each of its connections (``sqlite_triggers``).
  They live only in that connection, so nothing changes in the file: another program writing to it
  needs nothing of RehabTrack's. The actor is the login name of the user running RehabTrack.
- PostgreSQL: a ``SECURITY DEFINER`` AFTER-row trigger on every patient table (``install``, a step of
  ``clinic_setup``), recording ``session_user`` — the therapist's own login, which the client cannot
  change — and ``now()``. Therapists cannot write to ``audit_entry`` themselves.

The patient tables are derived from the schema: ``patient`` and every table with a ``patient_id``.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from rehabtrack.storage.engine import AUDIT_CLOCK
from rehabtrack.storage.tables import AuditRow, metadata

AUDIT_TABLE = AuditRow.__tablename__
ACTIONS = {"INSERT": "insert", "UPDATE": "update", "DELETE": "delete"}


def patient_tables() -> list[sa.Table]:
    """Every table holding a patient's data: ``patient`` and every table with a ``patient_id``."""
    return [
        table
        for table in metadata.sorted_tables
        if table.name != AUDIT_TABLE and (table.name == "patient" or "patient_id" in table.c)
    ]


def _patient_column(table: sa.Table) -> str:
    return "id" if table.name == "patient" else "patient_id"


def local_actor() -> str:
    """Who writes to an SQLite file: the login name of the user running RehabTrack."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor in the password database
        return "unknown"


# SQLite --------------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json(table: sa.Table, row: str) -> str:
    pairs = ", ".join(f'{_quote(c.name)}, {row}."{c.name}"' for c in table.columns)
    return f"json_object({pairs})"


CLOCK = AUDIT_CLOCK  # an SQL function of each audited connection (engine.make_engine)


def sqlite_triggers(actor: str) -> list[str]:
    """CREATE TEMP TRIGGER statements recording every insert, update and delete of a patient table on one
    connection. An UPDATE that leaves a row as it was is not recorded (as on PostgreSQL).

    Every row a transaction writes has the time the transaction began (``clock_time``, which the
    connection's ``CLOCK()`` function answers), as PostgreSQL's ``now()`` has: the rows of one save are
    told apart from the next save's by their time. Setting it costs no statement, so a read pays nothing."""
    statements = []
    for table in patient_tables():
        for op, action in ACTIONS.items():
            row = "OLD" if op == "DELETE" else "NEW"
            old = _json(table, "OLD") if op != "INSERT" else "NULL"
            new = _json(table, "NEW") if op != "DELETE" else "NULL"
            when = f"WHEN {old} IS NOT {new}" if op == "UPDATE" else ""
            row_id = f"{row}.id" if "id" in table.c else "NULL"
            statements.append(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "audit_{table.name}_{action}" '
                f'AFTER {op} ON "{table.name}" {when} '
                f"BEGIN INSERT INTO {AUDIT_TABLE} "
                "(at, actor, table_name, row_id, patient_id, action, old, new) "
                f"VALUES (coalesce({CLOCK}(), strftime('%Y-%m-%d %H:%M:%f000', 'now')), "
                f"{_quote(actor)}, {_quote(table.name)}, "
                f"{row_id}, {row}.{_patient_column(table)}, '{action}', {old}, {new}); END"
            )
    return statements


def clock_time() -> str:
    """The time a transaction began, as its audit rows hold it (SQLite)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# PostgreSQL ----------------------------------------------------------------------------------------

FUNCTION = "rehabtrack_audit"
TRIGGER = "rehabtrack_audit"


def _function(schema: str) -> str:
    """The trigger function. SECURITY DEFINER: it writes the audit row with its owner's rights (a
    therapist has none on ``audit_entry``); ``session_user`` is still the therapist's own login, which a
    therapist cannot change (SET ROLE changes current_user only; SET SESSION AUTHORIZATION is for
    superusers)."""
    return f"""
CREATE OR REPLACE FUNCTION {schema}.{FUNCTION}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $audit$
DECLARE
    before jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    after jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    written jsonb := coalesce(after, before);
BEGIN
    IF TG_OP = 'UPDATE' AND before = after THEN
        RETURN NULL;  -- an UPDATE that left the row as it was
    END IF;
    INSERT INTO {schema}.{AUDIT_TABLE} (at, actor, table_name, row_id, patient_id, action, old, new)
    VALUES (now(), session_user, TG_TABLE_NAME, (written ->> 'id')::integer,
            (written ->> TG_ARGV[0])::integer, lower(TG_OP), before, after);
    RETURN NULL;
END
$audit$"""


def install(conn: Connection) -> None:
    """The audit trigger on every patient table (a clinic_setup step; idempotent, and a table added by a
    later migration gets it at the next ``db upgrade``). Nobody but the owner writes to ``audit_entry``."""
    quote = conn.dialect.identifier_preparer.quote
    schema = quote(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    conn.exec_driver_sql(_function(schema))
    conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {schema}.{FUNCTION}() FROM PUBLIC")
    # Owned by whoever owns the audit record (rehabtrack_owner once the roles are set up): it writes
    # there whatever rights the therapist whose write fired it has.
    owner = conn.exec_driver_sql(
        "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
        f"AND tablename = '{AUDIT_TABLE}'"
    ).scalar_one()
    conn.exec_driver_sql(f"ALTER FUNCTION {schema}.{FUNCTION}() OWNER TO {quote(owner)}")
    for table in patient_tables():
        name = f"{schema}.{quote(table.name)}"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {name}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {name} "
            f"FOR EACH ROW EXECUTE FUNCTION {schema}.{FUNCTION}('{_patient_column(table)}')"
        )
    conn.exec_driver_sql(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.{AUDIT_TABLE} FROM PUBLIC")
