"""A field of the check-in and what it says: a marker's allowed range in words, and core's problems
shown next to the fields they belong to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QWidget

from rehabtrack.core.markers import Marker
from rehabtrack.core.numbers import exact
from rehabtrack.core.validation import Problem


def marker_anchors(m: Marker) -> str:
    return " · ".join(part for part in (m.low_anchor, m.high_anchor) if part)


def describe_range(m: Marker) -> str:
    unit = f" {m.unit}" if m.unit else ""
    whole = ", whole numbers" if m.whole else ""
    anchors = marker_anchors(m)
    return (
        f"Allowed {exact(m.low)} to {exact(m.high)}{unit}{whole}."
        + (f" {anchors}." if anchors else "")
        + " Leave blank if not logged this week."
    )


@dataclass
class Field:
    widget: QWidget
    error: QLabel


def show_problems(
    problems: list[Problem], fields: dict[str, Field], more_errors: Iterable[QLabel], general_error: QLabel
) -> None:
    """Each problem under its field's input, outlined in red; a problem of no field in ``general_error``.
    Every other error label of ``fields`` and ``more_errors`` is emptied and hidden."""
    messages: dict[int, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        target = fields.get(problem.field)
        if target is None:
            general.append(problem.message)
        else:
            messages.setdefault(id(target.error), []).append(problem.message)
    errors = {id(f.error): f.error for f in fields.values()}
    errors.update({id(label): label for label in more_errors})
    for key, label in errors.items():
        text = "\n".join(messages.get(key, []))
        label.setText(text)
        label.setVisible(bool(text))
    for f in fields.values():
        invalid = bool(messages.get(id(f.error)))
        f.widget.setProperty("invalid", invalid)
        f.widget.setStyleSheet("border: 2px solid #b00020;" if invalid else "")
    general_error.setText("\n".join(general))
    general_error.setVisible(bool(general))
