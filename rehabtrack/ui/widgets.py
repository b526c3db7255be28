"""Small input widgets shared by the check-in form and dialogs, plus font-scale and contrast helpers.

Every input here is at least ``HIT_TARGET`` times the font height tall and sizes itself from its
font, so a window scaled to 200 % text grows instead of clipping.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date

import shiboken6
from PySide6 import QtGui
from PySide6.QtCore import QDate, QDynamicPropertyChangeEvent, QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAccessible, QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.charts.contrast import TEXT_MIN, contrast, over
from rehabtrack.core.numbers import MINUS, typed

HIT_TARGET = 1.8  # minimum input height, in font heights
FONT_SCALE_MIN = 50
FONT_SCALE_MAX = 300
ERROR_COLOR = "#b00020"
BASE_FONT_PROPERTY = "rehabtrackBaseFontPt"
ERROR_COLOR_ON_DARK = "#ff9090"


def _tall(hint: QSize, widget: QWidget) -> QSize:
    height = math.ceil(widget.fontMetrics().height() * HIT_TARGET)
    return QSize(hint.width(), max(hint.height(), height))


def parse_number(text: str) -> float | None:
    """The number typed in a field: None when blank, NaN when it is not a number.

    NaN is passed on to core validation, which names the field and the allowed range; the UI
    never judges a value itself. A decimal comma ("7,5") is accepted as well as a point.
    """
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", ".").replace(MINUS, "-"))
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


class NumberField(QLineEdit):
    """A number that may be left blank (= not logged); digits are typed directly."""

    def __init__(self, chars: int = 5, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chars = chars
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setPlaceholderText("–")

    def value(self) -> float | None:
        return parse_number(self.text())

    def set_value(self, value: float | None) -> None:
        self.setText("" if value is None else typed(value))

    def setPlaceholderText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setPlaceholderText(text)
        self.updateGeometry()  # wide enough for the new hint ("6 (first two weeks)")

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        shown = max("0" * (self._chars + 1), self.placeholderText() + "0", key=metrics.horizontalAdvance)
        width = metrics.horizontalAdvance(shown) + metrics.height()
        return _tall(QSize(width, hint.height()), self)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


class TextField(QLineEdit):
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return _tall(
            QSize(max(hint.width(), self.fontMetrics().horizontalAdvance("x" * 24)), hint.height()), self
        )

    def minimumSizeHint(self) -> QSize:
        return _tall(super().minimumSizeHint(), self)


class ComboBox(QComboBox):
    def showPopup(self) -> None:  # noqa: N802 (Qt's name)
        self.view().setAccessibleName(f"{self.accessibleName() or 'Choices'}: choices")
        super().showPopup()

    def sizeHint(self) -> QSize:
        return _tall(super().sizeHint(), self)

    def minimumSizeHint(self) -> QSize:
        return _tall(super().minimumSizeHint(), self)


class Button(QPushButton):
    def sizeHint(self) -> QSize:
        hint = _tall(super().sizeHint(), self)
        return QSize(hint.width() + self.fontMetrics().horizontalAdvance("xx"), hint.height())

    def minimumSizeHint(self) -> QSize:
        return _tall(super().minimumSizeHint(), self)


class CheckBox(QCheckBox):
    def sizeHint(self) -> QSize:
        return _tall(super().sizeHint(), self)

    def minimumSizeHint(self) -> QSize:
        return _tall(super().minimumSizeHint(), self)


class NotesField(QPlainTextEdit):
    """Free text; Tab moves to the next field instead of typing a tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.fontMetrics().lineSpacing() * 4 + 16)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.fontMetrics().lineSpacing() * 3 + 12)


DATE_FORMAT = "d MMM yyyy"
_NO_EARLIEST, _NO_LATEST = QDate(1752, 9, 14), QDate(9999, 12, 31)  # Qt's own limits: no limit set


def day_number(day: QDate) -> float:
    """A date as the number a screen reader's value interface carries: 30 Nov 2026 is 20261130."""
    return float(day.year() * 10000 + day.month() * 100 + day.day())


class DateField(QDateEdit):
    """A date input with a calendar pop-up that tells a screen reader its date and allowed range.

    Qt reads a spin box's value, minimum and maximum from the ``value``/``minimum``/``maximum``
    properties, which a date edit lacks, so a screen reader heard "0, range 0 to 0". This field keeps
    them as dynamic properties holding the date as a number (``day_number``), and takes a value a
    screen reader sets. The earliest and latest allowed dates, when limited, are also in its
    accessible description; its accessible text stays the date as shown.
    """

    def __init__(self, day: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._range_note = ""
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        if day is not None:
            self.setDate(QDate(day.year, day.month, day.day))
        self.setProperty("singleStep", 1.0)  # one day, for the value interface's step
        self.dateChanged.connect(self._publish_value)
        self._publish_value()
        self._publish_range()

    def setDate(self, day: QDate) -> None:  # noqa: N802 (Qt's name)
        super().setDate(day)
        self._publish_value()  # also when the caller blocked dateChanged

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt's names)
        """Tab leaves the field, as in every other field: a date edit would step through its day, month
        and year first, three presses per date for a person using the keyboard. Typing moves on from the
        day to the month by itself; the arrow keys move between them."""
        return QAbstractSpinBox.focusNextPrevChild(self, next)

    def setMinimumDate(self, day: QDate) -> None:  # noqa: N802 (Qt's name)
        super().setMinimumDate(day)
        self._publish_range()

    def setMaximumDate(self, day: QDate) -> None:  # noqa: N802 (Qt's name)
        super().setMaximumDate(day)
        self._publish_range()

    def setDateRange(self, earliest: QDate, latest: QDate) -> None:  # noqa: N802 (Qt's name)
        super().setDateRange(earliest, latest)
        self._publish_range()

    def _publish_value(self) -> None:
        self.setProperty("value", day_number(self.date()))

    def _publish_range(self) -> None:
        self.setProperty("minimum", day_number(self.minimumDate()))
        self.setProperty("maximum", day_number(self.maximumDate()))
        limits = []
        if self.minimumDate() != _NO_EARLIEST:
            limits.append(f"earliest {self.minimumDate().toString(DATE_FORMAT)}")
        if self.maximumDate() != _NO_LATEST:
            limits.append(f"latest {self.maximumDate().toString(DATE_FORMAT)}")
        note = f"{', '.join(limits)}." if limits else ""
        note = note[:1].upper() + note[1:]
        own = self.accessibleDescription()
        if self._range_note and own.endswith(self._range_note):
            own = own[: -len(self._range_note)].rstrip()
        self._range_note = note
        self.setAccessibleDescription(" ".join(part for part in (own, note) if part))
        self._publish_value()

    def setAccessibleDescription(self, description: str) -> None:  # noqa: N802 (Qt's name)
        """A description set by the screens keeps the range note at its end."""
        note = self._range_note
        if note and not description.endswith(note):
            description = f"{description} {note}" if description else note
        super().setAccessibleDescription(description)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QDynamicPropertyChangeEvent) and bytes(event.propertyName().data()) == b"value":
            number = self.property("value")
            if isinstance(number, (int, float)) and number != day_number(self.date()):
                whole = int(number)
                wanted = QDate(whole // 10000, whole // 100 % 100, whole % 100)
                if wanted.isValid():
                    self.setDate(wanted)
                self._publish_value()  # the date actually taken (clamped to the range) or kept
        return super().event(event)


class ErrorLabel(QLabel):
    """A field's problem in plain words, bold and red (light red on a dark, high-contrast palette).

    Setting a message shows the label and clearing it hides it, so an error can never be set and stay
    unseen. A screen reader hears the message three ways: the label's name is its text, the field it
    belongs to (``field``) carries the words in its accessible description while the error stands, and
    the message is announced when it appears. Only the weight and colour are set, so the label still
    follows the window's font scale.
    """

    def __init__(self, parent: QWidget | None = None, field: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._field_description: str | None = None  # the field's own description, while an error stands
        self._described: QWidget | None = None
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont()
        bold.setBold(True)
        self.setFont(bold)
        self._recolour()
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        shown = self.text()
        super().setText(text)
        self._describe_field(text)
        self.setVisible(bool(text))
        if text and not shown:
            make_room(self)
            announce(self, text)

    def clear(self) -> None:
        self.setText("")

    def _describe_field(self, text: str) -> None:
        """While an error stands, the field's accessible description starts with the error's words."""
        described = self._described
        if described is not None and (described is not self.field or not text):
            if shiboken6.isValid(described):
                described.setAccessibleDescription(self._field_description or "")
            self._described, self._field_description = None, None
        field = self.field
        if not text or field is None:
            return
        if self._described is None:
            self._described, self._field_description = field, field.accessibleDescription()
        own = self._field_description
        field.setAccessibleDescription(f"{text} {own}" if own else text)

    def _recolour(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        set_text_colour(self, QColor(ERROR_COLOR_ON_DARK if dark else ERROR_COLOR))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()


def make_room(shown: QWidget) -> None:
    """A dialog grows to fit what just appeared in it (an error, a notice), instead of squeezing it or
    its fields."""
    dialog = shown.window()
    layout = dialog.layout()
    if not isinstance(dialog, QDialog) or not dialog.isVisible() or layout is None:
        return
    layout.activate()
    width = dialog.width()
    needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
    needed = max(needed, layout.totalMinimumSize().height(), dialog.sizeHint().height())
    # Never taller than the screen, nor than the window it belongs to: a dialog's scroll area takes the rest.
    frame = dialog.frameGeometry().height() - dialog.height()
    screen = dialog.screen()
    if screen is not None:
        needed = min(needed, screen.availableGeometry().height() - frame)
    owner = dialog.parentWidget()
    if owner is not None and owner.window().isVisible():
        needed = min(needed, owner.window().height())
    if needed > dialog.height():
        dialog.resize(width, needed)


def set_text_colour(label: QLabel, colour: QColor) -> None:
    """Give ``label`` its own text colour (only when it differs: setting a palette sends a PaletteChange)."""
    if label.palette().color(QPalette.ColorRole.WindowText) != colour:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        label.setPalette(palette)


def announce(widget: QWidget, message: str) -> None:
    """Have a screen reader speak ``message`` now (Qt 6.8 and later; silently nothing before)."""
    event_class = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if event_class is None or not QAccessible.isActive():
        return
    QAccessible.updateAccessibility(event_class(widget, message))


def date_field(day: date, name: str) -> DateField:
    """A date field named ``name`` for a screen reader, as tall as the other inputs at any text size."""
    edit = DateField(day)
    edit.setAccessibleName(name)
    edit.setMinimumHeight(_tall(edit.sizeHint(), edit).height())
    return edit


def error_label(field: QWidget | None = None) -> ErrorLabel:
    """A hidden, word-wrapped label for ``field``'s problem, shown next to the field."""
    return ErrorLabel(field=field)


def save_cancel_buttons(dialog: QDialog, on_save: Callable[[], object]) -> QDialogButtonBox:
    """Save and Cancel for a dialog: Save calls ``on_save`` (which accepts when the input is good)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    return buttons


class FlowLayout(QLayout):
    """Widgets in a row that wraps onto the next line when the window is too narrow for them (a row
    of buttons at 200 % text), like words in a paragraph; ``addStretch`` is not needed."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        if parent is None:
            self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in shown) + self._spacing * max(len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        """The widest single item: everything else can wrap."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Lay the items out in lines (each centred vertically on its line); returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint().boundedTo(QSize(max(area.width(), 1), 100000))
            if lines[-1] and x + hint.width() > area.x() + area.width():
                lines.append([])
                x = area.x()
            lines[-1].append((item, hint))
            x += hint.width() + self._spacing
        y = area.y()
        for line in lines:
            height = max((hint.height() for _, hint in line), default=0)
            x = area.x()
            for item, hint in line:
                if move:
                    item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
                x += hint.width() + self._spacing
            y += height + self._spacing
        used = y - self._spacing if any(lines) else y
        return used - rect.y() + margins.bottom()


class GrowingLabel(QLabel):
    """Word-wrapped text whose minimum height follows its width, for a label beside widgets that are
    laid out by minimum sizes alone (in a splitter): there, more lines would overlap what is below."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        needed = self.heightForWidth(self.width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class NoticeLabel(QLabel):
    """A warning the person should not miss (a marker worse two check-ins in a row): bold text on the
    tooltip colours inside a border in the highlight colour, like the reminder strip, in every theme."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.setMargin(8)
        bold = QFont()
        bold.setBold(True)
        self.setFont(bold)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        paint_notice_border(self)


class ConflictNotice(QWidget):
    """Someone else saved what this form holds since it was opened: their message ("changed by sam at
    10:14 — reload to see it") and a Reload button, which shows their values in place of the typed ones.
    Hidden until ``show_problem``; the typed values stay in the form until Reload is pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.setAccessibleName("Changed by someone else")
        self.message = NoticeLabel()  # a screen reader hears its words as its name
        self.reload_button = Button("Reload")
        self.reload_button.setAccessibleName("Reload")
        self.reload_button.setAccessibleDescription("Shows what is saved now, in place of the typed values.")
        layout.addWidget(self.message, 1)
        layout.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_problem(self, message: str) -> None:
        self.message.setText(message)
        self.show()
        make_room(self)
        announce(self, message)


def paint_notice_border(widget: QWidget) -> None:
    """A border in the highlight colour, so a notice stands out even where the tooltip colour is the
    window's (high contrast). Painted, not a style sheet: style sheets stop the font scale."""
    painter = QPainter(widget)
    try:
        painter.setPen(QPen(widget.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.drawRect(widget.rect().adjusted(1, 1, -1, -1))
    finally:
        painter.end()


def scrolling_page(page: QWidget, name: str) -> QVBoxLayout:
    """The layout to build ``page`` in: its content sits in a frameless scroll area filling the page, so
    on a small screen or at a large text size the page scrolls instead of making the window larger
    than the screen. The area itself is no Tab stop (its content's inputs are)."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    area = QScrollArea()
    area.setObjectName("pageScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setAccessibleName(name)
    content = _PageContent()
    area.setWidget(content)
    outer.addWidget(area)
    return QVBoxLayout(content)


def layout_items(layout: QLayout) -> Iterator[QLayoutItem]:
    """Each item of ``layout``, for reading only, and forgotten by PySide once read.

    PySide keeps the wrapper of every item ``itemAt`` returned for as long as the layout lives, but
    is not told when Qt deletes the item (a row's widget deleted, say). A new object that Qt later
    puts at the same address then comes back from PySide as that stale wrapper (a menu read as a
    ``QSpacerItem``). Invalidating the wrapper after use keeps PySide's map clean. Only Qt's own items
    are forgotten: a nested layout's wrapper is the layout itself, and a layout written in Python
    (``FlowLayout``) holds its items' wrappers on purpose."""
    qt_made = type(layout).__module__.startswith("PySide6.")
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        try:
            yield item
        finally:
            if qt_made and not isinstance(item, QLayout):
                shiboken6.invalidate(item)


class _PageContent(QWidget):
    """A scrolling page's content. A scroll area makes such a widget as tall as it *prefers* to be at
    the viewport's width when it has wrapped text in it, so the page would always scroll; this one
    asks only for what it needs: wrapped parts at their height for the width, the rest at minimum."""

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        if layout is None:
            return super().heightForWidth(width)
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        heights = []
        for item in layout_items(layout):
            if item.isEmpty():
                continue
            wraps = item.hasHeightForWidth()
            heights.append(item.heightForWidth(inner) if wraps else item.minimumSize().height())
        spacing = max(layout.spacing(), 0) * max(len(heights) - 1, 0)
        needed = sum(heights) + spacing + margins.top() + margins.bottom()
        return max(needed, layout.minimumSize().height())  # never squeezed below what it must have


def readable_hint_colour(palette: QPalette, ground: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """The palette's placeholder grey for secondary text, darkened (or lightened on a dark ground) just
    enough to reach 4.5:1 against ``ground``: many desktops' grey is too faint (#7F7F7F on #ECECEC is
    3.4:1)."""
    window = palette.color(ground).name()
    hint = palette.color(QPalette.ColorRole.PlaceholderText)
    seen = QColor(over(f"#{hint.red():02X}{hint.green():02X}{hint.blue():02X}{hint.alpha():02X}", window))
    end = 0 if QColor(window).lightness() >= 128 else 255  # towards black on a light window
    colour = seen
    for step in range(1, 21):
        if contrast(colour.name(), window) >= TEXT_MIN:
            break
        colour = QColor(*(round(c + (end - c) * step / 20) for c in (seen.red(), seen.green(), seen.blue())))
    return colour


def with_readable_placeholder(palette: QPalette) -> QPalette:
    """``palette`` with its placeholder text (an empty field's "e.g. …") at 4.5:1 on the field."""
    out = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        one = QPalette(palette)
        one.setCurrentColorGroup(group)
        colour = readable_hint_colour(one, QPalette.ColorRole.Base)
        out.setColor(group, QPalette.ColorRole.PlaceholderText, colour)
    return out


class HintLabel(QLabel):
    """Secondary text (scale anchors, allowed range, legends) in a grey that still reaches 4.5:1 on the
    window, whatever the theme or the desktop's palette; recoloured when the palette changes."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._recolour()

    def _recolour(self) -> None:
        set_text_colour(self, readable_hint_colour(self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()


def hint_label(text: str = "") -> QLabel:
    """A secondary, word-wrapped explanation (scale anchors, allowed range)."""
    return HintLabel(text)


def apply_font_scale(widget: QWidget, percent: float) -> None:
    """Scale the text of ``widget`` and all its children to ``percent`` of the application font.

    Set it on the top-level window so the whole window honours it; children that have no font
    of their own inherit it and layouts grow to fit (nothing here has a fixed size).
    """
    font = QFont(widget.font())
    font.setPointSizeF(scaled_point_size(percent))
    widget.setFont(font)


def scaled_point_size(percent: float) -> float:
    """``percent`` of the desktop's own text size (remembered before RehabTrack first scales it)."""
    app = QApplication.instance()
    base = app.property(BASE_FONT_PROPERTY) if app is not None else None
    if not base:
        size = QApplication.font().pointSizeF()
        base = size if size > 0 else 10.0
        if app is not None:
            app.setProperty(BASE_FONT_PROPERTY, base)
    percent = min(max(percent, FONT_SCALE_MIN), FONT_SCALE_MAX)
    return float(base) * percent / 100.0


def apply_app_font_scale(percent: float) -> None:
    """Scale the application's text, so dialogs and message boxes opened later follow it too."""
    font = QFont(QApplication.font())
    font.setPointSizeF(scaled_point_size(percent))
    QApplication.setFont(font)


def high_contrast_palette() -> QPalette:
    """White-on-black palette with yellow focus/selection, for low-vision users."""
    palette = QPalette()
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Window, black)
        palette.setColor(group, QPalette.ColorRole.WindowText, white)
        palette.setColor(group, QPalette.ColorRole.Base, black)
        palette.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#1a1a1a"))
        palette.setColor(group, QPalette.ColorRole.Text, white)
        palette.setColor(group, QPalette.ColorRole.Button, black)
        palette.setColor(group, QPalette.ColorRole.ButtonText, white)
        palette.setColor(group, QPalette.ColorRole.BrightText, yellow)
        palette.setColor(group, QPalette.ColorRole.Highlight, yellow)
        palette.setColor(group, QPalette.ColorRole.HighlightedText, black)
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, black)
        palette.setColor(group, QPalette.ColorRole.ToolTipText, white)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#e0e0e0"))
        palette.setColor(group, QPalette.ColorRole.Link, QColor("#00ffff"))
        palette.setColor(group, QPalette.ColorRole.Light, white)
        palette.setColor(group, QPalette.ColorRole.Mid, QColor("#c0c0c0"))
        palette.setColor(group, QPalette.ColorRole.Dark, white)
    grey = QColor("#c0c0c0")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, black)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, black)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, black)
    return palette
