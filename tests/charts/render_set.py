"""Every chart render of a fixed set of charts, one file each: to show that a change to how charts are
painted keeps every pixel. Run it on two commits and compare the folders byte for byte:

    cp tests/charts/render_set.py /tmp/
    QT_QPA_PLATFORM=offscreen .venv/bin/python /tmp/render_set.py /tmp/after
    (git checkout the other commit: the editable install draws with the checked-out code)
    QT_QPA_PLATFORM=offscreen .venv/bin/python /tmp/render_set.py /tmp/before
    diff -r /tmp/before /tmp/after && echo identical

With ``QT_SCALE_FACTOR=2`` it renders for a 200 % screen. The set: ten years of weekly pain scores (with
missed weeks, two goals, 47 events: labelled or plain lines by range) at three ranges, in the light, dark
and high-contrast themes at 100, 175 and 200 % text; a knee's range of motion with its typical band, a
goal with a target marker and a few events; nine weeks; no weeks; each in every theme and in print. For
each chart: the screen as first shown, with the keyboard focus, after a range change and back, then its
PNG export and the drawing commands a PDF page gets (recorded as a QPicture: a PDF holds its date).
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF  # noqa: E402
from PySide6.QtGui import QPainter, QPicture  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from rehabtrack.charts.marker_chart import MarkerChart  # noqa: E402
from rehabtrack.charts.render import render_chart_to, render_png  # noqa: E402
from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT, PRINT, ChartTheme  # noqa: E402
from rehabtrack.core.model import Direction, Discipline, Event, EventKind, Goal  # noqa: E402
from rehabtrack.core.rom import Side, rom_key  # noqa: E402
from rehabtrack.core.series import Point, Series  # noqa: E402

FIRST = date(2017, 1, 2)
LAST = FIRST + timedelta(weeks=519)
Span = tuple[date, date] | None
# name, series, goals, events, date range, meaningful-change band, typical band, size, theme
Case = tuple[
    str, Series, tuple[Goal, ...], tuple[Event, ...], Span, float | None, Any, tuple[int, int], ChartTheme
]


def _series(
    rng: random.Random, key: str, label: str, unit: str, weeks: int, low: float, high: float
) -> Series:
    """Weekly values, about one week in ten missed (none when there are fewer than 10 weeks)."""
    missed = 0.1 if weeks >= 10 else 0.0
    points = tuple(
        Point(FIRST + timedelta(weeks=i), round(rng.uniform(low, high), 1))
        for i in range(weeks)
        if rng.random() >= missed
    )
    return Series(key, label, unit, key == "pain", points)


def cases() -> list[Case]:
    rng = random.Random(5)
    knee_key = rom_key("knee", Side.RIGHT, "flexion")
    pain = _series(rng, "pain", "Pain (weekly average)", "", 520, 0, 10)
    short = _series(rng, "pain", "Pain (weekly average)", "", 9, 2, 8)
    knee = _series(rng, knee_key, "Right knee flexion", "°", 120, 80, 125)
    empty = Series("pain", "Pain (weekly average)", "", True, ())
    goals = (
        Goal(
            Discipline.PT,
            "Less pain",
            "pain",
            2.0,
            Direction.LOWER,
            target_date=LAST + timedelta(weeks=20),
            id=1,
        ),
        Goal(Discipline.OT, "Pain at work", "pain", 4.0, Direction.LOWER, None, id=2),
    )
    bend_by = FIRST + timedelta(weeks=130)
    bend = Goal(Discipline.PT, "Bend", knee_key, 115.0, Direction.HIGHER, target_date=bend_by, id=3)
    knee_goals = (bend,)
    kinds = (EventKind.CLINICIAN_NOTE, EventKind.SURGERY)
    few = tuple(
        Event(FIRST + timedelta(weeks=w), kinds[w % 2], f"Note {w} about the home programme", id=w)
        for w in (20, 60, 70, 100)
    )
    many = tuple(
        Event(FIRST + timedelta(weeks=w), EventKind.CLINICIAN_NOTE, f"Note {w}", id=w)
        for w in range(3, 520, 11)
    )
    out: list[Case] = []
    for theme in (LIGHT, DARK, HIGH_CONTRAST):
        for scale in (1.0, 1.75, 2.0):
            scaled = replace(theme, font_pt=theme.font_pt * scale)
            tag = f"{theme.name}-{round(scale * 100)}"
            year, weeks_12 = (LAST - timedelta(days=365), LAST), (LAST - timedelta(days=84), LAST)
            out += [
                (f"{tag}-pain-all", pain, goals, many, None, 1.0, None, (436, 240), scaled),
                (f"{tag}-pain-1y", pain, goals, many, year, 1.0, None, (436, 240), scaled),
                (f"{tag}-pain-12w", pain, goals, many, weeks_12, None, None, (900, 520), scaled),
            ]
    wide = (FIRST + timedelta(weeks=50), FIRST + timedelta(weeks=110))
    for theme in (LIGHT, DARK, HIGH_CONTRAST, PRINT):
        out += [
            (f"{theme.name}-knee", knee, knee_goals, few, None, 5.0, (0.0, 135.0), (640, 300), theme),
            (f"{theme.name}-short", short, goals, few[:1], None, 1.0, None, (436, 240), theme),
            (f"{theme.name}-empty", empty, goals, (), None, None, None, (436, 240), theme),
            (f"{theme.name}-knee-wide", knee, knee_goals, few, wide, 5.0, (0.0, 135.0), (1200, 700), theme),
        ]
    return out


def _screen(chart: MarkerChart) -> bytes:
    image = chart.grab().toImage()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(data.data())


def _pdf_commands(chart: MarkerChart, size: tuple[int, int]) -> bytes:
    picture = QPicture()
    painter = QPainter(picture)
    try:
        render_chart_to(painter, QRectF(0, 0, *size), chart)
    finally:
        painter.end()
    return bytes(picture.data())


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    charts = []
    for name, series, goals, events, x_range, band, typical, size, theme in cases():
        chart = MarkerChart()
        charts.append(chart)
        chart.resize(*size)
        chart.show()
        chart.set_data(series, goals, events, theme=theme, x_range=x_range, band=band, typical=typical)
        for _ in range(3):
            app.processEvents()
        (out / f"{name}.screen.png").write_bytes(_screen(chart))
        if name.endswith(("-knee", "-all")):
            chart.setFocus()
            app.processEvents()
            (out / f"{name}.focus.png").write_bytes(_screen(chart))
        chart.set_x_range(FIRST + timedelta(weeks=30), FIRST + timedelta(weeks=300))
        app.processEvents()
        (out / f"{name}.moved.png").write_bytes(_screen(chart))
        chart.set_data(series, goals, events, theme=theme, x_range=x_range, band=band, typical=typical)
        app.processEvents()
        (out / f"{name}.back.png").write_bytes(_screen(chart))
        (out / f"{name}.export.png").write_bytes(render_png(chart, out / "export.tmp.png", size).read_bytes())
        (out / f"{name}.pdf-commands").write_bytes(_pdf_commands(chart, size))
        chart.hide()
    (out / "export.tmp.png").unlink()
    print(f"{len(list(out.iterdir()))} renders in {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
