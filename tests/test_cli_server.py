"""The command line on a PostgreSQL database: ``--database URL`` or REHABTRACK_DATABASE_URL instead of the
data folder, for import, export and report alike; backup and restore say how the server's owner does them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.engine import HEAD_REVISION
from rehabtrack.storage.store import open_server, open_store


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.postgres
def test_a_bundle_imported_into_the_server_gives_the_same_report_and_csv(
    postgres_url: str, tmp_path: Path, today: date
) -> None:
    home = open_store(tmp_path / "home")  # a patient's own computer
    seed_demo(home, today)
    [patient] = home.patients()
    weeks = len(home.entries(patient.id or 0))
    home.close()
    bundle = tmp_path / "margaret.rtbundle"
    out = _cli("export", "--data-dir", str(tmp_path / "home"), "--format", "bundle", "--patient",
               patient.display_name, "--out", str(bundle))  # fmt: skip
    assert out.returncode == 0, out.stderr

    out = _cli("--database", postgres_url, "import", str(bundle))
    assert out.returncode == 0, out.stderr
    assert f"{patient.display_name} (new patient): {weeks} weeks added" in out.stdout
    assert "backup" not in out.stdout  # no file to back up on a server
    server = open_server(postgres_url)
    [stored] = server.patients()
    assert stored.display_name == patient.display_name and len(server.entries(stored.id or 0)) == weeks
    server.close()

    pdf = tmp_path / "report.pdf"
    out = _cli("report", "--out", str(pdf), env={"REHABTRACK_DATABASE_URL": postgres_url})
    assert out.returncode == 0, out.stderr
    assert patient.display_name in " ".join(PdfReader(pdf).pages[0].extract_text().split())

    csv_file = tmp_path / "weeks.csv"
    out = _cli("export", "--database", postgres_url, "--out", str(csv_file))
    assert out.stdout.strip() == f"Exported {weeks} weekly entries to {csv_file}", out.stderr
    assert len(csv_file.read_text(encoding="utf-8").splitlines()) == weeks + 1


@pytest.mark.parametrize(("command", "tool"), [("backup", "pg_dump"), ("restore", "pg_restore")])
def test_backup_and_restore_on_a_server_say_how_its_owner_does_it(
    command: str, tool: str, tmp_path: Path
) -> None:
    args = [command] if command == "backup" else [command, str(tmp_path / "old.db")]
    out = _cli(*args, env={"REHABTRACK_DATABASE_URL": "postgresql://db.clinic.example/rehab"})
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert line.startswith(
        "rehabtrack: Your records are on the database server postgresql://db.clinic.example/rehab"
    )
    assert tool in line and "owner" in line
    assert not (tmp_path / "old.db").exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--database", "postgresql://priya:secret@db.clinic.example/rehab", "report", "--out", "r.pdf"],
         "holds a password"),
        (["--database", "postgresql:///rehab", "--data-dir", "records", "export", "--out", "w.csv"],
         "give --database or --data-dir, not both"),
        (["--demo", "--database", "postgresql:///rehab", "report", "--out", "r.pdf"], "leave out --database"),
        (["--database", "sqlite:///records/rehabtrack.db", "export", "--out", "w.csv"],
         "not a PostgreSQL address"),
    ],
)  # fmt: skip
def test_a_database_option_that_cannot_be_used_is_one_line_and_nothing_is_written(
    args: list[str], said: str, tmp_path: Path
) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert said in line and "secret" not in line
    assert list(tmp_path.iterdir()) == []


def test_data_dir_on_the_command_line_wins_over_the_database_in_the_environment(
    tmp_path: Path, today: date
) -> None:
    store = open_store(tmp_path / "records")
    seed_demo(store, today)
    store.close()
    out = _cli("export", "--data-dir", str(tmp_path / "records"), "--out", str(tmp_path / "w.csv"),
               env={"REHABTRACK_DATABASE_URL": "postgresql://db.clinic.example/rehab"})  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Exported ")


@pytest.mark.postgres
def test_a_new_server_database_is_set_up_by_db_upgrade_not_by_an_ordinary_command(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    csv_file = tmp_path / "weeks.csv"
    csv_file.write_text("patient,week,pain\nAnn,2025-03-03,4\n", encoding="utf-8")
    out = _cli("--database", empty_postgres_url, "import", str(csv_file))
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert line == (
        f"rehabtrack: The database {empty_postgres_url} is not set up for RehabTrack yet; this RehabTrack "
        f"needs schema {HEAD_REVISION}. Nothing was changed. The database's owner sets it up with: "
        f"rehabtrack db upgrade --database {empty_postgres_url}"
    )

    out = _cli("db", "upgrade", "--database", empty_postgres_url)
    assert out.returncode == 0, out.stderr
    said = f"The database {empty_postgres_url} is at schema {HEAD_REVISION}, this RehabTrack's."
    assert out.stdout.strip() == said
    out = _cli("--database", empty_postgres_url, "import", str(csv_file))
    assert out.returncode == 0, out.stderr
    server = open_server(empty_postgres_url)
    assert [p.display_name for p in server.patients()] == ["Ann"]
    server.close()
