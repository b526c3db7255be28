"""Where a storage test keeps its records: an SQLite file, or a database on the PostgreSQL test server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from rehabtrack.storage.backup import DATABASE_NAME
from rehabtrack.storage.engine import make_engine
from rehabtrack.storage.store import Store, open_server, open_store


class Place:
    """Where a test keeps its records: SQLite files in folders of tmp_path, or databases of their own on
    the test server. ``open("other")`` opens (and, the first time, creates) a second set of records, as a
    therapist's computer or a second clinic would hold them."""

    def __init__(self, kind: str, tmp_path: Path, server: Any = None) -> None:
        self.kind = kind
        self._tmp_path = tmp_path
        self._server = server
        self._databases: dict[str, str] = {}
        self._opened: list[Store] = []

    def address(self, name: str = "data", *, empty: bool = False) -> str:
        """What ``--data-dir`` or ``--database`` takes to open these records. A server database is made at
        the newest schema, or with no tables at all (``empty``), as a new data folder holds no file."""
        if self._server is None:
            return str(self._tmp_path / name)
        if name not in self._databases:
            self._databases[name] = self._server.database(empty=empty)
        return self._server.url(self._databases[name])

    def option(self, name: str = "data") -> list[str]:
        """The command-line option opening these records."""
        return ["--database" if self._server else "--data-dir", self.address(name)]

    def open(self, name: str = "data") -> Store:
        address = self.address(name)
        store = open_server(address) if self._server else open_store(Path(address))
        self._opened.append(store)
        return store

    def open_again(self, name: str = "data") -> Store:
        """A second Store on records already opened, as a second person's RehabTrack reaches them. On an
        SQLite file the lock file keeps a second app out, so this one opens the file without it."""
        if self._server is not None:
            return self.open(name)
        path = Path(self.address(name)) / DATABASE_NAME
        store = Store(make_engine(path, audit=True), path)
        self._opened.append(store)
        return store

    def count(self, table: str, name: str = "data") -> int:
        """Rows in ``table``, counted on a connection of its own (what another program would see)."""
        engine = sa.create_engine(self._engine_url(name))
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one())
        finally:
            engine.dispose()

    def _engine_url(self, name: str) -> str:
        if self._server is None:
            return f"sqlite:///{self._tmp_path / name / 'rehabtrack.db'}"
        return self.address(name).replace("postgresql://", "postgresql+psycopg://", 1)

    def close(self) -> None:
        for store in self._opened:
            store.close()
        for database in self._databases.values():
            self._server.give_back(database)
