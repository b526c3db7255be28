"""The meaningful-change thresholds that are clinic conventions, set for one patient by the therapist.

A published MCID (pain, LEFS, range of motion …) cannot be changed here. A convention can, but never below
the marker's measurement error: core refuses it with a message naming the field and the allowed range, and
nothing is written. A blank field uses the clinic's value.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QVBoxLayout, QWidget

from rehabtrack.core.meaningful_change import conventions, threshold_problem
from rehabtrack.core.numbers import exact
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.storage.store import Store
from rehabtrack.ui.widgets import NumberField, error_label, hint_label, save_cancel_buttons


class ThresholdDialog(QDialog):
    """One row per convention: the patient's value (blank = the clinic's), its unit and allowed range."""

    def __init__(self, store: Store, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.patient_id = store, patient_id
        self.setWindowTitle("Meaningful change for this patient")
        self.defaults = conventions()
        own = store.thresholds(patient_id)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                "These thresholds are clinic conventions, not published MCIDs: change one when this "
                "patient's marker needs another. Leave a field blank to use the clinic's value. Published "
                "thresholds (pain, questionnaires, range of motion, activity ratings) cannot be changed."
            )
        )
        grid = QGridLayout()
        self.fields: dict[str, NumberField] = {}
        self.errors: dict[str, QLabel] = {}
        for row, (key, t) in enumerate(self.defaults.items()):
            field = NumberField(6)
            field.set_value(own.get(key))
            field.setPlaceholderText(exact(t.value))
            low, high = exact(t.measurement_error or 0), exact(t.most or 0)
            allowed = f"clinic value {t.amount(t.value)}; allowed {low} to {high}"
            field.setAccessibleName(f"{t.label}, meaningful change")
            field.setAccessibleDescription(f"{allowed}. Blank uses the clinic's value.")
            label = QLabel(f"{t.label}:")
            label.setBuddy(field)
            error = error_label()
            grid.addWidget(label, 2 * row, 0)
            grid.addWidget(field, 2 * row, 1)
            grid.addWidget(QLabel(t.unit), 2 * row, 2)
            grid.addWidget(hint_label(allowed), 2 * row, 3)
            grid.addWidget(error, 2 * row + 1, 1, 1, 3)
            self.fields[key], self.errors[key] = field, error
        grid.setColumnStretch(3, 1)
        layout.addLayout(grid)
        layout.addWidget(save_cancel_buttons(self, self.accept))
        next(iter(self.fields.values())).setFocus()

    def values(self) -> dict[str, float]:
        """The patient's own thresholds as typed (a blank field, or the clinic's value, is left out)."""
        typed = {key: field.value() for key, field in self.fields.items()}
        return {k: v for k, v in typed.items() if v is not None and v != self.defaults[k].value}

    def accept(self) -> None:
        values = self.values()
        problems: list[Problem] = [p for k, v in values.items() if (p := threshold_problem(k, v)) is not None]
        try:
            if problems:
                raise InvalidInput(problems)
            self.store.save_thresholds(self.patient_id, values)
        except InvalidInput as exc:
            self._show(exc.problems)
            return
        super().accept()

    def _show(self, problems: list[Problem]) -> None:
        by_field = {p.field: p.message for p in problems}
        for key, error in self.errors.items():
            error.setText(by_field.get(key, ""))
            error.setVisible(key in by_field)  # a hidden label stays hidden when its text is set
        self.adjustSize()  # room for the messages
        first = next((key for key in self.fields if key in by_field), None)
        if first is not None:
            self.fields[first].setFocus()
            self.fields[first].selectAll()
