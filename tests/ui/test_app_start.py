"""Starting the app as ``rehabtrack`` does (``ui.app.run_app``), in a fresh process: the patient is
shown, and Python's garbage collector, off during start-up, is on again afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

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


# Runs in the child: starts the app, clicks the Dashboard tab once the patient is shown, and prints which
# of the modules start-up has no use for were imported by the time the dashboard's charts were painted.
DEFERRED_CHILD = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from rehabtrack.ui.shell import app as ui_app, main_window

qt_app = QApplication(sys.argv[:1])
NOT_AT_START = json.loads(sys.argv[2])
main_window.LISTEN_AFTER_MS = 60_000  # the listener for a second copy comes later than the dashboard here

def watch():
    windows = [w for w in QApplication.topLevelWidgets() if w.windowTitle().startswith("RehabTrack")]
    if not windows or "—" not in windows[0].windowTitle():
        QTimer.singleShot(20, watch)
        return
    window = windows[0]
    if window.tabs.currentWidget() is not window.dashboard:
        window.tabs.setCurrentWidget(window.dashboard)
    page = window.dashboard._pages[window.dashboard.visible_group()]
    if not page.drawn:
        QTimer.singleShot(20, watch)
        return
    print(json.dumps({
        "charts_drawn": len(page.drawn),
        "imported": [name for name in NOT_AT_START if name in sys.modules],
    }), flush=True)
    QApplication.quit()

QTimer.singleShot(0, watch)
ui_app.run_app(sys.argv[1])
"""

# What start-up to the dashboard leaves for later: each costs time at every start and is needed only when
# the person asks for it (a server database, an import or export, a report, a schema upgrade).
NOT_AT_START = [
    "alembic",
    "sqlalchemy.dialects.postgresql",
    "psycopg",
    "fhir.resources",
    "rehabtrack.fhir.reading",
    "rehabtrack.storage.bundle",
    "rehabtrack.storage.csv_io",
    "rehabtrack.storage.migrate",
    "rehabtrack.storage.server",
    "rehabtrack.report.pdf",
    "rehabtrack.ui.dialogs.wizard",
    "PySide6.QtNetwork",  # the listener for a second copy, once the first patient is shown
    "rehabtrack.ui.shell.single_instance",
]


def test_start_up_to_the_dashboard_imports_nothing_it_does_not_show(tmp_path: Path, today: date) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    seed_demo(store, today)
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("REHABTRACK_DATA_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", DEFERRED_CHILD, str(data), json.dumps(NOT_AT_START)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["charts_drawn"] > 0
    assert seen["imported"] == []


def test_the_quicker_pyside_check_gives_pyside_s_own_answer_for_every_module() -> None:
    """PySide6 asks of each module imported after it whether its source mentions PySide6; the app
    answers from the file's bytes instead of ``inspect.getsource`` (ui/shell/import_check.py)."""
    import PySide6.QtWidgets  # noqa: F401 (PySide's check exists once PySide6 is imported)

    from rehabtrack.ui.shell import import_check, main_window  # noqa: F401 (a module that uses PySide6)

    assert import_check.speed_up()
    upstream = sys.modules["shibokensupport.feature"]._mod_uses_pyside.pyside_check
    modules = [m for m in list(sys.modules.values()) if str(getattr(m, "__file__", "")).endswith(".py")]
    answers = {m.__name__: import_check.uses_pyside(m, upstream) for m in modules}
    assert answers == {m.__name__: upstream(m) for m in modules}
    assert answers["rehabtrack.ui.shell.main_window"] is True
    assert answers["rehabtrack.core.model"] is False


# Runs in the child: once the patient is shown, prints how many threads numpy's BLAS was set to use.
BLAS_CHILD = """
import json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from rehabtrack.ui.shell import app as ui_app

qt_app = QApplication(sys.argv[:1])

def watch():
    windows = [w for w in QApplication.topLevelWidgets() if w.windowTitle().startswith("RehabTrack")]
    if not windows or "—" not in windows[0].windowTitle() or "numpy" not in sys.modules:
        QTimer.singleShot(20, watch)
        return
    print(json.dumps({"blas_threads": os.environ.get("OPENBLAS_NUM_THREADS")}), flush=True)
    QApplication.quit()

QTimer.singleShot(0, watch)
ui_app.run_app(sys.argv[1])
"""


@pytest.mark.parametrize(("given", "used"), [(None, "1"), ("3", "3")], ids=["not set", "set by the user"])
def test_numpy_s_blas_runs_on_one_thread_unless_the_user_says_otherwise(
    tmp_path: Path, today: date, given: str | None, used: str
) -> None:
    """The charts' few hundred points gain nothing from a BLAS thread per core, which start with numpy
    and spin a while, taking the CPU from the window at start-up."""
    data = tmp_path / "data"
    store = open_store(data)
    seed_demo(store, today)
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("REHABTRACK_DATA_DIR", None)
    env.pop("OPENBLAS_NUM_THREADS", None)
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run(
        [sys.executable, "-c", BLAS_CHILD, str(data)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"blas_threads": used}
