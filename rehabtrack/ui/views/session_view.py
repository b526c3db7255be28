"""The therapist's session view: full screen, large type, one goal or marker at a time.

Left/Right (or Page Up/Down) step through the goals and then every charted marker; C shows the
comparison of two periods for every marker; N adds a clinician note or event, which shows on the
charts at once; Esc leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.charts.marker_chart import MarkerChart, range_for
from rehabtrack.charts.theme import ChartTheme
from rehabtrack.core.model import Discipline, Event, EventKind, Goal
from rehabtrack.core.numbers import plain, with_unit
from rehabtrack.core.progress import Period, default_periods, mean_in
from rehabtrack.core.rom_norms import DEFAULT_SOURCE
from rehabtrack.core.series import chart_keys
from rehabtrack.core.validation import InvalidInput
from rehabtrack.ui.changed import Changed
from rehabtrack.ui.patient_data import PatientData, band_tip, typical_for
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.widgets import (
    Button,
    ComboBox,
    DateField,
    FlowLayout,
    NotesField,
    error_label,
    hint_label,
    save_cancel_buttons,
    scaled_point_size,
)

SESSION_FONT_SCALE = 1.6
SESSION_RANGE = "All"
KEYS_HELP = "← → step · C compare periods · N add a note · Esc leave"


@dataclass(frozen=True)
class Slide:
    key: str
    goal: Goal | None  # None: a marker shown for itself


def slides_for(data: PatientData) -> list[Slide]:
    """Each open goal (PT first, then OT), then every charted marker that no goal already showed."""
    goals = sorted(data.open_goals(), key=lambda g: (g.discipline != Discipline.PT, g.id or 0))
    slides = [Slide(g.marker, g) for g in goals]
    shown = {g.marker for g in goals}
    slides += [
        Slide(key, None) for _group, key in chart_keys(data.entries, data.activities) if key not in shown
    ]
    return slides


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: DateField) -> date:
    return edit.date().toPython()  # type: ignore[return-value]


class EventDialog(QDialog):
    """Add a clinician note or an event (surgery, injection, medication change …) on a given day."""

    def __init__(self, session: PatientSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.saved: Event | None = None
        self.setWindowTitle("Add a note or event")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.day = DateField(session.today)
        self.kind = ComboBox()
        for kind in EventKind:
            self.kind.addItem(kind.value.capitalize(), kind)
        self.kind.setCurrentIndex(self.kind.findData(EventKind.CLINICIAN_NOTE))
        self.text = NotesField()
        self.text.setAccessibleName("Note")
        self.error = error_label(self.text)
        form.addRow("&Day:", self.day)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Note:", self.text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(save_cancel_buttons(self, self.accept))
        self.text.setFocus()

    def accept(self) -> None:
        event = Event(_day(self.day), EventKind(self.kind.currentData()), self.text.toPlainText().strip())
        try:
            self.saved = self.session.add_event(event)
        except InvalidInput as exc:
            self.error.setText(" ".join(p.message for p in exc.problems))
            self.text.setFocus()
            return
        super().accept()


class ComparePanel(QWidget):
    """Two periods side by side for every marker: means, change, and whether it is meaningful."""

    COLUMNS = ("Marker", "Period A", "Period B", "Verdict", "Change")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        periods = FlowLayout()
        self.edits = [DateField() for _ in range(4)]
        for edit in self.edits:
            edit.dateChanged.connect(lambda _d: self.update_table())
        for name, (start, end) in (("A", self.edits[:2]), ("B", self.edits[2:])):
            label = QLabel(f"Period &{name}:")
            label.setBuddy(start)
            start.setAccessibleName(f"Period {name} from")
            end.setAccessibleName(f"Period {name} to")
            period = QWidget()  # one period stays on one line; the two wrap apart on a narrow screen
            row = QHBoxLayout(period)
            row.setContentsMargins(0, 0, 24, 0)
            for widget in (label, start, QLabel("to"), end):
                row.addWidget(widget)
            periods.addWidget(period)
        layout.addLayout(periods)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setAccessibleName("Change between the two periods")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The change sentence wraps in its column, so the whole of it shows at any text size.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        header = self.table.horizontalHeader()
        for column in range(1, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # A long marker or activity name wraps in its column rather than leave the change sentence a
        # sliver of the width (_fit_marker_column).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.data: PatientData | None = None

    def show_data(self, data: PatientData) -> None:
        """Fill the table; the periods default to the first and the last ``COMPARE_WEEKS`` logged weeks."""
        self.data = data
        weeks = sorted({e.week for e in data.entries})
        from rehabtrack.core.series import Point

        periods = default_periods([Point(w, 0.0) for w in weeks])
        first, last = periods if periods else ((data.today, data.today), (data.today, data.today))
        self.set_periods(first, last)

    def set_periods(self, first: Period, last: Period) -> None:
        for edit, day in zip(self.edits, (*first, *last), strict=True):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.update_table()

    def periods(self) -> tuple[Period, Period]:
        days = [_day(e) for e in self.edits]
        return (days[0], days[1]), (days[2], days[3])

    def update_table(self) -> None:
        if self.data is None:
            return
        first, last = self.periods()
        rows = []
        for _group, key in chart_keys(self.data.entries, self.data.activities):
            series = self.data.series(key)
            before, after = mean_in(series.points, first), mean_in(series.points, last)
            change = self.data.change_between(key, first, last)
            decimals, why = 1, ""
            if before is None or after is None:
                verdict, words = "—", "not logged in both periods"
            elif change is None:
                verdict, words = "—", "no meaningful-change threshold for this marker"
            else:
                verdict, words, decimals = change.direction.capitalize(), change.describe(), change.decimals
                why = change.threshold.explained()
            rows.append(
                (
                    series.label,
                    _fmt(before, series.unit, decimals),
                    _fmt(after, series.unit, decimals),
                    verdict,
                    words,
                    why,
                )
            )
        self.table.setRowCount(len(rows))
        for r, (*row, why) in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                # The verdict says where its threshold comes from: a published source or a clinic convention.
                item.setToolTip(f"{text}\n{why}" if why and c >= 3 else text)
                self.table.setItem(r, c, item)
        self._fit_marker_column()

    def _fit_marker_column(self) -> None:
        """The marker column as wide as its longest name, but at most a fifth of the table (never narrower
        than its longest word): the change sentence keeps the room to be read in a few lines."""
        table = self.table
        metrics = table.fontMetrics()
        names = [item.text() for r in range(table.rowCount()) if (item := table.item(r, 0)) is not None]
        words = [w for name in names for w in name.split()] + [self.COLUMNS[0]]
        padding = 3 * metrics.averageCharWidth()
        widest_word = max(metrics.horizontalAdvance(w) for w in words) + padding
        whole = max((metrics.horizontalAdvance(n) for n in names), default=0) + padding
        table.horizontalHeader().resizeSection(0, max(widest_word, min(whole, table.viewport().width() // 5)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_marker_column()

    def rows(self) -> list[tuple[str, ...]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(self.table.columnCount()))  # type: ignore[union-attr]
            for r in range(self.table.rowCount())
        ]


def _fmt(value: float | None, unit: str, decimals: int = 1) -> str:
    """A period's mean as the PDF's summary of change prints it, with the unit."""
    return "—" if value is None else f"{plain(value, decimals)}{with_unit(unit)}"


class SessionView(QDialog):
    def __init__(
        self,
        session: PatientSession,
        theme: ChartTheme,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.store, self.patient_id, self.today = session.store, session.patient_id, session.today
        self.theme = replace(theme, font_pt=theme.font_pt * SESSION_FONT_SCALE)  # readable across the room
        self.setWindowTitle("Session view")
        font = self.font()
        # Large type: 160 % of the desktop's text, or the user's own text size when that is larger
        # (175 % text times 1.6 would leave the chart no room on a laptop screen).
        font.setPointSizeF(max(font.pointSizeF(), scaled_point_size(100 * SESSION_FONT_SCALE)))
        self.setFont(font)
        self.rom_norms = str(getattr(parent, "rom_norms", DEFAULT_SOURCE))

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.position = QLabel()
        self.title = QLabel()
        self.title.setWordWrap(True)
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setBold(True)
        self.title.setFont(title_font)
        top.addWidget(self.title, 1)
        top.addWidget(self.position)
        layout.addLayout(top)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setAccessibleDescription("Progress")
        layout.addWidget(self.sentence)
        self.stack = QStackedWidget()
        self.chart = MarkerChart()
        self.chart.setAccessibleName("Chart")
        self.compare = ComparePanel()
        self.stack.addWidget(self.chart)
        self.stack.addWidget(self.compare)
        layout.addWidget(self.stack, 1)
        buttons = FlowLayout()
        self.previous_button = Button("← &Previous")
        self.next_button = Button("Ne&xt →")
        self.compare_button = Button("&Compare periods (C)")
        self.compare_button.setCheckable(True)
        self.note_button = Button("Add &note (N)")
        self.close_button = Button("Leave (Esc)")
        for button in (
            self.previous_button,
            self.next_button,
            self.compare_button,
            self.note_button,
            self.close_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(buttons)  # wraps onto a second line rather than pushing Leave off the screen
        layout.addWidget(hint_label(KEYS_HELP))

        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.compare_button.toggled.connect(self.show_compare)
        self.note_button.clicked.connect(self.add_note)
        self.close_button.clicked.connect(self.reject)
        for keys, slot in (
            (("Right", "PgDown"), lambda: self.step(1)),
            (("Left", "PgUp"), lambda: self.step(-1)),
            (("C",), self.compare_button.toggle),
            (("N",), self.add_note),
        ):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)

        self.index = 0
        self.data = PatientData(self.store, self.patient_id, self.today)
        self.slides = slides_for(self.data)
        self.compare.show_data(self.data)
        self.show_slide()
        session.changed.connect(self._on_changed)

    def step(self, delta: int) -> None:
        if self.stack.currentWidget() is self.compare:
            self.compare_button.setChecked(False)
        if self.slides:
            self.index = (self.index + delta) % len(self.slides)
        self.show_slide()

    def current(self) -> Slide | None:
        return self.slides[self.index] if self.slides else None

    def show_slide(self) -> None:
        slide = self.current()
        if slide is None:
            self.title.setText("Nothing to show yet")
            self.sentence.setText("Charts appear once a week is logged.")
            self.position.clear()
            return
        series = self.data.series(slide.key)
        goals = [slide.goal] if slide.goal else self.data.goals_for(slide.key)
        threshold = self.data.threshold(slide.key)
        if slide.goal is not None:
            self.title.setText(f"{slide.goal.discipline.value} goal: {slide.goal.title}")
            self.sentence.setText(self.data.progress(slide.goal).sentence())
        else:
            self.title.setText(series.label)
            first_last = default_periods(series.points)
            change = self.data.change_between(slide.key, *first_last) if first_last else None
            self.sentence.setText(change.describe() if change else "Not enough weeks logged to compare.")
        self.sentence.setToolTip(threshold.explained() if threshold is not None else "")
        self.position.setText(f"{self.index + 1} of {len(self.slides)}")
        x_range = range_for(SESSION_RANGE, self.today, self.data.first_week())
        typical = typical_for(slide.key, self.rom_norms)
        self.chart.set_data(
            series, goals, self.data.events, self.theme, x_range, self.data.band(slide.key), typical
        )
        self.chart.set_band_tip(band_tip(threshold))

    def show_compare(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.compare if on else self.chart)
        # Focus never stays in (or falls into) a date field, which would swallow N, C and the arrows.
        self.compare_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if on:
            self.title.setText("Compare two periods")
            self.sentence.setText("Means of the logged weeks in each period; missed weeks are skipped.")
            self.position.clear()
        else:
            self.show_slide()

    def add_note(self) -> Event | None:
        dialog = EventDialog(self.session, self)
        if not dialog.exec():
            return None
        return dialog.saved

    def _on_changed(self, what: Changed) -> None:
        if what.touches_series() or what.events or what.goals or what.thresholds:
            self.reload()

    def reload(self) -> None:
        """Re-read the patient's data (a note was added, or undone) and redraw."""
        self.data = PatientData(self.store, self.patient_id, self.today)
        self.slides = slides_for(self.data)
        self.index = min(self.index, max(len(self.slides) - 1, 0))
        self.compare.data = self.data
        self.compare.update_table()
        self.show_slide()
