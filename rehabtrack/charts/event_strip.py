"""The strip above a chart's plot where its events are named, clear of the data below.

Kept outside the plot so the value axis shows only the marker's own scale (a 0–10 rating never
reads 12 to make room for a label) and no label ever covers a weekly point or a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from rehabtrack.charts.axes import TitleOnceMixin

LABEL_GAP_PX = 8.0  # between two labels in a row
TEXT_PAD_PX = 3.0  # between a label and its event's line
MAX_ROWS = 3
TOP_PX = 2.0


@dataclass
class StripLabel:
    x: float  # the event's position on the date axis (seconds)
    text: str  # the whole label
    shown: str = ""  # as drawn: the whole label, or cut short with "…" when a row has no room for it
    row: int = 0
    right: bool = True  # drawn right of its line (else left of it)


class EventStrip(TitleOnceMixin, pg.AxisItem):  # type: ignore[misc]
    """A top "axis" with no ticks: it draws each event's label in the first row where it fits."""

    def __init__(self) -> None:
        super().__init__(orientation="top")
        self.setStyle(showValues=False, tickLength=0)
        # No values, no title: pyqtgraph would otherwise set the empty title's HTML on every range change.
        self.enableAutoSIPrefix(False)
        self.labels: list[StripLabel] = []
        self._font = QFont()
        self._colour = QColor("#000000")
        self._line_colour = QColor("#808080")
        self._fill = QColor("#FFFFFF")
        self._row_height = 0.0
        self.wanted_height = 0  # the height its rows of labels need (the layout gives it later)
        self._placed: tuple[object, ...] | None = None  # what the labels were last laid out for
        self.setHeight(0)

    def set_look(self, font: QFont, colour: str, line_colour: str, background: str) -> None:
        self._font = QFont(font)
        self._fill = QColor(background)
        self._colour = QColor(colour)
        self._line_colour = QColor(line_colour)
        self._row_height = QFontMetricsF(self._font).height()
        self._placed = None

    def _pixel(self, x: float) -> float:
        view = self.linkedView()
        if view is None:
            return 0.0
        (x0, x1), _ = view.viewRange()
        return (x - x0) / (x1 - x0) * self.width() if x1 > x0 else 0.0

    def place(self, labels: list[StripLabel], width: float, x_range: tuple[float, float]) -> None:
        """Lay ``labels`` (sorted by x) out for a plot ``width`` pixels wide showing ``x_range``; the
        same labels for the same width and range (a saved week) keep their places, unpainted."""
        placed = (tuple((label.x, label.text) for label in labels), width, x_range)
        if placed == self._placed:
            return
        self._placed = placed
        metrics = QFontMetricsF(self._font)
        x0, x1 = x_range
        scale = width / (x1 - x0) if x1 > x0 and width > 0 else 0.0
        ends: list[float] = []  # right edge of the last label in each row
        last: list[StripLabel] = []
        for label in labels:
            px = (label.x - x0) * scale
            text_w = metrics.horizontalAdvance(label.text) + TEXT_PAD_PX
            room_right, room_left = width - px, px
            label.right = text_w <= room_right or room_right >= room_left
            room = room_right if label.right else room_left
            label.shown = (
                label.text
                if text_w <= room
                else metrics.elidedText(label.text, Qt.TextElideMode.ElideRight, max(room - TEXT_PAD_PX, 0.0))
            )
            shown_w = metrics.horizontalAdvance(label.shown) + TEXT_PAD_PX
            left = px if label.right else px - shown_w
            free = [r for r, end in enumerate(ends) if end + LABEL_GAP_PX <= left]
            if free:
                row = free[0]
            elif len(ends) < MAX_ROWS:
                row = len(ends)
                ends.append(float("-inf"))
                last.append(label)
            else:  # every row is taken here: the earlier label in the emptiest row is cut short
                row = min(range(len(ends)), key=lambda r: ends[r])
                before = last[row]
                keep = left - LABEL_GAP_PX - (before.x - x0) * scale - 2 * TEXT_PAD_PX
                shorter = metrics.elidedText(before.text, Qt.TextElideMode.ElideRight, max(keep, 0.0))
                before.shown = shorter if before.right and shorter != "…" else ""
            label.row = row
            ends[row] = left + shown_w
            last[row] = label
        self.labels = labels
        rows = len(ends)
        self.wanted_height = round(TOP_PX + rows * self._row_height + 2) if rows else 0
        self.setHeight(self.wanted_height)
        self.update()

    def paint(self, painter: QPainter, *_: Any) -> None:
        if not self.labels:
            return
        painter.save()
        painter.setFont(self._font)
        bottom = self.height()
        for label in self.labels:  # the lines first, so no line crosses a label's text
            painter.setPen(QPen(self._line_colour, 1, Qt.PenStyle.DotLine))
            px = self._pixel(label.x)
            painter.drawLine(QPointF(px, TOP_PX + label.row * self._row_height), QPointF(px, bottom))
        metrics = QFontMetricsF(self._font)
        for label in self.labels:
            if not label.shown:
                continue
            px = self._pixel(label.x)
            top = TOP_PX + label.row * self._row_height
            text_w = metrics.horizontalAdvance(label.shown)
            left = px + TEXT_PAD_PX if label.right else px - TEXT_PAD_PX - text_w
            rect = QRectF(left, top, text_w, self._row_height)
            painter.fillRect(rect.adjusted(-1, 0, 1, 0), self._fill)
            painter.setPen(self._colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label.shown)
        painter.restore()
