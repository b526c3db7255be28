"""Profiles: everyone tracked on this computer (or the clinic's server). Find by name, add (runs the set-up
wizard), rename, switch, archive."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.core.model import Patient
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.wizard import SetupWizard
from rehabtrack.ui.patient_session import PatientSession, change_patient_details
from rehabtrack.ui.widgets import Button, error_label, hint_label


class ProfilesDialog(QDialog):
    """Choose whose recovery to show. Emits ``patient_chosen(id)`` when one is opened."""

    patient_chosen = Signal(int)

    def __init__(
        self,
        store: Store,
        current_id: int | None = None,
        parent: QWidget | None = None,
        session: PatientSession | None = None,  # the open patient's: renames and archiving are undoable
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.setWindowTitle("Profiles")
        layout = QVBoxLayout(self)
        title = QLabel("&People tracked on this computer:")
        self.list = QListWidget()
        self.list.setAccessibleName("Profiles")
        self.list.setAccessibleDescription("Arrow keys choose a profile; Enter opens it.")
        title.setBuddy(self.list)
        find_label = QLabel("&Find:")
        self.find_field = QLineEdit()
        self.find_field.setAccessibleName("Find a profile")
        self.find_field.setAccessibleDescription("Lists only the people whose name holds what is typed.")
        self.find_field.setPlaceholderText("part of a name")
        self.find_field.setClearButtonEnabled(True)
        find_label.setBuddy(self.find_field)
        find_row = QHBoxLayout()
        find_row.addWidget(find_label)
        find_row.addWidget(self.find_field, 1)
        self.show_archived = QCheckBox("Show &archived profiles")
        self.show_archived.setAccessibleDescription("Also list profiles that were archived.")
        self.error = error_label()
        layout.addLayout(find_row)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.show_archived)
        layout.addWidget(self.error)
        layout.addWidget(
            hint_label(
                "Keys: Alt+F find · Enter open · Ctrl+N add · F2 rename · Del archive or restore · Esc close"
            )
        )
        buttons = QHBoxLayout()
        self.open_button = Button("Open")
        self.add_button = Button("Add someone…")
        self.rename_button = Button("Rename…")
        self.archive_button = Button("Archive")
        self.close_button = Button("Close")
        for button in (self.open_button, self.add_button, self.rename_button, self.archive_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.open_button.setDefault(True)

        self.open_button.clicked.connect(self.open_current)
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.close_button.clicked.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.open_current())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        self.find_field.textChanged.connect(lambda _text: self.refresh())
        for keys, slot in (("Ctrl+N", self.add), ("F2", self.rename), ("Del", self.toggle_archived)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self.refresh(current_id)

    def refresh(self, select_id: int | None = None) -> None:
        selected = select_id if select_id is not None else self.current_id()
        self.list.clear()
        shown = self.store.patients(self.show_archived.isChecked(), search=self.find_field.text())
        for patient in shown:
            text = patient.display_name + (f" — {patient.condition}" if patient.condition else "")
            if patient.archived:
                text += " (archived)"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, patient.id)
            self.list.addItem(item)
            if patient.id == selected:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def current_patient(self) -> Patient | None:
        patient_id = self.current_id()
        return None if patient_id is None else self.store.patient(patient_id)

    def open_current(self) -> None:
        patient = self.current_patient()
        if patient is None or patient.id is None:
            return
        if patient.archived:
            self._show_error("This profile is archived: restore it (Del) before opening it.")
            return
        self.patient_chosen.emit(patient.id)
        self.accept()

    def add(self) -> int | None:
        wizard = SetupWizard(self.store, self)
        wizard.exec()
        if wizard.patient_id is not None:
            self.refresh(wizard.patient_id)
        return wizard.patient_id

    def rename(self) -> None:
        patient = self.current_patient()
        if patient is None:
            return
        name, ok = QInputDialog.getText(self, "Rename profile", "New name:", text=patient.display_name)
        if not ok:
            return
        self.rename_to(patient, name)

    def rename_to(self, patient: Patient, name: str) -> bool:
        try:
            self._change(
                replace(patient, display_name=name), f"Rename '{patient.display_name}' to '{name.strip()}'"
            )
        except InvalidInput as problem:
            self._show_error(str(problem))
            return False
        self.error.hide()
        self.refresh(patient.id)
        return True

    def toggle_archived(self) -> None:
        patient = self.current_patient()
        if patient is None:
            return
        verb = "Restore" if patient.archived else "Archive"
        self._change(
            replace(patient, archived=not patient.archived), f"{verb} profile '{patient.display_name}'"
        )
        self.refresh(None if not patient.archived else patient.id)

    def _change(self, patient: Patient, text: str) -> None:
        if self.session is not None:
            self.session.change_patient(patient, text)
        else:
            change_patient_details(self.store, patient)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _update_buttons(self) -> None:
        patient = self.current_patient()
        has = patient is not None
        for button in (self.open_button, self.rename_button, self.archive_button):
            button.setEnabled(has)
        self.archive_button.setText("Restore" if patient is not None and patient.archived else "Archive")
