"""Runs ``tests/ui/real_screen`` on a real X server (Xvfb, 1366×768), where focus and shortcuts are real.

Offscreen Qt gives no window focus and fires no shortcut until a window is active, so those tests need
an X server; this starts one with ``xvfb-run`` and fails with the inner run's report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
@pytest.mark.skipif(os.environ.get("QT_QPA_PLATFORM") == "xcb", reason="already on a real X server")
def test_keyboard_focus_and_shortcuts_on_a_real_1366x768_screen() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    run = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1366x768x24",
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(HERE / "real_screen"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
