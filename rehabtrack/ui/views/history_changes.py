"""The History tab's "Changes": who changed what in the patient's records, newest first, in sentences
(core.history) read from the audit record the database keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QVBoxLayout, QWidget

from rehabtrack.core.history import AuditEntry, changes
from rehabtrack.ui.widgets import Button

if TYPE_CHECKING:
    from rehabtrack.ui.patient_session import PatientSession

PAGE = 200  # audit rows read at a time ("Show older changes" reads the next ones too)


class ChangesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session: PatientSession | None = None
        self._rows = PAGE
        self._stale = False  # changed while hidden: read again when shown
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.heading = QLabel("<b>Changes</b> — who changed what, newest first")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.list = QListWidget()
        self.list.setAccessibleName("Changes to this patient's records")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.heading.setBuddy(self.list)
        layout.addWidget(self.list, 1)
        self.older = Button("Show &older changes")
        self.older.clicked.connect(self.show_older)
        layout.addWidget(self.older)

    def show_session(self, session: PatientSession) -> None:
        """Show the changes of ``session``'s patient (a new patient: the newest page again)."""
        self._session = session
        self._rows = PAGE
        self.refresh()

    def show_older(self) -> None:
        self._rows += PAGE
        self.refresh()
        self.list.scrollToBottom()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Read the record again (after any change to the patient's records); while the History tab is
        not shown, only when it is next shown (a save does not wait for a list nobody sees)."""
        session = self._session
        if session is None:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        store, pid = session.store, session.patient_id
        rows = store.audit_entries(pid, limit=self._rows + 1)
        more = len(rows) > self._rows
        if more:
            rows = _whole_saves(rows[: self._rows])
        names = {a.id: a.name for a in store.activities(pid, include_archived=True) if a.id is not None}
        today = session.today
        said = [c.text(today) for c in changes(rows, names, today)]
        self.list.clear()
        self.list.addItems(said or ["No changes recorded yet."])
        self.older.setVisible(more)


def _whole_saves(rows: list[AuditEntry]) -> list[AuditEntry]:
    """A page (newest first) without its oldest save, which may have been cut in two by the page's end."""
    oldest = rows[-1].at
    kept = [r for r in rows if r.at != oldest]
    return kept or rows
