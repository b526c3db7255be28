"""A screen reader hears every date field's date and allowed range, never "0, range 0 to 0"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDateEdit, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.charts.theme import LIGHT
from rehabtrack.core.model import Patient
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.discharge import DischargeDialog
from rehabtrack.ui.dialogs.goal import GoalDialog
from rehabtrack.ui.dialogs.report import ReportDialog
from rehabtrack.ui.dialogs.wizard import SetupWizard
from rehabtrack.ui.patient_data import PatientData
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.views.checkin import CheckInForm
from rehabtrack.ui.views.questionnaires import QuestionnairesView
from rehabtrack.ui.views.session_view import EventDialog, SessionView
from rehabtrack.ui.widgets import ErrorLabel

VALUE, DESCRIPTION = QAccessible.Text.Value, QAccessible.Text.Description


def interface_of(widget: QWidget) -> QAccessible:  # type: ignore[valid-type]
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface


def number_of(day: QDate) -> float:
    """30 Nov 2026 as 20261130, worked out here from the parts of the date."""
    return float(f"{day.year():04d}{day.month():02d}{day.day():02d}")


def assert_date_heard(field: QDateEdit) -> None:
    """The field's value text is the date it shows and its value interface holds that date, not 0/0–0."""
    interface = interface_of(field)
    assert interface.role() == QAccessible.Role.SpinBox
    shown = field.lineEdit().text()
    assert shown and interface.text(VALUE) == shown
    text = interface.textInterface()
    assert text is not None and text.text(0, text.characterCount()) == shown
    value = interface.valueInterface()
    assert value is not None
    assert value.currentValue() == number_of(field.date())
    assert value.minimumValue() == number_of(field.minimumDate())
    assert value.maximumValue() == number_of(field.maximumDate())
    assert value.minimumValue() <= value.currentValue() <= value.maximumValue()


def shown(qtbot: QtBot, widget: QWidget) -> list[QDateEdit]:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    fields = widget.findChildren(QDateEdit)
    assert fields
    return fields


def _every_screen_with_dates(demo_store: Store, today: date) -> list[QWidget]:
    [patient] = demo_store.patients()
    assert patient.id is not None
    questionnaires = QuestionnairesView(PatientSession.open(demo_store, patient.id, today))
    questionnaires.open_form("LEFS")
    return [
        ReportDialog(demo_store, patient.id, today, paper="a4"),
        EventDialog(PatientSession.open(demo_store, patient.id, today)),
        GoalDialog(
            PatientSession.open(demo_store, patient.id, today), PatientData(demo_store, patient.id, today)
        ),
        questionnaires,
        DischargeDialog(today),
        SessionView(PatientSession.open(demo_store, patient.id, today), LIGHT),
        CheckInForm(PatientSession.open(demo_store, patient.id, today)),
    ]


def test_every_date_field_on_every_screen_is_heard_as_its_date(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    heard = 0
    for screen in _every_screen_with_dates(demo_store, today):
        for field in shown(qtbot, screen):
            assert_date_heard(field)
            heard += 1
    assert heard >= 10  # report 2, note 1, goal 1, questionnaire 1, discharge 1, compare 4, week 1


def test_the_wizard_start_date_is_heard_as_its_date(qtbot: QtBot, store: Store) -> None:
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert wizard.about.start.findChildren(QDateEdit) == [] and isinstance(wizard.about.start, QDateEdit)
    assert_date_heard(wizard.about.start)
    assert "When your therapy" in interface_of(wizard.about.start).text(DESCRIPTION)


def test_the_compare_periods_follow_the_date_a_user_types(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    view = SessionView(PatientSession.open(demo_store, patient.id, today), LIGHT)
    [first, *_] = view.compare.edits
    shown(qtbot, view)
    first.setDate(QDate(2026, 3, 9))
    assert interface_of(first).text(VALUE) == "9 Mar 2026"
    assert interface_of(first).valueInterface().currentValue() == 20260309.0
    assert_date_heard(first)


def test_a_screen_reader_can_set_the_date_and_is_held_to_the_range(qtbot: QtBot, store: Store) -> None:
    patient = store.save_patient(Patient("Angela"))
    assert patient.id is not None
    form = CheckInForm(PatientSession.open(store, patient.id, date(2026, 11, 24)))
    shown(qtbot, form)
    value = interface_of(form.picker).valueInterface()
    value.setCurrentValue(20261103.0)
    assert form.picker.date() == QDate(2026, 11, 3)
    assert interface_of(form.picker).text(VALUE) == "3 Nov 2026"
    value.setCurrentValue(20270101.0)  # past the latest week: held to the latest allowed day
    assert form.picker.date() == form.picker.maximumDate()
    assert value.currentValue() == number_of(form.picker.maximumDate())


def test_the_latest_allowed_date_is_in_the_description_and_survives_an_error(
    qtbot: QtBot, store: Store
) -> None:
    patient = store.save_patient(Patient("Angela"))
    assert patient.id is not None
    form = CheckInForm(PatientSession.open(store, patient.id, date(2026, 11, 24)))
    shown(qtbot, form)
    latest = form.picker.maximumDate().toString("d MMM yyyy")
    own = interface_of(form.picker).text(DESCRIPTION)
    assert f"Latest {latest}." in own
    label = ErrorLabel(field=form.picker)
    label.setText("Pick a week you were in rehab.")
    assert interface_of(form.picker).text(DESCRIPTION).startswith("Pick a week you were in rehab.")
    assert f"Latest {latest}." in interface_of(form.picker).text(DESCRIPTION)
    label.clear()
    assert interface_of(form.picker).text(DESCRIPTION) == own


def test_one_tab_leaves_every_date_field_and_one_shift_tab_comes_back(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    """A date is one field: Tab does not step through its day, month and year first."""
    left = 0
    for screen in _every_screen_with_dates(demo_store, today):
        screen.activateWindow()
        for field in shown(qtbot, screen):
            if not field.isVisibleTo(screen):  # the session view's compare periods: hidden until asked
                continue
            field.setEnabled(True)  # the report's and the goal's dates wait for a choice first
            field.setFocus()
            qtbot.waitUntil(lambda field=field: field.hasFocus())  # type: ignore[misc]
            qtbot.keyClick(field, Qt.Key.Key_Tab)
            assert not field.hasFocus(), field.accessibleName()
            after = QApplication.focusWidget()
            assert after is not None
            qtbot.keyClick(after, Qt.Key.Key_Backtab)
            assert field.hasFocus(), field.accessibleName()
            left += 1
    assert left >= 7  # report 2, note 1, goal 1, questionnaire 1, discharge 1, week 1
