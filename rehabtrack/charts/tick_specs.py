"""pyqtgraph's ``AxisItem.generateDrawSpecs`` for a left or bottom axis, step for step, without its
per-tick Python objects.

On every range change an axis works out where each tick, grid line and label goes: over ten years
the date axis has 130 ticks, and pyqtgraph makes two ``Point`` objects per tick and works out the
axis's bounding rectangle again for every label (a third of a chart's repaint). This does the same
arithmetic in the same order, so the result is the same to the last bit (``tests/charts/
test_painting.py`` compares the pixels with pyqtgraph's own axes); anything unusual (another side,
fixed ticks, an axis stopped at its ticks) is left to pyqtgraph.
"""

from __future__ import annotations

from math import hypot
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen

_LEFT_TEXT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
_BOTTOM_TEXT = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip


def handled(axis: Any) -> bool:
    """Whether ``draw_specs`` works out this axis (else pyqtgraph's own code must)."""
    return (
        axis.orientation in ("left", "bottom")
        and axis._tickLevels is None
        and tuple(axis.style["stopAxisAtTick"]) == (False, False)
    )


def draw_specs(axis: Any, p: Any) -> Any:
    """``axis.generateDrawSpecs(p)`` for an axis ``handled`` accepts. ``p.label_box(text)`` is a tick
    label's box as pyqtgraph measures it (``p.boundingRect`` of the text, 0.8 of its height)."""
    specs, text_size = specs_and_text_size(axis, p)
    if text_size is not None:
        axis._updateMaxTextSize(text_size)
    return specs


def specs_and_text_size(axis: Any, p: Any) -> tuple[Any, Any]:
    """``draw_specs`` without its one side effect: the specs, and the labels' size across the axis that
    it tells the axis (``_updateMaxTextSize``), None when it tells none."""
    if axis.style["tickFont"] is not None:
        p.setFont(axis.style["tickFont"])
    if isinstance(axis, pg.DateAxisItem):
        axis.fontMetrics = p.fontMetrics()  # as DateAxisItem.generateDrawSpecs: its zoom levels use it
    bounds = axis.mapRectFromParent(axis.geometry())
    view = axis.linkedView()
    tick_bounds = (
        bounds if view is None or axis.grid is False else view.mapRectToItem(axis, view.boundingRect())
    )
    left = axis.orientation == "left"
    if left:
        span = (bounds.topRight() + QPointF(-1.0, -1.0), bounds.bottomRight() + QPointF(-1.0, 1.0))
        tick_start, tick_stop, tick_dir, across = tick_bounds.right(), bounds.right(), -1, 0
    else:
        span = (bounds.topLeft() + QPointF(-1.0, 1.0), bounds.topRight() + QPointF(1.0, 1.0))
        tick_start, tick_stop, tick_dir, across = tick_bounds.top(), bounds.top(), 1, 1
    ends = [axis.mapToDevice(point) for point in span]
    if None in ends:
        return None, None
    length = hypot((ends[1] - ends[0]).x(), (ends[1] - ends[0]).y())
    if length == 0:
        return None, None

    levels = axis.tickValues(axis.range[0], axis.range[1], length)
    low, high = axis.range
    dif = high - low
    if dif == 0:
        scale, offset = 1, 0
    elif left:
        scale = -bounds.height() / dif
        offset = low * scale - bounds.height()
    else:
        scale = bounds.width() / dif
        offset = low * scale
    x_min, x_max = sorted([x * scale - offset for x in axis.range])

    positions: list[list[float | None]] = []
    tick_specs: list[tuple[QPen, QPointF, QPointF]] = []
    for i, (_, ticks) in enumerate(levels):
        tick_length = axis.style["tickLength"] / ((i * 0.5) + 1.0)
        pen = _level_pen(axis, i, len(ticks), length)
        end = tick_stop if axis.grid is not False else tick_stop + tick_length * tick_dir
        level: list[float | None] = []
        for v in ticks:
            x = (v * scale) - offset
            if x < x_min or x > x_max:
                level.append(None)
                continue
            level.append(x)
            if left:
                tick_specs.append((pen, QPointF(tick_start, x), QPointF(end, x)))
            else:
                tick_specs.append((pen, QPointF(x, tick_start), QPointF(x, end)))
        positions.append(level)
    axis_spec = (axis.pen(), span[0], span[1])

    text_specs: list[tuple[QRectF, Any, str]] = []
    if not axis.style["showValues"]:
        return (axis_spec, tick_specs, text_specs), None
    text_offset = axis.style["tickTextOffset"][across]
    last_size2 = 0
    text_rects: list[QRectF] = []
    box = axis.boundingRect()
    for i in range(min(len(levels), axis.style["maxTextLevel"] + 1)):
        spacing, values = levels[i]
        strings: list[str | None] = list(
            axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        )
        if len(strings) == 0:
            continue
        for j in range(len(strings)):
            if positions[i][j] is None:
                strings[j] = None
        rects: list[QRectF | None] = []
        for s in strings:
            if s is None:
                rects.append(None)
            else:
                rect = p.label_box(s)
                rects.append(rect)
                text_rects.append(rect)
        if text_rects:
            if left:
                size = np.sum([r.height() for r in text_rects])
                size2 = np.max([r.width() for r in text_rects])
            else:
                size = np.sum([r.width() for r in text_rects])
                size2 = np.max([r.height() for r in text_rects])
        else:
            size = size2 = 0
        if i > 0:  # the top level always has its labels; the others while there is room
            ratio = float(size) / length
            if any(len(text_specs) >= n and ratio >= limit for n, limit in axis.style["textFillLimits"]):
                break
        last_size2 = size2
        gap = max(0, axis.style["tickLength"]) + text_offset
        for j, s in enumerate(strings):
            if s is None:
                continue
            x = positions[i][j]
            found = rects[j]
            assert x is not None and found is not None
            height, width = found.height(), found.width()
            if left:
                place = QRectF(tick_stop - gap - width, x - (height / 2), width, height)
                flags = _LEFT_TEXT
            else:
                place = QRectF(x - width / 2.0, tick_stop + gap, width, height)
                flags = _BOTTOM_TEXT
            if box & place != place:
                continue
            text_specs.append((place, flags, s))
    return (axis_spec, tick_specs, text_specs), last_size2


def _level_pen(axis: Any, level: int, ticks: int, length: float) -> QPen:
    """The pen of one level of ticks: fainter for finer levels, and for grid lines when dense."""
    alpha = axis.style["tickAlpha"]
    if alpha is None:
        alpha = 255 / (level + 1)
        if axis.grid is not False:
            alpha *= axis.grid / 255.0 * pg.functions.clip_scalar((0.05 * length / (ticks + 1)), 0.0, 1.0)
    elif isinstance(alpha, float):
        alpha *= 255
        alpha = max(0, int(round(alpha)))
        alpha = min(255, int(round(alpha)))
    pen = axis.tickPen()
    if pen.brush().style() == Qt.BrushStyle.SolidPattern:
        pen = QPen(pen)
        colour = QColor(pen.color())
        colour.setAlpha(int(alpha))
        pen.setColor(colour)
    return pen
