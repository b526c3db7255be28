"""RehabTrack on a PostgreSQL server: the address a person types, opening, refusing what is not ours, and the
test server itself (a missing one fails the run where it is required)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from rehabtrack.core.model import Patient
from rehabtrack.storage.engine import HEAD_REVISION
from rehabtrack.storage.errors import ConnectionProblem, NewerSchema, NotRehabTrackDatabase, SchemaBehind
from rehabtrack.storage.server import BadAddress, server_url
from rehabtrack.storage.store import open_server


@pytest.mark.parametrize(
    ("typed", "driver", "host", "database"),
    [
        ("postgresql://db.clinic.example/rehab", "postgresql+psycopg", "db.clinic.example", "rehab"),
        ("postgres://priya@db.clinic.example:5433/rehab", "postgresql+psycopg", "db.clinic.example", "rehab"),
        ("postgresql:///rehab", "postgresql+psycopg", None, "rehab"),
        (" postgresql+psycopg:///rehab?host=/var/run/postgresql ", "postgresql+psycopg", None, "rehab"),
    ],
)
def test_a_postgresql_address_is_given_the_psycopg_driver(
    typed: str, driver: str, host: str | None, database: str
) -> None:
    url = server_url(typed)
    assert (url.drivername, url.host, url.database) == (driver, host, database)


@pytest.mark.parametrize(
    "typed",
    [
        "postgresql://priya:secret@db.clinic.example/rehab",
        "postgresql://priya:@db.clinic.example/rehab",
        "postgresql://db.clinic.example/rehab?password=secret",
    ],
)
def test_an_address_holding_a_password_is_refused_without_repeating_it(typed: str) -> None:
    with pytest.raises(BadAddress) as caught:
        server_url(typed)
    message = str(caught.value)
    assert "holds a password" in message
    assert "secret" not in message and "\n" not in message


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("sqlite:///home/priya/rehabtrack.db", "not a PostgreSQL address"),
        ("mysql://db.clinic.example/rehab", "not a PostgreSQL address"),
        ("db.clinic.example", "not a database address"),
        ("postgresql://db.clinic.example", "names no database"),
    ],
)
def test_an_address_that_is_not_a_postgresql_database_is_refused(typed: str, said: str) -> None:
    with pytest.raises(BadAddress, match=said):
        server_url(typed)


def test_an_unreachable_server_is_one_plain_message(tmp_path: Path) -> None:
    address = f"postgresql:///rehab?host={tmp_path}"  # a socket folder where no server listens
    with pytest.raises(ConnectionProblem) as caught:
        open_server(address)
    message = str(caught.value)
    said = f"RehabTrack cannot connect to the database postgresql:///rehab?host={tmp_path} ("
    assert message.startswith(said)
    assert "Nothing was changed" in message and "\n" not in message


@pytest.mark.postgres
def test_a_new_database_is_set_up_and_opened_again_unchanged(empty_postgres_url: str) -> None:
    store = open_server(empty_postgres_url, upgrade=True)
    ann = store.save_patient(Patient("Ann Lee"))
    store.close()
    again = open_server(empty_postgres_url)
    assert [p.display_name for p in again.patients()] == ["Ann Lee"]
    assert again.patient(ann.id or 0).created_at == ann.created_at
    assert again.path is None and again.data_dir is None
    again.close()


@pytest.mark.postgres
def test_only_an_upgrade_sets_up_a_new_database(empty_postgres_url: str) -> None:
    with pytest.raises(SchemaBehind) as caught:
        open_server(empty_postgres_url)
    assert str(caught.value) == (
        f"The database {empty_postgres_url} is not set up for RehabTrack yet; this RehabTrack needs schema "
        f"{HEAD_REVISION}. Nothing was changed. The database's owner sets it up with: rehabtrack db upgrade "
        f"--database {empty_postgres_url}"
    )
    with psycopg.connect(empty_postgres_url.replace("postgresql:///", "dbname=")) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


@pytest.mark.postgres
def test_an_ordinary_start_never_upgrades_an_older_database(empty_postgres_url: str, tmp_path: Path) -> None:
    from old_schemas import FIXTURES, build_old_server_database

    build_old_server_database(FIXTURES / "schema-0004.sql", empty_postgres_url, tmp_path / "scratch.db")
    with pytest.raises(
        SchemaBehind, match=rf"is at schema 0004; this RehabTrack needs schema {HEAD_REVISION}"
    ):
        open_server(empty_postgres_url)
    with psycopg.connect(empty_postgres_url.replace("postgresql:///", "dbname=")) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
    open_server(empty_postgres_url, upgrade=True).close()
    open_server(empty_postgres_url).close()


@pytest.mark.postgres
def test_another_programs_database_is_refused_unchanged(empty_postgres_url: str) -> None:
    dsn = empty_postgres_url.replace("postgresql:///", "dbname=")
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE invoice (id integer PRIMARY KEY, amount numeric)")
    with pytest.raises(NotRehabTrackDatabase, match="another program's tables"):
        open_server(empty_postgres_url)
    with psycopg.connect(dsn) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    assert tables == [("invoice",)]


@pytest.mark.postgres
def test_a_database_of_a_newer_rehabtrack_is_refused_naming_both_schemas(postgres_url: str) -> None:
    dsn = postgres_url.replace("postgresql:///", "dbname=")
    with psycopg.connect(dsn) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    said = rf"newer version of RehabTrack \(schema 9999\).*up to schema {HEAD_REVISION}"
    with pytest.raises(NewerSchema, match=said):
        open_server(postgres_url)


RUN_ONE = """
import pytest

@pytest.mark.postgres
def test_needs_the_server(postgres_url):
    pass
"""


@pytest.mark.parametrize(("required", "outcome"), [("1", "1 error"), ("", "1 skipped")])
def test_without_a_server_the_postgres_tests_skip_unless_required(
    tmp_path: Path, required: str, outcome: str
) -> None:
    tests = Path(__file__).parents[1]
    shutil.copy(tests / "conftest.py", tmp_path)  # the fixtures under test, nothing else
    (tmp_path / "test_one.py").write_text(RUN_ONE, encoding="utf-8")
    env = {**os.environ, "PGHOST": str(tmp_path), "REHABTRACK_REQUIRE_POSTGRES": required}
    config = str(tests.parent / "pyproject.toml")
    options = ["-q", "-p", "no:cacheprovider", "-c", config, "--rootdir", str(tmp_path)]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *options, str(tmp_path / "test_one.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert outcome in run.stdout, run.stdout + run.stderr
