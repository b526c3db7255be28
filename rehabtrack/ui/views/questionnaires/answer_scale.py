"""One questionnaire item's answer as a row of radio buttons, chosen by arrow or digit keys."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget


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
