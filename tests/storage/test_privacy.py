"""Health data stays private: user-only files, no spreadsheet formulas, no network, nothing in the logs."""

from __future__ import annotations

import csv
import logging
import os
import socket
from datetime import date
from pathlib import Path

import pytest

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.fhir.export import export_fhir
from rehabtrack.storage.backup import backup_now
from rehabtrack.storage.bundle import export_bundle
from rehabtrack.storage.csv_io import export_csv, import_csv
from rehabtrack.storage.errors import DiskFull
from rehabtrack.storage.logs import setup_logging
from rehabtrack.storage.store import DATABASE_NAME, open_store

MONDAY = date(2025, 3, 3)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@posix_only
def test_data_folder_database_wal_backups_and_exports_are_the_users_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # a typical umask: everything would be world-readable by default
    try:
        data_dir = tmp_path / "data"
        store = open_store(data_dir)
        ann = store.save_patient(Patient("Ann"))
        store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 3}))
        backup = backup_now(data_dir)
        csv_out, bundle_out, fhir_out = tmp_path / "a.csv", tmp_path / "a.rtbundle", tmp_path / "a.json"
        export_csv(store, csv_out, [ann.id])
        export_bundle(store, ann.id, bundle_out)
        export_fhir(store, ann.id, fhir_out)
        assert _mode(data_dir) == 0o700
        assert _mode(data_dir / "backups") == 0o700
        for path in (
            data_dir / DATABASE_NAME,
            data_dir / (DATABASE_NAME + "-wal"),
            backup,
            csv_out,
            bundle_out,
            fhir_out,
        ):
            assert _mode(path) == 0o600, path
        store.close()
        data_dir.chmod(0o755)  # loosened by someone: opening tightens it again
        open_store(data_dir).close()
        assert _mode(data_dir) == 0o700
    finally:
        os.umask(old_umask)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "'="])
def test_csv_text_cells_that_a_spreadsheet_would_run_are_neutralised(start: str, tmp_path: Path) -> None:
    store = open_store(tmp_path / "data")
    name = f"{start}Ann" if start not in ("\t", "\r") else "Ann"
    ann = store.save_patient(Patient(name))
    notes = f'{start}HYPERLINK("http://evil.example", "x")'
    rom = (RomReading("knee", Side.RIGHT, "extension", -5),)
    store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 3, "sleep_hours": 6.5}, rom, notes=notes))
    out = tmp_path / "out.csv"
    export_csv(store, out, [ann.id])
    with out.open(encoding="utf-8", newline="") as f:
        [row] = csv.DictReader(f)
    assert row["notes"] == "'" + notes
    assert row["patient"] == ("'" + name if name != "Ann" else "Ann")
    assert row["pain"] == "3" and row["sleep_hours"] == "6.5"  # numbers stay numbers
    assert row["rom:knee:right:extension:active"] == "-5"  # negative numbers too: no prefix

    other = open_store(tmp_path / "other")
    import_csv(other, out)
    [copy] = other.patients()
    assert copy.display_name == name
    [entry] = other.entries(copy.id)
    assert entry.notes == notes and entry.rom[0].degrees == -5
    store.close()
    other.close()


def test_the_network_guard_fails_any_connection(network_guard) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="must not use the network"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with (
        pytest.raises(RuntimeError, match="must not use the network"),
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
    ):
        sock.connect(("127.0.0.1", 9))
    with (
        pytest.raises(RuntimeError, match="must not use the network"),
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock,
    ):
        sock.sendto(b"x", ("::1", 9))
    assert len(network_guard.attempts) == 3
    network_guard.attempts.clear()  # these were on purpose; any other attempt fails the test
    left, right = socket.socketpair()  # local sockets stay allowed
    left.close()
    right.close()


CANARY = "CANARY-7731"


def test_logs_never_contain_notes_or_names(tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path / "logs", level=logging.DEBUG)
    # Even with SQL logging switched on by someone debugging, parameters must stay hidden.
    sql_logger = logging.getLogger("sqlalchemy.engine")
    sql_logger.setLevel(logging.INFO)
    sql_logger.addHandler(logging.getLogger("rehabtrack").handlers[-1])
    try:
        data_dir = tmp_path / "data"
        store = open_store(data_dir)
        ann = store.save_patient(Patient(f"Ann {CANARY}"))
        store.save_entry(ann.id, WeeklyEntry(MONDAY, {"pain": 7}, notes=f"note {CANARY}"))
        store.entries(ann.id)
        backup_now(data_dir)
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        from sqlalchemy import event

        @event.listens_for(store.engine, "connect")
        def _full(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        store.engine.dispose()
        with pytest.raises(DiskFull) as caught:  # a failing save is logged without its data too
            for i in range(1, 50):
                week = date.fromordinal(MONDAY.toordinal() + 7 * i)
                store.save_entry(ann.id, WeeklyEntry(week, {"pain": 7}, notes=f"{CANARY} " * 300))
        logging.getLogger("rehabtrack.test").error("save failed", exc_info=caught.value)
        store.close()
    finally:
        sql_logger.handlers.clear()
        sql_logger.setLevel(logging.WARNING)
    for handler in logging.getLogger("rehabtrack").handlers:
        handler.flush()
    logs = [p for p in log_file.parent.iterdir() if p.name.startswith("rehabtrack.log")]
    text = "".join(p.read_text(encoding="utf-8") for p in logs)
    assert "INSERT INTO weekly_entry" in text  # the SQL was logged ...
    assert "backup written" in text
    assert CANARY not in text  # ... but never the data it carried
    if os.name == "posix":
        assert _mode(log_file) == 0o600


@pytest.mark.postgres
def test_a_server_refusing_a_row_never_repeats_its_data(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL's own message would repeat the refused row (its notes, the patient's name)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from rehabtrack.storage.store import open_server

    store = open_server(postgres_url)
    ann = store.save_patient(Patient("Ann"))
    week = sa.text(
        "INSERT INTO weekly_entry (patient_id, week, pain, notes, updated_at) "
        "VALUES (:patient, :week, 11, :notes, CURRENT_TIMESTAMP)"
    )
    activity = sa.text(
        "INSERT INTO activity (patient_id, name, discipline, archived, position) "
        "VALUES (:patient, :name, 'PT', false, 0)"
    )
    said = []
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    with pytest.raises(IntegrityError) as caught, store.engine.begin() as conn:
        conn.execute(week, {"patient": ann.id, "week": MONDAY, "notes": f"note {CANARY}"})
    said.append(str(caught.value))
    with pytest.raises(IntegrityError) as caught, store.engine.begin() as conn:
        for _ in range(2):
            conn.execute(activity, {"patient": ann.id, "name": f"Walk {CANARY}"})
    said.append(str(caught.value))
    store.close()
    assert 'violates check constraint "ck_pain_range"' in said[0]
    assert 'violates unique constraint "uq_activity_patient_name"' in said[1]
    assert CANARY not in " ".join(said) + caplog.text
