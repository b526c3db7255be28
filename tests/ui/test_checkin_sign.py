"""The sign of an extension angle: the rule is shown at the field, and a flipped sign is asked about."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side, rom_key
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import Store
from rehabtrack.ui.views.checkin import CheckInForm

TODAY = date(2025, 3, 5)
THIS_WEEK = week_start(TODAY)
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NO_KEYS = Qt.KeyboardModifier.NoModifier
EXTENSION = rom_key("knee", Side.RIGHT, "extension")
FLEXION = rom_key("knee", Side.RIGHT, "flexion")


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def answer_next_modal(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier, seen: list[str]) -> None:
    """Press ``key`` in the next modal dialog, once it is open, and note its text."""

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(20, answer)
            return
        assert isinstance(modal, QMessageBox)
        if not modal.isActiveWindow():  # a mnemonic (Alt+S) only reaches the active window
            modal.activateWindow()
            QTimer.singleShot(20, answer)
            return
        seen.append(f"{modal.windowTitle()}: {modal.text()}")
        qtbot.keyClick(modal.focusWidget() or modal, key, modifier)

    QTimer.singleShot(0, answer)


@pytest.fixture
def form(qtbot: QtBot, store: Store) -> CheckInForm:
    patient = store.save_patient(Patient("Carl", "Total knee replacement", "right"))
    assert patient.id is not None
    store.save_entries(
        patient.id,
        [
            WeeklyEntry(
                THIS_WEEK - timedelta(weeks=weeks_ago),
                {"pain": 4},
                (
                    RomReading("knee", Side.RIGHT, "flexion", 100),
                    RomReading("knee", Side.RIGHT, "extension", deg),
                ),
            )
            for weeks_ago, deg in ((3, -10), (2, -8), (1, -6))
        ],
    )
    checkin = CheckInForm(store, patient.id, QUndoStack(), today=TODAY)
    qtbot.addWidget(checkin)
    checkin.resize(1100, 800)
    checkin.show()
    qtbot.waitExposed(checkin)
    checkin.activateWindow()
    qtbot.waitUntil(checkin.isActiveWindow)
    return checkin


def _row(form: CheckInForm, key: str):  # type: ignore[no-untyped-def]
    return next(r for r in form._rom_rows if rom_key(*r.key()) == key)


def _tab_to(qtbot: QtBot, target: QWidget) -> None:
    for _ in range(60):
        if focused() is target:
            return
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()!r}")


def _saved(store: Store, form: CheckInForm) -> WeeklyEntry | None:
    return store.entry(form.patient_id, THIS_WEEK)


def test_the_sign_rule_is_shown_at_extension_fields_only(form: CheckInForm) -> None:
    extension, flexion = _row(form, EXTENSION), _row(form, FLEXION)
    assert extension.sign_hint.isVisible()
    assert extension.sign_hint.text() == "0 = straight; 10° short of straight = \u221210"
    assert "0 = straight; 10° short of straight = \u221210" in extension.degrees.accessibleDescription()
    assert not flexion.sign_hint.isVisible()


def test_a_flipped_sign_is_asked_about_and_enter_goes_back_to_the_field(
    qtbot: QtBot, form: CheckInForm, store: Store
) -> None:
    field = _row(form, EXTENSION).degrees
    _tab_to(qtbot, field)
    qtbot.keyClicks(field, "5")  # "5° short", typed without its minus sign
    seen: list[str] = []
    answer_next_modal(qtbot, Qt.Key.Key_Return, NO_KEYS, seen)
    qtbot.keyClick(field, Qt.Key.Key_S, CTRL)
    assert seen == [
        "Check the sign: Right knee extension: you typed 5°, but the last readings were "
        "\u221210°, \u22128° and \u22126° (0 = straight; 10° short of straight = \u221210)."
    ]
    assert _saved(store, form) is None  # nothing written
    form.activateWindow()  # offscreen has no window manager to hand the focus back after a dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    assert field.selectedText() == "5"
    assert "check the sign" in form.feedback.text()

    qtbot.keyClicks(field, "-5")  # replaces the selected 5
    qtbot.keyClick(field, Qt.Key.Key_S, CTRL)  # same sign as before: saved without a question
    saved = _saved(store, form)
    assert saved is not None and saved.rom_degrees[EXTENSION] == -5
    assert len(seen) == 1


def test_alt_s_saves_a_real_change_of_sign_as_typed(qtbot: QtBot, form: CheckInForm, store: Store) -> None:
    field = _row(form, EXTENSION).degrees
    _tab_to(qtbot, field)
    qtbot.keyClicks(field, "2")  # a knee that now goes 2° past straight
    seen: list[str] = []
    answer_next_modal(qtbot, Qt.Key.Key_S, ALT, seen)
    qtbot.keyClick(field, Qt.Key.Key_S, CTRL)
    assert len(seen) == 1
    saved = _saved(store, form)
    assert saved is not None and saved.rom_degrees[EXTENSION] == 2


def test_flexion_and_an_unchanged_sign_save_without_a_question(
    qtbot: QtBot, form: CheckInForm, store: Store
) -> None:
    _tab_to(qtbot, _row(form, FLEXION).degrees)
    qtbot.keyClicks(focused(), "105")
    _tab_to(qtbot, _row(form, EXTENSION).degrees)
    # A real minus sign, as the rule shows it (a key of its own on some layouts), is read as one.
    QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, "\u2212", NO_KEYS)
    qtbot.keyClicks(focused(), "4")
    qtbot.keyClick(focused(), Qt.Key.Key_S, CTRL)
    saved = _saved(store, form)
    assert saved is not None and (saved.rom_degrees[FLEXION], saved.rom_degrees[EXTENSION]) == (105, -4)
