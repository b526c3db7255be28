"""The rehabtrack command: version, CSV export/import through the command line, bad files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rehabtrack import __version__


def _run(*args: str, env_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args], capture_output=True, text=True, timeout=120
    )


def test_version() -> None:
    out = _run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"RehabTrack {__version__}"


def test_demo_export_then_import_into_a_data_dir(tmp_path: Path) -> None:
    csv_file = tmp_path / "demo.csv"
    out = _run("--demo", "export", "--format", "csv", "--out", str(csv_file))
    assert out.returncode == 0, out.stderr
    assert csv_file.read_text().startswith("patient,week,")
    data = tmp_path / "data"
    out = _run("--data-dir", str(data), "import", str(csv_file), "--patient", "Copy of demo")
    assert out.returncode == 0, out.stderr
    assert "Imported" in out.stdout
    out = _run(
        "--data-dir", str(data), "export", "--out", str(tmp_path / "again.csv"), "--patient", "copy of demo"
    )
    assert out.returncode == 0, out.stderr
    assert len(csv_file.read_text().splitlines()) == len((tmp_path / "again.csv").read_text().splitlines())


def test_bad_import_says_which_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("week,pain\n2025-03-03,15\n")
    out = _run("--data-dir", str(tmp_path / "data"), "import", str(bad), "--patient", "Ann")
    assert out.returncode == 2
    assert "row 2, column 'pain', value '15'" in out.stderr
    assert "Nothing was imported" in out.stderr


def test_unknown_patient_is_named(tmp_path: Path) -> None:
    csv_file = tmp_path / "ann.csv"
    csv_file.write_text("week,pain\n2025-03-10,5\n")
    made = _run("--data-dir", str(tmp_path / "data"), "import", str(csv_file), "--patient", "Ann")
    assert made.returncode == 0, made.stderr
    out = _run(
        "--data-dir", str(tmp_path / "data"), "export", "--out", str(tmp_path / "x.csv"), "--patient", "Bob"
    )
    assert out.returncode != 0
    assert "no patient named 'Bob' (patients: Ann)" in out.stderr


def test_a_file_that_is_not_ours_is_refused_unchanged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "rehabtrack.db"
    db.write_bytes(b"%PDF-1.4 not a database" * 100)
    before = db.read_bytes()
    out = _run("--data-dir", str(data), "export", "--out", str(tmp_path / "x.csv"))
    assert out.returncode == 2
    assert "not a RehabTrack database" in out.stderr
    assert db.read_bytes() == before


def _rows(csv_file: Path) -> list[dict[str, str]]:
    import csv

    with csv_file.open(encoding="utf-8", newline="") as f:
        return [{k: v for k, v in row.items() if v} for row in csv.DictReader(f)]


def test_import_lists_conflicts_keeps_the_stored_values_unless_told_and_never_erases(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    first = tmp_path / "first.csv"
    first.write_text("week,pain,sleep_hours,notes\n2026-11-16,4,7,slept well\n", encoding="utf-8")
    assert _run("--data-dir", data, "import", str(first), "--patient", "Ann Example").returncode == 0
    second = tmp_path / "second.csv"
    second.write_text("week,pain\n2026-11-16,6\n2026-11-23,5\n", encoding="utf-8")

    out = _run("--data-dir", data, "import", str(second), "--patient", "  ann EXAMPLE ")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:3] == [
        f"Imported {second}.",
        "Ann Example: 1 week added, 1 week already there, 1 in conflict (stored values kept).",
        "  week of 2026-11-16, Pain (weekly average): stored 4, in the file 6",
    ]
    assert "import again with --on-conflict replace" in lines[3]
    assert (
        lines[4].startswith("A backup from just before the import: ")
        and Path(lines[4].split(": ", 1)[1]).exists()
    )
    exported = tmp_path / "out.csv"
    assert _run("--data-dir", data, "export", "--out", str(exported)).returncode == 0
    assert _rows(exported) == [
        {
            "patient": "Ann Example",
            "week": "2026-11-16",
            "pain": "4",
            "sleep_hours": "7",
            "notes": "slept well",
        },
        {"patient": "Ann Example", "week": "2026-11-23", "pain": "5"},
    ]

    out = _run(
        "--data-dir", data, "import", str(second), "--patient", "ANN EXAMPLE", "--on-conflict", "replace"
    )
    assert out.returncode == 0, out.stderr
    assert "1 in conflict (file's values taken)" in out.stdout
    assert _run("--data-dir", data, "export", "--out", str(exported)).returncode == 0
    assert _rows(exported)[0] == {
        "patient": "Ann Example",
        "week": "2026-11-16",
        "pain": "6",
        "sleep_hours": "7",
        "notes": "slept well",
    }


@pytest.mark.parametrize(
    ("fmt", "name"), [("csv", "weeks.csv"), ("bundle", "all.json"), ("fhir", "record.json"), ("pdf", "p.pdf")]
)
def test_an_output_name_that_is_a_link_writes_the_file_it_points_to(
    tmp_path: Path, fmt: str, name: str
) -> None:
    """A person who keeps ``progress.pdf`` as a link into a synced folder finds the synced file new and the
    link still a link."""
    synced = tmp_path / "synced"
    synced.mkdir()
    (synced / name).write_text("last week's")
    link = tmp_path / name
    link.symlink_to(synced / name)
    if fmt == "pdf":
        out = _run("--demo", "report", "--out", str(link))
    else:
        out = _run("--demo", "export", "--format", fmt, "--out", str(link), "--patient", "Margaret Demo")
    assert out.returncode == 0, out.stderr
    assert link.is_symlink() and link.resolve() == synced / name
    assert (synced / name).read_bytes() != b"last week's"
    assert (synced / name).stat().st_size > 1000
    assert [p.name for p in synced.iterdir()] == [name]  # no temporary file left beside it
