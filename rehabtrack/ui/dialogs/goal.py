"""Create or edit a PT or OT goal: what it is measured by, baseline, target, direction, target date."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.core.markers import ADHERENCE, WEEKLY_MARKERS
from rehabtrack.core.measure_series import measure_keys
from rehabtrack.core.model import Direction, Discipline, Goal, GoalStatus
from rehabtrack.core.numbers import exact, format_value
from rehabtrack.core.progress import default_baseline
from rehabtrack.core.rom_norms import DEFAULT_SOURCE, norm_for_series
from rehabtrack.core.series import describe, goal_problems, rom_keys
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.storage.errors import ChangedMeanwhile
from rehabtrack.ui.widgets import (
    ComboBox,
    ConflictNotice,
    DateField,
    NumberField,
    TextField,
    error_label,
    hint_label,
    save_cancel_buttons,
)

if TYPE_CHECKING:
    from rehabtrack.ui.patient_data import PatientData
    from rehabtrack.ui.patient_session import PatientSession

DISCIPLINE_CHOICES = ((Discipline.PT, "PT: moving better"), (Discipline.OT, "OT: managing daily life"))
DIRECTION_CHOICES = ((Direction.HIGHER, "Higher is better"), (Direction.LOWER, "Lower is better"))


def measurable_keys(data: PatientData) -> list[str]:
    """Every series a goal can be measured by: charted markers, logged ROM movements, own activities."""
    keys = [m.key for m in (*WEEKLY_MARKERS, ADHERENCE) if m.chart]
    keys += rom_keys(data.entries)
    keys += [f"activity/{a.id}" for a in data.activities if not a.archived]
    keys += measure_keys(data.entries, data.activities, data.results)
    return keys


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


# A new goal's suggested target date: a common span for a rehabilitation goal.
DEFAULT_TARGET_AFTER = timedelta(weeks=12)


class GoalDialog(QDialog):
    def __init__(
        self,
        session: PatientSession,
        data: PatientData,
        goal: Goal | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.data, self.goal = session, data, goal
        self.saved: Goal | None = None
        self.rom_norms = str(getattr(parent, "rom_norms", DEFAULT_SOURCE))  # the table chosen in Preferences
        self.setWindowTitle("Edit goal" if goal else "New goal")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.discipline = ComboBox()
        for value, text in DISCIPLINE_CHOICES:
            self.discipline.addItem(text, value)
        self.title = TextField()
        self.title.setPlaceholderText("e.g. Climb the stairs at home without the rail")
        self.marker = ComboBox()
        for key in measurable_keys(data):
            self.marker.addItem(describe(key, data.activities).label, key)
        self.direction = ComboBox()
        for direction, text in DIRECTION_CHOICES:
            self.direction.addItem(text, direction)
        self.baseline = NumberField(7)
        self.target = NumberField(7)
        self.has_date = QCheckBox("Has a target &date")
        self.target_date = DateField()
        self.set_by = TextField()
        self.set_by.setPlaceholderText("e.g. the PT or OT who agreed this goal with you")
        self.errors: dict[str, QLabel] = {}
        for name, label, widget in (
            ("discipline", "&Therapy:", self.discipline),
            ("title", "&Goal:", self.title),
            ("marker", "&Measured by:", self.marker),
            ("direction", "D&irection:", self.direction),
            ("baseline", "&Baseline:", self.baseline),
            ("target", "T&arget:", self.target),
            ("target_date", "", self.has_date),
            ("", "Target date:", self.target_date),
            ("set_by", "&Set by:", self.set_by),
        ):
            form.addRow(label, widget)
            widget.setAccessibleName(label.replace("&", "").rstrip(":") or "Has a target date")
            if name:
                self.errors[name] = error_label(widget)
                form.addRow("", self.errors[name])
        # The fields scroll, never the buttons: with large text and a notice shown, the dialog stays on a
        # 768-pixel screen.
        fields = QWidget()
        fields.setLayout(form)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields are the Tab stops
        area.setWidget(fields)
        area.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        area.setSizeAdjustPolicy(QScrollArea.SizeAdjustPolicy.AdjustToContents)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the fields fit its width
        area.setMinimumWidth(fields.sizeHint().width() + area.verticalScrollBar().sizeHint().width())
        layout.addWidget(area, 1)
        self.scale_hint = hint_label()
        layout.addWidget(self.scale_hint)
        self.conflict = ConflictNotice()
        self.conflict.reload_button.clicked.connect(self.reload)
        layout.addWidget(self.conflict)
        layout.addWidget(save_cancel_buttons(self, self.accept))

        self.marker.currentIndexChanged.connect(self._marker_changed)
        self.has_date.toggled.connect(self.target_date.setEnabled)
        self._load(goal)

    def _load(self, goal: Goal | None) -> None:
        default_day = self.data.today + DEFAULT_TARGET_AFTER  # a date still ahead, never one already past
        self.target_date.setDate(_qdate(goal.target_date if goal and goal.target_date else default_day))
        self.has_date.setChecked(bool(goal and goal.target_date))
        self.target_date.setEnabled(self.has_date.isChecked())
        if goal is None:
            self._marker_changed()
            return
        self.discipline.setCurrentIndex(self.discipline.findData(goal.discipline))
        self.title.setText(goal.title)
        index = self.marker.findData(goal.marker)
        if index < 0:  # e.g. an archived activity: still show what the goal is measured by
            self.marker.addItem(describe(goal.marker, self.data.activities).label, goal.marker)
            index = self.marker.count() - 1
        self.marker.setCurrentIndex(index)
        self._marker_changed()
        self.direction.setCurrentIndex(self.direction.findData(goal.direction))
        self.baseline.set_value(goal.baseline)
        self.target.set_value(goal.target)
        self.set_by.setText(goal.set_by)

    def _marker_changed(self) -> None:
        key = self.marker.currentData()
        if not key:
            return
        info = describe(key, self.data.activities)
        lower = Direction.LOWER if info.lower_is_better else Direction.HIGHER
        self.direction.setCurrentIndex(self.direction.findData(lower))
        baseline = default_baseline(self.data.series(key).points)
        self.baseline.setPlaceholderText(
            f"{format_value(baseline, '', info.whole)} (first two weeks)" if baseline is not None else "auto"
        )
        typical = norm_for_series(key, self.rom_norms)  # suggests a target
        self.target.setPlaceholderText(exact(typical.high) if typical is not None else "")
        self.scale_hint.setText(
            f"{info.label}: allowed {info.allowed}. "
            + (f"Most people without an injury reach {typical.text}. " if typical is not None else "")
            + "Leave Baseline blank to use the mean of the first two logged weeks."
        )

    def goal_from_form(self) -> Goal:
        target = self.target.value()
        return Goal(
            discipline=Discipline(self.discipline.currentData()),
            title=self.title.text().strip(),
            marker=str(self.marker.currentData() or ""),
            target=math.nan if target is None else target,
            direction=Direction(self.direction.currentData()),
            baseline=self.baseline.value(),
            start=self.goal.start if self.goal else self.data.today,
            target_date=self.target_date.date().toPython() if self.has_date.isChecked() else None,  # type: ignore[arg-type]
            status=self.goal.status if self.goal else GoalStatus.ACTIVE,
            set_by=self.set_by.text().strip(),
            id=self.goal.id if self.goal else None,
            version=self.goal.version if self.goal else None,  # the one the dialog was opened with
        )

    def problems(self) -> list[Problem]:
        goal = self.goal_from_form()
        found = goal_problems(goal, self.data.activities)
        if self.target.value() is None:
            found = [p for p in found if p.field != "target"] + [Problem("target", "Target is required.")]
        return found

    def accept(self) -> None:
        for label in self.errors.values():
            label.clear()
        problems = self.problems()
        if not problems:
            try:
                goal = self.goal_from_form()
                self.saved = goal if goal == self.goal else self.session.add_goal(goal)
            except InvalidInput as exc:
                problems = exc.problems
            except ChangedMeanwhile as exc:  # the typed values stay; Reload shows the other person's
                self.conflict.show_problem(str(exc))
                return
        if problems:
            for problem in problems:
                self.errors.get(problem.field, self.errors["title"]).setText(problem.message)
            first = problems[0].field
            widget = {"target": self.target, "baseline": self.baseline, "marker": self.marker}.get(
                first, self.title
            )
            widget.setFocus()
            return
        super().accept()

    def reload(self) -> None:
        """Show the goal as it is saved now (someone else changed it), in place of the typed values."""
        self.session.forget()
        if self.goal is not None:
            goal_id, stored = self.goal.id, self.session.store.goals(self.session.patient_id)
            self.goal = next((g for g in stored if g.id == goal_id), None)
            self.setWindowTitle("Edit goal" if self.goal else "New goal")
        self._load(self.goal)
        self.conflict.hide()

    def saved_title(self) -> str:
        return self.saved.title if self.saved else ""
