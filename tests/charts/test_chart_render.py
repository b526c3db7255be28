"""Charts drawn into a PDF (as vectors) and into PNG screenshots, from the same chart code as on screen."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import MarkerChart, range_for
from rehabtrack.charts.render import make_print_chart, render_chart_to, render_png
from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT, PRINT, ChartTheme
from rehabtrack.core.meaningful_change import threshold_for
from rehabtrack.core.model import Direction, Discipline, Goal
from rehabtrack.core.series import Series, series_for
from rehabtrack.storage.store import Store

TODAY = date(2026, 11, 24)  # the same fixed day as tests/conftest.py
SHOTS = Path("/tmp/rehabtrack-shots")
SeriesMaker = Callable[..., Series]
PATH_OPERATORS = (b" m\n", b" l\n", b" c\n", b" re\n")


def demo_chart_inputs(store: Store, key: str) -> tuple[Series, list[Goal], list, tuple[date, date]]:  # type: ignore[type-arg]
    patient = store.patients()[0]
    assert patient.id is not None
    series = series_for(key, store.entries(patient.id), store.activities(patient.id))
    return series, store.goals(patient.id), store.events(patient.id), range_for("All", TODAY, series.weeks[0])


def keep_shot(path: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / f"chart-{name}.png")


def test_pdf_page_is_vectors(qtbot: QtBot, demo_store: Store, tmp_path: Path) -> None:
    key = "pain"
    series, goals, events, span = demo_chart_inputs(demo_store, key)
    chart = make_print_chart(series, goals, events, span, threshold_for(key).value, (640, 280))
    qtbot.addWidget(chart)
    assert chart.theme is PRINT
    pdf = tmp_path / "chart.pdf"
    writer = QPdfWriter(str(pdf))
    writer.setResolution(96)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    try:
        render_chart_to(painter, QRectF(20, 20, 640, 280), chart)
    finally:
        painter.end()

    page = PdfReader(pdf).pages[0]
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    xobjects = resources.get("/XObject", DictionaryObject()).get_object()
    assert isinstance(xobjects, DictionaryObject)
    images = []
    for name in xobjects:
        xobject = xobjects[name].get_object()
        if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Image":
            images.append(name)
    assert images == [], "the chart was rasterised"
    content = page.get_contents()
    assert content is not None
    data = content.get_data()
    assert sum(data.count(op) for op in PATH_OPERATORS) > 50  # axes, grid, curves, point symbols
    text = " ".join(page.extract_text().split())  # text stays text, so the PDF is searchable
    assert "PT goal" in text and "lower is better" in text


@pytest.mark.parametrize(
    ("name", "key", "theme", "size"),
    [
        ("pain-light", "pain", LIGHT, (640, 300)),
        ("knee-print", "rom/knee/right/flexion/active", PRINT, (640, 280)),
        ("sleep-dark", "sleep_hours", DARK, (480, 240)),
        ("walk-high-contrast", "activity/1", HIGH_CONTRAST, (640, 320)),
    ],
)
def test_render_png(
    qtbot: QtBot,
    demo_store: Store,
    tmp_path: Path,
    name: str,
    key: str,
    theme: ChartTheme,
    size: tuple[int, int],
) -> None:
    series, goals, events, span = demo_chart_inputs(demo_store, key)
    chart = MarkerChart()
    qtbot.addWidget(chart)
    chart.set_data(series, goals, events, theme, span, threshold_for(key).value)
    path = render_png(chart, tmp_path / f"{name}.png", size)
    image = QImage(str(path))
    assert (image.width(), image.height()) == size
    # Not a blank image: the corner is the background, and the data colour is somewhere.
    assert image.pixelColor(1, 1) == QColor(theme.background)
    assert len({image.pixel(x, y) for x in range(0, size[0], 7) for y in range(0, size[1], 7)}) > 10
    keep_shot(path, name)


def test_render_png_of_an_empty_chart(qtbot: QtBot, make_series: SeriesMaker, tmp_path: Path) -> None:
    chart = MarkerChart()
    qtbot.addWidget(chart)
    goal = Goal(Discipline.OT, "Less pain", "pain", 3, Direction.LOWER)
    chart.set_data(make_series([]), [goal], x_range=(TODAY - timedelta(days=28), TODAY))
    path = render_png(chart, tmp_path / "empty.png", (480, 240))
    keep_shot(path, "empty")
    assert chart.message() == "No weeks logged yet"


def test_render_png_with_a_gap(qtbot: QtBot, make_series: SeriesMaker, tmp_path: Path) -> None:
    chart = MarkerChart()
    qtbot.addWidget(chart)
    series = make_series({0: 7, 1: 6, 2: 6, 3: 5, 6: 4, 7: 4, 8: 3, 9: 3, 10: 2})
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER, target_date=date(2026, 6, 1))
    chart.set_data(series, [goal], band=2)
    path = render_png(chart, tmp_path / "gap.png", (560, 260))
    keep_shot(path, "gap")
    assert chart.gap_after() == [series.weeks[3]]


def test_render_resizes_the_chart_to_the_target(qtbot: QtBot, make_series: SeriesMaker) -> None:
    chart = MarkerChart()
    qtbot.addWidget(chart)
    chart.set_data(make_series([5, 4, 3]))
    image = QImage(300, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        render_chart_to(painter, QRectF(0, 0, 300, 200), chart)
    finally:
        painter.end()
    assert (chart.width(), chart.height()) == (300, 200)
    assert chart.plotItem.geometry().size().toSize().toTuple() == (300, 200)
