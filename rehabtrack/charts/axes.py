"""Chart axes whose grid lines cost a fraction of pyqtgraph's on screen.

pyqtgraph draws each grid line as a translucent, non-antialiased line. Qt's raster engine blends such
a line pixel by pixel: about 0.1 ms per line across a dashboard chart, 2–3 ms per chart per repaint.
A one-pixel filled rectangle of the same colour covers the same pixels about ten times faster. Only
screen painting (the raster engine, no scaling) takes the fast path; a PDF or a scaled render gets
pyqtgraph's own lines, unchanged.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import HOUR_SPACING, ZoomLevel
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QWidget

from rehabtrack.charts.tick_specs import handled, specs_and_text_size
from rehabtrack.core.numbers import plain

TickSpec = tuple[QPen, QPointF, QPointF]
# Stands in for pyqtgraph's cached QPicture while the axis paints straight to the screen from its
# cached draw specs (pyqtgraph sets ``picture`` to None whenever the axis must be laid out again).
_SPECS_CACHED: Any = object()
# (An ordering comparison of these enums crashes PySide6 6.11: membership it is.)
_ONE_TO_ONE = (QTransform.TransformationType.TxNone, QTransform.TransformationType.TxTranslate)
KEPT_SPECS = 8  # an axis's draw specs kept for this many ranges and sizes


def _hairline_fill(pen: QPen) -> QColor | None:
    """The colour to fill a translucent hairline of ``pen`` with, or None when it must be stroked."""
    if (
        pen.isCosmetic()
        and pen.widthF() <= 1.0
        and pen.style() == Qt.PenStyle.SolidLine
        and pen.color().alpha() < 255
    ):
        return pen.color()
    return None


def screen_raster(painter: QPainter) -> bool:
    """Painting pixels one to one: a widget, image or pixmap (Qt's raster engine here) with no more
    than a translation, the screen's pixel ratio included (a 200 % screen takes pyqtgraph's lines). A
    PDF, printer or recorded picture is not."""
    return (
        isinstance(painter.device(), (QWidget, QImage, QPixmap))
        and painter.deviceTransform().type() in _ONE_TO_ONE
    )


class _MeasuringPainter:
    """Stands in for the painter while an axis works out its ticks, remembering text sizes: pyqtgraph
    measures every tick's label on every range change, mostly the same few month names and numbers."""

    _sizes: dict[tuple[Any, ...], QRectF] = {}
    _labels: dict[tuple[str, int, str], QRectF] = {}

    def __init__(self, painter: QPainter) -> None:
        self._painter = painter
        self._font = ""
        self._dpi = painter.device().logicalDpiY()

    def setFont(self, font: QFont) -> None:  # noqa: N802 (Qt's name)
        self._painter.setFont(font)
        self._font = ""

    def fontMetrics(self) -> QFontMetrics:  # noqa: N802 (Qt's name)
        return self._painter.fontMetrics()

    def _font_key(self) -> str:
        if not self._font:
            self._font = self._painter.font().key()
        return self._font

    def boundingRect(self, rect: QRectF, flags: Qt.AlignmentFlag, text: str) -> QRectF:  # noqa: N802
        key = (self._font_key(), self._dpi, rect.getRect(), int(flags), text)
        found = self._sizes.get(key)
        if found is None:
            if len(self._sizes) > 4096:
                self._sizes.clear()
            found = self._sizes[key] = self._painter.boundingRect(rect, flags, text)
        return QRectF(found)  # a copy: pyqtgraph shrinks the one it gets

    def label_box(self, text: str) -> QRectF:
        """A tick label's box as pyqtgraph sizes it (its text's box, 0.8 of its height); not to be changed."""
        key = (self._font_key(), self._dpi, text)
        found = self._labels.get(key)
        if found is None:
            if len(self._labels) > 4096:
                self._labels.clear()
            found = self._painter.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
            found.setHeight(found.height() * 0.8)
            self._labels[key] = found
        return found


def _grid_rects(
    tick_specs: Sequence[TickSpec],
) -> tuple[dict[int, QColor | None], dict[int, list[QRectF]], list[TickSpec]]:
    """The hairlines of ``tick_specs`` as filled rectangles, by pen (a level's ticks share one), and
    the lines that must be stroked."""
    rest: list[TickSpec] = []
    fills: dict[int, QColor | None] = {}
    rects: dict[int, list[QRectF]] = {}  # filled in one call per pen
    for pen, p1, p2 in tick_specs:
        key = id(pen)
        colour = fills[key] if key in fills else fills.setdefault(key, _hairline_fill(pen))
        x1, y1, x2, y2 = p1.x(), p1.y(), p2.x(), p2.y()
        if colour is None or (x1 != x2 and y1 != y2):
            rest.append((pen, p1, p2))
            continue
        # The one-pixel-thick rectangle the hairline covers, both ends included.
        if y1 == y2:
            rect = QRectF((x1 if x1 < x2 else x2) - 0.5, y1 - 0.5, abs(x2 - x1) + 1.0, 1.0)
        else:
            rect = QRectF(x1 - 0.5, (y1 if y1 < y2 else y2) - 0.5, 1.0, abs(y2 - y1) + 1.0)
        rects.setdefault(key, []).append(rect)
    return fills, rects, rest


def _pen_key(pen: QPen) -> tuple[Any, ...]:
    return (pen.color().rgba(), pen.widthF(), pen.style(), pen.isCosmetic(), pen.brush().style())


def _specs_key(axis: Any, p: QPainter) -> tuple[Any, ...]:
    """What an axis's draw specs are made from: its range, place, size and the view's (the grid spans
    it), the painter's transform (the axis's length in pixels), the tick font and the screen's dots
    per inch (label sizes), pens, style and scale."""
    view = axis.linkedView()
    view_rect = None if view is None or axis.grid is False else view.mapRectToItem(axis, view.boundingRect())
    t = p.transform()
    font = axis.style["tickFont"] or p.font()
    style = tuple((k, v) for k, v in axis.style.items() if k != "tickFont")
    return (
        type(axis),
        axis.orientation,
        tuple(axis.range),
        axis.mapRectFromParent(axis.geometry()).getRect(),
        None if view_rect is None else view_rect.getRect(),
        (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy()),
        font.key(),
        p.device().logicalDpiY(),
        _pen_key(axis.pen()),
        _pen_key(axis.tickPen()),
        axis.grid,
        axis.scale,
        axis.autoSIPrefixScale,
        axis.logMode,
        repr(axis._tickSpacing),
        axis._tickDensity,
        getattr(axis, "utcOffset", None),
        repr(style),
    )


class FastGridMixin:
    """Draws the translucent grid and tick lines as filled rectangles when painting to the screen.

    On screen the axis is drawn straight from its draw specs: pyqtgraph records it into a QPicture
    first, where the painter is not the screen's and the fast path could not be taken.
    """

    _specs: Any = None

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        axis: Any = self
        if not screen_raster(p):
            if axis.picture is _SPECS_CACHED:
                axis.picture = None
            super().paint(p, opt, widget)  # type: ignore[misc]
            return
        if axis.picture is not _SPECS_CACHED:
            p.save()
            if axis.style["tickFont"]:
                p.setFont(axis.style["tickFont"])
            measuring = _MeasuringPainter(p)
            self._specs = (
                self._known_specs(p, measuring) if handled(axis) else axis.generateDrawSpecs(measuring)
            )
            p.restore()
            axis.picture = _SPECS_CACHED
        if self._specs is not None:
            p.save()
            self.drawPicture(p, *self._specs)
            p.restore()

    def _known_specs(self, p: QPainter, measuring: _MeasuringPainter) -> Any:
        """``draw_specs``, remembered for the ranges and sizes shown lately: a range preset chosen again
        (or the plot's height going back as a row of event names comes and goes) finds its ticks, grid
        and labels without working them out again. The key holds everything they are made from."""
        axis: Any = self
        key = _specs_key(axis, p)
        known: dict[tuple[Any, ...], tuple[Any, Any]] = self.__dict__.setdefault("_specs_known", {})
        found = known.get(key)
        if found is None:
            if len(known) >= KEPT_SPECS:
                known.pop(next(iter(known)))  # the oldest
            found = known[key] = specs_and_text_size(axis, measuring)
        specs, text_size = found
        if text_size is not None:
            axis._updateMaxTextSize(text_size)  # as draw_specs does each time
        return specs

    def drawPicture(  # noqa: N802 (pyqtgraph's name)
        self, p: QPainter, axisSpec: Any, tickSpecs: Sequence[TickSpec], textSpecs: Any
    ) -> None:
        if screen_raster(p):
            # The same ticks (the same list: remembered specs): the same rectangles.
            made: dict[int, Any] = self.__dict__.setdefault("_rects_made", {})
            kept = made.get(id(tickSpecs))
            if kept is None or kept[0] is not tickSpecs:
                if len(made) >= KEPT_SPECS:
                    made.pop(next(iter(made)))
                kept = made[id(tickSpecs)] = (tickSpecs, *_grid_rects(tickSpecs))
            _, fills, rects, rest = kept
            if rects:
                # drawRects without a pen fills each rectangle as fillRect does, in one call
                p.save()
                p.setPen(Qt.PenStyle.NoPen)
                for key, boxes in rects.items():
                    p.setBrush(fills[key])
                    p.drawRects(boxes)
                p.restore()
            tickSpecs = rest
        super().drawPicture(p, axisSpec, tickSpecs, textSpecs)  # type: ignore[misc]


class TitleOnceMixin:
    """pyqtgraph sets an axis title's HTML again whenever the range or style changes (to update a
    unit prefix that rarely changes), about a tenth of a millisecond each time, a dozen times while a
    chart is made: only when the title differs now."""

    _label_shown: tuple[str, str] | None = None

    def _updateLabel(self) -> None:  # noqa: N802 (pyqtgraph's name)
        axis: Any = self
        text = axis.labelString()
        shown = (text, axis.label.font().toString())
        if shown != self._label_shown:
            self._label_shown = shown
            axis.label.setHtml(text)
            axis._adjustSize()
        axis.picture = None
        axis.update()


class ValueAxis(TitleOnceMixin, FastGridMixin, pg.AxisItem):  # type: ignore[misc]
    """The value (left) axis: its numbers read like every other number (a real minus sign, half up)."""

    _texts: dict[tuple[float, float, int], str] = {}  # (value, scale, decimal places) -> label

    def tickValues(self, minVal: float, maxVal: float, size: float) -> Any:  # noqa: N802 (pyqtgraph's)
        """pyqtgraph's ticks, remembered for the ranges and sizes shown lately (the value range stays
        while the dates change, and the plot's height goes back and forth with the event names)."""
        axis: Any = self
        key = (minVal, maxVal, size, axis.scale, axis.logMode, axis._tickSpacing, axis._tickDensity)
        known: dict[tuple[Any, ...], Any] = self.__dict__.setdefault("_known_ticks", {})
        found = known.get(key)
        if found is None:
            if len(known) > 32:
                known.clear()
            found = known[key] = super().tickValues(minVal, maxVal, size)
        return found

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        places = max(0, math.ceil(-math.log10(spacing * scale))) if spacing * scale > 0 else 0
        texts = self._texts
        if len(texts) > 4096:
            texts.clear()
        out = []
        for v in values:
            key = (v, scale, places)
            text = texts.get(key)
            if text is None:
                text = texts[key] = plain(v * scale, places)
            out.append(text)
        return out


class _UtcZoomLevel(ZoomLevel):  # type: ignore[misc]
    """pyqtgraph moves each tick of a day or longer to local time and back through four QDateTime
    conversions (a third of the axis's work); at a fixed UTC offset of 0 that moves it by nothing."""

    def moveTicksToLocalTimeCoords(  # noqa: N802 (pyqtgraph's name)
        self, ticks: np.ndarray, spacing: int, skipFactor: int
    ) -> np.ndarray:
        if self.utcOffset == 0 and spacing > HOUR_SPACING:
            return ticks
        return super().moveTicksToLocalTimeCoords(ticks, spacing, skipFactor)

    def tickValues(self, minVal: float, maxVal: float, minSpc: float) -> Any:  # noqa: N802 (pyqtgraph's)
        """pyqtgraph's ticks, remembered for the ranges shown lately (a preset chosen again)."""
        key = (minVal, maxVal, minSpc, self.utcOffset)
        found = self._known.get(key)
        if found is None:
            if len(self._known) > 32:
                self._known.clear()
            found = self._known[key] = super().tickValues(minVal, maxVal, minSpc)
        return found

    def __init__(self, tickSpecs: Any, exampleText: str) -> None:  # noqa: N803 (pyqtgraph's names)
        super().__init__(tickSpecs, exampleText)
        self._known: dict[tuple[float, float, float, int | None], Any] = {}


class DateAxis(TitleOnceMixin, FastGridMixin, pg.DateAxisItem):  # type: ignore[misc]
    """The date (bottom) axis, drawn in UTC."""

    _texts: dict[tuple[str, int | None, float], str] = {}  # (format, UTC offset, tick) -> label
    zoomLevels: OrderedDict[float, Any]  # noqa: N815 (pyqtgraph's name)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.zoomLevels = OrderedDict(
            (spacing, _UtcZoomLevel(level.tickSpecs, level.exampleText))
            for spacing, level in self.zoomLevels.items()
        )

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        """pyqtgraph's labels, each worked out once: every range change labels every month tick again
        (120 of them over ten years), with a slow ``strftime`` each."""
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        if spec is None:
            return list(super().tickStrings(values, scale, spacing))
        keys = [(spec.format, self.utcOffset, v) for v in values]
        missing = [v for key, v in zip(keys, values, strict=True) if key not in self._texts]
        if missing:
            if len(self._texts) > 4096:
                self._texts.clear()
            made = super().tickStrings(missing, scale, spacing)
            self._texts.update(
                ((spec.format, self.utcOffset, v), t) for v, t in zip(missing, made, strict=True)
            )
        return [self._texts[key] for key in keys]
