"""The edges of each progress rule: the exact boundaries, hand-computed ranges and every sentence form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabtrack.core.meaningful_change import (
    classify_change,
    measurement_error,
    relative_criterion,
    threshold_for,
)
from rehabtrack.core.measures import CopmProblem, copm
from rehabtrack.core.model import Direction, Discipline, Goal
from rehabtrack.core.progress import (
    ProgressStatus,
    Projection,
    change_between,
    compare_periods,
    current_value,
    date_range,
    format_day,
    progress_toward,
    projection,
    reached_on,
)
from rehabtrack.core.series import Point, Series
from rehabtrack.core.trend import exact_critical_s, slope_interval
from rehabtrack.core.validation import InvalidInput

MONDAY = date(2026, 1, 5)
KNEE = "rom/knee/right/flexion/active"


def week(i: int) -> date:
    return MONDAY + timedelta(weeks=i)


def weekly(values: list[float], start: int = 0) -> tuple[Point, ...]:
    return tuple(Point(week(start + i), float(v)) for i, v in enumerate(values))


def knee(values: list[float]) -> Series:
    return Series(KNEE, "Right knee flexion", "°", False, weekly(values))


def knee_goal(target: float, target_date: date | None = None) -> Goal:
    return Goal(Discipline.PT, "Knee", KNEE, target, Direction.HIGHER, target_date=target_date)


def day(d: date) -> str:
    return format_day(d, date(2026, 1, 1))


# Date ranges ----------------------------------------------------------------------------------------


def test_date_range_words() -> None:
    assert date_range(date(2026, 3, 12), date(2026, 3, 26), day) == "12\u201326 Mar"
    assert date_range(date(2026, 3, 28), date(2026, 4, 9), day) == "28 Mar \u2013 9 Apr"
    assert date_range(date(2026, 3, 12), date(2026, 3, 12), day) == "12 Mar"
    assert date_range(date(2026, 12, 28), date(2027, 1, 9), day) == "28 Dec \u2013 9 Jan 2027"
    assert date_range(date(2026, 3, 12), date(2027, 3, 20), day) == "12 Mar \u2013 20 Mar 2027"


def test_projection_text_beyond_the_weeks_the_trend_covers() -> None:
    assert Projection(None, None, 12, 1.0, 0.5).text(day) == "not within 12 weeks at this pace"
    assert Projection(date(2026, 3, 16), None, 12, 1.0, 0.5).text(day) == (
        "16 Mar or later (not within 12 weeks at this pace)"
    )
    assert Projection(date(2026, 3, 16), date(2026, 3, 30), 12, 1.0, 0.5).text(day) == "16\u201330 Mar"


# The projection, by hand ----------------------------------------------------------------------------

# Pairwise slopes of 100, 104, 105, 110, 111, 116 (weeks 0–5), sorted:
# 1, 1, 7/3, 2.5, 2.75, 3, 3, 3, 3, 3.2, 10/3, 11/3, 4, 5, 5. The 90 % interval: the 3rd and 13th (7/3, 4);
# the median (8th) 3, × 5 weeks = 15° ≥ 10°. Current: the middle of 110, 111, 116 = 111.
RISING = [100, 104, 105, 110, 111, 116]


def test_projected_range_by_hand() -> None:
    # To 125: 14° at 4°/week = 3.5 weeks (24.5 days, rounded to even: 24) → 5 Mar;
    # at 7/3°/week = 6 weeks → 23 Mar, exactly the 6 weeks the trend covers (weeks 0–5): still shown.
    found = projection(knee(RISING).points, 125, Direction.HIGHER, week(5), min_change=10)
    assert found is not None
    assert (found.early, found.late, found.horizon_weeks) == (date(2026, 3, 5), date(2026, 3, 23), 6)
    assert (found.fast_per_week, found.slow_per_week) == (pytest.approx(4.0), pytest.approx(7 / 3))
    # To 130: 19° at 7/3°/week is 8.1 weeks, beyond the 6: only the early end (4.75 weeks: 14 Mar).
    far = projection(knee(RISING).points, 130, Direction.HIGHER, week(5), min_change=10)
    assert far is not None and (far.early, far.late) == (date(2026, 3, 14), None)


def test_too_early_to_tell_between_the_ends_of_the_range() -> None:
    gp = progress_toward(knee_goal(125, date(2026, 3, 10)), knee(RISING), week(5))
    assert gp.status == ProgressStatus.TOO_EARLY
    assert gp.sentence() == (
        # 9° from baseline to current is inside the 10° error of a knee measured at home.
        "Right knee flexion: 102° → 111°, no meaningful change, target 125°; "
        "too early to tell: the trend reaches 125° 5\u201323 Mar"
    )


def test_the_window_is_twelve_calendar_weeks() -> None:
    # Weeks 0–14, 2° a week: the window keeps weeks 3–14, which cover 12 weeks.
    found = projection(knee([80 + 2 * i for i in range(15)]).points, 150, Direction.HIGHER, week(14))
    assert found is not None and found.horizon_weeks == 12


def test_an_interval_ending_at_zero_touches_zero() -> None:
    # 0, 0, 0, 10, 10, 10: six of the 15 slopes are 0, so the 3rd is 0, though the median is 2.5 a week.
    up = weekly([0, 0, 0, 10, 10, 10])
    assert projection(up, 20, Direction.HIGHER, week(5), min_change=2) is None
    down = weekly([10, 10, 10, 0, 0, 0])
    assert projection(down, -10, Direction.LOWER, week(5), min_change=2) is None
    assert slope_interval(up) == (0.0, 5.0)


def test_a_trend_exactly_as_large_as_the_measurement_error_counts() -> None:
    steady = knee([100, 102, 104, 106, 108, 110]).points  # 2° a week over 5 weeks: 10°
    assert projection(steady, 120, Direction.HIGHER, week(5), min_change=10) is not None
    assert projection(steady, 120, Direction.HIGHER, week(5), min_change=10.5) is None


# Status boundaries (7 linear weeks: both check-ins agree) ------------------------------------------------

# 80, 83, … 98 in weeks 0–6. At week 6: current 95, 15° to 110 at 3°/week = 5 weeks → week 11 (23 Mar).
# At week 5: current 92, 18° → 6 weeks → week 11 too.
LINEAR = [80 + 3 * i for i in range(7)]


def test_on_track_when_the_slow_end_lands_on_the_target_date() -> None:
    assert progress_toward(knee_goal(110, week(11)), knee(LINEAR), week(6)).status == ProgressStatus.ON_TRACK
    late = progress_toward(knee_goal(110, week(11) - timedelta(days=1)), knee(LINEAR), week(6))
    assert late.status == ProgressStatus.BEHIND
    assert late.sentence().endswith("behind: the trend reaches 110° 23 Mar, after the target date of 22 Mar")


def test_a_target_date_of_today_has_not_passed() -> None:
    gp = progress_toward(knee_goal(110, week(6)), knee(LINEAR), week(6))
    assert gp.status == ProgressStatus.BEHIND
    assert gp.sentence().endswith("after the target date of 16 Feb")


def test_no_date_within_the_weeks_the_trend_covers() -> None:
    gp = progress_toward(knee_goal(200), knee(LINEAR), week(6))
    assert gp.status == ProgressStatus.BEHIND
    assert gp.sentence() == (
        "Right knee flexion: 81.5° → 95°, better, 11% of the way to 200°; "
        "behind: not within 7 weeks at this pace"
    )
    later = progress_toward(knee_goal(200, week(40)), knee(LINEAR), week(6))
    assert later.status == ProgressStatus.TOO_EARLY
    assert later.sentence().endswith("; too early to tell: not within 7 weeks at this pace")
    assert later.projected_text() == "not within 7 weeks at this pace"
    soon = progress_toward(knee_goal(200, week(10)), knee(LINEAR), week(6))
    assert soon.status == ProgressStatus.BEHIND


def test_on_track_sentence_with_a_range() -> None:
    gp = progress_toward(knee_goal(110), knee(LINEAR), week(6))
    assert gp.status == ProgressStatus.ON_TRACK
    assert (
        gp.sentence()
        == "Right knee flexion: 81.5° → 95°, better, 47% of the way to 110°; on track for 23 Mar"
    )
    assert gp.badge == "On track" and gp.projected_text() == "23 Mar"


def test_achieved_needs_two_weeks_meeting_the_target() -> None:
    # Four weeks: current is the mean of 1 and 3 (= 2, meets ≤ 2) but only one of them meets it.
    pain = Series("pain", "Pain", "", True, weekly([5, 5, 1, 3]))
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER)
    assert progress_toward(goal, pain, week(3)).status == ProgressStatus.NO_DATA
    met = Series("pain", "Pain", "", True, weekly([1, 1, 1, 1, 1]))
    done = progress_toward(goal, met, week(4))
    assert done.status == ProgressStatus.TARGET_MET and done.percent is None  # met from the start


def test_weeks_after_today_are_left_out() -> None:
    points = weekly([100, 101, 102, 103, 104, 105]) + (Point(week(9), 140.0),)
    gp = progress_toward(knee_goal(130), Series(KNEE, "Knee", "°", False, points), week(5))
    assert gp.points == 6 and gp.current == 104


def test_current_value_edges() -> None:
    assert current_value(weekly([1, 2, 3]), weeks=0) is None
    assert reached_on(weekly([1, 1, 5]), 2, Direction.LOWER) is None
    assert reached_on(weekly([5, 1, 1]), 2, Direction.LOWER) == week(1)


# Sentences and badges --------------------------------------------------------------------------------


def test_not_enough_data_counts_the_weeks() -> None:
    pain = Series("pain", "Pain", "", True, weekly([6, 6, 5, 5]))
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER)
    assert progress_toward(goal, pain, week(3)).sentence() == (
        "Pain: 6 → 5, no meaningful change, target 2; not enough data yet for a status: log another week"
    )
    three = Series("pain", "Pain", "", True, weekly([6, 6, 5]))
    assert progress_toward(goal, three, week(2)).sentence() == (
        "Pain: 6 → 5, no meaningful change, target 2; not enough data yet for a status: log 2 more weeks"
    )
    two = Series("pain", "Pain", "", True, weekly([6, 6]))
    assert (
        progress_toward(goal, two, week(1)).sentence().endswith("log 3 more weeks to see progress toward 2")
    )


def test_whole_numbers_by_marker() -> None:
    activity = Series("activity/3", "Walk to the shop", "", False, weekly([2, 3, 4, 6, 7]))
    goal = Goal(Discipline.OT, "Walk", "activity/3", 9, Direction.HIGHER)
    gp = progress_toward(goal, activity, week(4))
    assert gp.whole is True and gp.sentence().startswith("Walk to the shop: 2.5 → 6, better")
    assert progress_toward(knee_goal(130), knee(LINEAR), week(6)).whole is False
    sleep = Series("sleep_hours", "Sleep", "h", False, weekly([6, 6, 6, 6, 6]))
    sleep_goal = Goal(Discipline.PT, "Sleep", "sleep_hours", 7.5, Direction.HIGHER)
    assert progress_toward(sleep_goal, sleep, week(4)).whole is False
    lefs = Series("measure/LEFS", "LEFS", "", False, weekly([30]))
    assert (
        progress_toward(Goal(Discipline.PT, "L", "measure/LEFS", 60, Direction.HIGHER), lefs, week(0)).whole
        is False
    )


def test_a_series_without_a_threshold_has_no_verdict() -> None:
    sessions = Series("sessions_attended", "Sessions", "", False, weekly([1, 1, 2, 2, 2]))
    gp = progress_toward(
        Goal(Discipline.PT, "S", "sessions_attended", 3, Direction.HIGHER), sessions, week(4)
    )
    assert gp.change is None and gp.verdict == "" and not gp.meaningful
    assert gp.badge == gp.status.label


def test_questionnaire_goal_statuses() -> None:
    goal = Goal(Discipline.PT, "LEFS 60", "measure/LEFS", 60, Direction.HIGHER)

    def status_of(values: list[float]) -> ProgressStatus:
        points = tuple(Point(week(4 * i), float(v)) for i, v in enumerate(values))
        return progress_toward(
            goal, Series("measure/LEFS", "LEFS", "", False, points), week(4 * len(values))
        ).status

    assert status_of([50, 62, 64]) == ProgressStatus.TARGET_MET
    assert status_of([62, 64, 50, 62, 64]) == ProgressStatus.TARGET_MET
    assert status_of([50, 50, 62]) == ProgressStatus.REACHED_ONCE
    assert status_of([62, 50]) == ProgressStatus.BY_CHANGE
    assert status_of([62]) == ProgressStatus.NO_DATA
    set_goal = Goal(Discipline.PT, "LEFS 60", "measure/LEFS", 60, Direction.HIGHER, baseline=20)
    one = Series("measure/LEFS", "LEFS", "", False, (Point(week(0), 45.0),))
    gp = progress_toward(set_goal, one, week(0))
    assert (gp.baseline, gp.current) == (20, 45)
    assert progress_toward(goal, one, week(0)).current is None


def test_a_stale_goal_shows_no_projection_text() -> None:
    gp = progress_toward(knee_goal(110), knee(LINEAR), week(12))
    assert gp.status == ProgressStatus.STALE and gp.projected_text() == "" and gp.projection is None


def test_no_projection_text_without_a_trend() -> None:
    flat = progress_toward(knee_goal(130), knee([100] * 7), week(6))
    assert flat.status == ProgressStatus.NO_TREND and flat.projected_text() == ""


# Periods ----------------------------------------------------------------------------------------------


def test_compare_periods_edges() -> None:
    assert compare_periods(weekly([5, 3])) == (5.0, 3.0)
    assert compare_periods(weekly([8] * 4 + [6] + [2] * 5)) == (8.0, 2.0)  # four and four by default
    assert compare_periods(weekly([4, 6, 8, 10]), first_n=0) == (None, 9.0)
    assert compare_periods(weekly([4, 6, 8, 10]), last_n=0) == (7.0, None)
    series = Series("pain", "Pain", "", True, weekly([6, 6, 2, 2]))
    change = change_between(series, (week(0), week(1)), (week(2), week(3)))
    assert change is not None and change.label == "Pain"


# Meaningful change -------------------------------------------------------------------------------------


def test_measurement_error_and_relative_criteria() -> None:
    assert measurement_error(KNEE) == 10.0
    assert measurement_error(KNEE, clinician_goniometer=True) == 5.0
    assert measurement_error("pain") == 2.0
    with pytest.raises(KeyError):
        measurement_error("sessions_attended")
    assert relative_criterion("pain") == 30.0 and relative_criterion("measure/ODI") == 30.0
    assert relative_criterion("sleep_hours") is None


def test_judgement_words() -> None:
    short = classify_change("pain", 8, 6, True)
    assert short.short_of_relative
    assert short.judgement() == (
        "within normal variation, less than 30 % of the starting value "
        "(an improvement needs both the 2-point meaningful change and 30 %)"
    )
    assert not classify_change("pain", 8, 7, True).short_of_relative
    assert not classify_change("pain", 6, 8, True).short_of_relative
    worse = classify_change("pain", 6, 8, True)
    assert worse.judgement() == "worse, as large as the 2-point meaningful change"
    assert worse.percent_text == "+33 %"
    assert classify_change("sleep_hours", 6, 7, False).describe() == (
        "Sleep rose from 6 to 7 (+1 hour): improved, more than the 0.5-hour meaningful change"
    )
    adherence = classify_change("exercise_adherence", 40, 80, False)
    assert adherence.judgement() == "improved, more than the meaningful change of 20 percentage points"
    assert threshold_for("measure/PSFS").phrase() == "the 2-point detectable change (Stratford 1995)"
    assert threshold_for(KNEE).phrase() == "the 10° meaningful change"
    override = classify_change("pain", 5, 4, True, threshold=threshold_for("measure/COPM_performance"))
    assert override.threshold.value == 2 and override.label == "Pain"


# The interval at other confidences and with a shared week -------------------------------------------------


def test_ninety_five_percent_takes_the_second_and_fourteenth_of_fifteen() -> None:
    assert exact_critical_s(6, confidence=0.95) == 13  # P(S ≥ 13) = 6/720; P(S ≥ 11) = 20/720 > 2.5 %
    values = [8.0, 36.0, 4.0, 16.0, 7.0, 31.0]
    slopes = sorted((values[j] - values[i]) / (j - i) for i in range(6) for j in range(i + 1, 6))
    assert slope_interval(weekly(values), confidence=0.95) == (slopes[1], slopes[13])


def test_normal_approximation_at_ninety_five_percent() -> None:
    values = [float(v) for v in (1, 4, 2, 6, 5, 9, 7, 12, 10, 15, 13)]
    slopes = sorted((values[j] - values[i]) / (j - i) for i in range(11) for j in range(i + 1, 11))
    # S* = 1.96·√165 + 1 = 26.18: ranks 15 and 41 of 55.
    assert slope_interval(weekly(values), confidence=0.95) == (slopes[14], slopes[40])


def test_two_values_in_one_week_use_the_normal_approximation() -> None:
    values = [8.0, 36.0, 4.0, 16.0, 7.0, 31.0]
    weeks = [0, 1, 2, 3, 4, 4]  # the last two share a week: 14 slopes, not 15
    points = [Point(week(w), v) for w, v in zip(weeks, values, strict=True)]
    slopes = sorted(
        (values[j] - values[i]) / (weeks[j] - weeks[i])
        for i in range(6)
        for j in range(i + 1, 6)
        if weeks[j] != weeks[i]
    )
    # S* = 1.645·√(6·5·17/18) + 1 = 9.76: ranks 3 and 12 of 14.
    assert slope_interval(points) == (slopes[2], slopes[11])


# COPM input -------------------------------------------------------------------------------------------------


def test_copm_names_each_wrong_rating() -> None:
    with pytest.raises(InvalidInput) as caught:
        copm(
            [
                CopmProblem("Dressing", 8, "five", 5),  # type: ignore[arg-type]
                CopmProblem("Cooking", 8, 3.5, 11),
            ]
        )
    problems = {p.field: p.message for p in caught.value.problems}
    assert problems["COPM/1/performance"] == "COPM problem 1 performance must be a number (got 'five')."
    assert "COPM/2/performance" in problems and "COPM problem 2 performance" in problems["COPM/2/performance"]
    assert (
        "COPM/2/satisfaction" in problems and "COPM problem 2 satisfaction" in problems["COPM/2/satisfaction"]
    )
    assert "COPM/1/satisfaction" not in problems
    with pytest.raises(InvalidInput) as count:
        copm([])
    assert count.value.problems[0].field == "COPM_performance"


def test_a_passed_target_date_is_behind_at_once() -> None:
    # The check-in before met the target once; now the date has passed and it is not met: behind, at once.
    values = [3, 4, 5, 6, 7, 8, 9, 8]
    activity = Series("activity/3", "Dress", "", False, weekly(values))
    goal = Goal(Discipline.OT, "Dress", "activity/3", 9, Direction.HIGHER, target_date=week(5))
    gp = progress_toward(goal, activity, week(7))
    assert gp.status == ProgressStatus.BEHIND
    assert gp.sentence().endswith("behind: the target date of 9 Feb has passed")


def test_behind_target_date_at_the_edge_of_the_weeks_the_trend_covers() -> None:
    # LINEAR to 200: no date within the weeks the trend covers, at week 5 (to week 11) nor at week 6 (to
    # week 13). A target date by week 11 is missed at both check-ins; a day later, at week 5 it was not.
    assert progress_toward(knee_goal(200, week(11)), knee(LINEAR), week(6)).status == ProgressStatus.BEHIND
    beyond = progress_toward(knee_goal(200, week(11) + timedelta(days=1)), knee(LINEAR), week(6))
    assert beyond.status == ProgressStatus.TOO_EARLY


def test_lower_is_better_range_by_hand() -> None:
    # RISING turned upside down: slopes −4 (fast) and −7/3 (slow); current 5, target −9: 14 to go.
    falling = weekly([16, 12, 11, 6, 5, 0])
    found = projection(falling, -9, Direction.LOWER, week(5), min_change=10)
    assert found is not None
    assert (found.early, found.late) == (date(2026, 3, 5), date(2026, 3, 23))
    assert (found.fast_per_week, found.slow_per_week) == (pytest.approx(-4.0), pytest.approx(-7 / 3))
    assert projection(falling, -9, Direction.LOWER, week(10), min_change=10) is None  # last log 5 weeks old


def test_every_status_has_plain_words() -> None:
    labels = {s: s.label for s in ProgressStatus}
    assert labels == {
        ProgressStatus.TARGET_MET: "Achieved",
        ProgressStatus.REACHED_ONCE: "Reached once \u2014 log again to confirm",
        ProgressStatus.ON_TRACK: "On track",
        ProgressStatus.TOO_EARLY: "Too early to tell",
        ProgressStatus.BEHIND: "Behind",
        ProgressStatus.NO_TREND: "No clear trend yet",
        ProgressStatus.NO_DATA: "Not enough data yet",
        ProgressStatus.STALE: "Not logged lately",
        ProgressStatus.BY_CHANGE: "Judged by change",
    }


def test_sentences_hug_degrees_and_percent_only() -> None:
    adherence = Series("exercise_adherence", "Exercise adherence", "%", False, weekly([40, 40, 60, 80, 80]))
    goal = Goal(Discipline.PT, "Adherence", "exercise_adherence", 90, Direction.HIGHER)
    assert (
        progress_toward(goal, adherence, week(4))
        .sentence()
        .startswith("Exercise adherence: 40% → 80%, better, 80% of the way to 90%")
    )
    sleep = Series("sleep_hours", "Sleep", "h", False, tuple(reversed(weekly([6, 6, 6.5, 7, 7]))))
    sleep_goal = Goal(Discipline.PT, "Sleep", "sleep_hours", 7.5, Direction.HIGHER)
    assert (
        progress_toward(sleep_goal, sleep, week(4))
        .sentence()
        .startswith("Sleep: 6 → 7 h, better, 67% of the way to 7.5 h")
    )


def test_questionnaire_sentence() -> None:
    points = tuple(Point(week(4 * i), v) for i, v in enumerate([30.0, 46, 66]))
    lefs = Series("measure/LEFS", "LEFS", "", False, points)
    goal = Goal(Discipline.PT, "LEFS 70", "measure/LEFS", 70, Direction.HIGHER)
    assert progress_toward(goal, lefs, week(8)).sentence() == "LEFS: 30 → 66, better, 90% of the way to 70"


def test_pain_falling_exactly_thirty_percent_is_improved() -> None:
    assert classify_change("pain", 10, 7, True).direction == "improved"
    assert classify_change("pain", 10, 7.1, True).direction == "within normal variation"


def test_three_points_keep_every_slope() -> None:
    assert slope_interval(weekly([0, 1, 5])) == (1.0, 4.0)


# Survivors of the first mutation run --------------------------------------------------------------------


def test_nothing_logged_with_a_baseline_set_by_the_therapist() -> None:
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER, baseline=8)
    empty = Series("pain", "Pain", "", True, ())
    assert progress_toward(goal, empty, week(0)).sentence() == "Pain: nothing logged yet; target 2"
    lefs = Series("measure/LEFS", "LEFS", "", False, (Point(week(0), 30.0),))
    lefs_goal = Goal(Discipline.PT, "LEFS 60", "measure/LEFS", 60, Direction.HIGHER)
    assert progress_toward(lefs_goal, lefs, week(0)).sentence() == (
        "LEFS: one score so far; the next will be compared with it (target 60)"
    )


def test_behind_without_a_date_says_so_without_the_target_date() -> None:
    gp = progress_toward(knee_goal(200, week(11)), knee(LINEAR), week(6))
    assert gp.status == ProgressStatus.BEHIND
    assert gp.sentence().endswith("; behind: not within 7 weeks at this pace")


def test_a_small_steady_trend_projects_unless_a_measurement_error_is_given() -> None:
    from rehabtrack.core.progress import projected_date, status

    slow = weekly([100 + 0.1 * i for i in range(8)])  # 0.7 over the window
    assert projected_date(slow, 101, Direction.HIGHER, week(7)) is not None
    assert projected_date(slow, 101, Direction.HIGHER, week(7), min_change=10) is None
    assert status(slow, 101, Direction.HIGHER, week(7)) == ProgressStatus.ON_TRACK
    assert status(slow, 101, Direction.HIGHER, week(7), min_change=10) == ProgressStatus.NO_TREND


def test_a_shorter_trend_window() -> None:
    found = projection(knee([80 + 2 * i for i in range(15)]).points, 150, Direction.HIGHER, week(14), 6)
    assert found is not None and found.horizon_weeks == 6


def test_periods_by_default_and_by_choice() -> None:
    from rehabtrack.core.progress import default_periods, summarise_change

    values = [8, 8, 8, 8, 6, 6, 2, 2, 2, 2]
    assert compare_periods(weekly(values)) == (8.0, 2.0)
    series = Series("pain", "Pain (weekly average)", "", True, weekly(values))
    change = summarise_change(series)
    assert change is not None and (change.before, change.after) == (8.0, 2.0)
    assert change.label == "Pain (weekly average)"
    chosen = summarise_change(series, first_n=2, last_n=5)
    assert chosen is not None and (chosen.before, chosen.after) == (8.0, 2.8)
    between = change_between(series, (week(0), week(1)), (week(8), week(9)))
    assert between is not None and between.label == "Pain (weekly average)"
    assert default_periods(weekly([5, 4])) == ((week(0), week(0)), (week(1), week(1)))
    assert default_periods(weekly([5, 4, 3, 2, 1])) == ((week(0), week(2)), (week(3), week(4)))


def test_threshold_phrases_for_every_kind_of_unit() -> None:
    from rehabtrack.core.meaningful_change import Threshold

    assert Threshold(10, "%", "").phrase() == "the 10% meaningful change"
    assert threshold_for("flareup_count").phrase() == "the meaningful change of 2 flare-ups"
    assert classify_change("activity/5", 2, 6, False).label == "Activity"
    near = classify_change("pain", 6, 4.04, True)
    assert near.describe() == (
        "Pain fell from 6 to 4.04 (\u22121.96 points, \u221233 %): within normal variation, "
        "less than the 2-point meaningful change"
    )


def test_trend_line_value_at_a_day() -> None:
    from rehabtrack.core.trend import Trend

    assert Trend(2.0, MONDAY, 10.0).value_at(MONDAY + timedelta(days=14)) == 14.0
    assert Trend(-0.5, MONDAY, 10.0).value_at(MONDAY + timedelta(days=7)) == 9.5


def test_published_thresholds_are_marked_and_unknown_keys_refused() -> None:
    assert threshold_for("pain").published is True
    assert threshold_for("sleep_hours").published is False
    with pytest.raises(KeyError, match="no meaningful-change threshold for series 'rom'"):
        threshold_for("rom")  # a prefix needs its slash
    with pytest.raises(KeyError):
        threshold_for("sessions_attended")


def test_change_fields() -> None:
    same = classify_change("pain", 2, 2, True)
    assert str(same.delta) == "0.0" and same.key == "pain"
    assert classify_change("pain", 5, 3, True, "My pain").label == "My pain"
    assert classify_change("pain", 1e-9, 3, True).percent is not None
    assert classify_change("pain", 5e-10, 3, True).percent is None
    # 2.98 points from 10 is 29.8 %, short of 30 %.
    assert classify_change("pain", 10, 7.02, True).direction == "within normal variation"


def test_theil_sen_from_two_weeks_and_its_median() -> None:
    from rehabtrack.core.trend import theil_sen, trend

    two = theil_sen(weekly([4, 6]))
    assert two is not None and two.slope_per_week == 2.0
    # Slopes 1, 1, 2, 2.5, 2.5, 4: the median is 2.25.
    line = theil_sen(weekly([0, 1, 5, 6]))
    assert line is not None and line.slope_per_week == 2.25
    short = trend(weekly([0, 10, 11]), window_weeks=2)
    assert short is not None and short.slope_per_week == 1.0
    # Twelve calendar weeks by default: week 0 (an outlier) is thirteen weeks before the last.
    default = trend(weekly([100] + [float(i) for i in range(1, 13)]))
    assert default is not None and default.slope_per_week == 1.0


def test_two_points_have_an_interval_and_no_tail_is_exactly_five_percent() -> None:
    from fractions import Fraction

    from rehabtrack.core.trend import kendall_s_counts

    assert slope_interval(weekly([4, 6])) == (2.0, 2.0)
    # The exact rule compares a tail with 5 %; no tail for n ≤ 10 is exactly 5 %, so "≤" and "<" agree.
    for n in range(2, 11):
        counts = kendall_s_counts(n)
        total = sum(counts.values())
        tails = [Fraction(sum(c for s, c in counts.items() if s >= cut), total) for cut in counts]
        assert Fraction(1, 20) not in tails and Fraction(1, 40) not in tails  # 90 % and 95 %


def test_current_never_uses_the_baseline_weeks_unless_the_therapist_set_the_baseline() -> None:
    from rehabtrack.core.progress import status

    # Three weeks 1, 1, 5: the baseline is the two 1s; the current value is week 3 alone, which is not met.
    assert status(weekly([1, 1, 5]), 2, Direction.LOWER, week(2)) == ProgressStatus.NO_DATA
    # With a set baseline all three count: the middle value 1 meets the target, twice.
    goal = Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER, baseline=8)
    pain = Series("pain", "Pain (weekly average)", "", True, weekly([1, 1, 5]))
    gp = progress_toward(goal, pain, week(2))
    assert gp.status == ProgressStatus.TARGET_MET
    steady = Series("pain", "Pain (weekly average)", "", True, weekly([6, 5, 4]))
    assert progress_toward(goal, steady, week(2)).current == 5
    assert progress_toward(goal, steady, week(2)).change.label == "Pain (weekly average)"  # type: ignore[union-attr]


def test_the_next_check_in_is_next_monday() -> None:
    pain = Series("pain", "Pain", "", True, weekly([9, 8, 7, 6, 5, 4, 3]))
    gp = progress_toward(Goal(Discipline.PT, "Pain", "pain", 2, Direction.LOWER), pain, week(9))
    assert gp.projection is not None and gp.projection.early == week(10)


def test_too_early_when_the_fast_end_lands_on_the_target_date() -> None:
    gp = progress_toward(knee_goal(125, date(2026, 3, 5)), knee(RISING), week(5))
    assert gp.status == ProgressStatus.TOO_EARLY


def test_future_weeks_do_not_count_for_status() -> None:
    from rehabtrack.core.progress import status

    points = weekly([1, 1, 5]) + (Point(week(3), 1.0),)
    assert status(points, 2, Direction.LOWER, week(2)) == ProgressStatus.NO_DATA


def test_a_target_date_of_today_still_waits_for_a_second_check_in() -> None:
    six = knee([80 + 3 * i for i in range(6)])
    gp = progress_toward(knee_goal(105, week(5)), six, week(5))
    assert gp.status == ProgressStatus.TOO_EARLY
    assert gp.projection is not None
    assert "too early to tell: the trend reaches 105°" in gp.sentence()


def test_goal_progress_fields() -> None:
    pain = Series("pain", "Pain (weekly average)", "", True, weekly([6, 6]))
    goal = Goal(Discipline.PT, "Pain", "pain", 2.5, Direction.LOWER)
    two = progress_toward(goal, pain, week(1))
    assert two.change is None and two.whole is True and two.trend is not None
    assert two.sentence().endswith("progress toward 2.5")  # a target of 2.5 is never shown as 3
    gp = progress_toward(knee_goal(110), knee(LINEAR), week(6))
    assert gp.trend is not None and gp.trend.slope_per_week == 3.0
    assert gp.projected == week(11) == gp.projection.early  # type: ignore[union-attr]
    long = knee([200, 200, 200] + [80 + 2 * i for i in range(12)])
    trend_line = progress_toward(knee_goal(150), long, week(14)).trend
    assert trend_line is not None and trend_line.slope_per_week == 2.0
    once = progress_toward(
        Goal(Discipline.PT, "P", "pain", 2, Direction.LOWER),
        Series("pain", "Pain", "", True, weekly([6, 6, 5, 4, 4, 2])),
        week(5),
    )
    assert once.status == ProgressStatus.REACHED_ONCE and once.reached is None
    lefs_goal = Goal(Discipline.PT, "LEFS 60", "measure/LEFS", 60, Direction.HIGHER)
    two_scores = Series("measure/LEFS", "LEFS", "", False, (Point(week(0), 40.0), Point(week(4), 50.0)))
    assert progress_toward(lefs_goal, two_scores, week(4)).current == 50


def test_a_series_without_a_threshold_still_needs_a_clear_trend_only() -> None:
    sessions = Series("sessions_attended", "Sessions", "", False, weekly([1 + 0.1 * i for i in range(8)]))
    goal = Goal(Discipline.PT, "S", "sessions_attended", 2, Direction.HIGHER)
    gp = progress_toward(goal, sessions, week(7))
    assert gp.projection is not None


def test_too_early_when_the_fast_end_lands_exactly_on_the_target_date() -> None:
    # At week 6 the range is 12–25 Mar; at week 5 it began on 14 Mar. A target date of 12 Mar: the fast
    # end reaches it, the slow end does not: too early to tell (not behind).
    values = [80, 83, 89, 90, 93, 98, 104]
    found = projection(knee(values).points, 114, Direction.HIGHER, week(6), min_change=10)
    assert found is not None and (found.early, found.late) == (date(2026, 3, 12), date(2026, 3, 25))
    gp = progress_toward(knee_goal(114, date(2026, 3, 12)), knee(values), week(6))
    assert gp.status == ProgressStatus.TOO_EARLY


def test_trend_window_edges_with_few_weeks() -> None:
    from rehabtrack.core.trend import trend

    # Week 0 is thirteen weeks before week 12: outside the default twelve-week window.
    points = [Point(week(0), 100.0), Point(week(10), 1.0), Point(week(11), 2.0), Point(week(12), 3.0)]
    line = trend(points)
    assert line is not None and line.slope_per_week == 1.0
    long = knee([200.0] * 6 + [80 + 2 * i for i in range(12)])
    goal_trend = progress_toward(knee_goal(150), long, week(17)).trend
    assert goal_trend is not None and goal_trend.slope_per_week == 2.0


def test_a_change_of_nothing_is_never_minus_zero() -> None:
    assert str(classify_change("pain", 2, 2 - 1e-12, True).delta) == "0.0"
