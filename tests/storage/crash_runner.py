"""Helper for the crash-point test: crash an operation at every SQL step, one step per run.

    python crash_runner.py OPERATION WORK_DIR

The operation first runs once with a counting hook; then, for every step k, a forked copy of this
process runs it on a fresh copy of the starting folder and ends abruptly (``os._exit``, as abrupt as
SIGKILL for SQLite: no rollback, no close) just before SQL step k. After each crash the folder is opened
the way the app opens it and must hold either the state before or the state after the operation, never
a mix, and opening must never be refused. Prints one JSON line: the operation, the steps, the failures.

A step is every statement SQLite runs for us (through SQLAlchemy or sqlite3 directly, BEGIN and COMMIT
included, seen by sqlite3's trace callback) and every page step of a backup-API copy.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import traceback
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from old_schemas import build_old_database, released_schemas

from rehabtrack import cli
from rehabtrack.core.model import Activity, ActivityRating, Discipline, Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.storage import csv_io
from rehabtrack.storage.backup import DATABASE_NAME, backup_now, list_backups
from rehabtrack.storage.bundle import export_bundle
from rehabtrack.storage.store import Store, open_store

CRASHED = 86  # exit status of a run that crashed at its step
MONDAY = date(2025, 1, 6)
SKIPPED_COLUMNS = {"created_at", "updated_at", "uid"}  # differ from one run to the next by design


# The crash hook ---------------------------------------------------------------------------------

_step = 0
_crash_at = 0  # 0: never, only count


def _tick(_statement: object = None) -> None:
    global _step
    _step += 1
    if _step == _crash_at:
        os._exit(CRASHED)


class _CrashingConnection(sqlite3.Connection):
    def backup(self, target: sqlite3.Connection, **_kwargs: Any) -> None:  # type: ignore[override]
        # One page per step, so a crash can fall in the middle of the copy.
        super().backup(target, pages=1, progress=lambda *_: _tick(), sleep=0)


_real_connect = sqlite3.connect


def _connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    kwargs.setdefault("factory", _CrashingConnection)
    conn = _real_connect(*args, **kwargs)
    conn.set_trace_callback(_tick)
    return conn


def _install_hook(crash_at: int) -> None:
    global _crash_at
    _crash_at = crash_at
    sqlite3.connect = _connect  # type: ignore[assignment]
    sqlite3.dbapi2.connect = _connect  # type: ignore[assignment]


# Folders and operations ------------------------------------------------------------------------------


def _seed(store: Store, name: str, weeks: int, pain: int) -> None:
    patient = store.save_patient(Patient(name, rehab_start=MONDAY))
    assert patient.id is not None
    walk = store.save_activity(patient.id, Activity("Walk", Discipline.PT))
    assert walk.id is not None
    for i in range(weeks):
        week = MONDAY + timedelta(weeks=i)
        rom = (RomReading("knee", Side.RIGHT, "flexion", 90 + i),)
        store.save_entry(
            patient.id,
            WeeklyEntry(
                week, {"pain": pain, "sleep_hours": 7.0}, rom, (ActivityRating(walk.id, 5),), f"w{i}"
            ),
        )


def _data_folder(work: Path, weeks: int = 4) -> Path:
    folder = work / "start"
    store = open_store(folder)
    _seed(store, "Ann", weeks, 3)
    store.close()
    return folder


def prepare(operation: str, work: Path) -> tuple[Path, Callable[[Path], None]]:
    """The starting folder of ``operation`` and a function running it on a copy of that folder."""
    if operation == "first-open":
        folder = work / "start"
        folder.mkdir()
        return folder, lambda data: open_store(data).close()
    if operation.startswith("upgrade-"):
        dump = next(p for p in released_schemas() if p.stem == f"schema-{operation.split('-')[1]}")
        folder = work / "start"
        build_old_database(dump, folder / DATABASE_NAME)
        return folder, lambda data: open_store(data).close()
    folder = _data_folder(work)
    if operation == "csv-import":
        csv_file = work / "weeks.csv"
        rows = [f"{MONDAY + timedelta(weeks=i)},{i % 10},note {i}" for i in range(2, 8)]
        csv_file.write_text("week,pain,notes\n" + "\n".join(rows) + "\n", encoding="utf-8")
        csv_io.BATCH_ROWS = 2  # three batches in one transaction: a crash may fall between two of them
        return folder, lambda data: _cli(data, "import", str(csv_file), "--patient", "Ann")
    if operation == "bundle-import":
        other = open_store(work / "other")
        _seed(other, "Bea", 5, 6)
        [bea] = other.patients()
        assert bea.id is not None
        bundle = work / "bea.rtbundle"
        export_bundle(other, bea.id, bundle)
        other.close()
        return folder, lambda data: _cli(data, "import", str(bundle))
    if operation == "backup":
        return folder, lambda data: _cli(data, "backup")
    if operation == "restore":
        older = backup_now(folder, "manual")
        kept = work / older.name
        shutil.move(older, kept)
        store = open_store(folder)
        _seed(store, "Cy", 2, 8)  # the folder now differs from the backup
        store.close()
        return folder, lambda data: _cli(data, "restore", str(kept))
    raise SystemExit(f"unknown operation {operation}")


def _cli(data: Path, *args: str) -> None:
    code = cli.main(["--data-dir", str(data), *args])
    if code != 0:
        raise SystemExit(f"rehabtrack {' '.join(args)} exited {code}")


# Checking a folder -------------------------------------------------------------------------------


def state(data: Path) -> dict[str, Any]:
    """Everything stored in the folder's database (schema and rows), without run-to-run differences."""
    with sqlite3.connect(f"{(data / DATABASE_NAME).as_uri()}?mode=ro", uri=True) as conn:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        result: dict[str, Any] = {"application_id": conn.execute("PRAGMA application_id").fetchone()[0]}
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            keep = [c for c in columns if c not in SKIPPED_COLUMNS]
            select = ", ".join(f'"{c}"' for c in keep)
            rows = conn.execute(f'SELECT {select} FROM "{table}"').fetchall()
            result[table] = [keep, sorted(rows, key=repr)]
    conn.close()
    return json.loads(json.dumps(result, default=str))


def check_after_crash(data: Path, allowed: list[dict[str, Any]]) -> str | None:
    """Open the folder as the app does; None if it opens with one of the ``allowed`` states."""
    try:
        store = open_store(data)
        store.patients(include_archived=True)
        store.close()
    except BaseException as exc:  # noqa: BLE001 - any refusal is the failure being looked for
        return f"the next open was refused: {type(exc).__name__}: {exc}"
    now = state(data)
    if now not in allowed:
        return "the database holds neither the state before nor the state after the operation"
    with sqlite3.connect(data / DATABASE_NAME) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return "integrity check failed"
    conn.close()
    folder = data / "backups"
    leftovers = sorted(p.name for p in folder.glob("*.partial*")) if folder.is_dir() else []
    if leftovers:
        return f"a killed backup left {leftovers} behind"
    for backup in list_backups(data):
        with sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return f"the backup {backup.name} is damaged"
        conn.close()
    return None


# Running ------------------------------------------------------------------------------------------


def _in_child(data: Path, run: Callable[[Path], None], crash_at: int) -> int:
    """Run the operation on ``data`` in a forked copy of this process; returns its exit status."""
    pid = os.fork()
    if pid == 0:  # the child: crash at the step, or finish
        code = 0
        try:
            _install_hook(crash_at)
            run(data)
            if crash_at == 0:
                print(json.dumps({"steps": _step}), file=sys.stderr, flush=True)
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def main() -> int:
    operation, work = sys.argv[1], Path(sys.argv[2])
    start, run = prepare(operation, work)
    before = state(start) if (start / DATABASE_NAME).exists() else None

    counted = work / "counted"
    shutil.copytree(start, counted)
    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)  # the counting child reports its step count on stderr
    status = _in_child(counted, run, 0)
    os.dup2(saved, 2)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = pipe.read()
    if status != 0:
        print(report, file=sys.stderr)
        return 1
    steps = json.loads(report.strip().splitlines()[-1])["steps"]
    after = state(counted)
    allowed = [after] if before is None or operation.startswith("upgrade-") else [before, after]

    failures: list[str] = []
    for k in range(1, steps + 1):
        data = work / f"crash-{k}"
        shutil.copytree(start, data)
        status = _in_child(data, run, k)
        if status != CRASHED:
            failures.append(f"step {k}: the run did not crash there (exit {status})")
            continue
        problem = check_after_crash(data, allowed)
        if problem is not None:
            failures.append(f"step {k}: {problem}")
        shutil.rmtree(data)
    print(json.dumps({"operation": operation, "steps": steps, "failures": failures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
