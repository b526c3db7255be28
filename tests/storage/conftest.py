"""The storage tests that hold for any database run twice: on an SQLite file and on a PostgreSQL database
(marker ``postgres``). They ask for ``place`` (or ``store``, ``demo``) instead of a data folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Place]:
    server = request.getfixturevalue("postgres_server") if request.param == "postgres" else None
    place = Place(request.param, tmp_path, server)
    yield place
    place.close()


@pytest.fixture
def store(place: Place) -> Store:
    return place.open()


@pytest.fixture
def demo(place: Place, today: date) -> Store:
    """The demo patient, on either database."""
    from rehabtrack.storage.demo import seed_demo

    store = place.open()
    seed_demo(store, today)
    return store
