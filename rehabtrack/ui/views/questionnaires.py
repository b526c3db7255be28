"""The Questionnaires view: what is due, filling one in by keyboard, the scores so far, and after
therapy the maintenance phase with its recurrence watch.

Every score and judgement comes from core (``core.measures`` scores exactly as published,
``core.measure_series`` says what a score means, ``core.maintenance`` runs the recurrence watch); this
module only lays them out. Same input standards as the check-in: every answer reachable by Tab,
arrow keys or the answer's digit choose within an item, problems shown in words next to the item,
text that grows with the window's font.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.core.maintenance import CADENCES, MaintenancePlan, goals_met, recurrence_alerts, should_offer
from rehabtrack.core.meaningful_change import patient_thresholds, threshold_for
from rehabtrack.core.measure_series import (
    FILLED_IN,
    GasGoal,
    MeasureResult,
    answer_choices,
    change_since,
    day_text,
    due,
    family_instrument,
    measure_series,
    psfs_from_entries,
    score_keys,
    score_message,
    score_text,
)
from rehabtrack.core.measures import INSTRUMENTS, CopmProblem, Instrument
from rehabtrack.core.model import GoalStatus
from rehabtrack.core.numbers import signed
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.storage.store import Store
from rehabtrack.ui.theme import current_chart_theme
from rehabtrack.ui.widgets import (
    Button,
    ComboBox,
    DateField,
    ErrorLabel,
    FlowLayout,
    GrowingLabel,
    NoticeLabel,
    NumberField,
    TextField,
    _tall,
    error_label,
    hint_label,
    save_cancel_buttons,
    scrolling_page,
)

FORM_MIN_LINES = 12  # the open form
SCORES_MIN_LINES = 11  # the scores table: its header and a few rows
FORM_SHARE_MAX = 60  # percent of the page's width an open form may take from the scores beside it
KEYS_HELP = (
    "Keys: Tab next item · ← → or the answer's number choose · Ctrl+S save · Esc close the form · "
    "Ctrl+N fill in the chosen questionnaire"
)
COPM_ROWS = 5
GAS_ROWS_MAX = 10


def _placeholder_items(inst: Instrument) -> bool:
    """True when RehabTrack ships no item wording (licence): items read "Item 1", "Section 1"…"""
    return all(text.rsplit(" ", 1)[-1].isdigit() for text in inst.items)


class AnswerScale(QWidget):
    """One item's answer: a row of radio buttons, one per allowed answer, with the scale's words.

    Tab enters and leaves the row (one stop); ←/→ (or ↑/↓) and the digit keys choose an answer at once.
    Nothing chosen = not answered.
    """

    changed = Signal()

    def __init__(
        self,
        name: str,
        choices: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
        numbers_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.values = [value for value, _ in choices]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QRadioButton] = []
        for i, (value, words) in enumerate(choices):
            sign = "+" if value > 0 and min(self.values) < 0 else ""
            shown = f"{sign}{value}" + (f" {words}" if words and not numbers_only else "")
            button = QRadioButton(shown)
            button.setAccessibleName(f"{name}: {sign}{value}" + (f", {words}" if words else ""))
            button.installEventFilter(self)
            self.group.addButton(button, i)
            self.buttons.append(button)
            layout.addWidget(button)
        layout.addStretch(1)
        self.group.idToggled.connect(self._toggled)

    def _toggled(self, _index: int, on: bool) -> None:
        if on:
            self.changed.emit()

    def value(self) -> float | None:
        index = self.group.checkedId()
        return None if index < 0 else float(self.values[index])

    def set_value(self, value: float | None) -> None:
        if value is None or int(value) not in self.values:
            self.group.setExclusive(False)
            for button in self.buttons:
                button.setChecked(False)
            self.group.setExclusive(True)
            return
        self.buttons[self.values.index(int(value))].setChecked(True)

    def _choose(self, index: int) -> None:
        index = max(0, min(index, len(self.buttons) - 1))
        self.buttons[index].setChecked(True)
        self.buttons[index].setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            current = self.buttons.index(watched) if watched in self.buttons else 0  # type: ignore[arg-type]
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
                self._choose(current - 1 if self.group.checkedId() >= 0 else current)
                return True
            if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
                self._choose(current + 1 if self.group.checkedId() >= 0 else current)
                return True
            text = event.text()
            if text.isdigit() and int(text) in self.values:
                self._choose(self.values.index(int(text)))
                return True
        return False


def _date_edit(day: date) -> DateField:
    edit = DateField(day)
    edit.setAccessibleName("Date filled in")
    edit.setMinimumHeight(_tall(edit.sizeHint(), edit).height())
    return edit


class QuestionnaireForm(QWidget):
    """The form of one questionnaire family (LEFS, QuickDASH, ODI, NPRS, COPM or GAS)."""

    def __init__(
        self,
        family: str,
        today: date,
        item_texts: Sequence[str] = (),
        previous: MeasureResult | None = None,
        goals: Sequence[tuple[str, int | None]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.family = family
        self.inst = family_instrument(family)
        self.setAccessibleName(f"{self.inst.short_name} questionnaire")
        layout = QVBoxLayout(self)
        full = threshold_for(self.inst.series_key).label
        title = QLabel(
            f"<b>{self.inst.short_name}</b>" + (f": {full}" if full != self.inst.short_name else "")
        )
        title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(title)
        self.wording = hint_label(f"Answers: {self.inst.answer_wording}")
        layout.addWidget(self.wording)
        licence = self.inst.licence_note
        if _placeholder_items(self.inst) and family not in ("COPM", "GAS"):
            licence += (
                " Until your clinic enters them (Item wording… button), items show their number only; "
                "the scoring is the published one either way."
            )
        self.licence = hint_label(f"Item wording and licence: {licence}")
        self.licence.setAccessibleDescription("Item wording and licence")
        layout.addWidget(self.licence)
        when = QHBoxLayout()
        self.taken = _date_edit(today)
        taken_label = QLabel("Date filled in:")
        taken_label.setBuddy(self.taken)
        when.addWidget(taken_label)
        when.addWidget(self.taken)
        when.addStretch(1)
        layout.addLayout(when)
        self.general_error = error_label()
        layout.addWidget(self.general_error)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.errors: dict[str, QLabel] = {}
        self.scales: list[AnswerScale] = []
        self.copm_rows: list[tuple[TextField, NumberField, NumberField, NumberField]] = []
        self.gas_rows: list[tuple[TextField, AnswerScale, NumberField, int | None]] = []
        if family == "COPM":
            self._build_copm(previous)
        elif family == "GAS":
            self._build_gas(previous, goals)
        else:
            self._build_items(item_texts or self.inst.items)

    # Building ------------------------------------------------------------------------------------

    def _error(self, key: str, field: QWidget, row: int, column: int = 1, span: int = 1) -> None:
        label = error_label(field)
        self.grid.addWidget(label, row, column, 1, span)
        self.errors[key] = label

    def _build_items(self, texts: Sequence[str]) -> None:
        """A grid: the answer words head each column, every item a row of radio buttons under them."""
        choices = answer_choices(self.inst)
        word = self.inst.item_word.capitalize()
        for c, (value, words) in enumerate(choices, start=1):
            head = QLabel(f"<b>{value}</b>" + (f"<br>{html.escape(words)}" if words else ""))
            head.setTextFormat(Qt.TextFormat.RichText)
            head.setWordWrap(True)
            head.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            self.grid.addWidget(head, 0, c)
            self.grid.setColumnStretch(c, 1)
        for i, text in enumerate(texts, start=1):
            own = text if not text.rsplit(" ", 1)[-1].isdigit() else ""
            label = QLabel(f"{i}. {own}" if own else f"{word} {i}")
            label.setWordWrap(True)
            scale = AnswerScale(f"{word} {i}" + (f", {own}" if own else ""), choices, numbers_only=True)
            scale.hide()  # its buttons sit in the grid, under their column's words
            label.setBuddy(scale.buttons[0])
            row = 2 * i - 1
            self.grid.addWidget(label, row, 0)
            for c, button in enumerate(scale.buttons, start=1):
                self.grid.addWidget(button, row, c, Qt.AlignmentFlag.AlignHCenter)
            self._error(f"{self.inst.key}/{i}", scale.buttons[0], row + 1, 0, len(choices) + 1)
            self.scales.append(scale)
        self.grid.setColumnStretch(0, 2)

    def _build_copm(self, previous: MeasureResult | None) -> None:
        heads = ("Problem (in your words)", "Importance 1–10", "Performance 1–10", "Satisfaction 1–10")
        for c, head in enumerate(heads):
            self.grid.addWidget(QLabel(f"<b>{head}</b>"), 0, c)
        earlier = list(previous.copm) if previous is not None else []
        for i in range(1, COPM_ROWS + 1):
            name = TextField()
            name.setAccessibleName(f"COPM problem {i}")
            fields = [NumberField(3) for _ in range(3)]
            for field, part in zip(fields, ("importance", "performance", "satisfaction"), strict=True):
                field.setAccessibleName(f"COPM problem {i} {part}")
                field.setAccessibleDescription("Whole number from 1 to 10.")
            if i <= len(earlier):  # a reassessment rates the same problems, with the same importance
                name.setText(earlier[i - 1].name)
                fields[0].set_value(earlier[i - 1].importance)
            row = 2 * i - 1
            self.grid.addWidget(name, row, 0)
            for c, field in enumerate(fields, start=1):
                self.grid.addWidget(field, row, c)
            self._error(f"COPM/{i}", name, row + 1, 0, 4)
            self.copm_rows.append((name, fields[0], fields[1], fields[2]))
        note = hint_label(
            "Leave a row blank if there are fewer problems. Scores: mean performance and satisfaction."
        )
        self.grid.addWidget(note, 2 * COPM_ROWS + 1, 0, 1, 4)

    def _build_gas(self, previous: MeasureResult | None, goals: Sequence[tuple[str, int | None]]) -> None:
        rows: list[tuple[str, float, int | None]]
        if previous is not None:
            rows = [(g.goal, g.weight, g.goal_id) for g in previous.gas]
        else:
            rows = [(title, 1.0, goal_id) for title, goal_id in goals][:GAS_ROWS_MAX]
        rows += [("", 1.0, None)] * max(0, min(GAS_ROWS_MAX, len(rows) + 1) - len(rows))
        # Each goal's name on a line of its own, its attainment under it: the name is never squeezed
        # to a few letters by the five answers beside it.
        for c, head in enumerate(("Goal, then its attainment (0 = as expected)", "Weight")):
            self.grid.addWidget(QLabel(f"<b>{head}</b>"), 0, c)
        choices = answer_choices(self.inst)
        short = {-2: "much less", -1: "less", 0: "as expected", 1: "more", 2: "much more"}
        for i, (title, weight, goal_id) in enumerate(rows, start=1):
            name = TextField()
            name.setText(title)
            name.setAccessibleName(f"GAS goal {i}")
            scale = AnswerScale(f"GAS goal {i} attainment", [(v, short.get(v, w)) for v, w in choices])
            weight_field = NumberField(3)
            weight_field.set_value(weight)
            weight_field.setAccessibleName(f"GAS goal {i} weight")
            weight_field.setAccessibleDescription("A number above 0; 1 when every goal counts the same.")
            row = 3 * i - 2
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(weight_field, row, 1)
            self.grid.addWidget(scale, row + 1, 0, 1, 2)
            self._error(f"GAS/{i}", name, row + 2, 0, 2)
            self.gas_rows.append((name, scale, weight_field, goal_id))
        self.grid.setColumnStretch(0, 1)
        note = hint_label("Leave the goal's name blank to leave a row out.")
        self.grid.addWidget(note, 3 * len(rows) + 1, 0, 1, 2)

    # Reading -------------------------------------------------------------------------------------

    def taken_day(self) -> date:
        d = self.taken.date()
        return date(d.year(), d.month(), d.day())

    def result(self) -> MeasureResult:
        """What the form holds, unscored (core scores and validates it)."""
        day = self.taken_day()
        if self.family == "COPM":
            problems = []
            for name, imp, perf, sat in self.copm_rows:
                values = [f.value() for f in (imp, perf, sat)]
                if not name.text().strip() and all(v is None for v in values):
                    continue
                numbers = [float("nan") if v is None else v for v in values]
                problems.append(CopmProblem(name.text(), numbers[0], numbers[1], numbers[2]))
            return MeasureResult("COPM", day, copm=tuple(problems))
        if self.family == "GAS":
            goals = []
            for name, scale, weight, goal_id in self.gas_rows:
                level = scale.value()
                if not name.text().strip() and level is None:
                    continue
                w = weight.value()
                goals.append(
                    GasGoal(
                        name.text(),
                        int(level) if level is not None else None,  # type: ignore[arg-type]
                        1.0 if w is None else w,
                        goal_id,
                    )
                )
            return MeasureResult("GAS", day, gas=tuple(goals))
        return MeasureResult(self.family, day, tuple(s.value() for s in self.scales))

    def inputs(self) -> list[QWidget]:
        if self.copm_rows:
            return [w for row in self.copm_rows for w in row]
        if self.gas_rows:
            return [w for name, scale, weight, _ in self.gas_rows for w in (name, scale.buttons[0], weight)]
        return [s.buttons[0] for s in self.scales]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        for label in self.errors.values():
            label.clear()
        general = []
        shown: dict[str, list[str]] = {}
        for p in problems:
            parts = p.field.split("/")
            key = "/".join(parts[:2]) if len(parts) >= 2 else p.field
            if key in self.errors:
                shown.setdefault(key, []).append(p.message)
            else:
                general.append(p.message)
        for key, messages in shown.items():
            self.errors[key].setText(" ".join(messages))
            self.errors[key].show()
        self.general_error.setText(" ".join(general))
        self.general_error.setVisible(bool(general))

    def focus_first(self, problems: Sequence[Problem] = ()) -> None:
        for p in problems:
            parts = p.field.split("/")
            if len(parts) >= 2 and parts[1].isdigit():
                index = int(parts[1]) - 1
                if self.scales and index < len(self.scales):
                    self.scales[index].buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)
                    return
                if self.copm_rows and index < len(self.copm_rows):
                    self.copm_rows[index][0].setFocus(Qt.FocusReason.OtherFocusReason)
                    return
                if self.gas_rows and index < len(self.gas_rows):
                    self.gas_rows[index][0].setFocus(Qt.FocusReason.OtherFocusReason)
                    return
        inputs = self.inputs()
        if inputs:
            inputs[0].setFocus(Qt.FocusReason.OtherFocusReason)


class ItemWordingDialog(QDialog):
    """The clinic types in the item wording from its licensed copy (stored for every patient)."""

    def __init__(self, store: Store, family: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.family = family
        inst = family_instrument(family)
        self.setWindowTitle(f"{inst.short_name} item wording")
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(f"{inst.licence_note} Leave a field blank to show the item number only."))
        form = QFormLayout()
        self.fields: list[TextField] = []
        shipped = inst.items
        for i, text in enumerate(store.item_texts(family), start=1):
            field = TextField()
            field.setText("" if text == shipped[i - 1] else text)
            field.setAccessibleName(f"{inst.short_name} {inst.item_word} {i} wording")
            form.addRow(f"{inst.item_word.capitalize()} {i}:", field)
            self.fields.append(field)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        try:
            self.store.save_item_texts(self.family, [f.text() for f in self.fields])
        except InvalidInput as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


class DischargeDialog(QDialog):
    """When therapy ended: any day up to today (the patient may tell RehabTrack weeks later)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Discharged from therapy")
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                "The day your therapy ended. After it, RehabTrack offers a lighter check-in every 2 or "
                "4 weeks and watches for pain or stiffness coming back."
            )
        )
        form = QFormLayout()
        self.day = _date_edit(today)
        self.day.setAccessibleName("Discharged on")
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow("&Discharged on:", self.day)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self, self.accept))
        self.day.setFocus()

    def chosen(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())


class MeasureHistoryModel(QAbstractTableModel):
    """Every score, newest first: date, questionnaire, score, change since the one before."""

    HEADERS = ("Date", "Questionnaire", "Score", "Change since the one before")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[MeasureResult, str, tuple[str, ...]]] = []

    def set_results(self, results: Sequence[MeasureResult], today: date) -> None:
        self.beginResetModel()
        rows: list[tuple[MeasureResult, str, tuple[str, ...]]] = []
        for r in sorted(results, key=lambda r: (r.taken, r.id or 0), reverse=True):
            for key in r.score_keys:
                value = r.value(key)
                if value is None:
                    continue
                change = change_since(key, results, r)
                if change is None:
                    moved = "first score"
                else:
                    delta = signed(change.delta)
                    tag = change.threshold.tag() if change.meaningful else ""
                    moved = f"{'±0' if delta == '0' else delta}: {change.direction}{tag}"
                inst = INSTRUMENTS[key]
                name = inst.name if inst.family in ("COPM", "GAS") else inst.short_name
                rows.append((r, key, (day_text(r.taken, today), name, score_text(key, value), moved)))
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()][2][index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def rows(self) -> list[tuple[str, ...]]:
        return [cells for _, _, cells in self._rows]

    def result_at(self, row: int) -> tuple[MeasureResult, str]:
        result, key, _ = self._rows[row]
        return result, key


class QuestionnairesView(QWidget):
    """Questionnaires for one patient. ``result_saved`` carries the saved MeasureResult."""

    result_saved = Signal(object)
    status = Signal(str)

    def __init__(self, store: Store, patient_id: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id = patient_id
        self.today = today
        self.form: QuestionnaireForm | None = None
        self.results: list[MeasureResult] = []
        self.setAccessibleName("Questionnaires")
        self._build()
        self.refresh()

    # Building ------------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = scrolling_page(self, "Questionnaires")
        self.alerts = NoticeLabel()
        self.alerts.setAccessibleDescription("Recurrence watch")
        outer.addWidget(self.alerts)

        top = QHBoxLayout()
        due_box = QGroupBox("Due")
        due_layout = QVBoxLayout(due_box)
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        self.due_label.setTextFormat(Qt.TextFormat.PlainText)
        self.due_label.setAccessibleDescription("Questionnaires due")
        self.psfs_label = QLabel()
        self.psfs_label.setWordWrap(True)
        self.psfs_label.setTextFormat(Qt.TextFormat.PlainText)
        self.psfs_label.setAccessibleDescription("PSFS from the check-in")
        due_layout.addWidget(self.due_label)
        due_layout.addWidget(self.psfs_label)
        pick = FlowLayout()  # wraps at a large text size instead of widening the window
        self.instrument_combo = ComboBox()
        self.instrument_combo.setAccessibleName("Questionnaire")
        for family in FILLED_IN:
            inst = family_instrument(family)
            name = INSTRUMENTS[score_keys(family)[0]].name if family not in ("COPM", "GAS") else inst.name
            self.instrument_combo.addItem(
                f"{inst.short_name} — {name}" if name != inst.short_name else name, family
            )
        pick_label = QLabel("Questionnai&re:")
        pick_label.setBuddy(self.instrument_combo)
        self.fill_button = Button("Fill in now  (Ctrl+N)")
        self.fill_button.setAccessibleDescription(
            "Opens the chosen questionnaire to fill in, whether due or not."
        )
        self.wording_button = Button("Item wording…")
        self.wording_button.setAccessibleDescription(
            "For the clinic: type in the item wording from its licensed copy."
        )
        for w in (pick_label, self.instrument_combo, self.fill_button, self.wording_button):
            pick.addWidget(w)
        due_layout.addLayout(pick)
        top.addWidget(due_box, 3)

        self.maintenance_box = QGroupBox("After therapy: maintenance phase")
        m = QVBoxLayout(self.maintenance_box)
        self.maintenance_label = QLabel()
        self.maintenance_label.setWordWrap(True)
        self.maintenance_label.setTextFormat(Qt.TextFormat.PlainText)
        m.addWidget(self.maintenance_label)
        cadence = QHBoxLayout()
        self.cadence_group = QButtonGroup(self)
        self.cadence_buttons: dict[int, QRadioButton] = {}
        for weeks in CADENCES:
            button = QRadioButton(f"Check in every {weeks} weeks")
            self.cadence_group.addButton(button, weeks)
            self.cadence_buttons[weeks] = button
            cadence.addWidget(button)
        self.cadence_buttons[CADENCES[0]].setChecked(True)
        cadence.addStretch(1)
        m.addLayout(cadence)
        buttons = QHBoxLayout()
        self.start_maintenance_button = Button("Start maintenance")
        self.end_maintenance_button = Button("End maintenance")
        self.discharged_button = Button("I have been discharged…")
        for b in (self.start_maintenance_button, self.end_maintenance_button, self.discharged_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        m.addLayout(buttons)
        top.addWidget(self.maintenance_box, 2)
        outer.addLayout(top)
        self.result_label = QLabel()
        outer.addWidget(self.result_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter = splitter
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setAccessibleDescription("Score just saved")
        # Never squeezed below its wrapped text by the form under it.
        self.result_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setAccessibleName("Questionnaire form")
        self.form_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its inputs are the Tab stops
        self.placeholder = hint_label(
            "Choose a questionnaire and press Fill in now (Ctrl+N). Scores are worked out exactly as "
            "published, and each one is compared with the one before."
        )
        self.form_area.setWidget(self.placeholder)
        left_layout.addWidget(self.form_area, 1)
        bar = FlowLayout()
        self.save_button = Button("Save  (Ctrl+S)")
        self.save_button.setDefault(True)
        self.cancel_button = Button("Close form  (Esc)")
        bar.addWidget(self.save_button)
        bar.addWidget(self.cancel_button)
        left_layout.addLayout(bar)
        left_layout.addWidget(hint_label(KEYS_HELP))
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("<b>Scores so far</b>"))
        self.history_model = MeasureHistoryModel()
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setAccessibleName("Questionnaire scores so far")
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.setTabKeyNavigation(False)  # Tab passes through; arrow keys move between scores
        # A few rows: each grows to show its whole change sentence at any text size.
        self.history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().sectionResized.connect(lambda *_: self.history.resizeRowsToContents())
        self._fit_history_columns()
        self._keep_room()
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        right_layout.addWidget(self.history, 1)
        self.chart_title = GrowingLabel()
        right_layout.addWidget(self.chart_title)
        self.chart = MarkerChart()
        self.chart.setMinimumHeight(220)
        self.chart.setAccessibleName("Chart of the chosen questionnaire's scores")
        right_layout.addWidget(self.chart, 1)
        self.delete_button = Button("Delete the selected score…  (Ctrl+Del)")
        right_layout.addWidget(self.delete_button)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        outer.addWidget(splitter, 1)

        self.fill_button.clicked.connect(lambda: self.open_form())
        self.wording_button.clicked.connect(self.edit_item_wording)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.close_form)
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.start_maintenance_button.clicked.connect(lambda: self.start_maintenance())
        self.end_maintenance_button.clicked.connect(lambda: self.end_maintenance())
        self.discharged_button.clicked.connect(lambda: self.mark_discharged())
        self.instrument_combo.currentIndexChanged.connect(lambda _i: self._draw_chart())
        # A score chosen (arrows, click) shows its questionnaire; Tab passing through changes nothing.
        self.history.selectionModel().selectionChanged.connect(
            lambda selected, _old: self._history_row(
                selected.indexes()[0].row() if selected.indexes() else -1
            )
        )
        for keys, slot in (
            ("Ctrl+N", lambda: self.open_form()),
            ("Ctrl+S", self.save),
            ("Ctrl+Del", lambda: self.delete_selected()),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.form_area)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_form)
        self._update_buttons()

    # Public API ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read results, check-ins, goals and the maintenance plan."""
        self.results = self.store.measures(self.patient_id)
        with patient_thresholds(self.store.thresholds(self.patient_id)):  # the therapist's, if set
            self.history_model.set_results(self.results, self.today)
            self._fit_history_columns()
            self._show_due()
            self._show_maintenance()
            self._draw_chart()

    def chart_key(self) -> str:
        """The series key the chart shows: the chosen questionnaire's (COPM: performance)."""
        return INSTRUMENTS[score_keys(str(self.instrument_combo.currentData()))[0]].series_key

    def choose(self, family: str) -> None:
        self.instrument_combo.setCurrentIndex(self.instrument_combo.findData(family))

    def open_form(self, family: str | None = None) -> QuestionnaireForm:
        """Open the form of ``family`` (default: the chosen questionnaire), focused on its first item."""
        if family is not None:
            self.choose(family)
        family = str(self.instrument_combo.currentData())
        previous = next((r for r in reversed(self.results) if r.instrument == family), None)
        goals = [
            (g.title, g.id) for g in self.store.goals(self.patient_id) if g.status != GoalStatus.DISCONTINUED
        ]
        texts = self.store.item_texts(family) if family not in ("COPM", "GAS") else []
        self.form = QuestionnaireForm(family, self.today, texts, previous, goals)
        self.form_area.takeWidget()
        self.form_area.setWidget(self.form)
        self.placeholder.hide()
        self._make_room()
        self._update_buttons()
        self._set_tab_order()
        self.form.focus_first()
        self.status.emit(f"Filling in the {self.form.inst.short_name}. Ctrl+S saves.")
        return self.form

    def _make_room(self) -> None:
        """Widen the form's side of the splitter to what the open form asks for (up to two thirds of
        the page), so its columns show whole without dragging the splitter."""
        if self.form is None:
            return
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        scroll_bar = self.form_area.verticalScrollBar().sizeHint().width()
        wanted = self.form.sizeHint().width() + scroll_bar + 2 * self.form_area.frameWidth()
        left = min(max(sizes[0], wanted), total * FORM_SHARE_MAX // 100)
        self.splitter.setSizes([left, total - left])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._make_room()  # a form opened before the page was laid out

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "splitter"):
            self._keep_room()
            self._fit_history_columns()
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "chart"):
            self._draw_chart()  # a new theme: the chart takes its colours

    def _keep_room(self) -> None:
        """The form, the scores and their chart keep room to be read: the page scrolls instead."""
        lines = self.fontMetrics().lineSpacing()
        self.form_area.setMinimumHeight(lines * FORM_MIN_LINES)
        self.history.setMinimumHeight(lines * SCORES_MIN_LINES)

    def _fit_history_columns(self) -> None:
        """No column narrower than the longest word in the table: a narrow table scrolls sideways
        instead of cutting a word ("convention)") in half."""
        metrics = self.history.fontMetrics()
        model = self.history_model
        words = {
            word
            for row in range(model.rowCount())
            for column in range(model.columnCount())
            for word in str(model.index(row, column).data() or "").split()
        }
        widest = max((metrics.horizontalAdvance(w) for w in words), default=0)
        padding = metrics.averageCharWidth() * 2
        least = max(widest, metrics.horizontalAdvance("variation")) + padding
        self.history.horizontalHeader().setMinimumSectionSize(least)

    def close_form(self) -> None:
        if self.form is None:
            return
        self.form_area.takeWidget()
        self.form.deleteLater()
        self.form = None
        self.form_area.setWidget(self.placeholder)
        self.placeholder.show()
        self._update_buttons()
        self.fill_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> MeasureResult | None:
        """Score and save the open form; problems are shown next to their items and nothing is saved."""
        if self.form is None:
            return None
        form = self.form
        try:
            saved = self.store.save_measure(self.patient_id, form.result())
        except InvalidInput as exc:
            form.show_problems(exc.problems)
            form.focus_first(exc.problems)
            more = len(exc.problems) - 1
            self._say(
                f"Not saved: {exc.problems[0].message}"
                + (f" ({more} more {'answer needs' if more == 1 else 'answers need'} fixing)" if more else "")
            )
            return None
        self.close_form()
        self.refresh()
        message = score_message(saved, self.results, self.today)
        self.result_label.setText(f"Saved. {message}")
        width = max(self.result_label.width(), 200)
        self.result_label.setMinimumHeight(self.result_label.heightForWidth(width))
        self._say(f"Saved the {family_instrument(saved.instrument).short_name}.")
        self.result_saved.emit(saved)
        return saved

    def delete_selected(self, confirm: bool = True) -> MeasureResult | None:
        row = self.history.currentIndex().row()
        if row < 0:
            self._say("Choose a score in the table first.")
            return None
        result, _ = self.history_model.result_at(row)
        if result.id is None:
            return None
        name = family_instrument(result.instrument).short_name
        if confirm:
            answer = QMessageBox.question(
                self, "Delete score?", f"Delete the {name} filled in on {day_text(result.taken)}?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        deleted = self.store.delete_measure(result.id)
        self.refresh()
        self._say(f"Deleted the {name} of {day_text(result.taken)}.")
        return deleted

    def edit_item_wording(self) -> None:
        family = str(self.instrument_combo.currentData())
        if family in ("COPM", "GAS"):
            self._say("COPM problems and GAS goals are the patient's own: type them in the form.")
            return
        if ItemWordingDialog(self.store, family, self).exec() and self.form is not None:
            self.open_form(self.form.family)

    def start_maintenance(self, every_weeks: int | None = None) -> MaintenancePlan:
        weeks = every_weeks or self.cadence_group.checkedId()
        plan = self.store.maintenance(self.patient_id)
        new = MaintenancePlan(plan.discharged_on, weeks, self.today)
        self.store.save_maintenance(self.patient_id, new)
        self._show_maintenance()
        self._say(f"Maintenance phase started: a check-in every {weeks} weeks.")
        return new

    def end_maintenance(self) -> None:
        plan = self.store.maintenance(self.patient_id)
        self.store.save_maintenance(self.patient_id, MaintenancePlan(plan.discharged_on, None, None))
        self._show_maintenance()
        self._say("Maintenance phase ended: weekly check-ins again.")

    def mark_discharged(self, confirm: bool = True, day: date | None = None) -> bool:
        """Record the discharge: on ``day``, or the day the patient chooses (today by default).
        False: the patient cancelled."""
        if confirm:
            dialog = DischargeDialog(day or self.today, self)
            if not dialog.exec():
                return False
            day = dialog.chosen()
        plan = self.store.maintenance(self.patient_id)
        self.store.save_maintenance(
            self.patient_id, MaintenancePlan(day or self.today, plan.every_weeks, plan.since)
        )
        self._show_maintenance()
        return True

    # Showing -------------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.emit(text)

    def _show_due(self) -> None:
        lines = []
        for d in due(self.results, self.today):
            name = family_instrument(d.family).short_name
            last = (
                f"last filled in {day_text(d.last_taken, self.today)}" if d.last_taken else "never filled in"
            )
            when = "due now" if d.is_due(self.today) else f"next due {day_text(d.next_due, self.today)}"
            lines.append(f"{name}: {when} ({last}).")
        if not lines:
            lines.append("Nothing filled in yet. Your therapist will tell you which questionnaires to use.")
        lines.append("Every 4 weeks by default; fill one in at any time with Fill in now.")
        self.due_label.setText("\n".join(lines))
        entries = self.store.entries(self.patient_id)
        activities = self.store.activities(self.patient_id)
        psfs = psfs_from_entries(entries, activities)
        if psfs is None:
            self.psfs_label.setText(
                "PSFS: comes from your check-in's activity ratings (nothing to fill in here); none rated yet."
            )
        else:
            week, value = psfs
            self.psfs_label.setText(
                f"PSFS {score_text('PSFS', value)} from the activity ratings of your check-in, week of "
                f"{day_text(week, self.today)}: nothing to fill in here, your weekly ratings are its items."
            )

    def _show_maintenance(self) -> None:
        plan = self.store.maintenance(self.patient_id)
        entries = self.store.entries(self.patient_id)
        activities = self.store.activities(self.patient_id, include_archived=True)
        met = goals_met(self.store.goals(self.patient_id), entries, activities, self.today, self.results)
        if plan.active:
            assert plan.since is not None
            last = max((e.week for e in entries), default=None)
            nxt = plan.next_check_in(last)
            text = (
                f"Maintenance phase since {day_text(plan.since, self.today)}: a check-in every "
                f"{plan.every_weeks} weeks"
                + (f", the next one by {day_text(nxt, self.today)}." if nxt else ".")
                + " RehabTrack compares each check-in with how you were at discharge."
            )
            if plan.every_weeks in self.cadence_buttons:
                self.cadence_buttons[plan.every_weeks].setChecked(True)
        elif should_offer(plan, met):
            why = (
                f"You were discharged on {day_text(plan.discharged_on, self.today)}."
                if plan.discharged_on
                else "Every goal is met."
            )
            text = (
                f"{why} You can keep your gains with a lighter routine: a check-in every 2 or 4 weeks, your "
                "choice. RehabTrack will tell you plainly if pain, stiffness or another measure gets worse "
                "for two check-ins in a row."
            )
        else:
            text = (
                "When every goal is met, or you are discharged, you can switch to a lighter check-in every "
                "2 or 4 weeks."
            )
        self.maintenance_label.setText(text)
        offer = should_offer(plan, met)
        self.start_maintenance_button.setVisible(offer)
        self.end_maintenance_button.setVisible(plan.active)
        self.discharged_button.setVisible(plan.discharged_on is None and not plan.active)
        for button in self.cadence_buttons.values():
            button.setVisible(offer or plan.active)
            button.setEnabled(offer)
        alerts = recurrence_alerts(plan, entries, activities)
        self.alerts.setText("\n".join(a.message for a in alerts))
        self.alerts.setVisible(bool(alerts))

    def _draw_chart(self) -> None:
        key = self.chart_key()
        series = measure_series(key, self.results)
        with patient_thresholds(self.store.thresholds(self.patient_id)):
            threshold = threshold_for(key)
        band = threshold.value
        self.chart.set_data(series, band=band, theme=current_chart_theme())
        self.chart.set_band_tip(threshold.explained())
        inst = INSTRUMENTS[key.split("/", 1)[1]]
        better = "lower is better" if inst.lower_is_better else "higher is better"
        count = len(series.points)
        self.chart_title.setText(
            f"{inst.name}: {count} score{'s' if count != 1 else ''} ({better}; shaded: the meaningful change "
            f"of {threshold.amount(band)}, {threshold.origin()})"
        )

    def _history_row(self, row: int) -> None:
        if row < 0:
            return
        result, _key = self.history_model.result_at(row)
        self.choose(result.instrument)

    def _update_buttons(self) -> None:
        open_form = self.form is not None
        self.save_button.setEnabled(open_form)
        self.cancel_button.setEnabled(open_form)

    def _set_tab_order(self) -> None:
        """The form's inputs, in their order, right after Fill in now; then Save and Close."""
        if self.form is None:
            return
        inside = [
            w
            for w in self.form.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.focusProxy() is None
            and not isinstance(w, QLabel)
        ]
        chain: list[QWidget] = [self.wording_button, *inside, self.save_button, self.cancel_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)


__all__ = ["AnswerScale", "ErrorLabel", "MeasureHistoryModel", "QuestionnaireForm", "QuestionnairesView"]
