"""Chart colours, pens and type sizes, one frozen theme per look (light, dark, high contrast, print).

PT and OT differ by colour *and* by line style and marker shape, so a goal line can be told apart in
greyscale print and by colour-blind readers. Colours come from the Okabe–Ito palette, darkened (light
themes) or lightened (dark) where needed so every line reaches 3:1 and every text 4.5:1 (WCAG AA) against
each background it is drawn on: the plot, the meaningful-change band and the typical-range wash
(``tests/charts/test_contrast.py`` checks each).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from rehabtrack.core.model import Discipline


@dataclass(frozen=True)
class DisciplineStyle:
    """How one discipline's goals are drawn: colour, line style and target-date marker shape."""

    colour: str
    pen_style: Qt.PenStyle
    symbol: str  # a pyqtgraph symbol: "s" square, "t" triangle, "o" circle, "d" diamond


@dataclass(frozen=True)
class ChartTheme:
    name: str
    background: str
    foreground: str  # axis lines, tick labels, axis titles, messages
    grid_alpha: int  # 0–255 opacity of the grid lines (drawn in the foreground colour)
    data: str  # the weekly points and the thin line joining consecutive weeks
    rolling_mean: str
    trend: str
    goal: str  # fallback for a goal whose discipline has no style
    event: str
    band: str  # "#RRGGBBAA" as pyqtgraph reads it (QColor would read #AARRGGBB): translucent
    pt: DisciplineStyle
    ot: DisciplineStyle
    font_pt: float = 9.0
    # One pixel: Qt draws a cosmetic line of any other width about ten times slower (a stroked
    # outline), and 1.2 px drew the same one-pixel line with a stray second pixel here and there.
    data_width: float = 1.0
    mean_width: float = 3.0
    trend_width: float = 2.0
    goal_width: float = 2.0
    event_width: float = 1.0
    point_size: float = 7.0
    trend_style: Qt.PenStyle = Qt.PenStyle.DashLine
    event_style: Qt.PenStyle = Qt.PenStyle.DotLine
    label_fill: str = "#FFFFFFE6"  # behind goal/event labels so they stay readable over data
    typical: str = "#009E731F"  # the typical range of motion: a faint green wash behind everything

    def discipline_style(self, discipline: Discipline | str) -> DisciplineStyle:
        if Discipline(discipline) == Discipline.OT:
            return self.ot
        return self.pt


# Okabe–Ito
BLUE = "#0072B2"
SKY_BLUE = "#56B4E9"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
BLUISH_GREEN = "#009E73"
REDDISH_PURPLE = "#CC79A7"
YELLOW = "#F0E442"
# The same hues, dark enough for 3:1 (lines) and 4.5:1 (goal labels) on white and the light washes.
DEEP_GREEN = "#007656"
DEEP_PURPLE = "#995B7D"
DEEP_VERMILLION = "#A04600"
# ... and light enough on the dark background under its band and wash.
LIGHT_GREEN = "#3CC79A"
LIGHT_PURPLE = "#E39AC6"

LIGHT = ChartTheme(
    name="light",
    background="#FFFFFF",
    foreground="#222222",
    grid_alpha=40,
    data="#4D4D4D",
    rolling_mean=DEEP_GREEN,
    trend=DEEP_PURPLE,
    goal="#222222",
    event="#6E6E6E",
    band="#8080802E",
    pt=DisciplineStyle(BLUE, Qt.PenStyle.SolidLine, "s"),
    ot=DisciplineStyle(DEEP_VERMILLION, Qt.PenStyle.DashLine, "t"),
)

DARK = ChartTheme(
    name="dark",
    background="#1E1E1E",
    foreground="#DDDDDD",
    grid_alpha=45,
    data="#BDBDBD",
    rolling_mean=LIGHT_GREEN,
    trend=LIGHT_PURPLE,
    goal="#DDDDDD",
    event="#9E9E9E",
    band="#FFFFFF24",
    pt=DisciplineStyle(SKY_BLUE, Qt.PenStyle.SolidLine, "s"),
    ot=DisciplineStyle(ORANGE, Qt.PenStyle.DashLine, "t"),
    label_fill="#1E1E1EE6",
)

HIGH_CONTRAST = ChartTheme(
    name="high contrast",
    background="#000000",
    foreground="#FFFFFF",
    grid_alpha=70,
    data="#FFFFFF",
    rolling_mean=YELLOW,
    trend=REDDISH_PURPLE,
    goal="#FFFFFF",
    event="#FFFFFF",
    band="#FFFFFF33",
    pt=DisciplineStyle(SKY_BLUE, Qt.PenStyle.SolidLine, "s"),
    ot=DisciplineStyle(ORANGE, Qt.PenStyle.DashLine, "t"),
    font_pt=12.0,
    data_width=2.0,
    mean_width=4.0,
    trend_width=3.0,
    goal_width=3.0,
    event_width=2.0,
    point_size=10.0,
    label_fill="#000000D0",
)

# White paper, black text; every element also differs by width or dash so it survives greyscale.
PRINT = ChartTheme(
    name="print",
    background="#FFFFFF",
    foreground="#000000",
    grid_alpha=35,
    data="#555555",
    rolling_mean="#000000",
    trend="#000000",
    goal="#000000",
    event="#555555",
    band="#0000001A",
    pt=DisciplineStyle(BLUE, Qt.PenStyle.SolidLine, "s"),
    ot=DisciplineStyle(DEEP_VERMILLION, Qt.PenStyle.DashLine, "t"),
    font_pt=8.0,
    data_width=1.0,
    mean_width=2.6,
    trend_width=1.6,
    goal_width=1.6,
    event_width=1.0,
    point_size=6.0,
)

THEMES: dict[str, ChartTheme] = {t.name: t for t in (LIGHT, DARK, HIGH_CONTRAST, PRINT)}


def theme_for(name: str) -> ChartTheme:
    """The theme called ``name`` ("light", "dark", "high contrast"/"high_contrast", "print")."""
    key = name.strip().lower().replace("_", " ").replace("-", " ")
    try:
        return THEMES[key]
    except KeyError:
        raise KeyError(f"unknown chart theme {name!r}; known: {', '.join(THEMES)}") from None
