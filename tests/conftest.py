"""Shared fixtures. Every test runs headless, gets a fresh SQLite file in its tmp_path (or a fresh database
on the local PostgreSQL server: ``postgres_server``), and may not use the network: any attempt fails the test
(local AF_UNIX sockets stay allowed: a second copy of the app uses them to find the first, and the tests reach
PostgreSQL through its socket)."""

from __future__ import annotations

import os
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# Screenshots and rendered PDF pages land here, to be looked at by a person after a test run.
SHOTS = Path(os.environ.get("REHABTRACK_SHOTS", "/tmp/rehabtrack-shots"))


def save_shot(source: object, name: str) -> Path:
    """Save a widget's picture (or copy a PNG file) as ``SHOTS/name``; returns the saved path."""
    import shutil

    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / name
    if isinstance(source, Path):
        shutil.copy(source, target)
    else:
        assert source.grab().save(str(target)), f"could not save {target}"  # type: ignore[attr-defined]
    return target


# A fixed "today" so the demo patient's weeks, and every date in a screenshot, are repeatable.
TODAY = date(2026, 11, 24)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def demo_store(data_dir: Path):  # type: ignore[no-untyped-def]
    from rehabtrack.storage.demo import seed_demo
    from rehabtrack.storage.store import open_store

    store = open_store(data_dir)
    seed_demo(store, TODAY)
    yield store
    store.close()


class NetworkBlocked(RuntimeError):
    pass


class NetworkGuard:
    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str) -> None:
        self.attempts.append(what)
        raise NetworkBlocked(f"RehabTrack must not use the network (attempted {what})")


def _is_network(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    guard = NetworkGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto

    def connect(self: socket.socket, address: Any) -> None:
        if _is_network(self):
            guard.refuse(f"connect to {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if _is_network(self):
            guard.refuse(f"connect to {address!r}")
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, *args: Any) -> int:
        if _is_network(self):
            guard.refuse(f"sendto {args[-1]!r}")
        return real_sendto(self, *args)  # type: ignore[arg-type]

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        guard.refuse(f"create_connection to {address!r}")
        raise AssertionError("unreachable")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield guard
    if guard.attempts:  # even if the code under test swallowed the error
        pytest.fail(f"the test used the network: {guard.attempts}")


@pytest.fixture(autouse=True)
def test_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Passwords go to a file of the test's own (tests/keyring_file.py), never to the system keyring,
    in this process and in the command-line runs it starts."""
    here = str(Path(__file__).parent)
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring_file.FileKeyring")
    monkeypatch.setenv("REHABTRACK_TEST_KEYRING", str(path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])))
    if "keyring" in sys.modules:  # chosen already (by an earlier test): choose again
        import keyring
        from keyring_file import FileKeyring

        keyring.set_keyring(FileKeyring())
    return path


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    """``shot(widget_or_png, "name.png")`` saves a picture for a person to look at (see SHOTS)."""
    return save_shot


# PostgreSQL ---------------------------------------------------------------------------------------

# CI sets it (.ci/run): there a missing server fails the run instead of skipping its tests.
REQUIRE_POSTGRES = os.environ.get("REHABTRACK_REQUIRE_POSTGRES") == "1"


class PostgresServer:
    """The local PostgreSQL server (``.ci/postgres`` starts Debian's packaged cluster), reached over its
    socket as the user running the tests, with no password (libpq's defaults, PGHOST and PGUSER apply).

    Each test gets databases of its own, empty or at the newest schema, as if just created. Creating one
    is cheap (a copy of a template) but dropping one waits for a checkpoint (about a second), so a test's
    databases are emptied afterwards and handed to the next test: one at the newest schema holding only
    the tables of that schema loses its rows (a DELETE in one transaction: TRUNCATE costs a file per
    table), any other gets a new, empty ``public`` schema. They are dropped at the end of the run."""

    def __init__(self) -> None:
        import psycopg

        self.admin = psycopg.connect("dbname=postgres", autocommit=True)
        self.prefix = f"rehabtrack_test_{uuid.uuid4().hex[:10]}"
        self._made: list[str] = []
        self._free: dict[bool, list[str]] = {True: [], False: []}  # empty? -> databases to hand out
        self._template: str | None = None
        self._tables: set[str] = set()

    @staticmethod
    def url(name: str) -> str:
        return f"postgresql:///{name}"

    def database(self, *, empty: bool = False) -> str:
        """A database (its name) for one test, at the newest schema or, with ``empty``, with no tables."""
        if self._free[empty]:
            return self._free[empty].pop()
        name = f"{self.prefix}_{len(self._made) + 1}"
        template = "template0" if empty else self._upgraded_template()
        self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._made.append(name)
        return name

    def give_back(self, name: str) -> None:
        """A test is done with the database ``name``: empty it for the next one."""
        import psycopg

        with psycopg.connect(f"dbname={name}", autocommit=True) as conn:
            conn.execute(  # whatever the test left connected (a store it did not close)
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # (not autovacuum: a superuser's)
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' "
                "AND pg_has_role(usesysid, 'MEMBER')"  # a therapist's login (tests/storage) is ending itself
            )
            found = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = {r[0] for r in found}
            schemas = conn.execute(
                "SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                "AND nspname NOT IN ('public', 'information_schema')"
            ).fetchone()
            self._upgraded_template()
            if tables == self._tables and schemas == (0,) and self._at_head(conn):
                _delete_every_row(conn)
                self._free[False].append(name)
                return
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
            self._free[True].append(name)

    @staticmethod
    def _at_head(conn: Any) -> bool:
        from rehabtrack.storage.engine import HEAD_REVISION
        from rehabtrack.storage.server import MARK

        row = conn.execute(
            "SELECT version_num, obj_description('alembic_version'::regclass, 'pg_class') "
            "FROM alembic_version"
        ).fetchall()
        return row == [(HEAD_REVISION, MARK)]

    def _upgraded_template(self) -> str:
        if self._template is None:
            import psycopg

            from rehabtrack.storage.store import open_server

            name = f"{self.prefix}_template"
            self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
            self._made.append(name)
            open_server(self.url(name), upgrade=True).close()
            with psycopg.connect(f"dbname={name}") as conn:
                found = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                self._tables = {r[0] for r in found}
            self._template = name
        return self._template

    def close(self) -> None:
        for name in self._made:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.close()


def _delete_every_row(conn: Any) -> None:
    """Every row of RehabTrack's tables gone and their ids starting at 1 again, in one transaction."""
    from rehabtrack.storage.tables import metadata

    with conn.transaction():
        for table in reversed(metadata.sorted_tables):
            conn.execute(f'DELETE FROM "{table.name}"')
        conn.execute(
            "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = 'public'"
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server, or the test is skipped (failed with REHABTRACK_REQUIRE_POSTGRES=1)."""
    try:
        server = PostgresServer()
    except Exception as exc:  # psycopg missing, no server, no role for this user
        why = f"no PostgreSQL server to test on ({' '.join(str(exc).split())}); .ci/postgres starts one"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{why}, and REHABTRACK_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(why)
    yield server
    server.close()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The address of a fresh database at the newest schema, for this test only."""
    name = postgres_server.database()
    yield postgres_server.url(name)
    postgres_server.give_back(name)


@pytest.fixture
def empty_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The address of a fresh database holding no tables, for this test only."""
    name = postgres_server.database(empty=True)
    yield postgres_server.url(name)
    postgres_server.give_back(name)


ClinicOpener = Callable[[int, int], Any]  # (weeks, patients) -> Store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def clinic_of(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ClinicOpener]:
    """``clinic_of(weeks, patients)``: a new database holding that clinic (``tests/benchmarks/clinic.py``:
    its patients and weeks, a LEFS result each and one patient's own threshold), on an SQLite file and on
    the PostgreSQL server."""
    from rehabtrack.core.measure_series import MeasureResult
    from rehabtrack.storage.store import Store, open_server, open_store

    sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
    import clinic  # type: ignore[import-not-found]

    opened: list[Store] = []
    given: list[str] = []
    server = request.getfixturevalue("postgres_server") if request.param == "postgres" else None

    def make(weeks: int, patients: int) -> Store:
        if server is None:
            store = open_store(tmp_path / f"clinic-{len(opened)}")
        else:
            given.append(server.database())
            store = open_server(server.url(given[-1]))
        opened.append(store)
        clinic.fill(store, weeks, patients)
        for p in store.patients():  # a questionnaire each: its answers are read too
            store.save_measure(p.id or 0, MeasureResult("LEFS", clinic.TODAY, (3.0,) * 20))
        store.save_thresholds(store.patients()[-1].id or 0, {"sleep_hours": 1.0})
        return store

    yield make
    for store in opened:
        store.close()
    for name in given:
        server.give_back(name)
