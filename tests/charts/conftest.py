"""Fixtures for the chart tests: real series built from WeeklyEntry objects, and a chart per test."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.core.model import WeeklyEntry
from rehabtrack.core.series import Series, series_for

FIRST_MONDAY = date(2026, 3, 2)

SeriesMaker = Callable[..., Series]


def week(i: int) -> date:
    """The Monday ``i`` weeks after FIRST_MONDAY."""
    return FIRST_MONDAY + timedelta(weeks=i)


def entries_for(key: str, values: dict[int, float]) -> list[WeeklyEntry]:
    """One WeeklyEntry per week index; weeks not in ``values`` were missed. Given newest first on
    purpose: the chart must order the weeks itself."""
    return [WeeklyEntry(week(i), {key: v}) for i, v in sorted(values.items(), reverse=True)]


@pytest.fixture
def make_series() -> SeriesMaker:
    def make(values: dict[int, float] | Sequence[float], key: str = "pain") -> Series:
        by_week = dict(enumerate(values)) if not isinstance(values, dict) else values
        return series_for(key, entries_for(key, by_week))

    return make


@pytest.fixture
def chart(qtbot: QtBot) -> MarkerChart:
    widget = MarkerChart()
    qtbot.addWidget(widget)
    widget.resize(640, 300)
    return widget


@pytest.fixture(name="week")
def week_fixture() -> Callable[[int], date]:
    """``week(i)``: the Monday i weeks after the first week the test series start on."""
    return week


def chart_state(chart: MarkerChart) -> tuple[Any, ...]:
    """Everything a chart shows, read back (pixels aside): to compare two charts."""
    return (
        chart.plotted_points(),
        chart.line_segments(),
        chart.gap_after(),
        chart.rolling_mean_points(),
        chart.trend_line(),
        chart.goal_lines(),
        chart.goal_marks(),
        chart.event_lines(),
        chart.band(),
        chart.x_range(),
        chart.y_range(),
        chart.accessibleDescription(),
        [chart.tooltip_at(i) for i in range(len(chart.plotted_points()[0]))],
    )
