"""``--data-dir`` and ``--demo`` work before the command and after it, as people type them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def test_demo_report_with_demo_after_or_before_the_command(tmp_path: Path) -> None:
    after = _run("report", "--demo", "--out", "after.pdf", cwd=tmp_path)
    before = _run("--demo", "report", "--out", "before.pdf", cwd=tmp_path)
    assert (after.returncode, after.stderr) == (0, "")
    assert (before.returncode, before.stderr) == (0, "")
    for name in ("after.pdf", "before.pdf"):
        first_page = PdfReader(tmp_path / name).pages[0].extract_text()
        assert "Margaret Demo" in " ".join(first_page.split()), name


def test_data_dir_after_the_command_is_the_folder_used(tmp_path: Path) -> None:
    assert _run("--demo", "export", "--out", "demo.csv", cwd=tmp_path).returncode == 0
    data = tmp_path / "records"
    out = _run("import", "demo.csv", "--patient", "Ann", "--data-dir", str(data), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (data / "rehabtrack.db").is_file()

    out = _run("export", "--data-dir", str(data), "--patient", "Ann", "--out", "ann.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    demo_rows = (tmp_path / "demo.csv").read_text().splitlines()
    ann_rows = (tmp_path / "ann.csv").read_text().splitlines()
    assert len(ann_rows) == len(demo_rows) > 1
    assert all(row.startswith("Ann,") for row in ann_rows[1:])


def test_backup_refuses_demo_given_after_the_command(tmp_path: Path) -> None:
    out = _run("backup", "--demo", "--data-dir", str(tmp_path / "data"), cwd=tmp_path)
    assert out.returncode != 0
    assert "not with --demo" in out.stderr
    assert not (tmp_path / "data").exists()
