"""RehabTrack on a PostgreSQL server (a clinic's): the address, the engine, and opening the database
through the same tables, Store and Alembic migrations as the SQLite file.

Nothing here is SQLite's: no lock file, no WAL, no backups by file (``pg_dump`` run as the owner backs a
server up). The address never holds a password (it would end up in shell history, settings and error
messages); libpq finds one itself (``~/.pgpass``, a client certificate) or the server needs none (a
local socket with peer authentication)."""

from __future__ import annotations

from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url

from rehabtrack.storage.errors import (
    CannotOpen,
    MigrationFailed,
    NotPermitted,
    NotRehabTrackDatabase,
    SchemaBehind,
)

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DRIVER = "postgresql+psycopg"
# Marks a database as RehabTrack's (what PRAGMA application_id does for the SQLite file).
MARK = "RehabTrack schema"
INSUFFICIENT_PRIVILEGE = "42501"  # SQLSTATE of a refusal by rights or row security


class BadAddress(CannotOpen):
    """The database address given (``--database``, REHABTRACK_DATABASE_URL) cannot be used."""


def server_url(address: str) -> URL:
    """The SQLAlchemy URL of a PostgreSQL address as a person types it (``postgresql://HOST/DB``,
    ``postgresql:///DB`` for the local socket), with the psycopg 3 driver. BadAddress for another kind
    of address or one holding a password."""
    try:
        url = make_url(address.strip())
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise BadAddress(
            f"'{address}' is not a database address; write it as postgresql://HOST/DATABASE."
        ) from exc
    if url.drivername not in SCHEMES:
        raise BadAddress(
            f"'{url.drivername}://…' is not a PostgreSQL address; write it as postgresql://HOST/DATABASE "
            "(for a database file use --data-dir)."
        )
    if url.password is not None or "password" in url.query:
        raise BadAddress(
            "The database address holds a password; RehabTrack refuses it, since an address ends up in "
            "shell history and settings. Remove it and let PostgreSQL find it (~/.pgpass, a client "
            "certificate)."
        )
    if not url.database:
        raise BadAddress(f"'{shown(url)}' names no database; write it as postgresql://HOST/DATABASE.")
    return url.set(drivername=DRIVER)


def shown(url: URL) -> str:
    """The address as a message shows it (it never holds a password: server_url refuses one)."""
    return unquote(url.set(drivername="postgresql").render_as_string(hide_password=True))


def make_server_engine(url: URL) -> Engine:
    # hide_parameters: names, notes and marker values never reach a log or an error message.
    engine = sa.create_engine(url, echo=False, hide_parameters=True, pool_pre_ping=True)
    event.listen(engine, "handle_error", _without_row_data)
    return engine


def _without_row_data(context: ExceptionContext) -> None:
    """A refusal by rights or row security is NotPermitted, its message the server's own first line.
    PostgreSQL's error DETAIL repeats the row that broke a rule ("Failing row contains (…, a note,
    …)", "Key (patient_id, name)=(1, Ann Lee)"): only its first line, which names the rule, is kept."""
    error, said = context.original_exception, context.sqlalchemy_exception
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    if getattr(error, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:  # a therapist's rights end here
        raise NotPermitted(
            f"The database server refused: {primary or error}. Nothing was changed."
        ) from error
    if primary and isinstance(said, sa.exc.DBAPIError) and str(error).strip() != primary:
        error.args = (primary,)
        raise type(said)(
            context.statement,
            None,
            error,  # type: ignore[arg-type]
            hide_parameters=True,
            connection_invalidated=context.is_disconnect,
        ) from error


def stored_revision(conn: Connection, url: URL) -> str | None:
    """The schema revision of the database (None: an empty database). NotRehabTrackDatabase when it
    holds another program's tables."""
    tables = set(sa.inspect(conn).get_table_names())
    if not tables:
        return None
    mark = None
    if "alembic_version" in tables:
        comment = "SELECT obj_description('alembic_version'::regclass, 'pg_class')"
        mark = conn.execute(sa.text(comment)).scalar()
    if mark != MARK:
        raise NotRehabTrackDatabase(
            f"The database {shown(url)} holds another program's tables, not RehabTrack's. Nothing was "
            "changed; give RehabTrack a database of its own."
        )
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def mark_as_ours(conn: Connection) -> None:
    conn.exec_driver_sql(f"COMMENT ON TABLE alembic_version IS '{MARK}'")


def lock_for_upgrade(conn: Connection) -> None:
    """One upgrade at a time: a second RehabTrack starting meanwhile waits, then finds the schema new."""
    from rehabtrack.storage.engine import APPLICATION_ID

    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPLICATION_ID})")


def cannot_reach(url: URL, exc: BaseException) -> CannotOpen:
    """The server refused or could not be reached: its own first line says why."""
    cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    why = cause[0] if cause else type(exc).__name__
    return CannotOpen(
        f"RehabTrack cannot connect to the database {shown(url)} ({why}). Nothing was changed. Check the "
        "address, that the server is running and that you may log in to it, then try again."
    )


def backup_advice(location: str, command: str) -> str:
    """What ``rehabtrack backup`` or ``restore`` says on a server: the server's owner does it."""
    if command == "restore":
        how = f"restore a dump with pg_restore --clean --dbname='{location}' FILE"
    else:
        # Row security holds for the owner too (FORCE): without the option pg_dump stops at a table.
        dump = "pg_dump --enable-row-security --format=custom --file=rehabtrack.dump"
        how = f"back it up with {dump} '{location}'"
    return (
        f"Your records are on the database server {location}, not in a file RehabTrack can copy: {how}, run "
        "as the database's owner, a member of rehabtrack_owner (a therapist's own login reaches only the "
        "rows it may see)."
    )


def schema_behind(url: URL, revision: str | None, head: str) -> SchemaBehind:
    has = f"is at schema {revision}" if revision else "is not set up for RehabTrack yet"
    return SchemaBehind(
        f"The database {shown(url)} {has}; this RehabTrack needs schema {head}. Nothing was changed. The "
        f"database's owner sets it up with: rehabtrack db upgrade --database {shown(url)}"
    )


def upgrade_failed(url: URL, revision: str | None, head: str, exc: BaseException) -> MigrationFailed:
    start = f"from schema {revision}" if revision else "from empty"
    return MigrationFailed(
        f"Setting up the database {shown(url)} {start} to schema {head} failed ({exc}). Nothing was "
        "changed (the upgrade is one transaction); it is tried again the next time RehabTrack opens it."
    )
