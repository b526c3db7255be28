"""The clinic types in a questionnaire's item wording from its licensed copy."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QVBoxLayout, QWidget

from rehabtrack.core.measure_series import family_instrument
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.store import Store
from rehabtrack.ui.widgets import TextField, error_label, hint_label, save_cancel_buttons


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
