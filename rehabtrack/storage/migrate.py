"""Schema upgrades through Alembic. Imported only when the stored revision is behind."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from rehabtrack.storage import engine as db
from rehabtrack.storage import server

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # "%" doubled: the value goes through configparser (a socket path or options are %-encoded).
        config.set_main_option("sqlalchemy.url", str(engine.url).replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine, revision: str | None) -> None:
    """Upgrade from ``revision`` (None: a new file) to the newest schema and mark the file as ours, in
    ONE transaction: a failure or a crash at any step leaves the file as it was before. On a PostgreSQL
    server (transactional DDL too) one RehabTrack upgrades at a time; the next finds the schema new."""
    with engine.begin() as connection:
        on_server = connection.dialect.name == "postgresql"
        if on_server:
            server.lock_for_upgrade(connection)
        elif revision is None:
            _drop_unfinished_set_up(connection)
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if on_server:
            server.mark_as_ours(connection)
        else:
            db.mark_as_ours(connection)


def _drop_unfinished_set_up(connection: Connection) -> None:
    """The empty tables of a first set-up an older RehabTrack left half made (engine.stored_revision
    accepted them as ours only because every one is empty) are made again from the start."""
    names = sa.inspect(connection).get_table_names()
    for name in names:
        rows = connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar()
        if rows and name != "alembic_version":
            raise RuntimeError(f"the table {name} holds rows but the file records no schema version")
    for name in names:
        connection.execute(sa.text(f'DROP TABLE "{name}"'))
