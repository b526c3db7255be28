"""Everything a chart draws over its shaded bands, painted in one pass by one item.

pyqtgraph gives each curve, scatter plot and straight line an item of its own. On every range change
each item is told, works out its bounds again and is painted on its own, clipped to the plot: with a
chart's dozen items that was most of a range change that was not axes. ``ChartDrawing`` paints the
same things with the same pens, symbols and text, in the order the items were stacked (weekly line,
4-week mean, trend, event lines, goal lines each with its label, target markers, weekly points), the
way each of those pyqtgraph items paints itself, so the pixels are the same.

Lines are kept as painter paths built once per ``set_*`` call (``pg.arrayToQPath``); a range change
only moves the view, so nothing is rebuilt. Hover texts work as before: a weekly point's text goes on
the view (as pyqtgraph's scatter plot did), an event line's on this item, within its line's width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol, renderSymbol
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

_SCALED = (
    QTransform.TransformationType.TxNone,
    QTransform.TransformationType.TxTranslate,
    QTransform.TransformationType.TxScale,
)
# pyqtgraph's InfiniteLine takes hover and tooltips this far either side of the line, plus half its pen.
LINE_HOVER_PX = 1.0
MAX_TIPS = 3  # as pyqtgraph's scatter plot: the texts of this many points under the pointer at most


class GoalLabel(pg.TextItem):  # type: ignore[misc]
    """A goal line's label. pyqtgraph's TextItem keeps its text, font, colour, fill and size; the item
    itself is never put in the scene: ``ChartDrawing`` draws it (see ``_paint_label``)."""

    def __init__(self, drawing: ChartDrawing) -> None:
        super().__init__(text="", anchor=(0, 0))
        self._drawing = drawing
        self.share = 0.02  # where along the line, as a share of the view's width
        # The corner anchored there: (0, 0) the label's top left, (1, 1) its bottom right.
        self.corner = (0.0, 0.0)
        self.target = 0.0

    def place(self, share: float, corner: tuple[float, float]) -> None:
        self.share, self.corner = share, corner
        self._drawing.update()

    def origin(self) -> QPointF | None:
        """Where on its line the label is anchored, in the view's coordinates (as pyqtgraph's line label
        works it out from the line's ends)."""
        rect = self._drawing.view_rect()
        if rect is None:
            return None
        left, right = rect.left(), rect.right()
        return QPointF(right * self.share + left * (1 - self.share), self.target)

    def size(self) -> QRectF:
        return QRectF(self.textItem.boundingRect())

    def sceneBoundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        """Where the label is drawn, in scene pixels."""
        origin = self.origin()
        if origin is None:
            return QRectF()
        at = self._drawing.mapToScene(origin)
        size = self.size()
        return QRectF(
            at.x() - size.width() * self.corner[0],
            at.y() - size.height() * self.corner[1],
            size.width(),
            size.height(),
        )


@dataclass
class GoalLine:
    """A goal's horizontal line at its target, and its label."""

    target: float
    pen: QPen
    label: GoalLabel
    angle: int = 0

    def value(self) -> float:
        return self.target


class Symbols:
    """Points drawn with pyqtgraph's symbols, as its scatter plot draws pixel-sized ones; each point
    has one of a few styles (symbol, size in pixels, pen, brush)."""

    def __init__(self) -> None:
        self.xs = np.zeros(0)
        self.ys = np.zeros(0)
        self.style_of = np.zeros(0, dtype=np.int64)  # each point's index into ``styles``
        self.styles: list[tuple[str, float, QPen, QBrush]] = []
        self.data: list[Any] = []
        self._images: dict[tuple[int, float], tuple[QPixmap, float, float]] = {}
        self._half: dict[float, tuple[np.ndarray, np.ndarray]] = {}

    def set(
        self,
        xs: Any,
        ys: Any,
        styles: Sequence[tuple[str, float, QPen, QBrush]],
        style_of: Any,
        data: Sequence[Any],
    ) -> None:
        self.xs = np.asarray(xs, dtype=float)
        self.ys = np.asarray(ys, dtype=float)
        if list(styles) != self.styles:  # the same styles keep their drawn images
            self.styles = list(styles)
            self._images.clear()
        self.style_of = np.asarray(style_of, dtype=np.int64)
        self.data = list(data)
        self._half.clear()

    def image(self, style: int, dpr: float) -> tuple[QPixmap, float, float]:
        """The symbol of ``style`` drawn once (as pyqtgraph's atlas holds it), and its size in pixels."""
        found = self._images.get((style, dpr))
        if found is None:
            drawn = renderSymbol(*self.styles[style], dpr=dpr)
            pixmap = QPixmap.fromImage(drawn)
            pixmap.setDevicePixelRatio(dpr)
            found = self._images[(style, dpr)] = (pixmap, float(drawn.width()), float(drawn.height()))
        return found

    def half_sizes(self, dpr: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Each point's half width and height in pixels, as pyqtgraph tests what lies under the pointer
        (worked out once per ``set`` and pixel ratio: every paint asks)."""
        found = self._half.get(dpr)
        if found is None:
            sizes = [self.image(style, dpr)[1:] for style in range(len(self.styles))]
            if not sizes:
                return np.zeros(0), np.zeros(0)
            w, h = (np.array([size[i] for size in sizes]) / 2 for i in (0, 1))
            found = self._half[dpr] = (w[self.style_of], h[self.style_of])
        return found


def _mapped(transform: QTransform, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The points through ``transform``, as rows of x and y, kept within ±2³⁰: the same arithmetic in
    the same order as pyqtgraph's ``transformCoordinates`` and ``clip_array``, without their set-up."""
    t = transform
    mapped = np.empty((2, len(xs)))
    np.add(t.m11() * xs + t.m21() * ys, t.dx(), out=mapped[0])
    np.add(t.m12() * xs + t.m22() * ys, t.dy(), out=mapped[1])
    return np.clip(mapped, -(2**30), 2**30, out=mapped)


def _segmented(pen: QPen) -> bool:
    """pyqtgraph's PlotCurveItem draws a wide, solid, opaque, non-antialiased line as separate segments."""
    return (
        pen.widthF() > 1.0
        and pen.style() == Qt.PenStyle.SolidLine
        and pen.isSolid()
        and pen.color().alphaF() == 1.0
        and not pg.getConfigOption("antialias")
    )


class Curve:
    """A polyline as pyqtgraph's PlotCurveItem draws it; ``connect`` as pyqtgraph reads it."""

    def __init__(self) -> None:
        self.xs = np.zeros(0)
        self.ys = np.zeros(0)
        self.connect: Any = "all"
        self.pen = QPen()
        self.visible = True
        self._path: QPainterPath | None = None
        self._segments: Any = None

    def set(self, xs: Any, ys: Any, connect: Any = "all") -> None:
        self.xs = np.asarray(xs, dtype=float)
        self.ys = np.asarray(ys, dtype=float)
        self.connect = connect
        self._path = None
        self._segments = None

    def path(self) -> QPainterPath:
        if self._path is None:
            self._path = (
                pg.arrayToQPath(self.xs, self.ys, connect=self.connect, finiteCheck=True)
                if len(self.xs)
                else QPainterPath()
            )
        return self._path

    def _device_segments(self, transform: QTransform) -> Any:
        """The segments in screen pixels (``transform`` only scales and moves)."""
        segments = self._segments.ndarray()
        mapped = internals.PrimitiveArray(QLineF, 4)
        mapped.resize(len(segments))
        out = mapped.ndarray()
        out[:, 0::2] = segments[:, 0::2] * transform.m11() + transform.dx()
        out[:, 1::2] = segments[:, 1::2] * transform.m22() + transform.dy()
        return mapped

    def paint(self, painter: QPainter, antialias: bool, on_screen: bool = False) -> None:
        """``on_screen``: a wide line's segments are mapped to pixels first, which Qt then fills about
        three times faster than transforming each itself (a few edge pixels fall the other way)."""
        if not self.visible or len(self.xs) == 0 or self.pen.style() == Qt.PenStyle.NoPen:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
        painter.setPen(self.pen)
        if _segmented(self.pen):
            if self._segments is None:
                self._segments = arrayToLineSegments(
                    self.xs, self.ys, connect=self.connect, finiteCheck=True, out=None
                )
            if on_screen and painter.transform().type() in _SCALED:
                segments = self._device_segments(painter.transform())
                painter.resetTransform()
                painter.drawLines(*segments.drawargs())
                painter.restore()
                return
            painter.drawLines(*self._segments.drawargs())
        else:
            painter.drawPath(self.path())
        painter.restore()


class ChartDrawing(pg.GraphicsObject):  # type: ignore[misc]
    """The weekly line and points, 4-week mean, trend, event lines, goal lines with their labels and
    target markers of one chart, as wide and high as its view."""

    def __init__(self) -> None:
        super().__init__()
        self.line = Curve()
        self.mean = Curve()
        self.trend = Curve()
        self.dense_events = Curve()  # many events: plain lines in one path, bottom to top of the view
        self.dense_events.connect = "pairs"
        self.event_pen = QPen()
        self.events: list[tuple[float, str]] = []  # (x, hover text) of each labelled event's line
        self.goals: list[GoalLine] = []
        self.marks = Symbols()
        self.points = Symbols()
        self.point_tip: Any = None  # (x, y, data) -> hover text of a weekly point
        self._rect = QRectF()
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)
        self._tip_cleared = True
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    # -- geometry ------------------------------------------------------------------------------------

    def view_rect(self) -> QRectF | None:
        view = self.getViewBox()
        return None if view is None else QRectF(view.viewRect())

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph's name)
        """The view was resized or moved to a new range (every range change ends here)."""
        super().viewTransformChanged()
        self._fit()

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph's name)
        super().viewRangeChanged()
        self._fit()

    def _fit(self) -> None:
        rect = self.view_rect() or QRectF()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return QRectF(self._rect)

    # -- painting ------------------------------------------------------------------------------------

    @pg.debug.warnOnException  # type: ignore[misc]  # an exception raised inside a paint ends the program
    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        export = self._exportOpts is not False
        antialias = (
            bool(self._exportOpts.get("antialias", True)) if export else pg.getConfigOption("antialias")
        )
        on_screen = not export and isinstance(painter.device(), (QWidget, QImage, QPixmap))
        for curve in (self.line, self.mean, self.trend, self.dense_events):
            curve.paint(painter, antialias, on_screen)
        rect = self._rect
        if self.events and not rect.isEmpty():
            painter.save()
            pen = QPen(self.event_pen)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            for x, _ in self.events:  # from the bottom of the view up, as a vertical InfiniteLine
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            painter.restore()
        for goal in self.goals:
            painter.save()
            pen = QPen(goal.pen)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.drawLine(QPointF(rect.left(), goal.target), QPointF(rect.right(), goal.target))
            painter.restore()
            self._paint_label(painter, goal.label, widget)
        pixel = self._pixel()
        for symbols in (self.marks, self.points):
            self._paint_symbols(painter, symbols, widget, export, pixel)

    def _paint_label(self, painter: QPainter, label: GoalLabel, widget: Any) -> None:
        """As pyqtgraph's TextItem: unscaled, its fill behind it, its corner at the anchor point."""
        origin = label.origin()
        if origin is None:
            return
        at = painter.transform().map(origin)
        size = label.size()
        painter.save()
        painter.setTransform(
            QTransform.fromTranslate(
                at.x() - size.width() * label.corner[0], at.y() - size.height() * label.corner[1]
            )
        )
        if label.border.style() != Qt.PenStyle.NoPen or label.fill.style() != Qt.BrushStyle.NoBrush:
            painter.save()
            painter.setPen(label.border)
            painter.setBrush(label.fill)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.drawPolygon(QPolygonF(size))
            painter.restore()
        text_option = QStyleOptionGraphicsItem()
        text_option.exposedRect = size  # type: ignore[attr-defined]
        text_option.rect = size.toRect()  # type: ignore[attr-defined]
        label.textItem.paint(painter, text_option, widget)
        painter.restore()

    def _paint_symbols(
        self, painter: QPainter, symbols: Symbols, widget: Any, export: bool, pixel: tuple[float, float]
    ) -> None:
        """As pyqtgraph's ScatterPlotItem (pixel-sized symbols): on screen each point is a copy of its
        symbol's image (only those reaching into the view); for export each symbol is drawn as a path.
        ``pixel``: a screen pixel's size in view units (``_pixel``)."""
        if len(symbols.xs) == 0:
            return
        dpr = widget.devicePixelRatioF() if widget is not None and not export else 1.0
        w, h = symbols.half_sizes(dpr)
        rect = self._rect
        px, py = pixel
        shown = (
            (symbols.xs + w * px > rect.left())
            & (symbols.xs - w * px < rect.right())
            & (symbols.ys + h * py > rect.top())
            & (symbols.ys - h * py < rect.bottom())
        )
        painter.save()
        mapped = _mapped(painter.transform(), symbols.xs, symbols.ys)
        painter.resetTransform()
        if export:
            painter.setRenderHint(
                QPainter.RenderHint.Antialiasing, bool(self._exportOpts.get("antialias", True))
            )
            for i in np.flatnonzero(shown):
                painter.resetTransform()
                painter.translate(*mapped[:, i])
                drawSymbol(painter, *symbols.styles[symbols.style_of[i]])
        else:
            for style in range(len(symbols.styles)):
                index = np.flatnonzero(shown & (symbols.style_of == style))
                if not len(index):
                    continue
                pixmap, width, height = symbols.image(style, dpr)
                self._fragments.resize(len(index))
                frags = self._fragments.ndarray()
                frags[:, 0:2] = mapped[:, index].T
                frags[:, 2:6] = [0.0, 0.0, width, height]
                frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]
                painter.drawPixmapFragments(*self._fragments.drawargs(), pixmap)  # type: ignore[call-arg]
        painter.restore()

    # -- hover ---------------------------------------------------------------------------------------

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802 (pyqtgraph's name)
        """A weekly point's text goes on the view (below the bands' own texts, as before); an event
        line's on this item."""
        view = self.getViewBox()
        if view is None:
            return
        pos = None if ev.exit else ev.pos()
        tips = [] if pos is None else self.point_tips_at(pos)
        if tips:
            view.setToolTip("\n\n".join(tips))
            self._tip_cleared = False
        elif not self._tip_cleared:
            view.setToolTip("")
            self._tip_cleared = True
        self.setToolTip(self.event_tip_at(pos) if pos is not None else "")

    def _pixel(self) -> tuple[float, float]:
        """The size of a screen pixel in the view's units, across and up."""
        px, py = self.pixelVectors()
        return (0.0 if px is None else px.length()), (0.0 if py is None else py.length())

    def point_tips_at(self, pos: QPointF) -> list[str]:
        """The hover texts of the weekly points under ``pos`` (view units), the top one first."""
        symbols = self.points
        if self.point_tip is None or len(symbols.xs) == 0:
            return []
        px, py = self._pixel()
        w, h = symbols.half_sizes()
        under = np.flatnonzero(
            (np.abs(symbols.xs - pos.x()) < w * px) & (np.abs(symbols.ys - pos.y()) < h * py)
        )
        found = list(under[::-1])
        tips = [
            self.point_tip(x=float(symbols.xs[i]), y=float(symbols.ys[i]), data=symbols.data[i])
            for i in found[:MAX_TIPS]
        ]
        if len(found) > MAX_TIPS:
            tips.append(f"({len(found) - MAX_TIPS} others...)")
        return tips

    def event_tip_at(self, pos: QPointF) -> str:
        """The hover text of the event line under ``pos`` (view units), the last drawn if several."""
        px, _ = self._pixel()
        reach = (LINE_HOVER_PX + math.ceil(self.event_pen.widthF()) / 2) * px
        for x, tip in reversed(self.events):
            if abs(x - pos.x()) <= reach:
                return tip
        return ""
