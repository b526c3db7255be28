"""A range-of-motion row of the check-in: one movement, its angle, how the angle's sign reads."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from rehabtrack.core.numbers import exact
from rehabtrack.core.rom import (
    AXIAL_JOINTS,
    JOINTS,
    ROM_LIMITS,
    RomMode,
    RomReading,
    Side,
    movements,
    rom_label,
    sign_rule,
)
from rehabtrack.ui.widgets import Button, ComboBox, NumberField, error_label, hint_label

RomKey = tuple[str, Side, str, RomMode]


def rom_key_of(reading: RomReading) -> RomKey:
    return (reading.joint, Side(reading.side), reading.movement, RomMode(reading.mode))


class RomRow(QWidget):
    """One range-of-motion measurement: a tracked movement (fixed label) or a new one (combos)."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, key: RomKey | None, degrees: float | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracked = key is not None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        outer.addLayout(row)
        self.error = error_label()
        outer.addWidget(self.error)

        self.label = QLabel()
        self.joint = ComboBox()
        self.side = ComboBox()
        self.movement = ComboBox()
        self.mode = ComboBox()
        self.degrees = NumberField(4)
        self.sign_hint = hint_label()  # how the sign reads, for movements measured from straight
        self.sign_hint.setWordWrap(False)
        self.sign_hint.setAccessibleDescription("Sign of the angle")
        self.remove = Button("Remove")
        for joint in JOINTS:
            self.joint.addItem(joint.capitalize(), joint)
        for side, text in ((Side.LEFT, "Left"), (Side.RIGHT, "Right"), (Side.NONE, "No side (spine)")):
            self.side.addItem(text, side)
        self.mode.addItem("Active", RomMode.ACTIVE)
        self.mode.addItem("Passive (helped)", RomMode.PASSIVE)
        self.joint.setAccessibleName("Joint")
        self.joint.setAccessibleDescription("Which joint was measured.")
        self.side.setAccessibleName("Side")
        self.side.setAccessibleDescription("Left, right, or no side for the spine and neck.")
        self.movement.setAccessibleName("Movement")
        self.movement.setAccessibleDescription("Which movement of the joint was measured.")
        self.mode.setAccessibleName("Active or passive")
        self.mode.setAccessibleDescription(
            "Active: you moved it yourself. Passive: someone moved it for you."
        )

        if key is not None:
            joint, side, movement, mode = key
            self._key: RomKey = key
            self.label.setText(rom_label(joint, side, movement, mode).capitalize())
            row.addWidget(self.label)
            for combo in (self.joint, self.side, self.movement, self.mode):
                combo.hide()
        else:
            self.label.hide()
            self.joint.currentIndexChanged.connect(self._joint_changed)
            for combo in (self.side, self.movement, self.mode):
                combo.currentIndexChanged.connect(self._combo_changed)
            for combo in (self.joint, self.side, self.movement, self.mode):
                row.addWidget(combo)
            self._joint_changed()
        self.error.field = self.degrees
        row.addWidget(self.degrees)
        row.addWidget(QLabel("°"))
        row.addWidget(self.sign_hint)
        row.addWidget(self.remove)
        row.addStretch(1)
        self.degrees.set_value(degrees)
        self.degrees.textChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self._update_names()

    def key(self) -> RomKey:
        if self.tracked:
            return self._key
        return (
            str(self.joint.currentData()),
            Side(self.side.currentData()),
            str(self.movement.currentData()),
            RomMode(self.mode.currentData()),
        )

    def reading(self) -> RomReading | None:
        """The measurement typed, None if blank (not measured); a non-number is NaN for core to refuse."""
        value = self.degrees.value()
        if value is None:
            return None
        joint, side, movement, mode = self.key()
        return RomReading(joint, side, movement, value, mode)

    def inputs(self) -> list[QWidget]:
        if self.tracked:
            return [self.degrees, self.remove]
        return [self.joint, self.side, self.movement, self.mode, self.degrees, self.remove]

    def _joint_changed(self) -> None:
        joint = str(self.joint.currentData())
        self.movement.blockSignals(True)
        self.movement.clear()
        for movement in movements(joint):
            self.movement.addItem(movement, movement)
        self.movement.blockSignals(False)
        axial = joint in AXIAL_JOINTS
        if axial:
            self.side.setCurrentIndex(self.side.findData(Side.NONE))
        elif self.side.currentData() == Side.NONE:
            self.side.setCurrentIndex(self.side.findData(Side.RIGHT))
        self._combo_changed()

    def _combo_changed(self) -> None:
        self._update_names()
        self.changed.emit()

    def _update_names(self) -> None:
        joint, side, movement, mode = self.key()
        label = rom_label(joint, side, movement, mode).capitalize()
        low, high = ROM_LIMITS.get((joint, movement), (0, 0))
        rule = sign_rule(joint, movement)
        self.sign_hint.setText(rule or "")
        self.sign_hint.setVisible(rule is not None)
        self.degrees.setAccessibleName(f"{label}, degrees")
        self.degrees.setAccessibleDescription(
            f"Allowed {exact(low)} to {exact(high)} degrees. "
            + (f"{rule}. " if rule else "")
            + "Leave blank if not measured this week."
        )
        self.remove.setAccessibleName(f"Remove {label}")
        self.remove.setAccessibleDescription("Removes this movement from this week's check-in.")
