"""One marker's weekly values over time, with its rolling mean, trend, goals and events.

The chart draws exactly what the data says: a missed week breaks the line (it is never bridged),
the trend is the same Theil–Sen line ``core.progress`` projects from, drawn only when core finds a
clear trend (``core.progress.clear_trend``: noise draws no line), and the shaded band shows how
big a change must be before it counts as more than normal variation.

Every item is created once in ``__init__`` (goal and event lines come from pools that only grow), so
the dashboard can call ``set_data`` as often as it likes without the scene filling up.
"""

from __future__ import annotations

import calendar
import html
import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Any, Literal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from rehabtrack.charts.axes import DateAxis, ValueAxis
from rehabtrack.charts.band import Band
from rehabtrack.charts.drawing import ChartDrawing, GoalLabel, GoalLine
from rehabtrack.charts.event_strip import EventStrip, StripLabel
from rehabtrack.charts.fonts import without_ligatures
from rehabtrack.charts.placement import Box, Obstacles, best_box
from rehabtrack.charts.theme import LIGHT, ChartTheme
from rehabtrack.core.instruments import SERIES_PREFIX
from rehabtrack.core.markers import Marker
from rehabtrack.core.model import Direction, Event, EventKind, Goal
from rehabtrack.core.numbers import exact, format_value
from rehabtrack.core.progress import (
    NO_TREND_LINE,
    TREND_WINDOW_WEEKS,
    GoalProgress,
    clear_trend,
    default_baseline,
    progress_toward,
)
from rehabtrack.core.series import Point, Series, describe
from rehabtrack.core.trend import Trend, rolling_mean

ROLLING_WEEKS = 4
TREND_WEEKS = TREND_WINDOW_WEEKS
EMPTY_MESSAGE = "No weeks logged yet"
RANGE_PRESETS: tuple[str, ...] = ("4 weeks", "12 weeks", "6 months", "1 year", "All")
# Padding around the requested date span so a point on the first or last day is drawn whole.
X_PAD_DAYS = 3.5
Y_PAD_FRACTION = 0.12
# A point on a scale's end is drawn whole: the value range reaches this many pixels past the end, no more.
SCALE_END_PX = 2.0
GOAL_LABEL_GAP_PX = 2.0  # between a goal line and its label
NEAR_PX = 64.0  # beyond any symbol's or line's reach into the spots a goal label may take
FOCUS_RING_PX = 2.0
# Where along its line a goal's label may go, in the order tried: (share of the width, right-aligned).
GOAL_LABEL_SPOTS = ((0.01, False), (0.99, True)) + tuple(
    (share / 10, share > 5) for share in (3, 7, 2, 8, 4, 6, 1, 9, 5)
)
ONE_WEEK = timedelta(days=7)
MIN_TITLE_PT = 6.5
GRID_MAX_DAYS = 400
MAX_LABELLED_EVENTS = 12  # more events than this in the range: plain lines, as their labels would pile up
LEFT_AXIS_PX_PER_PT = 62 / 9
# Below the tick labels' line height: their offset from the axis line and a pixel to spare.
BOTTOM_AXIS_SPARE_PX = 4
_week = attrgetter("week")
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
SECONDS_PER_DAY = 86400


def timestamp(day: date) -> float:
    """Seconds since the epoch at midnight UTC of ``day`` (the date axis is drawn in UTC)."""
    return float((day.toordinal() - EPOCH_ORDINAL) * SECONDS_PER_DAY)


def day_of(seconds: float) -> date:
    return datetime.fromtimestamp(seconds, UTC).date()


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def range_for(preset: str, today: date, first_week: date | None) -> tuple[date, date]:
    """The dates a range preset shows, ending today.

    "4 weeks" and "12 weeks" are the 28 and 84 days ending today; months and years are calendar ones;
    "All" starts at the first logged week (or 4 weeks back when nothing is logged yet).
    """
    if preset == "4 weeks":
        return today - timedelta(days=28), today
    if preset == "12 weeks":
        return today - timedelta(days=84), today
    if preset == "6 months":
        return _months_before(today, 6), today
    if preset == "1 year":
        return _months_before(today, 12), today
    if preset == "All":
        if first_week is None:
            return today - timedelta(days=28), today
        return min(first_week, today), today
    raise ValueError(f"unknown range preset {preset!r}; known: {', '.join(RANGE_PRESETS)}")


def _marker_for(series: Series) -> Marker | None:
    try:
        return describe(series.key)
    except (KeyError, ValueError):
        return None


def value_text(value: float, series: Series) -> str:
    """A value as a patient reads it: "4/10", "108°", "35 min", "6.5 h a night"."""
    info = _marker_for(series)
    whole = info.whole if info is not None else False
    if info is not None and not series.unit and info.low == 0:
        return f"{format_value(value, '', whole)}/{exact(info.high)}"
    return format_value(value, series.unit, whole)


def axis_title(series: Series, separator: str = " ") -> str:
    """E.g. "Pain (weekly average) 0–10 (lower is better)" or "Right knee flexion (°)".

    ``separator`` goes before "(lower is better)"; the chart uses a line break so the label fits a
    short chart.
    """
    info = _marker_for(series)
    title = series.label
    if series.unit:
        title = f"{title} ({series.unit})"
    elif info is not None:
        title = f"{title} {exact(info.low)}–{exact(info.high)}"
    if series.lower_is_better:
        title = f"{title}{separator}(lower is better)"
    return title


def goal_label(goal: Goal, series: Series, today: date | None = None) -> str:
    """E.g. "PT goal: ≤ 2/10 by 12 Mar"; the year is added when the target date is in another year."""
    sign = "≤" if Direction(goal.direction) == Direction.LOWER else "≥"
    text = f"{goal.discipline} goal: {sign} {value_text(goal.target, series)}"
    if goal.target_date is not None:
        ref = today or goal.target_date
        day = goal.target_date
        when = f"{day.day} {day:%b}" if day.year == ref.year else f"{day.day} {day:%b %Y}"
        text = f"{text} by {when}"
    return text


def event_label(event: Event) -> str:
    """The kind ("Surgery"), or the note's whole text when the kind says little."""
    if EventKind(event.kind) in (EventKind.CLINICIAN_NOTE, EventKind.OTHER) and event.text.strip():
        return " ".join(event.text.split())
    return str(event.kind.value).capitalize()


def _day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


ProgressOf = Callable[[Goal, Series, date], GoalProgress]


def chart_summary(
    series: Series,
    goals: Sequence[Goal] = (),
    today: date | None = None,
    progress: ProgressOf = progress_toward,
    trend: Trend | None | Literal["unknown"] = "unknown",
) -> str:
    """One sentence a screen reader says for a chart, in the goals panel's words: what was logged, the
    latest value, and where each goal stands (core's progress sentence). ``progress`` and ``trend``
    (``clear_trend`` of the series): what the caller has worked out already."""
    points = sorted(series.points, key=_week)
    if not points:
        text = f"{series.label}: no weeks logged yet"
    else:
        first, last = points[0], points[-1]
        count = f"{len(points)} week{'s' if len(points) != 1 else ''} logged"
        text = (
            f"{series.label}: {count} from {_day_text(first.week)} to {_day_text(last.week)}, "
            f"latest {value_text(last.value, series)}; {trend_text(series, trend)}"
        )
    day = today or (points[-1].week if points else date.today())
    for goal in goals:
        text += f"; {goal.discipline} goal: {progress(goal, series, day).sentence()}"
    return text + "."


def trend_text(series: Series, trend: Trend | None | Literal["unknown"] = "unknown") -> str:
    """What the dashed line says: the clear trend's direction, or that there is none (core's rule)."""
    line = clear_trend(series.points, series.key, TREND_WEEKS) if trend == "unknown" else trend
    if line is None:
        return NO_TREND_LINE
    way = "rising" if line.slope_per_week > 0 else "falling"
    return f"dashed line: {way} trend over the last {TREND_WEEKS} weeks"


def week_tooltip(week: date, value: float, series: Series) -> str:
    return f"Week of {week.day} {week:%b %Y}: {value_text(value, series)}"


def connect_array(weeks: Sequence[date], weekly: bool = True) -> np.ndarray:
    """pyqtgraph ``connect``: 1 where the next point is the very next week, 0 across a missed week.

    A questionnaire taken now and then (``weekly`` False) has no missed weeks: its scores are joined.
    """
    out = np.zeros(len(weeks), dtype=np.int32)
    for i in range(len(weeks) - 1):
        out[i] = 1 if not weekly or weeks[i + 1] - weeks[i] == ONE_WEEK else 0
    return out


def joins(xs: np.ndarray, weekly: bool = True) -> np.ndarray:
    """``connect_array`` from the weeks as drawn (seconds on the date axis), worked out at once."""
    out = np.zeros(len(xs), dtype=np.int32)
    if len(xs) > 1:
        out[:-1] = 1 if not weekly else np.diff(xs) == 7 * SECONDS_PER_DAY
    return out


def is_weekly(series: Series) -> bool:
    """Logged every week (a gap means a missed week), unlike questionnaire scores (PSFS is weekly)."""
    return not series.key.startswith(SERIES_PREFIX) or series.key == f"{SERIES_PREFIX}PSFS"


def _pen(colour: str, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> Any:
    pen = pg.mkPen(color=colour, width=width, style=style)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut]}<br>{text[cut + 1 :]}"


class MarkerChart(pg.PlotWidget):  # type: ignore[misc]
    """One marker series over time. Build once, then call ``set_data`` whenever the data changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent=parent,
            enableMenu=False,  # the right-click menu is off: not built at all
            axisItems={
                "bottom": DateAxis(orientation="bottom", utcOffset=0),
                "left": ValueAxis("left"),
                "top": EventStrip(),
            },
        )
        self._theme: ChartTheme = LIGHT
        self._series: Series | None = None
        self._weeks: list[date] = []
        self._xs = np.zeros(0)  # the weeks as drawn: seconds on the date axis
        self._values: list[float] = []
        self._connect = np.zeros(0, dtype=np.int32)
        self._mean: list[tuple[date, float]] = []
        self._points: list[Point] = []  # the series' points as drawn, in week order
        self._trend: tuple[tuple[date, float], tuple[date, float]] | None = None
        self._goals: list[Goal] = []
        self._labelled: tuple[Any, ...] = ()  # what the goals' lines and labels were made from
        self._events: list[Event] = []
        self._x_range: tuple[date, date] | None = None
        self._band: tuple[float, float] | None = None
        self._axis_text, self._axis_room = "", 0.0
        self._y_extent: tuple[float, float] | None = None  # the values shown, worked out once per set_data
        self._title_fits: dict[tuple[str, float, ChartTheme], tuple[str, float]] = {}
        self._title_shown: tuple[str, float] | None = None
        self._re_laying = False  # the plot is being laid out again from within _apply_ranges

        plot = self.plotItem
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=True, y=True)
        plot.showAxis("top")
        self._strip: EventStrip = plot.getAxis("top")
        self._strip.setGrid(False)

        self._band_item = Band()
        self._band_item.setZValue(-20)
        # The typical (normal) range of a ROM movement: fainter than the meaningful-change band, behind it.
        self._typical_item = Band()
        self._typical_item.setZValue(-30)
        self._typical_item.setVisible(False)
        self._typical: tuple[float, float] | None = None
        # Lines, goals, events and points: one item, painted in one pass (see charts/drawing.py).
        self._drawing = ChartDrawing()
        self._drawing.point_tip = self._tip
        # Over a long range with many events: plain vertical lines, no labels to overlap.
        self._dense_xs: list[float] = []
        self._message = pg.TextItem(EMPTY_MESSAGE, anchor=(0.5, 0.5), border=None)
        self._message.setZValue(30)
        for item in (self._typical_item, self._band_item, self._drawing, self._message):
            plot.addItem(item, ignoreBounds=True)
        self._labels: list[GoalLabel] = []  # one per goal shown so far: only grows
        # Where the goal labels went, by view range and size (a range preset chosen again finds them).
        self._label_spots: dict[tuple[float, ...], list[tuple[float, tuple[float, float]]]] = {}
        self._shown_events: list[int] | None = None
        plot.getViewBox().sigResized.connect(self._on_resized)
        self.apply_theme(LIGHT)
        self._settle()

    def _settle(self) -> None:
        """Do now what Qt and pyqtgraph would do at the start of the next paint, or just after it.

        pyqtgraph moves the view to a new range when the paint begins, and the scene polishes new plot
        parts and reports changed areas in queued calls that can come after the paint: each marks the
        chart dirty again, and Qt paints it a second time (half the cost of a range change, a fifth of
        start-up). Done here, the next paint is the only one.
        """
        view = self.plotItem.getViewBox()
        if not view.rect().isEmpty():
            view.prepareForPaint()
        QCoreApplication.sendPostedEvents(self.scene(), QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)

    # -- data --------------------------------------------------------------------------------------

    def set_data(
        self,
        series: Series,
        goals: Sequence[Goal] = (),
        events: Sequence[Event] = (),
        theme: ChartTheme = LIGHT,
        x_range: tuple[date, date] | None = None,
        band: float | None = None,
        typical: tuple[float, float] | None = None,
        progress: ProgressOf = progress_toward,
    ) -> None:
        """Show ``series``; goals for other series keys are ignored.

        ``band`` is the meaningful-change half-width (see ``core.meaningful_change.threshold_for``): a
        band of ± that much is shaded around the baseline (the first goal's own baseline if it has
        one, else the mean of the first two logged weeks). ``x_range`` None fits the data and the
        goals' target dates. ``progress`` works out where a goal stands (the caller's, when it keeps
        what it worked out for the goals panel).
        """
        if theme != self._theme:
            self.apply_theme(theme)
        self._series = series
        points = sorted(series.points, key=_week)
        self._take_points(points, is_weekly(series))
        xs, ys = self._xs, np.array(self._values, dtype=float)

        drawing = self._drawing
        drawing.line.set(xs, ys, self._connect.copy())
        drawing.points.set(xs, ys, [self._point_style()], np.zeros(len(xs)), self._weeks)
        drawing.mean.set(xs, np.array([v for _, v in self._mean], dtype=float), self._connect.copy())

        line = clear_trend(points, series.key, TREND_WEEKS)  # noise draws no line: core's rule
        if line is not None:
            window = [w for w in self._weeks if w >= self._weeks[-1] - timedelta(weeks=TREND_WEEKS - 1)]
            start, end = window[0], window[-1]
            self._trend = ((start, line.value_at(start)), (end, line.value_at(end)))
            drawing.trend.set([timestamp(start), timestamp(end)], [self._trend[0][1], self._trend[1][1]])
        else:
            self._trend = None
            drawing.trend.set([], [])
        drawing.update()

        self._goals = [g for g in goals if g.marker == series.key]
        # The goals' lines and labels, and the events', are made again only when they would differ.
        labelled = (self._goals, series.key, series.unit, self._weeks[-1].year if self._weeks else None)
        if labelled != self._labelled:
            self._labelled = labelled
            self._update_goals(series)
        self._label_spots.clear()  # new data: the labels are placed afresh
        events_now = sorted(events, key=lambda e: e.day)
        if events_now != self._events:
            self._events = events_now
            self._update_events()

        self._band = None
        if band is not None and band > 0:
            centre = next((g.baseline for g in self._goals if g.baseline is not None), None)
            if centre is None:
                centre = default_baseline(points)
            if centre is not None:
                self._band = (centre - band, centre + band)
        if self._band is not None:
            self._band_item.set_region(*self._band)
            self._band_item.setVisible(True)
        else:
            self._band_item.setVisible(False)
        self._typical = typical if typical is not None and typical[1] > typical[0] else None
        if self._typical is not None:
            self._typical_item.set_region(*self._typical)
        self._typical_item.setVisible(self._typical is not None)

        self._set_axis_title()
        self._x_range = x_range
        self._y_extent = None
        self._apply_ranges()
        self.setAccessibleName(axis_title(series))
        self.viewport().setAccessibleName(axis_title(series))  # the drawing area takes clicks: named too
        today = x_range[1] if x_range is not None else None
        self.setAccessibleDescription(chart_summary(series, self._goals, today, progress, line))

    def _take_points(self, points: list[Point], weekly: bool) -> None:
        """Keep ``points`` (in week order) as drawn: weeks, values, positions, joins and 4-week means.

        Only the stretch that differs from the points kept before is worked out again (a saved week
        is one point, and the means of the three weeks after it), so a save does not go through ten
        years of points; the result is the same as working everything out afresh."""
        old = self._points
        n_old, n_new = len(old), len(points)
        same = 0  # points alike at the start …
        while same < min(n_old, n_new) and (old[same] is points[same] or old[same] == points[same]):
            same += 1
        tail = 0  # … and at the end
        while tail < min(n_old, n_new) - same and (
            old[n_old - 1 - tail] is points[n_new - 1 - tail]
            or old[n_old - 1 - tail] == points[n_new - 1 - tail]
        ):
            tail += 1
        end = n_new - tail  # points[same:end] are new; old[same:n_old - tail] are gone
        middle = points[same:end]
        self._points = points
        self._weeks = self._weeks[:same] + [p.week for p in middle] + self._weeks[n_old - tail :]
        self._values = self._values[:same] + [p.value for p in middle] + self._values[n_old - tail :]
        self._xs = np.concatenate(
            [
                self._xs[:same],
                np.array([timestamp(p.week) for p in middle], dtype=float),
                self._xs[n_old - tail :],
            ]
        )
        self._connect = joins(self._xs, weekly)
        # A week's mean takes the weeks up to ROLLING_WEEKS - 1 before it: the new points' means and
        # those of the ROLLING_WEEKS - 1 points after them change.
        upto = min(n_new, end + ROLLING_WEEKS - 1)
        if same < upto:
            start = points[same].week - timedelta(weeks=ROLLING_WEEKS - 1)
            first = bisect_left(points, start, 0, same, key=_week)
            means = rolling_mean(points[first:upto], ROLLING_WEEKS)[same - first :]
        else:
            means = []
        self._mean = (
            self._mean[:same] + [(p.week, p.value) for p in means] + self._mean[upto - n_new + n_old :]
        )

    def _point_style(self) -> tuple[str, float, QPen, QBrush]:
        theme = self._theme
        return ("o", theme.point_size, pg.mkPen(theme.background, width=1), pg.mkBrush(theme.data))

    def _update_goals(self, series: Series) -> None:
        theme = self._theme
        drawing = self._drawing
        self._label_spots.clear()  # new goals, data or look: their labels are placed afresh
        while len(self._labels) < len(self._goals):
            self._labels.append(GoalLabel(drawing))
        today = self._weeks[-1] if self._weeks else None
        lines: list[GoalLine] = []
        marks: list[tuple[float, float, int, date]] = []  # x, target, style, target date
        styles: list[tuple[str, float, QPen, QBrush]] = []
        for goal, label in zip(self._goals, self._labels, strict=False):
            style = theme.discipline_style(goal.discipline)
            label.target = goal.target  # placed clear of the data by _place_goal_labels
            label.setText(goal_label(goal, series, today))
            label.setColor(QColor(style.colour))
            label.fill = pg.mkBrush(theme.label_fill)
            label.setFont(self._font())
            lines.append(GoalLine(goal.target, _pen(style.colour, theme.goal_width, style.pen_style), label))
            if goal.target_date is not None:
                # hollow: a weekly point under it still shows
                styles.append(
                    (style.symbol, theme.point_size + 8, pg.mkPen(style.colour, width=2), pg.mkBrush(None))
                )
                marks.append((timestamp(goal.target_date), goal.target, len(styles) - 1, goal.target_date))
        drawing.goals = lines
        drawing.marks.set(
            [m[0] for m in marks], [m[1] for m in marks], styles, [m[2] for m in marks], [m[3] for m in marks]
        )
        drawing.update()

    def _update_events(self) -> None:
        """New events or a new theme: the lines are worked out again when next shown."""
        self._shown_events = None

    # -- ranges ------------------------------------------------------------------------------------

    def set_x_range(self, start: date, end: date) -> None:
        """Show ``start``..``end`` (a range preset or a custom span); the data is left as it is."""
        self._x_range = (start, end)
        self._apply_ranges()

    def _default_x_range(self) -> tuple[date, date]:
        days = list(self._weeks)
        days += [g.target_date for g in self._goals if g.target_date is not None]
        days += [e.day for e in self._events]
        if not days:
            today = date.today()
            return today - timedelta(days=28), today
        return min(days), max(days)

    def _apply_ranges(self) -> None:
        start, end = self._x_range if self._x_range is not None else self._default_x_range()
        if end <= start:
            end = start + timedelta(days=1)
        x0 = timestamp(start) - X_PAD_DAYS * SECONDS_PER_DAY
        x1 = timestamp(end) + X_PAD_DAYS * SECONDS_PER_DAY
        view = self.plotItem.getViewBox()
        # Over more than a year the monthly grid is a dense hatching that costs half of every repaint
        # (~25 ms a chart here) and helps nobody read a date: the tick labels stay.
        long_span = (end - start).days > GRID_MAX_DAYS
        grid = False if long_span else self._theme.grid_alpha
        bottom_axis = self.plotItem.getAxis("bottom")
        shown = bottom_axis.grid
        if (shown is False) != (grid is False) or shown != grid:  # else laid out again for nothing
            bottom_axis.setGrid(grid)

        empty = not self._weeks
        if self._y_extent is None:
            self._y_extent = self._values_shown()
        low, high = self._y_extent
        span = max(high - low, 1.0)
        pad = span * Y_PAD_FRACTION
        bottom, top = low - pad, high + pad
        self._place_event_lines(x0, x1)
        self._layout_event_labels(x0, x1)
        bottom, top = self._goal_label_room(bottom, top)
        bottom, top = self._within_scale(bottom, top)
        # Both at once: pyqtgraph tells every part of the plot about each change of range.
        view.setRange(xRange=(x0, x1), yRange=(bottom, top), padding=0)
        dense = self._drawing.dense_events
        dense.visible = bool(self._dense_xs)
        if self._dense_xs:
            xs = np.repeat(np.array(self._dense_xs, dtype=float), 2)
            dense.set(xs, np.tile([bottom, top], len(self._dense_xs)), "pairs")

        self._message.setVisible(empty)
        if empty:
            self._message.setPos((x0 + x1) / 2, (bottom + top) / 2)
        self._place_goal_labels()
        self._settle()

    def _values_shown(self) -> tuple[float, float]:
        """The lowest and highest value the chart must show, whatever the date range."""
        ys = list(self._values) + [v for _, v in self._mean] + [g.target for g in self._goals]
        if self._trend is not None:
            ys += [self._trend[0][1], self._trend[1][1]]
        if self._band is not None:
            ys += list(self._band)
        if self._typical is not None and self._series is not None:
            # Show how far there is to go: the typical bound on the better side, not the whole range
            # (0–135° would squash a knee moving from 84° to 118° into a third of the chart).
            ys.append(self._typical[0] if self._series.lower_is_better else self._typical[1])
        if not self._weeks:
            # Nothing logged: show the marker's whole scale rather than a sliver around a goal line.
            info = _marker_for(self._series) if self._series is not None else None
            ys += [info.low, info.high] if info is not None else [0.0, 1.0]
        return min(ys), max(ys)

    def _goal_label_room(self, bottom: float, top: float) -> tuple[float, float]:
        """Room for a goal's label on the far side of its line from the data (above a goal the data
        climbs towards, below one it falls towards), so the label need not sit on the data."""
        height = float(self.plotItem.getViewBox().height())
        if not self._goals or not self._values or height <= 0:
            return bottom, top
        middle = sum(self._values) / len(self._values)
        for goal, line in zip(self._goals, self._drawing.goals, strict=False):
            need = float(line.label.boundingRect().height()) + GOAL_LABEL_GAP_PX + 1
            if need >= height:
                continue
            # the label's height in pixels between the line and the plot's edge, at the span that results
            if goal.target >= middle:
                top = max(top, (goal.target * height - need * bottom) / (height - need))
            else:
                bottom = min(bottom, (goal.target * height - need * top) / (height - need))
        return bottom, top

    def _within_scale(self, bottom: float, top: float) -> tuple[float, float]:
        """Never past the ends of the marker's scale (a 0–10 rating is not drawn to 12 or −1), save a
        point's radius so a 10 or a 0 is drawn whole."""
        info = _marker_for(self._series) if self._series is not None else None
        if info is None:
            return bottom, top
        height = float(self.plotItem.getViewBox().height())
        spare = self._theme.point_size / 2 + SCALE_END_PX
        for _ in range(2):  # the spare in values depends on the span it is part of
            per_px = (top - bottom) / height if height > spare * 4 else 0.0
            bottom = max(bottom, info.low - spare * per_px)
            top = min(top, info.high + spare * per_px)
        if top <= bottom:
            top = bottom + 1.0
        return bottom, top

    def _place_event_lines(self, x0: float, x1: float) -> None:
        """Lines only for the events inside x0..x1 (a label without its line would mislead)."""
        inside = [i for i, e in enumerate(self._events) if x0 <= timestamp(e.day) <= x1]
        if inside == self._shown_events:
            return
        self._shown_events = inside
        dense = len(inside) > MAX_LABELLED_EVENTS
        self._dense_xs = [timestamp(self._events[i].day) for i in inside] if dense else []
        self._drawing.events = [] if dense else [self._event_line(self._events[i]) for i in inside]
        self._drawing.update()

    @staticmethod
    def _event_line(event: Event) -> tuple[float, str]:
        """Where an event's line goes, and what it says when hovered."""
        return timestamp(event.day), f"{event.day.day} {event.day:%b %Y}: {event.kind.value}: {event.text}"

    def _layout_event_labels(self, x0: float, x1: float) -> None:
        """Name the events shown (with their lines) in the strip above the plot, each in the first row
        where it does not run into another. Works in pixels, so it is redone on resize."""
        shown = [] if self._dense_xs else self._shown_events or []
        labels = [StripLabel(timestamp(self._events[i].day), event_label(self._events[i])) for i in shown]
        self._strip.place(labels, float(self.plotItem.getViewBox().width()), (x0, x1))
        if self._strip.height() != self._strip.wanted_height:
            # The plot takes its new height now, not in a layout pass after the next paint (which would
            # place everything again and paint the chart a second time).
            self._re_laying = True
            try:
                self.plotItem.layout.activate()
            finally:
                self._re_laying = False
            self._set_axis_title()

    def _place_goal_labels(self) -> None:
        """Put each goal's label beside its line where it covers no weekly point, no line of the
        chart and no other label: left or right end, or a third of the way in, above or below."""
        lines = self.goal_line_items()
        view = self.plotItem.getViewBox()
        width, height = float(view.width()), float(view.height())
        if not lines or width <= 0 or height <= 0:
            return
        (x0, x1), (y0, y1) = view.viewRange()
        key = (x0, x1, y0, y1, width, height)
        known = self._label_spots.get(key)  # the same range and size as before: the same spots
        if known is not None:
            for line, (share, corner) in zip(lines, known, strict=True):
                line.label.place(share, corner)
            return

        def px(xs: Any) -> np.ndarray:
            return (np.asarray(xs, dtype=float) - x0) / (x1 - x0) * width

        def py(ys: Any) -> np.ndarray:
            return (y1 - np.asarray(ys, dtype=float)) / (y1 - y0) * height

        theme = self._theme
        ys = py([line.value() for line in lines])
        reach = max(float(line.label.boundingRect().height()) for line in lines) + GOAL_LABEL_GAP_PX
        # Only what lies where a label could go: a label's height above and below each goal line.
        obstacles = Obstacles(
            Box(0.0, float(ys.min()) - reach, width, float(ys.max() - ys.min()) + 2 * reach)
        )
        # Points further than NEAR_PX beyond either side of the plot reach no spot a label could take
        # (their neighbours are kept, for the lines into the plot): the same spots, in a fraction of the
        # time when a short range of years of data is shown.
        margin = NEAR_PX * (x1 - x0) / width
        lo = max(0, int(np.searchsorted(self._xs, x0 - margin)) - 1)
        hi = min(len(self._xs), int(np.searchsorted(self._xs, x1 + margin, side="right")) + 1)
        xs, values, connect = px(self._xs[lo:hi]), py(self._values[lo:hi]), self._connect[lo:hi]
        obstacles.add_points(xs, values, theme.point_size / 2 + 1)
        obstacles.add_line(xs, values, theme.data_width, connect)
        obstacles.add_line(xs, py([v for _, v in self._mean[lo:hi]]), theme.mean_width, connect)
        if self._trend is not None:
            (d0, v0), (d1, v1) = self._trend
            obstacles.add_line(px([timestamp(d0), timestamp(d1)]), py([v0, v1]), theme.trend_width)
        marks = self.goal_marks()
        if marks:
            mark_xs = px([timestamp(d) for d, _ in marks])
            obstacles.add_points(mark_xs, py([v for _, v in marks]), theme.point_size / 2 + 4)
        for line in lines:  # the other goals' lines
            obstacles.add_line(px([x0, x1]), py([line.value(), line.value()]), theme.goal_width)
        for line in lines:
            label = line.label
            size = label.size()  # in pixels: the label is drawn unscaled
            w, h = float(size.width()), float(size.height())
            y = float(py([line.value()])[0])
            options: list[tuple[float, bool, bool]] = []  # (position along, right-aligned, above)
            for position, right in GOAL_LABEL_SPOTS:
                options += [(position, right, True), (position, right, False)]
            boxes = []
            for position, right, above in options:
                left = position * width - (w if right else 0.0)
                top = y - h - GOAL_LABEL_GAP_PX if above else y + GOAL_LABEL_GAP_PX
                boxes.append(Box(left, top, w, h))
            choice = best_box(boxes, obstacles, width, height)
            position, right, above = options[choice]
            label.place(position, (1.0 if right else 0.0, 1.0 if above else 0.0))
            obstacles.boxes.append(boxes[choice])
        if len(self._label_spots) > 8:
            self._label_spots.clear()
        self._label_spots[key] = [(line.label.share, line.label.corner) for line in lines]

    def _on_resized(self) -> None:
        if self._series is not None and not self._re_laying:
            self._apply_ranges()
            self._set_axis_title()

    # -- look --------------------------------------------------------------------------------------

    def _font(self, smaller: float = 0.0) -> QFont:
        font = QFont()
        font.setPointSizeF(max(self._theme.font_pt - smaller, 5.0))
        return without_ligatures(font)

    def _label_style(self, points: float | None = None) -> dict[str, str]:
        return {"color": self._theme.foreground, "font-size": f"{points or self._theme.font_pt:.1f}pt"}

    def apply_theme(self, theme: ChartTheme) -> None:
        """Restyle every item; ``set_data`` calls this when its theme differs."""
        self._theme = theme
        self._axis_text = ""  # restyle the axis title too
        self._title_shown = None
        self.setBackground(theme.background)
        # room for the tick values and a two-line title at the theme's text size (62 px at 9 pt)
        self.plotItem.getAxis("left").setWidth(round(LEFT_AXIS_PX_PER_PT * theme.font_pt))
        # pyqtgraph sizes the date axis from 0.8 of the labels' height: at session-view sizes the months
        # were cut off at the bottom. Room for the whole line instead.
        line_height = QFontMetricsF(self._font()).height()
        self.plotItem.getAxis("bottom").setHeight(math.ceil(line_height) + BOTTOM_AXIS_SPARE_PX)
        for name in ("left", "bottom"):
            axis = self.plotItem.getAxis(name)
            axis.setPen(pg.mkPen(theme.foreground, width=1))
            axis.setTextPen(pg.mkPen(theme.foreground))
            axis.setTickFont(self._font())
            axis.setGrid(theme.grid_alpha)
        self._band_item.set_brush(pg.mkBrush(theme.band))
        self._typical_item.set_brush(pg.mkBrush(theme.typical))
        drawing = self._drawing
        drawing.line.pen = _pen(theme.data, theme.data_width)
        drawing.mean.pen = _pen(theme.rolling_mean, theme.mean_width)
        drawing.trend.pen = _pen(theme.trend, theme.trend_width, theme.trend_style)
        drawing.dense_events.pen = _pen(theme.event, theme.event_width, theme.event_style)
        drawing.event_pen = _pen(theme.event, theme.event_width, theme.event_style)
        self._strip.set_look(self._font(smaller=1.0), theme.foreground, theme.event, theme.background)
        points = drawing.points
        points.set(points.xs, points.ys, [self._point_style()], points.style_of, points.data)
        drawing.update()
        self._message.setColor(QColor(theme.foreground))
        self._message.fill = pg.mkBrush(theme.label_fill)
        message_font = self._font()
        message_font.setPointSizeF(theme.font_pt + 3)
        self._message.setFont(message_font)
        if self._series is not None:
            self._set_axis_title()
            self._update_goals(self._series)
            self._update_events()
            self._apply_ranges()

    def _set_axis_title(self) -> None:
        """The left axis title in the theme's size, made smaller (not below MIN_TITLE_PT) when its
        longest line would not fit the plot's height and would be cut off."""
        if self._series is None:
            return
        text = html.escape(axis_title(self._series, separator="\n")).replace("\n", "<br>")
        room = self.plotItem.getViewBox().height() - 4
        if text == self._axis_text and room == self._axis_room:
            return
        self._axis_text, self._axis_room = text, room
        key = (text, room, self._theme)
        fit = self._title_fits.get(key)  # the plot's height often goes back and forth with the range
        if fit is None:
            if len(self._title_fits) > 16:
                self._title_fits.clear()
            fit = self._title_fits[key] = self._fit_axis_title(text, room)
        elif fit != self._title_shown:
            self._show_axis_title(*fit)
        self._title_shown = fit

    def _fit_axis_title(self, text: str, room: float) -> tuple[str, float]:
        """Show the title, measured as drawn, then shrunk or broken in two lines to fit ``room``."""
        points = self._theme.font_pt
        for _ in range(3):
            length = self._show_axis_title(text, points)
            if room <= 0 or length <= room:
                break
            if points <= MIN_TITLE_PT:
                if "<br>" in text or " " not in text:
                    break
                text = _two_lines(text)  # still too long at the smallest size: two lines
                points = self._theme.font_pt
                continue
            points = max(MIN_TITLE_PT, points * room / length)
        return text, points

    def _show_axis_title(self, text: str, points: float) -> float:
        """Set the title at ``points``; returns its length as drawn."""
        axis = self.plotItem.getAxis("left")
        font = self._font()
        font.setPointSizeF(points)
        axis.label.setFont(font)
        axis.setLabel(text, **self._label_style(points))
        axis.resizeEvent()  # re-centre the label for its new size (pyqtgraph does so only on resize)
        return float(axis.label.boundingRect().width())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if self.hasFocus():  # a ring in the text colour shows where the keyboard is
            painter = QPainter(self.viewport())
            try:
                painter.setPen(QPen(QColor(self._theme.foreground), FOCUS_RING_PX))
                half = FOCUS_RING_PX / 2
                painter.drawRect(QRectF(self.viewport().rect()).adjusted(half, half, -half, -half))
            finally:
                painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        super().focusOutEvent(event)
        self.viewport().update()

    def set_interactive(self, enabled: bool) -> None:
        """Allow wheel zoom and drag pan (off by default: therapists use the range presets)."""
        self.setMouseEnabled(x=enabled, y=enabled)

    def _tip(self, x: float, y: float, data: Any) -> str:
        week = data if isinstance(data, date) else day_of(x)
        if self._series is None:
            return ""
        return week_tooltip(week, y, self._series)

    # -- read-only views for tests and the report -------------------------------------------------

    @property
    def theme(self) -> ChartTheme:
        return self._theme

    @property
    def drawing(self) -> ChartDrawing:
        """The item that draws the lines, goals, events and points (its paths and pens can be read)."""
        return self._drawing

    def plotted_points(self) -> tuple[list[date], list[float]]:
        """The weekly points as drawn, oldest first."""
        points = self._drawing.points
        return [day_of(float(v)) for v in points.xs], [float(v) for v in points.ys]

    def line_segments(self) -> list[tuple[date, date]]:
        """Every segment of the weekly line as drawn, read back from its points and connect array."""
        line = self._drawing.line
        x, connect = line.xs, line.connect
        if len(x) < 2:
            return []
        if isinstance(connect, str):  # "all": every point joined to the next
            connect = np.ones(len(x), dtype=np.int32)
        return [(day_of(float(x[i])), day_of(float(x[i + 1]))) for i in range(len(x) - 1) if connect[i]]

    def gap_after(self) -> list[date]:
        """Logged weeks after which the line breaks because the next week was missed."""
        return [w for w, c in zip(self._weeks[:-1], self._connect[:-1], strict=True) if not c]

    def connect(self) -> np.ndarray:
        return self._connect.copy()

    def rolling_mean_points(self) -> tuple[list[date], list[float]]:
        mean = self._drawing.mean
        return [day_of(float(v)) for v in mean.xs], [float(v) for v in mean.ys]

    def trend_line(self) -> tuple[tuple[date, float], tuple[date, float]] | None:
        return self._trend

    def goal_lines(self) -> list[tuple[float, str]]:
        """(target, label) of each goal line drawn."""
        return [(float(line.value()), line.label.toPlainText()) for line in self._drawing.goals]

    def goal_line_items(self) -> list[GoalLine]:
        return list(self._drawing.goals)

    def goal_marks(self) -> list[tuple[date, float]]:
        marks = self._drawing.marks
        return [(day_of(float(a)), float(b)) for a, b in zip(marks.xs, marks.ys, strict=True)]

    def goal_mark_symbols(self) -> list[str]:
        """The symbol of each target marker ("s" square, "t" triangle …)."""
        marks = self._drawing.marks
        return [marks.styles[i][0] for i in marks.style_of]

    def event_lines(self) -> list[tuple[date, str]]:
        """(day, label) of each event line drawn; the label is "" when the range holds too many to label."""
        if self._drawing.dense_events.visible and self._dense_xs:
            return [(day_of(x), "") for x in self._dense_xs]
        return [(day_of(label.x), label.shown) for label in self._strip.labels]

    def event_tips(self) -> dict[date, str]:
        """What each labelled event's line says when hovered, by day."""
        return {day_of(x): tip for x, tip in self._drawing.events}

    def set_band_tip(self, text: str) -> None:
        """What the meaningful-change band says when hovered (its width and where it comes from)."""
        self._band_item.setToolTip(text)

    def band_tip(self) -> str:
        return str(self._band_item.toolTip())

    def band(self) -> tuple[float, float] | None:
        return self._band if self._band_item.isVisible() else None

    def typical_band(self) -> tuple[float, float] | None:
        """The typical range of motion shown behind the data, if any."""
        return self._typical if self._typical_item.isVisible() else None

    def x_range(self) -> tuple[date, date]:
        """The date span shown (the view range minus the few days of padding either side)."""
        (x0, x1), _ = self.plotItem.getViewBox().viewRange()
        pad = X_PAD_DAYS * SECONDS_PER_DAY
        return day_of(x0 + pad), day_of(x1 - pad)

    def y_range(self) -> tuple[float, float]:
        _, (y0, y1) = self.plotItem.getViewBox().viewRange()
        return float(y0), float(y1)

    def axis_label(self) -> str:
        """The left axis title as plain text (its line break read as a space)."""
        text = str(self.plotItem.getAxis("left").labelText)
        return html.unescape(text.replace("<br>", " "))

    def message(self) -> str | None:
        """The text shown instead of a plot ("No weeks logged yet"), or None."""
        return self._message.toPlainText() if self._message.isVisible() else None

    def tooltip_at(self, index: int) -> str:
        """The hover text of the ``index``-th weekly point."""
        return self._tip(timestamp(self._weeks[index]), self._values[index], self._weeks[index])
