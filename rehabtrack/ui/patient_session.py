"""One open patient: the store handle, the patient, "today" and the undo stack, and the one way the
windows change the patient's records.

Every change a person makes is a ``QUndoCommand`` pushed on ``undo_stack``; after it is done, undone
or redone the session emits ``changed`` with a ``Changed`` naming what it touched, and each view
refreshes only that.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from rehabtrack.core.model import Patient
from rehabtrack.storage.store import Store
from rehabtrack.ui.changed import Changed


class PatientSession(QObject):
    changed = Signal(object)  # a Changed

    def __init__(self, store: Store, patient: Patient, today: date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        assert patient.id is not None, "a session is for a saved patient"
        self.store = store
        self.patient = patient
        self.patient_id: int = patient.id
        self.today = today
        self.undo_stack = QUndoStack(self)

    def announce(self, what: Changed) -> None:
        """Tell every view what changed (commands call this from ``redo`` and ``undo``)."""
        if what.patient:
            self.patient = self.store.patient(self.patient_id)
        self.changed.emit(what)
