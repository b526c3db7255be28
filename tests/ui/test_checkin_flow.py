"""The whole weekly check-in driven by keyboard alone, checking the database after every step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.rom import RomMode, RomReading, Side
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.wizard import SetupWizard
from rehabtrack.ui.views.checkin import CheckInForm
from rehabtrack.ui.widgets import NumberField

TODAY = date(2025, 3, 5)  # a Wednesday: the current week starts Monday 3 March
LAST_WEEK = date(2025, 2, 24)
THIS_WEEK = date(2025, 3, 3)

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def tab(qtbot: QtBot, times: int = 1) -> None:
    for _ in range(times):
        press(qtbot, Qt.Key.Key_Tab)


def tab_to(qtbot: QtBot, target: QWidget) -> None:
    """Press Tab until ``target`` has the focus (fails instead of looping for ever)."""
    for _ in range(60):
        if focused() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(
        f"Tab never reached {target.accessibleName()!r}; stuck at {focused().accessibleName()!r}"
    )


def run_wizard_by_keyboard(qtbot: QtBot, store: Store) -> int:
    wizard = SetupWizard(store, today=date(2025, 1, 13))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.about.name)
    type_text(qtbot, "Angela")
    press(qtbot, Qt.Key.Key_Return)  # Next
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.condition)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.condition.condition)
    while wizard.condition.template().key != "stroke":
        press(qtbot, Qt.Key.Key_Down)
    tab(qtbot)
    assert focused() is wizard.condition.side
    while wizard.condition.affected_side() != "right":
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.clinicians)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.clinicians.pt)
    type_text(qtbot, "Priya")
    tab(qtbot)
    type_text(qtbot, "Dana")
    press(qtbot, Qt.Key.Key_Return)  # Finish
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert wizard.patient_id is not None
    return wizard.patient_id


def show_active(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def accept_next_modal_by_keyboard(qtbot: QtBot, key: Qt.Key = Qt.Key.Key_Return) -> list[str]:
    seen: list[str] = []

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(modal.windowTitle())
        target = modal.focusWidget() or modal
        qtbot.keyClick(target, key)

    QTimer.singleShot(0, answer)
    return seen


def test_keyboard_only_flow(qtbot: QtBot, store: Store) -> None:
    patient_id = run_wizard_by_keyboard(qtbot, store)
    patient = store.patient(patient_id)
    assert (patient.display_name, patient.condition, patient.affected_side) == ("Angela", "Stroke", "right")
    assert (patient.pt_clinician, patient.ot_clinician) == ("Priya", "Dana")
    activities = store.activities(patient_id)
    assert "Button a shirt" in [a.name for a in activities]
    assert store.goals(patient_id)
    assert store.entries(patient_id) == []

    stack = QUndoStack()
    form = CheckInForm(store, patient_id, stack, today=TODAY)
    qtbot.addWidget(form)
    form.resize(1100, 800)
    show_active(qtbot, form)
    saved: list[date] = []
    deleted: list[date] = []
    statuses: list[str] = []
    form.entry_saved.connect(saved.append)
    form.entry_deleted.connect(deleted.append)
    form.status.connect(statuses.append)

    # First check-in, for last week: Alt+Left, then type from the first field with Tab between.
    form.previous_button.setFocus()
    press(qtbot, Qt.Key.Key_Left, ALT)
    assert form.week == LAST_WEEK
    assert "not logged yet" in form.title.text()
    form.focus_first_input()
    type_text(qtbot, "30")  # morning stiffness, minutes
    tab(qtbot)
    type_text(qtbot, "4")  # stiffness severity
    tab(qtbot, 3)
    type_text(qtbot, "5")  # pain
    tab(qtbot)
    type_text(qtbot, "6,5")  # sleep hours, decimal comma
    # ROM rows come from the stroke template for the right side; first one: right shoulder flexion.
    tab_to(qtbot, form._rom_rows[0].degrees)
    type_text(qtbot, "95")
    tab_to(qtbot, form._activity_fields[0][1])
    type_text(qtbot, "6")  # first activity rating
    tab(qtbot)
    type_text(qtbot, "20")  # its minutes
    press(qtbot, Qt.Key.Key_S, CTRL)

    entries = store.entries(patient_id)
    assert len(entries) == 1
    first = entries[0]
    assert first.week == LAST_WEEK
    assert first.values == {"stiffness_minutes": 30, "stiffness_severity": 4, "pain": 5, "sleep_hours": 6.5}
    assert first.rom == (RomReading("shoulder", Side.RIGHT, "flexion", 95, RomMode.ACTIVE),)
    assert [(r.rating, r.minutes) for r in first.activities] == [(6, 20)]
    assert saved == [LAST_WEEK]
    assert statuses[-1] == "Saved week of 24 Feb 2025"
    assert "already logged" in form.title.text()

    # Next week: "same as last week" prefills, nothing saved until Ctrl+S.
    press(qtbot, Qt.Key.Key_Right, ALT)
    assert form.week == THIS_WEEK
    press(qtbot, Qt.Key.Key_L, CTRL)
    assert len(store.entries(patient_id)) == 1
    press(qtbot, Qt.Key.Key_S, CTRL)
    entries = store.entries(patient_id)
    assert [e.week for e in entries] == [LAST_WEEK, THIS_WEEK]
    assert entries[1].values == first.values
    assert entries[1].rom == ()  # angles are measured again, not copied (unless asked)
    assert entries[1].activities == first.activities

    # Edit the past week: pain 5 -> 3.
    press(qtbot, Qt.Key.Key_PageUp, CTRL)
    assert form.week == LAST_WEEK
    pain = form._fields["pain"].widget
    assert isinstance(pain, NumberField)
    pain.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "3")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert store.entry(patient_id, LAST_WEEK).values["pain"] == 3  # type: ignore[union-attr]

    # Undo the edit with Ctrl+Z, even though the focus is still in the pain field.
    assert focused() is pain
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert store.entry(patient_id, LAST_WEEK).values["pain"] == 5  # type: ignore[union-attr]
    assert pain.text() == "5"
    # ... and redo, then undo again.
    press(qtbot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert store.entry(patient_id, LAST_WEEK).values["pain"] == 3  # type: ignore[union-attr]
    press(qtbot, Qt.Key.Key_Y, CTRL)  # nothing left to redo: harmless
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert store.entry(patient_id, LAST_WEEK).values["pain"] == 5  # type: ignore[union-attr]

    # Delete the past week: confirmation answered with Enter, then undo brings it back.
    titles = accept_next_modal_by_keyboard(qtbot)
    press(qtbot, Qt.Key.Key_Delete, CTRL)
    show_active(qtbot, form)  # offscreen has no window manager to hand the focus back after a dialog
    assert titles == ["Delete this week?"]
    assert [e.week for e in store.entries(patient_id)] == [THIS_WEEK]
    assert deleted == [LAST_WEEK]
    assert "not logged yet" in form.title.text()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert [e.week for e in store.entries(patient_id)] == [LAST_WEEK, THIS_WEEK]
    assert replace(store.entry(patient_id, LAST_WEEK), id=None) == replace(first, id=None)  # type: ignore[type-var]

    # Cancelling the confirmation (Escape) deletes nothing.
    titles = accept_next_modal_by_keyboard(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Delete, CTRL)
    show_active(qtbot, form)  # offscreen has no window manager to hand the focus back after a dialog
    assert titles == ["Delete this week?"]
    assert [e.week for e in store.entries(patient_id)] == [LAST_WEEK, THIS_WEEK]


def test_undo_of_a_new_week_deletes_it(qtbot: QtBot, store: Store) -> None:
    patient_id = run_wizard_by_keyboard(qtbot, store)
    form = CheckInForm(store, patient_id, QUndoStack(), today=TODAY)
    qtbot.addWidget(form)
    show_active(qtbot, form)
    form.focus_first_input()
    type_text(qtbot, "10")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert [e.week for e in store.entries(patient_id)] == [THIS_WEEK]
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert store.entries(patient_id) == []
    assert "not logged yet" in form.title.text()


def test_leaving_a_week_with_unsaved_changes_asks_and_can_save(qtbot: QtBot, store: Store) -> None:
    patient_id = run_wizard_by_keyboard(qtbot, store)
    form = CheckInForm(store, patient_id, QUndoStack(), today=TODAY)
    qtbot.addWidget(form)
    show_active(qtbot, form)
    form.focus_first_input()
    type_text(qtbot, "15")
    titles = accept_next_modal_by_keyboard(qtbot)  # default button: Save
    press(qtbot, Qt.Key.Key_Left, ALT)
    show_active(qtbot, form)
    assert titles == ["Save this week?"]
    assert form.week == LAST_WEEK
    assert store.entry(patient_id, THIS_WEEK).values == {"stiffness_minutes": 15}  # type: ignore[union-attr]


def test_missed_weeks_hint(qtbot: QtBot, store: Store) -> None:
    from rehabtrack.core.model import Patient, WeeklyEntry

    patient = store.save_patient(Patient("Joe"))
    assert patient.id is not None
    store.save_entry(patient.id, WeeklyEntry(date(2025, 2, 10), {"pain": 2}))
    form = CheckInForm(store, patient.id, QUndoStack(), today=TODAY)
    qtbot.addWidget(form)
    assert form.missed_weeks() == [date(2025, 2, 17), date(2025, 2, 24)]
    assert form.missed.text().startswith("2 weeks not logged since the week of 10 Feb 2025")
