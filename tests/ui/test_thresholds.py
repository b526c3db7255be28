"""Clinic conventions say so where the verdict is, and a therapist can set one for a patient (never below
the marker's measurement error); the dashboard, the session view and the PDF then all use the patient's."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.charts.theme import LIGHT
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.thresholds import ThresholdDialog
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.views.dashboard import Dashboard
from rehabtrack.ui.views.session_view import SessionView


def _pid(store: Store) -> int:
    [patient] = store.patients()
    assert patient.id is not None
    return patient.id


def _pdf_text(store: Store, pid: int, today: date, path: Path) -> str:
    write_report(build_content(store, pid, today=today), path)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"[ \t]+", " ", out.stdout)


def test_below_the_measurement_error_is_refused_by_name_and_range_then_a_good_value_is_kept(
    qtbot: QtBot, demo_store: Store
) -> None:
    pid = _pid(demo_store)
    dialog = ThresholdDialog(PatientSession.open(demo_store, pid))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    sleep = dialog.fields["sleep_hours"]
    assert sleep.placeholderText() == "0.5"  # blank: the clinic's value
    sleep.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sleep)
    qtbot.keyClicks(sleep, "0.1")
    qtbot.keyClick(sleep, Qt.Key.Key_Return)  # Save
    error = dialog.errors["sleep_hours"]
    assert error.isVisible()
    assert error.text().startswith("Sleep meaningful change must be from 0.25 to 16 hours (got 0.1 hours).")
    assert "within measurement error" in error.text()
    assert demo_store.thresholds(pid) == {} and dialog.isVisible()  # nothing written
    assert QApplication.focusWidget() is sleep and sleep.selectedText() == "0.1"

    qtbot.keyClicks(sleep, "3")
    qtbot.keyClick(sleep, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert demo_store.thresholds(pid) == {"sleep_hours": 3.0}


def test_the_patients_threshold_is_used_by_the_dashboard_the_session_view_and_the_pdf(
    qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    pid = _pid(demo_store)
    # The demo's sleep rose 2.2 hours: meaningful against the clinic's 0.5 hours, not against 3 hours.
    before = _pdf_text(demo_store, pid, today, tmp_path / "before.pdf")
    assert re.search(r"Sleep \(h a night\) 5\.08 7\.23 \+2\.15 hours 0\.5 hours Yes improved \(clinic\n", before)
    demo_store.save_thresholds(pid, {"sleep_hours": 3})

    after = _pdf_text(demo_store, pid, today, tmp_path / "after.pdf")
    assert re.search(
        r"Sleep \(h a night\) 5\.08 7\.23 \+2\.15 hours 3 hours \(set for No within normal\n", after
    )
    assert "Sleep 3 hours (set for this patient)" in re.sub(r"\s+", " ", after)

    view = SessionView(PatientSession.open(demo_store, pid, today), LIGHT)
    qtbot.addWidget(view)
    rows = view.compare.rows()
    index = next(i for i, r in enumerate(rows) if r[0] == "Sleep")
    assert rows[index][3] == "Within normal variation"
    assert "less than the 3-hour meaningful change" in rows[index][4]
    tip = view.compare.table.item(index, 3).toolTip()  # type: ignore[union-attr]
    assert "3 hours (clinic convention, set for this patient)" in tip

    dashboard = Dashboard(PatientSession.open(demo_store, pid, today))
    qtbot.addWidget(dashboard)
    dashboard.resize(1200, 900)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    groups = list(dashboard.data.chart_groups)
    group = next(g for g, keys in dashboard.data.chart_groups.items() if "sleep_hours" in keys)
    dashboard.group_list.setCurrentRow(groups.index(group))
    keys = dashboard.data.chart_groups[group]
    charts = dict(zip(keys, dashboard.visible_charts(), strict=True))
    low, high = charts["sleep_hours"].band()  # type: ignore[misc]
    assert high - low == 6  # ± 3 hours, the patient's
    assert "± 3 hours" in charts["sleep_hours"].band_tip()
    assert "clinic convention, set for this patient" in charts["sleep_hours"].band_tip()


def test_published_and_convention_verdicts_say_where_their_threshold_comes_from(
    qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    pid = _pid(demo_store)
    text = _pdf_text(demo_store, pid, today, tmp_path / "report.pdf")
    # A convention's verdict is marked; a published one (pain, LEFS) is not.
    assert re.search(r"Morning stiffness \(min\) .* Yes improved \(clinic\n", text)
    assert re.search(r"Pain \(weekly average\) 5\.8 2\.3 −3\.5 points, −61 % 2 points Yes improved\n", text)
    assert re.search(r"LEFS .* meaningful change: yes\n", text)
    assert re.search(r"GAS T-score .* meaningful change: yes\n.*\(clinic convention\)", text)
    flat = re.sub(r"\s+", " ", text)
    assert "Published thresholds: Pain 2 points (Farrar 2001; Childs 2005)" in flat
    assert (
        "Clinic conventions, not published MCIDs (a verdict on them is marked so): Morning stiffness 15"
        in flat
    )
    assert "Goal Attainment Scaling 10 points" in flat

    dashboard = Dashboard(PatientSession.open(demo_store, pid, today))
    qtbot.addWidget(dashboard)
    tips = {}
    for i in range(dashboard.goals_panel.topLevelItemCount()):
        head = dashboard.goals_panel.topLevelItem(i)
        assert head is not None
        for j in range(head.childCount()):
            child = head.child(j)
            assert child is not None
            tips[child.text(0)] = child.toolTip(2)
    assert "Meaningful change: 2 points (Farrar 2001; Childs 2005)" in tips["Pain 2/10 or less"]
    assert "(Hancock 2018)" in tips["Bend the knee to 115°"]


def test_alt_m_on_the_dashboard_opens_the_thresholds_and_esc_leaves_them_unchanged(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    from PySide6.QtCore import QTimer

    pid = _pid(demo_store)
    dashboard = Dashboard(PatientSession.open(demo_store, pid, today))
    qtbot.addWidget(dashboard)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    dashboard.activateWindow()
    qtbot.waitUntil(dashboard.isActiveWindow)
    seen: list[str] = []

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or not modal.isActiveWindow():
            if modal is not None:
                modal.activateWindow()
            QTimer.singleShot(20, answer)
            return
        seen.append(modal.windowTitle())
        qtbot.keyClick(modal.focusWidget() or modal, Qt.Key.Key_Escape)

    QTimer.singleShot(0, answer)
    qtbot.keyClick(dashboard.goals_panel, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(seen))  # a mnemonic "animates" its click first
    assert seen == ["Meaningful change for this patient"]
    assert demo_store.thresholds(pid) == {}
