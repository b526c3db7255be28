"""The weekly reminder: the rules with the date passed in, then the banner and notification in the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import Store
from rehabtrack.ui.settings import Preferences, Settings, settings_at
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.shell.reminder import reminder_due, should_remind

SUNDAY = date(2026, 11, 29)
SATURDAY = SUNDAY - timedelta(days=1)
MONDAY_AFTER = SUNDAY + timedelta(days=1)


def test_reminds_on_the_checkin_day_when_the_week_is_not_logged() -> None:
    assert should_remind(SUNDAY, 6, week_logged=False, enabled=True, last_reminded=None)


def test_no_reminder_when_the_week_is_logged() -> None:
    assert not should_remind(SUNDAY, 6, week_logged=True, enabled=True, last_reminded=None)
    assert not reminder_due(SUNDAY, 6, week_logged=True, enabled=True)


def test_at_most_once_a_day() -> None:
    assert not should_remind(SUNDAY, 6, False, True, last_reminded=SUNDAY)
    assert should_remind(SUNDAY, 6, False, True, last_reminded=SATURDAY)
    assert reminder_due(SUNDAY, 6, False, True)  # the banner may stay; only the notification is once a day


def test_off_when_disabled() -> None:
    assert not should_remind(SUNDAY, 6, False, enabled=False, last_reminded=None)
    assert not reminder_due(SUNDAY, 6, False, enabled=False)


def test_from_the_checkin_day_to_the_end_of_the_week_only() -> None:
    wednesday = 2
    assert not reminder_due(SUNDAY - timedelta(days=5), wednesday, False, True)  # Tuesday: not yet
    assert reminder_due(SUNDAY - timedelta(days=4), wednesday, False, True)  # Wednesday
    assert reminder_due(SUNDAY - timedelta(days=2), wednesday, False, True)  # Friday: still open
    assert not reminder_due(SATURDAY, 6, False, True)  # before a Sunday check-in
    # a new week starts on Monday: last week's missed check-in is not nagged about on Monday
    assert not reminder_due(MONDAY_AFTER, 6, False, True)


# In the window -----------------------------------------------------------------------------------


@pytest.fixture
def unlogged(demo_store: Store, today: date) -> Store:
    """The demo patient with this week (``today``'s) not logged yet."""
    patient = demo_store.patients()[0]
    assert patient.id is not None
    demo_store.delete_entry(patient.id, week_start(today))
    return demo_store


def _settings(tmp_path: Path, today: date, reminder: bool = True) -> Settings:
    settings = settings_at(tmp_path / "settings.ini")
    settings.save_preferences(Preferences(checkin_day=today.weekday(), reminder=reminder))
    return settings


def test_window_shows_banner_and_notifies_once_a_day(
    main_window: Callable[..., MainWindow], qtbot: QtBot, unlogged: Store, today: date, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, today)
    window = main_window(unlogged, settings)
    reminder = window.reminder
    assert window.reminder_banner.isVisible()
    assert "not logged yet" in window.reminder_banner.label.text()
    assert settings_at(tmp_path / "settings.ini").last_reminded() == today  # persisted

    with qtbot.assertNotEmitted(reminder.notified):
        assert reminder.check() is False  # the hourly timer, same day

    # the app is started again later the same day: banner yes, notification no
    window.close()
    again = main_window(unlogged, settings_at(tmp_path / "settings.ini"))
    assert again.reminder_banner.isVisible()
    assert again.reminder.check() is False

    # next day, still not logged (checked by the hourly timer with a moved clock)
    again.reminder.today = lambda: today + timedelta(days=1)
    with qtbot.waitSignal(again.reminder.notified):
        assert again.reminder.check() is True


def test_log_this_week_opens_the_checkin_and_logging_hides_the_banner(
    main_window: Callable[..., MainWindow], qtbot: QtBot, unlogged: Store, today: date, tmp_path: Path
) -> None:
    window = main_window(unlogged, _settings(tmp_path, today))
    window.tabs.setCurrentIndex(window.tabs.count() - 1)
    qtbot.mouseClick(window.reminder_banner.log_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.checkin

    patient_id = window.patient.id  # type: ignore[union-attr]
    last_week = unlogged.entries(patient_id)[-1]
    window.session.save_week(last_week.copied_to(week_start(today)))  # type: ignore[union-attr]
    assert not window.reminder_banner.isVisible()


def test_no_banner_when_logged_or_turned_off(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    logged = main_window(demo_store, _settings(tmp_path, today))  # the demo logged this week
    assert not logged.reminder_banner.isVisible()
    assert logged.reminder.check() is False
    logged.close()

    patient_id = demo_store.patients()[0].id
    assert patient_id is not None
    demo_store.delete_entry(patient_id, week_start(today))
    off = main_window(demo_store, _settings(tmp_path, today, reminder=False))
    assert not off.reminder_banner.isVisible()
    assert off.reminder.check() is False


def test_not_now_hides_the_banner_until_tomorrow(
    main_window: Callable[..., MainWindow], qtbot: QtBot, unlogged: Store, today: date, tmp_path: Path
) -> None:
    window = main_window(unlogged, _settings(tmp_path, today))
    window.reminder_banner.later_button.click()
    window.reminder.check()
    assert not window.reminder_banner.isVisible()
    window.reminder.today = lambda: today + timedelta(days=1)
    window.reminder.check()
    assert window.reminder_banner.isVisible()


@pytest.mark.parametrize("theme", ["light", "high contrast"])
def test_banner_screenshot(
    main_window: Callable[..., MainWindow],
    qtbot: QtBot,
    unlogged: Store,
    today: date,
    tmp_path: Path,
    shot: Callable[[object, str], object],
    theme: str,
) -> None:
    from rehabtrack.ui.settings import Theme
    from rehabtrack.ui.theme import apply_app_theme

    settings = _settings(tmp_path, today)
    settings.save_preferences(replace(settings.preferences(), theme=Theme(theme)))
    window = main_window(unlogged, settings)
    window.resize(1000, 700)
    try:
        assert window.reminder_banner.isVisible()
        QApplication.processEvents()  # the palette change reaches the widgets as an event
        shot(window, f"reminder-banner-{theme.replace(' ', '-')}.png")
    finally:
        apply_app_theme(Theme.SYSTEM)
