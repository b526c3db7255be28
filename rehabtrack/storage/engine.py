"""Opening the database file: engine set-up (the only place with SQLite pragmas), the cheap
schema check that keeps Alembic off the start-up path, and refusing files that are not ours."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext

from rehabtrack.storage.errors import DiskFull, NewerSchema, NotRehabTrackDatabase, ReadOnlyDatabase

APPLICATION_ID = 0x52485442  # "RHTB": marks a RehabTrack database (PRAGMA application_id)
HEAD_REVISION = "0003"  # newest migration; tests/storage/test_migrations.py keeps it in step with Alembic
SQLITE_HEADER = b"SQLite format 3\x00"


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``path``. ``read_only`` opens it so that it can be read but never written
    (a read-only file or folder): saves then raise ReadOnlyDatabase and nothing else changes."""
    # hide_parameters: names, notes and marker values never reach a log or an error message.
    options: dict[str, Any] = {"echo": False, "hide_parameters": True}
    if read_only:
        uri = f"{path.absolute().as_uri()}?mode=ro"
        shm = path.with_name(path.name + "-shm")
        if not os.access(path.parent, os.W_OK) and not shm.exists():
            uri += "&immutable=1"  # nobody can write here, and WAL's -shm cannot be created

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)

        options["creator"] = connect
    else:
        options["connect_args"] = {"timeout": 10}
    engine = create_engine(f"sqlite:///{path}", **options)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed save survives a power cut (NORMAL may roll it back in WAL mode).
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "handle_error")
    def _explain(context: ExceptionContext) -> None:
        problem = save_problem(path, context.original_exception)
        if problem is not None:
            raise problem from context.original_exception

    return engine


def save_problem(path: Path, exc: BaseException) -> DiskFull | ReadOnlyDatabase | None:
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
    if code == sqlite3.SQLITE_READONLY or "readonly database" in text:
        return ReadOnlyDatabase(
            f"The database {path} is read-only: RehabTrack could not save, and nothing from this save "
            "was written. Everything saved before can still be viewed. Check that the file and its "
            "folder can be written to (and the drive is not read-only), then save again."
        )
    return None


def mark_as_ours(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def stored_revision(path: Path) -> str | None:
    """Inspect an existing file read-only and return its schema revision (None: empty, new database).

    Raises NotRehabTrackDatabase for anything else (not SQLite, another program's database, truncated
    or damaged), without changing a byte of the file.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    sidecars = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    existed = [p.exists() for p in sidecars]
    try:
        return _inspect(path)
    except NotRehabTrackDatabase:
        for sidecar, was_there in zip(sidecars, existed, strict=True):
            if not was_there:  # SQLite made it while looking: leave the folder as it was
                sidecar.unlink(missing_ok=True)
        raise


def _inspect(path: Path) -> str | None:
    with path.open("rb") as f:
        header = f.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise NotRehabTrackDatabase(f"{path} is not a RehabTrack database (it is not an SQLite file).")
    _check_size(path, header)
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
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
                verdict = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
                if verdict != ["ok"]:
                    raise NotRehabTrackDatabase(f"{path} is damaged ({'; '.join(verdict)}).")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotRehabTrackDatabase(f"{path} is damaged or not a RehabTrack database ({exc}).") from exc
    if app_id != APPLICATION_ID and tables:
        raise NotRehabTrackDatabase(f"{path} is another program's database, not RehabTrack's.")
    return revision


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


def check_not_newer(path: Path, revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise NewerSchema(
            f"{path} was written by a newer version of RehabTrack (schema {revision}); this version "
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
