"""What a chart costs to paint: its fast grid draws exactly what pyqtgraph's own axes draw, and a chart
is painted once when first shown and once per range change (the second paints were half the cost)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.charts.axes import DateAxis, ValueAxis
from rehabtrack.charts.marker_chart import MarkerChart, timestamp
from rehabtrack.core.series import Series

SeriesMaker = Callable[..., Series]


def plain_specs(specs: tuple) -> tuple:  # type: ignore[type-arg]
    """An axis's draw specs as plain values: the axis line, each tick's pen and ends, each label."""
    (pen, start, end), ticks, texts = specs
    return (
        (pen.color().rgba(), start.x(), start.y(), end.x(), end.y()),
        [(pen.color().rgba(), pen.widthF(), a.x(), a.y(), b.x(), b.y()) for pen, a, b in ticks],
        [(r.getRect(), int(flags), text) for r, flags, text in texts],
    )


def grid_plot(qtbot: QtBot, fast: bool, days: int) -> pg.PlotWidget:
    axes = (
        {"left": ValueAxis("left"), "bottom": DateAxis(orientation="bottom", utcOffset=0)}
        if fast
        else {"left": pg.AxisItem("left"), "bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0)}
    )
    plot = pg.PlotWidget(axisItems=axes, background="w")
    qtbot.addWidget(plot)
    plot.showGrid(x=True, y=True, alpha=0.3)
    start = timestamp(date(2026, 1, 5))
    xs = [start + i * 7 * 86400 for i in range(days // 7)]
    plot.plot(xs, [3 + (i % 5) * 0.7 for i in range(len(xs))], pen="k")
    plot.resize(436, 240)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def pixels(plot: pg.PlotWidget) -> QImage:
    return plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_grid_and_ticks_are_pixel_for_pixel_pyqtgraphs(qtbot: QtBot) -> None:
    for days in (28, 365, 3650):  # weekly, monthly and yearly ticks, with minor grid levels
        ours, stock = grid_plot(qtbot, True, days), grid_plot(qtbot, False, days)
        assert pixels(ours) == pixels(stock), f"{days} days: the grids differ"
        ours.close()
        stock.close()


class PaintCounter(QObject):
    """Counts the Paint events of one chart's viewport."""

    def __init__(self, chart: MarkerChart) -> None:
        super().__init__()
        self.viewport = chart.viewport()
        self.paints = 0
        self.viewport.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.viewport and event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_a_chart_added_to_a_window_on_screen_is_painted_once(qtbot: QtBot, make_series: SeriesMaker) -> None:
    """As the dashboard adds a chart when its cell scrolls into view."""
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    window.resize(480, 280)
    window.show()
    qtbot.waitExposed(window)
    window.update()  # a repaint already pending, as when the dashboard tab is clicked
    chart = MarkerChart()
    counter = PaintCounter(chart)
    layout.addWidget(chart)
    chart.show()
    chart.set_data(make_series([5.0 - 0.03 * i for i in range(120)]))
    qtbot.wait(100)
    assert counter.paints == 1


def test_a_range_change_paints_the_chart_once(
    qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker, week: Callable[[int], date]
) -> None:
    chart.set_data(make_series([5.0 - 0.03 * i for i in range(120)]))
    chart.resize(436, 240)
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.wait(50)
    counter = PaintCounter(chart)
    for start in (week(60), week(0), week(100)):
        counter.paints = 0
        chart.set_x_range(start, week(119))
        qtbot.wait(50)
        assert counter.paints == 1, f"{counter.paints} paints for one range change"


def test_a_range_change_that_adds_or_drops_a_row_of_event_names_paints_once(
    qtbot: QtBot, chart: MarkerChart, make_series: SeriesMaker, week: Callable[[int], date]
) -> None:
    """The strip of event names above the plot grows or shrinks, and the plot with it, in one paint."""
    from rehabtrack.core.model import Direction, Discipline, Event, EventKind, Goal

    events = [
        Event(week(i), EventKind.CLINICIAN_NOTE, f"Note {i} about the home programme")
        for i in range(0, 120, 6)
    ]
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER)
    chart.set_data(make_series([5.0 - 0.03 * i for i in range(120)]), goals=[goal], events=events)
    chart.resize(436, 240)
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.wait(50)
    counter = PaintCounter(chart)
    heights = set()
    for start in (week(100), week(0), week(110), week(60), week(0)):  # 2, 20 (unlabelled), 1, 10 events
        counter.paints = 0
        chart.set_x_range(start, week(119))
        qtbot.wait(50)
        heights.add(chart.plotItem.getAxis("top").height())
        assert counter.paints == 1, f"{counter.paints} paints for one range change"
    assert len(heights) >= 2  # the strip did change height


def test_tick_specs_are_pyqtgraphs_to_the_last_bit(qtbot: QtBot, make_series: SeriesMaker) -> None:
    """Where each tick, grid line and label goes, worked out without pyqtgraph's per-tick objects,
    equals what pyqtgraph works out (positions, pens, label boxes and texts), for the date axis and the
    value axis at a week, a year and ten years, narrow and wide."""
    from PySide6.QtGui import QPainter

    from rehabtrack.charts.axes import _MeasuringPainter as MeasuringPainter
    from rehabtrack.charts.tick_specs import draw_specs, handled

    chart = MarkerChart()
    qtbot.addWidget(chart)
    image = QImage(1000, 600, QImage.Format.Format_ARGB32)
    checked = 0
    for weeks in (2, 53, 520):
        chart.set_data(make_series([3 + (i % 7) * 0.9 for i in range(weeks)]))
        for size in ((436, 240), (900, 520)):
            chart.resize(*size)
            chart.show()
            qtbot.waitExposed(chart)
            qtbot.wait(20)
            for name in ("left", "bottom"):
                axis = chart.plotItem.getAxis(name)
                assert handled(axis)
                painter = QPainter(image)
                try:
                    ours = draw_specs(axis, MeasuringPainter(painter))
                    theirs = axis.generateDrawSpecs(painter)
                finally:
                    painter.end()
                assert plain_specs(ours) == plain_specs(theirs), (weeks, size, name)
                checked += len(theirs[1])
    assert checked > 200  # ticks and grid lines compared


def test_ticks_of_a_range_shown_again_are_those_worked_out_afresh(
    qtbot: QtBot, make_series: SeriesMaker, week: Callable[[int], date]
) -> None:
    """An axis keeps the ticks, grid and labels of the ranges and sizes it showed lately: whatever
    changes in between (range, size, theme with its pens and font, grid on or off, a row of event
    names), what it paints from is what pyqtgraph works out for the axis as it is now."""
    from dataclasses import replace

    from PySide6.QtGui import QFont, QPainter

    from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT
    from rehabtrack.core.model import Event, EventKind

    chart = MarkerChart()
    qtbot.addWidget(chart)
    chart.resize(436, 240)
    chart.show()
    qtbot.waitExposed(chart)
    series = make_series([3 + (i % 7) * 0.9 for i in range(300)])
    events = [Event(week(i), EventKind.CLINICIAN_NOTE, f"Note {i}") for i in (250, 280)]
    image = QImage(1000, 600, QImage.Format.Format_ARGB32)
    year, all_weeks = (week(250), week(299)), (week(0), week(299))
    serif = QFont("DejaVu Serif")
    serif.setPointSizeF(LIGHT.font_pt)
    steps = [
        (LIGHT, year, (436, 240), None),
        (LIGHT, all_weeks, (436, 240), None),
        (LIGHT, year, (436, 240), None),  # shown again: its kept ticks
        (replace(LIGHT, foreground="#0033AA"), year, (436, 240), None),  # only the pens differ
        (LIGHT, year, (436, 240), serif),  # only the tick font differs
        (LIGHT, year, (436, 240), None),
        (DARK, year, (436, 240), None),
        (replace(LIGHT, font_pt=LIGHT.font_pt * 1.75), year, (436, 240), None),
        (LIGHT, year, (700, 400), None),  # other size
        (LIGHT, all_weeks, (700, 400), None),  # no date grid over years
        (replace(LIGHT, grid_alpha=90), year, (436, 240), None),  # only the grid differs
        (HIGH_CONTRAST, all_weeks, (436, 240), None),
        (LIGHT, all_weeks, (436, 240), None),
        (LIGHT, year, (436, 240), None),
    ]
    compared = 0
    for theme, (start, end), size, font in steps:
        chart.resize(*size)
        chart.set_data(series, events=events, theme=theme, x_range=(start, end))
        if font is not None:
            for name in ("left", "bottom"):
                chart.plotItem.getAxis(name).setTickFont(font)
        qtbot.wait(30)
        for name in ("left", "bottom"):
            axis = chart.plotItem.getAxis(name)
            chart.viewport().repaint()
            painter = QPainter(image)
            try:
                theirs = axis.generateDrawSpecs(painter)
            finally:
                painter.end()
            assert plain_specs(axis._specs) == plain_specs(theirs), (theme.name, start, size, name)
            compared += len(theirs[1]) + len(theirs[2])
    assert compared > 300


def test_what_is_on_screen_after_each_change_is_the_chart_painted_afresh(
    qtbot: QtBot, make_series: SeriesMaker, week: Callable[[int], date]
) -> None:
    """Qt paints again only the part of a chart that changed (the plot after a saved week, say) and
    items skip what they would draw outside it: the screen must then hold exactly what a paint of the
    whole chart gives."""
    from rehabtrack.charts.theme import DARK, LIGHT
    from rehabtrack.core.model import Direction, Discipline, Event, EventKind, Goal

    chart = MarkerChart()
    qtbot.addWidget(chart)
    chart.resize(436, 240)
    chart.show()
    qtbot.waitExposed(chart)
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER, target_date=week(70))
    first = [Event(week(i), EventKind.CLINICIAN_NOTE, f"Note {i} about the home programme") for i in (40, 52)]
    other = [Event(week(45), EventKind.SURGERY, "Knee replacement")]
    values = [5.0 - 0.03 * i + (i % 3) * 0.4 for i in range(60)]
    later = make_series([*values, 6.0])
    changes: list[tuple[str, Callable[[], None]]] = [
        ("first data", lambda: chart.set_data(make_series(values), [goal], first, band=1.0)),
        ("a week saved", lambda: chart.set_data(make_series([*values, 3.0]), [goal], first, band=1.0)),
        ("its value changed", lambda: chart.set_data(later, [goal], first, band=1.0)),
        ("other events", lambda: chart.set_data(later, [goal], other, band=1.0)),
        ("a shorter range", lambda: chart.set_x_range(week(48), week(60))),
        ("all of it", lambda: chart.set_x_range(week(0), week(60))),
        ("the dark theme", lambda: chart.set_data(later, [goal], other, DARK, band=1.0)),
        ("the light theme", lambda: chart.set_data(later, [goal], first, LIGHT)),
        ("hovered point", lambda: chart.drawing.update()),
    ]
    for what, change in changes:
        change()
        qtbot.wait(20)
        on_screen = chart.screen().grabWindow(chart.winId()).toImage()
        assert on_screen.convertToFormat(QImage.Format.Format_RGB32) == pixels(chart), what
