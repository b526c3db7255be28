"""Honest progress: each series found overstated, read again under the rules of ``core.progress``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehabtrack.core.meaningful_change import IMPROVED, WITHIN_VARIATION, WORSE, classify_change
from rehabtrack.core.measure_series import (
    GasGoal,
    MeasureResult,
    change_since,
    overall_changes,
    psfs_change,
    psfs_overall,
    psfs_series,
    score_message,
    score_range,
    scored,
)
from rehabtrack.core.measures import CopmProblem, classify, copm, gas, gas_range, score
from rehabtrack.core.model import Activity, ActivityRating, Direction, Discipline, Goal, WeeklyEntry
from rehabtrack.core.progress import (
    GoalProgress,
    ProgressStatus,
    format_day,
    progress_toward,
    projected_date,
    status,
)
from rehabtrack.core.recurrence import RecurrenceAlert, watch
from rehabtrack.core.series import Point, Series
from rehabtrack.core.trend import theil_sen
from rehabtrack.core.validation import InvalidInput

MONDAY = date(2026, 1, 5)
KNEE = "rom/knee/right/flexion/active"


def week(i: int) -> date:
    return MONDAY + timedelta(weeks=i)


def series(key: str, values: list[float], weeks: list[int] | None = None) -> Series:
    weeks = weeks if weeks is not None else list(range(len(values)))
    points = tuple(Point(week(w), float(v)) for w, v in zip(weeks, values, strict=True))
    if key == "pain":
        return Series(key, "Pain", "", True, points)
    return Series(key, "Right knee flexion", "°", False, points)


def pain_goal(target: float = 2, **kwargs: object) -> Goal:
    return Goal(Discipline.PT, "Pain 2 or less", "pain", target, Direction.LOWER, **kwargs)  # type: ignore[arg-type]


def knee_goal(target: float = 115, **kwargs: object) -> Goal:
    return Goal(Discipline.PT, "Bend past 115°", KNEE, target, Direction.HIGHER, **kwargs)  # type: ignore[arg-type]


OVERSTATED = (ProgressStatus.ON_TRACK, ProgressStatus.TARGET_MET)


def never_projected(gp: GoalProgress) -> None:
    assert gp.projected is None and gp.projection is None
    assert gp.status not in OVERSTATED
    assert "on track" not in gp.sentence()


# 1. Projection from two points ----------------------------------------------------------------------


def test_1_two_points_in_the_trend_window_give_no_projection() -> None:
    pain = series("pain", [7, 7, 7, 6, 5], [0, 1, 2, 30, 31])
    gp = progress_toward(pain_goal(), pain, week(31))
    never_projected(gp)
    assert gp.status == ProgressStatus.NO_TREND
    assert gp.sentence() == "Pain: 7 → 6, no meaningful change, target 2; no clear trend yet"
    assert projected_date(pain.points, 2, Direction.LOWER, week(31)) is None


# 2. Projection from noise ---------------------------------------------------------------------------

NOISY_KNEE = [100, 102, 99, 101, 100, 103, 100, 101, 102, 100, 103, 101]


@pytest.mark.parametrize("target", [115, 135])
def test_2_noise_around_a_flat_line_gives_no_projection(target: float) -> None:
    knee = series(KNEE, NOISY_KNEE)
    gp = progress_toward(knee_goal(target), knee, week(11))
    never_projected(gp)
    assert gp.status == ProgressStatus.NO_TREND
    assert gp.sentence().endswith("no meaningful change, target " + f"{target}°; no clear trend yet")
    # The trend moves about 1.4° across the window, well inside the 10° error of a reading taken at home.
    line = theil_sen(knee.points)
    assert line is not None and abs(line.slope_per_week * 11) < 10


def test_2_a_clear_rise_smaller_than_the_measurement_error_gives_no_projection() -> None:
    # 0.8° a week, every week: the interval excludes zero, but 11 weeks × 0.8° = 8.8° < 10°.
    knee = series(KNEE, [100 + 0.8 * i for i in range(12)])
    gp = progress_toward(knee_goal(), knee, week(11))
    never_projected(gp)
    assert gp.status == ProgressStatus.NO_TREND


# 3. Projected date = today ----------------------------------------------------------------------------


def test_3_logging_stopped_long_ago_shows_no_status_and_no_date() -> None:
    pain = series("pain", [8, 7, 6, 5, 4])
    today = week(4 + 26)
    gp = progress_toward(pain_goal(), pain, today)
    never_projected(gp)
    assert gp.status == ProgressStatus.STALE
    assert gp.sentence() == "Pain: last logged 2 Feb \u2014 log this week to update"
    assert gp.badge == "Last logged 2 Feb"
    assert status(pain.points, 2, Direction.LOWER, today) == ProgressStatus.STALE


def test_3_stale_only_after_more_than_four_weeks() -> None:
    pain = series("pain", [9, 8, 7, 6, 5, 4, 3])
    assert progress_toward(pain_goal(1), pain, week(6 + 4)).status != ProgressStatus.STALE
    assert progress_toward(pain_goal(1), pain, week(6 + 5)).status == ProgressStatus.STALE


def test_3_a_trend_line_past_the_target_never_projects_to_today() -> None:
    # Falling a point a week to 3; three weeks later the line is at 0, past the target of 2, while the
    # current value (the middle of 5, 4, 3 = 4) is not.
    pain = series("pain", [9, 8, 7, 6, 5, 4, 3])
    today = week(9)
    gp = progress_toward(pain_goal(), pain, today)
    assert gp.projection is not None and gp.projection.early is not None
    assert gp.projection.early >= today + timedelta(weeks=1)  # never earlier than the next check-in
    assert gp.projected != today


# 4. Two logged weeks --------------------------------------------------------------------------------


def test_4_two_logged_weeks_are_not_enough_for_a_status() -> None:
    pain = series("pain", [6, 5])
    gp = progress_toward(pain_goal(), pain, week(1))
    never_projected(gp)
    assert gp.status == ProgressStatus.NO_DATA
    assert gp.current is None  # baseline and current never share a week
    assert "5.5 → 5.5" not in gp.sentence() and "%" not in gp.sentence()
    assert gp.sentence() == (
        "Pain: 2 weeks logged since the goal started; not enough data yet: log 3 more weeks to see "
        "progress toward 2"
    )


# 5. The goal's start date -----------------------------------------------------------------------------


def test_5_weeks_before_the_goal_started_are_left_out() -> None:
    values = [8, 8, 7, 6, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    pain = series("pain", values)
    gp = progress_toward(pain_goal(start=week(10)), pain, week(15))
    assert gp.baseline == 4 and gp.current == 4
    assert gp.points == 6
    assert gp.percent is None
    assert "67" not in gp.sentence() and "8 →" not in gp.sentence()
    assert gp.sentence() == "Pain: 4 → 4, no meaningful change, target 2; no clear trend yet"


def test_5_a_start_date_midweek_counts_that_week() -> None:
    pain = series("pain", [8, 8, 4, 4, 4, 4, 4])
    gp = progress_toward(pain_goal(start=week(2) + timedelta(days=3)), pain, week(6))
    assert gp.points == 5 and gp.baseline == 4


# 6. Setbacks ------------------------------------------------------------------------------------------


def test_6_met_at_baseline_and_then_clearly_worse_reads_worse() -> None:
    pain = series("pain", [1, 1, 5, 6])
    gp = progress_toward(pain_goal(), pain, week(3))
    assert gp.change is not None and gp.change.direction == WORSE
    assert gp.verdict == "worse"
    assert "0%" not in gp.sentence() and "not moving" not in gp.sentence()
    assert gp.sentence().startswith("Pain: 1 → 5.5, worse")


def test_6_a_change_smaller_than_the_threshold_is_no_meaningful_change() -> None:
    pain = series("pain", [5, 5, 5, 5, 6])
    gp = progress_toward(pain_goal(), pain, week(4))
    assert gp.verdict == "no meaningful change"
    assert "further" not in gp.sentence()
    assert gp.sentence() == "Pain: 5 → 5, no meaningful change, target 2; no clear trend yet"


def test_6_never_100_percent_unless_achieved() -> None:
    # Baseline 100, current 114.96: 99.7 % of the way to 115 — shown as 99 %, not 100 %.
    knee = series(KNEE, [100, 100, 112, 114.96, 114.96, 114.9, 114.96])
    gp = progress_toward(knee_goal(), knee, week(6))
    assert gp.status != ProgressStatus.TARGET_MET
    assert gp.percent == 99.0
    assert "99% of the way" in gp.sentence() and "100%" not in gp.sentence()


def test_6_achieved_needs_the_current_value_and_a_single_log_is_reached_once() -> None:
    pain = series("pain", [6, 6, 5, 4, 4, 2])
    gp = progress_toward(pain_goal(), pain, week(5))
    assert gp.status == ProgressStatus.REACHED_ONCE
    assert gp.sentence().endswith("2 reached once \u2014 log again to confirm")
    assert gp.percent is not None and gp.percent <= 99
    pain = series("pain", [6, 6, 5, 4, 2, 2])
    done = progress_toward(pain_goal(), pain, week(5))
    assert done.status == ProgressStatus.TARGET_MET and done.percent == 100
    assert done.reached == week(4)
    assert done.projected_text() == "reached 2 Feb"


# 7. PSFS ------------------------------------------------------------------------------------------------


def entry(i: int, ratings: dict[int, float]) -> WeeklyEntry:
    return WeeklyEntry(week(i), activities=tuple(ActivityRating(a, r) for a, r in ratings.items()))


ACTIVITIES = [Activity(f"Activity {i}", Discipline.PT, id=i) for i in range(1, 9)]


def test_7_a_single_activity_uses_stratfords_three_points() -> None:
    found = psfs_change(entry(0, {1: 4}), entry(4, {1: 6}), ACTIVITIES)
    assert found.change is not None and found.activities == 1
    assert found.change.threshold.value == 3
    assert not found.change.meaningful  # 2 points on one activity is within its 3-point detectable change
    assert "3-point detectable change (Stratford 1995)" in found.change.describe()
    both = psfs_change(entry(0, {1: 4, 2: 4}), entry(4, {1: 6, 2: 6}), ACTIVITIES)
    assert both.change is not None and both.change.threshold.value == 2 and both.change.improved
    assert "2-point detectable change" in both.change.describe()


def test_7_new_activities_rated_zero_do_not_read_as_worse() -> None:
    before = entry(0, {1: 4, 2: 5})
    after = entry(6, {1: 7, 2: 8, 3: 0, 4: 0, 5: 0})
    found = psfs_change(before, after, ACTIVITIES)
    assert found.activities == 2
    assert found.change is not None and found.change.direction == IMPROVED
    assert (found.change.before, found.change.after) == (4.5, 7.5)
    overall = psfs_overall([before, entry(3, {1: 5}), after], ACTIVITIES)
    assert overall is not None and overall.change == found.change
    assert psfs_change(entry(0, {1: 4}), entry(1, {2: 4}), ACTIVITIES).change is None


def test_7_archiving_an_activity_does_not_rewrite_past_psfs_values() -> None:
    entries = [entry(0, {1: 2, 2: 6}), entry(1, {1: 4, 2: 6})]
    before = psfs_series(entries, ACTIVITIES).values
    archived = [Activity("Activity 1", Discipline.PT, archived=True, id=1), *ACTIVITIES[1:]]
    assert psfs_series(entries, archived).values == before == [4.0, 5.0]


def test_7_every_rated_activity_counts_not_only_the_first_five() -> None:
    ratings = {i: 2.0 for i in range(1, 8)} | {7: 9.0}
    assert psfs_series([entry(0, ratings)], ACTIVITIES).values == [pytest.approx(3.0)]  # (6·2 + 9) / 7


# 8. Relative criteria -------------------------------------------------------------------------------------


def test_8_pain_improvement_needs_two_points_and_thirty_percent() -> None:
    # From 8, a 2-point fall is 25 %: not enough (Farrar 2001); 2.4 points (30 %) is.
    short = classify_change("pain", 8, 6, True)
    assert short.direction == WITHIN_VARIATION and not short.meaningful
    assert short.percent_text == "\u221225 %"
    assert "30 %" in short.describe()
    assert classify_change("pain", 8, 5.6, True).direction == IMPROVED
    # From 5, two points is 40 %: both criteria met.
    assert classify_change("pain", 5, 3, True).direction == IMPROVED
    # A worsening uses the absolute threshold alone: 8 → 10 is +25 % but 2 points: worse.
    assert classify_change("pain", 8, 10, True).direction == WORSE


def test_8_odi_improvement_needs_ten_points_and_thirty_percent() -> None:
    assert classify("ODI", 50, 40).direction == WITHIN_VARIATION  # 10 points but 20 %
    assert classify("ODI", 50, 35).direction == IMPROVED  # 15 points, 30 %
    assert classify("ODI", 30, 20).direction == IMPROVED  # 10 points, 33 %
    assert classify("ODI", 30, 40).direction == WORSE
    assert classify("ODI", 50, 35).percent_text == "\u221230 %"


def test_8_the_goal_path_applies_the_relative_criterion() -> None:
    pain = series("pain", [8, 8, 7, 6, 6, 6])
    gp = progress_toward(pain_goal(), pain, week(5))
    assert gp.change is not None and gp.change.delta == -2 and not gp.change.meaningful
    assert gp.verdict == "no meaningful change"


# 12. Smaller ------------------------------------------------------------------------------------------------


def test_12_recurrence_watch_counts_a_change_as_large_as_the_threshold() -> None:
    pain = series("pain", [2, 2, 2, 2, 4, 4])
    assert watch(pain, week(4)) is not None


def test_12_flare_ups_have_been_higher() -> None:
    alert = RecurrenceAlert("flare-ups this week", "", True, 1.0, 2.0, (week(4), week(5)), (4.0, 5.0))
    assert alert.message.startswith("Your flare-ups this week have been higher than at discharge")
    pain = RecurrenceAlert("pain", "", True, 1.0, 2.0, (week(4), week(5)), (4.0, 5.0))
    assert pain.message.startswith("Your pain has been higher")
    stiffness = RecurrenceAlert("morning stiffness", "min", True, 1.0, 15, (week(4), week(5)), (40, 50))
    assert stiffness.message.startswith("Your morning stiffness has been higher")


def test_12_gas_range_comes_from_the_weights() -> None:
    assert gas_range([1, 1]) == (pytest.approx(gas([-2, -2])), pytest.approx(gas([2, 2])))
    low, high = gas_range([1, 1, 1, 1])
    # 50 ∓ 10·8/√(0.7·4 + 0.3·16) = 50 ∓ 80/√7.6 = 50 ∓ 29.02, not the instrument's 17.1–82.9
    assert (round(low, 1), round(high, 1)) == (21.0, 79.0)
    assert gas_range([2]) == (pytest.approx(30.0), pytest.approx(70.0))
    review = scored(MeasureResult("GAS", week(0), gas=(GasGoal("Walk", 0, 1.0), GasGoal("Cook", 0, 3.0))))
    assert score_range(review, "GAS") == gas_range([1.0, 3.0])


def _gas(day: int, goals: tuple[GasGoal, ...], rid: int) -> MeasureResult:
    return scored(MeasureResult("GAS", week(day), gas=goals, id=rid))


def test_12_gas_compares_only_the_same_goal_set() -> None:
    four = tuple(GasGoal(n, -1) for n in ("Walk", "Cook", "Dress", "Bath"))
    two = (GasGoal("Walk", 2), GasGoal("Cook", 2))
    first, second = _gas(0, four, 1), _gas(8, two, 2)
    results = [first, second]
    assert change_since("GAS", results, second) is None
    message = score_message(second, results, week(8))
    assert "goal set changed since 5 Jan" in message and "improved" not in message
    [overall] = overall_changes(results)
    assert overall.change is None and overall.goal_set_changed
    assert overall.meaningful_text == "meaningful change: not compared (the goal set changed)"
    # The same goals again: compared with the earliest review of those goals.
    third = _gas(16, (GasGoal("cook", 2), GasGoal("Walk ", 2)), 3)
    [overall] = overall_changes([*results, third])
    assert overall.first is second and overall.change is not None and overall.change.delta == 0


def test_12_current_is_not_moved_by_one_bad_week() -> None:
    calm = series("pain", [6, 6, 4, 4, 4])
    flare = series("pain", [6, 6, 4, 9, 4])
    assert progress_toward(pain_goal(), calm, week(4)).current == 4
    assert progress_toward(pain_goal(), flare, week(4)).current == 4


# Mutants the issue found alive -----------------------------------------------------------------------------


def test_lower_is_better_goal_is_better_when_pain_falls() -> None:
    pain = series("pain", [8, 8, 6, 5, 4, 3, 3])
    gp = progress_toward(pain_goal(), pain, week(6))
    assert gp.change is not None and gp.change.direction == IMPROVED and gp.verdict == "better"
    assert gp.percent is not None and gp.percent > 0
    # The same numbers on a higher-is-better goal (a rating of 0–10) are worse.
    rating = Series("activity/1", "Walk", "", False, pain.points)
    up = progress_toward(Goal(Discipline.OT, "Walk", "activity/1", 9, Direction.HIGHER), rating, week(6))
    assert up.verdict == "worse"


def test_the_target_date_decides_on_track_or_behind() -> None:
    knee = series(KNEE, [80 + 3 * i for i in range(9)])  # 3° a week: current 101 at week 8
    soon = progress_toward(knee_goal(target_date=week(9)), knee, week(8))
    later = progress_toward(knee_goal(target_date=week(20)), knee, week(8))
    assert soon.status == ProgressStatus.BEHIND
    assert "after the target date of 9 Mar" in soon.sentence()
    assert later.status == ProgressStatus.ON_TRACK
    passed = progress_toward(knee_goal(target_date=week(7)), knee, week(8))
    assert passed.status == ProgressStatus.BEHIND
    assert passed.sentence().endswith("behind: the target date of 23 Feb has passed")


def test_sleep_six_to_six_point_seven_is_improved() -> None:
    change = classify_change("sleep_hours", 6.0, 6.7, False)
    assert change.direction == IMPROVED and change.meaningful
    assert classify_change("sleep_hours", 6.0, 6.5, False).direction == IMPROVED  # exactly 0.5 h counts
    assert classify_change("sleep_hours", 6.0, 6.4, False).direction == WITHIN_VARIATION
    assert classify_change("sleep_hours", 6.7, 6.0, False).direction == WORSE


def test_dates_keep_the_year_when_it_is_not_this_year() -> None:
    assert format_day(date(2027, 3, 12), date(2026, 11, 24)) == "12 Mar 2027"
    assert format_day(date(2026, 3, 12), date(2026, 11, 24)) == "12 Mar"
    knee = series(KNEE, [80 + 3 * i for i in range(9)])
    late = progress_toward(knee_goal(), knee, week(8))
    assert late.projection is not None and late.projection.early is not None
    stale = progress_toward(pain_goal(), series("pain", [8, 7, 6, 5, 4]), date(2027, 2, 1))
    assert stale.sentence() == "Pain: last logged 2 Feb 2026 \u2014 log this week to update"


def test_two_check_ins_in_a_row_before_on_track_is_shown() -> None:
    # Six weeks: the first check-in with a trend; the one before (five weeks) had none.
    goal = knee_goal(105, target_date=week(20))
    knee = series(KNEE, [80 + 3 * i for i in range(6)])
    assert progress_toward(goal, knee, week(5)).status == ProgressStatus.TOO_EARLY
    knee = series(KNEE, [80 + 3 * i for i in range(7)])
    assert progress_toward(goal, knee, week(6)).status == ProgressStatus.ON_TRACK


def test_a_questionnaire_goal_is_judged_by_change_never_projected() -> None:
    points = tuple(Point(week(4 * i), v) for i, v in enumerate([30.0, 38, 46, 52, 60, 66]))
    lefs = Series("measure/LEFS", "LEFS", "", False, points)
    goal = Goal(Discipline.PT, "LEFS 70", "measure/LEFS", 70, Direction.HIGHER)
    gp = progress_toward(goal, lefs, week(20))
    assert gp.status == ProgressStatus.BY_CHANGE and gp.projection is None
    assert gp.badge == "Better" and (gp.baseline, gp.current) == (30, 66)
    # Eight weeks without a questionnaire is not stale; more than eight is.
    assert progress_toward(goal, lefs, week(28)).status == ProgressStatus.BY_CHANGE
    assert progress_toward(goal, lefs, week(29)).status == ProgressStatus.STALE


# The property: a trend inside the threshold never gives a date or "on track" -------------------------------


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 16),
    base=st.floats(20, 140),
    slope=st.floats(-0.9, 0.9),
    noise=st.lists(st.floats(-4, 4), min_size=16, max_size=16),
    gaps=st.sets(st.integers(0, 15), max_size=4),
    target=st.floats(0, 160),
    higher=st.booleans(),
    ahead=st.integers(0, 30),
)
def test_a_trend_inside_the_threshold_never_projects(
    n: int,
    base: float,
    slope: float,
    noise: list[float],
    gaps: set[int],
    target: float,
    higher: bool,
    ahead: int,
) -> None:
    weeks = [i for i in range(n + len(gaps)) if i not in gaps][:n]
    values = [base + slope * w + noise[i] for i, w in enumerate(weeks)]
    knee = Series(
        KNEE, "Knee", "°", not higher, tuple(Point(week(w), v) for w, v in zip(weeks, values, strict=True))
    )
    window = [p for p in knee.points if p.week >= knee.points[-1].week - timedelta(weeks=11)]
    line = theil_sen(window)
    span = (window[-1].week - window[0].week).days / 7
    if line is not None and abs(line.slope_per_week) * span >= 10:
        return  # a trend as large as the measurement error: projections allowed
    goal = Goal(
        Discipline.PT,
        "Knee",
        KNEE,
        target,
        Direction.HIGHER if higher else Direction.LOWER,
        target_date=week(weeks[-1] + ahead),
    )
    gp = progress_toward(goal, knee, week(weeks[-1]))
    assert gp.projected is None and gp.projection is None
    assert gp.status != ProgressStatus.ON_TRACK
    assert "on track" not in gp.sentence()


def test_score_odi_through_the_registry() -> None:
    # 10 sections, sum 20 of 50: 40 %; one section missing: 18 of 45 = 40 %.
    assert score("ODI", [2] * 10) == 40.0
    assert score("ODI", [2] * 9 + [None]) == 40.0
    assert score("ODI", [0] * 10) == 0.0 and score("ODI", [5] * 10) == 100.0
    with pytest.raises(InvalidInput):
        score("ODI", [2] * 8 + [None, None])


def test_copm_with_exactly_five_problems() -> None:
    five = [CopmProblem(f"Problem {i}", 8, i, 11 - i) for i in range(1, 6)]
    scores = copm(five)
    assert (scores.performance, scores.satisfaction) == (3.0, 8.0)  # 15 / 5 and 40 / 5
    with pytest.raises(InvalidInput, match=r"COPM has 1 to 5 problems \(got 6\)"):
        copm([*five, CopmProblem("Problem 6", 8, 5, 5)])
    with pytest.raises(InvalidInput, match=r"\(got 0\)"):
        copm([])


def test_no_share_of_a_starting_value_of_about_zero() -> None:
    assert classify_change("measure/NPRS", 1.782184668895614e-196, 1.0, False).percent is None
    assert classify_change("pain", 0, 3, True).percent_text == ""
    assert classify_change("pain", 4, 4, True).percent_text == "0 %"


def test_gas_range_of_unequal_weights_by_hand() -> None:
    # Weights 1 and 3: √(0.7·(1 + 9) + 0.3·16) = √11.8 = 3.4351; 50 ∓ 10·8/3.4351 = 50 ∓ 23.29.
    low, high = gas_range([1, 3])
    assert (round(low, 2), round(high, 2)) == (26.71, 73.29)


def test_summary_periods_default_to_four_and_four() -> None:
    from rehabtrack.core.progress import default_periods, summarise_change

    pts = series("pain", [8, 8, 8, 8, 6, 2, 2, 2, 2, 2])
    change = summarise_change(pts)
    assert change is not None and (change.before, change.after) == (8.0, 2.0)
    assert default_periods(pts.points) == ((week(0), week(3)), (week(6), week(9)))


@pytest.mark.parametrize(
    ("key", "direction", "baseline", "scores", "target", "expected", "sentence"),
    [
        # NPRS 8 set by the therapist, one score of 5: 3 points and 37.5 %, half way to 2.
        (
            "measure/NPRS",
            Direction.LOWER,
            8,
            [5],
            2,
            ProgressStatus.BY_CHANGE,
            "8 → 5, better, 50% of the way to 2",
        ),
        # The same mirrored: LEFS 20 set, first score 38 (18 points, threshold 9), 36 % of the way to 70.
        ("measure/LEFS", Direction.HIGHER, 20, [38], 70, ProgressStatus.BY_CHANGE, "20 → 38, better, 36% of"),
        # One score meeting the target is reached once, not achieved; a second confirms it.
        ("measure/NPRS", Direction.LOWER, 8, [1], 2, ProgressStatus.REACHED_ONCE, "2 reached once"),
        ("measure/NPRS", Direction.LOWER, 8, [1, 1], 2, ProgressStatus.TARGET_MET, "target of 2 reached"),
    ],
)
def test_a_questionnaire_with_a_therapist_set_baseline_is_judged_from_its_first_score(
    key: str,
    direction: Direction,
    baseline: float,
    scores: list[float],
    target: float,
    expected: ProgressStatus,
    sentence: str,
) -> None:
    points = tuple(Point(week(4 * i), float(v)) for i, v in enumerate(scores))
    measured = Series(key, key.split("/")[1], "", direction == Direction.LOWER, points)
    goal = Goal(Discipline.PT, "Score", key, target, direction, baseline=baseline)
    gp = progress_toward(goal, measured, week(4 * len(scores)))
    assert gp.status == expected
    assert sentence in gp.sentence() and "more weeks" not in gp.sentence()
    assert gp.projection is None


@pytest.mark.parametrize("goal", [pain_goal(start=week(8)), knee_goal(start=week(8) + timedelta(days=3))])
def test_a_goal_starting_after_today_says_when_it_starts_not_that_nothing_was_logged(goal: Goal) -> None:
    logged = series(
        goal.marker, [8, 7, 6, 5, 4, 3] if goal.marker == "pain" else [90, 95, 100, 105, 110, 115]
    )
    gp = progress_toward(goal, logged, week(5))
    assert gp.status == ProgressStatus.NO_DATA and gp.percent is None and gp.projection is None
    assert goal.start is not None
    assert f"the goal starts {goal.start.day} Mar" in gp.sentence()  # week 8: 2 Mar
    assert "nothing logged" not in gp.sentence() and "on track" not in gp.sentence()
