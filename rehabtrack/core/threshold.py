"""A meaningful-change threshold: the smallest change RehabTrack calls better or worse, with its source.

The thresholds themselves live with what they measure: a weekly marker's in ``core.markers``, a
questionnaire's in its file in ``resources/measures/``, range of motion's in ``core.meaningful_change``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rehabtrack.core.numbers import amount, plain, singular

CLINIC_CONVENTION = "clinic convention"
THRESHOLD_DECIMALS = 2  # a threshold reads as it was set: 0.25 hours, not 0.3


@dataclass(frozen=True)
class Threshold:
    """The smallest meaningful change for one series, with where the number comes from."""

    value: float
    unit: str  # plural, as it follows a number: "points", "°", "minutes"
    source: str
    published: bool = True  # False: a RehabTrack convention, not a published MCID
    label: str = ""  # what the table entry is about, e.g. "Pain" or "Range of motion"
    name: str = "meaningful change"  # or Stratford's "detectable change" for the PSFS
    cite: str = ""  # the short source shown beside a verdict: "Farrar 2001; Childs 2005"
    measurement_error: float | None = None  # a convention: the least a therapist may set it to
    most: float | None = None  # a convention: the most a therapist may set it to
    error_reason: str = ""  # why the measurement error is that large
    relative: float | None = None  # published: an improvement must also be this percent of the start
    for_patient: bool = False  # set by the therapist for this patient

    @property
    def convention(self) -> bool:
        """A clinic convention, not a published MCID: a therapist may change it for a patient."""
        return not self.published

    def origin(self) -> str:
        """Where the number comes from, in a few words: "Farrar 2001; Childs 2005", "clinic convention",
        "clinic convention, set for this patient"."""
        if self.convention:
            return f"{CLINIC_CONVENTION}, set for this patient" if self.for_patient else CLINIC_CONVENTION
        return self.cite or "published"

    def tag(self) -> str:
        """What follows a verdict that rests on a convention: " (clinic convention)"; "" when published."""
        return f" ({CLINIC_CONVENTION})" if self.convention else ""

    def explained(self) -> str:
        """One line for a tooltip: "Meaningful change: 15 minutes (clinic convention, not a published …)"."""
        head = f"{self.name.capitalize()}: {self.amount(self.value)} ({self.origin()})"
        if self.convention:
            return f"{head}. Not a published MCID; a therapist may change it for this patient."
        return f"{head}. {self.source}"

    def amount(self, number: float) -> str:
        """``number`` with the unit: "2 points", "1 point", "5°", "0.25 hours" (a threshold as set)."""
        return amount(number, self.unit, THRESHOLD_DECIMALS)

    def phrase(self) -> str:
        """The threshold as it sits in a sentence: "the 2-point meaningful change"."""
        if self.unit in ("°", "%"):
            return f"the {plain(self.value, THRESHOLD_DECIMALS)}{self.unit} {self.name}"
        if " " in self.unit or "-" in self.unit:
            return f"the {self.name} of {self.amount(self.value)}"
        return f"the {plain(self.value, THRESHOLD_DECIMALS)}-{singular(self.unit)} {self.name}"


def threshold_from_json(entry: dict[str, Any]) -> Threshold:
    """A threshold as a data file writes it: ``{"value": 9, "unit": "points", "source": …}``."""
    return Threshold(
        value=float(entry["value"]),
        unit=str(entry["unit"]),
        source=str(entry["source"]),
        published=bool(entry.get("published", True)),
        label=str(entry.get("label", "")),
        name=str(entry.get("name", "meaningful change")),
        cite=str(entry.get("cite", "")),
        measurement_error=float(entry["measurement_error"]) if "measurement_error" in entry else None,
        most=float(entry["most"]) if "most" in entry else None,
        error_reason=str(entry.get("error_reason", "")),
        relative=float(entry["relative"]) if "relative" in entry else None,
    )
