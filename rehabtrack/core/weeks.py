"""ISO weeks (Monday start): the unit every weekly entry is filed under."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from rehabtrack.core.validation import Problem

ONE_WEEK = timedelta(days=7)
FIRST_DAY = date(1900, 1, 1)  # a Monday: the earliest week or day RehabTrack stores


def last_day(today: date | None = None) -> date:
    """The latest day RehabTrack stores: the end of next year (a plan may look a little ahead)."""
    return date((today or date.today()).year + 1, 12, 31)


def day_problem(field: str, label: str, day: date, today: date | None = None) -> Problem | None:
    """The one rule for every stored week and day: from 1900-01-01 to the end of next year."""
    latest = last_day(today)
    if FIRST_DAY <= day <= latest:
        return None
    return Problem(
        field, f"{label} must be from {FIRST_DAY.isoformat()} to {latest.isoformat()} (got {day})."
    )


def week_start(day: date) -> date:
    """The Monday of the ISO week that contains ``day``."""
    return day - timedelta(days=day.weekday())


def is_week_start(day: date) -> bool:
    return day.weekday() == 0


def week_label(monday: date) -> str:
    """Plain label such as 'Week of 3 Mar 2025 (W10)'."""
    iso = monday.isocalendar()
    return f"Week of {monday.day} {monday:%b %Y} (W{iso.week:02d})"


def weeks_between(first: date, last: date) -> Iterator[date]:
    """Every Monday from the week of ``first`` to the week of ``last``, inclusive."""
    monday = week_start(first)
    end = week_start(last)
    while monday <= end:
        yield monday
        monday += ONE_WEEK


def missing_weeks(logged: Iterable[date], first: date, last: date) -> list[date]:
    """Mondays in the period that have no entry: shown as gaps, never filled."""
    have = set(logged)
    return [w for w in weeks_between(first, last) if w not in have]


def consecutive_runs(weeks: Iterable[date]) -> list[list[date]]:
    """Split sorted Mondays into runs of consecutive weeks; a missed week starts a new run."""
    runs: list[list[date]] = []
    for monday in sorted(weeks):
        if runs and monday - runs[-1][-1] == ONE_WEEK:
            runs[-1].append(monday)
        else:
            runs.append([monday])
    return runs
