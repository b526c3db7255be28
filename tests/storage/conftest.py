"""The storage tests that hold for any database run twice: on an SQLite file and on a PostgreSQL database
(marker ``postgres``). They ask for ``place`` (or ``store``, ``demo``) instead of a data folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from places import Place

from rehabtrack.storage.store import Store


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
