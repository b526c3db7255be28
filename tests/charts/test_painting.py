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

    def plain(specs: tuple) -> tuple:  # type: ignore[type-arg]
        axis_spec, ticks, texts = specs
        return (
            (
                axis_spec[0].color().rgba(),
                axis_spec[1].x(),
                axis_spec[1].y(),
                axis_spec[2].x(),
                axis_spec[2].y(),
            ),
            [(pen.color().rgba(), a.x(), a.y(), b.x(), b.y()) for pen, a, b in ticks],
            [(r.getRect(), int(flags), text) for r, flags, text in texts],
        )

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
                assert plain(ours) == plain(theirs), (weeks, size, name)
                checked += len(theirs[1])
    assert checked > 200  # ticks and grid lines compared
