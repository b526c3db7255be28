"""Everything that makes the main window behave like a desktop program: preferences applied at start
and live, window and splitter state kept, the weekly reminder, moving the data folder.

``DesktopBehaviour`` attaches all of it to a ``MainWindow``; the window calls ``patient_shown()``
after it builds a patient's tabs and ``save_state()`` when it closes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.core.weeks import week_start
from rehabtrack.ui.dialogs.preferences import MoveProblem, PreferencesDialog, copy_records
from rehabtrack.ui.settings import Preferences, Settings
from rehabtrack.ui.shell.reminder import ReminderBanner, WeeklyReminder
from rehabtrack.ui.theme import app_icon, apply_app_theme, chart_theme
from rehabtrack.ui.widgets import apply_app_font_scale, apply_font_scale


class DesktopBehaviour(QObject):
    """Preferences, window state and the reminder for one main window (see the module docstring)."""

    def __init__(self, window: QMainWindow, settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.prefs = settings.preferences()
        self._dashboard: QWidget | None = None
        window.setWindowIcon(app_icon())

        edit_menu = getattr(window, "edit_menu", None)
        if edit_menu is not None:
            edit_menu.addSeparator()
            action = edit_menu.addAction("&Preferences…")
            action.setShortcut(QKeySequence("Ctrl+,"))
            action.setMenuRole(action.MenuRole.PreferencesRole)
            action.triggered.connect(self.open_preferences)
            self.preferences_action = action

        self.banner = ReminderBanner()
        self.banner.log_requested.connect(self.log_this_week)
        central = window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.banner)  # under the patient's name, above the tabs
        self.reminder = WeeklyReminder(
            settings, self.today, self.week_logged, self.banner, app_icon(), self, self.checkin_weeks
        )

        geometry = settings.state("geometry")
        if geometry is not None:
            window.restoreGeometry(geometry)
        state = settings.state("state")
        if state is not None:
            window.restoreState(state)
        self.apply(self.prefs)

    # Applying -------------------------------------------------------------------------------

    def today(self) -> date:
        return getattr(self.window, "_today", None) or date.today()

    def checkin_weeks(self) -> int:
        """How many weeks one check-in covers for the shown patient: 1, or 2 or 4 after therapy."""
        store = getattr(self.window, "store", None)
        patient = getattr(self.window, "patient", None)
        if store is None or patient is None or patient.id is None:
            return 1
        plan = store.maintenance(patient.id)
        return plan.every_weeks if plan.active and plan.every_weeks else 1

    def week_logged(self, day: date) -> bool:
        store = getattr(self.window, "store", None)
        patient = getattr(self.window, "patient", None)
        if store is None or patient is None or patient.id is None:
            return True  # nobody to remind
        from rehabtrack.core.maintenance import checkin_logged, checkin_period

        plan = store.maintenance(patient.id)  # in the maintenance phase a check-in covers 2 or 4 weeks
        first, last = checkin_period(plan, day)
        weeks = [e.week for e in store.entries(patient.id, first, last)]
        return checkin_logged(plan, weeks, day)

    def apply(self, prefs: Preferences) -> None:
        """Font scale, palette and chart theme, now."""
        apply_app_font_scale(prefs.font_scale)  # dialogs and message boxes opened later
        apply_font_scale(self.window, prefs.font_scale)
        apply_app_theme(prefs.theme)
        dashboard = getattr(self.window, "dashboard", None)
        if dashboard is not None and hasattr(dashboard, "set_theme"):
            dashboard.set_rom_norms(prefs.rom_norms)
            dashboard.set_theme(chart_theme(prefs.theme))

    def patient_shown(self) -> None:
        """After the window (re)built a patient's tabs: theme and lay out the dashboard, check the week."""
        self._save_splitters()
        dashboard = getattr(self.window, "dashboard", None)
        if dashboard is not None:
            if hasattr(dashboard, "set_theme"):
                dashboard.set_rom_norms(self.prefs.rom_norms)
                dashboard.set_theme(chart_theme(self.prefs.theme))
            for name, splitter in self._splitters(dashboard):
                state = self.settings.state(name)
                if state is not None:
                    splitter.restoreState(state)
                    dashboard.layout_restored = True  # the sizes the user left, not the first ones
        self._dashboard = dashboard
        checkin = getattr(self.window, "checkin", None)
        if checkin is not None and hasattr(checkin, "entry_saved"):
            checkin.entry_saved.connect(lambda *_: self.reminder.check())
            checkin.entry_deleted.connect(lambda *_: self.reminder.check())
        self.reminder.check()

    def log_this_week(self) -> None:
        checkin = getattr(self.window, "checkin", None)
        tabs = getattr(self.window, "tabs", None)
        if checkin is None or tabs is None:
            return
        if hasattr(checkin, "show_week"):
            checkin.show_week(week_start(self.today()))
        tabs.setCurrentWidget(checkin)
        if self.window.isMinimized():
            self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        checkin.setFocus(Qt.FocusReason.OtherFocusReason)

    # Window state ---------------------------------------------------------------------------

    @staticmethod
    def _splitters(dashboard: Any) -> list[tuple[str, QSplitter]]:
        outer = getattr(dashboard, "splitter", None)
        if not isinstance(outer, QSplitter):
            return []
        found = [("dashboard_splitter", outer)]
        for i in range(outer.count()):
            inner = outer.widget(i)
            if isinstance(inner, QSplitter):
                found.append(("charts_splitter", inner))
                break
        return found

    def _save_splitters(self) -> None:
        from shiboken6 import isValid

        if self._dashboard is not None and isValid(self._dashboard):
            for name, splitter in self._splitters(self._dashboard):
                self.settings.set_state(name, splitter.saveState())

    def save_state(self) -> None:
        """Called when the window closes: its geometry (with maximised state) and the splitters."""
        self.settings.set_state("geometry", self.window.saveGeometry())
        self.settings.set_state("state", self.window.saveState())
        self._dashboard = getattr(self.window, "dashboard", None) or self._dashboard
        self._save_splitters()
        self.settings.sync()

    # Preferences dialog -----------------------------------------------------------------------

    def data_folder(self) -> Path | None:
        store = getattr(self.window, "store", None)
        return store.path.parent if store is not None else None

    def make_dialog(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.prefs, self.data_folder(), self.window)
        dialog.changed.connect(self.apply)  # live preview
        return dialog

    def open_preferences(self) -> None:
        dialog = self.make_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.accept(dialog)
        else:
            self.apply(self.prefs)

    def accept(self, dialog: PreferencesDialog) -> None:
        """Keep what the dialog shows, and move the records if a new folder was chosen."""
        self.prefs = dialog.preferences()
        self.settings.save_preferences(self.prefs)
        self.apply(self.prefs)
        folder = dialog.new_folder()
        if folder is not None:
            self.move_data_folder(folder)
        self.reminder.check()

    def move_data_folder(self, folder: Path) -> bool:
        window: Any = self.window
        if window.store is None:
            return False
        old = window.store.path.parent
        patient_id = window.patient.id if window.patient is not None else None
        before = window.store
        try:
            window.store = copy_records(window.store, folder, self.prefs.backups_kept)
        except MoveProblem as exc:
            window.store = exc.store
            if exc.store is not before and patient_id is not None:
                window.set_patient(patient_id)  # the views held the closed store
            QMessageBox.warning(window, "Move data folder", f"{exc}\n\nYour records stay in {old}.")
            return False
        self.prefs = replace(self.prefs, data_folder=str(folder))
        self.settings.save_preferences(self.prefs)
        if patient_id is not None:
            window.set_patient(patient_id)
        message = (
            f"Your records are now in {folder}. The old copy is still in {old}; delete it when you like."
        )
        window.statusBar().showMessage(message, 15000)
        QMessageBox.information(window, "Move data folder", message)
        return True
