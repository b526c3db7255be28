"""The set-up wizard and condition templates: patient, activities and goals created from a template file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient
from rehabtrack.core.templates import TemplateError, load_templates, parse_template, template_named
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.profiles import ProfilesDialog
from rehabtrack.ui.dialogs.wizard import SetupWizard, create_patient

REQUIRED = {
    "knee_replacement",
    "hip_replacement",
    "stroke",
    "low_back_pain",
    "shoulder",
    "hand_wrist_injury",
    "other",
}


def test_every_required_template_loads_and_other_comes_last() -> None:
    templates = load_templates()
    assert {t.key for t in templates} >= REQUIRED
    assert templates[-1].key == "other"


def test_knee_template_creates_goals_for_the_affected_side(store: Store) -> None:
    template = template_named("Knee replacement")
    assert template is not None
    start = date(2025, 1, 6)
    pid = create_patient(store, Patient("Carl", template.name, "right", start), template)
    goals = {g.marker: g for g in store.goals(pid)}
    assert "rom/knee/right/flexion/active" in goals
    assert goals["rom/knee/right/flexion/active"].target == 115
    assert goals["rom/knee/right/flexion/active"].target_date == start + timedelta(weeks=12)
    stairs = next(a for a in store.activities(pid) if a.name == "Climb a flight of stairs")
    assert f"activity/{stairs.id}" in goals


def test_unknown_side_tracks_both_sides(store: Store) -> None:
    template = template_named("knee_replacement")
    assert template is not None
    pid = create_patient(store, Patient("Sam", template.name, "both"), template)
    markers = {g.marker for g in store.goals(pid)}
    assert {"rom/knee/left/flexion/active", "rom/knee/right/flexion/active"} <= markers


@pytest.mark.parametrize(
    "data",
    [
        {"name": "X", "movements": [{"joint": "knee", "movement": "wiggle"}]},
        {"name": "X", "activities": [{"name": "Walk", "discipline": "XX"}]},
        {
            "name": "X",
            "goals": [
                {
                    "discipline": "PT",
                    "title": "t",
                    "marker": "activity:Nope",
                    "target": 1,
                    "direction": "higher",
                }
            ],
        },
        {
            "name": "X",
            "goals": [
                {"discipline": "PT", "title": "t", "marker": "pain", "target": "low", "direction": "lower"}
            ],
        },
        {"movements": []},
    ],
)
def test_malformed_template_is_refused_with_its_file_named(data: object) -> None:
    with pytest.raises(TemplateError, match="broken.json"):
        parse_template("broken", data)


def test_wizard_refuses_a_blank_name(qtbot: QtBot, store: Store) -> None:
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.button(SetupWizard.WizardButton.NextButton).isEnabled()
    wizard.about.name.setText("   ")
    assert not wizard.about.validatePage()
    assert "Name is required" in wizard.about.name_error.text()
    assert store.patients() == []


def test_profiles_rename_archive_and_choose(qtbot: QtBot, store: Store) -> None:
    template = template_named("stroke")
    assert template is not None
    angela = create_patient(store, Patient("Angela", "Stroke", "right"), template)
    joe = create_patient(store, Patient("Joe", "Stroke", "left"), template)
    dialog = ProfilesDialog(store, current_id=joe)
    qtbot.addWidget(dialog)
    assert dialog.current_id() == joe
    assert dialog.rename_to(store.patient(joe), "Joe B.")
    assert store.patient(joe).display_name == "Joe B."
    assert not dialog.rename_to(store.patient(joe), "")
    assert "Name is required" in dialog.error.text()
    dialog.toggle_archived()
    assert store.patient(joe).archived
    assert [p.id for p in store.patients()] == [angela]
    with qtbot.waitSignal(dialog.patient_chosen) as chosen:
        dialog.open_current()
    assert chosen.args == [angela]
