"""Chart axes whose grid lines cost a fraction of pyqtgraph's on screen.

pyqtgraph draws each grid line as a translucent, non-antialiased line. Qt's raster engine blends such
a line pixel by pixel: about 0.1 ms per line across a dashboard chart, 2–3 ms per chart per repaint.
A one-pixel filled rectangle of the same colour covers the same pixels about ten times faster. Only
screen painting (the raster engine, no scaling) takes the fast path; a PDF or a scaled render gets
pyqtgraph's own lines, unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QWidget

from rehabtrack.core.numbers import plain

TickSpec = tuple[QPen, QPointF, QPointF]
# Stands in for pyqtgraph's cached QPicture while the axis paints straight to the screen from its
# cached draw specs (pyqtgraph sets ``picture`` to None whenever the axis must be laid out again).
_SPECS_CACHED: Any = object()
# (An ordering comparison of these enums crashes PySide6 6.11: membership it is.)
_ONE_TO_ONE = (QTransform.TransformationType.TxNone, QTransform.TransformationType.TxTranslate)


def _fills_as_rect(pen: QPen, p1: QPointF, p2: QPointF) -> bool:
    return (
        (p1.x() == p2.x() or p1.y() == p2.y())
        and pen.isCosmetic()
        and pen.widthF() <= 1.0
        and pen.style() == Qt.PenStyle.SolidLine
        and pen.color().alpha() < 255
    )


def _line_rect(p1: QPointF, p2: QPointF) -> QRectF:
    """The one-pixel-thick rectangle a horizontal or vertical hairline covers, both ends included."""
    if p1.y() == p2.y():
        left = min(p1.x(), p2.x())
        return QRectF(left - 0.5, p1.y() - 0.5, abs(p2.x() - p1.x()) + 1.0, 1.0)
    top = min(p1.y(), p2.y())
    return QRectF(p1.x() - 0.5, top - 0.5, 1.0, abs(p2.y() - p1.y()) + 1.0)


def screen_raster(painter: QPainter) -> bool:
    """Painting pixels one to one: a widget, image or pixmap (Qt's raster engine here) with no more
    than a translation, the screen's pixel ratio included (a 200 % screen takes pyqtgraph's lines). A
    PDF, printer or recorded picture is not."""
    return (
        isinstance(painter.device(), (QWidget, QImage, QPixmap))
        and painter.deviceTransform().type() in _ONE_TO_ONE
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
            self._specs = axis.generateDrawSpecs(p)
            p.restore()
            axis.picture = _SPECS_CACHED
        if self._specs is not None:
            p.save()
            self.drawPicture(p, *self._specs)
            p.restore()

    def drawPicture(  # noqa: N802 (pyqtgraph's name)
        self, p: QPainter, axisSpec: Any, tickSpecs: Sequence[TickSpec], textSpecs: Any
    ) -> None:
        if screen_raster(p):
            rest: list[TickSpec] = []
            for pen, p1, p2 in tickSpecs:
                if _fills_as_rect(pen, p1, p2):
                    p.fillRect(_line_rect(p1, p2), pen.color())
                else:
                    rest.append((pen, p1, p2))
            tickSpecs = rest
        super().drawPicture(p, axisSpec, tickSpecs, textSpecs)  # type: ignore[misc]


class ValueAxis(FastGridMixin, pg.AxisItem):  # type: ignore[misc]
    """The value (left) axis: its numbers read like every other number (a real minus sign, half up)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        places = max(0, math.ceil(-math.log10(spacing * scale))) if spacing * scale > 0 else 0
        return [plain(v * scale, places) for v in values]


class DateAxis(FastGridMixin, pg.DateAxisItem):  # type: ignore[misc]
    """The date (bottom) axis."""
