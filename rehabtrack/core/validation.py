"""Validation errors that name the field and the allowed range, in plain words."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rehabtrack.core.numbers import exact, with_unit


@dataclass(frozen=True)
class Problem:
    """One invalid value: ``field`` is the machine key, ``message`` is for the patient."""

    field: str
    message: str


class InvalidInput(ValueError):
    """Raised when any value is invalid; nothing may be written when this is raised."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def in_range(value: float, low: float, high: float, whole: bool = False) -> bool:
    """Whether ``value`` is from ``low`` to ``high`` (and whole when ``whole``): the test behind
    ``range_problem``, for callers that would otherwise write a label they never show."""
    return low <= value <= high and not (whole and value != int(value))  # NaN is in no range


def range_problem(
    field: str, label: str, value: float, low: float, high: float, unit: str = "", whole: bool = False
) -> Problem | None:
    """A problem if ``value`` is outside ``low``..``high`` (or not whole when ``whole``), else None."""
    finite = math.isfinite(value)  # not NaN, nor an overflowing number such as 1e400 read from a file
    if finite and in_range(value, low, high, whole):
        return None  # the common case, checked before any message is written
    suffix = with_unit(unit)
    allowed = f"{exact(low)} to {exact(high)}{suffix}"
    if not finite:
        return Problem(field, f"{label} must be a number from {allowed}.")
    if whole and value != int(value):
        return Problem(field, f"{label} must be a whole number from {allowed} (got {exact(value)}).")
    return Problem(field, f"{label} must be from {allowed} (got {exact(value)}{suffix}).")


def raise_if_any(problems: list[Problem | None]) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise InvalidInput(found)
