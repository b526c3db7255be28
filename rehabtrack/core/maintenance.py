"""The maintenance phase after therapy: a lighter check-in routine and a recurrence watch.

Once every active goal is met, or the patient marks themselves discharged, RehabTrack offers a
maintenance phase: a check-in every 2 or 4 weeks (the patient's choice). While it lasts, each
symptom, range-of-motion and activity series is watched (``core.recurrence.watch``): two check-ins
in a row worse than at discharge by at least the meaningful change give one plain message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.measure_series import MeasureResult, any_series
from rehabtrack.core.model import Activity, Goal, GoalStatus, WeeklyEntry
from rehabtrack.core.progress import ProgressStatus, progress_toward
from rehabtrack.core.recurrence import RecurrenceAlert, watch
from rehabtrack.core.series import rom_keys, series_for
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.core.weeks import ONE_WEEK, missing_weeks, week_start

CADENCES: tuple[int, ...] = (2, 4)  # weeks between maintenance check-ins
WATCHED_MARKERS: tuple[str, ...] = tuple(m.key for m in WEEKLY_MARKERS if m.watched)


@dataclass(frozen=True)
class MaintenancePlan:
    """Where a patient stands after therapy. ``every_weeks`` None: not in the maintenance phase."""

    discharged_on: date | None = None
    every_weeks: int | None = None
    since: date | None = None  # the day the maintenance phase (and the recurrence watch) started

    @property
    def active(self) -> bool:
        return self.every_weeks is not None and self.since is not None

    def problems(self) -> list[Problem]:
        found = []
        if self.every_weeks is not None and self.every_weeks not in CADENCES:
            choices = " or ".join(str(c) for c in CADENCES)
            found.append(
                Problem(
                    "every_weeks",
                    f"Maintenance check-ins are every {choices} weeks (got {self.every_weeks}).",
                )
            )
        if (self.every_weeks is None) != (self.since is None):
            found.append(
                Problem("since", "A maintenance phase needs both a start day and a check-in interval.")
            )
        return found

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidInput(problems)

    def next_check_in(self, last_logged: date | None) -> date | None:
        """When the next maintenance check-in is due: ``every_weeks`` after the last logged week
        (or the start of the phase, if nothing was logged since)."""
        if not self.active:
            return None
        assert self.since is not None and self.every_weeks is not None
        start = self.since if last_logged is None or last_logged < self.since else last_logged
        return start + timedelta(weeks=self.every_weeks)


def goals_met(
    goals: Sequence[Goal],
    entries: Sequence[WeeklyEntry],
    activities: Sequence[Activity],
    today: date,
    results: Sequence[MeasureResult] = (),
) -> bool:
    """True when there is at least one goal and every goal still being worked on is met.

    A goal counts as met when it is marked achieved or its progress says achieved; discontinued
    goals are left out.
    """
    live = [g for g in goals if g.status != GoalStatus.DISCONTINUED]
    if not live:
        return False
    for goal in live:
        if goal.status == GoalStatus.MARKED_ACHIEVED:
            continue
        try:
            series = any_series(goal.marker, entries, activities, results)  # a score may measure a goal
        except (KeyError, ValueError):
            return False
        if progress_toward(goal, series, today).status != ProgressStatus.TARGET_MET:
            return False
    return True


def should_offer(plan: MaintenancePlan, goals_are_met: bool) -> bool:
    """Offer a maintenance phase when not in one and the patient is discharged or met every goal."""
    return not plan.active and (plan.discharged_on is not None or goals_are_met)


def watched_keys(entries: Sequence[WeeklyEntry], activities: Sequence[Activity]) -> list[str]:
    """Symptoms, then every range-of-motion movement, then each current activity's rating."""
    keys = list(WATCHED_MARKERS) + rom_keys(entries)
    keys += [f"activity/{a.id}" for a in activities if not a.archived and a.id is not None]
    return keys


def recurrence_alerts(
    plan: MaintenancePlan, entries: Sequence[WeeklyEntry], activities: Sequence[Activity]
) -> list[RecurrenceAlert]:
    """Every watched series worse than at discharge for two check-ins in a row; none outside
    the maintenance phase."""
    if not plan.active:
        return []
    assert plan.since is not None
    found = []
    for key in watched_keys(entries, activities):
        series = series_for(key, entries, activities)
        if not series.points:
            continue
        try:
            alert = watch(series, plan.since)
        except KeyError:
            continue
        if alert is not None:
            found.append(alert)
    return found


def checkin_period(plan: MaintenancePlan, today: date) -> tuple[date, date]:
    """The first and last Monday of the check-in period ``today`` is in: this week, or in the
    maintenance phase the block of ``every_weeks`` weeks counted from the week it started."""
    this_week = week_start(today)
    if not plan.active:
        return this_week, this_week
    assert plan.since is not None and plan.every_weeks is not None
    start = week_start(plan.since)
    blocks = max(0, (this_week - start).days // 7 // plan.every_weeks)
    first = start + timedelta(weeks=blocks * plan.every_weeks)
    return first, first + timedelta(weeks=plan.every_weeks - 1)


def checkin_logged(plan: MaintenancePlan, logged_weeks: Sequence[date], today: date) -> bool:
    """Whether the current check-in period already has a logged week (so no reminder is due)."""
    first, last = checkin_period(plan, today)
    return any(first <= week <= last for week in logged_weeks)


def missed_checkins(plan: MaintenancePlan, logged_weeks: Sequence[date], today: date) -> list[date]:
    """The check-ins not logged since the last logged week, each as its first Monday: every week
    while check-ins are weekly; in the maintenance phase, each 2- or 4-week block with no week logged
    (a week the patient need not log is never counted as missed). The current period is not missed."""
    current, _ = checkin_period(plan, today)
    before = [w for w in logged_weeks if w < current]
    if not before:
        return []
    last = max(before)
    if not plan.active:
        return missing_weeks(logged_weeks, last + ONE_WEEK, current - ONE_WEEK)
    assert plan.since is not None
    phase_start = week_start(plan.since)
    missed = missing_weeks(logged_weeks, last + ONE_WEEK, min(phase_start, current) - ONE_WEEK)
    first, end = checkin_period(plan, max(last + ONE_WEEK, phase_start))
    while first < current:
        if not any(first <= week <= end for week in logged_weeks) and end > last:
            missed.append(first)
        first, end = checkin_period(plan, end + ONE_WEEK)
    return missed
