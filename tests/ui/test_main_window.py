"""The real main window: a week typed in the check-in reaches the database, the history and the chart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import Store, open_store
from rehabtrack.ui.dialogs.report import ReportDialog, trim_sections
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.widgets import NumberField

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_saved_week_reaches_the_database_the_history_and_the_pain_chart(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date, shot
) -> None:  # type: ignore[no-untyped-def]
    store = open_store(data_dir)
    seed_demo(store, today)
    [patient] = store.patients()
    this_week = week_start(today)
    store.delete_entry(patient.id, this_week)  # type: ignore[arg-type]
    store.close()

    window = main_window(data_dir, size=(1280, 900), active=True)
    assert window.patient is not None and window.patient.display_name == "Margaret Demo"
    assert window.tabs.tabText(0) == "&Check-in" and window.tabs.currentIndex() == 0
    form = window.checkin
    assert form is not None and form.week == this_week  # type: ignore[attr-defined]
    pain = form._fields["pain"].widget  # type: ignore[attr-defined]
    assert isinstance(pain, NumberField)
    pain.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pain)
    qtbot.keyClicks(pain, "3")
    qtbot.keyClick(pain, Qt.Key.Key_S, CTRL)

    assert window.store is not None and window.patient.id is not None
    saved = window.store.entry(window.patient.id, this_week)
    assert saved is not None and saved.values == {"pain": 3}
    assert window.history_model.rowCount() > 0
    top = window.history_model.index(0, 0).data()
    assert top == f"{this_week.day} {this_week:%b %Y}"  # newest week first

    window.tabs.setCurrentWidget(window.dashboard)
    dashboard = window.dashboard
    dashboard.group_list.setCurrentRow(  # type: ignore[union-attr]
        [dashboard.group_list.item(i).text() for i in range(dashboard.group_list.count())].index("Pain")  # type: ignore[union-attr]
    )
    [chart] = dashboard.visible_charts()  # type: ignore[union-attr]
    weeks, values = chart.plotted_points()
    assert (weeks[-1], values[-1]) == (this_week, 3.0)
    shot(window, "main-window-dashboard.png")

    # Undo from the Edit menu takes the week out again, everywhere.
    undo = next(a for a in window.edit_menu.actions() if a.text().startswith("&Undo"))
    assert undo.isEnabled()
    undo.trigger()
    assert window.store.entry(window.patient.id, this_week) is None
    weeks, _values = dashboard.visible_charts()[0].plotted_points()  # type: ignore[union-attr]
    assert weeks[-1] < this_week


def test_first_run_with_no_patient_offers_the_setup_wizard(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date
) -> None:
    from PySide6.QtCore import QTimer

    seen: list[str] = []

    def cancel_wizard() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(20, cancel_wizard)
            return
        seen.append(modal.windowTitle())
        modal.reject()

    QTimer.singleShot(0, cancel_wizard)
    window = main_window(data_dir, size=(1280, 900), active=True)
    assert seen == ["Set up RehabTrack"]
    assert window.patient is None
    assert window.patient_label.text() == "No patient yet: use File → Profiles… to add one"


def test_export_report_dialog_writes_the_chosen_period_and_sections(
    qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    dialog = ReportDialog(demo_store, patient.id, today, paper="letter")
    qtbot.addWidget(dialog)
    out = tmp_path / "report.pdf"

    dialog.file.setText(str(tmp_path / "missing-folder" / "r.pdf"))
    dialog.open_after.setChecked(False)
    dialog.accept()
    assert dialog.result() == 0 and dialog.error.text().startswith("File:")
    assert not (tmp_path / "missing-folder").exists()

    dialog.file.setText(str(out))
    dialog.period.setCurrentText("Last 12 weeks")
    start, end = dialog.period_dates()
    assert (end - start).days == 84 and end == today
    dialog.weekly.setChecked(False)
    dialog.accept()
    assert dialog.result() == 1 and dialog.written == out
    reader = PdfReader(out)
    assert len(reader.pages) == dialog.pages
    width_in = float(reader.pages[0].mediabox.width) / 72
    assert abs(width_in - 8.5) < 0.05  # Letter, as chosen
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    monday = week_start(start)
    assert f"{monday.day} {monday:%b %Y}" in text  # the period covered (whole weeks), in the header
    assert "Weekly data" not in text  # the unticked section is left out


def test_trimmed_sections_keep_header_summary_and_goals(demo_store: Store, today: date) -> None:
    from rehabtrack.report.content import build_content

    [patient] = demo_store.patients()
    content = build_content(demo_store, patient.id, None, today, today)  # type: ignore[arg-type]
    trimmed = trim_sections(content, charts=False, weekly=False, events=False)
    assert (
        trimmed.charts == () and trimmed.weekly_tables == () and trimmed.events == () and trimmed.notes == ()
    )
    assert (trimmed.header, trimmed.changes, trimmed.pt_goals, trimmed.ot_goals) == (
        content.header,
        content.changes,
        content.pt_goals,
        content.ot_goals,
    )
    assert content.charts and content.weekly_tables


def test_switching_profiles_shows_the_other_patient_everywhere(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date
) -> None:
    store = open_store(data_dir)
    seed_demo(store, today)
    other = store.save_patient(Patient("Bob Second", "Low back pain"))
    store.close()
    window = main_window(data_dir, size=(1280, 900), active=True)
    assert other.id is not None
    window.set_patient(other.id)
    assert window.patient_label.text().startswith("Bob Second")
    assert window.windowTitle() == "RehabTrack — Bob Second"
    assert window.store is not None and window.store.entries(other.id) == []
    assert window.history_model.rowCount() == 0  # Margaret's weeks are not shown for Bob
    assert window.dashboard is not None and window.dashboard.patient_id == other.id  # type: ignore[attr-defined]
    assert window.dashboard.goals_panel.rows() == []  # type: ignore[attr-defined]
    assert window.checkin is not None and window.checkin.entry().values == {}  # type: ignore[attr-defined]


def test_closing_with_a_typed_but_unsaved_week_asks_and_cancel_keeps_it(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    store = open_store(data_dir)
    patient = store.save_patient(Patient("Ann Example"))
    store.close()
    window = main_window(data_dir, size=(1280, 900), active=True)
    pain = window.checkin._fields["pain"].widget  # type: ignore[union-attr]
    pain.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pain)
    qtbot.keyClicks(pain, "6")

    def answer(button: QMessageBox.StandardButton, seen: list[str]) -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QMessageBox):
            QTimer.singleShot(20, lambda: answer(button, seen))
            return
        seen.append(modal.windowTitle())
        modal.button(button).click()  # type: ignore[union-attr]

    seen: list[str] = []
    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Cancel, seen))
    assert not window.close()
    assert seen == ["Save this week?"] and window.isVisible() and pain.text() == "6"

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Save, seen))
    assert window.close()
    assert window.store is not None and patient.id is not None
    assert window.store.entry(patient.id, week_start(today)).values == {"pain": 6}  # type: ignore[union-attr]


def test_the_questionnaires_tab_is_built_when_first_opened(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date
) -> None:
    store = open_store(data_dir)
    seed_demo(store, today)
    store.close()
    window = main_window(data_dir, size=(1280, 900), active=True)
    tab = window.questionnaires
    assert tab is not None and tab.content is None  # opening the patient did not pay for it
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.content is not None)
    assert tab.content is not None and tab.content.isVisible()


def test_in_maintenance_two_worse_check_ins_show_a_plain_notice_one_blip_does_not(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path
) -> None:
    from datetime import timedelta

    from rehabtrack.core.maintenance import MaintenancePlan, recurrence_alerts

    today = date(2026, 11, 25)
    store = open_store(data_dir)
    joe = store.save_patient(Patient("Joe Example", "Stroke"))
    assert joe.id is not None
    monday = week_start(today)
    first = monday - timedelta(weeks=10)
    since = first + timedelta(weeks=4)  # discharged after four weeks at pain 2
    for i, pain in enumerate([2, 2, 2, 2, 6, 2, 2, 2]):  # in maintenance: one bad week, then back to 2
        store.save_entry(joe.id, WeeklyEntry(first + timedelta(weeks=i), {"pain": pain}))
    store.save_maintenance(joe.id, MaintenancePlan(since, 2, since))
    store.close()

    window = main_window(data_dir, today=today, size=(1280, 900), active=True)
    assert not window.watch_notice.isVisible()  # a one-week blip is not a recurrence

    assert window.store is not None
    window.store.save_entry(joe.id, WeeklyEntry(monday - timedelta(weeks=1), {"pain": 5}))
    window.store.save_entry(joe.id, WeeklyEntry(monday, {"pain": 6}))
    window.refresh()
    entries = window.store.entries(joe.id)
    alerts = recurrence_alerts(window.store.maintenance(joe.id), entries, window.store.activities(joe.id))
    assert len(alerts) == 1
    assert window.watch_notice.isVisible() and window.watch_notice.text() == alerts[0].message
    assert "therapist" in alerts[0].message
