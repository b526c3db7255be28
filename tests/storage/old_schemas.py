"""Databases of every released schema version, rebuilt from their SQL dumps in tests/storage/fixtures/.

The dumps were written once by the code of that version (fixtures/make_fixture.py) and are never regenerated:
they are how we prove an old user's file still opens. Kept as SQL text, not as database files.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rehabtrack.storage.engine import APPLICATION_ID

FIXTURES = Path(__file__).parent / "fixtures"


def released_schemas() -> list[Path]:
    return sorted(FIXTURES.glob("schema-*.sql"))


def build_old_database(dump: Path, path: Path) -> Path:
    """Write the database of an old schema version at ``path``, as that version left it on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(dump.read_text(encoding="utf-8"))
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.commit()
    finally:
        conn.close()
    return path


def build_old_server_database(dump: Path, url: str, scratch: Path) -> None:
    """The same old database on an empty PostgreSQL database ``url``: its schema made by the migrations up
    to that version, then every row of the dump copied in (SQLite's 0/1 as booleans, its times as UTC)."""
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from alembic import command

    from rehabtrack.storage import server
    from rehabtrack.storage.migrate import alembic_config

    revision = dump.stem.removeprefix("schema-")
    old = build_old_database(dump, scratch)
    source = sa.create_engine(f"sqlite:///{old}")
    target = sa.create_engine(server.server_url(url))
    try:
        with target.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            server.mark_as_ours(conn)
            tables = sa.MetaData()
            tables.reflect(conn)
            for table in tables.sorted_tables:
                if table.name == "alembic_version":
                    continue
                with source.connect() as read:
                    rows = read.execute(sa.text(f'SELECT * FROM "{table.name}"')).mappings().all()
                booleans = {c.name for c in table.columns if isinstance(c.type, sa.Boolean)}
                times = {c.name for c in table.columns if isinstance(c.type, sa.DateTime)}
                for row in rows:
                    values = dict(row)
                    for name in booleans:
                        values[name] = bool(values[name])
                    for name in times:
                        if values[name] is not None:
                            values[name] = datetime.fromisoformat(values[name]).replace(tzinfo=UTC)
                    conn.execute(table.insert().values(**values))
                if "id" in table.columns and rows:  # the next id after the copied ones, as SQLite has it
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                         f"(SELECT max(id) FROM \"{table.name}\"))"))  # fmt: skip
    finally:
        source.dispose()
        target.dispose()
