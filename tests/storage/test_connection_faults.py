"""A clinic server that is down, refuses the password or its certificate, or loses the connection in the
middle of a save: one plain message saying what happened and what to do, nothing half-written, and the
same save works once the cause is gone. Passwords come from the keyring (a file of the test's own)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event
from tls_server import TlsServer, self_signed

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.rom import RomMode, RomReading, Side
from rehabtrack.storage import credentials
from rehabtrack.storage.errors import ConnectionProblem
from rehabtrack.storage.server import BadAddress, server_url
from rehabtrack.storage.store import Store, open_server

WEEK = date(2026, 11, 16)


def _entry() -> WeeklyEntry:
    rom = (RomReading("knee", Side.RIGHT, "flexion", 105.0, RomMode.ACTIVE),)
    return WeeklyEntry(WEEK, {"pain": 4.0, "sleep_hours": 6.5}, rom=rom, notes="stairs were hard")


def _one_plain_line(problem: ConnectionProblem) -> str:
    message = str(problem)
    assert "\n" not in message and "Traceback" not in message and "psycopg" not in message
    assert "Nothing was changed" in message
    return message


def test_a_server_that_is_down_is_named_with_what_to_do() -> None:
    with pytest.raises(ConnectionProblem) as caught:
        open_server("postgresql://127.0.0.1:1/rehab")  # nothing listens on port 1
    message = _one_plain_line(caught.value)
    assert caught.value.kind == "down"
    assert message.startswith("RehabTrack cannot connect to the database postgresql://127.0.0.1:1/rehab (")
    assert "Connection refused" in message and "that the server is running" in message


def test_tls_settings_are_taken_from_the_address_and_a_password_never_is(tmp_path: Path) -> None:
    url = server_url("postgresql://priya@db.clinic.example/rehab?sslmode=verify-full&sslrootcert=~/ca.crt")
    assert url.query["sslmode"] == "verify-full"
    assert url.query["sslrootcert"] == str(Path.home() / "ca.crt")
    with pytest.raises(
        BadAddress, match="sslmode=verify-ful in the database address is not a TLS mode PostgreSQL knows"
    ):
        server_url("postgresql://db.clinic.example/rehab?sslmode=verify-ful")
    with pytest.raises(BadAddress, match="holds a password"):
        server_url("postgresql://priya:secret@db.clinic.example/rehab")


def test_the_keyring_keeps_a_password_per_server_and_user() -> None:
    clinic = server_url("postgresql://priya@db.clinic.example/rehab")
    same_server_other_user = server_url("postgresql://sam@db.clinic.example/rehab")
    other_port = server_url("postgresql://priya@db.clinic.example:5433/rehab")
    credentials.save_password(clinic, "s3cret")
    assert credentials.password(clinic) == "s3cret"
    assert credentials.password(same_server_other_user) is None
    assert credentials.password(other_port) is None
    credentials.forget_password(clinic)
    assert credentials.password(clinic) is None


@pytest.mark.parametrize(
    ("host", "root", "said"),
    [
        ("127.0.0.1", "other", "certificate verify failed"),  # signed by someone else
        ("db.clinic.example", "own", "does not match host name"),  # the right root, the wrong server
    ],
)
def test_a_certificate_that_cannot_be_verified_stops_before_anything_is_sent(
    tmp_path: Path, host: str, root: str, said: str
) -> None:
    cert, key = self_signed(tmp_path, "server", host)
    other, _ = self_signed(tmp_path, "other", "127.0.0.1")
    server = TlsServer(cert, key)
    rootcert = other if root == "other" else cert
    address = f"postgresql://127.0.0.1:{server.port}/rehab?sslmode=verify-full&sslrootcert={rootcert}"
    try:
        with pytest.raises(ConnectionProblem) as caught:
            open_server(address)
    finally:
        server.close()
    message = _one_plain_line(caught.value)
    assert caught.value.kind == "certificate"
    assert "could not be verified" in message and said in message and "root certificate" in message


# On the real server ---------------------------------------------------------------------------------


@pytest.fixture
def therapist(postgres_server: Any, postgres_url: str) -> Iterator[tuple[str, str]]:
    """A login role with a password, reached over TCP on 127.0.0.1 (scram), and its address."""
    role = f"rt_pw_{uuid.uuid4().hex[:8]}"
    database = postgres_url.rsplit("/", 1)[-1]
    postgres_server.admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right horse battery'")
    with psycopg.connect(f"dbname={database}", autocommit=True) as conn:
        conn.execute(f"GRANT SELECT ON alembic_version TO {role}")
    yield role, f"postgresql://{role}@127.0.0.1/{database}"
    with psycopg.connect(f"dbname={database}", autocommit=True) as conn:
        conn.execute(f"REVOKE SELECT ON alembic_version FROM {role}")
    postgres_server.admin.execute(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_a_wrong_or_missing_password_says_where_to_enter_it(therapist: tuple[str, str]) -> None:
    role, address = therapist
    with pytest.raises(ConnectionProblem) as caught:
        open_server(address)
    message = _one_plain_line(caught.value)
    assert caught.value.kind == "password"
    assert f"no password is saved for {role}" in message and "Preferences → Clinic server" in message

    credentials.save_password(server_url(address), "wrong horse")
    with pytest.raises(ConnectionProblem) as caught:
        open_server(address)
    message = _one_plain_line(caught.value)
    assert f"the server refused the password of {role}" in message
    assert "wrong horse" not in message

    credentials.save_password(server_url(address), "right horse battery")
    store = open_server(address)  # the keyring's password logs in; the address never held it
    assert role in store.location and "horse" not in store.location
    store.close()


def _kill(pid: int) -> None:
    """End a server process the way an administrator, a crash or a cut network does, and wait for it."""
    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):
            if admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone() is None:
                return
            time.sleep(0.05)


def _weeks_on_server(address: str) -> int:
    with psycopg.connect(f"dbname={address.rsplit('/', 1)[-1]}") as conn:
        row = conn.execute("SELECT count(*) FROM weekly_entry").fetchone()
        rom = conn.execute("SELECT count(*) FROM rom_measurement").fetchone()
    assert row is not None and rom is not None
    return int(row[0]) + int(rom[0])


def _cut_before_write(store: Store, at: int = 2) -> None:
    """The connection dies within the next save, before its ``at``-th INSERT, UPDATE or DELETE (by
    default after the first, between the statements of one save)."""
    writes = 0

    def cut(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        # It stays listening, inert after its cut: removing a listener while the engine runs its
        # listeners would break their iteration.
        nonlocal writes
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes += 1
            if writes == at:
                _kill(cursor.connection.info.backend_pid)

    event.listen(store.engine, "before_cursor_execute", cut)


@pytest.mark.postgres
def test_a_connection_cut_in_the_middle_of_a_save_writes_nothing_and_retry_works(postgres_url: str) -> None:
    store = open_server(postgres_url)
    patient = store.save_patient(Patient("Ann Lee"))
    pid = patient.id or 0
    _cut_before_write(store)
    with pytest.raises(ConnectionProblem) as caught:
        store.save_entry(pid, _entry())
    message = _one_plain_line(caught.value)
    assert caught.value.kind == "lost"
    assert "The connection to the database server" in message and "was lost" in message
    assert _weeks_on_server(postgres_url) == 0  # not the week without its angles: nothing

    saved = store.save_entry(pid, _entry())  # Retry: a new connection, the whole week
    assert _weeks_on_server(postgres_url) == 2
    assert store.entry(pid, WEEK) == saved
    store.close()


@pytest.mark.postgres
def test_a_server_restarted_between_two_saves_is_not_noticed(postgres_url: str) -> None:
    store = open_server(postgres_url)
    patient = store.save_patient(Patient("Ann Lee"))
    with store.engine.connect() as conn:  # the pooled connection the next save would use
        backend = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    _kill(backend)
    store.save_entry(patient.id or 0, _entry())
    assert _weeks_on_server(postgres_url) == 2
    store.close()
