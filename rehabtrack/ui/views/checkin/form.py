"""The weekly check-in form: one scrollable form for one week, built from core's marker table.

Everything is typed directly (blank = not logged), reachable by Tab, and has a shortcut. Validation
comes only from core (``WeeklyEntry.problems``); the form just shows each problem next to its field.
Saving and deleting go through the patient session as undoable commands; the form shows whatever the
session says changed, whether it came from the form, from Edit → Undo or from Edit → Redo.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.core.maintenance import MaintenancePlan, missed_checkins
from rehabtrack.core.markers import ACTIVITY_MINUTES, ACTIVITY_RATING, WEEKLY_MARKERS, Marker
from rehabtrack.core.model import NEW, Activity, ActivityRating, GoalStatus, WeeklyEntry, put_week
from rehabtrack.core.numbers import exact
from rehabtrack.core.rom import RomMode, RomReading, Side
from rehabtrack.core.templates import sides_for, template_named
from rehabtrack.core.validation import Problem
from rehabtrack.core.weeks import ONE_WEEK, week_start
from rehabtrack.storage.errors import ChangedMeanwhile, DatabaseProblem
from rehabtrack.ui.changed import Changed
from rehabtrack.ui.commands import short_week
from rehabtrack.ui.connection import retry_save
from rehabtrack.ui.dialogs.activities import ACTIVITIES_KEYS, ActivitiesDialog
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.views.checkin.fields import Field, describe_range, marker_anchors, show_problems
from rehabtrack.ui.views.checkin.keys import KEYS_HELP, SHORTCUTS, UndoPassThrough
from rehabtrack.ui.views.checkin.rom_rows import RomKey, RomRow, rom_key_of
from rehabtrack.ui.views.checkin.sign_check import flipped_signs, keep_signs
from rehabtrack.ui.views.checkin.week_picker import WeekPicker, day_month, pydate, qdate, week_text
from rehabtrack.ui.widgets import (
    Button,
    CheckBox,
    ConflictNotice,
    ErrorLabel,
    NotesField,
    NumberField,
    error_label,
    hint_label,
    layout_items,
)


class CheckInForm(QWidget):
    """The weekly check-in for one patient. Signals carry the Monday of the changed week."""

    entry_saved = Signal(object)  # date
    entry_deleted = Signal(object)  # date
    week_changed = Signal(object)  # date: the week now shown
    status = Signal(str)

    def __init__(self, session: PatientSession) -> None:
        super().__init__()
        self.session = session
        self.store = session.store
        self.patient_id = session.patient_id
        self._week = self.current_week()
        self._loaded: WeeklyEntry | None = None
        self._entries: list[WeeklyEntry] = []
        self._activities: list[Activity] = []
        self._fields: dict[str, Field] = {}
        self._rom_rows: list[RomRow] = []
        self._activity_fields: list[tuple[Activity, NumberField, NumberField]] = []
        self._pushing = False
        self._loading = False
        self._plan = MaintenancePlan()
        self._undo_filter = UndoPassThrough(self)
        self._grids: list[QGridLayout] = []
        self.setAccessibleName("Weekly check-in")
        self._build()
        self._build_actions()
        session.changed.connect(self._on_changed)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._scroll_to_focus)
        self.show_week(self._week)
        self.focus_first_input()

    # Public API -------------------------------------------------------------------------------

    @property
    def week(self) -> date:
        return self._week

    def current_week(self) -> date:
        return week_start(self.session.today)

    def show_week(self, week: date) -> None:
        """Show ``week`` (any day of it), reloading from the database; unsaved edits are dropped."""
        self._week = min(week_start(week), self.current_week())
        self.reload()
        self.week_changed.emit(self._week)

    def go_to_week(self, week: date) -> bool:
        """Show ``week`` after asking what to do with unsaved edits; False if the patient cancelled."""
        if week_start(week) == self._week:
            return True
        if not self._confirm_leave():
            return False
        self.show_week(week)
        return True

    def reload(self) -> None:
        """Re-read the shown week, the patient's activities and history from the database."""
        self._entries = self.store.entries(self.patient_id)
        self._show_stored()

    def _show_stored(self) -> None:
        """Show the shown week as ``_entries`` has it. A week just saved from the form keeps its
        movement and activity rows when they are the ones ``_fill`` would build (building them again
        is most of the time a save takes); its values are put back all the same, as typed edits are
        no longer something Ctrl+Z undoes in the field."""
        self._loading = True
        try:
            self._plan = self.session.stored_plan()
            self._loaded = next((e for e in self._entries if e.week == self._week), None)
            if self._loaded is not None and self._shows_rows_of(self._loaded):
                self._fill_values(self._loaded)
            else:
                self._fill(self._loaded, self._loaded)
        finally:
            self._loading = False
        self._update_header()
        self._clear_problems()
        self.conflict.hide()

    def has_unsaved_changes(self) -> bool:
        current = self.entry()
        before = self._loaded or WeeklyEntry(self._week)
        return _content(current) != _content(before)

    def entry(self) -> WeeklyEntry:
        """What the form holds now, as a core entry (may be invalid; see ``problems``)."""
        return self._collect()[0]

    def problems(self) -> list[Problem]:
        entry, _ = self._collect()
        return entry.problems(self._activity_names())

    def save(self) -> bool:
        """Validate and save the shown week (undoable). False, with problems shown, if not saved."""
        entry, rom_fields = self._collect()
        problems = entry.problems(self._activity_names())
        self._show_problems(problems, rom_fields)
        if problems:
            first = self._focus_first(problems, rom_fields)
            more = len(problems) - 1
            self._say(
                f"Not saved: {first.message}"
                + (f" ({more} more {'value needs' if more == 1 else 'values need'} fixing)" if more else "")
            )
            return False
        if entry.is_empty():
            if self._loaded is not None:
                self._say("Nothing typed. To remove this week, use Delete this week (Ctrl+Del).")
            else:
                self._say("Nothing to save yet: type at least one value.")
            return False
        if self._loaded is not None and not self.has_unsaved_changes():
            self._say(f"No changes to save for the {short_week(self._week)}.")
            return True
        if not self._signs_confirmed(entry):
            return False
        self._pushing = True
        try:
            self.session.save_week(entry, self._loaded)
        except ChangedMeanwhile as exc:  # the typed values stay; Reload shows the other person's
            self._show_conflict(exc)
            return False
        except DatabaseProblem as exc:  # the server or the disk refused: nothing written, the form kept
            refused: DatabaseProblem | None = exc
        else:
            refused = None
        finally:
            self._pushing = False
        if refused is not None:
            self._say(f"Not saved: {refused}")
            return retry_save(self, refused, f"the {short_week(self._week)}") and self.save()
        self._say(f"Saved {short_week(self._week)}")
        return True

    def sign_flips(self, entry: WeeklyEntry) -> list[tuple[RomReading, list[float]]]:
        """Readings of ``entry`` whose sign is the opposite of the latest earlier readings of the same
        movement (those readings, oldest first, with each)."""
        return flipped_signs(self._entries, entry)

    def _signs_confirmed(self, entry: WeeklyEntry) -> bool:
        """Ask before saving a reading whose sign flipped against the last readings (a dropped minus
        sign reads as past straight). Enter or Esc goes back to the field; Alt+S saves as typed."""
        flips = self.sign_flips(entry)
        if not flips or keep_signs(self, flips):
            return True
        first = flips[0][0]
        row = next((r for r in self._rom_rows if r.key() == rom_key_of(first)), None)
        if row is not None:
            row.degrees.setFocus(Qt.FocusReason.OtherFocusReason)
            row.degrees.selectAll()
        self._say(f"Not saved: check the sign of {first.label}.")
        return False

    def copy_last_week(self) -> bool:
        """Fill the shown week's empty fields from the latest week logged before it ("same as last week").

        Ratings, minutes and activities are copied; range-of-motion angles only when "Also copy angles"
        is ticked (an angle is measured, not remembered); notes never. Values already typed stay.
        Nothing is saved yet.
        """
        earlier = [e for e in self._entries if e.week < self._week]
        if not earlier:
            self._say("There is no earlier week to copy.")
            return False
        source = earlier[-1]
        self._loading = True
        try:
            filled = self._fill_blanks_from(source)
        finally:
            self._loading = False
        self._validate_live()
        if not filled:
            self._say(f"Nothing copied: the fields the {short_week(source.week)} logged already have values.")
            return False
        self._say(f"Copied from the {short_week(source.week)}. Check the values, then press Ctrl+S to save.")
        self.focus_first_input()
        return True

    def _fill_blanks_from(self, source: WeeklyEntry) -> int:
        """Copy ``source``'s values into the blank fields; returns how many fields were filled."""
        filled = 0

        def put(field: NumberField, value: float | None) -> None:
            nonlocal filled
            if value is not None and not field.text().strip():
                field.set_value(value)
                filled += 1

        for m in WEEKLY_MARKERS:
            field = self._fields[m.key].widget
            assert isinstance(field, NumberField)
            put(field, source.values.get(m.key))
        ratings = {r.activity_id: r for r in source.activities}
        for activity, rating, minutes in self._activity_fields:
            copied = ratings.get(activity.id) if activity.id is not None else None
            if copied is not None and not rating.text().strip() and not minutes.text().strip():
                put(rating, copied.rating)
                put(minutes, copied.minutes)
        if self.copy_rom.isChecked():
            rows = {row.key(): row for row in self._rom_rows}
            for reading in source.rom:
                key = (reading.joint, reading.side, reading.movement, reading.mode)
                row = rows.get(key) or self._add_rom_row(key, None)
                put(row.degrees, reading.degrees)
            self._update_tab_order()
            self._align_columns()
        return filled

    def delete_week(self, confirm: bool = True) -> bool:
        """Delete the shown week's entry after confirmation (undoable)."""
        if self._loaded is None:
            self._say(f"The {short_week(self._week)} is not logged: nothing to delete.")
            return False
        if confirm:
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle("Delete this week?")
            box.setText(f"Delete the check-in for the {short_week(self._week)}?")
            box.setInformativeText("You can undo this with Ctrl+Z.")
            delete = box.addButton("Delete week", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(delete)
            box.exec()
            if box.clickedButton() is not delete:
                self._say("Nothing deleted.")
                return False
        self._pushing = True
        try:
            self.session.delete_week(self._week, self._loaded.version)
        except ChangedMeanwhile as exc:
            self._show_conflict(exc)
            return False
        finally:
            self._pushing = False
        self._say(f"Deleted {short_week(self._week)}. Ctrl+Z brings it back.")
        return True

    def _show_conflict(self, problem: ChangedMeanwhile) -> None:
        self.conflict.show_problem(str(problem))
        self._say(f"Not saved: {problem}")

    def _undo_refused(self, problem: ChangedMeanwhile) -> None:
        self.conflict.show_problem(str(problem))
        self._say(f"Not undone: {problem}")

    def reload_after_conflict(self) -> None:
        """Show the week as it is saved now (someone else's values), dropping what was typed."""
        self.session.forget()  # someone else may have changed more than the week
        self.reload()
        self.week_changed.emit(self._week)
        self._say(f"Reloaded the {short_week(self._week)} as it is saved now.")

    def add_movement(self) -> RomRow:
        row = self._add_rom_row(None, None)
        side = self.store.patient(self.patient_id).affected_side.strip().casefold()
        if side in (Side.LEFT.value, Side.RIGHT.value):
            row.side.setCurrentIndex(row.side.findData(Side(side)))
        self._update_tab_order()
        self._align_columns()
        row.joint.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return row

    @property
    def entries(self) -> list[WeeklyEntry]:
        """Every logged week of the patient, as last read (other views can share the read)."""
        return list(self._entries)

    def missed_weeks(self) -> list[date]:
        """Check-ins not logged since the most recent logged week: weeks, or in the maintenance phase
        the first Monday of each 2- or 4-week check-in with nothing logged."""
        return missed_checkins(self._plan, [e.week for e in self._entries], self.session.today)

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setAccessibleDescription("Week shown")
        self.subtitle = hint_label()
        self.missed = QLabel()
        self.missed.setWordWrap(True)
        self.missed.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        outer.addWidget(self.missed)

        nav = QHBoxLayout()
        self.previous_button = Button("◀  Previous week")
        self.picker = WeekPicker()
        self.next_button = Button("Next week  ▶")
        self.this_week_button = Button("This week")
        self.previous_button.setAccessibleDescription("Show the week before (Alt+Left).")
        self.next_button.setAccessibleDescription("Show the week after (Alt+Right).")
        self.this_week_button.setAccessibleDescription("Show the current week (Alt+Home).")
        self.picker.setAccessibleName("Pick a week")
        self.picker.setAccessibleDescription(
            "Type or choose any day; the form shows the week that contains it. Ctrl+G jumps here, Enter goes."
        )
        pick_label = QLabel("Go to week of:")
        pick_label.setBuddy(self.picker)
        for widget in (
            self.previous_button,
            pick_label,
            self.picker,
            self.next_button,
            self.this_week_button,
        ):
            nav.addWidget(widget)
        nav.addStretch(1)
        outer.addLayout(nav)
        self.previous_button.clicked.connect(lambda: self.go_to_week(self._week - ONE_WEEK))
        self.next_button.clicked.connect(lambda: self.go_to_week(self._week + ONE_WEEK))
        self.this_week_button.clicked.connect(lambda: self.go_to_week(self.current_week()))
        self.picker.editingFinished.connect(self._picked)
        self.picker.calendarWidget().activated.connect(lambda _d: self._picked())
        self.picker.calendarWidget().clicked.connect(lambda _d: self._picked())

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields are the Tab stops
        self.scroll_area.setAccessibleName("This week's values")
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.scroll_area.setWidget(self.body)
        outer.addWidget(self.scroll_area, 1)

        self.general_error = error_label()
        self.body_layout.addWidget(self.general_error)
        self._build_markers()
        self._build_rom()
        self._build_activities()
        self._build_notes()
        self.body_layout.addStretch(1)

        keys = hint_label(KEYS_HELP)
        outer.addWidget(keys)
        bar = QHBoxLayout()
        self.save_button = Button("Save  (Ctrl+S)")
        self.save_button.setDefault(True)
        self.copy_button = Button("Same as last week  (Ctrl+L)")
        self.copy_rom = CheckBox("Also copy &angles")
        self.copy_rom.setAccessibleName("Also copy angles")
        self.copy_rom.setAccessibleDescription(
            "Same as last week also copies the range-of-motion angles; leave it off to measure them again."
        )
        self.delete_button = Button("Delete this week…  (Ctrl+Del)")
        self.save_button.setAccessibleDescription("Saves this week. Ctrl+Z undoes it.")
        self.copy_button.setAccessibleDescription(
            "Fills this week's empty fields with the most recent earlier week's values (angles only when "
            "Also copy angles is ticked); nothing is saved until you save."
        )
        self.delete_button.setAccessibleDescription(
            "Deletes this week's check-in after asking. Ctrl+Z undoes it."
        )
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleDescription("Last action")
        self.feedback.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.save_button)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.copy_rom)
        bar.addWidget(self.delete_button)
        bar.addStretch(1)
        self.conflict = ConflictNotice()
        self.conflict.reload_button.clicked.connect(self.reload_after_conflict)
        self.session.refused_undo.connect(self._undo_refused)
        outer.addWidget(self.conflict)
        outer.addWidget(self.feedback)
        outer.addLayout(bar)
        self.save_button.clicked.connect(self.save)
        self.copy_button.clicked.connect(self.copy_last_week)
        self.delete_button.clicked.connect(lambda: self.delete_week())
        for button, name in (
            (self.previous_button, "Previous week"),
            (self.next_button, "Next week"),
            (self.this_week_button, "This week"),
            (self.save_button, "Save"),
            (self.copy_button, "Same as last week"),
            (self.delete_button, "Delete this week"),
        ):
            button.setAccessibleName(name)

    def _group(self, title: str) -> tuple[QGroupBox, QGridLayout]:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setColumnStretch(3, 1)
        self._grids.append(grid)
        self.body_layout.addWidget(box)
        return box, grid

    def _build_markers(self) -> None:
        groups: dict[str, list[Marker]] = {}
        for m in WEEKLY_MARKERS:
            groups.setdefault(m.group or "Other", []).append(m)
        for title, markers in groups.items():
            _, grid = self._group(title)
            for m in markers:
                row = grid.rowCount()
                field = NumberField(4)
                label = QLabel(m.label)
                label.setBuddy(field)
                unit = QLabel(m.unit)
                range_text = f"{exact(m.low)}–{exact(m.high)}"
                anchors = marker_anchors(m)
                hint = hint_label(f"{range_text}{'  ·  ' + anchors if anchors else ''}")
                field.setAccessibleName(m.label)
                field.setAccessibleDescription(describe_range(m))
                field.setToolTip(describe_range(m))
                error = error_label(field)
                grid.addWidget(label, row, 0)
                grid.addWidget(field, row, 1)
                grid.addWidget(unit, row, 2)
                grid.addWidget(hint, row, 3)
                grid.addWidget(error, row + 1, 1, 1, 3)
                self._fields[m.key] = Field(field, error)
                self._watch(field)

    def _build_rom(self) -> None:
        box = QGroupBox("Range of motion (degrees)")
        layout = QVBoxLayout(box)
        layout.addWidget(hint_label("Measured angles; leave blank if not measured this week."))
        self.rom_layout = QVBoxLayout()
        layout.addLayout(self.rom_layout)
        self.add_movement_button = Button("Add a movement  (Ctrl+M)")
        self.add_movement_button.setAccessibleName("Add a movement")
        self.add_movement_button.setAccessibleDescription("Adds a row to log another joint movement.")
        self.add_movement_button.clicked.connect(self.add_movement)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_movement_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        self.body_layout.addWidget(box)

    def _build_activities(self) -> None:
        self.activity_box = QGroupBox("Daily activities")
        box_layout = QVBoxLayout(self.activity_box)
        self.activity_grid = QGridLayout()
        self.activity_grid.setColumnStretch(4, 1)
        self._grids.append(self.activity_grid)
        box_layout.addLayout(self.activity_grid)
        self.activities_button = Button(f"Add, rename or archive activities…  ({ACTIVITIES_KEYS})")
        self.activities_button.setAccessibleName("Add, rename or archive activities")
        self.activities_button.setAccessibleDescription(
            "Opens the list of your activities: add one, rename one, or archive one you no longer do."
        )
        self.activities_button.clicked.connect(self.manage_activities)
        row = QHBoxLayout()
        row.addWidget(self.activities_button)
        row.addStretch(1)
        box_layout.addLayout(row)
        self.body_layout.addWidget(self.activity_box)

    def manage_activities(self) -> None:
        """Add, rename, archive or restore activities; the rows follow (``_on_changed``), typed values
        stay."""
        dialog = ActivitiesDialog(self.session, self)
        dialog.exec()
        dialog.deleteLater()

    def _build_notes(self) -> None:
        box = QGroupBox("Notes")
        layout = QVBoxLayout(box)
        self.notes = NotesField()
        self.notes.setAccessibleName("Notes")
        self.notes.setAccessibleDescription(
            "Anything worth remembering about this week (optional, up to 4000 characters)."
        )
        self.notes_error = error_label(self.notes)
        layout.addWidget(self.notes)
        layout.addWidget(self.notes_error)
        self._fields["notes"] = Field(self.notes, self.notes_error)
        self.notes.textChanged.connect(self._validate_live)
        self.notes.installEventFilter(self._undo_filter)
        self.body_layout.addWidget(box)

    def _build_actions(self) -> None:
        def action(name: str, text: str, slot: object) -> QAction:
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in SHORTCUTS[name]])
            # Anywhere in the window while the check-in shows (the tab bar too); a hidden tab's never.
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.save_action = action("save", "Save this week", self.save)
        self.previous_action = action("previous", "Previous week", self.previous_button.click)
        self.next_action = action("next", "Next week", self.next_button.click)
        self.this_week_action = action("this_week", "This week", self.this_week_button.click)
        self.pick_action = action("pick_week", "Pick a week", self._focus_picker)
        self.copy_action = action("same_as_last", "Same as last week", self.copy_last_week)
        self.delete_action = action("delete", "Delete this week…", lambda: self.delete_week())
        self.add_movement_action = action("add_movement", "Add a movement", self.add_movement)
        # The session's own (the window's Edit menu holds the same two): the keys work on a form shown alone.
        self.addActions([self.session.undo_action, self.session.redo_action])

    def _watch(self, field: NumberField) -> None:
        field.textChanged.connect(self._validate_live)
        field.installEventFilter(self._undo_filter)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._align_columns()

    def _align_columns(self) -> None:
        """Give every section the same label column, so all the fields line up at any font size."""
        metrics = self.fontMetrics()
        labels = [m.label for m in WEEKLY_MARKERS] + [
            row.label.text() for row in self._rom_rows if row.tracked
        ]
        width = max(metrics.horizontalAdvance(text) for text in labels) + metrics.averageCharWidth() * 2
        for grid in self._grids:
            grid.setColumnMinimumWidth(0, width)
        for row in self._rom_rows:
            row.label.setMinimumWidth(width)

    # Filling and reading ----------------------------------------------------------------------

    def _fill(self, entry: WeeklyEntry | None, rated_in: WeeklyEntry | None) -> None:
        for m in WEEKLY_MARKERS:
            widget = self._fields[m.key].widget
            assert isinstance(widget, NumberField)
            widget.set_value(entry.values.get(m.key) if entry else None)
        self._fill_rom(entry)
        self._fill_activities(entry, rated_in)
        self.notes.setPlainText(entry.notes if entry else "")
        self._update_tab_order()
        self._align_columns()

    def _shows_rows_of(self, entry: WeeklyEntry) -> bool:
        """Whether ``_fill(entry, entry)`` would build the very movement and activity rows shown now."""
        logged = [(r.joint, r.side, r.movement, r.mode) for r in entry.rom]
        keys = list(dict.fromkeys([*self._tracked_movements(), *logged]))
        if [row.key() if row.tracked else None for row in self._rom_rows] != keys:
            return False
        rated = {r.activity_id for r in entry.activities}
        stored = self.session.stored_activities()
        return [a for a in stored if not a.archived or a.id in rated] == self._activities

    def _fill_values(self, entry: WeeklyEntry) -> None:
        """``_fill`` on the rows already shown (see ``_shows_rows_of``)."""
        for m in WEEKLY_MARKERS:
            widget = self._fields[m.key].widget
            assert isinstance(widget, NumberField)
            widget.set_value(entry.values.get(m.key))
        logged = {(r.joint, r.side, r.movement, r.mode): r.degrees for r in entry.rom}
        for row in self._rom_rows:
            row.degrees.set_value(logged.get(row.key()))
        ratings = {r.activity_id: r for r in entry.activities}
        for activity, rating, minutes in self._activity_fields:
            rated = ratings.get(activity.id) if activity.id is not None else None
            rating.set_value(rated.rating if rated else None)
            minutes.set_value(rated.minutes if rated else None)
        self.notes.setPlainText(entry.notes)

    def _tracked_movements(self) -> list[RomKey]:
        keys: list[RomKey] = []
        latest = next((e for e in reversed(self._entries) if e.rom and e.week <= self._week), None)
        latest = latest or next((e for e in reversed(self._entries) if e.rom), None)
        if latest is not None:
            keys = [(r.joint, r.side, r.movement, r.mode) for r in latest.rom]
        else:
            patient = self.store.patient(self.patient_id)
            template = template_named(patient.condition) if patient.condition else None
            for tracked in template.movements if template else ():
                for side in sides_for(tracked.joint, tracked.side, patient.affected_side):
                    keys.append((tracked.joint, side, tracked.movement, tracked.mode))
        for goal in self.session.stored_goals():
            if goal.status == GoalStatus.ACTIVE and goal.marker.startswith("rom/"):
                _, joint, side_text, movement, mode = goal.marker.split("/")
                keys.append((joint, Side(side_text), movement, RomMode(mode)))
        return list(dict.fromkeys(keys))

    def _fill_rom(self, entry: WeeklyEntry | None) -> None:
        for row in self._rom_rows:
            self.rom_layout.removeWidget(row)
            row.deleteLater()
        self._rom_rows = []
        logged = {(r.joint, r.side, r.movement, r.mode): r.degrees for r in entry.rom} if entry else {}
        keys = list(dict.fromkeys([*self._tracked_movements(), *logged]))
        for key in keys:
            self._add_rom_row(key, logged.get(key))

    def _add_rom_row(self, key: RomKey | None, degrees: float | None) -> RomRow:
        row = RomRow(key, degrees)
        row.changed.connect(self._validate_live)
        row.remove_requested.connect(self._remove_rom_row)
        row.degrees.installEventFilter(self._undo_filter)
        self.rom_layout.addWidget(row)
        if self.isVisible():
            row.show()  # now, not on the next event-loop pass: Tab must reach it at once
        self._rom_rows.append(row)
        return row

    def _remove_rom_row(self, row: RomRow) -> None:
        index = self._rom_rows.index(row)
        self._rom_rows.remove(row)
        self.rom_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._update_tab_order()
        self._validate_live()
        following = self._rom_rows[index:] or self._rom_rows[index - 1 : index]
        if following:
            following[0].degrees.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_movement_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_activities(self, entry: WeeklyEntry | None, rated_in: WeeklyEntry | None) -> None:
        grid = self.activity_grid
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for key in [k for k in self._fields if k.startswith("activity/")]:
            del self._fields[key]
        self._activity_fields = []
        ratings = {r.activity_id: r for r in entry.activities} if entry else {}
        rated_ids = {r.activity_id for r in rated_in.activities} if rated_in else set()
        self._activities = [
            a
            for a in self.session.stored_activities()
            if not a.archived or a.id in ratings or a.id in rated_ids
        ]
        grid.addWidget(
            hint_label(
                f"How well you managed each one this week: {ACTIVITY_RATING.low_anchor}, "
                f"{ACTIVITY_RATING.high_anchor}. Minutes are optional."
            ),
            0,
            0,
            1,
            5,
        )
        if not self._activities:
            grid.addWidget(
                hint_label("No activities yet: add the ones you want to rate with the button below."),
                1,
                0,
                1,
                5,
            )
        headers = ("Activity", "Rating 0–10", "", "Minutes (optional)")
        if self._activities:
            for col, text in enumerate(headers):
                if text:
                    grid.addWidget(hint_label(text), 1, col)
        for activity in self._activities:
            assert activity.id is not None
            row = grid.rowCount()
            name = QLabel(f"{activity.name}  ({activity.discipline.value})")
            name.setWordWrap(True)
            rating = NumberField(3)
            minutes = NumberField(4)
            name.setBuddy(rating)
            rating.setAccessibleName(f"{activity.name}, rating")
            rating.setAccessibleDescription(
                f"Allowed {exact(ACTIVITY_RATING.low)} to {exact(ACTIVITY_RATING.high)}, whole numbers. "
                f"{ACTIVITY_RATING.low_anchor} · {ACTIVITY_RATING.high_anchor}. "
                "Leave blank if not done this week."
            )
            minutes.setAccessibleName(f"{activity.name}, minutes")
            minutes.setAccessibleDescription(
                f"Optional: minutes you managed, {exact(ACTIVITY_MINUTES.low)} to "
                f"{exact(ACTIVITY_MINUTES.high)}, whole numbers."
            )
            rated = ratings.get(activity.id)
            rating.set_value(rated.rating if rated else None)
            minutes.set_value(rated.minutes if rated else None)
            rating_error, minutes_error = error_label(rating), error_label(minutes)
            grid.addWidget(name, row, 0)
            grid.addWidget(rating, row, 1)
            grid.addWidget(QLabel("/10"), row, 2)
            grid.addWidget(minutes, row, 3)
            grid.addWidget(rating_error, row + 1, 0, 1, 5)
            grid.addWidget(minutes_error, row + 2, 0, 1, 5)
            self._fields[f"activity/{activity.id}"] = Field(rating, rating_error)
            self._fields[f"activity/{activity.id}/minutes"] = Field(minutes, minutes_error)
            self._activity_fields.append((activity, rating, minutes))
            self._watch(rating)
            self._watch(minutes)
        if self.isVisible():
            for item in layout_items(grid):
                widget = item.widget()
                if widget is not None and not isinstance(widget, ErrorLabel):
                    widget.show()

    def _collect(self) -> tuple[WeeklyEntry, dict[str, Field]]:
        values: dict[str, float] = {}
        for m in WEEKLY_MARKERS:
            widget = self._fields[m.key].widget
            assert isinstance(widget, NumberField)
            value = widget.value()
            if value is not None:
                values[m.key] = value
        rom: list[RomReading] = []
        rom_fields: dict[str, Field] = {}
        for row in self._rom_rows:
            reading = row.reading()
            if reading is not None:
                rom_fields[f"rom/{len(rom)}"] = Field(row.degrees, row.error)
                rom.append(reading)
        ratings: list[ActivityRating] = []
        for activity, rating_field, minutes_field in self._activity_fields:
            assert activity.id is not None
            rating, minutes = rating_field.value(), minutes_field.value()
            if rating is None and minutes is None:
                continue
            ratings.append(ActivityRating(activity.id, math.nan if rating is None else rating, minutes))
        loaded = self._loaded  # the version the week was opened with goes with the save
        entry = WeeklyEntry(
            self._week,
            values,
            tuple(rom),
            tuple(ratings),
            self.notes.toPlainText(),
            None if loaded is None else loaded.id,
            NEW if loaded is None else loaded.version,
        )
        return entry, rom_fields

    def _activity_names(self) -> dict[int, str]:
        return {a.id: a.name for a in self._activities if a.id is not None}

    # Problems ---------------------------------------------------------------------------------

    def _validate_live(self) -> None:
        if self._loading:
            return
        entry, rom_fields = self._collect()
        self._show_problems(entry.problems(self._activity_names()), rom_fields)

    def _clear_problems(self) -> None:
        self._show_problems([], {})

    def _all_fields(self, rom_fields: dict[str, Field]) -> dict[str, Field]:
        return {**self._fields, **rom_fields}

    def _show_problems(self, problems: list[Problem], rom_fields: dict[str, Field]) -> None:
        rom_errors = [row.error for row in self._rom_rows]
        show_problems(problems, self._all_fields(rom_fields), rom_errors, self.general_error)

    def _focus_first(self, problems: list[Problem], rom_fields: dict[str, Field]) -> Problem:
        """Focus the field of the first problem in Tab order; returns that problem."""
        fields = self._all_fields(rom_fields)
        order = self._tab_chain()

        def position(problem: Problem) -> int:
            field = fields.get(problem.field)
            return order.index(field.widget) if field is not None and field.widget in order else len(order)

        first = min(problems, key=position)
        field = fields.get(first.field)
        if field is not None:
            field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_area.ensureWidgetVisible(field.widget)
        return first

    # Navigation and feedback ------------------------------------------------------------------

    def _tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self._fields[m.key].widget for m in WEEKLY_MARKERS]
        for row in self._rom_rows:
            chain.extend(row.inputs())
        chain.append(self.add_movement_button)
        for _, rating, minutes in self._activity_fields:
            chain.extend((rating, minutes))
        chain.extend(
            (
                self.activities_button,
                self.notes,
                self.save_button,
                self.copy_button,
                self.copy_rom,
                self.delete_button,
                self.previous_button,
                self.picker,
                self.next_button,
                self.this_week_button,
            )
        )
        return chain

    def _update_tab_order(self) -> None:
        chain = self._tab_chain()
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def focus_first_input(self) -> None:
        first = self._fields[WEEKLY_MARKERS[0].key].widget
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.ensureWidgetVisible(first)

    def _scroll_to_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A field reached by Tab or Shift+Tab (from the buttons below, too) scrolls into view."""
        if shiboken6.isValid(self) and new is not None and self.body.isAncestorOf(new):
            self.scroll_area.ensureWidgetVisible(new)

    def _focus_picker(self) -> None:
        self.picker.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.picker.selectAll()

    def _picked(self) -> None:
        picked = week_start(pydate(self.picker.date()))
        if picked != self._week and not self.go_to_week(picked):
            self._set_picker(self._week)

    def _set_picker(self, week: date) -> None:
        self.picker.blockSignals(True)
        self.picker.setMaximumDate(qdate(self.current_week() + timedelta(days=6)))
        self.picker.setDate(qdate(week))
        self.picker.blockSignals(False)

    def _confirm_leave(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Save this week?")
        box.setText(f"The {short_week(self._week)} has changes that are not saved.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _update_header(self) -> None:
        week = self._week
        logged = self._loaded is not None
        state = "already logged" if logged else "not logged yet"
        mark = "✓" if logged else "○"
        self.title.setText(f"<h2>{week_text(week)} — {mark} {state}</h2>")
        self.title.setAccessibleDescription(f"{week_text(week)}, {state}")
        sunday = week + timedelta(days=6)
        ago = (self.current_week() - week).days // 7
        when = "this week" if ago == 0 else "last week" if ago == 1 else f"{ago} weeks ago"
        self.subtitle.setText(
            f"Monday {day_month(week)} to Sunday {day_month(sunday)} {sunday:%Y}  ·  {when}"
        )
        missed = self.missed_weeks()
        if missed:
            last = max(w for w in (e.week for e in self._entries) if w < self.current_week())
            shown = ", ".join(day_month(w) for w in missed[:4]) + (", …" if len(missed) > 4 else "")
            every = self._plan.every_weeks if self._plan.active else None
            unit = f"{every}-week check-in" if every else "week"
            count = f"{len(missed)} {unit}{'s' if len(missed) != 1 else ''}"
            self.missed.setText(
                f"{count} not logged since the {short_week(last)} ({shown}). "
                "Pick one with Ctrl+G to fill it in, or leave the gap: gaps are fine."
            )
        self.missed.setVisible(bool(missed))
        self.next_button.setEnabled(week < self.current_week())
        self.next_action.setEnabled(week < self.current_week())
        self.delete_button.setEnabled(logged)
        self._set_picker(week)

    def _say(self, message: str) -> None:
        self.feedback.setText(message)
        self.status.emit(message)

    def _on_changed(self, what: Changed) -> None:
        """The session changed the records (a save or delete here, Edit → Undo / Redo, an import)."""
        if not shiboken6.isValid(self):
            return
        if what.everything or what.activities or what.maintenance:
            if self.has_unsaved_changes():  # typed values are never dropped unasked
                self._entries = self.store.entries(self.patient_id)
                if what.activities or what.everything:
                    self._rebuild_activity_rows()
                self._update_header()
            else:
                self.reload()
            return
        for week in sorted(what.weeks):
            self._week_changed(week)

    def _rebuild_activity_rows(self) -> None:
        """The activities changed while typed values stand: new and renamed ones show, an archived one
        leaves (unless rated here), and every typed text stays as it was, even one not yet valid."""
        typed = {a.id: (rating.text(), minutes.text()) for a, rating, minutes in self._activity_fields}
        self._loading = True
        try:
            self._fill_activities(self.entry(), self._loaded)
            for activity, rating, minutes in self._activity_fields:
                if activity.id in typed:
                    rating.setText(typed[activity.id][0])
                    minutes.setText(typed[activity.id][1])
        finally:
            self._loading = False
        self._update_tab_order()
        self._align_columns()

    def _week_changed(self, week: date) -> None:
        unsaved = week != self._week and self.has_unsaved_changes()
        put_week(self._entries, week, self.session.stored_week(week))  # only that week is read
        if not unsaved:
            self._week = week
            self._show_stored()
            self.week_changed.emit(week)
        else:
            self._update_header()
        logged = any(e.week == week for e in self._entries)
        (self.entry_saved if logged else self.entry_deleted).emit(week)
        if not self._pushing:
            self._say(f"Undo/redo: {short_week(week)} {'restored' if logged else 'removed'}.")


def _content(entry: WeeklyEntry) -> tuple[object, ...]:
    values = tuple(sorted((k, v) for k, v in entry.values.items()))
    return values, entry.rom, entry.activities, entry.notes
