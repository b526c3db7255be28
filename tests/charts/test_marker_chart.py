"""What MarkerChart plots: checked against the data it was given, not against its own helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import (
    EMPTY_MESSAGE,
    RANGE_PRESETS,
    MarkerChart,
    range_for,
    timestamp,
)
from rehabtrack.charts.theme import DARK, LIGHT, PRINT
from rehabtrack.core.model import Direction, Discipline, Event, EventKind, Goal
from rehabtrack.core.series import Series, series_for
from rehabtrack.storage.store import Store

TODAY = date(2026, 11, 24)  # the same fixed day as tests/conftest.py
Week = Callable[[int], date]
SeriesMaker = Callable[..., Series]  # the make_series fixture


def pain_goal(discipline: Discipline = Discipline.PT, target: float = 2) -> Goal:
    return Goal(
        discipline, "Pain 2/10 or less", "pain", target, Direction.LOWER, target_date=date(2026, 3, 12)
    )


def path_moves(chart: MarkerChart) -> list[date]:
    """Dates where the drawn weekly line starts a new stroke (a MoveTo in its painter path)."""
    path: QPainterPath = chart.drawing.line.path()
    moves = []
    for i in range(path.elementCount()):
        element = path.elementAt(i)
        if element.type == QPainterPath.ElementType.MoveToElement:
            moves.append(date(1970, 1, 1) + timedelta(seconds=element.x))
    return moves


def test_points_are_the_logged_values_in_week_order(
    chart: MarkerChart, make_series: SeriesMaker, week: Week
) -> None:
    chart.set_data(make_series({0: 6, 1: 5, 3: 4, 2: 7}))
    weeks, values = chart.plotted_points()
    assert weeks == [week(0), week(1), week(2), week(3)]
    assert values == [6, 5, 7, 4]


def test_a_missed_week_is_a_gap_not_a_line(chart: MarkerChart, make_series: SeriesMaker, week: Week) -> None:
    chart.set_data(make_series({0: 6, 1: 5, 2: 5, 4: 3, 5: 3, 8: 2}))
    assert chart.gap_after() == [week(2), week(5)]
    segments = chart.line_segments()
    assert segments == [(week(0), week(1)), (week(1), week(2)), (week(4), week(5))]
    # The painter path itself starts a new stroke after each missed week.
    assert path_moves(chart) == [week(0), week(4), week(8)]
    # The rolling mean breaks at the same places.
    mean_path = chart.drawing.mean.path()
    starts = [
        i
        for i in range(mean_path.elementCount())
        if mean_path.elementAt(i).type == QPainterPath.ElementType.MoveToElement
    ]
    assert len(starts) == 3


def test_rolling_mean_by_hand(chart: MarkerChart, make_series: SeriesMaker, week: Week) -> None:
    chart.set_data(make_series({0: 6, 1: 4, 2: 5, 3: 3, 5: 2}))
    weeks, means = chart.rolling_mean_points()
    assert weeks == [week(0), week(1), week(2), week(3), week(5)]
    # 4 calendar weeks ending at each point; the missed week 4 counts as nothing, not as zero.
    expected = [6, (6 + 4) / 2, (6 + 4 + 5) / 3, (6 + 4 + 5 + 3) / 4, (5 + 3 + 2) / 3]
    assert means == pytest.approx(expected)


def test_trend_is_drawn_over_the_last_12_weeks(
    chart: MarkerChart, make_series: SeriesMaker, week: Week
) -> None:
    # A perfectly straight series: the Theil–Sen line goes through every point.
    chart.set_data(make_series([10 - 0.5 * i for i in range(16)]))
    line = chart.trend_line()
    assert line is not None
    (start, y0), (end, y1) = line
    assert (start, end) == (week(4), week(15))
    assert (y0, y1) == pytest.approx((8.0, 2.5))
    trend = chart.drawing.trend
    assert list(trend.xs) == [timestamp(week(4)), timestamp(week(15))]
    assert trend.pen.style() == Qt.PenStyle.DashLine


def test_no_trend_with_one_week(chart: MarkerChart, make_series: SeriesMaker) -> None:
    chart.set_data(make_series([5]))
    assert chart.trend_line() is None
    assert len(chart.drawing.trend.xs) == 0  # nothing drawn


def test_goal_line_at_target_in_the_discipline_style(chart: MarkerChart, make_series: SeriesMaker) -> None:
    other = Goal(Discipline.PT, "Knee", "rom/knee/right/flexion/active", 115, Direction.HIGHER)
    chart.set_data(make_series([6, 5, 5, 4]), goals=[pain_goal(), other])
    assert chart.goal_lines() == [(2.0, "PT goal: ≤ 2/10 by 12 Mar")]
    (line,) = chart.goal_line_items()
    assert line.angle == 0
    assert line.pen.color() == QColor(LIGHT.pt.colour)
    assert line.pen.style() == LIGHT.pt.pen_style == Qt.PenStyle.SolidLine
    assert chart.goal_marks() == [(date(2026, 3, 12), 2.0)]
    low, high = chart.y_range()
    assert low < 2 < high


def test_pt_and_ot_goals_differ_without_colour(chart: MarkerChart, make_series: SeriesMaker) -> None:
    goals = [pain_goal(Discipline.PT, 2), pain_goal(Discipline.OT, 3)]
    chart.set_data(make_series([6, 5, 5, 4]), goals=goals, theme=PRINT)
    pt, ot = chart.goal_line_items()
    assert (pt.value(), ot.value()) == (2, 3)
    assert pt.pen.style() != ot.pen.style()
    assert ot.pen.style() == PRINT.ot.pen_style
    assert pt.pen.color() != ot.pen.color()
    labels = [label for _, label in chart.goal_lines()]
    assert labels[0].startswith("PT goal") and labels[1].startswith("OT goal")
    assert set(chart.goal_mark_symbols()) == {PRINT.pt.symbol, PRINT.ot.symbol}


def test_event_lines_at_event_dates(chart: MarkerChart, make_series: SeriesMaker, week: Week) -> None:
    events = [
        Event(week(2) + timedelta(days=2), EventKind.INJECTION, "Steroid injection, right knee"),
        Event(week(0), EventKind.CLINICIAN_NOTE, "Progress exercises to stage 2 next week please"),
    ]
    chart.set_data(make_series([6, 5, 5, 4]), events=events)
    lines = chart.event_lines()
    assert [d for d, _ in lines] == [week(0), week(2) + timedelta(days=2)]
    assert lines[1][1] == "Injection"
    assert lines[0][1] == "Progress exercises to stage 2 next week please"  # the whole note, never cut
    assert sorted(chart.event_tips()) == [week(0), week(2) + timedelta(days=2)]  # a line each, hovered
    chart.set_x_range(week(1), week(3))
    assert [d for d, _ in chart.event_lines()] == [week(2) + timedelta(days=2)]


def test_hovering_an_event_line_says_the_event(
    qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker, week: Week
) -> None:
    injection = Event(week(2) + timedelta(days=2), EventKind.INJECTION, "Steroid injection, right knee")
    chart.set_data(make_series([6, 5, 5, 4]), events=[injection])
    chart.show()
    qtbot.waitExposed(chart)
    view = chart.plotItem.getViewBox()
    on_line = chart.mapFromScene(view.mapViewToScene(QPointF(timestamp(injection.day), 5.5)))
    QTest.mouseMove(chart.viewport(), on_line)
    qtbot.waitUntil(lambda: "Steroid injection, right knee" in chart.drawing.toolTip())
    assert chart.drawing.toolTip().startswith("18 Mar 2026: ")
    qtbot.wait(100)  # pyqtgraph ignores a move that follows the last one within a frame's time
    QTest.mouseMove(chart.viewport(), on_line + QPoint(12, 0))  # beside the line: nothing to say
    qtbot.waitUntil(lambda: chart.drawing.toolTip() == "")


def test_a_range_crowded_with_events_draws_plain_lines_and_labels_them_when_zoomed_in(
    chart: MarkerChart, make_series: SeriesMaker, week: Week
) -> None:
    events = [Event(week(i), EventKind.CLINICIAN_NOTE, f"Note {i}") for i in range(20)]
    chart.set_data(make_series([5] * 20), events=events)
    lines = chart.event_lines()
    assert [d for d, _ in lines] == [e.day for e in events]  # every event still has its line ...
    assert {label for _, label in lines} == {""}  # ... but 20 labels would pile up: none are drawn
    assert chart.event_tips() == {}  # one path of plain lines, no labelled lines
    chart.set_x_range(week(0), week(3))
    assert chart.event_lines() == [(week(i), f"Note {i}") for i in range(4)]


def test_band_is_the_meaningful_change_around_the_baseline(
    qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker
) -> None:
    chart.set_data(make_series([6, 7, 5, 4]), band=2)
    chart.show()
    qtbot.waitExposed(chart)
    assert chart.band() == (4.5, 8.5)  # baseline (6 + 7) / 2 ± 2
    drawn = chart._band_item.mapRectToView(chart._band_item.boundingRect())
    (x0, x1), _ = chart.plotItem.getViewBox().viewRange()
    assert (drawn.top(), drawn.bottom()) == (4.5, 8.5)
    assert drawn.left() <= x0 and drawn.right() >= x1  # the whole width, whatever the range
    assert chart._band_item.acceptedMouseButtons() == Qt.MouseButton.NoButton  # cannot be dragged
    chart.set_data(make_series([6, 7, 5, 4]))
    assert chart.band() is None
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER, baseline=8)
    chart.set_data(make_series([6, 7, 5, 4]), goals=[goal], band=2)
    assert chart.band() == (6, 10)


def test_range_presets() -> None:
    first = date(2026, 5, 25)
    assert RANGE_PRESETS == ("4 weeks", "12 weeks", "6 months", "1 year", "All")
    assert range_for("4 weeks", TODAY, first) == (TODAY - timedelta(days=28), TODAY)
    assert range_for("12 weeks", TODAY, first) == (date(2026, 9, 1), TODAY)  # 84 days
    assert range_for("6 months", TODAY, first) == (date(2026, 5, 24), TODAY)
    assert range_for("1 year", TODAY, first) == (date(2025, 11, 24), TODAY)
    assert range_for("All", TODAY, first) == (first, TODAY)
    assert range_for("All", TODAY, None) == (TODAY - timedelta(days=28), TODAY)
    assert range_for("6 months", date(2026, 8, 31), None)[0] == date(2026, 2, 28)
    with pytest.raises(ValueError):
        range_for("fortnight", TODAY, first)


def test_set_x_range_changes_the_visible_dates(
    chart: MarkerChart, make_series: SeriesMaker, week: Week
) -> None:
    series = make_series([i % 10 for i in range(30)])
    chart.set_data(series)
    assert chart.x_range() == (week(0), week(29))
    today = week(29) + timedelta(days=2)
    start, end = range_for("4 weeks", today, series.weeks[0])
    chart.set_x_range(start, end)
    assert chart.x_range() == (start, end)
    (x0, x1), _ = chart.plotItem.getViewBox().viewRange()
    assert x0 <= timestamp(start) < timestamp(end) <= x1
    assert x1 - x0 == pytest.approx((28 + 2 * 3.5) * 86400)  # plus half a week's padding each side
    chart.set_data(series, x_range=range_for("All", today, series.weeks[0]))
    assert chart.x_range() == (week(0), today)


def test_lower_is_better_is_on_the_axis(chart: MarkerChart, make_series: SeriesMaker) -> None:
    chart.set_data(make_series([6, 5]))
    assert chart.axis_label() == "Pain (weekly average) 0–10 (lower is better)"
    chart.set_data(make_series([6, 7], key="sleep_quality"))
    assert "lower is better" not in chart.axis_label()
    assert chart.axis_label() == "Sleep quality 0–10"
    chart.set_data(make_series([30, 20], key="stiffness_minutes"))
    assert chart.axis_label() == "Morning stiffness (min) (lower is better)"


def test_hover_text_names_the_week_and_value(
    qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker
) -> None:
    chart.set_data(make_series([4, 5]))
    chart.show()
    qtbot.waitExposed(chart)
    assert chart.tooltip_at(0) == "Week of 2 Mar 2026: 4/10"
    # What hovering the second point shows: its pixel, mapped to the drawing's coordinates.
    view = chart.plotItem.getViewBox()
    spot = chart.drawing.mapFromScene(view.mapViewToScene(QPointF(timestamp(date(2026, 3, 9)), 5.0)))
    assert chart.drawing.point_tips_at(spot) == ["Week of 9 Mar 2026: 5/10"]
    beside = chart.drawing.mapFromScene(view.mapViewToScene(QPointF(timestamp(date(2026, 3, 5)), 5.0)))
    assert chart.drawing.point_tips_at(beside) == []
    # The pointer moved onto that point: the view says it, as a tooltip would show it.
    at = chart.mapFromScene(view.mapViewToScene(QPointF(timestamp(date(2026, 3, 9)), 5.0)))
    QTest.mouseMove(chart.viewport(), at)
    qtbot.waitUntil(lambda: view.toolTip() == "Week of 9 Mar 2026: 5/10")
    qtbot.wait(100)  # pyqtgraph ignores a move that follows the last one within a frame's time
    QTest.mouseMove(chart.viewport(), at + QPoint(0, 40))
    qtbot.waitUntil(lambda: view.toolTip() == "")


def test_wheel_zoom_is_off_by_default(chart: MarkerChart) -> None:
    assert chart.plotItem.getViewBox().state["mouseEnabled"] == [False, False]
    chart.set_interactive(True)
    assert chart.plotItem.getViewBox().state["mouseEnabled"] == [True, True]


def test_empty_series_shows_a_message(chart: MarkerChart, make_series: SeriesMaker) -> None:
    chart.set_data(make_series([]), goals=[pain_goal()])
    assert chart.message() == EMPTY_MESSAGE == "No weeks logged yet"
    assert chart.plotted_points() == ([], [])
    assert chart.trend_line() is None
    # Centred in the view.
    (x0, x1), (y0, y1) = chart.plotItem.getViewBox().viewRange()
    pos = chart._message.pos()
    assert pos.x() == pytest.approx((x0 + x1) / 2)
    assert y0 < pos.y() < y1
    chart.set_data(make_series([3]))
    assert chart.message() is None


def test_theme_is_applied(chart: MarkerChart, make_series: SeriesMaker) -> None:
    chart.set_data(make_series([4, 5]), theme=DARK)
    assert chart.theme is DARK
    assert chart.backgroundBrush().color() == QColor(DARK.background)
    assert chart.drawing.mean.pen.color() == QColor(DARK.rolling_mean)
    assert chart.drawing.mean.pen.widthF() > chart.drawing.line.pen.widthF()


def test_set_data_300_times_reuses_items(chart: MarkerChart, make_series: SeriesMaker, week: Week) -> None:
    series = [make_series([6, 5, 4, 5]), make_series({0: 3, 2: 4, 3: 5, 7: 1}), make_series([])]
    goals = [pain_goal(Discipline.PT), pain_goal(Discipline.OT, 3)]
    events = [Event(week(1), EventKind.SURGERY, "Knee replacement")]
    chart.set_data(series[0], goals, events, band=2)
    items = len(chart.plotItem.items)
    scene_items = len(chart.scene().items())
    for i in range(300):
        chart.set_data(series[i % 3], goals[: i % 3], events, theme=(LIGHT, DARK)[i % 2], band=2)
    chart.set_data(series[0], goals, events, band=2)
    assert len(chart.plotItem.items) == items
    assert len(chart.scene().items()) == scene_items


def test_demo_patient_knee_chart(qtbot: QtBot, demo_store: Store) -> None:
    from rehabtrack.storage.demo import MISSED_WEEKS

    patient = demo_store.patients()[0]
    assert patient.id is not None
    entries = demo_store.entries(patient.id)
    key = "rom/knee/right/flexion/active"
    series: Series = series_for(key, entries)
    stored = [(e.week, next(r.degrees for r in e.rom if r.series_key == key)) for e in entries]
    chart = MarkerChart()
    qtbot.addWidget(chart)
    chart.set_data(
        series,
        demo_store.goals(patient.id),
        demo_store.events(patient.id),
        x_range=range_for("All", TODAY, series.weeks[0]),
    )
    weeks, values = chart.plotted_points()
    assert list(zip(weeks, values, strict=True)) == stored
    first = series.weeks[0]
    missed = [first + timedelta(weeks=i) for i in sorted(MISSED_WEEKS)]
    assert chart.gap_after() == [m - timedelta(weeks=1) for m in missed]
    assert all(m not in (a, b) for a, b in chart.line_segments() for m in missed)
    assert [v for v, _ in chart.goal_lines()] == [115.0]
    assert chart.goal_lines()[0][1].startswith("PT goal: ≥ 115°")
    # Events inside the range are drawn; the surgery, days before the first logged week, is not.
    inside = [e.day for e in demo_store.events(patient.id) if first - timedelta(days=3) <= e.day <= TODAY]
    assert [d for d, _ in chart.event_lines()] == inside
    assert chart.x_range() == (first, TODAY)


def test_questionnaire_scores_weeks_apart_are_joined_but_weekly_gaps_stay_gaps(qtbot) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.core.series import Point, Series

    days = [date(2026, 6, 1), date(2026, 6, 29), date(2026, 7, 27)]
    lefs = Series(
        "measure/LEFS", "LEFS", "", False, tuple(Point(d, v) for d, v in zip(days, [30, 40, 52], strict=True))
    )
    chart = MarkerChart()
    qtbot.addWidget(chart)
    chart.set_data(lefs)
    assert chart.gap_after() == []  # taken every 4 weeks: nothing was missed
    pain = Series("pain", "Pain", "", True, tuple(Point(d, v) for d, v in zip(days, [6, 5, 4], strict=True)))
    chart.set_data(pain)
    assert chart.gap_after() == days[:2]  # weekly marker: each 4-week jump is 3 missed weeks


@pytest.mark.parametrize("scale", [1.0, 1.6, 2.0])  # the dashboard, the session view, a 200 % text size
def test_date_labels_are_never_cut_off_at_the_bottom(
    qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker, scale: float
) -> None:
    from dataclasses import replace

    from PySide6.QtGui import QFontMetricsF

    theme = replace(LIGHT, font_pt=LIGHT.font_pt * scale)
    chart.set_data(make_series([5, 4, 4, 3, 3, 2] * 4), theme=theme)
    chart.show()
    qtbot.waitExposed(chart)
    axis = chart.plotItem.getAxis("bottom")
    labels_bottom = axis.style["tickTextOffset"][1] + QFontMetricsF(axis.style["tickFont"]).height()
    assert axis.height() >= labels_bottom
    assert axis.mapRectToScene(axis.boundingRect()).bottom() <= chart.height()  # and the axis is inside
