"""The UI tests' own hygiene: a test that leaves a window alive fails (tests/ui/conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

LEAKY = """
from PySide6.QtWidgets import QDialog

kept = []


def test_keeps_a_dialog_alive(qapp):
    kept.append(QDialog())


def test_closes_its_dialog(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.show()
"""


def test_a_test_that_leaves_a_dialog_alive_fails_and_one_that_closes_it_passes(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_leaky.py").write_text(LEAKY, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_leaky.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert "the test left top-level widgets alive: QDialog('')" in run.stdout, run.stdout
    assert "2 passed, 1 error" in run.stdout, run.stdout
    assert "ERROR test_leaky.py::test_keeps_a_dialog_alive" in run.stdout
