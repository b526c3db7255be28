"""A clinic convention's threshold set for one patient: only conventions, never below measurement error."""

from __future__ import annotations

from datetime import date, timedelta

from rehabtrack.core.meaningful_change import (
    classify_change,
    conventions,
    measurement_error,
    patient_thresholds,
    threshold_for,
    threshold_problem,
)
from rehabtrack.core.model import Direction, Discipline, Goal
from rehabtrack.core.progress import ProgressStatus, progress_toward
from rehabtrack.core.series import Point, Series


def test_conventions_are_the_unpublished_thresholds_with_a_measurement_error() -> None:
    found = conventions()
    assert set(found) == {
        "stiffness_minutes",
        "stiffness_severity",
        "flareup_count",
        "flareup_worst",
        "sleep_hours",
        "sleep_quality",
        "nights_woken",
        "exercise_adherence",
        "measure/GAS",
    }
    assert all(not t.published for t in found.values())
    assert (found["sleep_hours"].measurement_error, found["sleep_hours"].most) == (0.25, 16.0)


def test_where_a_threshold_comes_from() -> None:
    pain, sleep = threshold_for("pain"), threshold_for("sleep_hours")
    assert pain.origin() == "Farrar 2001; Childs 2005" and pain.tag() == ""
    assert sleep.origin() == "clinic convention" and sleep.tag() == " (clinic convention)"
    assert sleep.explained() == (
        "Meaningful change: 0.5 hours (clinic convention). Not a published MCID; a therapist may change it "
        "for this patient."
    )
    assert pain.explained().startswith("Meaningful change: 2 points (Farrar 2001; Childs 2005). Numeric pain")
    with patient_thresholds({"sleep_hours": 1.0, "pain": 5.0}):
        mine = threshold_for("sleep_hours")
        assert (mine.value, mine.for_patient) == (1.0, True)
        assert mine.origin() == "clinic convention, set for this patient"
        assert threshold_for("pain").value == 2.0  # a published threshold is never replaced
    assert threshold_for("sleep_hours").value == 0.5  # outside, the table's again


def test_what_is_wrong_with_a_patients_threshold() -> None:
    assert threshold_problem("sleep_hours", 1.0) is None
    assert threshold_problem("sleep_hours", 0.25) is None  # exactly the measurement error is allowed
    assert threshold_problem("sleep_hours", 16) is None
    low = threshold_problem("sleep_hours", 0.1)
    assert low is not None and low.field == "sleep_hours"
    assert low.message == (
        "Sleep meaningful change must be from 0.25 to 16 hours (got 0.1 hours). Less than 0.25 hours is "
        "within measurement error: people recall their average sleep to about a quarter of an hour."
    )
    high = threshold_problem("sleep_hours", 17)
    assert (
        high is not None
        and high.message == "Sleep meaningful change must be from 0.25 to 16 hours (got 17 hours)."
    )
    nan = threshold_problem("sleep_hours", float("nan"))
    assert nan is not None and "within measurement error" not in nan.message
    published = threshold_problem("pain", 3)
    assert published is not None and published.field == "pain"
    assert published.message == (
        "Pain: the meaningful change is published (Farrar 2001; Childs 2005) and cannot be changed."
    )
    prefix = threshold_problem("rom/knee/right/flexion/active", 8)
    assert prefix is not None and "cannot be changed" in prefix.message


def test_every_verdict_and_trend_check_uses_the_patients_threshold() -> None:
    assert classify_change("sleep_hours", 6.0, 6.6, False).improved
    monday = date(2026, 1, 5)
    sleep = Series(
        "sleep_hours",
        "Sleep",
        "h",
        False,
        tuple(Point(monday + timedelta(weeks=i), 6 + 0.1 * i) for i in range(8)),
    )
    goal = Goal(Discipline.PT, "Sleep 7 h", "sleep_hours", 7.0, Direction.HIGHER)
    assert progress_toward(goal, sleep, monday + timedelta(weeks=7)).status == ProgressStatus.ON_TRACK
    with patient_thresholds({"sleep_hours": 1.0}):
        assert not classify_change("sleep_hours", 6.0, 6.6, False).meaningful
        assert measurement_error("sleep_hours") == 1.0
        # 0.1 h a week over 7 weeks is 0.7 h: inside this patient's 1-hour threshold, so no trend.
        gp = progress_toward(goal, sleep, monday + timedelta(weeks=7))
        assert gp.status == ProgressStatus.NO_TREND and gp.projection is None


def test_thresholds_read_as_set() -> None:
    from rehabtrack.core.meaningful_change import Threshold

    with patient_thresholds({"sleep_hours": 0.25}):
        quarter = threshold_for("sleep_hours")
        assert quarter.phrase() == "the 0.25-hour meaningful change"
        assert quarter.amount(quarter.value) == "0.25 hours"
    assert Threshold(7.25, "°", "").phrase() == "the 7.25° meaningful change"
    percent = classify_change("pain", 40, 60, False, "Share", threshold=Threshold(10, "%", ""))
    assert percent.describe().startswith("Share rose from 40% to 60% (+20%")
    near = classify_change("pain", 6.04, 4.08, True)
    assert near.describe().startswith("Pain fell from 6.04 to 4.08 (\u22121.96 points, \u221232 %)")
