"""The main window: the active patient on top, then check-in, history and dashboard tabs.

The window paints before the database is opened: ``load()`` runs right after the first paint
and is the first place the storage stack is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.ui.dialogs.activities import ACTIVITIES_KEYS
from rehabtrack.ui.dialogs.preferences import MoveProblem, copy_records
from rehabtrack.ui.kept_state import keep_state
from rehabtrack.ui.settings import Preferences, Settings
from rehabtrack.ui.shell.desktop import DesktopBehaviour
from rehabtrack.ui.shell.lazy_tab import LazyTab
from rehabtrack.ui.shell.recurrence_notice import RecurrenceNotice
from rehabtrack.ui.shell.reminder import ReminderBanner, WeeklyReminder, week_logged, weeks_per_checkin
from rehabtrack.ui.theme import app_icon, chart_theme
from rehabtrack.ui.views.history import HistoryModel
from rehabtrack.ui.views.history_changes import ChangesPanel
from rehabtrack.ui.widgets import scaled_point_size

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QShowEvent

    from rehabtrack.core.imports import ImportReport, OnConflict
    from rehabtrack.core.model import Patient, WeeklyEntry
    from rehabtrack.storage.errors import DatabaseProblem, StoreLocked
    from rehabtrack.storage.store import Store
    from rehabtrack.ui.changed import Changed
    from rehabtrack.ui.patient_data import PatientData
    from rehabtrack.ui.patient_session import PatientSession
    from rehabtrack.ui.views.checkin import CheckInForm
    from rehabtrack.ui.views.dashboard import Dashboard
    from rehabtrack.ui.views.questionnaires import QuestionnairesView


# The size the window opens at where the screen has room; a smaller screen gets its whole free area.
PREFERRED_SIZE = QSize(1200, 820)
HEADING_EXTRA_PERCENT = 50  # the patient's name: the window's text plus half the desktop's
RESTORE_OFFER_TITLE = "Your records could not be opened"
# How long after the records are opened the window starts answering a second copy (see load).
LISTEN_AFTER_MS = 1000


def restore_offer_text(problem: str, backup: Path) -> str:
    """What the window asks when the database cannot be opened but a backup can."""
    return (
        f"{problem}\n\nRestore the newest backup ({backup.name})? The file that could not be opened "
        "is kept, unchanged, beside the backups."
    )


class MainWindow(QMainWindow):
    def __init__(
        self, open_store: Callable[[], Store], today: date | None = None, *, settings: Settings | None = None
    ) -> None:
        super().__init__()
        self._open_store = open_store
        self._today = today
        self.store: Store | None = None
        self.patient: Patient | None = None
        # The open patient's records, undo stack and change notices (one per patient shown).
        self.session: PatientSession | None = None
        # Preferences, window state, reminder. Without settings given, they live in memory only.
        self.settings = settings if settings is not None else Settings()
        self.setWindowTitle("RehabTrack")
        self.resize(PREFERRED_SIZE)
        self._fitted = False

        central = QWidget()
        layout = QVBoxLayout(central)
        self.patient_label = QLabel("Opening your records…")
        self.patient_label.setObjectName("patientBanner")
        self.patient_label.setAccessibleDescription("Active patient")
        self.patient_label.setWordWrap(True)  # a long condition wraps instead of widening the window
        self._size_heading()
        layout.addWidget(self.patient_label)
        self.reminder_banner = ReminderBanner()  # under the patient's name, above the tabs
        self.reminder_banner.log_requested.connect(self.log_this_week)
        layout.addWidget(self.reminder_banner)
        self.watch_notice = RecurrenceNotice()
        layout.addWidget(self.watch_notice)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Views")
        self.tabs.tabBar().setAccessibleName("Views")
        self.tabs.currentChanged.connect(lambda _index: self._place_watch_notice())
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.history_model = HistoryModel()
        self.history_view = QTableView()
        self.history_view.setModel(self.history_model)
        self.history_view.setAccessibleName("History of weekly check-ins")
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Every column as wide as its text, notes too: the table scrolls sideways rather than cut a note.
        self.history_view.horizontalHeader().setStretchLastSection(False)
        self.history_view.setWordWrap(False)
        self.history_view.activated.connect(self._open_history_week)
        for corner in self.history_view.findChildren(QAbstractButton):  # the select-all corner
            corner.setAccessibleName("Select all weeks")
        # The History tab: the weeks above, who changed what below.
        self.changes = ChangesPanel()
        self.history_page = QSplitter(Qt.Orientation.Vertical)
        self.history_page.setChildrenCollapsible(False)
        self.history_page.addWidget(self.history_view)
        self.history_page.addWidget(self.changes)
        self.history_page.setStretchFactor(0, 3)
        self.history_page.setStretchFactor(1, 2)
        self.checkin: CheckInForm | None = None
        self.dashboard: Dashboard | None = None
        self.questionnaires: LazyTab[QuestionnairesView] | None = None
        self._build_menus()
        self.statusBar().showMessage("Starting…")
        self.reminder = WeeklyReminder(
            self.settings,
            self.today,
            self._week_logged,
            self.reminder_banner,
            app_icon(),
            self,
            self._weeks_per_checkin,
        )
        self.desktop = DesktopBehaviour(self, self.settings, self.edit_menu, self.data_folder)
        self.desktop.applied.connect(self._apply_to_dashboard)
        self.desktop.data_folder_chosen.connect(self.move_data_folder)
        self.desktop.saved.connect(lambda _prefs: self.reminder.check())
        keep_state(self, self.settings, "geometry")  # size and maximised state, as the user left them

    def today(self) -> date:
        """The day the window works with: the one it was given (tests, self-test), else today."""
        return self._today or date.today()

    # Menus --------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        def add(menu, text: str, slot, keys: str | QKeySequence.StandardKey | None = None) -> QAction:  # type: ignore[no-untyped-def]
            action = menu.addAction(text)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            return action

        file_menu = self.menuBar().addMenu("&File")
        add(file_menu, "&Profiles…", self.show_profiles, "Ctrl+Shift+P")
        file_menu.addSeparator()
        self.export_report_action = add(file_menu, "&Export progress report…", self.export_report, "Ctrl+E")
        self.print_action = add(
            file_menu, "Pri&nt progress report…", self.print_report, QKeySequence.StandardKey.Print
        )
        self.export_csv_action = add(file_menu, "Export weekly data as &CSV…", self.export_csv)
        add(file_menu, "Export patient &bundle…", self.export_bundle)
        add(file_menu, "Export &health record (FHIR)…", self.export_health_record)
        add(file_menu, "&Import patient or CSV…", self.import_records, "Ctrl+I")
        file_menu.addSeparator()
        add(file_menu, "Back &up now", self.backup_now)
        add(file_menu, "&Restore from backup…", self.restore_backup)
        file_menu.addSeparator()
        add(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = self.menuBar().addMenu("&Edit")
        # The open patient's Undo and Redo (their text names the change); until one is open, these.
        self.undo_action = edit_menu.addAction("&Undo")
        self.redo_action = edit_menu.addAction("&Redo")
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)

        edit_menu.addSeparator()
        self.activities_action = add(edit_menu, "&Activities…", self.show_activities, ACTIVITIES_KEYS)
        edit_menu.addSeparator()  # where a patient looks for "I finished therapy", not only on one tab
        self.discharge_action = add(edit_menu, "I have been &discharged…", self.mark_discharged)

        view_menu = self.menuBar().addMenu("&View")
        add(view_menu, "&Session view", self.open_session_view, "F11")

        help_menu = self.menuBar().addMenu("&Help")
        add(help_menu, "&Keys and help", self.show_help, QKeySequence.StandardKey.HelpContents)
        add(help_menu, "Open &data folder", self.open_data_folder)
        add(help_menu, "&About RehabTrack", self.show_about)
        self.file_menu, self.edit_menu, self.view_menu, self.help_menu = (
            file_menu,
            edit_menu,
            view_menu,
            help_menu,
        )

    # Fitting the screen -------------------------------------------------------------------------

    def fit_to_screen(self, available: QRect | None = None, fill: bool = False) -> None:
        """Keep the whole window, frame included, inside the screen's free area (``available``; by
        default that of the screen it is on), never larger; ``fill`` makes it that large, as maximising
        does. Its pages scroll rather than grow past it (``rehabtrack self-test`` checks they can)."""
        if available is None:
            screen = self.screen()
            if screen is None:
                return
            available = screen.availableGeometry()
        extra = self.frameGeometry().size() - self.size()
        room = QSize(available.width() - extra.width(), available.height() - extra.height())
        self.resize(room if fill else self.size().boundedTo(room))
        frame = self.frameGeometry()
        x = min(max(frame.x(), available.x()), available.x() + available.width() - frame.width())
        y = min(max(frame.y(), available.y()), available.y() + available.height() - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def _size_heading(self) -> None:
        """The patient's name larger than the window's text by half the desktop's text size: it grows
        with the text size, without taking three lines of a laptop screen at 200 %."""
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() + scaled_point_size(HEADING_EXTRA_PERCENT))
        font.setBold(True)
        self.patient_label.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "patient_label"):
            self._size_heading()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted and not self.isMaximized() and not self.isFullScreen():
            self._fitted = True
            self.fit_to_screen()
            QTimer.singleShot(0, self.fit_to_screen)  # again once the window manager added its frame

    # File and help actions --------------------------------------------------------------------

    def data_folder(self) -> Path | None:
        return self.store.data_dir if self.store is not None else None

    def show_profiles(self) -> None:
        if self.store is None:
            return
        from rehabtrack.ui.dialogs.profiles import ProfilesDialog

        current = self.session.patient_id if self.session is not None else None
        dialog = ProfilesDialog(self.store, current, self, self.session)
        keep_state(dialog, self.settings, "profiles_dialog")
        # Another patient: a session of their own. The one shown stays, with its undo stack (a rename
        # shows at once: the session says the patient changed).
        dialog.patient_chosen.connect(self._patient_chosen)
        dialog.exec()

    def _patient_chosen(self, patient_id: int) -> None:
        if self.session is None or patient_id != self.session.patient_id:
            self.set_patient(patient_id)

    def export_report(self) -> None:
        if self.store is None or self.patient is None or self.patient.id is None:
            return
        from rehabtrack.ui.dialogs.report import ReportDialog

        paper = self.desktop.prefs.paper_size()
        dialog = ReportDialog(self.store, self.patient.id, self._today or date.today(), paper, parent=self)
        keep_state(dialog, self.settings, "report_dialog")
        if dialog.exec() and dialog.written is not None:
            self.statusBar().showMessage(
                f"Progress report saved: {dialog.written} ({dialog.pages} pages)", 10000
            )

    def print_report(self) -> None:
        if self.store is None or self.patient is None or self.patient.id is None:
            return
        from rehabtrack.ui.dialogs.report import print_progress_report

        pages = print_progress_report(self.store, self.patient.id, self._today or date.today(), self)
        if pages:
            self.statusBar().showMessage(f"Sent {pages} pages to the printer", 8000)

    def export_csv(self) -> None:
        if self.store is None or self.patient is None or self.patient.id is None:
            return
        from rehabtrack.storage.csv_io import export_csv

        name = f"{self.patient.display_name} weekly data.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export weekly data", str(Path.home() / name), "CSV (*.csv)"
        )
        if not path:
            return
        try:
            rows = export_csv(self.store, Path(path), [self.patient.id])
        except OSError as exc:  # a full disk or a folder that cannot be written: any earlier file is kept
            QMessageBox.warning(
                self,
                "Export weekly data",
                f"{path} could not be written ({exc.strerror or exc}); nothing was written.",
            )
            return
        self.statusBar().showMessage(f"Exported {rows} weeks to {path}", 8000)

    def export_bundle(self) -> None:
        """One file with the patient's whole history, for their therapist's RehabTrack (or a new computer)."""
        if self.store is None or self.patient is None or self.patient.id is None:
            return
        from rehabtrack.ui.dialogs.transfer import BUNDLE_FILTER, export_patient_bundle

        suggested = str(Path.home() / f"{self.patient.display_name}.rtbundle")
        path, _ = QFileDialog.getSaveFileName(self, "Export patient bundle", suggested, BUNDLE_FILTER)
        if path:
            outcome = export_patient_bundle(self.store, self.patient.id, Path(path))
            self._tell(outcome.ok, "Export patient bundle", outcome.message)

    def export_health_record(self) -> None:
        """The patient's records as a FHIR R4 Bundle for the clinic's electronic health record."""
        if self.store is None or self.patient is None or self.patient.id is None:
            return
        from rehabtrack.ui.dialogs.transfer import FHIR_FILTER, export_health_record

        suggested = str(Path.home() / f"{self.patient.display_name} health record.json")
        path, _ = QFileDialog.getSaveFileName(self, "Export health record (FHIR)", suggested, FHIR_FILTER)
        if path:
            outcome = export_health_record(self.store, self.patient.id, Path(path))
            self._tell(outcome.ok, "Export health record (FHIR)", outcome.message)

    def import_records(self) -> None:
        """Import a bundle or CSV file: say first where it differs from the records and ask which to keep,
        then say what was added, kept and in conflict (after the patient is shown, so it stays)."""
        if self.store is None:
            return
        from rehabtrack.core.imports import OnConflict
        from rehabtrack.ui.dialogs.transfer import IMPORT_FILTER
        from rehabtrack.ui.patient_session import import_file

        path, _ = QFileDialog.getOpenFileName(
            self, "Import a patient or weekly data", str(Path.home()), IMPORT_FILTER
        )
        if not path:
            return
        name = self.patient.display_name if self.patient else None
        preview = import_file(self.store, Path(path), name, dry_run=True)
        choice = OnConflict.KEEP
        if preview.ok and preview.report is not None and preview.report.conflicts:
            asked = self._ask_on_conflict(preview.report, Path(path).name)
            if asked is None:
                self.statusBar().showMessage("Import cancelled: nothing was imported.", 10000)
                return
            choice = asked
        if not preview.ok:
            outcome = preview
        elif self.session is not None:  # every view of the patient on screen reads its data again
            outcome = self.session.import_file(Path(path), choice)
        else:
            outcome = import_file(self.store, Path(path), name, choice)
        if not outcome.ok:
            QMessageBox.warning(self, "Import", outcome.message)
            return
        current = self.session.patient_id if self.session is not None else None
        target = outcome.patient_id or current
        if target is None and self.store.patients():
            target = self.store.patients()[0].id
        if target is not None and target != current:
            self.set_patient(target)
        self.statusBar().showMessage(outcome.message.splitlines()[0])
        QMessageBox.information(self, "Import", outcome.message)

    def _ask_on_conflict(self, report: ImportReport, file_name: str) -> OnConflict | None:
        """Keep the stored values or take the file's; None: cancel the import."""
        from rehabtrack.core.imports import OnConflict
        from rehabtrack.ui.dialogs.transfer import conflict_question

        box = QMessageBox(
            QMessageBox.Icon.Question, "Values differ", conflict_question(report, file_name), parent=self
        )
        keep = box.addButton("&Keep stored values", QMessageBox.ButtonRole.AcceptRole)
        take = box.addButton("&Take imported values", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        if box.clickedButton() is keep:
            return OnConflict.KEEP
        if box.clickedButton() is take:
            return OnConflict.REPLACE
        return None

    def _tell(self, ok: bool, title: str, message: str) -> None:
        if ok:
            self.statusBar().showMessage(message, 10000)
        else:
            QMessageBox.warning(self, title, message)

    def backup_now(self) -> None:
        folder = self.data_folder()
        if folder is None:
            self._server_backup("backup")
            return
        from rehabtrack.storage.backup import backup_now

        made = backup_now(folder, keep=self.desktop.prefs.backups_kept)
        self.statusBar().showMessage(f"Backed up to {made}", 8000)

    def _server_backup(self, command: str) -> None:
        """On a database server the server's owner backs up and restores (pg_dump): say so."""
        if self.store is not None and self.store.path is None:
            from rehabtrack.storage.server import backup_advice

            QMessageBox.information(self, "RehabTrack", backup_advice(self.store.location, command))

    def restore_backup(self) -> None:
        """Put a backup back in place: the current file is kept aside first, then the app re-opens it."""
        folder = self.data_folder()
        if folder is None or self.store is None:
            self._server_backup("restore")
            return
        from rehabtrack.storage.backup import backup_dir

        path, _ = QFileDialog.getOpenFileName(
            self, "Restore from backup", str(backup_dir(folder)), "RehabTrack backups (*.db)"
        )
        if not path:
            return
        restored, kept = self._restore_after_asking(
            folder,
            Path(path),
            "Restore from backup",
            f"Replace your records with the backup {Path(path).name}?\n\n"
            "What is there now is kept as a backup of its own, so this can be undone.",
        )
        if self.store is None:  # closed for the restore (done or not): open the records again
            self.load()
        if restored and kept is not None:
            self.statusBar().showMessage(f"Restored. Your previous records are kept in {kept}", 10000)

    def _restore_after_asking(
        self, folder: Path, backup: Path, title: str, question: str
    ) -> tuple[bool, Path | None]:
        """Ask; then close the records and put ``backup`` back (what was there is kept aside, see
        storage.backup.restore). Returns (restored, where the previous records went); says why not."""
        from rehabtrack.storage.errors import DatabaseProblem
        from rehabtrack.ui.patient_session import restore_backup

        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return False, None
        if self.store is not None:
            self._close_session()
            self.store.close()
            self.store = None
        try:
            return True, restore_backup(folder, backup)
        except DatabaseProblem as exc:
            QMessageBox.critical(self, title, str(exc))
            return False, None

    def show_activities(self) -> None:
        """Edit → Activities…: add, rename, archive or restore the patient's own daily activities."""
        if self.checkin is not None:
            self.checkin.manage_activities()

    def mark_discharged(self) -> None:
        """Edit → I have been discharged…: on the Questionnaires tab, beside the maintenance plan.
        Cancelled, the user is back on the tab and in the field they left."""
        if self.questionnaires is None:
            return
        was_on, had_focus = self.tabs.currentWidget(), self.focusWidget()
        self.tabs.setCurrentWidget(self.questionnaires)
        if self.questionnaires.ensure().mark_discharged():
            return
        self.tabs.setCurrentWidget(was_on)
        if had_focus is not None and was_on.isAncestorOf(had_focus):
            had_focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_session_view(self) -> None:
        if self.dashboard is not None:
            self.dashboard.open_session()

    def show_help(self) -> None:
        from rehabtrack.ui.views.checkin import KEYS_HELP

        QMessageBox.information(
            self,
            "RehabTrack keys",
            f"Check-in: {KEYS_HELP.removeprefix('Keys: ')}\n\n"
            "Dashboard: Alt+1…5 time range · F11 session view (← → step, C compare, N add a note)\n\n"
            f"Activities: {ACTIVITIES_KEYS} add, rename, archive or restore your own activities\n\n"
            "Everything you log stays on this computer; RehabTrack never uses the network.",
        )

    def open_data_folder(self) -> None:
        folder = self.data_folder()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def show_about(self) -> None:
        from rehabtrack import __version__

        QMessageBox.about(
            self,
            "About RehabTrack",
            f"<b>RehabTrack {__version__}</b><br>"
            "Weekly recovery tracker for physical and occupational therapy."
            f"<br><br>Your records: {self.data_folder() or 'not opened'}"
            "<br>They stay on this computer and are never sent anywhere.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._unsaved_week_settled():
            event.ignore()
            return
        super().closeEvent(event)  # then hidden: the window and its splitters save their state

    def _unsaved_week_settled(self) -> bool:
        """A typed but unsaved week is never lost silently: save it, drop it on purpose, or stay."""
        form = self.checkin
        if form is None or not form.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self,
            "Save this week?",
            f"The check-in for the week of {form.week:%-d %B} has changes that are not saved yet.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return bool(form.save())  # a bad value keeps the window open
        return answer == QMessageBox.StandardButton.Discard

    # Loading ------------------------------------------------------------------------------------

    def load(self) -> None:
        """Open the database and show the first patient (or run the setup wizard)."""
        from rehabtrack.storage.errors import (
            ConnectionProblem,
            DatabaseProblem,
            MigrationFailed,
            StoreLocked,
        )
        from rehabtrack.ui.connection import StartChoice, start_choice

        try:
            self.store = self._open_store()
        except StoreLocked as exc:
            self._already_open(exc)
            return
        except ConnectionProblem as exc:  # the clinic server: down, or the login or certificate refused
            self.patient_label.setText("The clinic server cannot be reached")
            choice = start_choice(self, exc)
            if choice is StartChoice.PREFERENCES:
                self.desktop.open_preferences(server=True)
            if choice is not StartChoice.GIVE_UP:
                self.load()
            return
        except DatabaseProblem as exc:
            self.patient_label.setText("Your records could not be opened")
            # A failed upgrade left the file as it was: its pre-upgrade copy is the same records, and
            # restoring it would only fail the same way again.
            if exc.backup is None or isinstance(exc, MigrationFailed):
                QMessageBox.critical(self, "RehabTrack", str(exc))
            elif self._offer_restore(exc):
                self.load()
            return
        if self.store.data_dir is not None:  # one window per data folder; a server serves several
            # Once the first patient is on screen: Qt's network module takes ~10 ms to load, and a
            # second copy started meanwhile keeps asking (single_instance.wake_running).
            listen = QTimer(self)  # goes with the window, should it close first
            listen.setSingleShot(True)
            listen.timeout.connect(self._listen_for_second_copy)
            listen.start(LISTEN_AFTER_MS)
        patients = self.store.patients()
        if not patients:
            patient_id = self._run_setup_wizard()
            if patient_id is None:
                self.patient_label.setText("No patient yet: use File → Profiles… to add one")
                return
            patients = self.store.patients()
        self.set_patient(patients[0].id or 0)
        if getattr(self, "_first_run_import", ""):
            self.statusBar().showMessage(self._first_run_import, 15000)

    def _listen_for_second_copy(self) -> None:
        """Answer a second copy started on the same data folder (it asks this window to come forward)."""
        from rehabtrack.ui.shell.single_instance import InstanceServer

        data_dir = self.store.data_dir if self.store is not None else None
        if data_dir is not None and getattr(self, "instance_server", None) is None:
            self.instance_server = InstanceServer(data_dir, self.bring_forward, self)

    def _already_open(self, exc: StoreLocked) -> None:
        """A second copy on the same records: bring the first one forward and step aside."""
        from rehabtrack.ui.shell.single_instance import wake_running

        self.patient_label.setText("RehabTrack is already open on these records")
        if exc.data_dir is not None and wake_running(exc.data_dir):
            self.statusBar().showMessage("The RehabTrack window already open was brought to the front.")
            QMessageBox.information(
                self,
                "RehabTrack",
                "RehabTrack is already open on your records; that window has been brought to the front.\n\n"
                "This copy will close, so the two never write at the same time.",
            )
            self.close()
            return
        QMessageBox.warning(self, "RehabTrack", str(exc))

    def _offer_restore(self, exc: DatabaseProblem) -> bool:
        """The database cannot be used: say why and offer the newest backup. True if it was restored."""
        assert exc.backup is not None
        restored, _kept = self._restore_after_asking(
            exc.backup.parent.parent,  # the data folder holding backups/
            exc.backup,
            RESTORE_OFFER_TITLE,
            restore_offer_text(str(exc), exc.backup),
        )
        return restored

    def bring_forward(self) -> None:
        """Another copy was started on these records: show this window instead."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.statusBar().showMessage("RehabTrack is already open here.", 5000)

    def _run_setup_wizard(self) -> int | None:
        from rehabtrack.ui.dialogs.wizard import SetupWizard

        assert self.store is not None
        wizard = SetupWizard(self.store, self)
        wizard.exec()
        self._first_run_import = wizard.imported  # said once the patient is on screen
        return wizard.patient_id

    def set_patient(self, patient_id: int) -> None:
        """Show ``patient_id``: a new session (records, undo stack, change notices) and its views."""
        assert self.store is not None
        from rehabtrack.ui.patient_session import PatientSession
        from rehabtrack.ui.views.checkin import CheckInForm
        from rehabtrack.ui.views.dashboard import Dashboard

        self._close_session()
        session = PatientSession.open(self.store, patient_id, self._today, self)
        self.session, self.patient = session, session.patient
        self._show_undo_actions(session.undo_action, session.redo_action)
        self._show_patient()

        current = self.tabs.currentIndex()
        self.tabs.clear()
        self.checkin = CheckInForm(session)
        self.checkin.status.connect(self.statusBar().showMessage)
        self.tabs.addTab(self.checkin, "&Check-in")
        self.tabs.addTab(self.history_page, "Histor&y")
        self.dashboard = Dashboard(session, entries=self.checkin.entries, states=self.settings)
        self.tabs.addTab(self.dashboard, "&Dashboard")
        self.questionnaires = LazyTab(lambda: self._make_questionnaires(session))
        self.tabs.addTab(self.questionnaires, "&Questionnaires")
        session.changed.connect(self._on_changed)  # after the check-in's: see _on_changed
        session.refused_undo.connect(self._undo_refused)
        self.tabs.setCurrentIndex(max(current, 0))
        entries = self._show_history(self.dashboard.data.entries)
        self.changes.show_session(session)
        self._show_watch(entries, self.dashboard.data)  # all just read: nothing read again
        self.statusBar().showMessage(f"Showing {session.patient.display_name}", 4000)
        self._apply_to_dashboard(self.desktop.prefs)
        self.reminder.check()
        if self.tabs.currentWidget() is self.checkin:  # typing starts in the week's first field
            self.checkin.focus_first_input()

    def _undo_refused(self, problem: object) -> None:
        """Edit → Undo or Redo met someone else's change. The check-in shows it; elsewhere a box says so
        (after the undo stack has finished its step)."""
        if self.tabs.currentWidget() is not self.checkin:
            QTimer.singleShot(0, lambda: QMessageBox.warning(self, "Not undone", str(problem)))

    def _close_session(self) -> None:
        """The patient shown is left (another is opened, or the records are closed for a restore)."""
        if self.session is not None:
            placeholders = QAction("&Undo", self.edit_menu), QAction("&Redo", self.edit_menu)
            for action in placeholders:
                action.setEnabled(False)
            self._show_undo_actions(*placeholders)
            self.session.deleteLater()
            self.session = None

    def _show_undo_actions(self, undo: QAction, redo: QAction) -> None:
        """Edit → Undo / Redo are those of the patient shown."""
        self.edit_menu.insertActions(self.undo_action, [undo, redo])
        for old in (self.undo_action, self.redo_action):
            self.edit_menu.removeAction(old)
            if old.parent() is self.edit_menu:  # a placeholder; a session's own go with the session
                old.deleteLater()
        self.undo_action, self.redo_action = undo, redo

    def _show_patient(self) -> None:
        assert self.session is not None
        p = self.session.patient
        details = " · ".join(part for part in (p.condition, p.affected_side) if part)
        self.patient_label.setText(f"{p.display_name}" + (f"  ·  {details}" if details else ""))
        self.setWindowTitle(f"RehabTrack — {p.display_name}")

    # The reminder and the preferences -----------------------------------------------------------

    def _week_logged(self, day: date) -> bool:
        if self.store is None or self.patient is None or self.patient.id is None:
            return True  # nobody to remind
        from rehabtrack.core.maintenance import checkin_logged

        session, checkin = self.session, self.checkin
        if session is not None and session.patient_id == self.patient.id and checkin is not None:
            # the weeks the check-in keeps up to date, and the plan the views of a change share
            return checkin_logged(session.stored_plan(), [e.week for e in checkin.entries], day)
        return week_logged(self.store, self.patient.id, day)

    def _weeks_per_checkin(self) -> int:
        if self.store is None or self.patient is None or self.patient.id is None:
            return 1
        return weeks_per_checkin(self.store, self.patient.id)

    def log_this_week(self) -> None:
        """The reminder's "Log this week": the check-in of this week, in front, ready to type."""
        from rehabtrack.core.weeks import week_start
        from rehabtrack.ui.views.checkin import CheckInForm

        if not isinstance(self.checkin, CheckInForm):
            return
        self.checkin.show_week(week_start(self.today()))
        self.tabs.setCurrentWidget(self.checkin)
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        self.checkin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _apply_to_dashboard(self, prefs: Preferences) -> None:
        """The charts follow the theme and the table of typical ranges chosen in Preferences."""
        if self.dashboard is None:
            return
        from rehabtrack.ui.views.dashboard import Dashboard

        if isinstance(self.dashboard, Dashboard):
            self.dashboard.set_rom_norms(prefs.rom_norms)
            self.dashboard.set_theme(chart_theme(prefs.theme))

    def move_data_folder(self, folder: Path) -> bool:
        """Copy the records to ``folder`` and work there from now on; on failure they stay where they were."""
        if self.store is None or self.store.data_dir is None:
            return False
        old = self.store.data_dir
        patient_id = self.patient.id if self.patient is not None else None
        before = self.store
        try:
            self.store = copy_records(self.store, folder, self.desktop.prefs.backups_kept)
        except MoveProblem as exc:
            self.store = exc.store
            if exc.store is not before and patient_id is not None:
                self.set_patient(patient_id)  # the views held the closed store
            QMessageBox.warning(self, "Move data folder", f"{exc}\n\nYour records stay in {old}.")
            return False
        self.desktop.data_folder_moved(folder)
        if patient_id is not None:
            self.set_patient(patient_id)
        message = (
            f"Your records are now in {folder}. The old copy is still in {old}; delete it when you like."
        )
        self.statusBar().showMessage(message, 15000)
        QMessageBox.information(self, "Move data folder", message)
        return True

    def _make_questionnaires(self, session: PatientSession) -> QuestionnairesView:
        from rehabtrack.ui.views.questionnaires import QuestionnairesView

        view = QuestionnairesView(session)
        view.status.connect(self.statusBar().showMessage)
        return view

    def _on_changed(self, what: Changed) -> None:
        """What the window itself shows: the patient's name, the history table, the recurrence watch,
        and whether the reminder still has a week to remind of. Connected after the views: for saved or
        deleted weeks the check-in has read them back already, and its weeks are used."""
        if self.session is None:
            return
        self.patient = self.session.patient
        self.changes.refresh()  # every change leaves its audit rows
        if what.patient or what.everything:
            self._show_patient()
        if what.everything or what.weeks or what.activities or what.maintenance or what.thresholds:
            only_weeks = not (what.everything or what.activities) and self.checkin is not None
            entries = self._show_history(self.checkin.entries if only_weeks and self.checkin else None)
            self._show_watch(entries)
        if what.everything or what.weeks or what.maintenance:
            self.reminder.check()

    def _show_watch(self, entries: list[WeeklyEntry], read: PatientData | None = None) -> None:
        """In the maintenance phase: a marker worse than at discharge for two check-ins in a row.
        ``read``: the patient's activities and thresholds as the dashboard has just read them."""
        assert self.store is not None and self.patient is not None and self.patient.id is not None
        pid = self.patient.id
        session = self.session if self.session is not None and self.session.patient_id == pid else None
        if read is not None:
            activities, thresholds = read.activities, read.thresholds
        elif session is not None:  # the reads the other views told of this change share
            activities, thresholds = session.stored_activities(), session.stored_thresholds()
        else:
            activities = self.store.activities(pid, include_archived=True)
            thresholds = self.store.thresholds(pid)
        plan = session.stored_plan() if session is not None else self.store.maintenance(pid)
        self.watch_notice.show_alerts(plan, entries, activities, thresholds)
        self._place_watch_notice()

    def _place_watch_notice(self) -> None:
        """The warning shows once: Questionnaires shows its own beside the maintenance plan."""
        on_questionnaires = (
            self.questionnaires is not None and self.tabs.currentWidget() is self.questionnaires
        )
        self.watch_notice.set_shown_elsewhere(on_questionnaires)

    def _show_history(self, entries: list[WeeklyEntry] | None = None) -> list[WeeklyEntry]:
        """Fill the history table (from ``entries`` when they were just read); returns the entries."""
        from rehabtrack.core.weeks import week_start

        assert self.store is not None and self.patient is not None and self.patient.id is not None
        entries = entries if entries is not None else self.store.entries(self.patient.id)
        self.history_model.set_entries(entries, week_start(self._today or date.today()))
        return entries

    def _open_history_week(self, index) -> None:  # type: ignore[no-untyped-def]
        if self.checkin is None:
            return
        self.checkin.show_week(self.history_model.week_at(index.row()))
        self.tabs.setCurrentWidget(self.checkin)
        self.checkin.focus_first_input()
