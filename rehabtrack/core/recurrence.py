"""Recurrence watch for the maintenance phase, after discharge from regular therapy.

Each check-in is compared with a **reference**: the patient's discharge level, the mean of the last
four values logged before the watch started. (Not the single best week: that is often a lucky week,
and measuring against it would make ordinary variation look like a relapse.)

A check-in is **worse** when it is worse than the reference, in the series' direction, by at least
the meaningful-change threshold (the same rule as everywhere else: a change as large as the threshold
counts). An alert needs **two consecutive check-ins both worse**: a one-week
blip never triggers it, and neither does any improvement. The message is plain and calm: it suggests
contacting the therapist, it does not diagnose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rehabtrack.core.meaningful_change import DELTA_DECIMALS, threshold_for, thresholds
from rehabtrack.core.numbers import format_value
from rehabtrack.core.series import Point, Series

REFERENCE_WEEKS = 4
CONSECUTIVE_NEEDED = 2


@dataclass(frozen=True)
class CheckIn:
    week: date
    value: float
    difference: float  # value − reference (positive: higher than at discharge)
    worse: bool  # worse than the reference by at least the threshold


@dataclass(frozen=True)
class RecurrenceAlert:
    label: str  # as it reads after "Your", e.g. "pain"
    unit: str
    lower_is_better: bool
    reference: float
    threshold: float
    weeks: tuple[date, ...]  # the consecutive worse check-ins, oldest first
    values: tuple[float, ...]

    @property
    def message(self) -> str:
        """E.g. "Your pain has been higher than at discharge for two check-ins in a row (5 and 6 vs 2).
        It may be worth contacting your therapist." """
        higher_lower = "higher" if self.lower_is_better else "lower"
        shown = " and ".join(format_value(v, self.unit) for v in self.values)
        reference = format_value(self.reference, self.unit)
        count = "two" if len(self.values) == 2 else str(len(self.values))
        return (
            f"Your {self.label} {_have(self.label)} been {higher_lower} than at discharge for {count} "
            "check-ins in a row "
            f"({shown} vs {reference}). It may be worth contacting your therapist."
        )


def _have(label: str) -> str:
    """ "have" after a plural ("flare-ups this week", "nights woken by pain"), else "has"."""
    first = label.split(" ", 1)[0].lower()
    return "have" if first.endswith("s") and not first.endswith("ss") else "has"


def discharge_reference(
    points: Sequence[Point], watch_start: date, weeks: int = REFERENCE_WEEKS
) -> float | None:
    """Mean of the last ``weeks`` values logged before ``watch_start``; None when none were."""
    before = sorted((p for p in points if p.week < watch_start), key=lambda p: p.week)[-weeks:]
    if not before:
        return None
    return sum(p.value for p in before) / len(before)


def check_ins(
    points: Sequence[Point], lower_is_better: bool, threshold: float, reference: float, watch_start: date
) -> list[CheckIn]:
    """Every check-in from ``watch_start`` on, compared with ``reference``."""
    found = []
    for p in sorted((p for p in points if p.week >= watch_start), key=lambda p: p.week):
        difference = p.value - reference
        worsening = difference if lower_is_better else -difference
        found.append(CheckIn(p.week, p.value, difference, round(worsening, DELTA_DECIMALS) >= threshold))
    return found


def recurrence_alert(
    points: Sequence[Point],
    lower_is_better: bool,
    threshold: float,
    watch_start: date,
    label: str = "symptoms",
    unit: str = "",
    reference: float | None = None,
) -> RecurrenceAlert | None:
    """An alert when the latest two consecutive check-ins are both worse than the reference by at
    least ``threshold``; None otherwise (including when there is no reference to compare with).

    ``reference`` defaults to ``discharge_reference(points, watch_start)``. Consecutive means one
    logged check-in after the other, however many weeks apart.
    """
    if reference is None:
        reference = discharge_reference(points, watch_start)
    if reference is None:
        return None
    latest = check_ins(points, lower_is_better, threshold, reference, watch_start)[-CONSECUTIVE_NEEDED:]
    if len(latest) < CONSECUTIVE_NEEDED or not all(c.worse for c in latest):
        return None
    return RecurrenceAlert(
        label=label,
        unit=unit,
        lower_is_better=lower_is_better,
        reference=reference,
        threshold=threshold,
        weeks=tuple(c.week for c in latest),
        values=tuple(c.value for c in latest),
    )


def _patient_label(series: Series) -> str:
    table = thresholds()
    label = table[series.key].label if series.key in table and table[series.key].label else series.label
    return label[:1].lower() + label[1:]


def watch(series: Series, watch_start: date, reference: float | None = None) -> RecurrenceAlert | None:
    """``recurrence_alert`` for a series, with its meaningful-change threshold and its own words.

    KeyError when RehabTrack has no meaningful-change threshold for the series.
    """
    return recurrence_alert(
        series.points,
        series.lower_is_better,
        threshold_for(series.key).value,
        watch_start,
        label=_patient_label(series),
        unit=series.unit,
        reference=reference,
    )
