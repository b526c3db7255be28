"""A shaded band across the whole width of a chart: the meaningful-change and typical-range bands."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPainter


class Band(pg.GraphicsObject):  # type: ignore[misc]
    """From ``low`` to ``high`` on the value axis, as wide as the view whatever its range.

    pyqtgraph's ``LinearRegionItem`` draws the same, but also makes two draggable edge lines with their
    hover handling for every band, which cost a fifth of making a chart; nothing here is draggable.
    """

    def __init__(self) -> None:
        super().__init__()
        self._low, self._high = 0.0, 1.0
        self._brush = QBrush()
        self._rect = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # nothing to drag

    def set_region(self, low: float, high: float) -> None:
        if (low, high) == (self._low, self._high) and not self._rect.isEmpty():
            return  # the same band: not painted again
        self._low, self._high = low, high
        self._fit()

    def region(self) -> tuple[float, float]:
        return self._low, self._high

    def set_brush(self, brush: QBrush) -> None:
        self._brush = QBrush(brush)
        self.update()

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph's name)
        """The view was resized or moved to a new range (every range change ends here)."""
        super().viewTransformChanged()
        self._fit()

    def _fit(self) -> None:
        view = self.viewRect()
        rect = QRectF()
        if view is not None:
            rect = QRectF(view.left(), self._low, view.width(), self._high - self._low).normalized()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return QRectF(self._rect)

    def paint(self, painter: QPainter, *_: Any) -> None:
        painter.fillRect(self._rect, self._brush)
