"""Picking the week the check-in shows: the date field, and how a week and its days are written."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import QSizePolicy, QWidget

from rehabtrack.ui.widgets import DateField, _tall


def week_text(week: date) -> str:
    """'Week of 3 Mar 2025'."""
    return f"Week of {week.day} {week:%b %Y}"


def day_month(day: date) -> str:
    return f"{day.day} {day:%b}"


class WeekPicker(DateField):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance("00 Mmm 0000") + 3 * self.fontMetrics().height()
        return _tall(QSize(max(width, hint.width()), hint.height()), self)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
