"""Every invalid value is refused next to its field, in core's words, and nothing reaches the database."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from rehabtrack.core.markers import WEEKLY_MARKERS, Marker
from rehabtrack.core.model import Activity, Discipline, Patient
from rehabtrack.storage.store import Store
from rehabtrack.ui.views.checkin import CheckInForm
from rehabtrack.ui.widgets import NumberField

TODAY = date(2025, 3, 5)


def bad_values(m: Marker) -> list[tuple[str, str]]:
    values = [("below low", f"{m.low - 1:g}"), ("above high", f"{m.high + 1:g}"), ("not a number", "abc")]
    if m.whole:
        values.append(("not whole", f"{m.low + 0.5:g}"))
    return values


CASES = [pytest.param(m, text, id=f"{m.key}-{why}") for m in WEEKLY_MARKERS for why, text in bad_values(m)]


@pytest.fixture
def form(qtbot: QtBot, store: Store) -> CheckInForm:
    patient = store.save_patient(Patient("Carl", "Knee replacement", "right"))
    assert patient.id is not None
    store.save_activity(patient.id, Activity("Climb a flight of stairs", Discipline.PT))
    widget = CheckInForm(store, patient.id, QUndoStack(), today=TODAY)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def save_by_keyboard(qtbot: QtBot, form: CheckInForm, field: NumberField) -> None:
    qtbot.keyClick(field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.store.entries(form.patient_id) == []
    assert form.save() is False  # also when called directly (the window may not be active offscreen)


@pytest.mark.parametrize(("m", "text"), CASES)
def test_invalid_marker_is_refused(qtbot: QtBot, form: CheckInForm, m: Marker, text: str) -> None:
    field = form._fields[m.key].widget
    assert isinstance(field, NumberField)
    form._fields["pain" if m.key != "pain" else "sleep_quality"].widget.setFocus()
    qtbot.keyClicks(field, text)
    error = form._fields[m.key].error
    assert error.isVisibleTo(form), "shown while typing"
    assert m.label in error.text()
    save_by_keyboard(qtbot, form, field)
    assert form.store.entries(form.patient_id) == []
    assert m.label in error.text()
    assert f"{m.low:g} to {m.high:g}" in error.text()
    assert form.focusWidget() is field, "the first invalid field gets the focus"
    field.clear()
    assert not error.isVisibleTo(form)


def test_rom_out_of_limits_is_refused(qtbot: QtBot, form: CheckInForm) -> None:
    row = form.add_movement()  # default: right knee flexion, 0–160°
    qtbot.keyClicks(row.degrees, "400")
    assert form.save() is False
    assert "Right knee flexion" in row.error.text() and "0 to 160" in row.error.text()
    assert form.focusWidget() is row.degrees
    assert form.store.entries(form.patient_id) == []


def test_activity_rating_11_and_minutes_without_rating_are_refused(qtbot: QtBot, form: CheckInForm) -> None:
    _, rating, minutes = form._activity_fields[0]
    qtbot.keyClicks(rating, "11")
    assert form.save() is False
    assert (
        "Climb a flight of stairs rating must be from 0 to 10"
        in form._fields[f"activity/{_.id}"].error.text()
    )
    rating.clear()
    qtbot.keyClicks(minutes, "30")
    assert form.save() is False
    assert "Climb a flight of stairs rating must be a number" in form._fields[f"activity/{_.id}"].error.text()
    assert form.store.entries(form.patient_id) == []


def test_done_more_than_prescribed_is_refused(qtbot: QtBot, form: CheckInForm) -> None:
    qtbot.keyClicks(form._fields["exercise_days_done"].widget, "5")
    qtbot.keyClicks(form._fields["exercise_days_prescribed"].widget, "3")
    assert form.save() is False
    assert "cannot be more than days prescribed" in form._fields["exercise_days_done"].error.text()
    assert form.store.entries(form.patient_id) == []


def test_blank_form_saves_nothing_and_valid_values_save(qtbot: QtBot, form: CheckInForm) -> None:
    assert form.save() is False
    assert form.store.entries(form.patient_id) == []
    qtbot.keyClicks(form._fields["sleep_hours"].widget, "7.5")
    assert form.save() is True
    assert form.store.entries(form.patient_id)[0].values == {"sleep_hours": 7.5}
