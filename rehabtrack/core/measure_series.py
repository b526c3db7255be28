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

from rehabtrack.core.instruments import INSTRUMENTS, SERIES_PREFIX, Instrument, instrument
from rehabtrack.core.meaningful_change import Change, classify_change, threshold_for
from rehabtrack.core.measures import CopmProblem, classify, copm, gas, gas_range, score
from rehabtrack.core.model import Activity, WeeklyEntry
from rehabtrack.core.numbers import exact, plain, shown_change
from rehabtrack.core.series import Point, Series, describe, series_for
from rehabtrack.core.validation import InvalidInput, Problem

# Questionnaires a patient fills in (the PSFS comes from the check-in's activity ratings instead).
FILLED_IN: tuple[str, ...] = ("LEFS", "QuickDASH", "ODI", "NPRS", "COPM", "GAS")
FAMILIES: tuple[str, ...] = ("PSFS", *FILLED_IN)
DEFAULT_EVERY_WEEKS = 4
LABEL_MAX_CHARS = 120


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
    """The entry's ratings of every activity rated that week, in the patient's order of activities.

    Archived activities count for the weeks they were rated in, so archiving one never rewrites a past
    PSFS score; and every rated activity counts, not only the first five.
    """
    return list(_psfs_by_activity(entry, activities).values())


def _psfs_by_activity(entry: WeeklyEntry, activities: Sequence[Activity]) -> dict[int, float]:
    by_id = {r.activity_id: float(r.rating) for r in entry.activities}
    order = [a.id for a in activities if a.id is not None and a.id in by_id]
    order += [i for i in by_id if i not in order]
    return {i: by_id[i] for i in order}


def _psfs_mean(ratings: Sequence[float]) -> float:
    return sum(ratings) / len(ratings)


def psfs_from_entries(
    entries: Sequence[WeeklyEntry], activities: Sequence[Activity]
) -> tuple[date, float] | None:
    """(week, PSFS score) from the latest check-in with activity ratings; None when there is none."""
    for entry in sorted(entries, key=lambda e: e.week, reverse=True):
        ratings = psfs_ratings(entry, activities)
        if ratings:
            return entry.week, _psfs_mean(ratings)
    return None


def psfs_series(entries: Sequence[WeeklyEntry], activities: Sequence[Activity]) -> Series:
    """``measure/PSFS``: the mean activity rating of every check-in that rated an activity.

    A chart of the mean; changes are judged with ``psfs_change``, over the activities rated both times.
    """
    info = describe(f"{SERIES_PREFIX}PSFS")
    points = []
    for entry in sorted(entries, key=lambda e: e.week):
        ratings = psfs_ratings(entry, activities)
        if ratings:
            points.append(Point(entry.week, _psfs_mean(ratings)))
    return Series(info.key, info.label, info.unit, info.lower_is_better, tuple(points))


@dataclass(frozen=True)
class PsfsChange:
    """The PSFS change between two check-ins, over the activities rated at both."""

    first: date
    last: date
    activities: int  # rated at both times
    change: Change | None  # None when no activity was rated at both times


def psfs_change(before: WeeklyEntry, after: WeeklyEntry, activities: Sequence[Activity] = ()) -> PsfsChange:
    """Mean rating of the activities rated at both check-ins, before → after.

    Activities added or dropped in between are left out, so three new activities rated 0 never read
    as "worse". Judged against Stratford's detectable change: 2 points for the mean of several
    activities, 3 points for a single activity.
    """
    a, b = _psfs_by_activity(before, activities), _psfs_by_activity(after, activities)
    common = [i for i in a if i in b]
    if not common:
        return PsfsChange(before.week, after.week, 0, None)
    key = f"{SERIES_PREFIX}PSFS"
    threshold = threshold_for("activity/1") if len(common) == 1 else threshold_for(key)
    change = classify_change(
        key,
        _psfs_mean([a[i] for i in common]),
        _psfs_mean([b[i] for i in common]),
        False,
        INSTRUMENTS["PSFS"].name,
        threshold=threshold,
    )
    return PsfsChange(before.week, after.week, len(common), change)


def psfs_overall(entries: Sequence[WeeklyEntry], activities: Sequence[Activity]) -> PsfsChange | None:
    """First against latest check-in with activity ratings; None with fewer than two such check-ins."""
    rated = sorted((e for e in entries if e.activities), key=lambda e: e.week)
    if len(rated) < 2:
        return None
    return psfs_change(rated[0], rated[-1], activities)


# GAS: like with like ------------------------------------------------------------------------------


def gas_goal_set(result: MeasureResult) -> tuple[tuple[str, float], ...]:
    """The goals (by goal, else by name) and weights a GAS review scored: T-scores compare only within one."""
    return tuple(
        sorted(
            (str(g.goal_id) if g.goal_id is not None else g.goal.strip().lower(), float(g.weight))
            for g in result.gas
        )
    )


def same_goal_set(a: MeasureResult, b: MeasureResult) -> bool:
    """Whether two results may be compared: always, except GAS reviews of different goals or weights."""
    if a.instrument != "GAS" or b.instrument != "GAS":
        return True
    return gas_goal_set(a) == gas_goal_set(b)


def score_range(result: MeasureResult, key: str) -> tuple[float, float]:
    """The range score ``key`` of ``result`` can take: for GAS, from the review's own weights."""
    if result.instrument == "GAS" and result.gas:
        return gas_range([g.weight for g in result.gas])
    inst = instrument(key)
    return inst.low, inst.high


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
    number = plain(value, score_decimals(key))
    if inst.key == "GAS":
        return number
    return f"{number}/{exact(inst.high)}"


def score_decimals(key: str) -> int:
    """Decimals a score is shown with: the LEFS is a whole number, the others one decimal."""
    return 0 if instrument(key).key == "LEFS" else 1


def score_change(key: str, change: Change) -> tuple[float, int]:
    """The change between two scores as the scores are shown (22.7 after 27.3 is −4.6, not the −4.5 of
    22.73 − 27.27), and its decimals (core.numbers.shown_change)."""
    return shown_change(change.before, change.after, change.threshold.value, score_decimals(key))


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
    if before is None or value is None or not same_goal_set(before, result):
        return None
    previous = before.value(key)
    assert previous is not None
    return classify(key, previous, value)


def _moved(key: str, change: Change) -> str:
    if change.delta == 0:
        return "no change"
    word = "up" if change.delta > 0 else "down"
    shown, decimals = score_change(key, change)
    return f"{word} {plain(abs(shown), decimals)}"


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
        if before is not None and not same_goal_set(before, result):
            text += (
                f" — the goal set changed since {day_text(before.taken, today)}, so the two T-scores "
                "are not compared"
            )
        elif change is None or before is None:
            text += f" — the first {name} score; the next one will be compared with it"
        else:
            text += f" — {_moved(key, change)} since {day_text(before.taken, today)}: {_judgement(change)}"
        parts.append(text)
    return ". ".join(parts) + "."


@dataclass(frozen=True)
class OverallChange:
    """First against latest score of one instrument key, for the report and the history."""

    key: str
    name: str
    first: MeasureResult
    latest: MeasureResult
    change: Change | None  # None with a single score, or when the GAS goal set changed
    goal_set_changed: bool = False  # GAS: earlier reviews scored other goals; ``first`` has the same ones

    @property
    def meaningful_text(self) -> str:
        if self.change is None and self.goal_set_changed:
            return "meaningful change: not compared (the goal set changed)"
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
            latest = with_value[-1]
            alike = [r for r in with_value if same_goal_set(r, latest)]
            first = alike[0]
            changed = len(alike) < len(with_value)
            change = None
            if first is not latest:
                a, b = first.value(key), latest.value(key)
                assert a is not None and b is not None
                change = classify(key, a, b)
            found.append(OverallChange(key, instrument(key).name, first, latest, change, changed))
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


def from_checkins(key: str) -> bool:
    """Whether series ``key`` is read from the weekly check-ins (so a saved week can change it)."""
    return key == f"{SERIES_PREFIX}PSFS" or not key.startswith(SERIES_PREFIX)


def measure_keys(
    entries: Sequence[WeeklyEntry],
    activities: Sequence[Activity],
    results: Iterable[MeasureResult],
    psfs: Series | None = None,  # the PSFS series of ``entries``, when the caller has it already
) -> list[str]:
    """Every questionnaire series with at least one score: PSFS (from the check-ins), then each instrument."""
    psfs = psfs if psfs is not None else psfs_series(entries, activities)
    found = [f"{SERIES_PREFIX}PSFS"] if psfs.points else []
    for key in INSTRUMENTS:
        series_key = f"{SERIES_PREFIX}{key}"
        if series_key not in found and measure_series(series_key, results).points:
            found.append(series_key)
    return found
