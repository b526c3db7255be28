"""The recurrence watch above the tabs: after therapy, a marker worse than at discharge for two check-ins
in a row, said plainly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from rehabtrack.ui.widgets import NoticeLabel

if TYPE_CHECKING:
    from rehabtrack.core.maintenance import MaintenancePlan
    from rehabtrack.core.model import Activity, WeeklyEntry


class RecurrenceNotice(NoticeLabel):
    """Given the patient's plan, weeks, activities and thresholds, shows what recurs (or nothing).

    It shows once: a page that shows the warning itself (Questionnaires, beside the maintenance plan)
    says so with ``set_shown_elsewhere``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setAccessibleDescription("Recurrence watch")
        self.shown_elsewhere = False
        self.hide()

    def show_alerts(
        self,
        plan: MaintenancePlan,
        entries: Sequence[WeeklyEntry],
        activities: Sequence[Activity],
        thresholds: Mapping[str, float],  # the therapist's, where set
    ) -> None:
        from rehabtrack.core.maintenance import recurrence_alerts
        from rehabtrack.core.meaningful_change import patient_thresholds

        with patient_thresholds(thresholds):
            alerts = recurrence_alerts(plan, entries, activities) if plan.active else []
        self.setText("\n".join(alert.message for alert in alerts))
        self._place()

    def set_shown_elsewhere(self, elsewhere: bool) -> None:
        self.shown_elsewhere = elsewhere
        self._place()

    def _place(self) -> None:
        self.setVisible(bool(self.text()) and not self.shown_elsewhere)
