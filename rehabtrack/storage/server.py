"""RehabTrack on a PostgreSQL server (a clinic's): the address, the engine, and opening the database
through the same tables, Store and Alembic migrations as the SQLite file.

Nothing here is SQLite's: no lock file, no WAL, no backups by file (``pg_dump`` run as the owner backs a
server up). The address never holds a password (it would end up in shell history, settings and error
messages); it comes from the system keyring (storage.credentials), or libpq finds one itself
(``~/.pgpass``, a client certificate), or the server needs none (a local socket with peer authentication).
TLS settings in the address's query (``sslmode=verify-full&sslrootcert=…&sslcert=…&sslkey=…``) go to
libpq as they are.

A connection that fails (the server down or restarting, a refused password or certificate, the network
cut during a save) becomes one ConnectionProblem saying what happened and what to do, here in the
engine's error hook, so no caller above sees a driver's error or a traceback."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url

from rehabtrack.storage.errors import (
    CannotOpen,
    ConnectionProblem,
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
CONNECT_TIMEOUT = 10  # seconds: a server that never answers is reported, not waited for
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
SSL_FILES = ("sslrootcert", "sslcert", "sslkey", "sslcrl")


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
    mode = url.query.get("sslmode")
    if mode is not None and mode not in SSL_MODES:
        raise BadAddress(
            f"sslmode={mode} in the database address is not a TLS mode PostgreSQL knows; use one of "
            f"{', '.join(SSL_MODES)} (verify-full checks the server's certificate and name)."
        )
    files = {k: str(Path(str(v)).expanduser()) for k, v in url.query.items() if k in SSL_FILES}
    return url.set(drivername=DRIVER).update_query_dict(files)


def address_for(address: str, user: str) -> str:
    """The address as typed, logging in as ``user`` when one is given (BadAddress as server_url)."""
    url = server_url(address)
    if user.strip():
        url = url.set(username=user.strip())
    return shown(url)


def address_parts(address: str) -> tuple[str, str]:
    """(the address without its user, the user) of an address address_for made; the address as it is
    when it cannot be read."""
    try:
        url = make_url(address.strip())
    except (sa.exc.ArgumentError, ValueError):
        return address, ""
    without = URL.create(url.drivername, None, None, url.host, url.port, url.database, url.query)
    return shown(without), url.username or ""


def shown(url: URL) -> str:
    """The address as a message shows it (it never holds a password: server_url refuses one)."""
    return unquote(url.set(drivername="postgresql").render_as_string(hide_password=True))


def make_server_engine(url: URL, password: str | None = None) -> Engine:
    """The engine on ``url``. Each new connection logs in with ``password`` if given (Preferences'
    "Test connection" before it is saved), else the one the keyring holds for the address and user,
    looked up then, so a password corrected in Preferences is used by the next retry."""
    # hide_parameters: names, notes and marker values never reach a log or an error message.
    # pool_pre_ping: a server restarted between two saves costs a new connection, not an error.
    engine = sa.create_engine(url, echo=False, hide_parameters=True, pool_pre_ping=True)

    @event.listens_for(engine, "do_connect")
    def _log_in(_dialect, _record, _cargs, cparams):  # type: ignore[no-untyped-def]
        from rehabtrack.storage import credentials

        secret = password if password is not None else credentials.password(url)
        if secret:
            cparams["password"] = secret
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT)

    @event.listens_for(engine, "handle_error")
    def _explain(context: ExceptionContext) -> None:
        if context.is_pre_ping:  # the pool reconnects by itself
            return
        problem = connection_problem(url, context.original_exception, context.connection is None)
        if problem is not None:
            raise problem from context.original_exception
        _without_row_data(context)

    return engine


# libpq's words for each kind of failure (its messages carry no SQLSTATE before a session exists).
_CERTIFICATE = ("certificate", "ssl error", "does not support ssl", "ssl connection is required")
_PASSWORD = ("password authentication failed", "no password supplied", "authentication failed")
_LOST = (
    "server closed the connection",
    "terminating connection",
    "connection is lost",
    "connection is closed",
    "consuming input failed",
    "ssl syscall error",
    "eof detected",
    "connection timed out",
)


def connection_problem(url: URL, exc: BaseException, connecting: bool) -> ConnectionProblem | None:
    """What a failed connection (``connecting``) or a connection broken during a statement means for
    the user, or None when ``exc`` is about the data, not the connection."""
    import psycopg

    if not isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return None
    state = getattr(exc, "sqlstate", None) or ""
    text = " ".join(str(exc).split()).lower()
    if state and not connecting and not state.startswith(("08", "57P")):
        return None  # a lock timeout, a serialization failure: about the data
    from rehabtrack.storage import credentials

    where, user = f"the database server {shown(url)}", credentials.login(url)
    nothing = "Nothing was changed."
    if any(word in text for word in _CERTIFICATE):
        return ConnectionProblem(
            f"The certificate of {where} could not be verified ({_reason(exc)}), so RehabTrack cannot be "
            f"sure it is your clinic's server and sent nothing to it. {nothing} Check the server's name in "
            "the address and ask whoever runs the server for its root certificate (sslrootcert in the "
            "address, Edit → Preferences → Clinic server), then retry.",
            "certificate",
        )
    if any(word in text for word in _PASSWORD) or state.startswith("28"):
        said = (
            "no password is saved for"
            if "no password supplied" in text
            else "the server refused the password of"
        )
        return ConnectionProblem(
            f"Logging in to {where} failed: {said} {user}. {nothing} Enter the password in Edit → "
            "Preferences → Clinic server (it is kept in the system keyring), then retry.",
            "password",
        )
    if not connecting and (state.startswith(("08", "57P")) or any(word in text for word in _LOST)):
        return ConnectionProblem(
            f"The connection to {where} was lost (the network was cut or the server restarted). "
            f"{nothing} Check the network, then try again.",
            "lost",
        )
    if connecting:
        return ConnectionProblem(
            f"RehabTrack cannot connect to the database {shown(url)} ({_reason(exc)}). {nothing} Check the "
            "address, the "
            "network and that the server is running (ask whoever runs it), then retry.",
            "down",
        )
    return None


def _reason(exc: BaseException) -> str:
    """libpq's own first line, without its "connection failed: connection to server at …" prefix."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return first.rsplit(" failed: ", 1)[-1].strip()


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
