"""Packaging: icons, desktop files, the Linux install script and (marked `packaging`) the bundle."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "org.rehabtrack.RehabTrack"
DESKTOP = ROOT / "resources" / "desktop" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / "desktop" / f"{APP_ID}.metainfo.xml"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_icon_comes_as_svg_and_every_png_size() -> None:
    assert (ICONS / "rehabtrack.svg").is_file()
    for size in SIZES:
        assert _png_size(ICONS / f"rehabtrack-{size}.png") == (size, size)


def test_metainfo_passes_appstreamcli() -> None:
    if shutil.which("appstreamcli") is None:
        pytest.skip("appstreamcli is not installed (CI installs the appstream package)")
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_names_the_icon_and_program() -> None:
    text = DESKTOP.read_text(encoding="utf-8")
    assert f"Icon={APP_ID}\n" in text and "Exec=rehabtrack\n" in text
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(DESKTOP)], check=True)


def test_install_script_places_desktop_metainfo_icons_and_program(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    program = bundle / "rehabtrack"
    program.write_text("#!/bin/sh\necho bundled\n")
    program.chmod(0o755)
    script = ROOT / "packaging" / "install-linux.sh"
    subprocess.run([str(script), "--prefix", str(prefix), "--bundle", str(bundle)], check=True)

    share = prefix / "share"
    desktop = (share / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec={prefix}/bin/rehabtrack\n" in desktop
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == METAINFO.read_bytes()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert _png_size(png) == (size, size)
    run = subprocess.run([str(prefix / "bin" / "rehabtrack")], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "bundled"

    subprocess.run([str(script), "--prefix", str(prefix), "--uninstall"], check=True)
    assert not (share / "applications" / f"{APP_ID}.desktop").exists()
    assert not (prefix / "bin" / "rehabtrack").exists()


def test_the_bundle_spec_places_every_data_file_inside_the_package() -> None:
    """The spec's data files land where importlib.resources looks in the bundle: every file of
    resources/ under rehabtrack/resources/, and the migrations with their .py files (read by Alembic)."""
    pytest.importorskip("PyInstaller", reason="pip install -e '.[packaging]'")
    analysed: dict[str, Any] = {}

    def analysis(*_args: Any, **kwargs: Any) -> SimpleNamespace:
        analysed.update(kwargs)
        return SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])

    spec = ROOT / "packaging" / "rehabtrack.spec"
    names = {"SPECPATH": str(spec.parent), "Analysis": analysis}
    names.update({name: lambda *a, **k: None for name in ("PYZ", "EXE", "COLLECT", "BUNDLE")})
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), names)

    placed = {(Path(dest) / Path(src).name).as_posix() for src, dest in analysed["datas"]}
    data = {p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*") if p.is_file()}
    data = {d for d in data if "__pycache__" not in d}
    missing = sorted(d for d in data if f"rehabtrack/{d}" not in placed)
    assert not missing, f"not in the bundle: {missing}"
    for name in ("env.py", "script.py.mako", "versions/0001_initial_schema.py"):
        assert f"rehabtrack/storage/migrations/{name}" in placed


@pytest.mark.slow
@pytest.mark.packaging
def test_bundle_builds_and_passes_self_test(tmp_path: Path) -> None:
    """Build the one-folder bundle as packaging/README.md says, run its self-test offscreen, and let it
    upgrade a database of the first released schema (the Alembic migrations must be in the bundle)."""
    pytest.importorskip("PyInstaller", reason="pip install -e '.[packaging]'")
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            str(ROOT / "packaging" / "rehabtrack.spec"),
        ],
        cwd=tmp_path,
        check=True,
    )
    built = time.monotonic() - started
    program = tmp_path / "dist" / "rehabtrack" / "rehabtrack"
    assert program.is_file()
    size = sum(f.stat().st_size for f in program.parent.rglob("*") if f.is_file() and not f.is_symlink())

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}
    env.pop("REHABTRACK_DATA_DIR", None)
    started = time.monotonic()
    result = subprocess.run(
        [str(program), "self-test"], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    tested = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout

    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "old_schemas", ROOT / "tests" / "storage" / "old_schemas.py"
    )
    assert spec is not None and spec.loader is not None
    old_schemas = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old_schemas)
    data = tmp_path / "old-data"
    old_schemas.build_old_database(old_schemas.released_schemas()[0], data / "rehabtrack.db")
    export = subprocess.run(
        [str(program), "--data-dir", str(data), "export", "--out", str(tmp_path / "weeks.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert export.returncode == 0, export.stdout + export.stderr
    assert any("before-schema" in p.name for p in (data / "backups").iterdir()), "the migration ran"
    print(f"\nbundle: built in {built:.0f} s, {size / 1e6:.0f} MB; self-test {tested:.1f} s")
