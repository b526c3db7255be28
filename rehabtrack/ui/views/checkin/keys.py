"""The check-in's keyboard: its shortcuts, the line of help that names them, and the filter that lets
Ctrl+Z / Ctrl+Shift+Z reach the window's undo stack from a text field with nothing of its own to undo."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

from rehabtrack.ui.widgets import NotesField

SHORTCUTS: dict[str, tuple[str, ...]] = {
    "save": ("Ctrl+S",),
    "previous": ("Alt+Left", "Ctrl+PgUp"),
    "next": ("Alt+Right", "Ctrl+PgDown"),
    "this_week": ("Alt+Home",),
    "pick_week": ("Ctrl+G",),
    "same_as_last": ("Ctrl+L",),
    "delete": ("Ctrl+Del",),
    "add_movement": ("Ctrl+M",),
    "undo": ("Ctrl+Z",),
    "redo": ("Ctrl+Shift+Z", "Ctrl+Y"),
}

KEYS_HELP = (
    "Keys: Tab next field · Alt+← / Alt+→ previous / next week · Ctrl+G pick a week · "
    "Ctrl+L same as last week · Ctrl+M add a movement · Ctrl+S save · Ctrl+Z undo · Ctrl+Del delete week"
)


class UndoPassThrough(QObject):
    """Lets Ctrl+Z / Ctrl+Shift+Z reach the window's undo stack when a text field has nothing to undo.

    A text field normally claims those keys for its own typing history; once a week is loaded or
    saved the history is empty and the keys should undo the last save or delete instead.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            is_undo = event.matches(QKeySequence.StandardKey.Undo)
            is_redo = event.matches(QKeySequence.StandardKey.Redo) or (
                event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            )
            if is_undo or is_redo:
                undo = getattr(watched, "isUndoAvailable", None)
                redo = getattr(watched, "isRedoAvailable", None)
                if isinstance(watched, NotesField):
                    undo, redo = watched.document().isUndoAvailable, watched.document().isRedoAvailable
                local = (undo() if is_undo and undo else False) or (redo() if is_redo and redo else False)
                if not local:
                    event.ignore()
                    return True
        return False
