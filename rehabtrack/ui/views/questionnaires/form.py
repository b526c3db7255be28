"""The form of one questionnaire family: its items' answer grid, or the COPM and GAS rows, read back
unscored for core to score and validate."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from rehabtrack.core.meaningful_change import threshold_for
from rehabtrack.core.measure_series import GasGoal, MeasureResult, answer_choices, family_instrument
from rehabtrack.core.measures import CopmProblem, Instrument
from rehabtrack.core.validation import Problem
from rehabtrack.ui.views.questionnaires.answer_scale import AnswerScale
from rehabtrack.ui.widgets import NumberField, TextField, date_field, error_label, hint_label

COPM_ROWS = 5
GAS_ROWS_MAX = 10


def _placeholder_items(inst: Instrument) -> bool:
    """True when RehabTrack ships no item wording (licence): items read "Item 1", "Section 1"…"""
    return all(text.rsplit(" ", 1)[-1].isdigit() for text in inst.items)


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
        self.taken = date_field(today, "Date filled in")
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
