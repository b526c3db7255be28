"""Questionnaire results: one filled-in outcome measure, its score, its series and what it means.

A ``MeasureResult`` is what the patient answered on one day for one questionnaire (an instrument
family of ``core.measures``: LEFS, QuickDASH, ODI, NPRS, COPM or GAS). Its score is never typed in:
``scored`` computes it with ``core.measures`` exactly as published, and raises ``InvalidInput``
naming the item and its allowed range when an answer is wrong.

Scores are series like any weekly marker (``measure/LEFS``, ``measure/COPM_performance``…), but they
are not weekly entries, so ``measure_series`` builds them from results (points on the day taken).
The PSFS is not filled in separately: its items are the weekly activity ratings, so
``psfs_from_entries`` and ``psfs_series`` compute it from the check-ins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from rehabtrack.core.meaningful_change import Change
from rehabtrack.core.measures import (
    INSTRUMENTS,
    SERIES_PREFIX,
    CopmProblem,
    Instrument,
    classify,
    copm,
    gas,
    instrument,
    score,
)
from rehabtrack.core.model import Activity, WeeklyEntry
from rehabtrack.core.numbers import exact, format_value
from rehabtrack.core.series import Point, Series, describe, series_for
from rehabtrack.core.validation import InvalidInput, Problem

# Questionnaires a patient fills in (the PSFS comes from the check-in's activity ratings instead).
FILLED_IN: tuple[str, ...] = ("LEFS", "QuickDASH", "ODI", "NPRS", "COPM", "GAS")
FAMILIES: tuple[str, ...] = ("PSFS", *FILLED_IN)
DEFAULT_EVERY_WEEKS = 4
LABEL_MAX_CHARS = 120
PSFS_MAX_ACTIVITIES = 5


@dataclass(frozen=True)
class GasGoal:
    """One goal of a Goal Attainment Scaling review: its level (−2..+2) and weight."""

    goal: str
    level: int
    weight: float = 1.0
    goal_id: int | None = None  # the patient's Goal it stands for, if any


@dataclass(frozen=True)
class MeasureResult:
    """One questionnaire filled in on ``taken``.

    ``answers`` holds the item answers in order (None = not answered) for LEFS, QuickDASH, ODI and
    NPRS; ``copm`` the problems of a COPM; ``gas`` the goals of a GAS review. ``score`` (and, for the
    COPM, ``satisfaction``; ``score`` is then the performance score) is filled in by ``scored``.
    """

    instrument: str  # family key, one of FILLED_IN
    taken: date
    answers: tuple[float | None, ...] = ()
    copm: tuple[CopmProblem, ...] = ()
    gas: tuple[GasGoal, ...] = ()
    goal_id: int | None = None  # the goal this result is a measure of, if any
    score: float | None = None
    satisfaction: float | None = None  # COPM only
    id: int | None = None

    @property
    def score_keys(self) -> tuple[str, ...]:
        """The instrument keys of the scores this result gives (two for the COPM)."""
        return score_keys(self.instrument)

    def value(self, key: str) -> float | None:
        """The score for instrument key ``key`` (``COPM_satisfaction`` → ``satisfaction``)."""
        if key == "COPM_satisfaction":
            return self.satisfaction
        return self.score if key in self.score_keys else None


def score_keys(family: str) -> tuple[str, ...]:
    return tuple(k for k, inst in INSTRUMENTS.items() if inst.family == family)


def family_instrument(family: str) -> Instrument:
    """The (first) instrument of a family: its wording, items and licence note."""
    return INSTRUMENTS[score_keys(family)[0]]


def _label_problem(field: str, label: str, text: str) -> Problem | None:
    if not text.strip():
        return Problem(field, f"{label} needs a name.")
    if len(text) > LABEL_MAX_CHARS:
        return Problem(field, f"{label} must be at most {LABEL_MAX_CHARS} characters (got {len(text)}).")
    return None


def scored(result: MeasureResult) -> MeasureResult:
    """``result`` with its score computed as published; InvalidInput names every wrong answer."""
    family = result.instrument
    if family not in FILLED_IN:
        known = ", ".join(FILLED_IN)
        hint = " (the PSFS comes from the weekly activity ratings)" if family == "PSFS" else ""
        raise InvalidInput(
            [
                Problem(
                    "instrument",
                    f"{family!r} is not a questionnaire to fill in{hint}; choose one of {known}.",
                )
            ]
        )
    if family == "COPM":
        found = [
            _label_problem(f"COPM/{i}/name", f"COPM problem {i}", p.name)
            for i, p in enumerate(result.copm, start=1)
        ]
        problems = [p for p in found if p is not None]
        try:
            scores = copm(result.copm)
        except InvalidInput as exc:
            problems.extend(exc.problems)
        if problems:
            raise InvalidInput(problems)
        return replace(result, answers=(), gas=(), score=scores.performance, satisfaction=scores.satisfaction)
    if family == "GAS":
        labels = [
            _label_problem(f"GAS/{i}/name", f"GAS goal {i}", g.goal)
            for i, g in enumerate(result.gas, start=1)
        ]
        problems = [p for p in labels if p is not None]
        try:
            t_score = gas([g.level for g in result.gas], [g.weight for g in result.gas])
        except InvalidInput as exc:
            problems.extend(exc.problems)
        if problems:
            raise InvalidInput(problems)
        return replace(result, answers=(), copm=(), score=t_score, satisfaction=None)
    value = score(family, list(result.answers))
    return replace(result, copm=(), gas=(), score=value, satisfaction=None)


def measure_series(key: str, results: Iterable[MeasureResult]) -> Series:
    """Series ``measure/<KEY>`` from questionnaire results: one point per result, on the day taken.

    ``key`` may be the series key (``measure/LEFS``) or the instrument key (``LEFS``).
    """
    key = key if key.startswith(SERIES_PREFIX) else f"{SERIES_PREFIX}{key}"
    info = describe(key)
    inst_key = key[len(SERIES_PREFIX) :]
    points = []
    for r in sorted(results, key=lambda r: (r.taken, r.id or 0)):
        value = r.value(inst_key)
        if value is not None:
            points.append(Point(r.taken, float(value)))
    return Series(key, info.label, info.unit, info.lower_is_better, tuple(points))


# PSFS from the check-in -----------------------------------------------------------------------


def psfs_ratings(entry: WeeklyEntry, activities: Sequence[Activity]) -> list[float]:
    """The entry's ratings of the patient's current activities (at most five, in their order)."""
    by_id = {r.activity_id: r.rating for r in entry.activities}
    current = [a for a in activities if not a.archived and a.id in by_id]
    return [float(by_id[a.id]) for a in current[:PSFS_MAX_ACTIVITIES] if a.id is not None]


def psfs_from_entries(
    entries: Sequence[WeeklyEntry], activities: Sequence[Activity]
) -> tuple[date, float] | None:
    """(week, PSFS score) from the latest check-in with activity ratings; None when there is none."""
    for entry in sorted(entries, key=lambda e: e.week, reverse=True):
        ratings = psfs_ratings(entry, activities)
        if ratings:
            return entry.week, score("PSFS", ratings)
    return None


def psfs_series(entries: Sequence[WeeklyEntry], activities: Sequence[Activity]) -> Series:
    """``measure/PSFS``: the mean activity rating of every check-in that rated an activity."""
    info = describe(f"{SERIES_PREFIX}PSFS")
    points = []
    for entry in sorted(entries, key=lambda e: e.week):
        ratings = psfs_ratings(entry, activities)
        if ratings:
            points.append(Point(entry.week, score("PSFS", ratings)))
    return Series(info.key, info.label, info.unit, info.lower_is_better, tuple(points))


# What is due --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    family: str
    last_taken: date | None
    next_due: date

    def is_due(self, today: date) -> bool:
        return self.next_due <= today


def due(results: Sequence[MeasureResult], today: date, every_weeks: int = DEFAULT_EVERY_WEEKS) -> list[Due]:
    """For every questionnaire the patient uses (has filled in before): when it is next due.

    Due ``every_weeks`` after it was last filled in; soonest first.
    """
    last: dict[str, date] = {}
    for r in results:
        if r.instrument not in last or r.taken > last[r.instrument]:
            last[r.instrument] = r.taken
    found = [Due(f, day, day + timedelta(weeks=every_weeks)) for f, day in last.items()]
    return sorted(found, key=lambda d: (d.next_due, FAMILIES.index(d.family) if d.family in FAMILIES else 99))


# Words -----------------------------------------------------------------------------------------


def answer_choices(inst: Instrument) -> list[tuple[int, str]]:
    """Each allowed answer with its published anchor wording where the scale gives one.

    "0 = extreme difficulty…, 1 = quite a bit of difficulty…" gives every value its words; "1 (no
    difficulty) to 5 (unable)" gives the two ends. Other values get their number only.
    """
    wording = inst.answer_wording
    found: dict[int, str] = {}
    for number, text in re.findall(r"([+-]?\d+) = ([^,;]+)", wording):
        found[int(number)] = text.strip().rstrip(".")
    if not found:
        for number, text in re.findall(r"([+-]?\d+) \(([^)]*)\)", wording):
            found[int(number)] = text.strip()
    low, high = int(inst.answer_low), int(inst.answer_high)
    return [(v, found.get(v, "")) for v in range(low, high + 1)]


def score_text(key: str, value: float) -> str:
    """A score as a patient reads it: "52/80", "20.5/100", "T-score 57.3"."""
    inst = instrument(key)
    whole = inst.key == "LEFS"
    number = format_value(value, "", whole)
    if inst.key == "GAS":
        return number
    return f"{number}/{exact(inst.high)}"


def day_text(day: date, today: date | None = None) -> str:
    """'2 Jun' in the year of ``today``, '2 Jun 2025' otherwise."""
    if today is not None and day.year == today.year:
        return f"{day.day} {day:%b}"
    return f"{day.day} {day:%b %Y}"


def previous_result(
    key: str, results: Sequence[MeasureResult], result: MeasureResult
) -> MeasureResult | None:
    """The latest result of the same instrument before ``result`` with a ``key`` score; None if none."""
    here = (result.taken, result.id if result.id is not None else 1 << 62)
    earlier = [
        r
        for r in results
        if r is not result
        and (r.id is None or r.id != result.id)
        and r.instrument == result.instrument
        and (r.taken, r.id or 0) < here
        and r.value(key) is not None
    ]
    return max(earlier, key=lambda r: (r.taken, r.id or 0), default=None)


def change_since(key: str, results: Sequence[MeasureResult], result: MeasureResult) -> Change | None:
    """The change from the result before ``result`` (of the same instrument) to it; None for the first."""
    before = previous_result(key, results, result)
    value = result.value(key)
    if before is None or value is None:
        return None
    previous = before.value(key)
    assert previous is not None
    return classify(key, previous, value)


def _moved(change: Change) -> str:
    if change.delta == 0:
        return "no change"
    word = "up" if change.delta > 0 else "down"
    return f"{word} {format_value(abs(change.delta), '', False)}"


def _judgement(change: Change) -> str:
    t = change.threshold
    if not change.meaningful:
        return f"within normal variation, less than {t.phrase()}"
    how = "more than" if abs(change.delta) > t.value else "as large as"
    return f"{change.direction}, {how} {t.phrase()}"


def score_message(result: MeasureResult, results: Sequence[MeasureResult], today: date | None = None) -> str:
    """What a saved score means, e.g. "LEFS 52/80 — up 14 since 2 Jun: improved, more than the 9-point
    meaningful change". ``results`` are the patient's results (``result`` among them or not)."""
    parts = []
    for key in result.score_keys:
        value = result.value(key)
        if value is None:
            continue
        inst = instrument(key)
        name = inst.name if inst.family in ("COPM", "GAS") else inst.short_name
        text = f"{name} {score_text(key, value)}"
        if inst.lower_is_better:
            text += " (lower is better)"
        change = change_since(key, results, result)
        before = previous_result(key, results, result)
        if change is None or before is None:
            text += f" — the first {name} score; the next one will be compared with it"
        else:
            text += f" — {_moved(change)} since {day_text(before.taken, today)}: {_judgement(change)}"
        parts.append(text)
    return ". ".join(parts) + "."


@dataclass(frozen=True)
class OverallChange:
    """First against latest score of one instrument key, for the report and the history."""

    key: str
    name: str
    first: MeasureResult
    latest: MeasureResult
    change: Change | None  # None with a single score

    @property
    def meaningful_text(self) -> str:
        if self.change is None:
            return "meaningful change: not yet (one score)"
        return f"meaningful change: {'yes' if self.change.meaningful else 'no'}"


def overall_changes(results: Sequence[MeasureResult]) -> list[OverallChange]:
    """For every instrument key with results: first vs latest, in FAMILIES order."""
    found = []
    for family in FAMILIES:
        mine = sorted((r for r in results if r.instrument == family), key=lambda r: (r.taken, r.id or 0))
        for key in score_keys(family):
            with_value = [r for r in mine if r.value(key) is not None]
            if not with_value:
                continue
            first, latest = with_value[0], with_value[-1]
            change = None
            if len(with_value) > 1:
                a, b = first.value(key), latest.value(key)
                assert a is not None and b is not None
                change = classify(key, a, b)
            found.append(OverallChange(key, instrument(key).name, first, latest, change))
    return found


def any_series(
    key: str,
    entries: Sequence[WeeklyEntry],
    activities: Sequence[Activity] = (),
    results: Iterable[MeasureResult] = (),
) -> Series:
    """Series ``key`` from wherever it lives: weekly check-ins, or questionnaire results (PSFS from both)."""
    if key == f"{SERIES_PREFIX}PSFS":
        return psfs_series(entries, activities)
    if key.startswith(SERIES_PREFIX):
        return measure_series(key, results)
    return series_for(key, entries, activities)


def measure_keys(
    entries: Sequence[WeeklyEntry], activities: Sequence[Activity], results: Iterable[MeasureResult]
) -> list[str]:
    """Every questionnaire series with at least one score: PSFS (from the check-ins), then each instrument."""
    found = [f"{SERIES_PREFIX}PSFS"] if psfs_series(entries, activities).points else []
    for key in INSTRUMENTS:
        series_key = f"{SERIES_PREFIX}{key}"
        if series_key not in found and measure_series(series_key, results).points:
            found.append(series_key)
    return found
