"""Undoable edits of weekly entries, pushed on the window's shared QUndoStack.

The commands talk to the Store and then call ``on_change(kind, week)`` with kind "saved" or
"deleted" so whoever shows that week (the check-in form, history, charts) can refresh — whether the
change came from the form, from Edit > Undo, or from Edit > Redo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtGui import QUndoCommand

from rehabtrack.core.model import WeeklyEntry
from rehabtrack.storage.store import Store

SAVED = "saved"
DELETED = "deleted"

ChangeCallback = Callable[[str, date], None]


def short_week(week: date) -> str:
    """'week of 3 Mar 2025'."""
    return f"week of {week.day} {week:%b %Y}"


def _activity_names(store: Store, patient_id: int) -> dict[int, str]:
    return {a.id: a.name for a in store.activities(patient_id, include_archived=True) if a.id is not None}


class SaveEntryCommand(QUndoCommand):
    """Save one week; undo restores the previous version of that week, or deletes it if it was new.

    The entry is validated when the command is made, so an invalid entry raises ``InvalidInput``
    before anything is pushed or written.
    """

    def __init__(
        self, store: Store, patient_id: int, entry: WeeklyEntry, on_change: ChangeCallback | None = None
    ) -> None:
        entry.validate(_activity_names(store, patient_id))
        super().__init__(f"Save {short_week(entry.week)}")
        self.store = store
        self.patient_id = patient_id
        self.entry = entry
        self.previous = store.entry(patient_id, entry.week)
        self.on_change = on_change

    def redo(self) -> None:
        self.store.save_entry(self.patient_id, self.entry)
        self._notify(SAVED)

    def undo(self) -> None:
        if self.previous is None:
            self.store.delete_entry(self.patient_id, self.entry.week)
            self._notify(DELETED)
        else:
            self.store.save_entry(self.patient_id, self.previous)
            self._notify(SAVED)

    def _notify(self, kind: str) -> None:
        if self.on_change is not None:
            self.on_change(kind, self.entry.week)


class DeleteEntryCommand(QUndoCommand):
    """Delete one week's entry; undo saves it again exactly as it was."""

    def __init__(
        self, store: Store, patient_id: int, week: date, on_change: ChangeCallback | None = None
    ) -> None:
        super().__init__(f"Delete {short_week(week)}")
        self.store = store
        self.patient_id = patient_id
        self.week = week
        self.deleted: WeeklyEntry | None = store.entry(patient_id, week)
        self.on_change = on_change

    def redo(self) -> None:
        deleted = self.store.delete_entry(self.patient_id, self.week)
        if deleted is not None:
            self.deleted = deleted
        if self.on_change is not None:
            self.on_change(DELETED, self.week)

    def undo(self) -> None:
        if self.deleted is not None:
            self.store.save_entry(self.patient_id, self.deleted)
        if self.on_change is not None:
            self.on_change(SAVED, self.week)
