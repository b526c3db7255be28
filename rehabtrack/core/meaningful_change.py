"""Meaningful change: how big a change must be before RehabTrack calls it better or worse.

Every series key has a threshold, the minimal clinically important difference (MCID) where one is
published, or a stated convention where none is (``resources/mcid.json`` says which, with its source).
A change smaller than the threshold is "within normal variation": week-to-week noise in a self-rating
or a goniometer reading, never "improved" or "worse".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rehabtrack.core.numbers import amount, change_decimals, plain, signed_amount, singular
from rehabtrack.core.resources import load_json
from rehabtrack.core.series import describe

MCID_FILE = "mcid.json"

IMPROVED = "improved"
WORSE = "worse"
WITHIN_VARIATION = "within normal variation"

# Deltas are rounded to this many decimals before comparing with the threshold, so that 6.2 → 4.2
# (a float difference of 1.9999999999999996) counts as the 2-point change it is.
DELTA_DECIMALS = 9


@dataclass(frozen=True)
class Threshold:
    """The smallest meaningful change for one series, with where the number comes from."""

    value: float
    unit: str  # plural, as it follows a number: "points", "°", "minutes"
    source: str
    published: bool = True  # False: a RehabTrack convention, not a published MCID
    label: str = ""  # what the table entry is about, e.g. "Pain" or "Range of motion"

    def amount(self, number: float) -> str:
        """``number`` with the unit: "2 points", "1 point", "5°"."""
        return amount(number, self.unit)

    def phrase(self) -> str:
        """The threshold as it sits in a sentence: "the 2-point meaningful change"."""
        if self.unit in ("°", "%"):
            return f"the {_num(self.value)}{self.unit} meaningful change"
        if " " in self.unit or "-" in self.unit:
            return f"the meaningful change of {self.amount(self.value)}"
        return f"the {_num(self.value)}-{singular(self.unit)} meaningful change"


@dataclass(frozen=True)
class Change:
    """A change from ``before`` to ``after`` judged against the series' threshold."""

    key: str
    label: str
    before: float
    after: float
    delta: float  # after − before, rounded to DELTA_DECIMALS
    lower_is_better: bool
    threshold: Threshold
    meaningful: bool  # |delta| >= threshold
    direction: str  # IMPROVED, WORSE or WITHIN_VARIATION

    @property
    def improved(self) -> bool:
        return self.direction == IMPROVED

    @property
    def decimals(self) -> int:
        """Decimals the values and the change are shown with: 1, or 2 when one would hide which side
        of the threshold the change is on."""
        return change_decimals(abs(self.delta), self.threshold.value)

    def describe(self) -> str:
        """A plain sentence, e.g. "Pain fell from 6.2 to 3.1 (−3.1 points): improved, more than the
        2-point meaningful change"."""
        t = self.threshold
        size = abs(self.delta)
        decimals = self.decimals
        before = _with_hug(self.before, t.unit, decimals)
        after = _with_hug(self.after, t.unit, decimals)
        if self.delta == 0:
            moved = f"stayed at {after} (no change)"
        else:
            verb = "rose" if self.delta > 0 else "fell"
            moved = f"{verb} from {before} to {after} ({signed_amount(self.delta, t.unit, decimals)})"
        if not self.meaningful:
            judgement = f"{WITHIN_VARIATION}, less than {t.phrase()}"
        else:
            how = "more than" if size > t.value else "as large as"
            judgement = f"{self.direction}, {how} {t.phrase()}"
        return f"{self.label} {moved}: {judgement}"


def _num(number: float, decimals: int = 1) -> str:
    return plain(number, decimals)


def _with_hug(number: float, unit: str, decimals: int = 1) -> str:
    """A value as shown next to its series: degrees and percent hug the number, other units are left
    to the delta ("from 6.2 to 3.1 (−3.1 points)")."""
    text = _num(number, decimals)
    return f"{text}{unit}" if unit in ("°", "%") else text


def _threshold(entry: dict[str, Any]) -> Threshold:
    return Threshold(
        value=float(entry["value"]),
        unit=str(entry["unit"]),
        source=str(entry["source"]),
        published=bool(entry.get("published", True)),
        label=str(entry.get("label", "")),
    )


def thresholds() -> dict[str, Threshold]:
    """Every table entry: exact series keys, and prefixes ending in "/" (``rom/``, ``activity/``)."""
    data = load_json(MCID_FILE)
    table = {key: _threshold(entry) for key, entry in data["series"].items()}
    table.update({prefix: _threshold(entry) for prefix, entry in data["prefixes"].items()})
    return table


def threshold_for(key: str) -> Threshold:
    """The meaningful-change threshold for series ``key``; KeyError when RehabTrack has none."""
    table = thresholds()
    if key in table:
        return table[key]
    prefix = key.split("/", 1)[0] + "/"
    if "/" in key and prefix in table:
        return table[prefix]
    raise KeyError(f"no meaningful-change threshold for series {key!r}")


def _label_for(key: str, threshold: Threshold) -> str:
    if key.startswith(("rom/", "activity/")):
        try:
            return describe(key).label
        except (KeyError, ValueError):
            pass
    return threshold.label or key


def classify_change(
    key: str, before: float, after: float, lower_is_better: bool, label: str | None = None
) -> Change:
    """Judge the change ``before`` → ``after`` of series ``key``.

    Meaningful when |after − before| >= the threshold; then "improved" or "worse" by the series'
    direction. Anything smaller is "within normal variation" — never "improved".
    """
    threshold = threshold_for(key)
    delta = round(after - before, DELTA_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    meaningful = abs(delta) >= threshold.value
    if not meaningful:
        direction = WITHIN_VARIATION
    elif (delta < 0) == lower_is_better:
        direction = IMPROVED
    else:
        direction = WORSE
    return Change(
        key=key,
        label=label if label is not None else _label_for(key, threshold),
        before=before,
        after=after,
        delta=delta,
        lower_is_better=lower_is_better,
        threshold=threshold,
        meaningful=meaningful,
        direction=direction,
    )
