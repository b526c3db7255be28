"""Profiles: a therapist with many patients types part of a name (Alt+F) and opens the one found with
Enter, by keyboard only."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.profiles import ProfilesDialog

NAMES = ("Mary Olsen", "Omar Silva", "Anna Martin", "Émile Dubois", "Chen Li", "Jon Novak")


def listed(dialog: ProfilesDialog) -> list[str]:
    return [dialog.list.item(i).text().split(" — ")[0] for i in range(dialog.list.count())]


def test_typing_part_of_a_name_lists_those_holding_it_and_enter_opens_the_one_chosen(
    qtbot: QtBot, store: Store
) -> None:
    ids = {name: store.save_patient(Patient(name, "Knee", "", date(2026, 1, 5))).id for name in NAMES}
    dialog = ProfilesDialog(store, current_id=ids["Chen Li"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert listed(dialog) == sorted(NAMES)

    [label] = [w for w in dialog.findChildren(QLabel) if w.buddy() is dialog.find_field]
    assert label.text() == "&Find:"  # Alt+F reaches it (the real-screen key checks run every dialog)
    dialog.find_field.setFocus()
    qtbot.keyClicks(dialog.find_field, "MAR")
    assert listed(dialog) == ["Anna Martin", "Mary Olsen", "Omar Silva"]
    assert dialog.current_id() == ids["Anna Martin"]  # the one shown before is gone: the first found
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.current_id() == ids["Mary Olsen"]

    dialog.find_field.setFocus()
    dialog.find_field.setText("é")  # QTest types no letters beyond ASCII: the first one goes in as text
    qtbot.keyClicks(dialog.find_field, "mile")
    assert listed(dialog) == ["Émile Dubois"]
    with qtbot.waitSignal(dialog.patient_chosen) as chosen:
        qtbot.keyClick(dialog.find_field, Qt.Key.Key_Return)
    assert chosen.args == [ids["Émile Dubois"]]


def test_the_search_keeps_to_archived_profiles_only_when_they_are_shown(qtbot: QtBot, store: Store) -> None:
    for name in NAMES:
        store.save_patient(Patient(name, "Knee", "", date(2026, 1, 5), archived=name == "Mary Olsen"))
    dialog = ProfilesDialog(store)
    qtbot.addWidget(dialog)
    dialog.find_field.setText("mar")
    assert listed(dialog) == ["Anna Martin", "Omar Silva"]
    dialog.show_archived.setChecked(True)
    assert listed(dialog) == ["Anna Martin", "Mary Olsen", "Omar Silva"]
    dialog.find_field.setText("nobody")
    assert listed(dialog) == [] and not dialog.open_button.isEnabled()
