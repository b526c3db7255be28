"""Goal progress: baseline, current, percent of the way, projection and status."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.model import Direction, Discipline, Goal
from rehabtrack.core.progress import (
    ProgressStatus,
    change_between,
    compare_periods,
    current_value,
    default_baseline,
    default_periods,
    format_value,
    percent_of_way,
    progress_toward,
    projected_date,
    projection,
    status,
    summarise_change,
)
from rehabtrack.core.series import Point, Series

MONDAY = date(2026, 1, 5)
KNEE = "rom/knee/right/flexion/active"


def weekly(values: list[float], start: date = MONDAY, skip: tuple[int, ...] = ()) -> tuple[Point, ...]:
    """Points on consecutive Mondays, leaving out the week indexes in ``skip``."""
    weeks = [i for i in range(len(values) + len(skip)) if i not in skip]
    return tuple(Point(start + timedelta(weeks=w), v) for w, v in zip(weeks, values, strict=False))


def week(i: int) -> date:
    return MONDAY + timedelta(weeks=i)


# --- baseline and current --------------------------------------------------------------------------


def test_default_baseline_is_mean_of_first_two_logged_weeks() -> None:
    assert default_baseline(weekly([6, 8, 3, 2])) == 7.0  # (6 + 8) / 2
    assert default_baseline(weekly([5])) == 5.0  # only one week logged
    assert default_baseline(()) is None
    # Order of the points does not matter; a missed week does not count.
    assert default_baseline(tuple(reversed(weekly([6, 8, 3], skip=(1,))))) == 7.0


def test_current_value_is_the_median_of_the_last_three_logged() -> None:
    assert current_value(weekly([6, 8, 3, 2])) == 3.0  # middle of 8, 3, 2
    assert current_value(weekly([4, 4, 9])) == 4.0  # one bad week does not move it at all
    assert current_value(weekly([4])) == 4.0
    assert current_value(()) is None
    assert current_value(weekly([1, 2, 3, 4]), weeks=1) == 4.0
    # Leaving out the baseline's two weeks: with four logged, the last two are left.
    assert current_value(weekly([6, 8, 3, 2]), after=2) == 2.5
    assert current_value(weekly([6, 8]), after=2) is None


# --- percent of the way ----------------------------------------------------------------------------


def test_percent_hand_computed() -> None:
    # Knee bend 92° → 108°, target 115°: 16 / 23 = 69.6 %
    assert percent_of_way(92, 108, 115, Direction.HIGHER) == pytest.approx(69.565, abs=1e-3)
    # Pain 6 → 4, target 2 (lower is better): the fall is progress: (4 − 6) / (2 − 6) = 50 %
    assert percent_of_way(6, 4, 2, Direction.LOWER) == 50.0
    # Setback: pain 6 → 7: (7 − 6) / (2 − 6) = −25 %
    assert percent_of_way(6, 7, 2, Direction.LOWER) == -25.0
    # Beyond the target clamps to 100; a big setback clamps to −100.
    assert percent_of_way(92, 130, 115, Direction.HIGHER) == 100.0
    assert percent_of_way(92, 40, 115, Direction.HIGHER) == -100.0


def test_percent_when_baseline_already_meets_target() -> None:
    assert percent_of_way(3, 3, 3, Direction.LOWER) == 100.0
    assert percent_of_way(3, 2, 3, Direction.LOWER) == 100.0
    assert percent_of_way(3, 4, 3, Direction.LOWER) == 0.0
    assert percent_of_way(120, 118, 115, Direction.HIGHER) == 100.0
    assert percent_of_way(120, 110, 115, Direction.HIGHER) == 0.0


finite = st.floats(min_value=-500, max_value=500, allow_nan=False)


@given(finite, finite, finite, st.sampled_from(list(Direction)))
def test_percent_sign_follows_the_goal_direction(
    baseline: float, current: float, target: float, direction: Direction
) -> None:
    pct = percent_of_way(baseline, current, target, direction)
    assert -100 <= pct <= 100
    higher = direction == Direction.HIGHER
    already = baseline >= target if higher else baseline <= target
    if already:
        assert pct in (0.0, 100.0)
        return
    toward = current - baseline if higher else baseline - current
    if toward > 0:
        assert pct > 0 or pct == pytest.approx(0, abs=1e-9)  # a fall is progress for a lower-is-better goal
    elif toward < 0:
        assert pct < 0 or pct == pytest.approx(0, abs=1e-9)
    else:
        assert pct == 0
    reached = current >= target if higher else current <= target
    if reached:
        assert pct == 100.0


# --- projected date --------------------------------------------------------------------------------


def test_projection_hand_computed() -> None:
    # Pain 9, 8, 7, 6, 5, 4 in weeks 0–5: every pairwise slope is −1 a week, so the interval is (−1, −1).
    # Current: the middle of 6, 5, 4 = 5; target 2 is 3 weeks after the last log (week 5): week 8.
    points = weekly([9, 8, 7, 6, 5, 4])
    found = projection(points, 2, Direction.LOWER, week(5), min_change=2)
    assert found is not None
    assert (found.early, found.late) == (week(8), week(8))
    assert found.horizon_weeks == 6  # the window's logs cover weeks 0–5
    assert projected_date(points, 2, Direction.LOWER, week(5), min_change=2) == week(8)


def test_projection_with_a_gap_and_a_flare_up() -> None:
    # Pain 8, 7, (missed), 9 (flare-up), 6, 5, 4, 3: Theil–Sen and its interval ignore the flare-up.
    points = weekly([8, 7, 9, 6, 5, 4, 3], skip=(2,))
    found = projection(points, 1, Direction.LOWER, week(7), min_change=2)
    assert found is not None and found.early is not None and found.late is not None
    assert week(8) <= found.early <= found.late


def test_projection_none_when_flat_or_too_few_points() -> None:
    assert projected_date(weekly([5, 5, 5, 5, 5, 5, 5]), 2, Direction.LOWER, week(6)) is None
    assert projected_date(weekly([6, 5]), 2, Direction.LOWER, week(1)) is None
    # Five steady weeks are enough for a status, not for a projection (six in the window are needed).
    assert projected_date(weekly([9, 8, 7, 6, 5]), 2, Direction.LOWER, week(4)) is None


def test_no_projection_when_already_reached() -> None:
    assert projected_date(weekly([100, 104, 106, 110, 120, 121]), 105, Direction.HIGHER, week(5)) is None


@given(
    start=st.integers(0, 100),
    step=st.integers(1, 10),
    n=st.integers(3, 12),
    distance=st.integers(1, 50),
    direction=st.sampled_from(list(Direction)),
)
def test_projection_none_when_trend_points_away(
    start: int, step: int, n: int, distance: int, direction: Direction
) -> None:
    if direction == Direction.HIGHER:
        values = [float(start - step * i) for i in range(n)]  # falling
        target = values[0] + distance  # above where the patient started
    else:
        values = [float(start + step * i) for i in range(n)]  # rising
        target = values[0] - distance
    points = weekly(values)
    assert projected_date(points, target, direction, week(n - 1)) is None
    found = status(points, target, direction, week(n - 1), week(n + 20))
    assert found in (ProgressStatus.NO_TREND, ProgressStatus.NO_DATA)


# --- status ----------------------------------------------------------------------------------------


def test_status() -> None:
    rising = weekly([80, 83, 86, 89, 92, 95, 98, 101])  # 3° a week; current 98 → 105 in 7/3 weeks
    assert status(rising, 105, Direction.HIGHER, week(7), target_date=week(12), min_change=10) == (
        ProgressStatus.ON_TRACK
    )
    # The target date before even the fast end of the range: behind.
    assert status(rising, 105, Direction.HIGHER, week(7), target_date=week(8), min_change=10) == (
        ProgressStatus.BEHIND
    )
    assert status(rising, 105, Direction.HIGHER, week(7), min_change=10) == ProgressStatus.ON_TRACK
    assert status(rising, 97, Direction.HIGHER, week(7)) == ProgressStatus.TARGET_MET  # middle of 95, 98, 101
    assert status(rising, 101, Direction.HIGHER, week(7)) == ProgressStatus.REACHED_ONCE  # only 101 meets
    assert status(weekly([90]), 95, Direction.HIGHER, week(0)) == ProgressStatus.NO_DATA
    assert status((), 95, Direction.HIGHER, week(0)) == ProgressStatus.NO_DATA
    # Fewer than five logged weeks: not enough data yet, however good they look.
    assert status(weekly([90, 92, 94, 96]), 105, Direction.HIGHER, week(3), week(8)) == ProgressStatus.NO_DATA
    assert ProgressStatus.NO_DATA.label == "Not enough data yet"
    assert ProgressStatus.ON_TRACK.label == "On track"
    assert ProgressStatus.NO_TREND.label == "No clear trend yet"


def knee_goal(target_date: date | None = date(2026, 4, 1)) -> Goal:
    return Goal(
        Discipline.PT, "Bend the knee past 115°", KNEE, 115, Direction.HIGHER, target_date=target_date
    )


def test_progress_toward_knee_goal() -> None:
    points = weekly([86, 90, 94, 97, 100, 103, 106, 110])
    series = Series(KNEE, "Right knee flexion", "°", False, points)
    progress = progress_toward(knee_goal(), series, today=week(7))
    assert progress.baseline == 88.0  # (86 + 90) / 2
    assert progress.current == 106.0  # middle of 103, 106, 110
    assert progress.percent == pytest.approx(100 * 18 / 27)
    assert progress.status == ProgressStatus.ON_TRACK
    assert progress.meaningful  # +18° ≥ 5°
    assert progress.projection is not None and progress.projection.late is not None
    assert progress.projection.late <= date(2026, 4, 1)
    assert re.fullmatch(
        r"Right knee flexion: 88° → 106°, better, 67% of the way to 115°; on track for \d{1,2}"
        r"( [A-Z][a-z]{2} – \d{1,2})?–?\d{0,2} (Feb|Mar)",
        progress.sentence(),
    ), progress.sentence()


def test_progress_uses_the_goal_baseline_when_set() -> None:
    points = weekly([6, 6, 5, 4])
    series = Series("pain", "Pain", "", True, points)
    goal = Goal(Discipline.PT, "Pain 2 or less", "pain", 2, Direction.LOWER, baseline=8)
    progress = progress_toward(goal, series, today=week(3))
    assert progress.baseline == 8
    # current: the middle of 6, 5, 4 = 5 (the set baseline shares no week with it); (5 − 8) / (2 − 8) = 50 %
    assert progress.percent == pytest.approx(50.0)
    assert progress.sentence() == (
        "Pain: 8 → 5, better, 50% of the way to 2; not enough data yet for a status: log another week"
    )


def test_progress_sentences_for_other_statuses() -> None:
    series = Series(KNEE, "Right knee flexion", "°", False, weekly([100]))
    assert progress_toward(knee_goal(), series, week(0)).sentence() == (
        "Right knee flexion: 1 week logged since the goal started; not enough data yet: "
        "log 4 more weeks to see progress toward 115°"
    )
    empty = Series(KNEE, "Right knee flexion", "°", False, ())
    assert progress_toward(knee_goal(), empty, week(0)).status == ProgressStatus.NO_DATA
    assert progress_toward(knee_goal(), empty, week(0)).sentence() == (
        "Right knee flexion: nothing logged yet; target 115°"
    )
    done = Series(KNEE, "Right knee flexion", "°", False, weekly([100, 110, 116, 118, 117]))
    assert progress_toward(knee_goal(), done, week(4)).sentence() == (
        "Right knee flexion: 105° → 117°, target of 115° reached"
    )
    falling = Series(KNEE, "Right knee flexion", "°", False, weekly([100, 98, 94, 90, 88, 86]))
    sentence = progress_toward(knee_goal(), falling, week(5)).sentence()
    assert sentence == "Right knee flexion: 99° → 88°, worse, target 115°; no clear trend yet"


def test_format_value() -> None:
    assert format_value(108, "°") == "108°"
    assert format_value(7.26, "h a night") == "7.3 h a night"
    assert format_value(7.0, "h a night") == "7 h a night"
    assert format_value(4.5, whole=True) == "5"
    assert format_value(-3.0, "°") == "\u22123°"


# --- comparing periods -----------------------------------------------------------------------------


def test_compare_periods() -> None:
    points = weekly([7, 7, 6, 6, 4, 3, 3, 2])
    assert compare_periods(points) == (6.5, 3.0)  # (7+7+6+6)/4, (4+3+3+2)/4
    # Five points: the periods never overlap; the later one gets 2, the earlier 3.
    assert compare_periods(weekly([6, 6, 6, 3, 3])) == (6.0, 3.0)
    assert compare_periods(weekly([5])) == (5.0, None)
    assert compare_periods(()) == (None, None)
    assert compare_periods(weekly([1, 2, 3, 4, 5, 6]), first_n=2, last_n=2) == (1.5, 5.5)


def test_summarise_change() -> None:
    series = Series("pain", "Pain", "", True, weekly([7, 7, 6, 6, 4, 3, 3, 2]))
    change = summarise_change(series)
    assert change is not None
    assert change.delta == -3.5 and change.direction == "improved"
    assert summarise_change(Series("pain", "Pain", "", True, weekly([5]))) is None


# Comparing two chosen periods (session view) -------------------------------------------------------


def _weekly(values: list[float | None], key: str = "pain") -> Series:
    start = date(2026, 1, 5)
    pts = tuple(Point(start + timedelta(weeks=i), v) for i, v in enumerate(values) if v is not None)
    return Series(key, "Pain", "", True, pts)


def test_default_periods_are_the_first_and_last_four_logged_weeks_skipping_missed_ones() -> None:
    series = _weekly([6, None, 6, 5, 5, 4, None, 3, 3, 2, 2])
    first, last = default_periods(series.points)  # type: ignore[misc]
    assert first == (date(2026, 1, 5), date(2026, 2, 2))  # weeks 0, 2, 3, 4: week 1 was missed
    assert last == (date(2026, 2, 23), date(2026, 3, 16))


def test_change_between_periods_uses_the_means_and_the_meaningful_change_threshold() -> None:
    series = _weekly([6, 7, 6, 7, 5, 5, 4, 4])
    first, last = default_periods(series.points)  # type: ignore[misc]
    change = change_between(series, first, last)
    assert change is not None
    assert (change.before, change.after) == (6.5, 4.5)  # (6+7+6+7)/4 and (5+5+4+4)/4
    assert change.meaningful and change.improved  # pain fell by 2 points: the NPRS threshold is 2
    small = change_between(
        series, (date(2026, 1, 5), date(2026, 1, 12)), (date(2026, 1, 19), date(2026, 1, 26))
    )
    assert small is not None and not small.meaningful and not small.improved


def test_a_period_with_nothing_logged_has_no_change() -> None:
    series = _weekly([6, None, None, 4])
    assert (
        change_between(series, (date(2026, 1, 12), date(2026, 1, 19)), (date(2026, 1, 26), date(2026, 1, 26)))
        is None
    )
    assert default_periods(_weekly([5]).points) is None
