"""``clear_trend``: the one rule for "is there a trend?", shared by goal progress and the charts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rehabtrack.core.model import Direction
from rehabtrack.core.progress import clear_trend, projection, trend_error
from rehabtrack.core.rom import Side, rom_key
from rehabtrack.core.series import Point

MONDAY = date(2026, 1, 5)
KNEE = rom_key("knee", Side.RIGHT, "flexion")


def points(values: list[float], first: int = 0) -> list[Point]:
    return [Point(MONDAY + timedelta(weeks=first + i), v) for i, v in enumerate(values)]


def test_the_issues_noisy_knee_is_no_trend() -> None:
    assert clear_trend(points([100, 102, 99, 101, 100, 103, 100, 101, 102, 100, 103, 101]), KNEE) is None


def test_steady_gain_and_steady_loss_are_trends() -> None:
    up = clear_trend(points([80 + 3 * i for i in range(12)]), KNEE)
    down = clear_trend(points([113 - 3 * i for i in range(12)]), KNEE)
    assert up is not None and up.slope_per_week == 3
    assert down is not None and down.slope_per_week == -3


def test_six_weeks_in_the_window_are_needed() -> None:
    assert clear_trend(points([80 + 3 * i for i in range(5)]), KNEE) is None
    assert clear_trend(points([80 + 3 * i for i in range(6)]), KNEE) is not None
    # Ten old weeks then five recent ones: the window holds only five.
    old_and_new = points([60 + 3 * i for i in range(10)]) + points([120 + 3 * i for i in range(5)], first=20)
    assert clear_trend(old_and_new, KNEE) is None


def test_a_change_smaller_than_the_measurement_error_is_no_trend() -> None:
    assert trend_error(KNEE) == 10
    assert clear_trend(points([100 + 0.9 * i for i in range(12)]), KNEE) is None  # 9.9° across
    assert clear_trend(points([100 + 1.0 * i for i in range(12)]), KNEE) is not None  # 11° across


def test_a_series_without_a_threshold_needs_only_a_clear_slope() -> None:
    assert trend_error("no/such/series") == 0.0
    assert clear_trend(points([1.0 + 0.01 * i for i in range(8)]), "no/such/series") is not None


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.integers(min_value=60, max_value=140), min_size=1, max_size=16),
    target=st.integers(min_value=0, max_value=180),
    higher=st.booleans(),
)
def test_no_projection_without_a_clear_trend(values: list[int], target: int, higher: bool) -> None:
    found = clear_trend(points([float(v) for v in values]), KNEE)
    today = MONDAY + timedelta(weeks=len(values) - 1)
    direction = Direction.HIGHER if higher else Direction.LOWER
    projected = projection(points([float(v) for v in values]), target, direction, today, min_change=10)
    if found is None:
        assert projected is None
