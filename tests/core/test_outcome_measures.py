"""Outcome measures: worked examples from the published formulas, validation, and score ranges."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.instruments import INSTRUMENTS, instrument_for_series
from rehabtrack.core.measures import (
    CopmProblem,
    copm,
    copm_change,
    gas,
    lefs,
    nprs,
    odi,
    psfs,
    quickdash,
    score,
)
from rehabtrack.core.model import Discipline
from rehabtrack.core.resources import load_json
from rehabtrack.core.validation import InvalidInput

# --- QuickDASH: ((sum / n) − 1) × 25, n = items answered, n >= 10 of 11 ---------------------------


def test_quickdash_ten_of_eleven_answered_scores() -> None:
    # Answered: 1+2+3+4+5+1+2+3+4+5 = 30 over n = 10 → mean 3.0 → (3.0 − 1) × 25 = 50.0
    assert quickdash([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, None]) == 50.0


def test_quickdash_nine_of_eleven_does_not() -> None:
    with pytest.raises(InvalidInput) as caught:
        quickdash([2, 2, 2, None, 2, 2, 2, 2, None, 2, 2])
    assert "at least 10 of 11 items answered (got 9)" in str(caught.value)


def test_quickdash_all_answered() -> None:
    # Ten 2s and one 3: sum 23, mean 23/11 → (23/11 − 1) × 25 = 12/11 × 25 = 300/11 ≈ 27.27
    assert quickdash([2] * 10 + [3]) == pytest.approx(300 / 11)
    assert quickdash([1] * 11) == 0.0  # no disability
    assert quickdash([5] * 11) == 100.0  # most severe


def test_quickdash_out_of_range_names_item_and_range() -> None:
    with pytest.raises(InvalidInput) as caught:
        quickdash([1] * 10 + [6])
    (problem,) = caught.value.problems
    assert problem.field == "QuickDASH/11"
    assert problem.message == "QuickDASH item 11 must be from 1 to 5 (got 6)."


def test_quickdash_wrong_length() -> None:
    with pytest.raises(InvalidInput, match="QuickDASH has 11 items"):
        quickdash([1] * 10)


# --- GAS: T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²), ρ = 0.3 ----------------------------------------


def test_gas_all_expected_is_fifty_exactly() -> None:
    assert gas([0, 0, 0]) == 50.0
    assert gas([0, 0, 0, 0], [1, 2, 3, 4]) == 50.0


def test_gas_unweighted_hand_computed() -> None:
    # x = (+1, +1, 0), w = 1: Σwx = 2; Σw² = 3; (Σw)² = 9
    # denominator = √(0.7·3 + 0.3·9) = √(2.1 + 2.7) = √4.8 ≈ 2.190890
    # T = 50 + 10·2/2.190890 = 50 + 9.128709 = 59.128709
    assert gas([1, 1, 0]) == pytest.approx(59.128709, abs=1e-6)
    # One goal: denominator = √(0.7 + 0.3) = 1, so T = 50 + 10x.
    assert gas([2]) == pytest.approx(70.0)
    assert gas([-2]) == pytest.approx(30.0)
    # Balanced goals cancel: (+1, −1) → Σwx = 0 → 50.
    assert gas([1, -1]) == 50.0


def test_gas_weighted_hand_computed() -> None:
    # x = (+1, −1, +2), w = (1, 2, 3): Σwx = 1 − 2 + 6 = 5; Σw² = 1 + 4 + 9 = 14; Σw = 6 → (Σw)² = 36
    # denominator = √(0.7·14 + 0.3·36) = √(9.8 + 10.8) = √20.6 ≈ 4.538722
    # T = 50 + 10·5/4.538722 = 50 + 11.016316 = 61.016316
    assert gas([1, -1, 2], [1, 2, 3]) == pytest.approx(61.016316, abs=1e-6)
    assert score("GAS", [1, -1, 2], weights=[1, 2, 3]) == pytest.approx(61.016316, abs=1e-6)


def test_gas_validation() -> None:
    with pytest.raises(InvalidInput, match="GAS goal 2 must be from \u22122 to 2 \\(got 3\\)"):
        gas([0, 3])
    with pytest.raises(InvalidInput, match="GAS goal 2 must be a whole number"):
        gas([0, 0.5])
    with pytest.raises(InvalidInput, match="weight must be a number above 0"):
        gas([0, 1], [1, 0])
    with pytest.raises(InvalidInput, match="one weight per goal"):
        gas([0, 1], [1])
    with pytest.raises(InvalidInput, match="every goal scored"):
        gas([0, None])
    with pytest.raises(InvalidInput, match="does not use weights"):
        score("LEFS", [4] * 20, weights=[1] * 20)


# --- LEFS: sum of 20 items, 0–4 each -------------------------------------------------------------


def test_lefs_hand_computed() -> None:
    # Ten 4s, five 3s, five 2s: 40 + 15 + 10 = 65 of 80
    assert lefs([4] * 10 + [3] * 5 + [2] * 5) == 65
    assert lefs([0] * 20) == 0
    assert lefs([4] * 20) == 80


def test_lefs_requires_all_twenty() -> None:
    with pytest.raises(InvalidInput, match="all 20 items answered \\(got 19\\)"):
        lefs([4] * 19 + [None])


def test_lefs_out_of_range() -> None:
    with pytest.raises(InvalidInput) as caught:
        lefs([4] * 19 + [5])
    assert caught.value.problems[0].message == "LEFS item 20 must be from 0 to 4 (got 5)."


# --- ODI: sum / (5 × sections answered) × 100 ------------------------------------------------------


def test_odi_all_sections() -> None:
    # Ten sections of 2: 20 / (5 × 10) × 100 = 40 %
    assert odi([2] * 10) == 40.0


def test_odi_with_a_missing_section() -> None:
    # Section 4 missing: 1+2+3+0+1+2+3+4+5 = 21 over 9 sections → 21 / 45 × 100 = 46.67 %
    assert odi([1, 2, 3, None, 0, 1, 2, 3, 4, 5]) == pytest.approx(46.666667, abs=1e-6)


def test_odi_two_missing_sections_are_too_many() -> None:
    with pytest.raises(InvalidInput, match="at least 9 of 10 sections answered \\(got 8\\)"):
        odi([1] * 8 + [None, None])


# --- PSFS, COPM, NPRS ------------------------------------------------------------------------------


def test_psfs_mean() -> None:
    # (3 + 5 + 7) / 3 = 5
    assert psfs([3, 5, 7]) == 5.0
    assert psfs([2, 3, 4, 5, 6]) == 4.0
    with pytest.raises(InvalidInput, match="PSFS has 1 to 5 activities \\(got 6\\)"):
        psfs([5] * 6)
    with pytest.raises(InvalidInput, match="PSFS activity 2 must be from 0 to 10 \\(got 11\\)"):
        psfs([5, 11])
    with pytest.raises(InvalidInput, match="every listed activity rated"):
        psfs([5, None])


def test_copm_scores_and_change() -> None:
    initial = copm(
        [
            CopmProblem("Dressing", importance=9, performance=3, satisfaction=2),
            CopmProblem("Cooking", importance=8, performance=4, satisfaction=3),
            CopmProblem("Gardening", importance=6, performance=2, satisfaction=2),
        ]
    )
    # Performance (3 + 4 + 2) / 3 = 3.0; satisfaction (2 + 3 + 2) / 3 = 7/3
    assert initial.performance == 3.0
    assert initial.satisfaction == pytest.approx(7 / 3)
    again = copm(
        [
            CopmProblem("Dressing", importance=9, performance=6, satisfaction=4),
            CopmProblem("Cooking", importance=8, performance=7, satisfaction=4),
            CopmProblem("Gardening", importance=6, performance=5, satisfaction=3),
        ]
    )
    # Performance 18/3 = 6.0; satisfaction 11/3
    change = copm_change(initial, again)
    # Performance change 6.0 − 3.0 = +3.0 ≥ 2: meaningful improvement
    assert change.performance.delta == 3.0
    assert change.performance.direction == "improved"
    # Satisfaction change 11/3 − 7/3 = 4/3 ≈ +1.33 < 2: within normal variation
    assert change.satisfaction.delta == pytest.approx(4 / 3)
    assert change.satisfaction.direction == "within normal variation"
    assert score("COPM_performance", [3, 4, 2]) == 3.0


def test_copm_validation() -> None:
    with pytest.raises(InvalidInput) as caught:
        copm([CopmProblem("Dressing", importance=0, performance=3, satisfaction=11)])
    fields = {p.field for p in caught.value.problems}
    assert fields == {"COPM/1/importance", "COPM/1/satisfaction"}
    with pytest.raises(InvalidInput, match="COPM has 1 to 5 problems \\(got 6\\)"):
        copm([CopmProblem("x", 5, 5, 5)] * 6)


def test_nprs() -> None:
    assert nprs(7) == 7.0
    assert score("NPRS", [3]) == 3.0
    with pytest.raises(InvalidInput, match="NPRS rating must be from 0 to 10 \\(got 12\\)"):
        nprs(12)
    with pytest.raises(InvalidInput, match="NPRS rating must be a number from 0 to 10"):
        nprs(float("nan"))


# --- registry --------------------------------------------------------------------------------------


def test_registry() -> None:
    assert set(INSTRUMENTS) == {
        "PSFS",
        "COPM_performance",
        "COPM_satisfaction",
        "GAS",
        "LEFS",
        "QuickDASH",
        "ODI",
        "NPRS",
    }
    for key in ("QuickDASH", "ODI", "NPRS"):
        assert INSTRUMENTS[key].lower_is_better
    for key in ("PSFS", "COPM_performance", "COPM_satisfaction", "GAS", "LEFS"):
        assert not INSTRUMENTS[key].lower_is_better
    assert INSTRUMENTS["COPM_performance"].disciplines == (Discipline.OT,)
    assert INSTRUMENTS["LEFS"].series_key == "measure/LEFS"
    assert instrument_for_series("measure/ODI") is INSTRUMENTS["ODI"]
    assert instrument_for_series("pain") is None
    with pytest.raises(KeyError):
        score("SF-36", [1])


def test_falling_disability_score_is_an_improvement() -> None:
    from rehabtrack.core.measures import classify

    assert classify("QuickDASH", 50, 30).direction == "improved"
    assert classify("ODI", 40, 28).direction == "improved"
    assert classify("LEFS", 40, 52).direction == "improved"
    assert classify("ODI", 28, 40).direction == "worse"


def test_copyrighted_items_are_placeholders() -> None:
    for family in ("LEFS", "QuickDASH", "ODI", "COPM"):
        data = load_json("measures", f"{family}.json")
        assert "copyright" in data["licence_note"].lower()
        for i, text in enumerate(data["items"]["text"], start=1):
            assert text.endswith(f" {i}"), text  # "Item 1", "Section 1", "Problem 1"
    for family in ("LEFS", "QuickDASH", "ODI"):
        data = load_json("measures", f"{family}.json")
        assert "entered by your clinic" in data["licence_note"]


def test_every_instrument_file_is_complete() -> None:
    for inst in INSTRUMENTS.values():
        assert inst.name and inst.source and inst.licence_note and inst.scoring and inst.answer_wording
        assert inst.low < inst.high
        assert len(inst.items) == inst.max_items


# --- properties: every valid answer set scores inside the published range ---------------------------


def _answers(low: int, high: int, n: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(low, high), min_size=n, max_size=n)


@given(_answers(0, 4, 20))
def test_lefs_in_range(answers: list[int]) -> None:
    assert 0 <= lefs(answers) <= 80


@given(_answers(1, 5, 11), st.integers(0, 11))
def test_quickdash_in_range(answers: list[float | None], skip: int) -> None:
    if skip < 11:
        answers = list(answers)
        answers[skip] = None
    assert 0 <= quickdash(answers) <= 100


@given(_answers(0, 5, 10), st.integers(0, 10))
def test_odi_in_range(answers: list[float | None], skip: int) -> None:
    if skip < 10:
        answers = list(answers)
        answers[skip] = None
    assert 0 <= odi(answers) <= 100


@given(st.lists(st.integers(0, 10), min_size=1, max_size=5))
def test_psfs_in_range(ratings: list[int]) -> None:
    assert 0 <= psfs(ratings) <= 10


@given(
    st.lists(
        st.tuples(st.integers(-2, 2), st.floats(0.01, 100, allow_nan=False)),
        min_size=1,
        max_size=10,
    )
)
def test_gas_in_range(goals: list[tuple[int, float]]) -> None:
    scores = [x for x, _ in goals]
    weights = [w for _, w in goals]
    inst = INSTRUMENTS["GAS"]
    for t in (gas(scores), gas(scores, weights)):
        assert math.isfinite(t)
        assert inst.low <= t <= inst.high
    # The T-score moves with the goals: all above expected → above 50, all below → below 50.
    if all(x > 0 for x in scores):
        assert gas(scores, weights) > 50
    if all(x < 0 for x in scores):
        assert gas(scores, weights) < 50
