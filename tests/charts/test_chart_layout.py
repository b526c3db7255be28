"""What a reader sees on a chart: goal labels clear of the data, event labels whole, target markers that
hide no week, and a scale that never runs past its own ends (a 0–10 rating never shows 12 or −1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import MarkerChart, day_of, event_label, timestamp
from rehabtrack.charts.render import make_print_chart, render_chart_to, render_png
from rehabtrack.charts.theme import LIGHT
from rehabtrack.core.model import Direction, Discipline, Event, EventKind, Goal
from rehabtrack.core.series import Series, describe
from rehabtrack.report.content import build_content
from rehabtrack.storage.store import Store

TODAY = date(2026, 11, 24)
PDF_SIZE = (357, 190)  # a chart in the PDF: half the page width
SCREEN_SIZE = (640, 280)
SeriesMaker = Callable[..., Series]


def demo_charts(store: Store, size: tuple[int, int]) -> Iterator[tuple[str, MarkerChart]]:
    """Every chart of the demo patient's progress report, as the PDF draws it."""
    patient = store.patients()[0]
    assert patient.id is not None
    content = build_content(store, patient.id, today=TODAY)
    for spec in content.charts:
        chart = make_print_chart(spec.series, spec.goals, content.chart_events, spec.x_range, spec.band, size)
        drawn = QImage(*size, QImage.Format.Format_ARGB32)
        painter = QPainter(drawn)
        try:  # drawn as on the page: pyqtgraph settles its view on the way
            render_chart_to(painter, QRectF(0, 0, *size), chart)
        finally:
            painter.end()
        try:
            yield spec.key, chart
        finally:
            chart.deleteLater()


def scene_points(chart: MarkerChart, xs: list[float], ys: list[float]) -> list[QPointF]:
    view = chart.plotItem.getViewBox()
    return [view.mapViewToScene(QPointF(x, y)) for x, y in zip(xs, ys, strict=True)]


def along(
    chart: MarkerChart, days: list[date], values: list[float], joined: np.ndarray | None
) -> list[QPointF]:
    """Points every tenth of each drawn segment of a line (a missed week is no segment)."""
    out = []
    for i in range(len(days) - 1):
        if joined is not None and not joined[i]:
            continue
        x0, x1 = timestamp(days[i]), timestamp(days[i + 1])
        for t in np.linspace(0, 1, 11):
            out += scene_points(chart, [x0 + (x1 - x0) * t], [values[i] + (values[i + 1] - values[i]) * t])
    return out


def covered(chart: MarkerChart, rect: QRectF) -> list[str]:
    """What of the data ``rect`` (in scene pixels) covers: weekly points, the weekly line, the 4-week
    average and the trend."""
    radius = chart.theme.point_size / 2
    found = []
    days, values = chart.plotted_points()
    grown = rect.adjusted(-radius, -radius, radius, radius)
    found += [
        f"point {d}"
        for d, p in zip(days, scene_points(chart, [timestamp(d) for d in days], values), strict=True)
        if grown.contains(p)
    ]
    found += [f"weekly line at {p}" for p in along(chart, days, values, chart.connect()) if rect.contains(p)]
    mean_days, mean_values = chart.rolling_mean_points()
    found += [
        f"4-week average at {p}"
        for p in along(chart, mean_days, mean_values, chart.connect())
        if rect.contains(p)
    ]
    trend = chart.trend_line()
    if trend is not None:
        (d0, v0), (d1, v1) = trend
        found += [f"trend at {p}" for p in along(chart, [d0, d1], [v0, v1], None) if rect.contains(p)]
    return found


@pytest.mark.parametrize("size", [PDF_SIZE, SCREEN_SIZE], ids=["pdf", "screen"])
def test_goal_labels_cover_no_point_and_no_line(
    qtbot: QtBot, demo_store: Store, size: tuple[int, int]
) -> None:
    checked = 0
    for key, chart in demo_charts(demo_store, size):
        for line in chart.goal_line_items():
            rect = line.label.sceneBoundingRect()
            assert chart.plotItem.getViewBox().sceneBoundingRect().contains(rect), (
                f"{key}: label outside the plot"
            )
            assert not covered(chart, rect), (
                f"{key}: {line.label.toPlainText()!r} covers {covered(chart, rect)[:3]}"
            )
            checked += 1
    assert checked >= 5  # every goal of the demo patient


def test_two_goal_labels_never_overlap(qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker) -> None:
    goals = [
        Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER),
        Goal(Discipline.OT, "Pain at work", "pain", 2.5, Direction.LOWER),
    ]
    chart.set_data(make_series([7, 6, 6, 5, 5, 4, 4, 3]), goals=goals)
    first, second = (line.label.sceneBoundingRect() for line in chart.goal_line_items())
    assert not first.intersects(second)


def test_event_labels_are_whole_in_the_pdf_charts(qtbot: QtBot, demo_store: Store) -> None:
    patient = demo_store.patients()[0]
    assert patient.id is not None
    named = {e.day: event_label(e) for e in demo_store.events(patient.id)}
    assert any(len(text) > 22 for text in named.values())  # "Splint off; start grip work" was cut at 22
    for key, chart in demo_charts(demo_store, PDF_SIZE):
        shown = chart.event_lines()
        assert shown, key
        assert all(text == named[day] for day, text in shown), f"{key}: {shown}"


def test_event_labels_stay_out_of_the_plot(
    qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker, week
) -> None:  # type: ignore[no-untyped-def]
    events = [Event(week(1), EventKind.CLINICIAN_NOTE, "Started step-ups and a longer walk every day")]
    chart.set_data(make_series([10, 10, 9, 10]), events=events)
    chart.show()
    qtbot.waitExposed(chart)
    strip = chart.plotItem.getAxis("top").geometry()
    plot = chart.plotItem.getViewBox().geometry()
    assert strip.height() > 0 and strip.bottom() <= plot.top() + 1


def scale_spare(chart: MarkerChart) -> float:
    """How far past a scale's end the plot may reach: a point's radius and a few pixels, in values."""
    low, high = chart.y_range()
    return (chart.theme.point_size / 2 + 3) * (high - low) / chart.plotItem.getViewBox().height()


@pytest.mark.parametrize("values", [[0, 10, 0, 10, 5], [9, 10, 10, 10], [0, 1, 0, 0]])
def test_a_0_to_10_scale_never_runs_past_its_ends(
    qtbot: QtBot,
    chart: MarkerChart,
    make_series: SeriesMaker,
    week,
    values: list[float],  # type: ignore[no-untyped-def]
) -> None:
    events = [Event(week(1), EventKind.CLINICIAN_NOTE, "New exercise programme")]
    goals = [Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER, target_date=week(6))]
    chart.set_data(make_series(values), goals=goals, events=events, band=2)
    low, high = chart.y_range()
    assert low >= 0 - scale_spare(chart) and high <= 10 + scale_spare(chart), (low, high)
    assert max(values) <= high and min(values) >= low  # every point still shown


def test_no_demo_chart_runs_past_its_scale(qtbot: QtBot, demo_store: Store) -> None:
    for key, chart in demo_charts(demo_store, PDF_SIZE):
        info = describe(key, demo_store.activities(demo_store.patients()[0].id or 0, include_archived=True))
        low, high = chart.y_range()
        assert low >= info.low - scale_spare(chart) and high <= info.high + scale_spare(chart), key


def test_a_target_marker_hides_no_weekly_point(
    qtbot: QtBot,
    make_series: SeriesMaker,
    week,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    series = make_series([6, 5, 4, 3, 2, 2])
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER, target_date=week(4))
    pictures = []
    for goals in ([], [goal]):
        chart = MarkerChart()
        qtbot.addWidget(chart)
        chart.set_data(series, goals=goals, theme=LIGHT, x_range=(week(0), week(5)))
        path = render_png(chart, tmp_path / f"goals-{len(goals)}.png", SCREEN_SIZE)
        (spot,) = scene_points(chart, [timestamp(week(4))], [2.0])
        pictures.append(QImage(str(path)).pixelColor(round(spot.x()), round(spot.y())))
    without, with_goal = pictures

    def near(a: QColor, b: QColor) -> bool:
        return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 8

    assert near(without, QColor(LIGHT.data))
    assert near(with_goal, QColor(LIGHT.data))  # the week on the target date still shows as a weekly point


def test_a_goal_label_hides_the_event_line_behind_it_when_drawn_on_a_page(
    qtbot: QtBot,
    make_series: SeriesMaker,
    week,  # type: ignore[no-untyped-def]
) -> None:
    """Drawn at an offset (a chart's place on a PDF page), a goal label's fill is still under its text:
    an event line crossing the label does not show through."""
    goal = Goal(Discipline.PT, "Pain", "pain", 3, Direction.LOWER)
    events = [Event(week(1), EventKind.CLINICIAN_NOTE, "Started step-ups")]
    chart = make_print_chart(
        make_series([8, 8, 7, 7, 6, 6, 5, 5]), [goal], events, (week(0), week(7)), None, PDF_SIZE
    )
    qtbot.addWidget(chart)
    offset = QPointF(40, 300)
    page = QImage(600, 600, QImage.Format.Format_ARGB32)
    page.fill(QColor("#FFFFFF"))
    painter = QPainter(page)
    try:
        render_chart_to(
            painter, QRectF(offset, QPointF(offset.x() + PDF_SIZE[0], offset.y() + PDF_SIZE[1])), chart
        )
    finally:
        painter.end()
    (line,) = chart.goal_line_items()
    label = line.label.sceneBoundingRect().translated(offset)
    (event_x,) = [p.x() + offset.x() for p in scene_points(chart, [timestamp(week(1))], [3.0])]
    assert label.left() < event_x < label.right()  # the event's line runs through the label's box
    column = [
        page.pixelColor(round(event_x), y) for y in range(round(label.top()) + 2, round(label.bottom()) - 2)
    ]
    grey = QColor(chart.theme.event)
    assert not any(abs(c.red() - grey.red()) < 12 and c.red() == c.green() == c.blue() for c in column)


def test_crowded_event_labels_never_overlap_and_a_cut_one_keeps_its_words_in_the_tooltip(
    qtbot: QtBot,
    chart: MarkerChart,
    make_series: SeriesMaker,
    week,  # type: ignore[no-untyped-def]
) -> None:
    texts = [f"Note {i}: changed the home exercise programme again" for i in range(8)]
    events = [Event(week(i), EventKind.CLINICIAN_NOTE, text) for i, text in enumerate(texts)]
    chart.set_data(make_series([5] * 8), events=events, x_range=(week(0), week(7)))
    chart.show()
    qtbot.waitExposed(chart)
    strip = chart.plotItem.getAxis("top")
    metrics = QFontMetricsF(strip._font)
    (x0, x1), _ = chart.plotItem.getViewBox().viewRange()
    width = chart.plotItem.getViewBox().width()
    spans: dict[int, list[tuple[float, float]]] = {}
    for label in strip.labels:
        if not label.shown:
            continue
        px = (label.x - x0) / (x1 - x0) * width
        w = metrics.horizontalAdvance(label.shown)
        spans.setdefault(label.row, []).append((px, px + w) if label.right else (px - w, px))
    for row in spans.values():
        row.sort()
        assert all(a[1] <= b[0] for a, b in zip(row, row[1:], strict=False)), row
    tips = chart.event_tips()
    for label in strip.labels:
        if label.shown != label.text:
            assert label.text in tips[day_of(label.x)]  # the whole note, on hover
            # ... hovering its line shows it
            view = chart.plotItem.getViewBox()
            pointer = chart.drawing.mapFromScene(view.mapViewToScene(QPointF(label.x, 5.0)))
            assert label.text in chart.drawing.event_tip_at(pointer)
    assert any(label.shown == label.text for label in strip.labels)
