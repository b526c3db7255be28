"""What one change to a patient's records touched, so each view refreshes only that.

The patient session emits a ``Changed`` after every change, whether it came from a form, from
Edit → Undo or from Edit → Redo; a view looks at the fields it shows and ignores the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Changed:
    weeks: frozenset[date] = field(default_factory=frozenset)  # weekly entries saved or deleted
    goals: frozenset[int] = field(default_factory=frozenset)  # goal ids added, edited or re-decided
    events: bool = False  # events and session notes
    measures: frozenset[str] = field(default_factory=frozenset)  # instruments whose results changed
    activities: bool = False  # the patient's activities (added, archived)
    maintenance: bool = False  # the maintenance plan (discharge, check-in interval)
    thresholds: bool = False  # this patient's meaningful-change thresholds
    patient: bool = False  # name, archived
    everything: bool = False  # an import or a restore: read it all again

    @classmethod
    def all(cls) -> Changed:
        return cls(everything=True)

    def touches_series(self) -> bool:
        """Whether any chart's points may differ: weeks, results, activities or everything."""
        return self.everything or bool(self.weeks or self.measures) or self.activities

    def __or__(self, other: Changed) -> Changed:
        return Changed(
            weeks=self.weeks | other.weeks,
            goals=self.goals | other.goals,
            events=self.events or other.events,
            measures=self.measures | other.measures,
            activities=self.activities or other.activities,
            maintenance=self.maintenance or other.maintenance,
            thresholds=self.thresholds or other.thresholds,
            patient=self.patient or other.patient,
            everything=self.everything or other.everything,
        )
