"""Draw a MarkerChart into any QPainter as vectors: the PDF report and screenshots use the same chart
code as the screen, so the two never disagree.

The scene is rendered directly (``QGraphicsScene.render``), not through pyqtgraph's SVG exporter, which
fails on Qt ≥ 6.12 (pyqtgraph issue 3495). Items are put in pyqtgraph's export mode first, so the
scatter points are drawn as paths instead of being copied from a cached pixmap atlas.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QResizeEvent

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.charts.theme import PRINT
from rehabtrack.core.model import Event, Goal
from rehabtrack.core.series import Series

DEFAULT_SIZE = (640, 280)


def _fit(chart: MarkerChart, width: int, height: int) -> None:
    """Lay the chart out at ``width`` × ``height`` pixels, shown or not.

    A hidden widget only gets its resize event when shown (and QAbstractScrollArea swallows one sent
    with sendEvent), so pyqtgraph's handler is called directly; the layout is then activated so axes
    and labels sit where they would on screen at that size.
    """
    old = chart.size()
    chart.resize(width, height)
    chart.resizeEvent(QResizeEvent(QSize(width, height), old))
    chart.plotItem.layout.activate()
    chart.plotItem.getViewBox().updateViewRange()
    QCoreApplication.sendPostedEvents()


def _prime(chart: MarkerChart, width: int, height: int) -> None:
    """Paint the chart once into a tiny image. pyqtgraph's TextItem, on its first paint in a scene, sets
    the painter's transform to its own scene transform, dropping the target's: on a PDF page the fill
    behind a goal label landed elsewhere on the page, and event lines showed through the label."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        chart.scene().render(painter, QRectF(0, 0, 8, 8), QRectF(0, 0, width, height))
    finally:
        painter.end()


def render_chart_to(painter: QPainter, rect: QRectF, chart: MarkerChart) -> None:
    """Draw ``chart`` into ``rect`` of an active ``painter``, background included."""
    width, height = max(1, round(rect.width())), max(1, round(rect.height()))
    if (chart.width(), chart.height()) != (width, height):
        _fit(chart, width, height)
    _prime(chart, width, height)
    scene = chart.scene()
    items = [item for item in scene.items() if hasattr(item, "setExportMode")]
    opts = {"antialias": True, "background": QColor(chart.theme.background), "painter": painter}
    for item in items:
        item.setExportMode(True, opts)
    painter.save()
    try:
        painter.fillRect(rect, QColor(chart.theme.background))
        source = QRectF(0, 0, width, height)
        scene.render(painter, rect, source)
    finally:
        painter.restore()
        for item in items:
            item.setExportMode(False)


def render_png(chart: MarkerChart, path: Path | str, size: tuple[int, int] = DEFAULT_SIZE) -> Path:
    """Save ``chart`` as a PNG of ``size`` pixels (for screenshots and the README)."""
    width, height = size
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(chart.theme.background))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        render_chart_to(painter, QRectF(0, 0, width, height), chart)
    finally:
        painter.end()
    out = Path(path)
    if not image.save(str(out), "PNG"):  # type: ignore[call-overload]  # the stub wants bytes; Qt wants str
        raise OSError(f"could not write {out}")
    return out


def make_print_chart(
    series: Series,
    goals: Sequence[Goal] = (),
    events: Sequence[Event] = (),
    x_range: tuple[date, date] | None = None,
    band: float | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
) -> MarkerChart:
    """An offscreen chart in the PRINT theme, laid out at ``size`` and ready for ``render_chart_to``.

    The caller owns it (``deleteLater()`` when done).
    """
    chart = MarkerChart()
    chart.set_data(series, goals, events, theme=PRINT, x_range=x_range, band=band)
    _fit(chart, *size)
    return chart
