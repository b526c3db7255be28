"""Chart themes: every look has PT and OT that differ without colour."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT, PRINT, ChartTheme, theme_for
from rehabtrack.core.model import Discipline

ALL = (LIGHT, DARK, HIGH_CONTRAST, PRINT)


@pytest.mark.parametrize("theme", ALL, ids=lambda t: t.name)
def test_pt_and_ot_differ_by_colour_line_and_shape(theme: ChartTheme) -> None:
    pt, ot = theme.discipline_style(Discipline.PT), theme.discipline_style(Discipline.OT)
    assert pt.colour != ot.colour
    assert pt.pen_style != ot.pen_style
    assert pt.symbol != ot.symbol


@pytest.mark.parametrize("theme", ALL, ids=lambda t: t.name)
def test_colours_are_valid(theme: ChartTheme) -> None:
    for colour in (
        theme.background,
        theme.foreground,
        theme.data,
        theme.rolling_mean,
        theme.trend,
        theme.goal,
    ):
        assert QColor(colour).isValid(), colour
    # pyqtgraph reads 8-digit colours as #RRGGBBAA.
    assert 0 < pg.mkColor(theme.band).alpha() < 128  # translucent, so the data shows through


def test_print_is_black_on_white() -> None:
    assert QColor(PRINT.background) == QColor("white")
    assert QColor(PRINT.foreground) == QColor("black")
    # In greyscale the rolling mean and the data still differ: one is much thicker.
    assert PRINT.mean_width >= 2 * PRINT.data_width


def test_theme_for() -> None:
    assert theme_for("light") is LIGHT
    assert theme_for("Dark") is DARK
    assert theme_for("high_contrast") is HIGH_CONTRAST
    assert theme_for("high contrast") is HIGH_CONTRAST
    assert theme_for("print") is PRINT
    with pytest.raises(KeyError):
        theme_for("sepia")
