"""Trend of a noisy weekly series: rolling mean and a robust (Theil–Sen) slope.

Theil–Sen takes the median of all pairwise slopes, so one flare-up week cannot tilt the line
the way it tilts a least-squares fit. Weeks with no value are simply absent from the points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from rehabtrack.core.series import Point

DAYS_PER_WEEK = 7.0


@dataclass(frozen=True)
class Trend:
    slope_per_week: float
    anchor: date  # the trend passes through (anchor, value_at_anchor)
    value_at_anchor: float

    def value_at(self, day: date) -> float:
        return self.value_at_anchor + self.slope_per_week * (day - self.anchor).days / DAYS_PER_WEEK

    def date_reaching(self, value: float) -> date | None:
        """When the trend line reaches ``value``; None when it is flat, or so nearly flat that the date
        would fall outside the calendar (year 1–9999)."""
        if self.slope_per_week == 0:
            return None
        weeks = (value - self.value_at_anchor) / self.slope_per_week
        try:
            return self.anchor + timedelta(days=round(weeks * DAYS_PER_WEEK))
        except OverflowError:
            return None


def theil_sen(points: Sequence[Point]) -> Trend | None:
    """Median-of-pairwise-slopes line through ``points``; None with fewer than 2 distinct weeks."""
    if len({p.week for p in points}) < 2:
        return None
    anchor = min(p.week for p in points)
    xs = [(p.week - anchor).days / DAYS_PER_WEEK for p in points]
    ys = [p.value for p in points]
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if xs[j] != xs[i]
    ]
    slope = median(slopes)
    intercept = median(y - slope * x for x, y in zip(xs, ys, strict=True))
    return Trend(slope, anchor, intercept)


def trend(points: Sequence[Point], window_weeks: int | None = 12) -> Trend | None:
    """Theil–Sen trend over the last ``window_weeks`` calendar weeks of ``points`` (all when None)."""
    if window_weeks is not None and points:
        last = max(p.week for p in points)
        first = last - timedelta(weeks=window_weeks - 1)
        points = [p for p in points if p.week >= first]
    return theil_sen(points)


def rolling_mean(points: Sequence[Point], weeks: int = 4) -> list[Point]:
    """Mean of the values logged in the ``weeks`` calendar weeks ending at each point."""
    ordered = sorted(points, key=lambda p: p.week)
    values = [p.value for p in ordered]
    out = []
    first = 0  # index of the oldest point inside the window; it only moves forward
    for i, p in enumerate(ordered):
        start = p.week - timedelta(weeks=weeks - 1)
        while first <= i and ordered[first].week < start:
            first += 1
        # Summed oldest to newest, exactly as before: the means are bit-for-bit the same.
        window = values[first : i + 1]
        out.append(Point(p.week, sum(window) / len(window)))
    return out
