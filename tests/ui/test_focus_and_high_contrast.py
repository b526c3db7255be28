"""Where the keyboard is, and what high contrast shows: a focus ring on combo boxes and charts in
every theme, an unchecked check box seen on black, and the questionnaire chart in the theme's colours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from rehabtrack.charts.contrast import GRAPHIC_MIN, contrast
from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.charts.theme import HIGH_CONTRAST, LIGHT
from rehabtrack.core.series import series_for
from rehabtrack.storage.store import Store
from rehabtrack.ui.settings import Theme
from rehabtrack.ui.theme import apply_app_theme, chart_theme
from rehabtrack.ui.views.questionnaires import QuestionnairesView

FUSION_THEMES = [
    Theme.LIGHT,
    Theme.DARK,
    Theme.HIGH_CONTRAST,
    Theme.SYSTEM,
]  # the system's style is Fusion here


@pytest.fixture
def themed() -> Iterator[None]:
    yield
    apply_app_theme(Theme.SYSTEM)


def _window(qtbot: QtBot, *widgets: QWidget) -> QWidget:
    window = QWidget()
    layout = QVBoxLayout(window)
    for widget in widgets:
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.resize(420, 320)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def _best_contrast(image: QImage, rect: QRect, against: QColor) -> float:
    """The highest contrast of any pixel in ``rect`` against ``against``."""
    best = 1.0
    for x in range(rect.left(), rect.right() + 1):
        for y in range(rect.top(), rect.bottom() + 1):
            best = max(best, contrast(image.pixelColor(x, y).name(), against.name()))
    return best


def _edge(widget: QWidget) -> QRect:
    """The left edge of a widget, two pixels wide, in its own coordinates."""
    return QRect(0, 2, 2, widget.height() - 4)


def _top(widget: QWidget) -> QRect:
    """The right half of a widget's top edge, two pixels high (clear of a chart's value axis)."""
    return QRect(widget.width() // 2, 0, widget.width() // 2 - 2, 2)


@pytest.mark.parametrize("theme", FUSION_THEMES, ids=lambda t: t.value)
def test_a_focused_combo_box_shows_a_ring(qtbot: QtBot, themed: None, theme: Theme) -> None:
    apply_app_theme(theme)
    combo, other = QComboBox(), QComboBox()
    combo.addItems(["LEFS", "QuickDASH"])
    other.addItems(["ODI"])
    shown = _window(qtbot, other, combo)
    assert shown.isVisible()
    other.setFocus()
    QApplication.processEvents()
    unfocused = combo.grab().toImage()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    focused = combo.grab().toImage()
    window = combo.palette().color(combo.backgroundRole())
    ring = _best_contrast(focused, _edge(combo), window)
    assert ring >= GRAPHIC_MIN, f"focus ring {ring:.2f}:1"
    assert focused != unfocused  # the ring comes with the focus


@pytest.mark.parametrize("theme", FUSION_THEMES, ids=lambda t: t.value)
def test_a_focused_chart_shows_a_ring(qtbot: QtBot, themed: None, theme: Theme, make_chart_data) -> None:  # type: ignore[no-untyped-def]
    apply_app_theme(theme)
    chart, other = MarkerChart(), QComboBox()
    look = chart_theme(theme)
    chart.set_data(make_chart_data, theme=look)
    shown = _window(qtbot, other, chart)
    assert shown.isVisible()
    other.setFocus()
    QApplication.processEvents()
    plain = chart.grab().toImage()
    assert _best_contrast(plain, _top(chart), QColor(look.background)) < GRAPHIC_MIN  # no ring yet
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    ringed = chart.grab().toImage()
    assert _best_contrast(ringed, _top(chart), QColor(look.background)) >= GRAPHIC_MIN


@pytest.fixture
def make_chart_data():  # type: ignore[no-untyped-def]
    from rehabtrack.core.model import WeeklyEntry

    monday = date(2026, 3, 2)
    from datetime import timedelta

    entries = [WeeklyEntry(monday + timedelta(weeks=i), {"pain": v}) for i, v in enumerate([6, 5, 5, 4, 3])]
    return series_for("pain", entries)


def test_an_unchecked_check_box_is_visible_in_high_contrast(qtbot: QtBot, themed: None) -> None:
    apply_app_theme(Theme.HIGH_CONTRAST)
    box, other = QCheckBox("I have been discharged"), QComboBox()
    shown = _window(qtbot, other, box)
    assert shown.isVisible()
    other.setFocus()
    QApplication.processEvents()
    assert not box.isChecked()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    window = box.palette().color(box.backgroundRole())
    assert _best_contrast(image, indicator, window) >= GRAPHIC_MIN


def test_the_questionnaire_chart_takes_the_high_contrast_colours(
    qtbot: QtBot, themed: None, demo_store: Store, today: date
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    view = QuestionnairesView(demo_store, patient.id, today)
    qtbot.addWidget(view)
    view.show()
    assert view.chart.theme == LIGHT
    apply_app_theme(Theme.HIGH_CONTRAST)  # switched while the view is open
    QApplication.processEvents()
    assert view.chart.theme == HIGH_CONTRAST
    assert view.chart.grab().toImage().pixelColor(3, 3) == QColor(HIGH_CONTRAST.background)
    fresh = QuestionnairesView(demo_store, patient.id, today)  # and built after the switch
    qtbot.addWidget(fresh)
    assert fresh.chart.theme == HIGH_CONTRAST
