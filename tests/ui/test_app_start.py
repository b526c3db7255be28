"""Starting the app as ``rehabtrack`` does (``ui.app.run_app``), in a fresh process: the patient is
shown, and Python's garbage collector, off during start-up, is on again afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_store

# Runs in the child: watches the running app from a timer and prints what it saw once settled.
CHILD = """
import gc, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from rehabtrack.ui.shell import app as ui_app

ui_app.SETTLE_AFTER_MS = 100
qt_app = QApplication(sys.argv[:1])
seen = {"collector_during_start": None}

def watch():
    windows = [w for w in QApplication.topLevelWidgets() if w.windowTitle().startswith("RehabTrack")]
    title = windows[0].windowTitle() if windows else ""
    if seen["collector_during_start"] is None and "—" in title:
        seen["collector_during_start"] = gc.isenabled()
    if gc.isenabled():
        seen.update(title=title, collector_on=True, frozen=gc.get_freeze_count())
        print(json.dumps(seen), flush=True)
        QApplication.quit()
    else:
        QTimer.singleShot(20, watch)

QTimer.singleShot(0, watch)
ui_app.run_app(sys.argv[1])
"""


def test_start_up_shows_the_patient_and_turns_the_collector_back_on(tmp_path: Path, today: date) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    seed_demo(store, today)
    name = store.patients()[0].display_name
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("REHABTRACK_DATA_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["title"] == f"RehabTrack — {name}"
    assert seen["collector_during_start"] is False  # off while the first patient loads
    assert seen["collector_on"] is True
    assert seen["frozen"] > 0  # what start-up left alive is set aside, not walked by every collection
