"""What a screen reader gets from a window: the words of every label it shows.

Clashing keys and unnamed inputs are checked by ``rehabtrack.ui.screen_check``; this adds the labels
whose fixed accessible name hides what they show. It looks at the window as it is now and returns
plain sentences, empty when all is well.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QAccessible,
    Qt,  # QtGui's Qt also has mightBeRichText
    QTextDocument,
)
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
)


def plain(text: str) -> str:
    """A label's words as a person reads them (rich text without its markup)."""
    if Qt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    return " ".join(text.replace("&&", "\0").replace("&", "").replace("\0", "&").split())


def accessible_text(widget: QWidget, role: QAccessible.Text = QAccessible.Text.Name) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(role) if interface is not None else ""


def labels_not_exposed(window: QWidget) -> list[str]:
    """Shown labels whose words a screen reader does not get (a fixed name hides what they show)."""
    problems = []
    for label in window.findChildren(QLabel):
        words = plain(label.text())
        if not words or not label.isVisibleTo(window):
            continue
        heard = " ".join(
            " ".join(accessible_text(label, role).split())
            for role in (QAccessible.Text.Name, QAccessible.Text.Value, QAccessible.Text.Description)
        )
        if words not in heard:
            problems.append(
                f"{window.windowTitle()}: label shows {words!r} but a screen reader hears {heard!r}"
            )
    return problems
