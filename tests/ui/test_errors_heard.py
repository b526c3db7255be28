"""Every error is seen and heard: the label shows on a shown window, a screen reader gets its words through
the label and through the field it belongs to, and the status after Save names the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QAccessible, QUndoStack
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient
from rehabtrack.storage.store import Store
from rehabtrack.ui import widgets
from rehabtrack.ui.dialogs.goal import GoalDialog
from rehabtrack.ui.dialogs.report import ReportDialog
from rehabtrack.ui.dialogs.wizard import SetupWizard
from rehabtrack.ui.patient_data import PatientData
from rehabtrack.ui.views.checkin import CheckInForm
from rehabtrack.ui.views.questionnaires import QuestionnairesView
from rehabtrack.ui.views.session_view import EventDialog
from rehabtrack.ui.widgets import ErrorLabel, NumberField

NAME, DESCRIPTION = QAccessible.Text.Name, QAccessible.Text.Description


def heard(widget: QWidget, role: QAccessible.Text = NAME) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(role)


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitActive(widget)
    return widget


def visible_errors(root: QWidget) -> list[ErrorLabel]:
    return [label for label in root.findChildren(ErrorLabel) if label.isVisible()]


def assert_heard_on(label: ErrorLabel, field: QWidget, words: str) -> None:
    """The label shows ``words``; its name and the field's description carry them to a screen reader."""
    assert label.isVisible() and words in label.text()
    assert words in heard(label)
    assert words in heard(field, DESCRIPTION)


def test_setting_an_error_shows_it_and_clearing_hides_it_and_gives_the_field_back_its_description(
    qtbot: QtBot,
) -> None:
    box = shown(qtbot, QWidget())
    field = NumberField(parent=box)
    field.setAccessibleDescription("Allowed 0 to 10.")
    label = widgets.error_label(field)
    label.setParent(box)
    assert not label.isVisible()
    label.setText("Pain must be from 0 to 10 (got 15).")
    assert_heard_on(label, field, "Pain must be from 0 to 10 (got 15).")
    assert "Allowed 0 to 10." in heard(field, DESCRIPTION)  # what the field is stays said, after the error
    label.clear()
    assert not label.isVisible()
    assert heard(field, DESCRIPTION) == "Allowed 0 to 10."


def test_an_error_is_announced_once_when_it_appears(qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    said: list[str] = []
    monkeypatch.setattr(widgets, "announce", lambda _widget, message: said.append(message))
    box = shown(qtbot, QWidget())
    label = widgets.error_label()
    label.setParent(box)
    label.setText("Target is required.")
    label.setText("Target is required.")
    label.clear()
    assert said == ["Target is required."]


def test_goal_target_15_on_a_0_to_10_marker_is_shown_and_heard(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    dialog = GoalDialog(demo_store, patient.id, PatientData(demo_store, patient.id, today))
    shown(qtbot, dialog)
    dialog.title.setText("Less pain")
    dialog.marker.setCurrentIndex(dialog.marker.findData("pain"))
    dialog.target.setText("15")
    goals_before = len(demo_store.goals(patient.id))
    dialog.accept()
    assert dialog.result() == 0 and len(demo_store.goals(patient.id)) == goals_before
    [label] = visible_errors(dialog)
    assert "Target" in label.text() and "10" in label.text()
    assert_heard_on(label, dialog.target, label.text())
    dialog.target.setText("3")
    dialog.accept()
    assert dialog.result() == 1 and not visible_errors(dialog)


def test_export_to_a_missing_folder_is_shown_and_heard(
    qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    dialog = ReportDialog(demo_store, patient.id, today, paper="a4")
    shown(qtbot, dialog)
    dialog.file.setText(str(tmp_path / "missing-folder" / "r.pdf"))
    dialog.open_after.setChecked(False)
    dialog.accept()
    assert dialog.result() == 0
    assert_heard_on(dialog.error, dialog.file, "does not exist")
    dialog.file.setText(str(tmp_path / "report"))  # no .pdf
    dialog.accept()
    assert_heard_on(dialog.error, dialog.file, "ending in .pdf")
    assert "does not exist" not in heard(dialog.file, DESCRIPTION)  # the old error does not linger


def test_an_empty_session_note_is_shown_and_heard(qtbot: QtBot, demo_store: Store, today: date) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    dialog = EventDialog(demo_store, patient.id, today)
    shown(qtbot, dialog)
    dialog.accept()
    assert dialog.result() == 0
    assert_heard_on(dialog.error, dialog.text, "Event text")


def test_the_setup_wizard_name_error_is_heard_on_the_name_field(qtbot: QtBot, store: Store) -> None:
    wizard = SetupWizard(store)
    shown(qtbot, wizard)
    page = wizard.page(wizard.currentId())
    name = getattr(page, "name", None)
    if name is None:  # the first page may be a welcome: go to the one that asks the name
        wizard.next()
        page = wizard.page(wizard.currentId())
        name = page.name  # type: ignore[attr-defined]
    name.setText("x" * 500)
    wizard.next()
    [label] = visible_errors(wizard)
    assert_heard_on(label, name, label.text())


def test_a_bad_check_in_value_is_shown_heard_and_named_in_the_status(qtbot: QtBot, store: Store) -> None:
    patient = store.save_patient(Patient("Angela"))
    assert patient.id is not None
    form = CheckInForm(store, patient.id, QUndoStack(), date(2026, 11, 24))
    statuses: list[str] = []
    form.status.connect(statuses.append)
    shown(qtbot, form)
    pain = form._fields["pain"].widget
    pain.setFocus()
    qtbot.keyClicks(pain, "15")
    assert form.save() is False  # Ctrl+S on a real window: tests/ui/real_screen
    assert store.entries(patient.id) == []
    [label] = visible_errors(form)
    assert_heard_on(label, pain, "Pain")
    assert statuses[-1].startswith("Not saved: Pain")
    assert "10" in statuses[-1] and "red" not in statuses[-1]  # the words, not a colour
    pain.clear()
    assert not visible_errors(form)
    assert "Pain" not in heard(pain, DESCRIPTION).split(".")[0]


def test_a_missing_questionnaire_answer_is_heard_and_named_in_the_status(
    qtbot: QtBot, demo_store: Store, today: date
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    view = QuestionnairesView(demo_store, patient.id, today)
    statuses: list[str] = []
    view.status.connect(statuses.append)
    shown(qtbot, view)
    form = view.open_form("COPM")
    name, importance, _, _ = form.copm_rows[0]
    name.setText("Cooking")
    importance.setText("12")
    assert view.save() is None
    labels = visible_errors(form)
    assert labels
    for label in labels:
        assert label.field is not None
        assert_heard_on(label, label.field, label.text())
    said = statuses[-1].removeprefix("Not saved: ")
    assert said != statuses[-1] and "red" not in said
    assert any(said.split(" (")[0] in label.text() for label in labels)  # the words next to the field
