"""First-run set-up: who the patient is, their condition, side and clinicians, from a condition template.

On finish it creates the patient, the template's suggested activities and goals through the Store,
and ``patient_id`` holds the new patient's id.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from rehabtrack.core.model import Activity, Goal, Patient
from rehabtrack.core.rom import rom_label
from rehabtrack.core.templates import ConditionTemplate, load_templates, sides_for
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.transfer import BUNDLE_FILTER
from rehabtrack.ui.widgets import Button, ComboBox, DateField, TextField, error_label, hint_label

WIZARD_WIDTH_CHARS = 80
WIZARD_LINES = 26
SIDES: tuple[tuple[str, str], ...] = (
    ("right", "Right"),
    ("left", "Left"),
    ("both", "Both sides"),
    ("", "Not one side (back, neck) or not sure"),
)


def _describe(template: ConditionTemplate, affected_side: str) -> str:
    lines = [template.description, ""]
    moves = [
        rom_label(m.joint, side, m.movement, m.mode).capitalize()
        for m in template.movements
        for side in sides_for(m.joint, m.side, affected_side)
    ]
    lines.append("Movements tracked: " + (", ".join(moves) if moves else "none yet (add them at check-in)."))
    acts = [f"{a.name} ({a.discipline.value})" for a in template.activities]
    lines.append("Daily activities: " + (", ".join(acts) if acts else "none yet."))
    goals = [f"{g.title} ({g.discipline.value})" for g in template.goals]
    lines.append("Suggested goals: " + ("; ".join(goals) if goals else "none yet."))
    lines.append("")
    lines.append("Your therapists can change any of this later.")
    return "\n".join(lines)


class _AboutPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("About you")
        self.setSubTitle("Only the name is required. Everything stays on this computer.")
        form = QFormLayout(self)
        self.name = TextField()
        self.name.setAccessibleName("Name")
        self.name.setAccessibleDescription("Required: your name or a nickname, up to 120 characters.")
        self.name_error = error_label(self.name)
        self.start = DateField()
        self.start.setAccessibleName("Rehab start date")
        self.start.setAccessibleDescription(
            "When your therapy or recovery started (surgery or first session)."
        )
        form.addRow("N&ame:", self.name)
        form.addRow("", self.name_error)
        form.addRow("Rehab &started on:", self.start)
        self.registerField("name*", self.name)
        # Records kept elsewhere (another computer, the therapist's RehabTrack) come in whole instead.
        form.addRow(hint_label("Already have records from another computer or from your therapist?"))
        self.import_button = Button("&Import a patient bundle instead…")
        self.import_button.setAccessibleDescription(
            "Opens a .rtbundle file and sets RehabTrack up with the patient in it, history and all."
        )
        self.import_error = error_label()
        import_row = QHBoxLayout()
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        form.addRow(import_row)
        form.addRow(self.import_error)

    def validatePage(self) -> bool:
        try:
            Patient(self.name.text()).validate()
        except InvalidInput as problem:
            self.name_error.setText(str(problem))
            self.name_error.show()
            self.name.setFocus()
            return False
        self.name_error.hide()
        return True


class _ConditionPage(QWizardPage):
    def __init__(self, templates: list[ConditionTemplate]) -> None:
        super().__init__()
        self.templates = templates
        self.setTitle("Your condition")
        self.setSubTitle("Choose what fits best (arrow keys); it sets up what you will track.")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.condition = QListWidget()
        self.condition.setAccessibleName("Condition")
        self.condition.setAccessibleDescription(
            "The condition you are recovering from; it suggests movements, activities and goals."
        )
        for template in templates:
            item = QListWidgetItem(template.name)
            item.setData(Qt.ItemDataRole.UserRole, template.key)
            self.condition.addItem(item)
        self.condition.setCurrentRow(0)
        self.side = ComboBox()
        for value, text in SIDES:
            self.side.addItem(text, value)
        self.side.setAccessibleName("Affected side")
        self.side.setAccessibleDescription("Which side is affected: right, left, both, or not one side.")
        form.addRow("&Condition:", self.condition)
        form.addRow("Affected &side:", self.side)
        layout.addLayout(form)
        self.summary = hint_label()
        self.summary.setAccessibleDescription("What will be set up")
        # Scrolls (arrow keys once Tabbed to) rather than being cut off at a large text size.
        summary_area = QScrollArea()
        summary_area.setWidgetResizable(True)
        summary_area.setFrameShape(QFrame.Shape.NoFrame)
        summary_area.setWidget(self.summary)
        summary_area.setAccessibleName("What will be set up")
        layout.addWidget(summary_area, 1)
        self.condition.currentRowChanged.connect(self._update)
        self.side.currentIndexChanged.connect(self._update)
        self._update()

    def template(self) -> ConditionTemplate:
        return self.templates[max(self.condition.currentRow(), 0)]

    def affected_side(self) -> str:
        return str(self.side.currentData())

    def _update(self) -> None:
        self.summary.setText(_describe(self.template(), self.affected_side()))


class _CliniciansPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your therapists")
        self.setSubTitle("Optional: shown on the progress report. Press Enter to finish.")
        form = QFormLayout(self)
        self.pt = TextField()
        self.pt.setAccessibleName("Physical therapist")
        self.pt.setAccessibleDescription("Optional: name of your physical therapist (PT).")
        self.ot = TextField()
        self.ot.setAccessibleName("Occupational therapist")
        self.ot.setAccessibleDescription("Optional: name of your occupational therapist (OT).")
        self.error = error_label()
        form.addRow("&Physical therapist (PT):", self.pt)
        form.addRow("&Occupational therapist (OT):", self.ot)
        form.addRow("", self.error)


class SetupWizard(QWizard):
    """Creates a patient from a condition template; ``patient_id`` is set once it finished."""

    def __init__(self, store: Store, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id: int | None = None
        self.setWindowTitle("Set up RehabTrack")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.about = _AboutPage()
        start = today or date.today()
        self.about.start.setDate(QDate(start.year, start.month, start.day))
        self.condition = _ConditionPage(load_templates())
        self.clinicians = _CliniciansPage()
        for page in (self.about, self.condition, self.clinicians):
            self.addPage(page)
        self.imported = ""  # what an import brought in, said to the user once the window opens
        self.about.import_button.clicked.connect(self.choose_bundle)
        # Wide enough for the condition summary to read as lines, not a column of words.
        metrics = self.fontMetrics()
        size = QSize(metrics.averageCharWidth() * WIZARD_WIDTH_CHARS, metrics.lineSpacing() * WIZARD_LINES)
        screen = self.screen()
        if screen is not None:  # never larger than the screen's free area
            size = size.boundedTo(screen.availableGeometry().size() * 0.9)
        self.resize(size.expandedTo(self.minimumSizeHint()))

    def choose_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a patient bundle", str(Path.home()), BUNDLE_FILTER
        )
        if path:
            self.import_bundle(Path(path))

    def import_bundle(self, path: Path) -> bool:
        """Set up from a patient bundle instead of the questions; says why not on the page."""
        from rehabtrack.ui.dialogs.transfer import import_file

        outcome = import_file(self.store, path)
        if not outcome.ok or outcome.patient_id is None:
            self.about.import_error.setText(outcome.message)
            self.about.import_error.show()
            return False
        self.patient_id, self.imported = outcome.patient_id, outcome.message
        QDialog.done(self, QDialog.DialogCode.Accepted)  # QWizard.done would ask the page for a name
        return True

    def patient(self) -> Patient:
        return Patient(
            display_name=self.about.name.text().strip(),
            condition=self.condition.template().name,
            affected_side=self.condition.affected_side(),
            rehab_start=_pydate(self.about.start.date()),
            pt_clinician=self.clinicians.pt.text().strip(),
            ot_clinician=self.clinicians.ot.text().strip(),
        )

    def accept(self) -> None:
        patient = self.patient()
        try:
            patient.validate()
        except InvalidInput as problem:
            self.clinicians.error.setText(str(problem))
            self.clinicians.error.show()
            return
        self.patient_id = create_patient(self.store, patient, self.condition.template())
        super().accept()


def create_patient(store: Store, patient: Patient, template: ConditionTemplate) -> int:
    """Save ``patient`` with the template's activities and goals; returns the new patient's id."""
    saved = store.save_patient(patient)
    assert saved.id is not None
    activity_ids: dict[str, int] = {}
    for suggestion in template.activities:
        activity = store.save_activity(saved.id, Activity(suggestion.name, suggestion.discipline))
        assert activity.id is not None
        activity_ids[suggestion.name] = activity.id
    start = patient.rehab_start
    for goal in template.goals:
        target_date = start + timedelta(weeks=goal.target_weeks) if start and goal.target_weeks else None
        for marker in _goal_markers(goal.marker, patient.affected_side, activity_ids):
            store.save_goal(
                saved.id,
                Goal(
                    goal.discipline,
                    goal.title,
                    marker,
                    goal.target,
                    goal.direction,
                    start=start,
                    target_date=target_date,
                    set_by="condition template",
                ),
            )
    return saved.id


def _goal_markers(marker: str, affected_side: str, activity_ids: dict[str, int]) -> list[str]:
    if marker.startswith("activity:"):
        return [f"activity/{activity_ids[marker.split(':', 1)[1]]}"]
    if marker.startswith("rom/"):
        _, joint, side, movement, mode = marker.split("/")
        return [f"rom/{joint}/{s.value}/{movement}/{mode}" for s in sides_for(joint, side, affected_side)]
    return [marker]


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def run_setup_wizard(store: Store, parent: QWidget | None = None) -> int | None:
    """Show the wizard modally; the new patient's id, or None if it was cancelled."""
    wizard = SetupWizard(store, parent)
    wizard.exec()
    return wizard.patient_id
