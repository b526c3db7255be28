"""The 90 % confidence interval of the Theil–Sen slope (Sen 1968), checked against brute force."""

from __future__ import annotations

import math
from datetime import date, timedelta
from itertools import permutations

import pytest

from rehabtrack.core.series import Point
from rehabtrack.core.trend import (
    exact_critical_s,
    interval_ranks,
    kendall_s_counts,
    rolling_mean,
    slope_interval,
    tie_corrected_variance,
    trend,
)

MONDAY = date(2026, 1, 5)


def weekly(values: list[float] | tuple[int, ...]) -> list[Point]:
    return [Point(MONDAY + timedelta(weeks=i), float(v)) for i, v in enumerate(values)]


def kendall_s(values: tuple[int, ...]) -> int:
    n = len(values)
    return sum((values[j] > values[i]) - (values[j] < values[i]) for i in range(n) for j in range(i + 1, n))


@pytest.mark.parametrize("n", range(2, 8))
def test_exact_distribution_of_s_matches_every_ordering(n: int) -> None:
    counted: dict[int, int] = {}
    for perm in permutations(range(n)):
        s = kendall_s(perm)
        counted[s] = counted.get(s, 0) + 1
    assert kendall_s_counts(n) == counted


def brute_critical(n: int, alpha_half: float = 0.05) -> int | None:
    """The smallest S whose upper tail is at most 5 %, by counting every ordering."""
    all_s = [kendall_s(p) for p in permutations(range(n))]
    total = len(all_s)
    found = None
    for c in sorted(set(all_s), reverse=True):
        if sum(s >= c for s in all_s) / total <= alpha_half:
            found = c
        else:
            break
    return found


@pytest.mark.parametrize("n", range(3, 9))
def test_critical_s_is_the_brute_force_one(n: int) -> None:
    assert exact_critical_s(n) == brute_critical(n)


def test_six_points_take_the_third_and_thirteenth_of_fifteen_slopes() -> None:
    # Values chosen so all 15 pairwise slopes differ.
    values = [8.0, 36.0, 4.0, 16.0, 7.0, 31.0]
    pts = weekly(values)
    slopes = sorted((values[j] - values[i]) / (j - i) for i in range(6) for j in range(i + 1, 6))
    assert len(set(slopes)) == 15
    assert exact_critical_s(6) == 11  # P(S ≥ 11) = 20/720 ≤ 5 % < P(S ≥ 9) = 49/720
    assert interval_ranks(15, 11) == (3, 13)
    assert slope_interval(pts) == (slopes[2], slopes[12])


@pytest.mark.parametrize("n", range(4, 8))
def test_the_interval_covers_a_zero_slope_at_least_90_percent_and_is_the_narrowest_that_does(n: int) -> None:
    """With no trend every ordering is equally likely: count those whose interval holds slope 0."""
    perms = list(permutations(range(n)))
    covered = 0
    narrower = 0
    pairs = n * (n - 1) // 2
    lower, upper = interval_ranks(pairs, exact_critical_s(n) or pairs + 2)
    for perm in perms:
        low, high = slope_interval(weekly(perm))  # type: ignore[misc]
        covered += low < 0 < high
        slopes = sorted((perm[j] - perm[i]) / (j - i) for i in range(n) for j in range(i + 1, n))
        if lower + 1 <= upper - 1:
            narrower += slopes[lower] < 0 < slopes[upper - 2]
    assert covered / len(perms) >= 0.90
    if lower > 1:
        assert narrower / len(perms) < 0.90


def test_ranks_never_leave_one_to_n() -> None:
    assert interval_ranks(3, 5) == (1, 3)  # three points: nothing is rare enough, every slope is kept
    assert interval_ranks(10, 100) == (1, 10)
    assert slope_interval(weekly([1, 2, 3])) == (1.0, 1.0)
    assert slope_interval(weekly([5])) is None


def test_the_normal_approximation_agrees_with_the_exact_ranks_where_they_meet() -> None:
    for n in (10, 11, 12):
        pairs = n * (n - 1) // 2
        approx = 1.6448536269514722 * math.sqrt(n * (n - 1) * (2 * n + 5) / 18) + 1
        assert interval_ranks(pairs, approx) == interval_ranks(pairs, exact_critical_s(n))  # type: ignore[arg-type]


def test_eleven_points_use_the_normal_approximation() -> None:
    values = [float(v) for v in (1, 4, 2, 6, 5, 9, 7, 12, 10, 15, 13)]
    slopes = sorted((values[j] - values[i]) / (j - i) for i in range(11) for j in range(i + 1, 11))
    # Var(S) = 11·10·27/18 = 165; S* = 1.645·√165 + 1 = 22.13: ranks 17 and 39 of 55.
    assert slope_interval(weekly(values)) == (slopes[16], slopes[38])


def test_ties_shrink_the_variance_of_s() -> None:
    assert tie_corrected_variance([1, 2, 3, 4]) == pytest.approx(4 * 3 * 13 / 18)
    # Two tied pairs: subtract 2 · 2·1·9 = 36 before dividing by 18.
    assert tie_corrected_variance([1, 1, 2, 2, 3]) == pytest.approx((5 * 4 * 15 - 36) / 18)
    # Twelve points of which six are tied at 4: a wider interval than without ties is never taken.
    values = [4, 4, 5, 4, 4, 6, 4, 7, 4, 8, 9, 10]
    low, high = slope_interval(weekly(values))  # type: ignore[misc]
    assert low <= high


def test_trend_window_counts_calendar_weeks() -> None:
    points = weekly([10, 10, 10, 1, 2, 3])
    far = [Point(p.week + timedelta(weeks=20 if i >= 3 else 0), p.value) for i, p in enumerate(points)]
    line = trend(far, window_weeks=12)
    assert line is not None and line.slope_per_week == pytest.approx(1.0)


def test_rolling_mean_over_calendar_weeks() -> None:
    points = weekly([4, 8, 6, 2])
    assert [p.value for p in rolling_mean(points, 2)] == [4.0, 6.0, 7.0, 4.0]
    assert [p.value for p in rolling_mean(points, 4)] == [4.0, 6.0, 6.0, 5.0]
    # A missed week is not a zero: weeks 0 and 3 only, 2-week window → each alone.
    gap = [points[0], points[3]]
    assert [p.value for p in rolling_mean(gap, 2)] == [4.0, 2.0]
    assert [p.value for p in rolling_mean(list(reversed(points)), 1)] == [4.0, 8.0, 6.0, 2.0]
    assert rolling_mean([], 4) == []


def test_rolling_mean_defaults_to_four_weeks_and_keeps_each_week() -> None:
    points = weekly([4, 8, 6, 2, 10])
    found = rolling_mean(points)
    assert [p.value for p in found] == [4.0, 6.0, 6.0, 5.0, 6.5]  # the last: (8 + 6 + 2 + 10) / 4
    assert [p.week for p in found] == [p.week for p in points]
    # A window that starts after the oldest point moves past it even at the first point of a gap.
    late = [Point(MONDAY, 1.0), Point(MONDAY + timedelta(weeks=10), 5.0)]
    assert [p.value for p in rolling_mean(late, 4)] == [1.0, 5.0]


def test_at_ten_points_exact_and_approximate_ranks_agree_at_95_percent_too() -> None:
    approx = 1.959963984540054 * math.sqrt(10 * 9 * 25 / 18) + 1
    assert interval_ranks(45, approx) == interval_ranks(45, exact_critical_s(10, 0.95)) == (12, 34)  # type: ignore[arg-type]
