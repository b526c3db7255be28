"""Opening a patient in the window (check-in, history, dashboard) on a clinic's records sends the same
statements for two years of 25 patients as for 3 weeks of 2: nothing is read once per week, per patient
or per chart (issue 19; counted, not timed)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from rehabtrack.storage.store import Store
from rehabtrack.ui.shell.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import clinic  # type: ignore[import-not-found]  # noqa: E402

MAX_STATEMENTS = 18  # the check-in, the dashboard, the reminder and the maintenance plan each read

Opener = Callable[[int, int], Store]


def opening(qtbot: QtBot, main_window: Callable[..., MainWindow], store: Store) -> list[str]:
    """The statements sent while the window opens Mary Anders and shows her dashboard."""
    window = main_window(store, today=clinic.TODAY)
    [mary] = [p.id for p in store.patients(search="Mary Anders")]
    assert mary is not None
    with clinic.count_queries(store) as seen:
        window.set_patient(mary)
        window.tabs.setCurrentWidget(window.dashboard)
        qtbot.waitUntil(lambda: window.dashboard.isVisible())
    assert window.dashboard.data.patient_id == mary
    window.close()
    return [s for s in seen.sql if s.strip().upper() != "BEGIN"]


def tables(sql: list[str]) -> list[str]:
    """What each statement reads (its first table), to say what differs in a few words."""
    return [m.group(1) if (m := re.search(r"\bFROM\s+(\w+)", s)) else s[:40] for s in sql]


def test_opening_a_patient_reads_the_same_for_two_years_of_25_patients_as_for_3_weeks(
    qtbot: QtBot, main_window: Callable[..., MainWindow], clinic_of: Opener
) -> None:
    few = opening(qtbot, main_window, clinic_of(3, 2))
    lots = opening(qtbot, main_window, clinic_of(104, 25))
    assert tables(lots) == tables(few)
    assert lots == few
    assert len(lots) <= MAX_STATEMENTS, tables(lots)
