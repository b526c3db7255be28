"""Recurrence watch: two check-ins in a row worse than discharge by at least the threshold."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.recurrence import check_ins, discharge_reference, recurrence_alert, watch
from rehabtrack.core.series import Point, Series

MONDAY = date(2026, 1, 5)
WATCH = MONDAY + timedelta(weeks=4)


def points(values: list[float]) -> tuple[Point, ...]:
    return tuple(Point(MONDAY + timedelta(weeks=i), v) for i, v in enumerate(values))


def pain(values: list[float]) -> Series:
    return Series("pain", "Pain (weekly average)", "", True, points(values))


def test_reference_is_mean_of_last_four_before_the_watch() -> None:
    # Before the watch: 5, 3, 2, 2, 1 (weeks 0–4 if the watch started at week 5) → last four (3+2+2+1)/4
    assert discharge_reference(points([5, 3, 2, 2, 1, 7]), MONDAY + timedelta(weeks=5)) == 2.0
    assert discharge_reference(points([5]), MONDAY) is None


def test_two_check_ins_worse_by_more_than_the_threshold_alert() -> None:
    # Discharge level (2+2+2+2)/4 = 2; check-ins 5 and 6 are 3 and 4 points worse (> 2).
    alert = watch(pain([2, 2, 2, 2, 5, 6]), WATCH)
    assert alert is not None
    assert alert.message == (
        "Your pain has been higher than at discharge for two check-ins in a row (5 and 6 vs 2). "
        "It may be worth contacting your therapist."
    )


def test_a_one_week_blip_does_not_alert() -> None:
    assert watch(pain([2, 2, 2, 2, 6, 2]), WATCH) is None  # worse, then back
    assert watch(pain([2, 2, 2, 2, 2, 6]), WATCH) is None  # only the latest is worse
    assert watch(pain([2, 2, 2, 2, 6]), WATCH) is None


def test_worse_by_exactly_the_threshold_alerts_as_everywhere_else() -> None:
    # 4 − 2 = 2: as large as the 2-point threshold, which counts here as in every other verdict.
    alert = watch(pain([2, 2, 2, 2, 4, 4]), WATCH)
    assert alert is not None and alert.values == (4, 4)
    # Just under the threshold (3.9 − 2 = 1.9) does not.
    assert watch(pain([2, 2, 2, 2, 3.9, 3.9]), WATCH) is None


def test_an_improvement_never_alerts() -> None:
    assert watch(pain([5, 5, 5, 5, 1, 0]), WATCH) is None


def test_higher_is_better_series() -> None:
    knee = Series(
        "rom/knee/right/flexion/active", "Right knee flexion", "°", False, points([115] * 4 + [104, 103])
    )
    alert = watch(knee, WATCH)
    assert alert is not None
    assert alert.message.startswith(
        "Your right knee flexion has been lower than at discharge for two check-ins in a row "
        "(104° and 103° vs 115°)."
    )
    better = Series(
        "rom/knee/right/flexion/active", "Right knee flexion", "°", False, points([115] * 4 + [125, 130])
    )
    assert watch(better, WATCH) is None


def test_check_ins_are_compared_one_by_one() -> None:
    found = check_ins(points([2, 2, 2, 2, 5, 3]), True, 2, 2.0, WATCH)
    assert [(c.value, c.difference, c.worse) for c in found] == [(5, 3, True), (3, 1, False)]


def test_no_reference_no_alert() -> None:
    assert recurrence_alert(points([5, 6]), True, 2, MONDAY) is None


@given(
    reference=st.floats(0, 10, allow_nan=False),
    steps=st.lists(st.floats(0, 10, allow_nan=False), min_size=0, max_size=12),
    lower_is_better=st.booleans(),
)
def test_improvements_never_alert(reference: float, steps: list[float], lower_is_better: bool) -> None:
    # Every check-in at least as good as the discharge level.
    sign = -1 if lower_is_better else 1
    values = [reference] * 4 + [reference + sign * s for s in steps]
    assert recurrence_alert(points(values), lower_is_better, 2, WATCH) is None


@given(st.lists(st.sampled_from([2.0, 6.0]), min_size=0, max_size=12))
def test_alert_exactly_when_the_last_two_are_worse(check_in_values: list[float]) -> None:
    alert = recurrence_alert(points([2, 2, 2, 2, *check_in_values]), True, 2, WATCH)
    expected = len(check_in_values) >= 2 and check_in_values[-1] == check_in_values[-2] == 6.0
    assert (alert is not None) == expected
