"""Theil–Sen trend: gaps in the weeks and one wild week do not tilt the line."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.series import Point
from rehabtrack.core.trend import theil_sen, trend

MONDAY = date(2026, 1, 5)


def test_hand_worked_line_with_a_gap_and_an_outlier() -> None:
    # Weeks 0, 1, 3, 4, 7 (weeks 2, 5, 6 not logged); true line y = 8 − 0.5·week; week 3 is a flare-up.
    weeks = [0, 1, 3, 4, 7]
    values = [8.0, 7.5, 10.0, 6.0, 4.5]  # week 3 should be 6.5
    points = [Point(MONDAY + timedelta(weeks=w), v) for w, v in zip(weeks, values, strict=True)]
    line = theil_sen(points)
    assert line is not None
    # 10 pairwise slopes; the 6 not involving week 3 are all −0.5, so the median is −0.5.
    assert line.slope_per_week == -0.5
    assert line.value_at_anchor == 8.0
    assert line.anchor == MONDAY


@given(
    weeks=st.lists(st.integers(0, 60), min_size=5, max_size=20, unique=True),
    intercept=st.integers(-50, 150),
    slope=st.integers(-5, 5),
    outlier_at=st.integers(0, 19),
    outlier=st.integers(-1000, 1000),
)
def test_one_outlier_does_not_tilt_the_line(
    weeks: list[int], intercept: int, slope: int, outlier_at: int, outlier: int
) -> None:
    weeks = sorted(weeks)
    values = [float(intercept + slope * w) for w in weeks]
    values[outlier_at % len(weeks)] += outlier
    points = [Point(MONDAY + timedelta(weeks=w), v) for w, v in zip(weeks, values, strict=True)]
    line = trend(points, window_weeks=None)
    assert line is not None
    assert line.slope_per_week == slope
    # The line passes through the true values at the first logged week.
    assert line.value_at(MONDAY + timedelta(weeks=weeks[0])) == intercept + slope * weeks[0]


def test_window_keeps_the_last_twelve_calendar_weeks() -> None:
    early = [Point(MONDAY + timedelta(weeks=w), 100.0) for w in range(10)]
    late = [Point(MONDAY + timedelta(weeks=w), float(w)) for w in range(20, 32)]
    line = trend(early + late)
    assert line is not None
    assert line.slope_per_week == 1.0


def test_nearly_flat_trend_has_no_date_instead_of_crashing() -> None:
    from rehabtrack.core.model import Direction
    from rehabtrack.core.progress import projection

    rising = [Point(MONDAY + timedelta(weeks=w), 100 + 1e-12 * w) for w in range(8)]
    found = projection(rising, 150, Direction.HIGHER, MONDAY + timedelta(weeks=7))
    assert found is not None and found.early is None and found.late is None
    assert found.text(str) == "not within 8 weeks at this pace"
