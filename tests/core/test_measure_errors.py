"""Every wrong questionnaire answer is named: the field the app puts the message beside, and the words."""

from __future__ import annotations

import math

import pytest

from rehabtrack.core.measures import CopmProblem, classify, copm, gas, instrument, psfs, score
from rehabtrack.core.validation import InvalidInput, Problem


def problems(call: object, *args: object, **kwargs: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    found: list[Problem] = list(caught.value.problems)
    return [(p.field, p.message) for p in found]


def test_an_unknown_instrument_lists_the_known_ones() -> None:
    with pytest.raises(KeyError) as caught:
        instrument("XYZ")
    assert str(caught.value) == (
        "\"unknown outcome measure 'XYZ' (known: COPM_performance, COPM_satisfaction, GAS, LEFS, NPRS, ODI, "
        'PSFS, QuickDASH)"'
    )


def test_item_count_and_missing_answers_name_the_instrument() -> None:
    assert problems(score, "LEFS", [1] * 19) == [("LEFS", "LEFS has 20 items (got 19).")]
    assert problems(score, "ODI", [1] * 8 + [None, None]) == [
        ("ODI", "ODI needs at least 9 of 10 sections answered (got 8); no score can be calculated.")
    ]


def test_every_wrong_answer_is_named_not_only_the_first() -> None:
    answers: list[object] = [1] * 20
    answers[2] = "x"
    answers[4] = 7
    answers[5] = "y"
    answers[9] = 9
    assert problems(score, "LEFS", answers) == [
        ("LEFS/3", "LEFS item 3 must be a number (got 'x')."),
        ("LEFS/5", "LEFS item 5 must be from 0 to 4 (got 7)."),
        ("LEFS/6", "LEFS item 6 must be a number (got 'y')."),
        ("LEFS/10", "LEFS item 10 must be from 0 to 4 (got 9)."),
    ]


def test_psfs_needs_every_listed_activity() -> None:
    assert problems(psfs, [3, None]) == [("PSFS", "PSFS needs every listed activity rated.")]
    assert score("PSFS", [3, 4]) == 3.5


def test_copm_ratings_through_the_registry() -> None:
    assert problems(score, "COPM_satisfaction", [3, 11]) == [
        ("COPM_satisfaction/2", "COPM problem 2 satisfaction must be from 1 to 10 (got 11).")
    ]
    assert problems(score, "COPM_performance", [3, None]) == [
        ("COPM_performance", "COPM needs every problem rated.")
    ]
    assert problems(score, "NPRS", [3, 4]) == [("NPRS", "NPRS has 1 rating (got 2).")]
    weighted = problems(score, "LEFS", [4] * 20, weights=[1] * 20)
    assert weighted == [("LEFS/weights", "LEFS does not use weights.")]


def test_copm_checks_every_part_of_a_problem() -> None:
    found = problems(copm, [CopmProblem("Dressing", 8, "five", 12)])  # type: ignore[arg-type]
    assert found == [
        ("COPM/1/performance", "COPM problem 1 performance must be a number (got 'five')."),
        ("COPM/1/satisfaction", "COPM problem 1 satisfaction must be from 1 to 10 (got 12)."),
    ]


def test_gas_names_the_goals_and_weights() -> None:
    assert problems(gas, [1, None, None]) == [("GAS", "GAS needs every goal scored (goal 2, 3 not scored).")]
    assert problems(gas, [1, 0], [1.0]) == [("GAS/weights", "GAS needs one weight per goal (2, got 1).")]
    assert problems(gas, [1, 0], [1.0, -2.0]) == [
        ("GAS/2/weight", "GAS goal 2 weight must be a number above 0 (got -2.0).")
    ]
    assert problems(gas, [1, 0], [math.inf, 1.0])[0][0] == "GAS/1/weight"
    assert problems(gas, [1, 0], [1.0, math.nan])[0][0] == "GAS/2/weight"


def test_classify_uses_the_instrument_name() -> None:
    change = classify("LEFS", 20, 40)
    assert change.label == instrument("LEFS").name == "LEFS" and change.improved
    assert classify("COPM_performance", 3, 5).label == "COPM performance"
