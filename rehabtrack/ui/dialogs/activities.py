"""The patient's own daily activities, rated each week in the check-in: add, rename, archive, restore.

PT and OT activities are listed apart, side by side, as the app keeps them everywhere; archived ones are
listed below with Restore. Every change goes through the patient session, so each is one step of
Edit → Undo; a refused name (empty, too long, one the patient has already) is named under the field
and nothing is written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.core.model import NAME_MAX_CHARS, Activity, Discipline
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.errors import DatabaseProblem
from rehabtrack.ui.changed import Changed
from rehabtrack.ui.connection import retry_save
from rehabtrack.ui.widgets import Button, ComboBox, ErrorLabel, TextField, error_label, hint_label

if TYPE_CHECKING:
    from rehabtrack.ui.patient_session import PatientSession

ACTIVITIES_KEYS = "Ctrl+Shift+A"  # Edit → Activities…, anywhere in the window

DISCIPLINE_CHOICES = ((Discipline.PT, "PT: moving better"), (Discipline.OT, "OT: managing daily life"))
ARCHIVE_NOTE = "Archiving an activity keeps its past ratings: the charts and the history still show them."
KEYS_NOTE = "Keys: F2 rename · Del archive (in the archived list: restore) · Ctrl+N new activity · Esc close"


def _name_field(name: str) -> TextField:
    field = TextField()
    field.setAccessibleName(name)
    field.setAccessibleDescription(f"Required, at most {NAME_MAX_CHARS} characters, not the name of another.")
    field.setMaxLength(NAME_MAX_CHARS + 1)  # one past the limit: the rule is then said, not silently kept
    return field


class ActivityList(QListWidget):
    """A list whose long names wrap onto a second line instead of hiding behind a sideways scroll bar,
    and which asks for room for a name of ``WIDE_CHARS`` characters."""

    WIDE_CHARS = 24

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        wide = self.fontMetrics().horizontalAdvance("x" * self.WIDE_CHARS) + 2 * self.frameWidth() + 8
        return QSize(max(hint.width(), wide), hint.height())


def _titled(title: str, shown: QListWidget) -> QVBoxLayout:
    """A list under its title, whose mnemonic (Alt+letter) moves the focus into the list."""
    label = QLabel(title)
    label.setWordWrap(True)
    label.setBuddy(shown)
    column = QVBoxLayout()
    column.addWidget(label)
    column.addWidget(shown, 1)
    return column


def _shortcut(widget: QWidget, keys: str, slot: object) -> None:
    """``keys`` run ``slot`` while ``widget`` has the focus (a name field keeps its Del)."""
    action = QAction(widget)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)


class ActivitiesDialog(QDialog):
    def __init__(self, session: PatientSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Activities")
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                f"The daily activities you rate each week in the check-in, for PT and for OT. {ARCHIVE_NOTE}"
            )
        )
        columns = QHBoxLayout()  # PT, OT and the archived ones side by side: the screen is wider than tall
        self.lists: dict[Discipline, QListWidget] = {}
        for discipline, title in ((Discipline.PT, "&PT activities"), (Discipline.OT, "&OT activities")):
            shown = ActivityList()
            shown.setAccessibleName(f"{discipline.value} activities")
            shown.setAccessibleDescription("Arrow keys choose one; F2 renames it, Del archives it.")
            columns.addLayout(_titled(title, shown), 1)
            self.lists[discipline] = shown
            _shortcut(shown, "F2", self.rename)
            _shortcut(shown, "Del", self.archive)
            shown.itemActivated.connect(lambda _item: self.rename())
            shown.currentRowChanged.connect(lambda _row, d=discipline: self._chosen(d))
        self.archived = ActivityList()
        self.archived.setAccessibleName("Archived activities")
        self.archived.setAccessibleDescription("Arrow keys choose one; Del or Restore puts it back.")
        columns.addLayout(_titled("Archi&ved (past ratings kept)", self.archived), 1)
        _shortcut(self.archived, "Del", self.restore)
        self.archived.itemActivated.connect(lambda _item: self.restore())
        self.archived.currentRowChanged.connect(lambda _row: self._update_buttons())
        layout.addLayout(columns, 1)

        buttons = QHBoxLayout()
        self.rename_button = Button("Rena&me…  (F2)")
        self.archive_button = Button("Arc&hive  (Del)")
        self.restore_button = Button("R&estore  (Del)")
        for button in (self.rename_button, self.archive_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        layout.addLayout(buttons)
        self.rename_button.clicked.connect(self.rename)
        self.archive_button.clicked.connect(self.archive)
        self.restore_button.clicked.connect(self.restore)

        layout.addWidget(self._build_add())
        layout.addWidget(hint_label(KEYS_NOTE))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        new_action = QAction(self)
        new_action.setShortcut(QKeySequence("Ctrl+N"))
        new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_action.triggered.connect(lambda: self.name.setFocus(Qt.FocusReason.ShortcutFocusReason))
        self.addAction(new_action)
        # Edit → Undo / Redo work here too (the window's menu is out of reach while this is open).
        self.addActions([session.undo_action, session.redo_action])
        session.changed.connect(self._on_changed)
        self.refresh()
        # Enter adds in the name field and renames or restores in a list, nothing more: no button is a
        # default one that Enter would also press.
        for push in self.findChildren(QPushButton):
            push.setAutoDefault(False)
            push.setDefault(False)
        self.name.setFocus()

    def _build_add(self) -> QGroupBox:
        box = QGroupBox("Add an activity")
        grid = QGridLayout(box)
        self.name = _name_field("New activity name")
        self.name.setPlaceholderText("for example: gardening")
        self.name_error: ErrorLabel = error_label(self.name)
        self.discipline = ComboBox()
        self.discipline.setAccessibleName("New activity for")
        for discipline, text in DISCIPLINE_CHOICES:
            self.discipline.addItem(text, discipline)
        self.add_button = Button("&Add")
        name_label, for_label = QLabel("&Name:"), QLabel("&For:")
        name_label.setBuddy(self.name)
        for_label.setBuddy(self.discipline)
        grid.addWidget(name_label, 0, 0)
        grid.addWidget(self.name, 0, 1)
        grid.addWidget(for_label, 0, 2)
        grid.addWidget(self.discipline, 0, 3)
        grid.addWidget(self.add_button, 0, 4)
        grid.addWidget(self.name_error, 1, 1, 1, 4)
        grid.setColumnStretch(1, 1)
        self.add_button.clicked.connect(self.add)
        self.name.returnPressed.connect(self.add)
        self.name.textEdited.connect(lambda _text: self.name_error.clear())
        return box

    # Reading ------------------------------------------------------------------------------------

    def activities(self) -> list[Activity]:
        return self.session.store.activities(self.session.patient_id, include_archived=True)

    def refresh(self, select_id: int | None = None) -> None:
        """List the stored activities again; ``select_id`` (else the chosen one) stays chosen."""
        chosen = self.current()
        wanted = select_id if select_id is not None else (chosen.id if chosen else None)
        for shown in (*self.lists.values(), self.archived):
            shown.blockSignals(True)
            shown.clear()
        for activity in self.activities():
            if activity.archived:
                shown, text = self.archived, f"{activity.name}  ({activity.discipline.value})"
            else:
                shown, text = self.lists[activity.discipline], activity.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, activity)
            shown.addItem(item)
            if activity.id == wanted:
                shown.setCurrentItem(item)
        for shown in (*self.lists.values(), self.archived):
            shown.blockSignals(False)
            if shown.count() == 0:
                empty = QListWidgetItem("(none)")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                shown.addItem(empty)
        self._update_buttons()

    def current(self, shown: QListWidget | None = None) -> Activity | None:
        """The activity chosen in ``shown`` (by default the list that has the focus, else any)."""
        for candidate in [shown] if shown is not None else self._lists_by_focus():
            item = candidate.currentItem()
            activity = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if isinstance(activity, Activity):
                return activity
        return None

    def _lists_by_focus(self) -> list[QListWidget]:
        every = [*self.lists.values(), self.archived]
        focused = next((w for w in every if w.hasFocus()), None)
        return [focused] if focused is not None else every

    def _chosen(self, discipline: Discipline) -> None:
        """One PT or OT activity is chosen at a time: choosing in one list leaves the other's choice."""
        if self.lists[discipline].currentRow() >= 0:
            for other, shown in self.lists.items():
                if other != discipline:
                    shown.blockSignals(True)
                    shown.setCurrentRow(-1)
                    shown.blockSignals(False)
        self._update_buttons()

    def _active_choice(self) -> Activity | None:
        return next((a for shown in self.lists.values() if (a := self.current(shown)) is not None), None)

    def _update_buttons(self) -> None:
        active = self._active_choice() is not None
        self.rename_button.setEnabled(active)
        self.archive_button.setEnabled(active)
        self.restore_button.setEnabled(self.current(self.archived) is not None)

    # Changing -----------------------------------------------------------------------------------

    def add(self) -> bool:
        discipline = self.discipline.currentData()
        activity = Activity(self.name.text().strip(), Discipline(discipline))
        saved = self._save(activity, self.name_error)
        if saved is None:
            self.name.setFocus()
            self.name.selectAll()
            return False
        self.name.clear()
        self.refresh(saved.id)
        self.lists[saved.discipline].setFocus()
        return True

    def rename(self) -> bool:
        activity = self._active_choice()
        if activity is None:
            return False
        dialog = RenameDialog(self, activity)
        return bool(dialog.exec())

    def archive(self) -> bool:
        activity = self._active_choice()
        return activity is not None and self._toggle(activity)

    def restore(self) -> bool:
        activity = self.current(self.archived)
        return activity is not None and self._toggle(activity)

    def _toggle(self, activity: Activity) -> bool:
        saved = self._save(replace(activity, archived=not activity.archived), self.name_error)
        if saved is None:
            return False
        self.refresh(saved.id)
        (self.archived if saved.archived else self.lists[saved.discipline]).setFocus()
        return True

    def _save(self, activity: Activity, error: ErrorLabel) -> Activity | None:
        """Save through the session; a refused one is said under its field and nothing is written."""
        try:
            saved = self.session.add_activity(activity)
        except InvalidInput as exc:
            error.setText(" ".join(p.message for p in exc.problems))
            return None
        except DatabaseProblem as exc:  # the disk or the clinic server refused: nothing was written
            if retry_save(self, exc, f"the activity '{activity.name}'"):
                return self._save(activity, error)
            return None
        error.clear()
        return saved

    def _on_changed(self, what: Changed) -> None:
        if what.activities or what.everything:
            self.refresh()


class RenameDialog(QDialog):
    """A new name for one activity; a refused one is named under the field and the dialog stays open."""

    def __init__(self, owner: ActivitiesDialog, activity: Activity) -> None:
        super().__init__(owner)
        self.owner, self.activity = owner, activity
        self.setWindowTitle("Rename activity")
        layout = QVBoxLayout(self)
        label = QLabel(f"&New name for '{activity.name}' ({activity.discipline.value}):")
        label.setWordWrap(True)
        self.name = _name_field("New name")
        self.name.setText(activity.name)
        self.name.selectAll()
        label.setBuddy(self.name)
        self.error = error_label(self.name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Rename")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name.textEdited.connect(lambda _text: self.error.clear())
        for widget in (label, self.name, self.error, buttons):
            layout.addWidget(widget)
        self.name.setFocus()

    def accept(self) -> None:
        name = self.name.text().strip()
        if name == self.activity.name:  # nothing to change, nothing to undo
            super().accept()
            return
        saved = self.owner._save(replace(self.activity, name=name), self.error)
        if saved is None:
            self.name.setFocus()
            self.name.selectAll()
            return
        self.owner.refresh(saved.id)
        super().accept()
