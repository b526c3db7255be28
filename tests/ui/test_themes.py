"""Themes: high contrast (and dark) meet WCAG AA, switching repaints the charts, a screenshot per theme."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from rehabtrack.charts.contrast import contrast as wcag_contrast
from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT, ChartTheme
from rehabtrack.storage.store import Store
from rehabtrack.ui.settings import Preferences, Settings, Theme
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.theme import apply_app_theme, chart_theme, dark_palette
from rehabtrack.ui.widgets import high_contrast_palette

AA_TEXT = 4.5  # WCAG 2.x 1.4.3, normal text
AA_GRAPHICS = 3.0  # WCAG 2.x 1.4.11, lines and other graphical objects

R = QPalette.ColorRole
TEXT_PAIRS = [
    (R.WindowText, R.Window),
    (R.Text, R.Base),
    (R.Text, R.AlternateBase),
    (R.ButtonText, R.Button),
    (R.HighlightedText, R.Highlight),
    (R.ToolTipText, R.ToolTipBase),
    (R.PlaceholderText, R.Base),
    (R.Link, R.Base),
]


def contrast(a: str | QColor, b: str | QColor) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    return wcag_contrast(QColor(a).name(), QColor(b).name())


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("make", [high_contrast_palette, dark_palette], ids=["high-contrast", "dark"])
def test_palette_text_meets_aa(qapp: QApplication, make: Callable[[], QPalette]) -> None:
    palette = make()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for fg, bg in TEXT_PAIRS:
            ratio = contrast(palette.color(group, fg), palette.color(group, bg))
            assert ratio >= AA_TEXT, f"{fg.name} on {bg.name}: {ratio:.2f}"


def _lines(theme: ChartTheme) -> dict[str, str]:
    return {
        "data": theme.data,
        "rolling mean": theme.rolling_mean,
        "trend": theme.trend,
        "goal": theme.goal,
        "event": theme.event,
        "PT goals": theme.pt.colour,
        "OT goals": theme.ot.colour,
    }


@pytest.mark.parametrize("theme", [HIGH_CONTRAST, DARK, LIGHT], ids=lambda t: t.name)
def test_chart_text_and_lines_meet_aa(theme: ChartTheme) -> None:
    assert contrast(theme.foreground, theme.background) >= AA_TEXT  # tick labels, titles, messages
    for name, colour in _lines(theme).items():
        assert contrast(colour, theme.background) >= AA_GRAPHICS, name
    if theme is HIGH_CONTRAST:  # high contrast holds its lines to the text standard too
        for name, colour in _lines(theme).items():
            assert contrast(colour, theme.background) >= AA_TEXT, name


def test_follow_system_picks_chart_theme_from_the_palette(qapp: QApplication) -> None:
    assert chart_theme(Theme.SYSTEM, dark_palette()) is DARK
    light = QPalette(QColor("#f0f0f0"))
    assert chart_theme(Theme.SYSTEM, light) is LIGHT
    assert chart_theme(Theme.HIGH_CONTRAST) is HIGH_CONTRAST


# In the window -----------------------------------------------------------------------------------


@pytest.fixture
def dashboard_window(main_window: Callable[..., MainWindow], demo_store: Store) -> Iterator[MainWindow]:
    window = main_window(demo_store, Settings(), size=(1280, 900))
    window.tabs.setCurrentWidget(window.dashboard)
    yield window
    apply_app_theme(Theme.SYSTEM)


def _chart_corner(window: MainWindow) -> QColor:
    chart = window.dashboard.visible_charts()[0]  # type: ignore[union-attr]
    QApplication.processEvents()
    return chart.grab().toImage().pixelColor(3, 3)


@pytest.mark.parametrize("theme", [Theme.DARK, Theme.HIGH_CONTRAST, Theme.LIGHT])
def test_switching_theme_repaints_the_charts(dashboard_window: MainWindow, theme: Theme) -> None:
    dashboard_window.desktop.apply(Preferences(theme=theme))
    expected = chart_theme(theme)
    assert _chart_corner(dashboard_window) == QColor(expected.background)
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
    assert (window_colour.lightness() < 128) == (theme != Theme.LIGHT)


@pytest.mark.parametrize(
    ("theme", "name"),
    [(Theme.LIGHT, "light"), (Theme.DARK, "dark"), (Theme.HIGH_CONTRAST, "high-contrast")],
)
def test_dashboard_screenshot(
    dashboard_window: MainWindow, theme: Theme, name: str, shot: Callable[[object, str], object]
) -> None:
    dashboard_window.desktop.apply(Preferences(theme=theme))
    QApplication.processEvents()
    shot(dashboard_window, f"dashboard-{name}.png")


# Secondary text ----------------------------------------------------------------------------------

# A desktop palette as found on a real screen: the placeholder grey #7F7F7F on #ECECEC is 3.39:1.
FAINT_DESKTOP = {R.Window: "#ECECEC", R.WindowText: "#000000", R.PlaceholderText: "#7F7F7F"}


def _text_contrasts(window: MainWindow) -> list[tuple[str, float]]:
    """(text, contrast against the window colour) of every visible label in the window."""
    found = []
    for label in window.findChildren(QLabel):
        if not (label.isVisible() and label.text().strip()):
            continue
        palette = label.palette()
        ratio = contrast(palette.color(label.foregroundRole()), palette.color(QPalette.ColorRole.Window))
        found.append((label.text()[:40], ratio))
    return found


@pytest.mark.parametrize("theme", list(Theme), ids=lambda t: t.value)
def test_hint_range_and_legend_text_reach_aa_in_every_theme(
    dashboard_window: MainWindow, theme: Theme
) -> None:
    dashboard_window.desktop.apply(Preferences(theme=theme))
    if theme == Theme.SYSTEM:
        palette = QPalette(QApplication.palette())
        for role, colour in FAINT_DESKTOP.items():
            palette.setColor(role, QColor(colour))
        QApplication.setPalette(palette)
    for tab in (dashboard_window.checkin, dashboard_window.dashboard):
        dashboard_window.tabs.setCurrentWidget(tab)
        QApplication.processEvents()
        shown = _text_contrasts(dashboard_window)
        assert (
            any(text.startswith("Dots: each logged week") for text, _ in shown)
            or tab is not dashboard_window.dashboard
        )
        faint = [(text, round(ratio, 2)) for text, ratio in shown if ratio < AA_TEXT]
        assert not faint, f"{theme.value}: {faint}"


@pytest.mark.parametrize("faint", ["#7F7F7F", "#00000080", "#A0A0A0"])
def test_a_faint_desktop_placeholder_is_darkened_just_enough(qapp: QApplication, faint: str) -> None:
    from rehabtrack.charts.contrast import parse
    from rehabtrack.ui.widgets import with_readable_placeholder

    palette = QPalette(QApplication.palette())
    (r, g, b), alpha = parse(faint)
    palette.setColor(R.Base, QColor("#FFFFFF"))
    palette.setColor(R.Text, QColor("#000000"))
    palette.setColor(R.PlaceholderText, QColor(int(r), int(g), int(b), round(alpha * 255)))
    fixed = with_readable_placeholder(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        placeholder = fixed.color(group, R.PlaceholderText)
        assert contrast(placeholder, fixed.color(group, R.Base)) >= AA_TEXT
        assert contrast(placeholder, fixed.color(group, R.Base)) < 7  # still a grey, not the text's black


@pytest.mark.parametrize("theme", list(Theme), ids=lambda t: t.value)
def test_placeholder_text_reaches_aa_in_every_theme(qapp: QApplication, theme: Theme) -> None:
    try:
        apply_app_theme(theme)
        palette = QApplication.palette()
        assert contrast(palette.color(R.PlaceholderText), palette.color(R.Base)) >= AA_TEXT
    finally:
        apply_app_theme(Theme.SYSTEM)
