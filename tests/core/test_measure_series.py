"""Questionnaire results as series, their meaning in words, what is due, and the maintenance phase."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabtrack.core.maintenance import MaintenancePlan, recurrence_alerts, should_offer
from rehabtrack.core.measure_series import (
    GasGoal,
    MeasureResult,
    answer_choices,
    due,
    family_instrument,
    measure_series,
    overall_changes,
    psfs_from_entries,
    score_message,
    scored,
)
from rehabtrack.core.measures import CopmProblem, classify, gas, quickdash
from rehabtrack.core.model import Activity, ActivityRating, Discipline, WeeklyEntry
from rehabtrack.core.series import describe
from rehabtrack.core.validation import InvalidInput

DAY = date(2026, 6, 3)


def lefs(day: date, total: int) -> MeasureResult:
    answers = [4.0] * (total // 4) + ([float(total % 4)] if total % 4 else [])
    answers += [0.0] * (20 - len(answers))
    return scored(MeasureResult("LEFS", day, tuple(answers)))


def test_describe_knows_measure_keys_and_their_direction() -> None:
    assert describe("measure/LEFS").lower_is_better is False
    assert describe("measure/QuickDASH").lower_is_better is True
    assert describe("measure/ODI").lower_is_better is True
    assert (describe("measure/LEFS").low, describe("measure/LEFS").high) == (0, 80)
    with pytest.raises(KeyError):
        describe("measure/NOPE")


def test_measure_series_one_point_per_result_on_the_day_taken() -> None:
    results = [lefs(DAY + timedelta(weeks=4), 40), lefs(DAY, 30)]
    series = measure_series("measure/LEFS", results)
    assert series.values == [30.0, 40.0]
    assert series.weeks == [DAY, DAY + timedelta(weeks=4)]
    assert measure_series("LEFS", results) == series
    quick = scored(MeasureResult("QuickDASH", DAY, (3.0,) * 10 + (None,)))
    assert measure_series("measure/QuickDASH", [quick]).lower_is_better is True
    assert measure_series("measure/QuickDASH", [quick]).values == [quickdash([3.0] * 10 + [None])]


def test_copm_gives_two_series_and_gas_uses_weights() -> None:
    problems = (CopmProblem("Dress", 9, 3, 4), CopmProblem("Cook", 7, 5, 4))
    copm = scored(MeasureResult("COPM", DAY, copm=problems))
    assert (copm.score, copm.satisfaction) == (4.0, 4.0)
    assert measure_series("measure/COPM_satisfaction", [copm]).values == [4.0]
    goals = (GasGoal("Walk", 1, 2.0), GasGoal("Cook", -1, 1.0))
    assert scored(MeasureResult("GAS", DAY, gas=goals)).score == pytest.approx(gas([1, -1], [2.0, 1.0]))


def test_bad_answers_name_the_item_and_range() -> None:
    with pytest.raises(InvalidInput) as caught:
        scored(MeasureResult("LEFS", DAY, (5.0,) + (0.0,) * 19))
    assert caught.value.problems[0].field == "LEFS/1"
    assert "0 to 4" in caught.value.problems[0].message
    with pytest.raises(InvalidInput, match="PSFS"):
        scored(MeasureResult("PSFS", DAY, (5.0,)))
    with pytest.raises(InvalidInput, match="COPM problem 1 needs a name"):
        scored(MeasureResult("COPM", DAY, copm=(CopmProblem(" ", 5, 5, 5),)))


def test_score_message_says_the_change_and_whether_it_is_meaningful() -> None:
    first, second = lefs(DAY, 38), lefs(DAY + timedelta(weeks=4), 52)
    text = score_message(second, [first, second], DAY)
    assert text == "LEFS 52/80 — up 14 since 3 Jun: improved, more than the 9-point meaningful change."
    assert "the first LEFS score" in score_message(first, [first], DAY)
    # Higher is worse: a fall of 15.9 points is an improvement.
    a = scored(MeasureResult("QuickDASH", DAY, (3.0,) * 11))
    b = scored(MeasureResult("QuickDASH", DAY + timedelta(weeks=4), (2.0,) * 4 + (3.0,) * 7))
    assert "improved" not in score_message(b, [a, b])  # 9.1 points: less than 14
    assert "(lower is better)" in score_message(b, [a, b])


def test_overall_changes_match_classify() -> None:
    results = [lefs(DAY, 20), lefs(DAY + timedelta(weeks=4), 25), lefs(DAY + timedelta(weeks=8), 35)]
    (overall,) = overall_changes(results)
    assert overall.change == classify("LEFS", 20, 35)
    assert overall.meaningful_text == "meaningful change: yes"


def test_due_every_four_weeks_per_instrument_used() -> None:
    results = [lefs(DAY, 30), lefs(DAY + timedelta(weeks=4), 30)]
    (item,) = due(results, DAY + timedelta(weeks=7))
    assert item.next_due == DAY + timedelta(weeks=8)
    assert not item.is_due(DAY + timedelta(weeks=7)) and item.is_due(DAY + timedelta(weeks=8))
    assert due([], DAY) == []


def test_answer_choices_carry_the_published_anchor_words() -> None:
    choices = dict(answer_choices(family_instrument("LEFS")))
    assert choices[0].startswith("extreme difficulty") and choices[4] == "no difficulty"
    quick = dict(answer_choices(family_instrument("QuickDASH")))
    assert set(quick) == {1, 2, 3, 4, 5} and quick[1].startswith("no difficulty")


def test_psfs_comes_from_the_latest_check_in_activity_ratings() -> None:
    acts = [Activity("Walk", Discipline.PT, id=1), Activity("Cook", Discipline.OT, id=2)]
    entries = [
        WeeklyEntry(date(2026, 6, 1), activities=(ActivityRating(1, 2), ActivityRating(2, 4))),
        WeeklyEntry(date(2026, 6, 8), activities=(ActivityRating(1, 6), ActivityRating(2, 8))),
    ]
    assert psfs_from_entries(entries, acts) == (date(2026, 6, 8), 7.0)
    assert psfs_from_entries([], acts) is None


def test_maintenance_offer_and_recurrence_watch() -> None:
    plan = MaintenancePlan()
    assert not should_offer(plan, goals_are_met=False)
    assert should_offer(plan, goals_are_met=True)
    assert should_offer(MaintenancePlan(discharged_on=DAY), goals_are_met=False)
    with pytest.raises(InvalidInput, match="every 2 or 4 weeks"):
        MaintenancePlan(None, 3, DAY).validate()
    monday = date(2026, 1, 5)
    pains = [2, 2, 2, 2, 5, 6]
    entries = [WeeklyEntry(monday + timedelta(weeks=i), {"pain": p}) for i, p in enumerate(pains)]
    active = MaintenancePlan(None, 2, monday + timedelta(weeks=4))
    (alert,) = recurrence_alerts(active, entries, [])
    assert "pain" in alert.message and "contacting your therapist" in alert.message
    assert recurrence_alerts(MaintenancePlan(), entries, []) == []  # no watch outside maintenance
    assert recurrence_alerts(active, entries[:5], []) == []  # a one-week blip
    assert active.next_check_in(monday + timedelta(weeks=5)) == monday + timedelta(weeks=7)
