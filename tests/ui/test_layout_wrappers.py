"""Reading a layout's items from Python must leave no wrapper behind that outlives the item: PySide
returns such a stale wrapper for the next object Qt places at the same address (a File menu that came
back as a ``QSpacerItem`` and stopped the window opening)."""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QMenu, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.ui.widgets import layout_items, scrolling_page


def _live_item_wrappers() -> int:
    gc.collect()
    items = [o for o in gc.get_objects() if isinstance(o, QLayoutItem) and not isinstance(o, QLayout)]
    return sum(1 for o in items if shiboken6.isValid(o))


def test_a_scrolling_page_keeps_no_item_wrappers_once_laid_out(qtbot: QtBot) -> None:
    before = _live_item_wrappers()
    page = QWidget()
    qtbot.addWidget(page)
    layout = scrolling_page(page, "Test page")
    rows = [QLabel(f"Row {i} with enough words to wrap at a narrow width") for i in range(40)]
    for row in rows:
        row.setWordWrap(True)
        layout.addWidget(row)
        layout.addStretch(1)
    page.resize(300, 200)
    page.show()
    qtbot.waitExposed(page)
    QCoreApplication.processEvents()  # the page has asked its content's height for its width
    assert _live_item_wrappers() == before

    for row in rows:  # rows rebuilt, as the check-in does when the week changes: Qt deletes their items
        row.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    menus = [QMenu() for _ in range(500)]  # new objects land where the deleted items were
    assert {type(m) for m in menus} == {QMenu}


def test_layout_items_yields_every_item_and_the_layout_still_holds_them(qtbot: QtBot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    layout = scrolling_page(page, "Test page")
    label = QLabel("A")
    layout.addWidget(label)
    layout.addStretch(1)
    seen = [(item.widget(), item.spacerItem() is not None) for item in layout_items(layout)]
    assert seen == [(label, False), (None, True)]
    assert layout.count() == 2 and layout.itemAt(0).widget() is label
