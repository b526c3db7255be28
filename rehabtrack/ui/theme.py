"""The app's look: its icon, light/dark/high-contrast palettes and styles, and the matching chart theme."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleOption,
)

from rehabtrack.charts.contrast import GRAPHIC_MIN, contrast
from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT, ChartTheme
from rehabtrack.core.resources import resource_path
from rehabtrack.ui.settings import Theme
from rehabtrack.ui.widgets import high_contrast_palette, with_readable_placeholder

ICON = ("icons", "rehabtrack.svg")


def app_icon() -> QIcon:
    return QIcon(str(resource_path(*ICON)))


# Themes ------------------------------------------------------------------------------------------


def dark_palette() -> QPalette:
    """Light grey text on dark grey; every text colour is at least 4.5:1 against its background."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#ececec",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#ececec",
        QPalette.ColorRole.Button: "#383838",
        QPalette.ColorRole.ButtonText: "#ececec",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#2f6db3",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#3b3620",
        QPalette.ColorRole.ToolTipText: "#f5f5f5",
        QPalette.ColorRole.PlaceholderText: "#a8a8a8",
        QPalette.ColorRole.Link: "#6cb6ff",
        QPalette.ColorRole.LinkVisited: "#c39bff",
        QPalette.ColorRole.Light: "#505050",
        QPalette.ColorRole.Midlight: "#424242",
        QPalette.ColorRole.Mid: "#303030",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        for role, colour in colours.items():
            palette.setColor(group, role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return palette


def ring_colour(palette: QPalette) -> QColor:
    """The focus ring's colour: the highlight where it stands out from the window by 3:1 (WCAG 1.4.11),
    else the text colour."""
    window = palette.color(QPalette.ColorRole.Window).name()
    highlight = palette.color(QPalette.ColorRole.Highlight)
    if contrast(highlight.name(), window) >= GRAPHIC_MIN:
        return highlight
    return palette.color(QPalette.ColorRole.WindowText)


class ThemeStyle(QProxyStyle):
    """Fusion, with a 2-pixel focus ring around a focused combo or spin box (Fusion shows none a person
    can see). Its high-contrast form also outlines every text field, combo box, spin box, check box and
    radio button in the text colour: Fusion draws them a shade darker than the window, which vanishes
    on black.

    A style, not a style sheet: any style sheet stops fonts propagating, which would undo the font scale.
    """

    high_contrast = False

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(self, element: Any, option: Any, painter: QPainter, widget: Any = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if not self.high_contrast:
            return
        if element == QStyle.PrimitiveElement.PE_FrameLineEdit:
            self._outline(option, painter)
        elif element in (
            QStyle.PrimitiveElement.PE_IndicatorCheckBox,
            QStyle.PrimitiveElement.PE_IndicatorRadioButton,
        ):
            self._outline(option, painter, round_=element == QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    def drawComplexControl(self, control: Any, option: Any, painter: QPainter, widget: Any = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        boxes = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)
        if control in boxes and (self.high_contrast or option.state & QStyle.StateFlag.State_HasFocus):
            self._outline(option, painter)

    @staticmethod
    def _outline(option: QStyleOption, painter: QPainter, round_: bool = False) -> None:
        focus = bool(option.state & QStyle.StateFlag.State_HasFocus)
        colour = ring_colour(option.palette) if focus else option.palette.color(QPalette.ColorRole.WindowText)
        width = 2 if focus else 1
        painter.save()
        painter.setPen(QPen(colour, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = option.rect.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2)
        if round_:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.drawEllipse(rect)
        else:
            painter.drawRect(rect)
        painter.restore()


class HighContrastStyle(ThemeStyle):
    """The high-contrast form of ``ThemeStyle``: every input outlined in the text colour."""

    high_contrast = True


class _Original:
    """The style and palette the application started with: 'follow the system' goes back to them."""

    style: str | None = None
    palette: QPalette | None = None


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


def apply_app_theme(theme: Theme) -> None:
    """Set the application's palette: the system's own, or Fusion with a light, dark or high-contrast one.

    Fusion is used for the chosen themes because native styles (Windows 11, macOS) ignore palettes.
    """
    app = _app()
    if _Original.palette is None:
        _Original.style = app.style().name()
        _Original.palette = QPalette(app.palette())
    if theme == Theme.SYSTEM:
        if (_Original.style or "").lower() == "fusion":  # the desktop's Fusion: the same, with a focus ring
            if type(app.style()) is not ThemeStyle:
                app.setStyle(ThemeStyle())
        elif _Original.style and (
            isinstance(app.style(), ThemeStyle) or app.style().name() != _Original.style
        ):
            app.setStyle(_Original.style)
        app.setPalette(with_readable_placeholder(_Original.palette))
        return
    if theme == Theme.HIGH_CONTRAST:
        if not isinstance(app.style(), HighContrastStyle):
            app.setStyle(HighContrastStyle())
    elif type(app.style()) is not ThemeStyle:
        app.setStyle(ThemeStyle())
    if theme == Theme.DARK:
        app.setPalette(dark_palette())
    elif theme == Theme.HIGH_CONTRAST:
        app.setPalette(high_contrast_palette())
    else:
        app.setPalette(with_readable_placeholder(app.style().standardPalette()))


def current_chart_theme() -> ChartTheme:
    """The chart look for the theme now applied, read from the application's style and palette (for
    views built after the theme was chosen, such as the questionnaires' chart)."""
    if isinstance(_app().style(), HighContrastStyle):
        return HIGH_CONTRAST
    return chart_theme(Theme.SYSTEM)


def chart_theme(theme: Theme, palette: QPalette | None = None) -> ChartTheme:
    """The chart look for a theme; 'follow the system' draws dark charts on a dark system palette."""
    if theme == Theme.DARK:
        return DARK
    if theme == Theme.HIGH_CONTRAST:
        return HIGH_CONTRAST
    if theme == Theme.SYSTEM:
        window = (palette or _app().palette()).color(QPalette.ColorRole.Window)
        return DARK if window.lightness() < 128 else LIGHT
    return LIGHT
