"""What a keyboard or screen-reader user meets in a window, checked: clashing keys, unnamed inputs, and
labels whose words a screen reader never gets.

Each check looks at the window as it is now (the tab shown, the panel open) and returns plain sentences,
empty when all is well; tests and ``rehabtrack self-test`` call them on every window and dialog.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import (
    QAccessible,
    QAction,
    QKeySequence,
    QShortcut,
    Qt,  # QtGui's Qt also has mightBeRichText
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)

Source = tuple[str, object]  # (what the user sees, the object that owns the key)


def _keys_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def _mnemonic(text: str) -> str:
    key = QKeySequence.mnemonic(text)
    return "" if key.isEmpty() else _keys_text(key)


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window)


def _action_keys(action: QAction) -> list[str]:
    return [_keys_text(k) for k in action.shortcuts() if not k.isEmpty()]


def _menu_keys(menu: QMenu, found: dict[str, list[Source]], menus: list[QMenu]) -> None:
    """Menu items' shortcuts count for the whole window; their mnemonics only inside the open menu."""
    menus.append(menu)
    for action in menu.actions():
        for key in _action_keys(action):
            found.setdefault(key, []).append((action.text().replace("&", ""), action))
        sub = action.menu()
        if isinstance(sub, QMenu):
            _menu_keys(sub, found, menus)


def window_keys(window: QWidget) -> tuple[dict[str, list[Source]], list[QMenu]]:
    """Every key that does something in ``window`` as it stands, with what it reaches; and its menus."""
    found: dict[str, list[Source]] = {}
    menus: list[QMenu] = []

    def add(key: str, text: str, owner: object) -> None:
        if key and all(existing is not owner for _, existing in found.get(key, [])):
            found.setdefault(key, []).append((text, owner))

    widgets: Iterable[QWidget] = [window, *window.findChildren(QWidget)]
    for widget in widgets:
        if isinstance(widget, QMenu) or (widget is not window and not _shown(widget, window)):
            continue
        if isinstance(widget, QMenuBar):
            for action in widget.actions():
                add(_mnemonic(action.text()), action.text(), action)
                sub = action.menu()
                if isinstance(sub, QMenu):
                    _menu_keys(sub, found, menus)
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.isTabVisible(index):
                    text = widget.tabText(index)
                    add(_mnemonic(text), f"{text} tab", (widget, index))
        elif isinstance(widget, QAbstractButton):
            add(_keys_text(widget.shortcut()), widget.text(), widget)
        elif isinstance(widget, QGroupBox):
            add(_mnemonic(widget.title()), widget.title(), widget)
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            add(_mnemonic(widget.text()), widget.text(), widget)
        for action in widget.actions():
            if action.menu() is None:
                for key in _action_keys(action):
                    add(key, action.text(), action)
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if (
            shortcut.isEnabled()
            and isinstance(parent, QWidget)
            and (parent is window or _shown(parent, window))
        ):
            for sequence in shortcut.keys():  # noqa: SIM118 (a QShortcut, not a dict)
                keys = _keys_text(sequence)
                add(keys, f"shortcut {keys} of {type(parent).__name__}", shortcut)
    return found, menus


def key_clashes(window: QWidget) -> list[str]:
    """Keys that reach two things at once in ``window`` (Qt then does nothing, or alternates)."""
    found, menus = window_keys(window)
    problems = [
        f"{window.windowTitle() or type(window).__name__}: {key} is "
        + " and ".join(repr(text.replace("&", "")) for text, _ in sources)
        for key, sources in found.items()
        if len(sources) > 1
    ]
    for menu in menus:
        seen: dict[str, str] = {}
        for action in menu.actions():
            key = _mnemonic(action.text())
            if key and key in seen:
                problems.append(
                    f"menu {menu.title().replace('&', '')}: {key} is {seen[key]!r} and "
                    f"{action.text().replace('&', '')!r}"
                )
            seen.setdefault(key, action.text().replace("&", ""))
    return problems


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


def unnamed_inputs(window: QWidget) -> list[str]:
    """Shown widgets that take keyboard focus but give a screen reader no name."""
    problems = []
    for widget in [window, *window.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not _shown(widget, window):
            continue
        if isinstance(widget, QMenu | QMenuBar) or widget.focusProxy() is not None:
            continue
        if not accessible_text(widget).strip():
            path = []
            parent: QWidget | None = widget
            while parent is not None and parent is not window:
                path.append(parent.objectName() or type(parent).__name__)
                parent = parent.parentWidget()
            problems.append(f"{window.windowTitle()}: unnamed input {' < '.join(path)}")
    return problems


def labels_not_exposed(window: QWidget) -> list[str]:
    """Shown labels whose words a screen reader does not get (a fixed name hides what they show)."""
    problems = []
    for label in window.findChildren(QLabel):
        words = plain(label.text())
        if not words or not _shown(label, window):
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
