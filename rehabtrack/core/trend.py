"""Trend of a noisy weekly series: rolling mean, a robust (Theil–Sen) slope and its confidence interval.

Theil–Sen takes the median of all pairwise slopes, so one flare-up week cannot tilt the line
the way it tilts a least-squares fit. Weeks with no value are simply absent from the points.
``slope_interval`` gives the 90 % confidence interval of that slope (Sen 1968), which
``core.progress`` uses to decide whether there is a trend at all.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist, median

from rehabtrack.core.series import Point

DAYS_PER_WEEK = 7.0


@dataclass(frozen=True)
class Trend:
    slope_per_week: float
    anchor: date  # the trend passes through (anchor, value_at_anchor)
    value_at_anchor: float

    def value_at(self, day: date) -> float:
        return self.value_at_anchor + self.slope_per_week * (day - self.anchor).days / DAYS_PER_WEEK


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


# Confidence interval of the Theil–Sen slope (Sen 1968) ---------------------------------------------

CONFIDENCE = 0.90
EXACT_UP_TO = 10  # points: exact Kendall ranks up to here, Sen's normal approximation above


def kendall_s_counts(n: int) -> dict[int, int]:
    """How many of the n! orderings of ``n`` distinct values give each Kendall S (the exact null).

    S = concordant − discordant pairs = N − 2·inversions with N = n(n−1)/2; the inversion counts
    follow the Mahonian numbers, built one value at a time.
    """
    inversions = [1]
    for size in range(2, n + 1):
        grown = [0] * (len(inversions) + size - 1)
        for inv, count in enumerate(inversions):
            for extra in range(size):
                grown[inv + extra] += count
        inversions = grown
    pairs = n * (n - 1) // 2
    return {pairs - 2 * inv: count for inv, count in enumerate(inversions)}


def exact_critical_s(n: int, confidence: float = CONFIDENCE) -> int | None:
    """The smallest S with P(S ≥ S*) ≤ (1 − confidence)/2 under no trend; None when no S is that rare."""
    counts = kendall_s_counts(n)
    total = sum(counts.values())
    tail = 0
    found = None
    for s in sorted(counts, reverse=True):
        tail += counts[s]
        if tail / total > (1 - confidence) / 2:
            break
        found = s
    return found


def interval_ranks(slopes: int, critical: float) -> tuple[int, int]:
    """1-based ranks (lower, upper) of the ordered pairwise slopes bounding the interval, within 1…N.

    With S* the critical S, the slope β is kept while −S* < S(β) < S*; S(β) = N − 2k between the k-th
    and (k+1)-th slope, so the interval runs from the ((N − S*)/2 + 1)-th to the ((N + S*)/2)-th slope.
    For n = 6 (N = 15, S* = 11): the 3rd and the 13th.
    """
    lower = math.floor((slopes - critical) / 2) + 1
    upper = math.ceil((slopes + critical) / 2)
    return max(1, min(slopes, lower)), max(1, min(slopes, upper))


def tie_corrected_variance(values: Sequence[float]) -> float:
    """Var(S) under no trend, with Kendall's correction for tied values: [n(n−1)(2n+5) − Σt(t−1)(2t+5)]/18."""
    n = len(values)
    ties = Counter(values).values()
    return (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18


def slope_interval(points: Sequence[Point], confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """The ``confidence`` interval of the Theil–Sen slope per week (Sen 1968); None with < 2 weeks.

    Up to ``EXACT_UP_TO`` points the ranks come from the exact distribution of Kendall's S; above,
    from Sen's normal approximation with Var(S) corrected for tied values: S* = z·√Var(S) + 1, the
    + 1 being the usual continuity correction for S, which moves in steps of two.
    """
    if len({p.week for p in points}) < 2:
        return None
    anchor = min(p.week for p in points)
    xs = [(p.week - anchor).days / DAYS_PER_WEEK for p in points]
    ys = [p.value for p in points]
    slopes = sorted(
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if xs[j] != xs[i]
    )
    n = len(points)
    if n <= EXACT_UP_TO and len(slopes) == n * (n - 1) // 2:
        critical: float = exact_critical_s(n, confidence) or len(slopes) + 2  # + 2: every slope is kept
    else:
        critical = NormalDist().inv_cdf((1 + confidence) / 2) * math.sqrt(tie_corrected_variance(ys)) + 1
    lower, upper = interval_ranks(len(slopes), critical)
    return slopes[lower - 1], slopes[upper - 1]
