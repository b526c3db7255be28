"""The sign check before a week is saved: a range-of-motion reading whose sign flipped against the
last readings of the same movement is most likely a dropped minus sign (it reads as past straight)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from rehabtrack.core.model import WeeklyEntry
from rehabtrack.core.numbers import format_value
from rehabtrack.core.rom import SIGN_CHECK_READINGS, RomReading, sign_flipped, sign_rule


def flipped_signs(entries: Sequence[WeeklyEntry], entry: WeeklyEntry) -> list[tuple[RomReading, list[float]]]:
    """Readings of ``entry`` whose sign is the opposite of the latest readings of the same movement in
    the weeks of ``entries`` before it (those readings, oldest first, with each)."""
    earlier = sorted((e for e in entries if e.week < entry.week), key=lambda e: e.week)
    found = []
    for reading in entry.rom:
        if sign_rule(reading.joint, reading.movement) is None:
            continue
        before: list[float] = []  # the latest readings only, found walking back from this week
        for e in reversed(earlier):
            if reading.series_key in e.rom_degrees:
                before.insert(0, e.rom_degrees[reading.series_key])
                if len(before) == SIGN_CHECK_READINGS:
                    break
        if sign_flipped(before, reading.degrees):
            found.append((reading, before))
    return found


def keep_signs(parent: QWidget, flips: list[tuple[RomReading, list[float]]]) -> bool:
    """Ask whether the flipped signs are right. True: save as typed (Alt+S); Enter or Esc: go back."""
    lines = []
    for reading, before in flips:
        shown = [format_value(v, "°") for v in before]
        was = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
        rule = sign_rule(reading.joint, reading.movement)
        lines.append(
            f"{reading.label.capitalize()}: you typed {format_value(reading.degrees, '°')}, but the last "
            f"{'reading was' if len(before) == 1 else 'readings were'} {was} ({rule})."
        )
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Check the sign")
    box.setText("\n".join(lines))
    box.setInformativeText("Is the sign right? Enter goes back to the field; Alt+S saves it as typed.")
    save = box.addButton("&Save as typed", QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton("&Go back and check", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is save
