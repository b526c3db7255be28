"""A bad command-line argument, through the real command: exit 2, one plain line naming the option and the
allowed form, no traceback, nothing written, and the database file not changed by a single byte."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

NEXT_YEAR_END = f"{date.today().year + 1}-12-31"


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rehabtrack.storage.demo import seed_demo
    from rehabtrack.storage.store import open_store

    folder = tmp_path_factory.mktemp("args") / "data"
    store = open_store(folder)
    seed_demo(store, date(2026, 11, 24))
    store.close()
    return folder


CASES = [
    (("report", "--to", "9999-12-31"), f"--to: The date must be from 1900-01-01 to {NEXT_YEAR_END}"),
    (("report", "--from", "0001-01-01"), f"--from: The date must be from 1900-01-01 to {NEXT_YEAR_END}"),
    (("report", "--from", "1899-12-31", "--to", "1900-02-05"), "--from: The date must be from 1900-01-01"),
    (("export", "--patient", "Nobody"), "no patient named 'Nobody' (patients: Margaret Demo)"),
    (("export", "--format", "bundle", "--patient", "Nobody"), "no patient named 'Nobody'"),
]


@pytest.mark.parametrize(("args", "says"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_a_bad_argument_is_one_plain_line_and_writes_nothing(
    args: tuple[str, ...], says: str, data_folder: Path, tmp_path: Path
) -> None:
    db = data_folder / "rehabtrack.db"
    before = db.read_bytes()
    out_file = tmp_path / "out.file"
    out = subprocess.run(
        [sys.executable, "-m", "rehabtrack", "--data-dir", str(data_folder), args[0], "--out", str(out_file)]
        + list(args[1:]),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert says in line
    assert not out_file.exists() and list(tmp_path.iterdir()) == []
    assert db.read_bytes() == before


def test_a_name_two_patients_share_is_refused_everywhere_not_picked(tmp_path: Path) -> None:
    """Names match without case or outer spaces; where two patients match, no command picks one of them."""
    from rehabtrack.core.model import Patient
    from rehabtrack.storage.demo import seed_demo
    from rehabtrack.storage.store import open_store

    data = tmp_path / "data"
    store = open_store(data)
    seed_demo(store, date(2026, 11, 24))
    store.save_patient(Patient(" margaret DEMO"))
    store.close()
    db = data / "rehabtrack.db"
    before = db.read_bytes()
    csv_file = tmp_path / "w.csv"
    csv_file.write_text("week,pain\n2026-11-30,4\n")
    for args in (
        ("import", str(csv_file), "--patient", "MARGARET demo "),
        ("export", "--patient", "margaret demo", "--out", str(tmp_path / "x.csv")),
        ("report", "--patient", "margaret demo", "--out", str(tmp_path / "r.pdf")),
    ):
        out = subprocess.run(
            [sys.executable, "-m", "rehabtrack", "--data-dir", str(data), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        [line] = out.stderr.strip().splitlines()
        assert "2 patients are named 'Margaret Demo', 'margaret DEMO'; rename one of them first" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "w.csv"]
    assert db.read_bytes() == before
