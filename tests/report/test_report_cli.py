"""``rehabtrack report`` from the command line: offscreen, clear errors naming the option, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args], capture_output=True, text=True, timeout=180, env=env
    )


def test_demo_report_is_written_offscreen(tmp_path: Path) -> None:
    out = tmp_path / "demo.pdf"
    done = _run("--demo", "report", "--out", str(out), "--paper", "letter")
    assert done.returncode == 0, done.stderr
    assert "Margaret Demo" in done.stdout and str(out) in done.stdout
    reader = PdfReader(out)
    assert 3 <= len(reader.pages) <= 12
    assert round(float(reader.pages[0].mediabox.width)) == 612  # Letter
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Margaret Demo" in first
    assert f"Page 1 of {len(reader.pages)}" in first


def test_report_for_a_named_patient_and_period(tmp_path: Path) -> None:
    out = tmp_path / "part.pdf"
    done = _run(
        "--demo", "report", "--out", str(out), "--patient", "margaret demo", "--from", "2000-01-03",
        "--to", "2000-03-27",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "3 Jan 2000 to 27 Mar 2000" in " ".join(text.split())
    assert "0 of 13 weeks" in " ".join(text.split())


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--from", "2026-13-01"), "--from"),
        (("--to", "24/11/2026"), "--to"),
        (("--from", "2026-06-01", "--to", "2026-05-01"), "--to"),
        (("--patient", "Bob"), "--patient"),
        (("--paper", "a5"), "--paper"),
    ],
)
def test_bad_arguments_name_the_option_and_write_nothing(
    tmp_path: Path, args: tuple[str, ...], named: str
) -> None:
    out = tmp_path / "never.pdf"
    done = _run("--demo", "report", "--out", str(out), *args)
    assert done.returncode == 2
    assert named in done.stderr
    assert "Nothing was written" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_missing_output_folder_is_named(tmp_path: Path) -> None:
    done = _run("--demo", "report", "--out", str(tmp_path / "nowhere" / "r.pdf"))
    assert done.returncode == 2
    assert "--out" in done.stderr and "does not exist" in done.stderr
