"""The day therapy ended, which opens the maintenance phase."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QFormLayout, QVBoxLayout, QWidget

from rehabtrack.ui.widgets import date_field, hint_label, save_cancel_buttons


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
        self.day = date_field(today, "Discharged on")
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow("&Discharged on:", self.day)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self, self.accept))
        self.day.setFocus()

    def chosen(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())
