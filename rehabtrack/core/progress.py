"""Goal progress: where the patient started, where they are, how far along, and when they may get there.

The rules, in the words a therapist would use:

- **Baseline**: the goal's own baseline if the therapist set one, else the mean of the first two logged
  weeks (one week if only one), so a single unusual first week does not set the bar.
- **Current**: the mean of the last two logged values, so one noisy week does not swing it.
- **Percent of the way**: from baseline to target in the goal's direction; a setback is negative.
  Clamped to −100..100: beyond the target reads 100%, and a setback reads at most −100%.
- **Projected date**: when the Theil–Sen trend of the last 12 calendar weeks reaches the target;
  none with fewer than three points, or when the trend is flat or heads away from the target.
- **Status**: achieved (current meets target), on track (projected by the target date, or moving
  toward the target when there is no target date), behind, or not enough data (fewer than 2 points).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from rehabtrack.core.markers import MARKERS_BY_KEY
from rehabtrack.core.meaningful_change import Change, classify_change
from rehabtrack.core.model import Direction, Goal
from rehabtrack.core.numbers import format_value, round_half_up
from rehabtrack.core.series import Point, Series
from rehabtrack.core.trend import DAYS_PER_WEEK, Trend, trend

BASELINE_WEEKS = 2
CURRENT_WEEKS = 2
TREND_WINDOW_WEEKS = 12
MIN_POINTS_FOR_PROJECTION = 3
MIN_POINTS_FOR_STATUS = 2
# A projection further out than this is not a projection anyone should plan by.
MAX_PROJECTION_WEEKS = 520
MINUS = "\u2212"


class ProgressStatus(Enum):
    ACHIEVED = "achieved"
    ON_TRACK = "on track"
    BEHIND = "behind"
    NO_DATA = "not enough data yet"

    @property
    def label(self) -> str:
        """Plain words for a badge: "Achieved", "On track", "Behind", "Not enough data yet"."""
        return self.value.capitalize()


def _ordered(points: Sequence[Point]) -> list[Point]:
    return sorted(points, key=lambda p: p.week)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def meets(value: float, target: float, direction: Direction) -> bool:
    """Whether ``value`` is at or past ``target`` in the goal's direction."""
    return value >= target if Direction(direction) == Direction.HIGHER else value <= target


def default_baseline(points: Sequence[Point]) -> float | None:
    """Mean of the first two logged weeks (one if only one was logged); None when nothing was logged."""
    if not points:
        return None
    return _mean([p.value for p in _ordered(points)[:BASELINE_WEEKS]])


def current_value(points: Sequence[Point], weeks: int = CURRENT_WEEKS) -> float | None:
    """Mean of the last ``weeks`` logged values (missed weeks are skipped, not counted as zero).

    Two weeks by default, so one unusually good or bad week does not swing the goal's progress.
    """
    if not points or weeks < 1:
        return None
    return _mean([p.value for p in _ordered(points)[-weeks:]])


def percent_of_way(baseline: float, current: float, target: float, direction: Direction) -> float:
    """How far from ``baseline`` to ``target`` the patient has come, in percent.

    Positive toward the target in the goal's direction (for a lower-is-better goal a fall is
    progress), negative for a setback. Clamped to −100..100. When the baseline already met the
    target (including baseline == target) there is no distance to cover: 100 while the current value
    still meets the target, else 0.
    """
    if meets(baseline, target, direction):
        return 100.0 if meets(current, target, direction) else 0.0
    fraction = (current - baseline) / (target - baseline)
    return max(-100.0, min(100.0, 100.0 * fraction))


def _reached_on(points: list[Point], target: float, direction: Direction, today: date) -> date:
    """The first week of the latest unbroken run of logged values meeting the target (else today)."""
    reached: date | None = None
    for p in reversed(points):
        if not meets(p.value, target, direction):
            break
        reached = p.week
    return reached if reached is not None else today


def projected_date(
    points: Sequence[Point],
    target: float,
    direction: Direction,
    today: date,
    window_weeks: int = TREND_WINDOW_WEEKS,
) -> date | None:
    """When the trend reaches ``target``.

    None with fewer than three logged points, or when the trend is flat, heads away from the target,
    or would take more than ten years. When the current value already meets the target: the week it
    was reached. A trend line that has already crossed the target (while the current value has not)
    projects to today.
    """
    ordered = _ordered(points)
    if len(ordered) < MIN_POINTS_FOR_PROJECTION:
        return None
    current = current_value(ordered)
    if current is not None and meets(current, target, direction):
        return _reached_on(ordered, target, direction, today)
    line = trend(ordered, window_weeks)
    if line is None or not _moving_toward(line, direction):
        return None
    weeks = (target - line.value_at(today)) / line.slope_per_week
    if weeks <= 0:
        return today
    if weeks > MAX_PROJECTION_WEEKS:
        return None
    return today + timedelta(days=round(weeks * DAYS_PER_WEEK))


def _moving_toward(line: Trend, direction: Direction) -> bool:
    if Direction(direction) == Direction.HIGHER:
        return line.slope_per_week > 0
    return line.slope_per_week < 0


def status(
    points: Sequence[Point],
    target: float,
    direction: Direction,
    today: date,
    target_date: date | None = None,
) -> ProgressStatus:
    """Achieved, on track, behind, or not enough data (fewer than two logged points).

    With exactly two points there is no projection yet; the goal is on track when the second value
    moved toward the target and the target date (if any) has not passed.
    """
    ordered = _ordered(points)
    if len(ordered) < MIN_POINTS_FOR_STATUS:
        return ProgressStatus.NO_DATA
    current = current_value(ordered)
    if current is not None and meets(current, target, direction):
        return ProgressStatus.ACHIEVED
    if len(ordered) < MIN_POINTS_FOR_PROJECTION:
        step = ordered[-1].value - ordered[0].value
        toward = step > 0 if Direction(direction) == Direction.HIGHER else step < 0
        in_time = target_date is None or today <= target_date
        return ProgressStatus.ON_TRACK if toward and in_time else ProgressStatus.BEHIND
    projected = projected_date(ordered, target, direction, today)
    if projected is None:
        return ProgressStatus.BEHIND
    if target_date is None or projected <= target_date:
        return ProgressStatus.ON_TRACK
    return ProgressStatus.BEHIND


def format_day(day: date, today: date) -> str:
    """'12 Mar' this year, '12 Mar 2027' in another."""
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b %Y}"


def _is_whole(key: str) -> bool:
    found = MARKERS_BY_KEY.get(key)
    if found is not None:
        return found.whole
    return key.startswith("activity/")


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    label: str  # what is measured, e.g. "Right knee flexion"
    unit: str
    whole: bool
    today: date
    points: int  # how many weeks were logged
    baseline: float | None
    current: float | None
    target: float
    percent: float | None
    trend: Trend | None
    projected: date | None
    status: ProgressStatus
    change: Change | None  # baseline → current against the meaningful-change threshold

    @property
    def meaningful(self) -> bool:
        """Whether baseline → current is at least the series' meaningful change."""
        return self.change is not None and self.change.meaningful

    def _fmt(self, value: float, unit: bool = True, whole: bool | None = None) -> str:
        return format_value(value, self.unit if unit else "", self.whole if whole is None else whole)

    def _mean(self, value: float, unit: bool = True) -> str:
        """Baseline and current are means of two weeks: keep their decimal, so 8.5 never reads as a met 9."""
        return self._fmt(value, unit, whole=False)

    def sentence(self) -> str:
        """E.g. "Right knee flexion: 92° → 108°, 70% of the way to 115°, on track for 12 Mar"."""
        target = self._fmt(self.target)
        if self.baseline is None or self.current is None:
            return f"{self.label}: nothing logged yet; target {target}"
        if self.status == ProgressStatus.NO_DATA:
            so_far = f"{self.label}: {self._mean(self.current)} so far"
            return f"{so_far}; log another week to see progress toward {target}"
        hug = self.unit in ("°", "%")
        head = f"{self.label}: {self._mean(self.baseline, hug)} → {self._mean(self.current)}"
        if self.status == ProgressStatus.ACHIEVED:
            return f"{head}, target of {target} reached"
        percent = self.percent if self.percent is not None else 0.0
        if percent < 0:
            where = f"further from {target} than at the start"
        else:
            where = f"{int(round_half_up(percent))}% of the way to {target}"
        if self.status == ProgressStatus.ON_TRACK:
            when = f"on track for {format_day(self.projected, self.today)}" if self.projected else "on track"
            return f"{head}, {where}, {when}"
        if self.projected is not None and self.goal.target_date is not None:
            late = (
                f"behind: the trend reaches {target} around {format_day(self.projected, self.today)}, "
                f"after the target date of {format_day(self.goal.target_date, self.today)}"
            )
            return f"{head}, {where}, {late}"
        return f"{head}, {where}, behind: not moving toward {target} yet"


def progress_toward(goal: Goal, series: Series, today: date) -> GoalProgress:
    """Everything the goal card, chart and PDF say about one goal, from one series."""
    points = _ordered(series.points)
    baseline = goal.baseline if goal.baseline is not None else default_baseline(points)
    current = current_value(points)
    percent = None
    change = None
    if baseline is not None and current is not None:
        percent = percent_of_way(baseline, current, goal.target, goal.direction)
        try:
            change = classify_change(
                series.key, baseline, current, Direction(goal.direction) == Direction.LOWER, series.label
            )
        except KeyError:
            change = None
    return GoalProgress(
        goal=goal,
        label=series.label,
        unit=series.unit,
        whole=_is_whole(series.key),
        today=today,
        points=len(points),
        baseline=baseline,
        current=current,
        target=goal.target,
        percent=percent,
        trend=trend(points, TREND_WINDOW_WEEKS),
        projected=projected_date(points, goal.target, goal.direction, today),
        status=status(points, goal.target, goal.direction, today, goal.target_date),
        change=change,
    )


def compare_periods(
    points: Sequence[Point], first_n: int = 4, last_n: int = 4
) -> tuple[float | None, float | None]:
    """(mean of the first ``first_n`` logged values, mean of the last ``last_n``).

    The two periods never share a week: with fewer than ``first_n + last_n`` points the later period
    gets at most half of them. None for a period with no values (no points, or only one).
    """
    ordered = _ordered(points)
    n = len(ordered)
    if n == 0:
        return None, None
    if n == 1:
        return ordered[0].value, None
    k_last = min(last_n, n // 2)
    k_first = min(first_n, n - k_last)
    first = _mean([p.value for p in ordered[:k_first]]) if k_first > 0 else None
    last = _mean([p.value for p in ordered[n - k_last :]]) if k_last > 0 else None
    return first, last


def summarise_change(series: Series, first_n: int = 4, last_n: int = 4) -> Change | None:
    """The change from the first weeks to the last weeks of ``series``, judged for meaningfulness.

    None when there are not two periods to compare or RehabTrack has no threshold for the series.
    """
    first, last = compare_periods(series.points, first_n, last_n)
    if first is None or last is None:
        return None
    try:
        return classify_change(series.key, first, last, series.lower_is_better, series.label)
    except KeyError:
        return None


Period = tuple[date, date]  # first and last week, both included


def default_periods(
    points: Sequence[Point], first_n: int = 4, last_n: int = 4
) -> tuple[Period, Period] | None:
    """The first ``first_n`` and last ``last_n`` logged weeks, as the session view's default comparison.

    Same split as ``compare_periods``: the periods never share a week. None with fewer than two points.
    """
    ordered = _ordered(points)
    n = len(ordered)
    if n < 2:
        return None
    k_last = min(last_n, n // 2)
    k_first = min(first_n, n - k_last)
    return (ordered[0].week, ordered[k_first - 1].week), (ordered[n - k_last].week, ordered[-1].week)


def mean_in(points: Sequence[Point], period: Period) -> float | None:
    """Mean of the values logged in ``period`` (weeks with nothing logged are skipped), None if none."""
    values = [p.value for p in points if period[0] <= p.week <= period[1]]
    return _mean(values) if values else None


def change_between(series: Series, first: Period, last: Period) -> Change | None:
    """The change from the mean of period ``first`` to the mean of period ``last``, judged for meaning.

    None when either period has no logged value or RehabTrack has no threshold for the series.
    """
    before, after = mean_in(series.points, first), mean_in(series.points, last)
    if before is None or after is None:
        return None
    try:
        return classify_change(series.key, before, after, series.lower_is_better, series.label)
    except KeyError:
        return None
