"""A crash at ANY SQL step of opening, upgrading, importing, backing up or restoring loses nothing and
locks nobody out: the next open succeeds with the state before or after, never a mix, never a refusal.

The crashes are real (crash_runner.py ends a forked process with ``os._exit`` from sqlite3's statement
hook: no rollback, no close, as abrupt as SIGKILL for SQLite); every step of each operation is covered.

SQLite only: the crash points are sqlite3's statements in a forked process, and the states checked are the
file's (a PostgreSQL server recovers on its own, and a transaction cut short there never commits).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from old_schemas import released_schemas

from rehabtrack.storage.engine import HEAD_REVISION

HERE = Path(__file__).parent
UPGRADES = [
    f"upgrade-{p.stem.split('-')[1]}" for p in released_schemas() if not p.stem.endswith(HEAD_REVISION)
]
# The fewest steps each operation takes today: fewer would mean the hook no longer sees the steps.
FLOOR = {"first-open": 20, "csv-import": 20, "bundle-import": 20, "backup": 10, "restore": 20}
OPERATIONS = ["first-open", *UPGRADES, "csv-import", "bundle-import", "backup", "restore"]


@pytest.fixture
def work(tmp_path: Path) -> Iterator[Path]:
    """A scratch folder in memory where there is one: a crash test has no need of the disk's fsync."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="rehabtrack-crash-") as folder:
            yield Path(folder)
    else:
        yield tmp_path


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash runner forks one process per crash")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_crash_at_every_step_leaves_the_old_or_the_new_state(operation: str, work: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(HERE / "crash_runner.py"), operation, str(work)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=HERE,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{operation}: crashed at each of {result['steps']} SQL steps, {len(result['failures'])} failures")
    assert result["failures"] == [], "\n".join(result["failures"][:10])
    assert result["steps"] >= FLOOR.get(operation, 20)
