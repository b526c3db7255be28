"""Standard outcome measures: what each instrument is, and its score exactly as published.

Each instrument is described by one JSON file in ``resources/measures/`` (read by ``core.instruments``:
name, disciplines, items, answer scale, scoring rule, threshold with its source, licence note); the
arithmetic lives here. Item wording
is shipped only where its licence allows: the LEFS, QuickDASH, ODI and COPM texts are copyrighted,
so their items are placeholders ("Item 1") for the clinic to fill in from its licensed copy.

Answers are given in item order; ``None`` marks an unanswered item. Every scoring function raises
``InvalidInput`` naming the item and the allowed range for an out-of-range answer, and says plainly
when too few items were answered to give a score.

A score is stored as series ``measure/<KEY>`` (``measure/LEFS``) so it can be charted, followed by
a goal and judged with ``meaningful_change`` like any weekly marker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rehabtrack.core.instruments import INSTRUMENTS, Instrument, instrument
from rehabtrack.core.meaningful_change import Change, classify_change
from rehabtrack.core.validation import InvalidInput, Problem, range_problem

# Goal Attainment Scaling: the assumed correlation between goal scores (Kiresuk & Sherman 1968).
GAS_RHO = 0.3


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _answered(inst: Instrument, answers: Sequence[float | None], what: str = "") -> list[float]:
    """The answered values, in order; raises InvalidInput naming every bad or missing answer."""
    problems: list[Problem] = []
    name = inst.short_name
    count = len(answers)
    if not inst.min_items <= count <= inst.max_items:
        if inst.min_items == inst.max_items:
            expected = f"{inst.max_items} {_plural(inst.item_word)}"
        else:
            expected = f"{inst.min_items} to {inst.max_items} {_plural(inst.item_word)}"
        raise InvalidInput([Problem(inst.key, f"{name} has {expected} (got {count}).")])
    values: list[float] = []
    for i, value in enumerate(answers, start=1):
        field = f"{inst.key}/{i}"
        number = f" {i}" if inst.max_items > 1 else ""
        label = f"{name} {inst.item_word}{number}{what}"
        if value is None:
            continue
        if not _is_number(value):
            problems.append(Problem(field, f"{label} must be a number (got {value!r})."))
            continue
        problem = range_problem(field, label, float(value), inst.answer_low, inst.answer_high, whole=True)
        if problem is not None:
            problems.append(problem)
            continue
        values.append(float(value))
    if problems:
        raise InvalidInput(problems)
    if len(values) < inst.min_answered:
        if inst.min_answered == count:
            need = f"all {count} {_plural(inst.item_word)} answered"
        else:
            need = f"at least {inst.min_answered} of {count} {_plural(inst.item_word)} answered"
        raise InvalidInput(
            [Problem(inst.key, f"{name} needs {need} (got {len(values)}); no score can be calculated.")]
        )
    return values


def psfs(ratings: Sequence[float | None]) -> float:
    """Patient-Specific Functional Scale: mean of 1–5 activity ratings, each 0–10 (Stratford 1995)."""
    values = _answered(INSTRUMENTS["PSFS"], ratings)
    if len(values) != len(ratings):
        raise InvalidInput([Problem("PSFS", "PSFS needs every listed activity rated.")])
    return sum(values) / len(values)


@dataclass(frozen=True)
class CopmProblem:
    """One occupational performance problem, rated 1–10 by the patient."""

    name: str
    importance: float
    performance: float
    satisfaction: float


@dataclass(frozen=True)
class CopmScores:
    performance: float
    satisfaction: float


@dataclass(frozen=True)
class CopmChange:
    performance: Change
    satisfaction: Change


def copm(problems: Sequence[CopmProblem]) -> CopmScores:
    """COPM scores: mean performance and mean satisfaction over up to five problems (each 1–10).

    Importance is validated but is not part of either score: it is used to choose the problems.
    """
    perf = INSTRUMENTS["COPM_performance"]
    found: list[Problem] = []
    if not perf.min_items <= len(problems) <= perf.max_items:
        found.append(
            Problem(
                perf.key, f"COPM has {perf.min_items} to {perf.max_items} problems (got {len(problems)})."
            )
        )
        raise InvalidInput(found)
    for i, p in enumerate(problems, start=1):
        for part in ("importance", "performance", "satisfaction"):
            value = getattr(p, part)
            field = f"COPM/{i}/{part}"
            label = f"COPM problem {i} {part}"
            if not _is_number(value):
                found.append(Problem(field, f"{label} must be a number (got {value!r})."))
                continue
            problem = range_problem(field, label, float(value), perf.answer_low, perf.answer_high, whole=True)
            if problem is not None:
                found.append(problem)
    if found:
        raise InvalidInput(found)
    n = len(problems)
    return CopmScores(
        performance=sum(p.performance for p in problems) / n,
        satisfaction=sum(p.satisfaction for p in problems) / n,
    )


def copm_change(initial: CopmScores, reassessment: CopmScores) -> CopmChange:
    """Reassessment − initial for both COPM scores; meaningful at 2 points or more."""
    return CopmChange(
        performance=classify("COPM_performance", initial.performance, reassessment.performance),
        satisfaction=classify("COPM_satisfaction", initial.satisfaction, reassessment.satisfaction),
    )


def gas(
    scores: Sequence[float | None], weights: Sequence[float] | None = None, rho: float = GAS_RHO
) -> float:
    """Goal Attainment Scaling T-score (Kiresuk & Sherman 1968).

    T = 50 + 10·Σwᵢxᵢ / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²), with xᵢ the attainment (−2..+2) of each goal,
    wᵢ its weight (default 1) and ρ = 0.3. Every goal must be scored.
    """
    inst = INSTRUMENTS["GAS"]
    values = _answered(inst, scores)
    if len(values) != len(scores):
        missing = [str(i) for i, s in enumerate(scores, start=1) if s is None]
        raise InvalidInput(
            [Problem(inst.key, f"GAS needs every goal scored (goal {', '.join(missing)} not scored).")]
        )
    if weights is None:
        w = [1.0] * len(values)
    else:
        if len(weights) != len(values):
            raise InvalidInput(
                [
                    Problem(
                        f"{inst.key}/weights",
                        f"GAS needs one weight per goal ({len(values)}, got {len(weights)}).",
                    )
                ]
            )
        problems = [
            Problem(f"{inst.key}/{i}/weight", f"GAS goal {i} weight must be a number above 0 (got {wt!r}).")
            for i, wt in enumerate(weights, start=1)
            if not _is_number(wt) or not math.isfinite(wt) or wt <= 0
        ]
        if problems:
            raise InvalidInput(problems)
        w = [float(x) for x in weights]
    weighted = sum(wi * xi for wi, xi in zip(w, values, strict=True))
    spread = math.sqrt((1 - rho) * sum(wi * wi for wi in w) + rho * sum(w) ** 2)
    return 50.0 + 10.0 * weighted / spread


def gas_range(weights: Sequence[float]) -> tuple[float, float]:
    """The lowest and highest T-score these goal weights allow (every goal at −2, every goal at +2).

    The instrument's 17.1–82.9 holds for one particular set of weights only; the range a patient's
    score can take depends on how many goals there are and how they are weighted.
    """
    return gas([-2] * len(weights), weights), gas([2] * len(weights), weights)


def lefs(answers: Sequence[float | None]) -> float:
    """Lower Extremity Functional Scale: sum of 20 items, each 0–4 (0–80, higher is better).

    All 20 items are required: Binkley et al. (1999) give no rule for missing items, so RehabTrack
    does not invent one.
    """
    return sum(_answered(INSTRUMENTS["LEFS"], answers))


def quickdash(answers: Sequence[float | None]) -> float:
    """QuickDASH: ((sum / n) − 1) × 25 over the n answered of 11 items (each 1–5); n must be ≥ 10.

    0 = no disability, 100 = most severe disability (higher is worse).
    """
    values = _answered(INSTRUMENTS["QuickDASH"], answers)
    return (sum(values) / len(values) - 1.0) * 25.0


def odi(answers: Sequence[float | None]) -> float:
    """Oswestry Disability Index: sum / (5 × sections answered) × 100 over 10 sections, each 0–5.

    At most one section may be missing (the case Fairbank & Pynsent's instructions describe).
    0–100, higher is worse.
    """
    values = _answered(INSTRUMENTS["ODI"], answers)
    return sum(values) / (5.0 * len(values)) * 100.0


def nprs(rating: float | None) -> float:
    """Numeric Pain Rating Scale: one rating 0–10 (lower is better)."""
    return _answered(INSTRUMENTS["NPRS"], [rating])[0]


def score(
    instrument_key: str, answers: Sequence[float | None], weights: Sequence[float] | None = None
) -> float:
    """The score of any registered instrument from its answers in item order.

    For the COPM, ``answers`` are the performance (``COPM_performance``) or satisfaction
    (``COPM_satisfaction``) ratings of each problem; ``weights`` apply to GAS only.
    """
    inst = instrument(instrument_key)
    if weights is not None and inst.key != "GAS":
        raise InvalidInput([Problem(f"{inst.key}/weights", f"{inst.short_name} does not use weights.")])
    if inst.key == "GAS":
        return gas(answers, weights)
    if inst.family == "COPM":
        values = _answered(inst, answers, f" {inst.key.split('_', 1)[1]}")
        if len(values) != len(answers):
            raise InvalidInput([Problem(inst.key, "COPM needs every problem rated.")])
        return sum(values) / len(values)
    scorers = {"PSFS": psfs, "LEFS": lefs, "QuickDASH": quickdash, "ODI": odi}
    if inst.key == "NPRS":
        if len(answers) != 1:
            raise InvalidInput([Problem(inst.key, f"NPRS has 1 rating (got {len(answers)}).")])
        return nprs(answers[0])
    return scorers[inst.key](answers)


def classify(instrument_key: str, before: float, after: float) -> Change:
    """The change between two scores of one instrument, judged against its MCID and direction."""
    inst = instrument(instrument_key)
    return classify_change(inst.series_key, before, after, inst.lower_is_better, inst.name)
