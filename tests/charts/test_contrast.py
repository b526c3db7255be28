"""WCAG contrast of every chart theme: text 4.5:1 and lines 3:1 against every background they are drawn on."""

from __future__ import annotations

import pytest

from rehabtrack.charts.contrast import GRAPHIC_MIN, TEXT_MIN, contrast, over, relative_luminance
from rehabtrack.charts.theme import THEMES, ChartTheme


def test_contrast_matches_published_values() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the usual "just fails AA"
    assert contrast("#7F7F7F", "#ECECEC") == pytest.approx(3.39, abs=0.01)  # the hint text that failed
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)
    assert over("#00000080", "#FFFFFF") == "#7F7F7F"  # half black over white
    assert contrast("#00000080", "#FFFFFF") == contrast("#7F7F7F", "#FFFFFF")


def backdrops(theme: ChartTheme) -> dict[str, str]:
    """Every background a chart line or label can sit on: the plain plot, the meaningful-change band,
    the typical-range wash, and the two laid over each other."""
    bg = theme.background
    return {
        "background": bg,
        "meaningful-change band": over(theme.band, bg),
        "typical-range wash": over(theme.typical, bg),
        "band over the wash": over(theme.band, over(theme.typical, bg)),
    }


def lines(theme: ChartTheme) -> dict[str, str]:
    return {
        "weekly line and dots": theme.data,
        "4-week average": theme.rolling_mean,
        "trend": theme.trend,
        "goal": theme.goal,
        "event": theme.event,
        "PT goal": theme.pt.colour,
        "OT goal": theme.ot.colour,
    }


def texts(theme: ChartTheme) -> dict[str, str]:
    """Text colours: tick labels, titles, messages and event labels in the foreground colour; goal
    labels in their discipline's colour."""
    return {
        "axis and event text": theme.foreground,
        "PT goal label": theme.pt.colour,
        "OT goal label": theme.ot.colour,
    }


@pytest.mark.parametrize("theme", list(THEMES.values()), ids=list(THEMES))
def test_every_chart_line_reaches_3_to_1_on_every_backdrop(theme: ChartTheme) -> None:
    failures = [
        f"{line} {colour} on {where} {bg}: {contrast(colour, bg):.2f}:1"
        for line, colour in lines(theme).items()
        for where, bg in backdrops(theme).items()
        if contrast(colour, bg) < GRAPHIC_MIN
    ]
    assert not failures


@pytest.mark.parametrize("theme", list(THEMES.values()), ids=list(THEMES))
def test_every_chart_text_reaches_4_5_to_1(theme: ChartTheme) -> None:
    """Text on the plot (the tick labels), and labels on their own fill laid over any backdrop."""
    grounds = {"background": theme.background}
    grounds |= {f"label fill over the {w}": over(theme.label_fill, bg) for w, bg in backdrops(theme).items()}
    failures = [
        f"{name} {colour} on {where} {bg}: {contrast(colour, bg):.2f}:1"
        for name, colour in texts(theme).items()
        for where, bg in grounds.items()
        if contrast(colour, bg) < TEXT_MIN
    ]
    assert not failures
