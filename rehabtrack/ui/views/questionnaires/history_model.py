"""The table of every questionnaire score so far, newest first, each with its change since the one
before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.measure_series import MeasureResult, change_since, day_text, score_change, score_text
from rehabtrack.core.numbers import signed


class MeasureHistoryModel(QAbstractTableModel):
    """Every score, newest first: date, questionnaire, score, change since the one before."""

    HEADERS = ("Date", "Questionnaire", "Score", "Change")
    # The header's whole words, for a tooltip and a screen reader: a header does not wrap.
    HEADER_HINTS = ("", "", "", "Change since the one before")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[MeasureResult, str, tuple[str, ...]]] = []

    def set_results(self, results: Sequence[MeasureResult], today: date) -> None:
        self.beginResetModel()
        rows: list[tuple[MeasureResult, str, tuple[str, ...]]] = []
        for r in sorted(results, key=lambda r: (r.taken, r.id or 0), reverse=True):
            for key in r.score_keys:
                value = r.value(key)
                if value is None:
                    continue
                change = change_since(key, results, r)
                if change is None:
                    moved = "first score"
                else:
                    delta = signed(*score_change(key, change))
                    tag = change.threshold.tag() if change.meaningful else ""
                    moved = f"{'±0' if delta == '0' else delta}: {change.direction}{tag}"
                inst = INSTRUMENTS[key]
                name = inst.name if inst.family in ("COPM", "GAS") else inst.short_name
                rows.append((r, key, (day_text(r.taken, today), name, score_text(key, value), moved)))
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()][2][index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.HEADER_HINTS[section] or self.HEADERS[section]
        return None

    def rows(self) -> list[tuple[str, ...]]:
        return [cells for _, _, cells in self._rows]

    def result_at(self, row: int) -> tuple[MeasureResult, str]:
        result, key, _ = self._rows[row]
        return result, key
