"""Meaningful change: how big a change must be before RehabTrack calls it better or worse.

Every series key has a threshold, the minimal clinically important difference (MCID) where one is
published, or a stated convention where none is, with its source. Each is stated once, beside what it
measures: a weekly marker's in ``core.markers``, a questionnaire's in its file in ``resources/measures/``,
an activity rating's on ``markers.ACTIVITY_RATING``, range of motion's here (``ROM_THRESHOLD``).
A change smaller than the threshold is "within normal variation": week-to-week noise in a self-rating
or a goniometer reading, never "improved" or "worse". A change exactly as large as the threshold counts,
here and everywhere else (the recurrence watch too).

Where a relative criterion is published, an improvement must reach **both** the absolute threshold and
that share of the starting value: pain "2 points or 30 %" (Farrar 2001), ODI "10 points or 30 %"
(Ostelo 2008). Taking both (not either) is the careful reading: a high starting value then needs a larger
change, as Farrar found. A worsening is judged by the absolute threshold alone.

The PSFS thresholds (2 points for the mean, 3 for one activity) are Stratford's minimal detectable
change, and are named so.

Where no MCID is published (morning stiffness, sleep, flare-ups, exercise adherence, GAS …) the threshold
is a clinic convention, and says so wherever a verdict rests on it. A therapist may set a convention's
threshold for one patient, never below the marker's measurement error: inside ``patient_thresholds(…)``
every verdict, band and trend check uses the patient's values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.markers import ACTIVITY_RATING, ADHERENCE, WEEKLY_MARKERS
from rehabtrack.core.numbers import MINUS, plain, shown_change, signed_amount
from rehabtrack.core.series import describe
from rehabtrack.core.threshold import Threshold
from rehabtrack.core.validation import Problem, range_problem

IMPROVED = "improved"
WORSE = "worse"
WITHIN_VARIATION = "within normal variation"

# Deltas are rounded to this many decimals before comparing with the threshold, so that 6.2 → 4.2
# (a float difference of 1.9999999999999996) counts as the 2-point change it is.
DELTA_DECIMALS = 9

# The thresholds set for the patient whose numbers are being worked out (series key -> value).
_PATIENT_VALUES: ContextVar[Mapping[str, float] | None] = ContextVar("patient_thresholds", default=None)

# Range of motion: the measurement error of a reading logged at home, and of a clinician's with a
# goniometer (ROM_THRESHOLD's source gives both studies). The home error is also every ROM series' threshold.
ROM_HOME_ERROR = 10.0
ROM_CLINICIAN_ERROR = 5.0
ROM_THRESHOLD = Threshold(
    ROM_HOME_ERROR,
    "°",
    "Measurement error of range of motion logged at home, not a patient-rated MCID: repeated home "
    "measurements of the same joint differ by up to about 10° (Hancock GE et al. Measurement of passive "
    "knee flexion range of motion after total knee arthroplasty: smartphone and goniometer compared. J "
    "Orthop Surg Res 2018;13:92). A clinician with a goniometer, same examiner and method, agrees within "
    "about 5° (Gajdosik RL, Bohannon RW. Phys Ther 1987;67(12):1867-1872), but readings logged at home "
    "carry the larger error.",
    label="Range of motion",
    cite="Hancock 2018",
)
# Thresholds shared by every series whose key starts with the prefix.
PREFIX_THRESHOLDS: dict[str, Threshold] = {"rom/": ROM_THRESHOLD}


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
    meaningful: bool  # |delta| >= threshold (and, for an improvement, >= the relative criterion)
    direction: str  # IMPROVED, WORSE or WITHIN_VARIATION
    relative: float | None = None  # the published relative criterion in percent (30), if any
    percent: float | None = None  # delta as a percent of ``before``; None when before is (about) 0

    @property
    def improved(self) -> bool:
        return self.direction == IMPROVED

    @property
    def percent_text(self) -> str:
        """The change as a share of the starting value, to show beside the points: "−38 %" ("" if none)."""
        if self.percent is None:
            return ""
        rounded = plain(abs(self.percent), 0)
        sign = "" if rounded == "0" else ("+" if self.percent > 0 else MINUS)
        return f"{sign}{rounded} %"

    @property
    def short_of_relative(self) -> bool:
        """An improvement as large as the absolute threshold but short of the relative criterion."""
        toward = (self.delta < 0) == self.lower_is_better and self.delta != 0
        return not self.meaningful and toward and abs(self.delta) >= self.threshold.value

    @property
    def decimals(self) -> int:
        """Decimals the values and the change are shown with (core.numbers.shown_change)."""
        return shown_change(self.before, self.after, self.threshold.value)[1]

    @property
    def shown_delta(self) -> float:
        """The change as shown beside the two values: their difference as shown (shown_change)."""
        return shown_change(self.before, self.after, self.threshold.value)[0]

    def describe(self) -> str:
        """A plain sentence, e.g. "Pain fell from 6.2 to 3.1 (−3.1 points): improved, more than the
        2-point meaningful change"."""
        t = self.threshold
        decimals = self.decimals
        before = _with_hug(self.before, t.unit, decimals)
        after = _with_hug(self.after, t.unit, decimals)
        if self.delta == 0:
            moved = f"stayed at {after} (no change)"
        else:
            verb = "rose" if self.delta > 0 else "fell"
            share = f", {self.percent_text}" if self.relative is not None and self.percent_text else ""
            change = signed_amount(self.shown_delta, t.unit, decimals)
            moved = f"{verb} from {before} to {after} ({change}{share})"
        return f"{self.label} {moved}: {self.judgement()}"

    def judgement(self) -> str:
        """E.g. "improved, more than the 2-point meaningful change and 30 % of the starting value"."""
        t = self.threshold
        size = abs(self.delta)
        relative = f" and {plain(self.relative, 0)} % of the starting value" if self.relative else ""
        if self.short_of_relative:
            return (
                f"{WITHIN_VARIATION}, less than {plain(self.relative or 0, 0)} % of the starting value "
                f"(an improvement needs both {t.phrase()} and {plain(self.relative or 0, 0)} %)"
            )
        if not self.meaningful:
            return f"{WITHIN_VARIATION}, less than {t.phrase()}"
        how = "more than" if size > t.value else "as large as"
        return f"{self.direction}, {how} {t.phrase()}{relative if self.direction == IMPROVED else ''}"


def _num(number: float, decimals: int = 1) -> str:
    return plain(number, decimals)


def _with_hug(number: float, unit: str, decimals: int = 1) -> str:
    """A value as shown next to its series: degrees and percent hug the number, other units are left
    to the delta ("from 6.2 to 3.1 (−3.1 points)")."""
    text = _num(number, decimals)
    return f"{text}{unit}" if unit in ("°", "%") else text


def thresholds() -> dict[str, Threshold]:
    """Every threshold: exact series keys, and prefixes ending in "/" (``rom/``, ``activity/``)."""
    table = {m.key: m.threshold for m in (*WEEKLY_MARKERS, ADHERENCE) if m.threshold is not None}
    table.update({inst.series_key: inst.threshold for inst in INSTRUMENTS.values()})
    table.update(PREFIX_THRESHOLDS)
    if ACTIVITY_RATING.threshold is not None:
        table["activity/"] = ACTIVITY_RATING.threshold
    return table


def default_threshold(key: str) -> Threshold:
    """The table's threshold for series ``key`` (what every patient gets unless a therapist set one)."""
    table = thresholds()
    if key in table:
        return table[key]
    prefix = key.split("/", 1)[0] + "/"
    if "/" in key and prefix in table:
        return table[prefix]
    raise KeyError(f"no meaningful-change threshold for series {key!r}")


def _known_threshold(key: str) -> Threshold | None:
    try:
        return threshold_for(key)
    except KeyError:
        return None


def threshold_for(key: str) -> Threshold:
    """The meaningful-change threshold for series ``key``: the patient's own inside
    ``patient_thresholds``, else the table's; KeyError when RehabTrack has none."""
    found = default_threshold(key)
    value = (_PATIENT_VALUES.get() or {}).get(key)
    if value is not None and found.convention:
        return replace(found, value=value, for_patient=True)
    return found


@contextmanager
def patient_thresholds(values: Mapping[str, float]) -> Iterator[None]:
    """Work out verdicts with one patient's thresholds (series key -> value), e.g.
    ``with patient_thresholds(store.thresholds(pid)): content = …``."""
    token = _PATIENT_VALUES.set(dict(values))
    try:
        yield
    finally:
        _PATIENT_VALUES.reset(token)


def conventions() -> dict[str, Threshold]:
    """The thresholds a therapist may change for a patient (clinic conventions), by series key."""
    return {
        key: t
        for key, t in thresholds().items()
        if t.convention and t.measurement_error is not None and not key.endswith("/")
    }


def threshold_problem(key: str, value: float) -> Problem | None:
    """What is wrong with ``value`` as the patient's threshold of series ``key``: only a clinic
    convention may be changed, and never below its measurement error (the message names both ends)."""
    try:
        t = default_threshold(key)
    except KeyError:
        return Problem(key, f"'{key}' is not a marker RehabTrack keeps a meaningful change for.")
    if not t.convention or t.measurement_error is None or t.most is None:
        published = f"the {t.name} is published ({t.origin()}) and cannot be changed"
        return Problem(key, f"{t.label or key}: {published}.")
    found = range_problem(key, f"{t.label} {t.name}", value, t.measurement_error, t.most, t.unit)
    if found is not None and value == value and value < t.measurement_error:
        why = f" Less than {t.amount(t.measurement_error)} is within measurement error: {t.error_reason}."
        return Problem(key, found.message + why)
    return found


def _label_for(key: str, threshold: Threshold) -> str:
    if key.startswith(("rom/", "activity/")):
        try:
            return describe(key).label
        except (KeyError, ValueError):
            pass
    return threshold.label or key


def measurement_error(key: str, clinician_goniometer: bool = False) -> float:
    """The smallest change across a trend that is more than measurement error, for series ``key``.

    Range of motion logged at home: 10° (Hancock 2018); 5° only for a reading a clinician took with a
    goniometer (no reading carries that mark yet, so every ROM series uses 10°). Any other series: its
    meaningful-change threshold. KeyError when RehabTrack has no threshold for the series.
    """
    if key.startswith("rom/"):
        return ROM_CLINICIAN_ERROR if clinician_goniometer else ROM_HOME_ERROR
    return threshold_for(key).value


def relative_criterion(key: str) -> float | None:
    """The published relative criterion of series ``key`` in percent (30 for pain and ODI), else None."""
    try:
        return default_threshold(key).relative
    except KeyError:
        return None


def classify_change(
    key: str,
    before: float,
    after: float,
    lower_is_better: bool,
    label: str | None = None,
    threshold: Threshold | None = None,
) -> Change:
    """Judge the change ``before`` → ``after`` of series ``key``.

    Meaningful when |after − before| >= the threshold (``threshold`` overrides the table's); then
    "improved" or "worse" by the series' direction. An improvement of a series with a published
    relative criterion must also reach that percent of ``before``. Anything smaller is "within normal
    variation" — never "improved".
    """
    table = _known_threshold(key)
    threshold = threshold if threshold is not None else threshold_for(key)
    delta = round(after - before, DELTA_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    relative = relative_criterion(key)
    # A share of a starting value of (about) zero means nothing.
    percent = 100.0 * delta / abs(before) if abs(before) >= 10**-DELTA_DECIMALS else None
    toward = delta != 0 and (delta < 0) == lower_is_better
    meaningful = abs(delta) >= threshold.value
    if meaningful and toward and relative is not None:
        meaningful = round(abs(delta) - relative / 100.0 * abs(before), DELTA_DECIMALS) >= 0
    if not meaningful:
        direction = WITHIN_VARIATION
    elif toward:
        direction = IMPROVED
    else:
        direction = WORSE
    return Change(
        key=key,
        label=label if label is not None else _label_for(key, table or threshold),
        before=before,
        after=after,
        delta=delta,
        lower_is_better=lower_is_better,
        threshold=threshold,
        meaningful=meaningful,
        direction=direction,
        relative=relative,
        percent=percent,
    )
