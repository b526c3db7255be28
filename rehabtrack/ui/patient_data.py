"""What the dashboard and the session view draw for one patient, read once per refresh, and the
display facts both need: the meaningful-change band and the typical range of motion."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from functools import cached_property

from rehabtrack.core.meaningful_change import Change, Threshold, patient_thresholds, threshold_for
from rehabtrack.core.measure_series import MeasureResult, any_series, from_checkins, measure_keys
from rehabtrack.core.model import Activity, Event, Goal, GoalStatus, WeeklyEntry, put_week
from rehabtrack.core.progress import GoalProgress, Period, change_between, progress_toward
from rehabtrack.core.rom_norms import DEFAULT_SOURCE, norm_for_series
from rehabtrack.core.series import Series, chart_keys
from rehabtrack.storage.store import Store
from rehabtrack.ui.changed import Changed

GOALS_GROUP = "Goals"
PSFS_KEY = "measure/PSFS"
QUESTIONNAIRES_GROUP = "Questionnaires"


def typical_for(key: str, source: str = DEFAULT_SOURCE) -> tuple[float, float] | None:
    """The typical range of motion of a ROM series from the chosen table; None for other series."""
    found = norm_for_series(key, source)
    return None if found is None else (found.low, found.high)


def band_for(key: str) -> float | None:
    """The meaningful-change half-width shaded around a chart's baseline, if RehabTrack has one."""
    try:
        return threshold_for(key).value
    except KeyError:
        return None


def band_tip(threshold: Threshold | None) -> str:
    """What the chart's grey band says when hovered: its width and where that comes from."""
    if threshold is None:
        return ""
    return (
        f"Grey band: within normal variation, ± {threshold.amount(threshold.value)}. {threshold.explained()}"
    )


class PatientData:
    """Everything the dashboard and session view draw for one patient, read once per refresh; a saved
    or deleted week is brought in by ``apply`` without reading the other weeks again."""

    def __init__(
        self, store: Store, patient_id: int, today: date, entries: Sequence[WeeklyEntry] | None = None
    ) -> None:
        self.patient_id = patient_id
        self.today = today
        self.entries: list[WeeklyEntry] = list(entries) if entries is not None else store.entries(patient_id)
        self.activities: list[Activity] = store.activities(patient_id, include_archived=True)
        self.goals: list[Goal] = store.goals(patient_id)
        self.events: list[Event] = store.events(patient_id)
        self.results: list[MeasureResult] = store.measures(patient_id)
        self.thresholds: dict[str, float] = store.thresholds(patient_id)  # set by the therapist
        self._series: dict[str, Series] = {}
        self._progress: dict[Goal, tuple[Series, GoalProgress]] = {}  # by goal, for the series it used

    def applied(self) -> AbstractContextManager[None]:
        """Inside it, every verdict uses this patient's thresholds (``core.meaningful_change``)."""
        return patient_thresholds(self.thresholds)

    def threshold(self, key: str) -> Threshold | None:
        """The meaningful change of series ``key`` for this patient; None when RehabTrack has none."""
        with self.applied():
            try:
                return threshold_for(key)
            except KeyError:
                return None

    def band(self, key: str) -> float | None:
        found = self.threshold(key)
        return None if found is None else found.value

    def change_between(self, key: str, first: Period, last: Period) -> Change | None:
        with self.applied():
            return change_between(self.series(key), first, last)

    def series(self, key: str) -> Series:
        if key not in self._series:
            self._series[key] = any_series(key, self.entries, self.activities, self.results)
        return self._series[key]

    @cached_property
    def chart_groups(self) -> dict[str, list[str]]:
        """Chart group → series keys, goals first (one chart per open goal's marker); worked out once."""
        groups: dict[str, list[str]] = {}
        goal_keys = list(dict.fromkeys(g.marker for g in self.open_goals()))
        if goal_keys:
            groups[GOALS_GROUP] = goal_keys
        for group, key in chart_keys(self.entries, self.activities):
            groups.setdefault(group, []).append(key)
        # PSFS is read from every check-in: kept as a series, ``apply`` updates it week by week
        scores = measure_keys(self.entries, self.activities, self.results, self.series(PSFS_KEY))
        if scores:
            groups[QUESTIONNAIRES_GROUP] = scores
        return groups

    def apply(
        self, changed: Changed, store: Store, read: Callable[[date], WeeklyEntry | None] | None = None
    ) -> set[str] | None:
        """Bring in the weeks ``changed`` names, read one by one (by ``read`` when given: the session's
        read shared by every view), and update the series worked out so far point by point. Returns the
        keys of those series whose points changed; None, having changed nothing, when ``changed`` is
        more than saved or deleted weeks (then read everything again).
        """
        if (
            changed.everything
            or changed.goals
            or changed.events
            or changed.measures
            or changed.activities
            or changed.thresholds
        ):
            return None
        touched: set[str] = set()
        groups_kept = "chart_groups" in self.__dict__
        for week in sorted(changed.weeks):
            entry = read(week) if read is not None else store.entry(self.patient_id, week)
            previous = put_week(self.entries, week, entry)
            groups_kept = groups_kept and self._same_groups(week, previous, entry)
            for key, series in list(self._series.items()):
                if not from_checkins(key):
                    continue
                found = self._one_week(key, entry).points if entry is not None else ()
                updated = series.with_week(week, found[0] if found else None)
                if updated != series:
                    self._series[key] = updated
                    touched.add(key)
        if not groups_kept:
            self.__dict__.pop("chart_groups", None)  # worked out again when next asked
        return touched

    def _week_keys(self, entry: WeeklyEntry | None) -> list[str]:
        """The chartable series one week holds, in the order ``chart_groups`` would list them."""
        if entry is None:
            return []
        keys = [key for _, key in chart_keys([entry], self.activities)]
        return keys + measure_keys([entry], self.activities, ())

    def _same_groups(self, week: date, previous: WeeklyEntry | None, entry: WeeklyEntry | None) -> bool:
        """Whether ``chart_groups`` (worked out before ``week`` went from ``previous`` to ``entry``)
        still holds, without going through every week: the week holds the same series as before, or it
        is a new last week holding only series logged before (their first-logged order stays)."""
        before, after = self._week_keys(previous), self._week_keys(entry)
        if before == after:
            return True
        if previous is not None or self.entries[-1].week != week:
            return False
        logged = {k for group, keys in self.chart_groups.items() if group != GOALS_GROUP for k in keys}
        return logged.issuperset(after)

    def _one_week(self, key: str, entry: WeeklyEntry) -> Series:
        return any_series(key, [entry], self.activities, self.results)

    def open_goals(self) -> list[Goal]:
        return [g for g in self.goals if g.status == GoalStatus.ACTIVE]

    def goals_for(self, key: str) -> list[Goal]:
        return [g for g in self.open_goals() if g.marker == key]

    def progress(self, goal: Goal) -> GoalProgress:
        """Where ``goal`` stands today; worked out again only when its series changed."""
        series = self.series(goal.marker)
        kept = self._progress.get(goal)
        if kept is not None and kept[0] is series:
            return kept[1]
        with self.applied():
            found = progress_toward(goal, series, self.today)
        self._progress[goal] = (series, found)
        return found

    def progress_on(self, goal: Goal, series: Series, day: date) -> GoalProgress:
        """``progress_toward`` with this patient's thresholds; the goals panel's when it is the same."""
        if day == self.today and series is self._series.get(goal.marker):
            return self.progress(goal)
        with self.applied():
            return progress_toward(goal, series, day)

    def first_week(self) -> date | None:
        """Where "All" starts: the first logged week, or an earlier event (the surgery, say)."""
        first = min((e.week for e in self.entries), default=None)
        if first is None:
            return None
        return min([first, *(e.day for e in self.events)])
