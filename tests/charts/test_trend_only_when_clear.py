"""The dashed trend line is drawn only when core's rule finds a clear trend (``core.progress``):
a line through noise would look like progress to a patient while the goal says "no clear trend yet"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.core.model import Direction, Discipline, Goal, WeeklyEntry
from rehabtrack.core.progress import ProgressStatus, progress_toward
from rehabtrack.core.rom import RomReading, Side, rom_key
from rehabtrack.core.series import Series, series_for
from tests.charts.conftest import week as week_of

KNEE = rom_key("knee", Side.RIGHT, "flexion")
NOISY_KNEE = [100, 102, 99, 101, 100, 103, 100, 101, 102, 100, 103, 101]  # the series
Week = Callable[[int], date]
SeriesMaker = Callable[..., Series]
STEADY_KNEE = [80 + 3 * i for i in range(12)]  # 80, 83, … 113: 33° over the window


def knee(values: Sequence[float] | dict[int, float]) -> Series:
    """A right knee flexion series as the check-in saves it: one reading per week index."""
    by_week = dict(enumerate(values)) if not isinstance(values, dict) else values
    reading = RomReading("knee", Side.RIGHT, "flexion", 0)
    entries = [WeeklyEntry(week_of(i), rom=(replace(reading, degrees=v),)) for i, v in by_week.items()]
    return series_for(KNEE, entries)


def knee_goal(target: float = 115) -> Goal:
    return Goal(Discipline.PT, "Bend the knee", KNEE, target, Direction.HIGHER)


def drawn(chart: MarkerChart) -> bool:
    """Whether a trend line is on the chart: in its record and on screen."""
    on_screen = len(chart.drawing.trend.xs) == 2
    assert on_screen == (chart.trend_line() is not None)
    return on_screen


def test_noisy_knee_draws_no_trend_line_and_says_so(
    chart: MarkerChart, make_series: SeriesMaker, week: Week
) -> None:
    series = knee(NOISY_KNEE)
    chart.set_data(series, goals=[knee_goal()])
    chart.show()
    assert not drawn(chart)
    assert chart.drawing.trend.path().isEmpty()
    assert "no clear trend yet, so no trend line" in chart.accessibleDescription()
    # The goal's own words agree with the chart.
    assert progress_toward(knee_goal(), series, week(11)).status == ProgressStatus.NO_TREND


def test_steady_knee_draws_the_trend_line(chart: MarkerChart, make_series: SeriesMaker, week: Week) -> None:
    chart.set_data(knee(STEADY_KNEE), goals=[knee_goal(150)])
    chart.show()
    assert drawn(chart)
    (start, y0), (end, y1) = chart.trend_line() or ((date.min, 0.0), (date.min, 0.0))
    assert (start, end) == (week(0), week(11))
    assert (y0, y1) == pytest.approx((80.0, 113.0))
    assert "dashed line: rising trend over the last 12 weeks" in chart.accessibleDescription()
    assert "no clear trend" not in chart.accessibleDescription()


def test_clear_decline_is_a_trend_too(chart: MarkerChart, make_series: SeriesMaker) -> None:
    chart.set_data(knee([113 - 3 * i for i in range(12)]))
    assert drawn(chart)
    assert "falling trend" in chart.accessibleDescription()


@pytest.mark.parametrize(
    "weeks",
    [
        {0: 80, 3: 89, 6: 98, 9: 107, 11: 113},  # five weeks in the window
        {**{i: 60 + 3 * i for i in range(10)}, **{20 + i: 120 + 3 * i for i in range(5)}},  # older weeks
    ],
    ids=["five-weeks", "five-in-window"],
)
def test_fewer_than_six_weeks_in_the_window_draws_none(
    chart: MarkerChart, make_series: SeriesMaker, weeks: dict[int, float]
) -> None:
    chart.set_data(knee(weeks))
    assert not drawn(chart)
    assert "no clear trend yet" in chart.accessibleDescription()


def test_steady_but_within_measurement_error_draws_none(chart: MarkerChart, make_series: SeriesMaker) -> None:
    # 0.5° a week without a single step back: a real slope, but 5.5° across the window is less than
    # the 10° a knee measured at home can tell apart.
    chart.set_data(knee([100 + 0.5 * i for i in range(12)]))
    assert not drawn(chart)


def test_pain_flat_with_noise_draws_none_and_a_falling_pain_draws_one(
    chart: MarkerChart, make_series: SeriesMaker
) -> None:
    chart.set_data(make_series([5, 6, 5, 4, 5, 6, 5, 5, 4, 6, 5, 5]))
    assert not drawn(chart)
    chart.set_data(make_series([8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3]))
    assert drawn(chart)
    chart.set_data(knee(NOISY_KNEE))  # the same widget, reused: the line goes
    assert not drawn(chart)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.integers(min_value=60, max_value=140), min_size=1, max_size=16),
    target=st.integers(min_value=0, max_value=180),
    higher=st.booleans(),
)
def test_a_goal_with_a_projected_date_always_has_its_trend_line(
    qtbot: QtBot, make_series: SeriesMaker, week: Week, values: list[int], target: int, higher: bool
) -> None:
    """Whenever the goal projects a date from the trend, the chart shows that trend; without a
    drawn line there is never a date."""
    chart = MarkerChart()
    qtbot.addWidget(chart)
    series = knee(values)
    goal = Goal(Discipline.PT, "Knee", KNEE, target, Direction.HIGHER if higher else Direction.LOWER)
    chart.set_data(series, goals=[goal])
    found = progress_toward(goal, series, week(len(values) - 1))
    if found.projection is not None:
        assert drawn(chart)
    if not drawn(chart):
        assert found.projection is None and found.projected is None
