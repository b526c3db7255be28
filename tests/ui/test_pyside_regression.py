"""PySide6 6.12.0 aborts Python 3.11 after a few thousand QObject.property() calls (pyqtgraph calls it
on every setData). The installed PySide6 must survive 100 000 of them."""

from __future__ import annotations

import subprocess
import sys

CODE = """
from PySide6.QtCore import QObject
obj = QObject()
for _ in range(100_000):
    obj.property("x")
print("survived")
"""


def test_qobject_property_does_not_crash_python() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "survived"
