"""A chart given a changed series works out only the weeks that changed; what it shows must be exactly
what a chart given that series afresh shows.

Random chains of edits (a week appended, the last week changed, a week inserted in a gap or before the
first, a week deleted anywhere, a value changed in the middle) are played on one chart; after each, it
is compared with a new chart given the same series: what it draws (points, joins, 4-week means, trend,
goals, events, ranges, what a screen reader hears), its pixels on screen, its PNG export and the
drawing commands a PDF page gets, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QPainter, QPicture
from pytestqt.qtbot import QtBot

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.charts.render import render_chart_to, render_png
from rehabtrack.core.model import Direction, Discipline, Event, EventKind, Goal
from rehabtrack.core.series import Point, Series
from tests.charts.conftest import chart_state

FIRST = date(2025, 1, 6)
SIZE = (560, 260)


def _series(points: dict[date, float]) -> Series:
    return Series(
        "pain",
        "Pain (weekly average)",
        "",
        True,
        tuple(Point(w, v) for w, v in sorted(points.items())),
    )


def _edit(rng: random.Random, points: dict[date, float]) -> str:
    """Change ``points`` in one of the ways a save, a delete or an undo does; returns which."""
    weeks = sorted(points)
    last = weeks[-1] if weeks else FIRST
    value = float(rng.randint(0, 10))
    kind = rng.choice(["append", "append after a gap", "last", "middle", "insert", "before", "delete"])
    if kind == "append" or not weeks:
        points[last + timedelta(weeks=1)] = value
    elif kind == "append after a gap":
        points[last + timedelta(weeks=rng.randint(2, 5))] = value
    elif kind == "last":
        points[last] = value
    elif kind == "middle":
        points[rng.choice(weeks)] = value
    elif kind == "insert":
        gaps = [w + timedelta(weeks=1) for w in weeks[:-1] if w + timedelta(weeks=1) not in points]
        points[rng.choice(gaps) if gaps else last + timedelta(weeks=1)] = value
    elif kind == "before":
        points[weeks[0] - timedelta(weeks=rng.randint(1, 3))] = value
    else:
        del points[rng.choice(weeks)]
    return kind


def _start(rng: random.Random) -> dict[date, float]:
    return {FIRST + timedelta(weeks=i): float(rng.randint(2, 9)) for i in range(70) if rng.random() > 0.15}


GOALS = (
    Goal(
        Discipline.PT,
        "Less pain",
        "pain",
        2.0,
        Direction.LOWER,
        target_date=FIRST + timedelta(weeks=90),
        id=1,
    ),
    Goal(Discipline.OT, "Pain at work", "pain", 4.0, Direction.LOWER, None, id=2),
)
EVENTS = (Event(FIRST + timedelta(weeks=20), EventKind.SURGERY, "Knee replacement", id=1),)


def _pdf_commands(chart: MarkerChart) -> bytes:
    """The drawing commands the chart sends a PDF page (recorded: a PDF file also holds its date)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        render_chart_to(painter, QRectF(0, 0, *SIZE), chart)
    finally:
        painter.end()
    return bytes(picture.data())


def _png(chart: MarkerChart, tmp: Any, name: str) -> bytes:
    return bytes(render_png(chart, tmp / f"{name}.png", SIZE).read_bytes())


def _screen(chart: MarkerChart) -> bytes:
    image = chart.grab().toImage()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(data.data())


@pytest.fixture
def new_chart(qtbot: QtBot) -> Callable[[], MarkerChart]:
    def make() -> MarkerChart:
        chart = MarkerChart()
        qtbot.addWidget(chart)
        chart.resize(*SIZE)
        chart.show()
        qtbot.waitExposed(chart)
        return chart

    return make


def _draw(chart: MarkerChart, points: dict[date, float], x_range: tuple[date, date] | None) -> None:
    chart.set_data(_series(points), GOALS, EVENTS, x_range=x_range, band=1.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_chart_updated_week_by_week_shows_what_a_new_chart_shows(
    new_chart: Callable[[], MarkerChart], tmp_path: Any, seed: int
) -> None:
    rng = random.Random(seed)
    points = _start(rng)
    x_range = (FIRST + timedelta(weeks=40), FIRST + timedelta(weeks=80)) if seed != 2 else None
    kept = new_chart()
    _draw(kept, points, x_range)
    for step in range(14):
        kind = _edit(rng, points)
        _draw(kept, points, x_range)
        fresh = new_chart()
        _draw(fresh, points, x_range)
        where = f"step {step}: {kind}"
        assert chart_state(kept) == chart_state(fresh), where
        assert _screen(kept) == _screen(fresh), where
        if step % 5 == 4:  # the exports are slower: every few steps
            assert _png(kept, tmp_path, "kept") == _png(fresh, tmp_path, "fresh"), where
            assert _pdf_commands(kept) == _pdf_commands(fresh), where
        fresh.hide()


def test_a_chart_given_another_series_shows_only_that_one(new_chart: Callable[[], MarkerChart]) -> None:
    """A chart reused for another marker (the session view does) keeps nothing of the first."""
    rng = random.Random(7)
    first, second = _start(rng), _start(rng)
    kept = new_chart()
    _draw(kept, first, None)
    _draw(kept, second, None)
    fresh = new_chart()
    _draw(fresh, second, None)
    assert chart_state(kept) == chart_state(fresh)
    assert _screen(kept) == _screen(fresh)
