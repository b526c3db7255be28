"""What a person sees on a real screen, checked on a shown window or dialog.

``check_window`` lists, for one top-level window, everything that would stop someone using it: the
window is larger than the screen, a visible text (label, button, table cell, group title) is cut off,
an error that was set is not shown, two keys or mnemonics clash, an input has no accessible name.
``rehabtrack self-test`` runs it on every view and dialog; each problem names the window and the widget.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAccessible, QAction, QFontMetrics, QKeySequence, QShortcut, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QGroupBox,
    QLabel,
    QLayout,
    QMainWindow,
    QMenu,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.ui.widgets import ErrorLabel, layout_items

SLACK_PX = 1  # rounding between a size hint and the size a layout gave
CHART_MIN_PX = QSize(320, 180)  # below this a chart's axes and labels crowd out its data
CELLS_CHECKED = 60  # table rows looked at for cut-off text: enough to meet every kind of row
ROWS_MIN = 2  # a list or table with room for fewer rows than this cannot be read


def window_name(window: QWidget) -> str:
    return window.windowTitle() or type(window).__name__


def widget_name(widget: QWidget) -> str:
    """How a person would point at ``widget``: its text or accessible name, and its kind."""
    kind = type(widget).__name__
    text = ""
    for getter in ("text", "title", "accessibleName", "objectName"):
        value = getattr(widget, getter, None)
        if callable(value):
            found = value()
            if isinstance(found, str) and found.strip():
                text = found
                break
    text = " ".join(text.replace("&", "").split())
    if len(text) > 50:
        text = text[:47] + "…"
    return f'{kind} "{text}"' if text else kind


# What kind of fault a finding is (tests and the report group by it).
SIZE, CUT, OUTSIDE, SQUASHED, ERROR_HIDDEN, KEYS, NAMELESS, UNHEARD = (
    "window larger than the screen",
    "text cut off",
    "outside the window",
    "chart squashed",
    "error not shown",
    "keys clash",
    "input without a name",
    "label a screen reader does not hear",
)


@dataclass(frozen=True)
class Finding:
    window: str
    widget: str
    problem: str
    kind: str

    def __str__(self) -> str:
        return f"{self.window}: {self.widget}: {self.problem}"


def check_window(window: QWidget, screen: QSize) -> list[Finding]:
    """Everything wrong with the shown top-level ``window`` on a screen of ``screen`` pixels."""
    name = window_name(window)
    found: list[Finding] = []

    def add(widget: QWidget, problem: str, kind: str) -> None:
        found.append(Finding(name, widget_name(widget), problem, kind))

    for problem in _too_large(window, screen):
        add(window, problem, SIZE)
    shown = [w for w in window.findChildren(QWidget) if w.isVisible() and w.window() is window]
    for widget in shown:
        for problem in _cut_text(widget):
            add(widget, problem, SQUASHED if "squashed" in problem else CUT)
        if _clipped_by_parents(widget, window):
            add(widget, "lies partly outside the window: it cannot be seen or reached", OUTSIDE)
    for widget, other in _overlapping(shown):
        add(widget, f"overlaps {widget_name(other)}: a layout squeezed below its minimum", OUTSIDE)
    for label in window.findChildren(ErrorLabel):
        parent = label.parentWidget()
        if label.text().strip() and parent is not None and parent.isVisible() and not label.isVisible():
            add(label, f"error text is set but not shown: {label.text()!r}", ERROR_HIDDEN)
    for widget, problem in _clashing_keys(window, shown):
        add(widget, problem, KEYS)
    for widget in shown:
        if _takes_focus(widget) and not _accessible_name(widget):
            add(widget, "takes keyboard focus but has no accessible name", NAMELESS)
        if isinstance(widget, QLabel) and (problem := _not_heard(widget)):
            add(widget, problem, UNHEARD)
    return found


# Size ------------------------------------------------------------------------------------------


def _too_large(window: QWidget, screen: QSize) -> list[str]:
    size = window.frameGeometry().size().expandedTo(window.size())
    problems = []
    if size.width() > screen.width() or size.height() > screen.height():
        problems.append(
            f"is {size.width()}×{size.height()}, larger than the {screen.width()}×{screen.height()} screen"
        )
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    if least.width() > screen.width() or least.height() > screen.height():
        problems.append(
            f"cannot shrink below {least.width()}×{least.height()}, "
            f"larger than the {screen.width()}×{screen.height()} screen"
        )
    return problems


# Cut-off text ----------------------------------------------------------------------------------


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _text_size(label: QLabel) -> QSize:
    """The room the label's text needs on one line per paragraph (rich text laid out like Qt does)."""
    metrics = label.fontMetrics()
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
    ):
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(label.text())
        return QSize(int(doc.idealWidth()), int(doc.size().height()))
    text = _plain(label.text()) if label.buddy() is not None else label.text()
    lines = text.split("\n")
    width = max(metrics.horizontalAdvance(line) for line in lines)
    return QSize(width, metrics.height() * len(lines))


def _cut_text(widget: QWidget) -> Iterator[str]:
    if isinstance(widget, QLabel):
        yield from _cut_label(widget)
    elif isinstance(widget, QAbstractButton):
        yield from _cut_button(widget)
    elif isinstance(widget, QGroupBox) and widget.title():
        need = widget.fontMetrics().horizontalAdvance(_plain(widget.title())) + 16
        if widget.width() + SLACK_PX < need:
            yield f"title cut off ({widget.width()} px wide, needs {need})"
    if isinstance(widget, QTableView):
        yield from _cut_cells(widget)
    if isinstance(widget, QTreeView):
        yield from _cut_tree_cells(widget)
    if isinstance(widget, QAbstractItemView) and (shows := _rows_shown(widget)) is not None:
        yield f"list squashed: shows {shows} of its rows (readable from {ROWS_MIN})"
    if isinstance(widget, MarkerChart) and (
        widget.height() < CHART_MIN_PX.height() or widget.width() < CHART_MIN_PX.width()
    ):
        least = f"{CHART_MIN_PX.width()}×{CHART_MIN_PX.height()}"
        yield f"chart squashed to {widget.width()}×{widget.height()} px (readable from {least})"


def _rows_shown(view: QAbstractItemView) -> float | None:
    """How many rows ``view`` has room for, when that is fewer than ROWS_MIN and it has more."""
    model = view.model()
    if model is None or model.rowCount() < ROWS_MIN:
        return None
    row = view.sizeHintForRow(0)
    if row <= 0:
        return None
    shows = view.viewport().height() / row
    return round(shows, 1) if shows < ROWS_MIN else None


def _cut_label(label: QLabel) -> Iterator[str]:
    if not label.text().strip() or label.pixmap() is not None and not label.pixmap().isNull():
        return
    margins = label.contentsMargins()
    room = label.contentsRect().size()
    if label.wordWrap():
        need_height = label.heightForWidth(label.width())
        if need_height > label.height() + SLACK_PX:
            yield f"wrapped text cut off at the bottom ({label.height()} px tall, needs {need_height})"
        longest_word = max(
            (label.fontMetrics().horizontalAdvance(w) for w in _plain(label.text()).split()), default=0
        )
        if longest_word > room.width() + SLACK_PX and not GuiQt.mightBeRichText(label.text()):
            yield f"a word is wider than the label ({room.width()} px)"
        return
    need = _text_size(label) + QSize(margins.left() + margins.right(), 0)
    if need.width() > label.width() + SLACK_PX:
        yield f"text cut off ({label.width()} px wide, needs {need.width()})"
    if need.height() > room.height() + SLACK_PX and need.height() > label.sizeHint().height():
        yield f"text cut off at the bottom ({room.height()} px tall, needs {need.height()})"


def _cut_button(button: QAbstractButton) -> Iterator[str]:
    text = _plain(button.text())
    if not text.strip():
        return
    metrics = button.fontMetrics()
    if isinstance(button, QCheckBox | QRadioButton):
        need = button.sizeHint().width()
    elif isinstance(button, QPushButton):
        need = metrics.horizontalAdvance(text) + metrics.averageCharWidth()
        if not button.icon().isNull():
            need += button.iconSize().width()
    else:
        return
    if button.width() + SLACK_PX < need:
        yield f"text cut off ({button.width()} px wide, needs {need})"
    if button.height() + SLACK_PX < metrics.height():
        yield f"text cut off at the bottom ({button.height()} px tall, needs {metrics.height()})"


def _cut_cells(table: QTableView) -> Iterator[str]:
    model = table.model()
    if model is None:
        return
    metrics = table.fontMetrics()
    padding = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    header = table.horizontalHeader()
    visible_width = table.viewport().width()
    no_scroll = table.horizontalScrollBar().maximum() == 0  # what is past the edge cannot be reached
    for column in range(model.columnCount()):
        if table.isColumnHidden(column):
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        left = header.sectionViewportPosition(column)
        width = header.sectionSize(column)
        if left + width > visible_width + SLACK_PX and no_scroll:
            shows = max(visible_width - left, 0)
            yield f"column {title!r} cut off at the right edge (shows {shows} of {width} px)"
            continue
        for row in range(min(model.rowCount(), CELLS_CHECKED)):
            text = str(model.index(row, column).data() or "")
            if text and _cell_cut(table, metrics, text, width - padding, row):
                yield f"column {title!r}: {text!r} cut off ({width} px wide)"
                break


def _cut_tree_cells(tree: QTreeView) -> Iterator[str]:
    """Cells of a tree's rows (and their children) that show their text cut off with "…"."""
    model = tree.model()
    if model is None:
        return
    metrics = tree.fontMetrics()
    padding = 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1)
    parents = [QModelIndex()]
    parents += [model.index(r, 0) for r in range(min(model.rowCount(), CELLS_CHECKED))]
    for parent in parents:
        for row in range(min(model.rowCount(parent), CELLS_CHECKED)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                text = str(index.data() or "")
                rect = tree.visualRect(index)
                if not text or rect.isEmpty() or rect.width() <= padding:
                    continue
                room = rect.width() - padding
                if tree.wordWrap():
                    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
                    need = metrics.boundingRect(QRect(0, 0, room, 100000), int(flags), text)
                    cut = need.width() > room + SLACK_PX or need.height() > rect.height() + SLACK_PX
                else:
                    cut = metrics.horizontalAdvance(text) > room + SLACK_PX
                if cut:
                    yield f"{text!r} cut off ({rect.width()}×{rect.height()} px)"
                    return


def _cell_cut(table: QTableView, metrics: QFontMetrics, text: str, room: int, row: int) -> bool:
    if not table.wordWrap():
        return metrics.horizontalAdvance(text) > room + SLACK_PX
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
    need = metrics.boundingRect(QRect(0, 0, max(room, 1), 100000), int(flags), text)
    return need.width() > room + SLACK_PX or need.height() > table.rowHeight(row) + SLACK_PX


def _clipped_by_parents(widget: QWidget, window: QWidget) -> bool:
    """Whether part of ``widget`` is outside its parents (inside a scroll area it may scroll to it)."""
    if widget is window or isinstance(widget.parentWidget(), QAbstractScrollArea):
        return False  # a scroll bar, viewport or corner widget: the area owns it
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    visible = QRect(rect)
    parent = widget.parentWidget()
    while parent is not None:
        if _is_viewport(parent):
            return False
        visible = visible.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        if parent is window:
            break
        parent = parent.parentWidget()
    return visible.width() + SLACK_PX < rect.width() or visible.height() + SLACK_PX < rect.height()


def _laid_out(layout: QLayout) -> Iterator[QWidget]:
    """The widgets ``layout`` and the layouts inside it place."""
    for item in layout_items(layout):
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            yield widget
        elif inner is not None:
            yield from _laid_out(inner)


def _overlapping(shown: list[QWidget]) -> Iterator[tuple[QWidget, QWidget]]:
    """Pairs of visible widgets one layout places on top of each other."""
    visible = set(shown)
    parents = {w.parentWidget() for w in shown if w.parentWidget() is not None}
    for parent in parents:
        layout = parent.layout() if parent is not None else None
        if layout is None or isinstance(parent, QSplitter):
            continue
        placed = [w for w in _laid_out(layout) if w in visible and not w.isWindow()]
        for i, first in enumerate(placed):
            for second in placed[i + 1 :]:
                both = first.geometry().intersected(second.geometry())
                if both.width() > SLACK_PX and both.height() > SLACK_PX:
                    yield second, first


def _is_viewport(widget: QWidget) -> bool:
    area = widget.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is widget


# Keys ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Binding:
    keys: str
    scope: QWidget | None  # None: the whole window
    owner: QWidget
    what: str


def _mnemonic(text: str) -> str:
    sequence = QKeySequence.mnemonic(text)
    return sequence.toString(QKeySequence.SequenceFormat.PortableText) if not sequence.isEmpty() else ""


def _bindings(window: QWidget, shown: list[QWidget]) -> Iterator[_Binding]:
    if isinstance(window, QMainWindow) and window.menuBar().isVisible():
        bar = window.menuBar()
        for action in bar.actions():
            if action.isVisible() and (key := _mnemonic(action.text())):
                yield _Binding(key, None, bar, f"menu {_plain(action.text())!r}")
            menu = action.menu()
            if isinstance(menu, QMenu):
                yield from _menu_shortcuts(menu)
    for widget in [window, *shown]:
        for action in widget.actions():
            if action.isVisible() and action.isEnabled() and not isinstance(widget, QMenu):
                yield from _action_bindings(action, widget)
        if isinstance(widget, QAbstractButton) and widget.isEnabled():
            if key := _mnemonic(widget.text()):
                yield _Binding(key, None, widget, f"button {_plain(widget.text())!r}")
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            if key := _mnemonic(widget.text()):
                yield _Binding(key, None, widget, f"label {_plain(widget.text())!r}")
        elif isinstance(widget, QGroupBox) and (key := _mnemonic(widget.title())):
            yield _Binding(key, None, widget, f"group {_plain(widget.title())!r}")
        elif isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                if widget.isTabEnabled(index) and (key := _mnemonic(widget.tabText(index))):
                    yield _Binding(key, None, widget, f"tab {_plain(widget.tabText(index))!r}")
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if not (shortcut.isEnabled() and isinstance(parent, QWidget) and parent.isVisible()):
            continue
        if parent.window() is not window:
            continue
        scope = None if shortcut.context() == Qt.ShortcutContext.WindowShortcut else parent
        for sequence in shortcut.keys():  # noqa: SIM118 (QShortcut's key sequences, not a dict)
            if not sequence.isEmpty():
                keys = sequence.toString(QKeySequence.SequenceFormat.PortableText)
                yield _Binding(keys, scope, parent, f"shortcut {keys} of {widget_name(parent)}")


def _menu_shortcuts(menu: QMenu) -> Iterator[_Binding]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_shortcuts(sub)
        yield from _action_bindings(action, menu, in_menu=True)


def _action_bindings(action: QAction, owner: QWidget, in_menu: bool = False) -> Iterator[_Binding]:
    window_wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    scope = None if in_menu or action.shortcutContext() in window_wide else owner
    for sequence in action.shortcuts():
        if not sequence.isEmpty():
            keys = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            yield _Binding(keys, scope, owner, f"action {_plain(action.text())!r}")


def _overlaps(a: QWidget | None, b: QWidget | None) -> bool:
    """Whether two shortcuts can both be live for the same focus widget."""
    if a is None or b is None:
        return True
    return a is b or a.isAncestorOf(b) or b.isAncestorOf(a)


def _clashing_keys(window: QWidget, shown: list[QWidget]) -> Iterator[tuple[QWidget, str]]:
    seen: list[_Binding] = []
    for binding in _bindings(window, shown):
        for earlier in seen:
            if earlier.keys == binding.keys and _overlaps(earlier.scope, binding.scope):
                if earlier.owner is binding.owner and earlier.what == binding.what:
                    continue
                yield binding.owner, f"{binding.keys} is both {earlier.what} and {binding.what}"
                break
        seen.append(binding)
    for menu in _menus(window):
        yield from _menu_mnemonics(menu)


def _menus(window: QWidget) -> Iterable[QMenu]:
    if not isinstance(window, QMainWindow):
        return []
    found: list[QMenu] = []
    pending = [a.menu() for a in window.menuBar().actions()]
    while pending:
        menu = pending.pop()
        if isinstance(menu, QMenu):
            found.append(menu)
            pending.extend(a.menu() for a in menu.actions())
    return found


def _menu_mnemonics(menu: QMenu) -> Iterator[tuple[QWidget, str]]:
    letters: dict[str, str] = {}
    for action in menu.actions():
        key = _mnemonic(action.text())
        if not key or not action.isVisible():
            continue
        if key in letters:
            yield menu, f"{key} is both {letters[key]!r} and {_plain(action.text())!r} in the same menu"
        letters[key] = _plain(action.text())


# Accessible names ------------------------------------------------------------------------------


def _takes_focus(widget: QWidget) -> bool:
    if not widget.isEnabled() or not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
        return False
    if widget.focusProxy() is not None:
        return False
    return not isinstance(widget, QLabel)


def _not_heard(label: QLabel) -> str:
    """What ``label`` shows that a screen reader does not get (a fixed name hiding the words), or ""."""
    text = label.text()
    if GuiQt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    words = " ".join((_plain(text) if label.buddy() is not None else text).split())  # & marks a key
    face = QAccessible.queryAccessibleInterface(label)
    if not words or face is None:
        return ""
    roles = (QAccessible.Text.Name, QAccessible.Text.Value, QAccessible.Text.Description)
    heard = " ".join(" ".join((face.text(role) or "").split()) for role in roles)
    return "" if words in heard else f"shows {words!r}, a screen reader hears {heard.strip()!r}"


def _accessible_name(widget: QWidget) -> str:
    face = QAccessible.queryAccessibleInterface(widget)
    if face is None:
        return widget.accessibleName()
    name = face.text(QAccessible.Text.Name) or ""
    if not name.strip() and isinstance(widget, QAbstractItemView):
        name = widget.accessibleName()
    return name.strip()
