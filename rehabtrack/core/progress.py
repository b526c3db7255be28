"""Goal progress: where the patient started, where they are, and what the data can honestly say.

Our promise is that progress is never overstated. The rules:

- **Which weeks**: only weeks on or after the goal's start (the week it starts in counts), up to today.
- **Baseline**: the goal's own baseline if the therapist set one, else the mean of the first two logged
  weeks, so a single unusual first week does not set the bar.
- **Current**: the median (middle value) of the last three logged weeks, so one bad week does not move
  it at all. It never shares a week with the baseline: with fewer than five weeks it uses the weeks
  after the baseline's two.
- **Not enough data yet**: a status (on track, behind …) needs at least five logged weeks since the start.
- **Stale**: when the last log is more than 4 weeks old (8 for a questionnaire), no status and no date,
  only "last logged 12 Mar — log this week to update".
- **Achieved** (``TARGET_MET``): the current value meets the target, from at least two logged weeks. When
  only the latest log meets it: "reached once — log again to confirm". This is computed from the weeks; a
  therapist marking the goal achieved is a decision of its own (``GoalStatus.MARKED_ACHIEVED``, shown
  "Marked achieved"), and neither implies the other.
- **Trend and projection**: the Theil–Sen slope of the last 12 calendar weeks (ending at the last log),
  from at least six logged weeks in that window, with its 90 % confidence interval (Sen 1968; see
  ``core.trend.slope_interval``). "No clear trend yet", and no date, when the interval touches zero or
  points away from the target, or when the trend's change across the window (slope × weeks between the
  window's first and last log) is smaller than the marker's measurement error
  (``meaningful_change.measurement_error``: 10° for range of motion measured at home). Charts draw
  the dashed trend line only for such a clear trend (``clear_trend``; a clear decline counts too).
- **Projected date** is a range: from the current value at the fast end and the slow end of the interval.
  Never earlier than the next check-in, and never further ahead than the weeks the trend covers (else
  "not within 12 weeks at this pace").
- **On track** only when even the slow end reaches the target by the target date (or, without one, within
  the weeks the trend covers); **behind** when even the fast end misses it (or the target date has
  passed); otherwise **too early to tell**. "On track" and "behind" are shown only when the same status
  held at the previous check-in too; until then, "too early to tell" (a passed target date needs no
  second check-in).
- **Percent of the way**: baseline to target in the goal's direction, shown only with a meaningful
  improvement, and never 100 % unless achieved (at most 99 %).
- **Better / worse** only beyond the meaningful-change threshold in the goal's direction (a change equal to
  the threshold counts; relative criteria as in ``core.meaningful_change``); within it, "no meaningful
  change".
- **Questionnaires** (``measure/…`` series) are judged by first against latest score (or the therapist's
  baseline against the latest, from the first score on) and the threshold only, never projected.
- The app never says what caused a change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache
from operator import attrgetter
from statistics import median

from rehabtrack.core.markers import MARKERS_BY_KEY
from rehabtrack.core.meaningful_change import IMPROVED, WORSE, Change, classify_change, measurement_error
from rehabtrack.core.model import Direction, Goal
from rehabtrack.core.numbers import format_value, round_half_up
from rehabtrack.core.series import Point, Series
from rehabtrack.core.trend import DAYS_PER_WEEK, Trend, slope_interval, theil_sen
from rehabtrack.core.weeks import week_start

BASELINE_WEEKS = 2
CURRENT_WEEKS = 3
TREND_WINDOW_WEEKS = 12
MIN_WEEKS_FOR_STATUS = 5
MIN_WEEKS_FOR_PROJECTION = 6  # inside the trend window
STALE_WEEKS = 4
# The first this many logged weeks against the last this many: the PDF's summary of change and the
# session view's default comparison.
COMPARE_WEEKS = 4
STALE_WEEKS_QUESTIONNAIRE = 8
MAX_PERCENT_UNLESS_MET = 99.0
MINUS = "\u2212"
EN_DASH = "\u2013"
QUESTIONNAIRE_PREFIX = "measure/"


class ProgressStatus(Enum):
    """Where a goal stands by its numbers. ``TARGET_MET`` (shown "Achieved") is computed from the weeks
    logged; the therapist's decision to mark a goal achieved is ``model.GoalStatus.MARKED_ACHIEVED``."""

    TARGET_MET = "achieved"
    REACHED_ONCE = "reached once \u2014 log again to confirm"
    ON_TRACK = "on track"
    TOO_EARLY = "too early to tell"
    BEHIND = "behind"
    NO_TREND = "no clear trend yet"
    NO_DATA = "not enough data yet"
    STALE = "not logged lately"
    BY_CHANGE = "judged by change"  # questionnaires: never projected

    @property
    def label(self) -> str:
        """Plain words for a badge: "Achieved", "On track", "No clear trend yet", "Not enough data yet"."""
        return self.value[:1].upper() + self.value[1:]


class _Ordered(list[Point]):
    """Points known to be in week order: ``_ordered`` does not sort them again, and the weeks since a
    goal's start are found by bisection instead of a pass over ten years of points."""


def _ordered(points: Sequence[Point]) -> list[Point]:
    if type(points) is _Ordered:
        return points
    return _Ordered(sorted(points, key=_week))


_week = attrgetter("week")  # a sort key in C: every goal's verdict orders ten years of points several times


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def is_questionnaire(key: str) -> bool:
    return key.startswith(QUESTIONNAIRE_PREFIX)


def meets(value: float, target: float, direction: Direction) -> bool:
    """Whether ``value`` is at or past ``target`` in the goal's direction."""
    return value >= target if Direction(direction) == Direction.HIGHER else value <= target


def since_start(points: Sequence[Point], start: date | None, today: date | None = None) -> list[Point]:
    """The points from the week the goal starts in up to ``today``, oldest first."""
    ordered = _ordered(points)
    low = 0 if start is None else bisect_left(ordered, week_start(start), key=_week)
    high = len(ordered) if today is None else bisect_right(ordered, today, key=_week)
    return _Ordered(ordered[low:high])


def default_baseline(points: Sequence[Point]) -> float | None:
    """Mean of the first two logged weeks (one if only one was logged); None when nothing was logged."""
    if not points:
        return None
    return _mean([p.value for p in _ordered(points)[:BASELINE_WEEKS]])


def current_value(points: Sequence[Point], weeks: int = CURRENT_WEEKS, after: int = 0) -> float | None:
    """Median of the last ``weeks`` logged values, leaving out the first ``after`` (the baseline's weeks).

    Missed weeks are skipped, not counted as zero. The median of three means one unusually good or bad
    week does not move the current value at all. None when no week is left.
    """
    kept = _ordered(points)[after:]
    if not kept or weeks < 1:
        return None
    return float(median(p.value for p in kept[-weeks:]))


def _current_points(points: list[Point], baseline_set: bool) -> list[Point]:
    after = 0 if baseline_set else BASELINE_WEEKS
    return points[after:][-CURRENT_WEEKS:]


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


def shown_percent(percent: float, target_met: bool) -> float:
    """Never 100 % unless the target is met: at most 99 % until then."""
    return percent if target_met else min(percent, MAX_PERCENT_UNLESS_MET)


def reached_on(points: Sequence[Point], target: float, direction: Direction) -> date | None:
    """The first week of the latest unbroken run of logged values meeting the target; None if the last
    logged value does not meet it."""
    higher = Direction(direction) == Direction.HIGHER  # as ``meets``, worked out once for the whole run
    reached: date | None = None
    for p in reversed(_ordered(points)):
        if not (p.value >= target if higher else p.value <= target):
            break
        reached = p.week
    return reached


@dataclass(frozen=True)
class Projection:
    """When the trend reaches the target: a range of dates from the two ends of the slope's interval."""

    early: date | None  # at the fast end of the interval; None: not within ``horizon_weeks``
    late: date | None  # at the slow end; None: not within ``horizon_weeks``
    horizon_weeks: int  # the weeks the trend covers: no date is projected further ahead than this
    fast_per_week: float
    slow_per_week: float

    def text(self, day: Callable[[date], str]) -> str:
        """ "12–26 Mar", "28 Mar – 9 Apr", "12 Mar or later (not within 12 weeks at this pace)",
        or "not within 12 weeks at this pace"; ``day`` formats one date."""
        beyond = f"not within {self.horizon_weeks} weeks at this pace"
        if self.early is None:
            return beyond
        if self.late is None:
            return f"{day(self.early)} or later ({beyond})"
        return date_range(self.early, self.late, day)


def date_range(early: date, late: date, day: Callable[[date], str]) -> str:
    """One date when both are the same, "12–26 Mar" within one month, else "28 Mar – 9 Apr"."""
    if early == late:
        return day(early)
    if (early.year, early.month) == (late.year, late.month):
        return f"{early.day}{EN_DASH}{day(late)}"
    return f"{day(early)} {EN_DASH} {day(late)}"


@dataclass(frozen=True)
class _Verdict:
    status: ProgressStatus
    projection: Projection | None = None


def _window(points: list[Point], window_weeks: int = TREND_WINDOW_WEEKS) -> list[Point]:
    """The points of the last ``window_weeks`` calendar weeks; ``points`` in week order."""
    if not points:
        return []
    first = points[-1].week - timedelta(weeks=window_weeks - 1)
    return points[bisect_left(points, first, key=_week) :]


@lru_cache(maxsize=1024)
def _fit(window: tuple[Point, ...]) -> tuple[Trend | None, tuple[float, float] | None]:
    """The Theil–Sen line of ``window`` and its slope interval, remembered: a goal's verdict, its
    previous check-in's and its chart's trend fit the same dozen weeks, save after save."""
    return theil_sen(window), slope_interval(window)


def _clear(
    window: list[Point], min_change: float, direction: Direction | None
) -> tuple[Trend, float, float] | None:
    """The trend line and its 90 % slope interval when the trend is clear, else None.

    Clear: at least six logged weeks in the window, the interval not touching zero (and wholly toward
    ``direction`` when one is given), and the change across the window reaching ``min_change``.
    """
    if len(window) < MIN_WEEKS_FOR_PROJECTION:
        return None
    line, interval = _fit(tuple(window))
    if interval is None or line is None:
        return None
    low, high = interval
    up, down = low > 0, high < 0
    if direction is None:
        if not (up or down):
            return None
    elif not (up if Direction(direction) == Direction.HIGHER else down):
        return None
    span = (window[-1].week - window[0].week).days / DAYS_PER_WEEK
    if round(abs(line.slope_per_week) * span - min_change, 9) < 0:
        return None
    return line, low, high


def trend_error(key: str) -> float:
    """The least change across the trend window that counts as a trend for series ``key`` (its
    measurement error); 0 for a series RehabTrack has no threshold for."""
    try:
        return measurement_error(key)
    except KeyError:
        return 0.0


NO_TREND_LINE = f"{ProgressStatus.NO_TREND.value}, so no trend line"  # what a chart says instead


def clear_trend(points: Sequence[Point], key: str, window_weeks: int = TREND_WINDOW_WEEKS) -> Trend | None:
    """The Theil–Sen line of the last ``window_weeks`` weeks of ``points`` when it is a clear trend by
    this module's rules (either way: a clear decline is a trend too), else None: "no clear trend yet".

    Charts draw the trend line only from this, so a line never shows what the progress sentence
    calls noise.
    """
    found = _clear(_window(_ordered(points), window_weeks), trend_error(key), None)
    return found[0] if found is not None else None


def _projection(
    window: list[Point], current: float, target: float, direction: Direction, today: date, min_change: float
) -> Projection | None:
    """None ("no clear trend yet") unless the trend is clear (``_clear``) and heads toward the target."""
    found = _clear(window, min_change, direction)
    if found is None:
        return None
    _, low, high = found
    higher = Direction(direction) == Direction.HIGHER
    fast, slow = (high, low) if higher else (low, high)
    span = (window[-1].week - window[0].week).days / DAYS_PER_WEEK
    horizon_weeks = round(span) + 1  # calendar weeks from the window's first log to its last
    this_week = week_start(today)
    next_check_in = this_week + timedelta(weeks=1)
    horizon = this_week + timedelta(weeks=horizon_weeks)
    last = window[-1].week

    def when(slope: float) -> date | None:
        weeks = (target - current) / slope
        if weeks > (horizon - last).days / DAYS_PER_WEEK:
            return None
        return max(next_check_in, last + timedelta(days=round(weeks * DAYS_PER_WEEK)))

    return Projection(when(fast), when(slow), horizon_weeks, fast, slow)


def _assess(
    points: list[Point],
    target: float,
    direction: Direction,
    today: date,
    target_date: date | None,
    min_change: float,
    baseline_set: bool,
) -> _Verdict:
    """The status the data supports at ``today`` (before the two-check-ins rule), for a weekly marker."""
    if not points:
        return _Verdict(ProgressStatus.NO_DATA)
    shown = _current_points(points, baseline_set)
    if shown:
        current = float(median(p.value for p in shown))
        met = sum(meets(p.value, target, direction) for p in shown)
        if meets(current, target, direction) and met >= 2:
            return _Verdict(ProgressStatus.TARGET_MET)
    if meets(points[-1].value, target, direction):
        return _Verdict(ProgressStatus.REACHED_ONCE)
    if len(points) < MIN_WEEKS_FOR_STATUS or not shown:
        return _Verdict(ProgressStatus.NO_DATA)
    current = float(median(p.value for p in shown))
    if target_date is not None and today > target_date:
        return _Verdict(ProgressStatus.BEHIND)
    projection = _projection(_window(points), current, target, direction, today, min_change)
    if projection is None:
        return _Verdict(ProgressStatus.NO_TREND)
    deadline = target_date
    horizon = week_start(today) + timedelta(weeks=projection.horizon_weeks)
    if deadline is None:
        deadline = horizon
    if projection.late is not None and projection.late <= deadline:
        return _Verdict(ProgressStatus.ON_TRACK, projection)
    if projection.early is None:
        behind = target_date is None or target_date <= horizon
    else:
        behind = projection.early > deadline
    return _Verdict(ProgressStatus.BEHIND if behind else ProgressStatus.TOO_EARLY, projection)


def _stale(points: list[Point], today: date, questionnaire: bool) -> bool:
    if not points:
        return False
    limit = STALE_WEEKS_QUESTIONNAIRE if questionnaire else STALE_WEEKS
    return week_start(today) - week_start(points[-1].week) > timedelta(weeks=limit)


def _questionnaire(
    points: list[Point], target: float, direction: Direction, baseline_set: bool
) -> ProgressStatus:
    """Judged by change: from a second score, or from the first when the therapist set the baseline."""
    if len(points) < (1 if baseline_set else 2):
        return ProgressStatus.NO_DATA
    if len(points) >= 2 and all(meets(p.value, target, direction) for p in points[-2:]):
        return ProgressStatus.TARGET_MET
    if meets(points[-1].value, target, direction):
        return ProgressStatus.REACHED_ONCE
    return ProgressStatus.BY_CHANGE


HELD = (ProgressStatus.ON_TRACK, ProgressStatus.BEHIND)


def _judge(
    points: Sequence[Point],
    target: float,
    direction: Direction,
    today: date,
    target_date: date | None = None,
    min_change: float = 0.0,
    baseline_set: bool = False,
    questionnaire: bool = False,
) -> _Verdict:
    kept = since_start(points, None, today)
    if _stale(kept, today, questionnaire):
        return _Verdict(ProgressStatus.STALE)
    if questionnaire:
        return _Verdict(_questionnaire(kept, target, direction, baseline_set))
    now = _assess(kept, target, direction, today, target_date, min_change, baseline_set)
    passed = target_date is not None and today > target_date  # a fact, not an estimate to confirm
    if now.status in HELD and not passed:
        before = _assess(kept[:-1], target, direction, kept[-2].week, target_date, min_change, baseline_set)
        if before.status != now.status:
            return _Verdict(ProgressStatus.TOO_EARLY, now.projection)
    return now


def projected_date(
    points: Sequence[Point],
    target: float,
    direction: Direction,
    today: date,
    window_weeks: int = TREND_WINDOW_WEEKS,
    min_change: float = 0.0,
) -> date | None:
    """The early end of the projected range (see ``projection``); None when there is none."""
    found = projection(points, target, direction, today, window_weeks, min_change)
    return found.early if found is not None else None


def projection(
    points: Sequence[Point],
    target: float,
    direction: Direction,
    today: date,
    window_weeks: int = TREND_WINDOW_WEEKS,
    min_change: float = 0.0,
) -> Projection | None:
    """When the trend reaches ``target``: a range, or None ("no clear trend yet").

    None with fewer than five logged weeks, fewer than six in the ``window_weeks`` trend window, when
    the slope's 90 % interval touches zero or points away from the target, when the trend's change
    across the window is smaller than ``min_change``, when the current value already meets the
    target, or when the last log is more than four weeks old.
    """
    kept = since_start(points, None, None)
    if _stale(kept, today, False):
        return None
    current = current_value(kept, after=BASELINE_WEEKS)
    if current is None or meets(current, target, direction):
        return None
    return _projection(_window(kept, window_weeks), current, target, direction, today, min_change)


def status(
    points: Sequence[Point],
    target: float,
    direction: Direction,
    today: date,
    target_date: date | None = None,
    min_change: float = 0.0,
) -> ProgressStatus:
    """The goal's status by the rules in this module's docstring (a weekly marker, no start date)."""
    return _judge(points, target, direction, today, target_date, min_change).status


def format_day(day: date, today: date) -> str:
    """'12 Mar' this year, '12 Mar 2027' in another."""
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b %Y}"


def _is_whole(key: str) -> bool:
    found = MARKERS_BY_KEY.get(key)
    if found is not None:
        return found.whole
    return key.startswith("activity/")


VERDICT_WORDS = {IMPROVED: "better", WORSE: "worse"}
NO_MEANINGFUL_CHANGE = "no meaningful change"


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    label: str  # what is measured, e.g. "Right knee flexion"
    unit: str
    whole: bool
    today: date
    points: int  # how many weeks were logged since the goal's start
    baseline: float | None
    current: float | None  # None until a week after the baseline's
    target: float
    percent: float | None  # shown only with a meaningful improvement; at most 99 unless achieved
    trend: Trend | None
    projected: date | None  # the early end of ``projection``
    status: ProgressStatus
    change: Change | None  # baseline → current against the meaningful-change threshold
    projection: Projection | None = None
    last_logged: date | None = None
    reached: date | None = None  # target met: the first week of the run that meets the target

    @property
    def meaningful(self) -> bool:
        """Whether baseline → current is at least the series' meaningful change."""
        return self.change is not None and self.change.meaningful

    @property
    def verdict(self) -> str:
        """ "better", "worse" or "no meaningful change" in the goal's direction; "" without a change."""
        if self.change is None:
            return ""
        return VERDICT_WORDS.get(self.change.direction, NO_MEANINGFUL_CHANGE)

    @property
    def badge(self) -> str:
        """The status in a word or two: "On track", "Last logged 12 Mar", "Better" (a questionnaire)."""
        if self.status == ProgressStatus.STALE and self.last_logged is not None:
            return f"Last logged {self.day(self.last_logged)}"
        if self.status == ProgressStatus.BY_CHANGE:
            return (self.verdict or NO_MEANINGFUL_CHANGE).capitalize()
        return self.status.label

    def day(self, day: date) -> str:
        return format_day(day, self.today)

    def projected_text(self, day: Callable[[date], str] | None = None) -> str:
        """The projected range ("12–26 Mar"), "reached 3 Mar" when achieved, else ""."""
        fmt = day or self.day
        if self.status == ProgressStatus.TARGET_MET and self.reached is not None:
            return f"reached {fmt(self.reached)}"
        if self.projection is None or self.status == ProgressStatus.STALE:
            return ""
        return self.projection.text(fmt)

    def _fmt(self, value: float, unit: bool = True) -> str:
        """A target, baseline or current value with its decimal kept, so 8.5 never reads as a met 9 (nor a
        target of 2.5 as 3)."""
        return format_value(value, self.unit if unit else "", False)

    def sentence(self) -> str:
        """E.g. "Right knee flexion: 92° → 108°, better, 70% of the way to 115°; on track for 12–26 Mar"."""
        target = self._fmt(self.target)
        start = self.goal.start
        if start is not None and week_start(start) > week_start(self.today):  # logs before it do not count
            return f"{self.label}: the goal starts {self.day(start)}; target {target}"
        if self.last_logged is None:
            return f"{self.label}: nothing logged yet; target {target}"
        if self.status == ProgressStatus.STALE:
            return f"{self.label}: last logged {self.day(self.last_logged)} \u2014 log this week to update"
        if self.baseline is None or self.current is None:  # a week or two, or a single score
            if is_questionnaire(self.goal.marker):
                return f"{self.label}: one score so far; the next will be compared with it (target {target})"
            logged = "1 week" if self.points == 1 else f"{self.points} weeks"
            return (
                f"{self.label}: {logged} logged since the goal started; not enough data yet: "
                f"log {MIN_WEEKS_FOR_STATUS - self.points} more weeks to see progress toward {target}"
            )
        hug = self.unit in ("°", "%")
        head = f"{self.label}: {self._fmt(self.baseline, hug)} \u2192 {self._fmt(self.current)}"
        if self.status == ProgressStatus.TARGET_MET:
            return f"{head}, target of {target} reached"
        if self.status == ProgressStatus.REACHED_ONCE:
            return f"{head}, {target} reached once \u2014 log again to confirm"
        where = self.verdict or NO_MEANINGFUL_CHANGE
        if self.percent is not None:
            where += f", {int(round_half_up(self.percent))}% of the way to {target}"
        else:
            where += f", target {target}"
        head = f"{head}, {where}"
        if self.status == ProgressStatus.BY_CHANGE:
            return head
        if self.status == ProgressStatus.NO_DATA:
            more = MIN_WEEKS_FOR_STATUS - self.points
            weeks = "another week" if more == 1 else f"{more} more weeks"
            return f"{head}; not enough data yet for a status: log {weeks}"
        if self.status == ProgressStatus.NO_TREND:
            return f"{head}; no clear trend yet"
        when = self.projected_text()
        if self.status == ProgressStatus.ON_TRACK:
            return f"{head}; on track for {when}"
        # Too early to tell and behind (but for a passed target date) always come with a projection.
        reaches = self.projection is not None and self.projection.early is not None
        reach = f"the trend reaches {target} {when}" if reaches else when
        if self.status == ProgressStatus.TOO_EARLY:
            return f"{head}; too early to tell: {reach}"
        goal_date = self.goal.target_date
        if goal_date is not None and self.today > goal_date:
            return f"{head}; behind: the target date of {self.day(goal_date)} has passed"
        if reaches and goal_date is not None:
            return f"{head}; behind: {reach}, after the target date of {self.day(goal_date)}"
        return f"{head}; behind: {reach}"


def progress_toward(goal: Goal, series: Series, today: date) -> GoalProgress:
    """Everything the goal card, chart and PDF say about one goal, from one series."""
    questionnaire = is_questionnaire(series.key)
    points = since_start(series.points, goal.start, today)
    baseline_set = goal.baseline is not None
    lower = Direction(goal.direction) == Direction.LOWER
    if questionnaire:
        baseline = goal.baseline if baseline_set else (points[0].value if points else None)
        current = points[-1].value if len(points) >= (1 if baseline_set else 2) else None
    else:
        baseline = goal.baseline if baseline_set else default_baseline(points)
        current = current_value(points, after=0 if baseline_set else BASELINE_WEEKS)
    min_change = trend_error(series.key)
    verdict = _judge(
        points,
        goal.target,
        goal.direction,
        today,
        goal.target_date,
        min_change,
        baseline_set,
        questionnaire,
    )
    found = verdict.status
    change = None
    percent = None
    if baseline is not None and current is not None:
        try:
            change = classify_change(series.key, baseline, current, lower, series.label)
        except KeyError:
            change = None
        target_met = found == ProgressStatus.TARGET_MET
        improved = change is not None and change.improved
        if (target_met or improved) and not meets(baseline, goal.target, goal.direction):
            percent = shown_percent(
                percent_of_way(baseline, current, goal.target, goal.direction), target_met
            )
    projection_found = verdict.projection  # none when stale
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
        trend=_fit(tuple(_window(points)))[0],  # as ``trend(points, TREND_WINDOW_WEEKS)``: points in order
        projected=projection_found.early if projection_found is not None else None,
        status=found,
        change=change,
        projection=projection_found,
        last_logged=points[-1].week if points else None,
        reached=reached_on(points, goal.target, goal.direction)
        if found == ProgressStatus.TARGET_MET
        else None,
    )


def _split(points: Sequence[Point], first_n: int, last_n: int) -> tuple[list[Point], list[Point]]:
    """The first ``first_n`` and the last ``last_n`` logged points, oldest first.

    The two never share a week: with fewer than ``first_n + last_n`` points the later period gets at most
    half of them.
    """
    ordered = _ordered(points)
    n = len(ordered)
    k_last = min(last_n, n // 2)
    k_first = min(first_n, n - k_last)
    return ordered[:k_first], ordered[n - k_last :]


def compare_periods(
    points: Sequence[Point], first_n: int = COMPARE_WEEKS, last_n: int = COMPARE_WEEKS
) -> tuple[float | None, float | None]:
    """(mean of the first ``first_n`` logged values, mean of the last ``last_n``), split as ``_split``
    says. None for a period with no values (no points, or only one).
    """
    first, last = _split(points, first_n, last_n)
    return (
        _mean([p.value for p in first]) if first else None,
        _mean([p.value for p in last]) if last else None,
    )


def summarise_change(
    series: Series, first_n: int = COMPARE_WEEKS, last_n: int = COMPARE_WEEKS
) -> Change | None:
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
    points: Sequence[Point], first_n: int = COMPARE_WEEKS, last_n: int = COMPARE_WEEKS
) -> tuple[Period, Period] | None:
    """The first ``first_n`` and last ``last_n`` logged weeks, as the session view's default comparison.

    Same split as ``compare_periods``: the periods never share a week. None with fewer than two points.
    """
    first, last = _split(points, first_n, last_n)
    if not first or not last:
        return None
    return (first[0].week, first[-1].week), (last[0].week, last[-1].week)


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
