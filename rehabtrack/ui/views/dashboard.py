"""The patient's dashboard: a goals panel (PT and OT side by side) and small charts, one group at a time.

Only the charts of the group on screen exist and are redrawn (a repaint costs ~6 ms per chart here):
other groups are built the first time they are shown and refreshed when shown again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.charts.marker_chart import RANGE_PRESETS, MarkerChart, range_for
from rehabtrack.charts.theme import LIGHT, ChartTheme
from rehabtrack.core.model import Discipline, Goal, GoalStatus, WeeklyEntry
from rehabtrack.core.rom_norms import DEFAULT_SOURCE
from rehabtrack.core.series import MINUTES_PREFIX
from rehabtrack.storage.errors import ChangedMeanwhile
from rehabtrack.ui.changed import Changed
from rehabtrack.ui.kept_state import WidgetStates, keep_state
from rehabtrack.ui.patient_data import PatientData, band_tip, typical_for
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.widgets import Button, hint_label

DEFAULT_PRESET = "6 months"
CHART_COLUMNS = 2
GOALS_SHARE = 42  # percent of the dashboard's height the goals panel opens with
CHART_MIN_HEIGHT = 240
CHART_LEGEND = (
    "Dots: each logged week (a missed week is a gap) · thick line: 4-week average · dashed: trend of the "
    "last 12 weeks, drawn only when clear · straight line: goal target (PT solid, OT dashed), its date "
    "the hollow square or triangle · dotted line: an event, named above the chart · grey band: within "
    "normal variation (hover it: a published source or a clinic convention) · "
    "green wash: typical range of motion"
)
DISCIPLINE_TITLES = {Discipline.PT: "PT goals: moving better", Discipline.OT: "OT goals: managing daily life"}


def default_preset(today: date, logged: Sequence[date]) -> str:
    """The range a patient's charts open on: 6 months, unless that would hide their data. A new
    patient's few weeks get the shortest range that holds them all; records that ended long ago
    (an imported bundle, say) get "All"."""
    if not logged:
        return DEFAULT_PRESET
    first, last = min(logged), max(logged)
    default_start, _ = range_for(DEFAULT_PRESET, today, first)
    if last < default_start:
        return "All"
    for preset in RANGE_PRESETS[: RANGE_PRESETS.index(DEFAULT_PRESET)]:
        start, _ = range_for(preset, today, first)
        if first >= start:
            return preset
    return DEFAULT_PRESET


def fit_cell(widget: QWidget) -> None:
    """A chart cell takes its column's width, whatever it holds: the columns stay equal, and do not
    move (redrawing every chart) as placeholders are swapped for charts."""
    widget.setMinimumHeight(CHART_MIN_HEIGHT)
    widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)


class CellChart(MarkerChart):
    """A dashboard chart: as high as its cell wants from the start. A new plot's size hint is 480 px
    until it has been laid out (then its own height): its row grew after the first paint, moved and
    painted every chart on screen again, and shrank back once scrolled."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), CHART_MIN_HEIGHT)


@dataclass
class ChartPage:
    """One group's grid of cells. A cell holds an empty placeholder until it first scrolls into view,
    then its chart; ``drawn`` holds the indices whose chart shows the current data and range."""

    widget: QWidget
    grid: QGridLayout
    cells: list[QWidget]
    keys: list[str]
    drawn: set[int] = field(default_factory=set)

    def chart(self, index: int) -> MarkerChart:
        """The chart of cell ``index``, made now if the cell still holds its placeholder."""
        cell = self.cells[index]
        if isinstance(cell, MarkerChart):
            return cell
        chart = CellChart()
        fit_cell(chart)
        self.grid.replaceWidget(cell, chart)
        cell.deleteLater()
        chart.show()  # a widget added to a page already on screen would otherwise stay hidden
        self.cells[index] = chart
        return chart


class WrappingDelegate(QStyledItemDelegate):
    """Row heights for word-wrapped cells of a tree: Qt measures a tree's rows without the column's
    width, so a long sentence would get one line and be cut off with "…" instead of wrapping.

    Nothing of the option Qt passes in is kept or read beyond the rectangle: a cache keyed by its font
    crashed the process once (a segmentation fault in CI while the panel refilled)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        view = self.parent()
        # Only the last column, which stretches: the others are as wide as their text.
        if isinstance(view, QTreeView) and index.column() == view.header().count() - 1 > 0:
            option = QStyleOptionViewItem(option)
            width = view.columnWidth(index.column())
            option.rect = QRect(0, 0, max(width, 1), 1)  # a valid rect: the style wraps text to its width
        return super().sizeHint(option, index)


class GoalsPanel(QTreeWidget):
    """One row per goal, PT and OT grouped, in plain words."""

    COLUMNS = ("Goal", "Status", "Progress")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(self.COLUMNS))
        self.setAccessibleName("Goals")
        self.setAccessibleDescription("PT and OT goals with how far each has come. Enter edits a goal.")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setRootIsDecorated(False)
        self.setWordWrap(True)  # a progress sentence is never cut off: it wraps
        self.setUniformRowHeights(False)
        self.header().setStretchLastSection(True)
        # The title and status columns are as wide as their widest text, fitted here when a text of
        # theirs changes (``_fit``), not by Qt's ResizeToContents: that measures every row of both
        # columns again after any change of any cell, three times per goal saved.
        for column in self.FITTED:
            self.header().setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self.setItemDelegate(WrappingDelegate(self))
        self._relayout = QTimer(self)  # rows measured again once a column changed width
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self.doItemsLayout)
        self.header().sectionResized.connect(lambda *_: self._relayout.start())
        # Fitted once Qt has finished: measuring rows from inside expandAll() crashes it.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit)
        self.expanded.connect(lambda *_: self._refit.start())
        self.collapsed.connect(lambda *_: self._refit.start())

    FITTED = (0, 1)

    def _fit(self, columns: Iterable[int] = FITTED, grow_only: bool = False) -> None:
        """Each of ``columns`` as wide as its widest shown text or its heading, as ResizeToContents;
        ``grow_only``: never narrower than now. A saved week only widens a column: statuses coming and
        going do not make the columns jump back and forth (each jump lays the whole tree out again and
        repaints it and its scroll bar). Filling the panel and a new text size fit them afresh."""
        header = self.header()
        for column in columns:
            wanted = max(
                self.sizeHintForColumn(column), 0 if header.isHidden() else header.sectionSizeHint(column)
            )
            if grow_only:
                wanted = max(wanted, self.columnWidth(column))
            if wanted != self.columnWidth(column):
                self.setColumnWidth(column, wanted)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._refit.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._fit()  # now polished: the style's own fonts and margins

    def show_goals(self, data: PatientData) -> None:
        selected = self.current_goal()
        self.clear()
        for discipline in (Discipline.PT, Discipline.OT):
            goals = [g for g in data.goals if g.discipline == discipline]
            head = QTreeWidgetItem([f"{DISCIPLINE_TITLES[discipline]} ({len(goals)})", "", ""])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(head)
            if not goals:
                head.addChild(QTreeWidgetItem(["", "", f"No {discipline.value} goals yet."]))
            for goal in goals:
                item = QTreeWidgetItem()
                item.setData(0, Qt.ItemDataRole.UserRole, goal)
                self._show_row(item, goal, data)
                head.addChild(item)
                if selected is not None and goal.id == selected.id:
                    self.setCurrentItem(item)
            head.setExpanded(True)
        self._fit()

    def update_goals(self, data: PatientData, keys: set[str]) -> None:
        """Work out again the rows of the goals measured by series ``keys`` (the others stay as shown).

        The rows are measured again once at the end, not after every text (each one made the tree
        measure its rows again: most of the time this took)."""
        model = self.model()
        for i in range(self.topLevelItemCount()):
            head = self.topLevelItem(i)
            assert head is not None
            changed: list[QTreeWidgetItem] = []
            columns: set[int] = set()
            model.blockSignals(True)
            try:
                for j in range(head.childCount()):
                    item = head.child(j)
                    assert item is not None
                    goal = item.data(0, Qt.ItemDataRole.UserRole)
                    if isinstance(goal, Goal) and goal.marker in keys:
                        changed_here = self._show_row(item, goal, data)
                        if changed_here:
                            changed.append(item)
                            columns |= changed_here
            finally:
                model.blockSignals(False)
            if changed:  # one notice for the cells whose text changed (the view, screen readers)
                model.dataChanged.emit(
                    self.indexFromItem(changed[0], min(columns)),
                    self.indexFromItem(changed[-1], max(columns)),
                )
                self._fit(columns.intersection(self.FITTED), grow_only=True)

    def _show_row(self, item: QTreeWidgetItem, goal: Goal, data: PatientData) -> set[int]:
        """Put ``goal``'s row in words into ``item``; the columns whose text changed."""
        threshold = data.threshold(goal.marker)
        why = f"\n{threshold.explained()}" if threshold is not None else ""
        changed = set()
        for column, text in enumerate(self._row(goal, data)):
            if item.text(column) != text:
                item.setText(column, text)
                changed.add(column)
            if column in (1, 2) and item.toolTip(column) != f"{text}{why}":
                item.setToolTip(column, f"{text}{why}")
        return changed

    @staticmethod
    def _row(goal: Goal, data: PatientData) -> list[str]:
        if goal.status != GoalStatus.ACTIVE:
            return [goal.title, goal.status.label, data.progress(goal).sentence()]
        progress = data.progress(goal)
        return [goal.title, progress.badge, progress.sentence()]

    def current_goal(self) -> Goal | None:
        item = self.currentItem()
        goal = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return goal if isinstance(goal, Goal) else None

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(discipline, title, progress sentence, status) of every goal row, top to bottom."""
        found = []
        for i in range(self.topLevelItemCount()):
            head = self.topLevelItem(i)
            assert head is not None
            for j in range(head.childCount()):
                child = head.child(j)
                assert child is not None
                goal = child.data(0, Qt.ItemDataRole.UserRole)
                if isinstance(goal, Goal):
                    found.append((goal.discipline.value, child.text(0), child.text(2), child.text(1)))
        return found


class Dashboard(QWidget):
    """Goals panel on top, chart groups on the left, the charts of the chosen group on the right."""

    goals_changed = Signal()
    session_requested = Signal()

    def __init__(
        self,
        session: PatientSession,
        parent: QWidget | None = None,
        entries: Sequence[WeeklyEntry] | None = None,  # already read by the caller: not read again
        states: WidgetStates | None = None,  # where its splitters keep the sizes the user left
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.patient_id = session.patient_id
        self.today = session.today
        self.theme: ChartTheme = LIGHT
        self.data = PatientData(self.store, self.patient_id, self.today, entries)
        self.preset = default_preset(self.today, [e.week for e in self.data.entries])
        self._range_chosen = False  # until the user picks one, the range follows the data
        self.layout_restored = False  # True once the splitters have their sizes (kept ones, or the first)
        self.rom_norms = DEFAULT_SOURCE
        self._pages: dict[str, ChartPage] = {}

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_toolbar())
        self.goals_panel = GoalsPanel()
        self.goals_panel.itemActivated.connect(lambda *_: self.edit_goal())
        goal_buttons = QHBoxLayout()
        self.add_goal_button = Button("&Add goal…")
        self.edit_goal_button = Button("Ed&it goal…")
        self.achieved_button = Button("Mar&k achieved")
        self.discontinue_button = Button("Discon&tinue")
        self.thresholds_button = Button("&Meaningful change…")
        self.thresholds_button.setAccessibleDescription(
            "The clinic-convention thresholds for this patient (stiffness, sleep, flare-ups, adherence, GAS)."
        )
        for button, slot in (
            (self.add_goal_button, self.add_goal),
            (self.edit_goal_button, self.edit_goal),
            (self.achieved_button, lambda: self.set_goal_status(GoalStatus.MARKED_ACHIEVED)),
            (self.discontinue_button, lambda: self.set_goal_status(GoalStatus.DISCONTINUED)),
            (self.thresholds_button, self.edit_thresholds),
        ):
            button.clicked.connect(slot)
            goal_buttons.addWidget(button)
        goal_buttons.addStretch(1)
        goals_box = QWidget()
        goals_layout = QVBoxLayout(goals_box)
        goals_layout.setContentsMargins(0, 0, 0, 0)
        goals_layout.addWidget(self.goals_panel, 1)
        goals_layout.addLayout(goal_buttons)

        self.group_list = QListWidget()
        self.group_list.setAccessibleName("Chart groups")
        self.group_list.setAccessibleDescription("Choose which charts to show. Up and down arrows move.")
        self.group_list.currentTextChanged.connect(self.show_group)
        self.chart_area = QScrollArea()
        self.chart_area.setWidgetResizable(True)
        # Always there, so the charts never narrow (and redraw) when a group first needs scrolling.
        self.chart_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.chart_area.setAccessibleName("Charts")
        self.chart_area.verticalScrollBar().valueChanged.connect(lambda _value: self.draw_on_screen())
        charts_box = QWidget()
        charts_layout = QVBoxLayout(charts_box)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.chart_area, 1)
        charts_split = QSplitter(Qt.Orientation.Horizontal)
        charts_split.addWidget(self.group_list)
        charts_split.addWidget(charts_box)
        charts_split.setStretchFactor(1, 1)
        charts_split.setSizes([180, 900])

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(goals_box)
        self.splitter.addWidget(charts_split)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 600])
        layout.addWidget(self.splitter, 1)
        if states is not None:
            kept = [
                keep_state(self.splitter, states, "dashboard_splitter"),
                keep_state(charts_split, states, "charts_splitter"),
            ]
            self.layout_restored = any(k.restored for k in kept)  # the sizes the user left
        layout.addWidget(
            hint_label(
                "Keys: Alt+1…5 time range · F11 session view · Enter on a goal edits it · hover a point"
            )
        )
        # F11 belongs to the window's View menu (one owner, or Qt finds it ambiguous and does nothing).
        self.session_requested.connect(self.open_session)
        self._fill()
        session.changed.connect(self._on_changed)

    def _on_changed(self, what: Changed) -> None:
        """A change made anywhere (a form, Edit → Undo, Edit → Redo): bring up to date what it touched."""
        self.apply(what)

    # Building -----------------------------------------------------------------------------------

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show:"))
        self.range_buttons = QButtonGroup(self)
        self.range_buttons.setExclusive(True)
        for number, preset in enumerate(RANGE_PRESETS, start=1):
            button = Button(f"&{number} {preset}")
            button.setCheckable(True)
            button.setAccessibleName(f"Show {preset}")
            button.setChecked(preset == self.preset)
            button.clicked.connect(lambda _=False, p=preset: self.choose_range(p))
            self.range_buttons.addButton(button)
            bar.addWidget(button)
        bar.addStretch(1)
        self.session_button = Button("&Session view (F11)")
        self.session_button.clicked.connect(self.session_requested.emit)
        bar.addWidget(self.session_button)
        return bar

    def _fill(self) -> None:
        """(Re)build the goals panel and the group list from ``self.data``; charts redraw when seen."""
        self.goals_panel.show_goals(self.data)
        self.goals_panel.expandAll()
        groups = self.data.chart_groups
        shown = self.visible_group()
        self.group_list.blockSignals(True)
        self.group_list.clear()
        self.group_list.addItems(list(groups))
        self.group_list.blockSignals(False)
        for name, page in list(self._pages.items()):
            if page.keys != groups.get(name):
                if self.chart_area.widget() is page.widget:
                    self.chart_area.takeWidget()
                page.widget.deleteLater()
                del self._pages[name]
            else:
                page.drawn.clear()
        if not groups:
            self.chart_area.setWidget(QLabel("Charts appear here once a week is logged."))
            return
        names = list(groups)
        self._fit_group_list(names)
        self.group_list.setCurrentRow(names.index(shown) if shown in names else 0)
        self.show_group(names[self.group_list.currentRow()])

    def _fit_group_list(self, names: list[str]) -> None:
        """The list of chart groups as wide as its longest name at this text size: none is cut off."""
        metrics = self.group_list.fontMetrics()
        scroll_bar = self.group_list.verticalScrollBar().sizeHint().width()
        wanted = max((metrics.horizontalAdvance(n) for n in names), default=0) + 2 * metrics.height()
        self.group_list.setMinimumWidth(wanted + scroll_bar)

    def _build_page(self, keys: list[str]) -> ChartPage:
        widget = QWidget()
        outer = QVBoxLayout(widget)
        outer.setContentsMargins(0, 0, 0, 0)
        # The legend goes under the charts, scrolling with them: at a large text size its three lines
        # would otherwise push the first row of charts below the bottom of the area.
        grid = QGridLayout()
        outer.addLayout(grid, 1)
        outer.addWidget(hint_label(CHART_LEGEND))
        cells = []
        place = 0
        for i, key in enumerate(keys):
            paired = i + 1 < len(keys) and keys[i + 1] == key.replace("activity/", MINUTES_PREFIX, 1) != key
            if paired and place % CHART_COLUMNS == CHART_COLUMNS - 1:
                place += 1  # a rating starts a row, so its minutes tolerated sit right beside it
            cell = QWidget()  # a chart widget costs ~14 ms to make: only those scrolled to are made
            fit_cell(cell)
            grid.addWidget(cell, place // CHART_COLUMNS, place % CHART_COLUMNS)
            cells.append(cell)
            place += 1
        grid.setRowStretch(grid.rowCount(), 1)
        for column in range(CHART_COLUMNS):
            grid.setColumnStretch(column, 1)
        return ChartPage(widget, grid, cells, keys)

    def _draw(self, page: ChartPage, index: int) -> None:
        key = page.keys[index]
        x_range = range_for(self.preset, self.today, self.data.first_week())
        chart = page.chart(index)
        chart.set_data(
            self.data.series(key),
            self.data.goals_for(key),
            self.data.events,
            self.theme,
            x_range,
            self.data.band(key),
            typical_for(key, self.rom_norms),
            self.data.progress_on,
        )
        chart.set_band_tip(band_tip(self.data.threshold(key)))
        page.drawn.add(index)

    def draw_on_screen(self) -> int:
        """Bring the charts the scroll area shows up to date (only those); returns how many were drawn."""
        page = self._pages.get(self.visible_group() or "")
        if page is None or not self.isVisible():
            return 0
        drawn = 0
        for index, cell in enumerate(page.cells):
            if index not in page.drawn and self._on_screen(cell):
                self._draw(page, index)
                drawn += 1
        return drawn

    def _on_screen(self, cell: QWidget) -> bool:
        """Whether any of ``cell`` shows through the scroll area (visibleRegion() is empty offscreen)."""
        viewport = self.chart_area.viewport()
        if not (self.isVisible() and cell.isVisible()):
            return False
        return QRect(cell.mapTo(viewport, QPoint(0, 0)), cell.size()).intersects(viewport.rect())

    # Showing ------------------------------------------------------------------------------------

    def show_group(self, name: str) -> None:
        keys = self.data.chart_groups.get(name)
        if not keys:
            return
        if name not in self._pages:
            self._pages[name] = self._build_page(keys)
        page = self._pages[name]
        current = self.chart_area.widget()
        if current is not page.widget:
            if current is not None:
                self.chart_area.takeWidget()
                current.deleteLater()  # a group not on screen keeps no charts: ~4 MB a chart at 10 years
                self._pages = {n: p for n, p in self._pages.items() if p.widget is not current}
            self.chart_area.setWidget(page.widget)
        self.draw_on_screen()
        QTimer.singleShot(0, self.draw_on_screen)  # once the new page is laid out

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.layout_restored:  # first shown, with no sizes kept from last time: in proportion
            self.layout_restored = True
            height = self.splitter.height()
            self.splitter.setSizes([height * GOALS_SHARE // 100, height - height * GOALS_SHARE // 100])
        QTimer.singleShot(0, self.draw_on_screen)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self.draw_on_screen)

    def self_check(self) -> list[str]:
        """Show every chart group once (as ``rehabtrack self-test`` does) and list what failed to plot."""
        problems = []
        shown = self.visible_group()
        for row, (name, keys) in enumerate(self.data.chart_groups.items()):
            self.group_list.setCurrentRow(row)
            for chart, key in zip(self.visible_charts(), keys, strict=True):
                logged = len(self.data.series(key).points)
                if len(chart.plotted_points()[0]) != logged:
                    problems.append(
                        f"dashboard: {name} / {key} plotted {len(chart.plotted_points()[0])} of {logged}"
                    )
        if shown is not None:
            self.group_list.setCurrentRow(list(self.data.chart_groups).index(shown))
        return problems

    def visible_group(self) -> str | None:
        item = self.group_list.currentItem()
        return item.text() if item is not None else None

    def visible_charts(self) -> list[MarkerChart]:
        """Every chart of the group shown, each brought up to date (scrolled out of view or not)."""
        page = self._pages.get(self.visible_group() or "")
        if page is None:
            return []
        for index in range(len(page.cells)):
            if index not in page.drawn:
                self._draw(page, index)
        return [page.chart(index) for index in range(len(page.cells))]

    def choose_range(self, preset: str) -> None:
        """The user picked a range: it stays as the data grows."""
        self._range_chosen = True
        self.set_range(preset)

    def set_range(self, preset: str) -> None:
        """Change the time range: the charts on screen at once, the others when they are next seen."""
        self.preset = preset
        for button in self.range_buttons.buttons():
            button.setChecked(button.accessibleName() == f"Show {preset}")
        start, end = range_for(preset, self.today, self.data.first_week())
        shown = self._pages.get(self.visible_group() or "")
        for page in self._pages.values():
            for index, cell in enumerate(page.cells):
                if page is shown and index in page.drawn and self._on_screen(cell):
                    page.chart(index).set_x_range(start, end)
                else:
                    page.drawn.discard(index)
        self.draw_on_screen()

    def set_rom_norms(self, source: str) -> None:
        """Which table of typical range of motion the ROM charts show (Preferences)."""
        if source == self.rom_norms:
            return
        self.rom_norms = source
        for page in self._pages.values():
            page.drawn.clear()
        self.draw_on_screen()

    def set_theme(self, theme: ChartTheme) -> None:
        if theme == self.theme:
            return
        self.theme = theme
        for page in self._pages.values():
            page.drawn.clear()
        self.draw_on_screen()

    def refresh(self, entries: Sequence[WeeklyEntry] | None = None) -> None:
        """Re-read the patient's data after a save, a delete or a goal change (``entries`` when the caller
        has just read them), and redraw what is on screen."""
        self.data = PatientData(self.store, self.patient_id, self.today, entries)
        preset = default_preset(self.today, [e.week for e in self.data.entries])
        if not self._range_chosen and preset != self.preset:
            self.set_range(preset)  # a new patient's first weeks: a range that shows them
        self._fill()

    def apply(self, changed: Changed) -> None:
        """Bring the dashboard up to date after ``changed``, doing only what it needs: for saved or
        deleted weeks, those weeks are read and put into the series, the goals measured by a changed
        series are worked out again, and the charts whose series changed are redrawn if on screen
        (the others when next seen). Anything else is read again as a whole (``refresh``)."""
        if not changed.touches_series() and not (changed.goals or changed.events or changed.thresholds):
            return  # the patient's name or maintenance plan: nothing the dashboard shows
        groups = self.data.chart_groups
        first = self.data.first_week()
        touched = self.data.apply(changed, self.store, self.session.stored_week)
        if touched is None:
            self.refresh()
            return
        preset = default_preset(self.today, [e.week for e in self.data.entries])
        if not self._range_chosen and preset != self.preset:
            self.set_range(preset)
        if self.data.chart_groups != groups:
            self._fill()  # a marker logged for the first time, or its last week deleted
            return
        self.goals_panel.update_goals(self.data, touched)
        whole_span = self.data.first_week() != first  # "All" starts elsewhere: every chart's range moves
        for page in self._pages.values():
            for index, key in enumerate(page.keys):
                if whole_span or key in touched:
                    page.drawn.discard(index)
        self.draw_on_screen()

    def open_session(self) -> None:
        from rehabtrack.ui.views.session_view import SessionView

        view = SessionView(self.session, self.theme, self)
        view.showFullScreen()
        view.exec()
        view.deleteLater()

    # Goals --------------------------------------------------------------------------------------

    def add_goal(self) -> None:
        from rehabtrack.ui.dialogs.goal import GoalDialog

        dialog = GoalDialog(self.session, self.data, None, self)
        if dialog.exec():
            self._after_goal_change(f"Goal added: {dialog.saved_title()}")

    def edit_goal(self) -> None:
        from rehabtrack.ui.dialogs.goal import GoalDialog

        goal = self.goals_panel.current_goal()
        if goal is None:
            return
        dialog = GoalDialog(self.session, self.data, goal, self)
        if dialog.exec():
            self._after_goal_change(f"Goal saved: {dialog.saved_title()}")

    def edit_thresholds(self) -> None:
        """Set this patient's convention thresholds; every verdict, band and report then uses them."""
        from rehabtrack.ui.dialogs.thresholds import ThresholdDialog

        if ThresholdDialog(self.session, self).exec():
            self._after_goal_change("Meaningful-change thresholds saved for this patient")

    def set_goal_status(self, status: GoalStatus, confirm: bool = True) -> None:
        goal = self.goals_panel.current_goal()
        if goal is None or goal.status == status:
            return
        if confirm:
            answer = QMessageBox.question(self, "RehabTrack", f"Mark “{goal.title}” as {status.value}?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.session.decide_goal(goal, status)
        except ChangedMeanwhile as exc:
            QMessageBox.warning(self, "RehabTrack", str(exc))
            self._after_goal_change("Not saved: the goal was changed by someone else")
            return
        self._after_goal_change(f"“{goal.title}” marked {status.value}")

    def _after_goal_change(self, message: str) -> None:
        self.goals_changed.emit()
        window = self.window()
        status_bar = getattr(window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(message, 5000)
