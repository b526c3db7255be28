"""Opening the database file: engine set-up (the only place with SQLite pragmas), the cheap
schema check that keeps Alembic off the start-up path, and refusing files that are not ours."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from rehabtrack.storage.errors import NewerSchema, NotRehabTrackDatabase

APPLICATION_ID = 0x52485442  # "RHTB": marks a RehabTrack database (PRAGMA application_id)
HEAD_REVISION = "0001"  # newest migration; tests/storage/test_migrations.py keeps it in step with Alembic
SQLITE_HEADER = b"SQLite format 3\x00"


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 10})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed save survives a power cut (NORMAL may roll it back in WAL mode).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


def mark_as_ours(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def stored_revision(path: Path) -> str | None:
    """Inspect an existing file read-only and return its schema revision (None: empty, new database).

    Raises NotRehabTrackDatabase for anything else, without changing a byte of the file.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotRehabTrackDatabase(f"{path} is not a RehabTrack database (it is not an SQLite file).")
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotRehabTrackDatabase(f"{path} is damaged or not a RehabTrack database ({exc}).") from exc
    if app_id != APPLICATION_ID and tables:
        raise NotRehabTrackDatabase(f"{path} is another program's database, not RehabTrack's.")
    return revision


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
    """Health data is readable by the user only (0600)."""
    if os.name == "posix" and path.exists():
        path.chmod(0o600)
