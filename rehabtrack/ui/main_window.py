"""The main window: the active patient on top, then check-in, history and dashboard tabs.

The window paints before the database is opened: ``load()`` runs right after the first paint
and is the first place the storage stack is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.ui.history import HistoryModel

if TYPE_CHECKING:
    from rehabtrack.core.model import Patient
    from rehabtrack.storage.store import Store


class MainWindow(QMainWindow):
    def __init__(self, open_store: Callable[[], Store], today: date | None = None) -> None:
        super().__init__()
        self._open_store = open_store
        self._today = today
        self.store: Store | None = None
        self.patient: Patient | None = None
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle("RehabTrack")
        self.resize(1200, 820)

        central = QWidget()
        layout = QVBoxLayout(central)
        self.patient_label = QLabel("Opening your records…")
        self.patient_label.setObjectName("patientBanner")
        self.patient_label.setAccessibleName("Active patient")
        font = self.patient_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.patient_label.setFont(font)
        layout.addWidget(self.patient_label)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Views")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.history_model = HistoryModel()
        self.history_view = QTableView()
        self.history_view.setModel(self.history_model)
        self.history_view.setAccessibleName("History of weekly check-ins")
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history_view.horizontalHeader().setStretchLastSection(True)
        self.history_view.activated.connect(self._open_history_week)
        self.checkin: QWidget | None = None
        self.dashboard: QWidget | None = None
        self._build_menus()
        self.statusBar().showMessage("Starting…")

    # Menus --------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        # The check-in form owns the Ctrl+Z / Ctrl+Shift+Z keys (it lets a text field undo its typing
        # first); binding them here too would make them ambiguous, so the menu only shows them.
        undo = edit_menu.addAction("&Undo\tCtrl+Z", self.undo_stack.undo)
        redo = edit_menu.addAction("&Redo\tCtrl+Shift+Z", self.undo_stack.redo)
        undo.setEnabled(False)
        redo.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(redo.setEnabled)
        self.file_menu, self.edit_menu = file_menu, edit_menu

    # Loading ------------------------------------------------------------------------------------

    def load(self) -> None:
        """Open the database and show the first patient (or run the setup wizard)."""
        from rehabtrack.storage.errors import DatabaseProblem

        try:
            self.store = self._open_store()
        except DatabaseProblem as exc:
            self.patient_label.setText("Your records could not be opened")
            QMessageBox.critical(self, "RehabTrack", str(exc))
            return
        patients = self.store.patients()
        if not patients:
            patient_id = self._run_setup_wizard()
            if patient_id is None:
                self.patient_label.setText("No patient yet: use File → New patient…")
                return
            patients = self.store.patients()
        self.set_patient(patients[0].id or 0)

    def _run_setup_wizard(self) -> int | None:
        from rehabtrack.ui.wizard import SetupWizard

        assert self.store is not None
        wizard = SetupWizard(self.store, self)
        wizard.exec()
        return wizard.patient_id

    def set_patient(self, patient_id: int) -> None:
        assert self.store is not None
        from rehabtrack.ui.checkin import CheckInForm

        self.patient = self.store.patient(patient_id)
        self.undo_stack.clear()
        p = self.patient
        details = " · ".join(part for part in (p.condition, p.affected_side) if part)
        self.patient_label.setText(f"{p.display_name}" + (f"  ·  {details}" if details else ""))
        self.setWindowTitle(f"RehabTrack — {p.display_name}")

        current = self.tabs.currentIndex()
        self.tabs.clear()
        self.checkin = CheckInForm(self.store, patient_id, self.undo_stack, self._today)
        self.checkin.entry_saved.connect(self.refresh)  # type: ignore[attr-defined]
        self.checkin.entry_deleted.connect(self.refresh)  # type: ignore[attr-defined]
        self.checkin.status.connect(self.statusBar().showMessage)  # type: ignore[attr-defined]
        self.tabs.addTab(self.checkin, "&Check-in")
        self.tabs.addTab(self.history_view, "&History")
        self.dashboard = self._make_dashboard(patient_id)
        if self.dashboard is not None:
            self.tabs.addTab(self.dashboard, "&Dashboard")
        self.tabs.setCurrentIndex(max(current, 0))
        self.refresh()
        self.statusBar().showMessage(f"Showing {p.display_name}", 4000)

    def _make_dashboard(self, patient_id: int) -> QWidget | None:
        from rehabtrack.ui.dashboard import Dashboard

        assert self.store is not None
        return Dashboard(self.store, patient_id, self._today)

    def refresh(self, *_: object) -> None:
        """Re-read what a save or delete changed."""
        if self.store is None or self.patient is None or self.patient.id is None:
            return
        from rehabtrack.core.weeks import week_start

        entries = self.store.entries(self.patient.id)
        self.history_model.set_entries(entries, week_start(self._today or date.today()))
        if self.dashboard is not None:
            self.dashboard.refresh(entries)  # type: ignore[attr-defined]

    def _open_history_week(self, index) -> None:  # type: ignore[no-untyped-def]
        if self.checkin is None:
            return
        self.checkin.show_week(self.history_model.week_at(index.row()))  # type: ignore[attr-defined]
        self.tabs.setCurrentWidget(self.checkin)
        self.checkin.setFocus(Qt.FocusReason.OtherFocusReason)
