"""Widgets that keep their own size and layout between runs (after Picard's ``PreserveGeometry``).

``keep_state(widget, states, name)`` restores what was saved under ``name`` at once and saves it again
whenever the widget is hidden: its window closes, its tab is left, its page is replaced. A window keeps
its geometry (maximised or not), a splitter its sizes (saved too as the user drags). When a window
closes it saves everything inside it that keeps state, then writes the settings to disk.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QEvent, QObject
from PySide6.QtWidgets import QSplitter, QWidget


class WidgetStates(Protocol):
    """Where the state is kept (``Settings``): opaque bytes by name."""

    def state(self, name: str) -> QByteArray | None: ...
    def set_state(self, name: str, value: QByteArray) -> None: ...
    def sync(self) -> None: ...


class KeptState(QObject):
    """Keeps one widget's state under one name; a child of the widget, so it goes when the widget goes."""

    def __init__(self, widget: QWidget, states: WidgetStates, name: str) -> None:
        super().__init__(widget)
        self.states = states
        self.name = name
        self.restored = self.restore()
        widget.installEventFilter(self)
        if isinstance(widget, QSplitter):
            widget.splitterMoved.connect(self._dragged)

    @property
    def widget(self) -> QWidget:
        """Its widget, the parent. Kept as an attribute it made a cycle (this object, the widget, Qt's
        parent-to-child link) that Python's collector cleared while Qt still called the filter: the
        filter then met an object without its attributes."""
        parent = self.parent()
        assert isinstance(parent, QWidget)
        return parent

    def restore(self) -> bool:
        """Put back what was saved; False when nothing was (the widget keeps its first size)."""
        saved = self.states.state(self.name)
        if saved is None:
            return False
        if isinstance(self.widget, QSplitter):
            return self.widget.restoreState(saved)
        return self.widget.restoreGeometry(saved)

    def save(self) -> None:
        if isinstance(self.widget, QSplitter):
            self.states.set_state(self.name, self.widget.saveState())
        else:
            self.states.set_state(self.name, self.widget.saveGeometry())

    def _dragged(self, _pos: int, _index: int) -> None:
        self.save()  # as the user drags: kept even if the program never closes normally

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A spontaneous hide is the window being minimised: nothing to keep.
        if watched is self.widget and event.type() == QEvent.Type.Hide and not event.spontaneous():
            self.save()
            if self.widget.isWindow():  # closing: what is inside is hidden after the window itself
                for inner in self.widget.findChildren(KeptState):
                    if inner is not self and inner.widget.isVisibleTo(self.widget):  # not a left tab
                        inner.save()
                self.states.sync()
        return False


def keep_state(widget: QWidget, states: WidgetStates, name: str) -> KeptState:
    """Let ``widget`` restore and save its own state under ``name`` in ``states``."""
    return KeptState(widget, states, name)
