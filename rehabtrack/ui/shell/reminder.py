"""The weekly check-in reminder: a banner above the tabs and, where there is a tray, a notification.

Nothing runs as a service: the window checks when a patient is shown and then every hour. Whether to
remind is decided by two plain functions with the date passed in, so tests choose the day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSystemTrayIcon, QWidget

from rehabtrack.core.weeks import week_label, week_start
from rehabtrack.ui.settings import WEEKDAYS, Settings
from rehabtrack.ui.widgets import Button, paint_notice_border

if TYPE_CHECKING:
    from rehabtrack.storage.store import Store

CHECK_EVERY_MS = 60 * 60 * 1000
NOTIFICATION_MS = 15_000


def reminder_due(today: date, checkin_day: int, week_logged: bool, enabled: bool) -> bool:
    """True from the check-in day to the end of the (Monday–Sunday) week while the week is not logged."""
    return enabled and not week_logged and today.weekday() >= checkin_day


def should_remind(
    today: date, checkin_day: int, week_logged: bool, enabled: bool, last_reminded: date | None
) -> bool:
    """Whether to send a notification now: the reminder is due and none was sent today."""
    return reminder_due(today, checkin_day, week_logged, enabled) and last_reminded != today


def reminder_text(today: date, checkin_day: int, every_weeks: int = 1) -> str:
    """What the banner says; in the maintenance phase it names the 2- or 4-week check-in, not the week."""
    if every_weeks > 1:
        checkin = f"{every_weeks}-week check-in"
        if today.weekday() == checkin_day:
            return f"It's check-in day. Your {checkin} is not logged yet."
        return f"Your {WEEKDAYS[checkin_day]} {checkin} is still open: it is not logged yet."
    week = week_label(week_start(today))
    if today.weekday() == checkin_day:
        return f"It's check-in day. {week} is not logged yet."
    return f"Your {WEEKDAYS[checkin_day]} check-in is still open: {week} is not logged yet."


def week_logged(store: Store, patient_id: int, day: date) -> bool:
    """Whether the patient's check-in period holding ``day`` has a logged week (2 or 4 weeks after
    therapy, else the week)."""
    from rehabtrack.core.maintenance import checkin_logged, checkin_period

    plan = store.maintenance(patient_id)
    first, last = checkin_period(plan, day)
    return checkin_logged(plan, [e.week for e in store.entries(patient_id, first, last)], day)


def weeks_per_checkin(store: Store, patient_id: int) -> int:
    """How many weeks one check-in covers: 1, or 2 or 4 in the maintenance phase."""
    plan = store.maintenance(patient_id)
    return plan.every_weeks if plan.active and plan.every_weeks else 1


class ReminderBanner(QFrame):
    """A strip above the tabs (the window places it): what is due and a button that opens the check-in."""

    log_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)  # the tooltip colours: an info bar in every theme
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        layout = QHBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Reminder")
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.log_button = Button("&Log this week")
        self.log_button.clicked.connect(self.log_requested.emit)
        self.later_button = Button("Not &now")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.log_button)
        layout.addWidget(self.later_button)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        paint_notice_border(self)

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class WeeklyReminder(QObject):
    """Checks whether the week is due; shows the banner and, at most once a day, a tray notification.

    It is given what it needs: ``today`` is the clock, ``week_logged`` answers for the shown patient and
    the week of a given day (True when nobody is shown), ``every_weeks`` how many weeks a check-in covers,
    ``banner`` where to show it.
    """

    notified = Signal(str)

    def __init__(
        self,
        settings: Settings,
        today: Callable[[], date],
        week_logged: Callable[[date], bool],
        banner: ReminderBanner,
        icon: QIcon | None = None,
        parent: QObject | None = None,
        every_weeks: Callable[[], int] = lambda: 1,  # weeks a check-in covers (2 or 4 in maintenance)
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.every_weeks = every_weeks
        self.today = today
        self.week_logged = week_logged
        self.banner = banner
        self.dismissed_on: date | None = None
        banner.later_button.clicked.connect(self.dismiss)
        self.tray: QSystemTrayIcon | None = None
        if icon is not None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("RehabTrack")
            self.tray.messageClicked.connect(banner.log_requested.emit)
            self.tray.activated.connect(lambda *_: banner.log_requested.emit())
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def dismiss(self) -> None:
        """'Not now': hide the banner until tomorrow."""
        self.dismissed_on = self.today()
        self.banner.hide()

    def check(self) -> bool:
        """Show or hide the banner for today; returns whether a notification was sent."""
        prefs = self.settings.preferences()
        today = self.today()
        logged = self.week_logged(today)
        if not reminder_due(today, prefs.checkin_day, logged, prefs.reminder):
            self.banner.hide()
            return False
        text = reminder_text(today, prefs.checkin_day, self.every_weeks())
        if self.dismissed_on != today and (self.banner.isHidden() or self.banner.label.text() != text):
            self.banner.show_text(text)
        if not should_remind(today, prefs.checkin_day, logged, prefs.reminder, self.settings.last_reminded()):
            return False
        self.settings.set_last_reminded(today)
        if self.tray is not None:
            self.tray.show()
            self.tray.showMessage(
                "RehabTrack check-in", text, QSystemTrayIcon.MessageIcon.Information, NOTIFICATION_MS
            )
        self.notified.emit(text)
        return True
