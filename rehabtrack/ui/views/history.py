"""History of logged weeks as a table; a missed week is a row of its own, never filled in."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from rehabtrack.core.markers import MARKERS_BY_KEY
from rehabtrack.core.model import WeeklyEntry
from rehabtrack.core.series import value_in, week_text
from rehabtrack.core.weeks import weeks_between

COLUMNS = ("pain", "stiffness_minutes", "flareup_count", "sleep_hours", "exercise_adherence")
NOT_LOGGED = "not logged"

Index = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractTableModel):
    """Rows are every week from the first logged one to ``last_week``, newest first."""

    def __init__(self) -> None:
        super().__init__()
        self._weeks: list[date] = []
        self._entries: dict[date, WeeklyEntry] = {}

    def set_entries(self, entries: list[WeeklyEntry], last_week: date) -> None:
        self.beginResetModel()
        self._entries = {e.week: e for e in entries}
        first = min(self._entries, default=last_week)
        last = max(last_week, max(self._entries, default=last_week))
        self._weeks = sorted(weeks_between(first, last), reverse=True) if self._entries else []
        self.endResetModel()

    def week_at(self, row: int) -> date:
        return self._weeks[row]

    def row_of(self, week: date) -> int:
        return self._weeks.index(week)

    def entry_at(self, row: int) -> WeeklyEntry | None:
        return self._entries.get(self._weeks[row])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._weeks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "Week of"
        if section == len(COLUMNS) + 1:
            return "Notes"
        m = MARKERS_BY_KEY[COLUMNS[section - 1]]
        return f"{m.label} ({m.unit})" if m.unit else m.label

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if not index.isValid():
            return None
        week = self._weeks[index.row()]
        entry = self._entries.get(week)
        if role == Qt.ItemDataRole.ForegroundRole and entry is None:
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.AccessibleTextRole and entry is None:
            return f"Week of {week:%d %b %Y}: not logged"
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 < col <= len(COLUMNS) and entry is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # numbers line up
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if col == 0:
            return f"{week.day} {week:%b %Y}"
        if entry is None:
            return "— not logged —" if col == 1 else ""
        if col == len(COLUMNS) + 1:
            return entry.notes.replace("\n", " ")
        key = COLUMNS[col - 1]
        value = value_in(entry, key)
        return "" if value is None else week_text(key, value)
