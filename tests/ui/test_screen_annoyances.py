"""Smaller things a person meets on the real screen: the first run, the heading, dates offered, the range
charts open on, the demo's preferences, maintenance wording and the recurrence notice."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.core.maintenance import MaintenancePlan, missed_checkins
from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.storage.bundle import export_bundle
from rehabtrack.storage.store import Store, open_store
from rehabtrack.ui.settings import Preferences
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.shell.reminder import reminder_text
from rehabtrack.ui.views.dashboard import Dashboard, default_preset
from rehabtrack.ui.widgets import NoticeLabel

ONE_WEEK = timedelta(weeks=1)


def test_the_patient_heading_grows_with_the_text_size(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date
) -> None:
    window = main_window(demo_store)
    before = window.patient_label.font().pointSizeF()
    window.desktop.apply(Preferences(font_scale=175))
    after = window.patient_label.font().pointSizeF()
    base = before / 1.5  # at 100 %, the heading is the desktop's text and half again
    assert after == base * 1.75 + base * 0.5  # it grew with the text
    assert window.patient_label.font().bold()


def test_a_new_goal_offers_a_target_date_still_ahead(qtbot: QtBot, demo_store: Store, today: date) -> None:
    from rehabtrack.ui.dialogs.goal import GoalDialog

    dashboard = Dashboard(demo_store, demo_store.patients()[0].id or 0, today)
    qtbot.addWidget(dashboard)
    dialog = GoalDialog(demo_store, dashboard.patient_id, dashboard.data, None, dashboard)
    qtbot.addWidget(dialog)
    assert dialog.target_date.date().toPython() > today  # type: ignore[operator]


def test_charts_open_on_a_range_that_shows_the_patients_data(qtbot: QtBot, store: Store, today: date) -> None:
    monday = today - timedelta(days=today.weekday())
    assert default_preset(today, []) == "6 months"
    assert default_preset(today, [monday - ONE_WEEK, monday]) == "4 weeks"
    assert default_preset(today, [monday - 8 * ONE_WEEK]) == "12 weeks"
    assert default_preset(today, [monday - 20 * ONE_WEEK, monday]) == "6 months"
    assert default_preset(today, [monday - 60 * ONE_WEEK, monday]) == "6 months"
    assert default_preset(today, [monday - 60 * ONE_WEEK, monday - 40 * ONE_WEEK]) == "All"

    patient = store.save_patient(Patient("Nadia", rehab_start=monday - ONE_WEEK))
    assert patient.id is not None
    dashboard = Dashboard(store, patient.id, today)
    qtbot.addWidget(dashboard)
    store.save_entry(patient.id, WeeklyEntry(monday - ONE_WEEK, {"pain": 6}))
    store.save_entry(patient.id, WeeklyEntry(monday, {"pain": 5}))
    dashboard.refresh()  # her first weeks: the charts follow them until she picks a range
    assert dashboard.preset == "4 weeks"
    dashboard.show()
    qtbot.waitExposed(dashboard)
    start, end = dashboard.visible_charts()[0].x_range()
    assert start <= monday - ONE_WEEK and end == today


def test_the_first_run_offers_to_import_a_bundle(
    qtbot: QtBot, demo_store: Store, tmp_path: Path, today: date
) -> None:
    from rehabtrack.ui.dialogs.wizard import SetupWizard

    bundle = tmp_path / "margaret.rtbundle"
    export_bundle(demo_store, demo_store.patients()[0].id or 0, bundle)
    empty = open_store(tmp_path / "new")
    try:
        wizard = SetupWizard(empty)
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitExposed(wizard)
        assert wizard.about.import_button.isVisible()  # on the first page, beside "About you"
        assert not wizard.import_bundle(tmp_path / "nothing.rtbundle")
        assert wizard.about.import_error.isVisible() and wizard.about.import_error.text()
        assert wizard.import_bundle(bundle)
        assert wizard.result() == SetupWizard.DialogCode.Accepted
        assert empty.patient(wizard.patient_id or 0).display_name == "Margaret Demo"
        assert "Imported Margaret Demo" in wizard.imported
    finally:
        empty.close()


def test_discharge_takes_a_chosen_day_and_is_in_the_edit_menu(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date
) -> None:
    from rehabtrack.ui.dialogs.discharge import DischargeDialog

    window = main_window(demo_store)
    assert window.discharge_action in window.edit_menu.actions()
    earlier = today - 3 * ONE_WEEK

    def choose() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, DischargeDialog))
        assert dialog.chosen() == today  # offered: today, any day up to it
        dialog.day.setDate(earlier)
        dialog.accept()

    QTimer.singleShot(0, choose)
    window.discharge_action.trigger()
    patient_id = window.patient.id if window.patient else 0
    assert demo_store.maintenance(patient_id or 0).discharged_on == earlier
    assert window.tabs.currentWidget() is window.questionnaires


def test_cancelling_the_discharge_returns_to_the_tab_and_field_the_user_left(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date
) -> None:
    from rehabtrack.core.markers import WEEKLY_MARKERS
    from rehabtrack.ui.dialogs.discharge import DischargeDialog

    window = main_window(demo_store)
    field = window.checkin._fields[WEEKLY_MARKERS[0].key].widget  # type: ignore[union-attr]
    field.setFocus()
    assert window.focusWidget() is field

    def cancel() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, DischargeDialog))
        dialog.reject()

    QTimer.singleShot(0, cancel)
    window.discharge_action.trigger()
    patient_id = window.patient.id if window.patient else 0
    assert demo_store.maintenance(patient_id or 0).discharged_on is None
    assert window.tabs.currentWidget() is window.checkin
    assert window.focusWidget() is field


def test_maintenance_counts_and_names_2_week_check_ins() -> None:
    since = date(2026, 10, 5)
    plan = MaintenancePlan(since, 2, since)
    logged = [since - ONE_WEEK, since, since + 2 * ONE_WEEK]  # the first week of each 2-week check-in
    wednesday = since + 4 * ONE_WEEK + timedelta(days=2)
    assert missed_checkins(plan, logged, wednesday) == []  # weekly, 26 Oct would count as missed
    assert missed_checkins(MaintenancePlan(), logged, wednesday) == [since + 3 * ONE_WEEK]
    assert missed_checkins(plan, logged, wednesday + 2 * ONE_WEEK) == [since + 4 * ONE_WEEK]
    sunday = since + timedelta(days=6)
    assert "2-week check-in" in reminder_text(sunday, 6, 2)
    assert "week of" not in reminder_text(sunday, 6, 2).lower()


def test_the_check_in_says_2_week_check_ins_not_weeks(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date
) -> None:
    pid = demo_store.patients()[0].id or 0
    monday = today - timedelta(days=today.weekday())
    for week in (monday - ONE_WEEK, monday - 2 * ONE_WEEK, monday - 3 * ONE_WEEK):
        demo_store.delete_entry(pid, week)
    since = monday - 4 * ONE_WEEK
    demo_store.save_maintenance(pid, MaintenancePlan(since, 2, since))
    window = main_window(demo_store)
    assert window.checkin is not None
    missed = window.checkin.missed  # type: ignore[attr-defined]
    assert missed.isVisible()
    assert missed.text().startswith("1 2-week check-in not logged"), missed.text()


def test_the_recurrence_warning_is_a_notice_shown_once(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date
) -> None:
    pid = demo_store.patients()[0].id or 0
    monday = today - timedelta(days=today.weekday())
    since = monday - 6 * ONE_WEEK
    demo_store.save_maintenance(pid, MaintenancePlan(since, 2, since))
    for entry in demo_store.entries(pid)[-2:]:  # pain far worse than at discharge, twice running
        demo_store.save_entry(pid, replace(entry, values={**entry.values, "pain": 9}))
    window = main_window(demo_store)
    assert isinstance(window.watch_notice, NoticeLabel) and window.watch_notice.isVisible()
    window.tabs.setCurrentWidget(window.questionnaires)
    qtbot.wait(20)
    view = window.questionnaires.content  # type: ignore[union-attr]
    shown = [w for w in (window.watch_notice, view.alerts) if w.isVisible()]
    assert shown == [view.alerts] and isinstance(view.alerts, NoticeLabel)
    assert view.alerts.autoFillBackground()  # a notice, not a subtitle


def test_preferences_tried_on_the_demo_stay_with_the_demo(tmp_path: Path) -> None:
    script = (
        "from rehabtrack.ui.shell.app import make_application, settings_for\n"
        "from rehabtrack.ui.settings import Preferences, user_settings\n"
        "make_application()\n"
        "settings_for(demo=True).save_preferences(Preferences(font_scale=200))\n"
        "print(user_settings().preferences().font_scale)\n"
        "settings_for(demo=False).save_preferences(Preferences(font_scale=150))\n"
        "print(user_settings().preferences().font_scale)\n"
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["100", "150"]  # the demo's 200 % never reached the user's own
