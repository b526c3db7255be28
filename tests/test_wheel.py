"""The wheel and the sdist carry every module and data file, and the unpacked wheel runs on its own.

The wheel is built from the sdist (``python -m build``), the way pip and pipx build from a source
tree, in a copy of the project so that the checkout gets no build/ folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ("rehabtrack", "resources", "pyproject.toml", "README.md", "MANIFEST.in")

pytestmark = pytest.mark.slow


def _files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, sdist) built from a copy of the project, without network (--no-isolation)."""
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    source.mkdir()
    for name in SOURCE:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    out = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (wheel,) = (work / "dist").glob("rehabtrack-*.whl")
    (sdist,) = (work / "dist").glob("rehabtrack-*.tar.gz")
    return wheel, sdist


def test_the_wheel_holds_every_data_file_and_module(built: tuple[Path, Path]) -> None:
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    data = _files(ROOT / "resources")
    assert "measures/LEFS.json" in data and "icons/rehabtrack.svg" in data
    missing = sorted(f"resources/{f}" for f in data if f"rehabtrack/resources/{f}" not in names)
    assert not missing, f"left out of the wheel: {missing}"
    code = {f"rehabtrack/{f}" for f in _files(ROOT / "rehabtrack")}
    assert "rehabtrack/storage/migrations/script.py.mako" in code
    assert not sorted(code - names), f"left out of the wheel: {sorted(code - names)}"


def test_the_sdist_holds_every_data_file(built: tuple[Path, Path]) -> None:
    _, sdist = built
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    missing = sorted(f"resources/{f}" for f in _files(ROOT / "resources") if f"resources/{f}" not in names)
    assert not missing, f"left out of the sdist: {missing}"


def _unpacked(wheel: Path, where: Path) -> Path:
    zipfile.ZipFile(wheel).extractall(where)
    return where


def _run_from(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``rehabtrack ARGS`` with the unpacked wheel first on the path (not the checkout)."""
    env = {**os.environ, "PYTHONPATH": str(site), "REHABTRACK_DATA_DIR": str(cwd / "data")}
    code = (
        "import sys, rehabtrack.cli as c; print(c.__file__, file=sys.stderr); sys.exit(c.main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env
    )


def test_the_unpacked_wheel_writes_the_demo_report(built: tuple[Path, Path], tmp_path: Path) -> None:
    site = _unpacked(built[0], tmp_path / "site")
    out = _run_from(site, tmp_path, "report", "--demo", "--out", "r.pdf")
    assert out.returncode == 0, out.stderr
    assert out.stderr.startswith(str(site / "rehabtrack" / "cli.py")), "ran the checkout, not the wheel"
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_missing_data_folder_is_named_not_an_empty_list(built: tuple[Path, Path], tmp_path: Path) -> None:
    site = _unpacked(built[0], tmp_path / "site")
    shutil.rmtree(site / "rehabtrack" / "resources" / "measures")
    out = _run_from(site, tmp_path, "report", "--demo", "--out", "r.pdf")
    assert out.returncode == 2
    message = out.stderr.splitlines()[-1]
    assert "resources/measures/ is missing" in message and "reinstall" in message
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "r.pdf").exists()
