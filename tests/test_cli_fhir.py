"""``rehabtrack export --format fhir`` and importing its file back, through the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 24)  # as in conftest: the demo patient's weeks end here


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def _one_plain_line(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rehabtrack.storage.demo import seed_demo
    from rehabtrack.storage.store import open_store

    folder = tmp_path_factory.mktemp("seeded") / "data"
    store = open_store(folder)
    seed_demo(store, TODAY)
    store.close()
    return folder


@pytest.fixture
def data_folder(seeded: Path, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    shutil.copytree(seeded, folder)
    yield folder


def _database_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("rehabtrack.db")}


def test_export_then_import_into_another_data_folder(data_folder: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "margaret.fhir.json"
    out = _run(
        "--data-dir", str(data_folder), "export", "--format", "fhir", "--out", str(out_file),
        "--patient", "margaret demo", "--subject-identifier", "urn:oid:1.2.3.4|MRN-9",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Exported Margaret Demo's records (24 weekly entries, ")
    assert out_file.stat().st_mode & 0o777 == 0o600
    bundle = json.loads(out_file.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    patient = bundle["entry"][0]["resource"]
    assert {"use": "official", "system": "urn:oid:1.2.3.4", "value": "MRN-9"} in patient["identifier"]

    other = tmp_path / "other"
    out = _run("--data-dir", str(other), "import", str(out_file))
    assert out.returncode == 0, out.stderr
    assert f"Imported Margaret Demo's records from the FHIR Bundle {out_file}." in out.stdout
    assert "Margaret Demo (new patient): 24 weeks added, 5 activities added, 7 goals added" in out.stdout
    out = _run("--data-dir", str(other), "import", str(out_file))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Nothing new in {out_file}")


def test_collection_deidentified_and_a_period(data_folder: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "archive.json"
    out = _run(
        "--data-dir", str(data_folder), "export", "--format", "fhir", "--out", str(out_file),
        "--bundle-type", "collection", "--deidentify", "--from", "2026-07-01", "--to", "2026-07-31",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Margaret" not in out.stdout + out_file.read_text(encoding="utf-8")
    bundle = json.loads(out_file.read_text(encoding="utf-8"))
    assert bundle["type"] == "collection"
    weeks = {
        e["resource"]["effectivePeriod"]["start"]
        for e in bundle["entry"]
        if "effectivePeriod" in e["resource"]
    }
    assert len(weeks) in (4, 5)  # the Mondays of July, moved back by whole weeks


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "csv", "--deidentify"], "rehabtrack: --deidentify works with --format fhir only."),
        (
            ["--format", "bundle", "--bundle-type", "collection"],
            "--bundle-type works with --format fhir only",
        ),
        (["--format", "fhir", "--from", "2026-02-30"], "--from: must be a date written YYYY-MM-DD"),
        (
            ["--format", "fhir", "--from", "2026-08-01", "--to", "2026-07-01"],
            "--from (2026-08-01) must be on or",
        ),
        (["--format", "fhir", "--subject-identifier", "12345"], "--subject-identifier: must be SYSTEM|VALUE"),
        (["--format", "fhir", "--patient", "Bob"], "no patient named 'Bob'"),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(
    args: list[str], says: str, data_folder: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "x.json"
    out = _run("--data-dir", str(data_folder), "export", "--out", str(out_file), *args)
    assert says in _one_plain_line(out)
    assert not out_file.exists()


def test_a_damaged_fhir_file_is_one_line_naming_each_resource(data_folder: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "d.json"
    assert (
        _run("--data-dir", str(data_folder), "export", "--format", "fhir", "--out", str(out_file)).returncode
        == 0
    )
    bundle = json.loads(out_file.read_text(encoding="utf-8"))
    observations = [
        n for n, e in enumerate(bundle["entry"], 1) if e["resource"]["resourceType"] == "Observation"
    ]
    first, third = observations[0], observations[2]
    for n in (first, third):
        del bundle["entry"][n - 1]["resource"]["status"]
    out_file.write_text(json.dumps(bundle), encoding="utf-8")
    before = _database_bytes(data_folder)
    line = _one_plain_line(_run("--data-dir", str(data_folder), "import", str(out_file)))
    assert line.startswith(
        f"rehabtrack: Nothing was imported: {out_file} has 2 resource(s) RehabTrack cannot read:"
    )
    assert f"entry {first} (Observation " in line and f"entry {third} (Observation " in line
    assert line.count("status:") == 2
    assert _database_bytes(data_folder) == before
