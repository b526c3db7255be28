"""Opening the database file: engine set-up (the only place with SQLite pragmas), the cheap
schema check that keeps Alembic off the start-up path, and refusing files that are not ours."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext

from rehabtrack.storage import integrity
from rehabtrack.storage.errors import (
    CannotSave,
    DatabaseBusy,
    DatabaseProblem,
    DiskFull,
    NewerSchema,
    NotRehabTrackDatabase,
    ReadOnlyDatabase,
)

APPLICATION_ID = 0x52485442  # "RHTB": marks a RehabTrack database (PRAGMA application_id)
HEAD_REVISION = "0006"  # newest migration; tests/storage/test_migrations.py keeps it in step with Alembic
SQLITE_HEADER = b"SQLite format 3\x00"
# The SQL function an audited connection answers with the time its transaction began (storage.audit).
AUDIT_CLOCK = "rehabtrack_audit_clock"


def make_engine(path: Path, *, read_only: bool = False, wal: bool = True, audit: bool = False) -> Engine:
    """An engine on ``path``. ``read_only`` opens it so that it can be read but never written
    (a read-only file or folder): saves then raise ReadOnlyDatabase and nothing else changes.
    ``wal=False`` leaves the journal mode as the file has it (an upgrade of an old file in rollback
    mode then leaves its bytes exactly as they were if it fails).

    Every transaction starts with an explicit BEGIN (the pattern of SQLAlchemy's SQLite dialect
    documentation): Python's sqlite3 opens none before CREATE or ALTER TABLE, so without it each
    statement of a schema change would commit on its own and a crash would leave half a schema.

    ``audit``: every connection records each write to a patient table in the audit record, in the
    write's own transaction (storage.audit; the Store's engine, never a migration's)."""
    # hide_parameters: names, notes and marker values never reach a log or an error message.
    options: dict[str, Any] = {"echo": False, "hide_parameters": True}
    if read_only:
        uri = read_only_uri(path)

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)

        options["creator"] = connect
    else:
        options["connect_args"] = {"timeout": 10}
    engine = create_engine(f"sqlite:///{path}", **options)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # sqlite3 issues no BEGIN/COMMIT of its own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only and wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed save survives a power cut (NORMAL may roll it back in WAL mode).
            cursor.execute("PRAGMA synchronous=FULL")
        if audit and not read_only and _audit_writes(cursor):
            clock: list[str | None] = [None]  # the time this connection's transaction began
            _record.info["audit_clock"] = clock
            dbapi_connection.create_function(AUDIT_CLOCK, 0, lambda: clock[0])
        cursor.close()
        # SQLite's own lower() leaves non-ASCII letters as they are: a search for "émile" would miss
        # "Émile", which PostgreSQL finds. Python's is the same for every letter.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")
        clock = conn.connection.info.get("audit_clock")
        if clock is not None:
            from rehabtrack.storage.audit import clock_time

            clock[0] = clock_time()

    @event.listens_for(engine, "handle_error")
    def _explain(context: ExceptionContext) -> None:
        problem = save_problem(path, context.original_exception)
        if problem is not None:
            raise problem from context.original_exception

    return engine


def _lower(text: object) -> object:
    return text.lower() if isinstance(text, str) else text


def _audit_writes(cursor: sqlite3.Cursor) -> bool:
    """Create this connection's audit triggers (temporary: the file itself is left as it is). False for
    a schema older than 0006, which has no audit record (it is upgraded before anything is written)."""
    found = cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_entry'")
    if found.fetchone() is None:
        return False
    from rehabtrack.storage.audit import local_actor, sqlite_triggers

    for statement in sqlite_triggers(local_actor()):
        cursor.execute(statement)
    return True


def save_problem(path: Path, exc: BaseException) -> CannotSave | None:
    """The user-facing problem behind a failed write, if the disk (not the data) refused it."""
    if not isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(exc).lower()
    if code == sqlite3.SQLITE_FULL or "disk is full" in text:
        return DiskFull(
            "The disk is full: RehabTrack could not save, and nothing from this save was written. "
            "Everything saved before is safe and can still be viewed. Free some disk space, then save again."
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text:
        return DatabaseBusy(
            f"The database {path} is busy: another program is writing to it, so RehabTrack could not "
            "save, and nothing from this save was written. Close the other program (or wait for it), "
            "then save again."
        )
    if code == sqlite3.SQLITE_READONLY or "readonly database" in text:
        from rehabtrack.storage.faults import folder_problem

        cause = folder_problem(path.parent)
        if isinstance(cause, ReadOnlyDatabase):
            return cause
        return ReadOnlyDatabase(
            f"The database {path} is read-only: RehabTrack could not save, and nothing from this save "
            "was written. Everything saved before can still be viewed. Check that the file and its "
            "folder can be written to (and the drive is not read-only), then save again."
        )
    return None


def mark_as_ours(conn: Connection) -> None:
    """Mark the file as RehabTrack's, inside the caller's transaction (the one creating the schema)."""
    conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def read_only_uri(path: Path) -> str:
    """A URI opening ``path`` for reading only. Where nobody can write (a read-only folder) and SQLite
    could not make the ``-shm`` index a WAL file needs, the file is read as it is (``immutable``)
    unless a ``-wal`` holds saves it must replay."""
    uri = f"{path.absolute().as_uri()}?mode=ro"
    shm = path.with_name(path.name + "-shm")
    wal = path.with_name(path.name + "-wal")
    if not os.access(path.parent, os.W_OK) and not shm.exists() and not wal_has_commits(wal):
        uri += "&immutable=1"
    return uri


def stored_revision(path: Path) -> str | None:
    """Inspect an existing file read-only and return its schema revision (None: empty or new database,
    or one whose first set-up was cut short before anything was saved in it).

    Raises NotRehabTrackDatabase for anything else (not SQLite, another program's database, truncated
    or damaged), without changing a byte of the file; CannotOpen, ReadOnlyDatabase or DiskFull when the
    folder or the disk (not the file) is the cause.
    """
    from rehabtrack.storage.faults import folder_problem, path_problem

    if (problem := path_problem(path)) is not None:
        raise problem
    if not path.exists() or path.stat().st_size == 0:
        return None
    tidy = _sidecars_made_while(path)
    try:
        try:
            _roll_back_hot_journal(path)
            return _inspect(path)
        except (OSError, sqlite3.Error) as exc:
            cause = folder_problem(path.parent)
            if cause is None:
                raise NotRehabTrackDatabase(f"{path} cannot be read ({exc}).") from exc
            raise cause from exc
    except DatabaseProblem:
        tidy()
        raise


def _sidecars_made_while(path: Path) -> Callable[[], None]:
    """A function removing the ``-shm`` and empty ``-wal`` that SQLite makes beside ``path`` from now on
    while reading it (a read-only connection leaves them behind): the folder is left as it was."""
    sidecars = [path.with_name(path.name + suffix) for suffix in integrity.SIDECARS]
    existed = integrity.sidecars_before(path) or [p.exists() for p in sidecars]  # before an early check

    def tidy() -> None:
        integrity.finish(path)
        for sidecar, was_there in zip(sidecars, existed, strict=True):
            with contextlib.suppress(OSError):
                if not was_there and (sidecar.name.endswith("-shm") or sidecar.stat().st_size == 0):
                    sidecar.unlink()

    return tidy


@contextlib.contextmanager
def read_leaving_no_trace(path: Path) -> Iterator[None]:
    """Read a file RehabTrack does not keep (a backup to restore), leaving no `-wal` or `-shm` beside it."""
    tidy = _sidecars_made_while(path)
    try:
        yield
    finally:
        tidy()


def _roll_back_hot_journal(path: Path) -> None:
    """A transaction cut short in rollback-journal mode leaves a ``-journal`` that SQLite rolls back the
    next time the file is opened for writing (a read-only look cannot). Let it, before looking."""
    journal = path.with_name(path.name + "-journal")
    if not journal.exists() or journal.stat().st_size == 0 or not os.access(path.parent, os.W_OK):
        return
    with path.open("rb") as f:
        if not f.read(16).startswith(SQLITE_HEADER):
            return
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    finally:
        conn.close()


def _inspect(path: Path) -> str | None:
    with path.open("rb") as f:
        header = f.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise NotRehabTrackDatabase(f"{path} is not a RehabTrack database (it is not an SQLite file).")
    if not wal_has_commits(path.with_name(path.name + "-wal")):
        _check_size(path, header)  # with saves in the WAL, SQLite's recovery is the judge
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            if app_id == APPLICATION_ID:
                # Reads every page once (milliseconds for years of weekly entries): damage is found
                # now, with a clear message, rather than in the middle of a save.
                verdict = integrity.verdict(path, conn)  # begun early by paths.open_data
                if verdict != ["ok"]:
                    raise NotRehabTrackDatabase(f"{path} is damaged ({'; '.join(verdict)}).")
            elif tables and _unfinished_set_up(conn, tables):
                return None  # our first set-up, cut short before anything was saved: it is done again
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        from rehabtrack.storage.faults import folder_problem

        problem = folder_problem(path.parent) if _not_the_files_fault(exc) else None
        if problem is not None:
            raise problem from exc
        raise NotRehabTrackDatabase(f"{path} is damaged or not a RehabTrack database ({exc}).") from exc
    if app_id != APPLICATION_ID and tables:
        raise NotRehabTrackDatabase(f"{path} is another program's database, not RehabTrack's.")
    return revision


# The disk, the folder or permissions refused (not a damaged file): the folder's state names the cause.
_SURROUNDINGS = {
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_AUTH,
}


def _not_the_files_fault(exc: BaseException) -> bool:
    return ((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF) in _SURROUNDINGS


def _unfinished_set_up(conn: sqlite3.Connection, tables: set[str]) -> bool:
    """Only RehabTrack's own tables, all empty: a first set-up by an older RehabTrack that was cut short
    (it created tables one by one and marked the file as its own last)."""
    from rehabtrack.storage.tables import metadata

    if not tables <= set(metadata.tables) | {"alembic_version"}:
        return False
    return all(
        conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == 0
        for name in tables - {"alembic_version"}
    )


def wal_has_commits(wal: Path) -> bool:
    """Does this ``-wal`` file hold at least one committed transaction of its current generation?

    A commit frame records the database size after the commit (bytes 4-8 of its header, not zero) and
    carries the salts of the WAL header (frames with other salts are left over from before a reset).
    """
    try:
        with wal.open("rb") as f:
            header = f.read(32)
            if len(header) < 32 or header[:4] not in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83"):
                return False
            page_size = int.from_bytes(header[8:12], "big")
            salts = header[16:24]
            while len(frame := f.read(24)) == 24:
                if frame[8:16] != salts:
                    return False
                if frame[4:8] != bytes(4):
                    return True
                f.seek(page_size, os.SEEK_CUR)
    except OSError:
        return False
    return False


def _check_size(path: Path, header: bytes) -> None:
    """A file shorter than the size its own header records has been cut short (truncated)."""
    if len(header) < 100:
        raise NotRehabTrackDatabase(f"{path} is damaged: it has been cut short (truncated).")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_is_valid = header[24:28] == header[92:96] and pages > 0
    if size_is_valid and path.stat().st_size < pages * page_size:
        raise NotRehabTrackDatabase(f"{path} is damaged: it has been cut short (truncated).")


def known_revisions() -> list[str]:
    versions = Path(__file__).parent / "migrations" / "versions"
    return sorted(p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py"))


def check_not_newer(where: object, revision: str | None) -> None:
    """``where``: the file, or the server database's address, as a message names it."""
    if revision is not None and revision not in known_revisions():
        raise NewerSchema(
            f"{where} was written by a newer version of RehabTrack (schema {revision}); this version "
            f"understands up to schema {HEAD_REVISION}. Install the newer RehabTrack to open it."
        )


def secure_file(path: Path) -> None:
    """Health data is readable by the user only (0600). Never adds a permission: a read-only file
    stays read-only."""
    if os.name == "posix" and path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & ~0o600:
            path.chmod(mode & 0o600)


def secure_dir(path: Path) -> None:
    """A data folder is the user's only (0700), without making a read-only folder writable."""
    if os.name == "posix" and path.is_dir():
        mode = path.stat().st_mode & 0o777
        if mode & ~0o700:
            path.chmod(mode & 0o700)


def is_writable(path: Path) -> bool:
    """Can the database at ``path`` be written (the file, and its folder for the WAL)?"""
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))
