"""What the progress report says, worked out once from the store: no painting, no Qt.

Every number comes from ``core``: goal progress from ``core.progress.progress_toward``, the summary of
change from ``core.progress.summarise_change`` (judged by ``core.meaningful_change``). This module only
picks what goes in and turns it into text; ``report.pdf`` lays it out.

Period rules:
- the period runs from the week of ``start`` to ``end``; by default from the first logged week to today;
- summary of change, charts and the weekly table use the weeks inside the period;
- goals use each goal's whole history up to the end of the period, as of ``min(today, end)``, which is
  what the app's goal cards show for the same day.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from rehabtrack import __version__
from rehabtrack.core.instruments import instrument
from rehabtrack.core.maintenance import MaintenancePlan, recurrence_alerts
from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.meaningful_change import Change, Threshold, patient_thresholds, threshold_for
from rehabtrack.core.measure_series import (
    MeasureResult,
    any_series,
    overall_changes,
    psfs_overall,
    psfs_series,
    score_keys,
    score_range,
    score_text,
)
from rehabtrack.core.model import Activity, Discipline, Event, Goal, GoalStatus, Patient, WeeklyEntry
from rehabtrack.core.numbers import format_value, plain, signed_amount, whole_percent
from rehabtrack.core.progress import (
    GoalProgress,
    ProgressStatus,
    progress_toward,
    summarise_change,
)
from rehabtrack.core.series import (
    MINUTES_PREFIX,
    Series,
    activity_keys,
    describe,
    rom_keys,
    series_for,
    value_in,
    week_text,
)
from rehabtrack.core.weeks import week_start, weeks_between
from rehabtrack.storage.store import Store

DASH = "\u2014"
NOT_LOGGED = "not logged"
CHART_REACH = timedelta(weeks=13)  # how far past the period a chart stretches to show a target date
MAX_WEEKLY_COLUMNS = 9  # data columns per weekly table, besides the week, so A4 portrait stays legible


class PeriodError(ValueError):
    """A period that makes no sense (end before start); the message names the field."""


def format_day(day: date | None) -> str:
    """Unambiguous in any country: '3 Mar 2026'."""
    return DASH if day is None else f"{day.day} {day:%b %Y}"


def format_percent(percent: float | None) -> str:
    """Percent of the way as core rounds it for the goal sentence: whole, half up, real minus sign."""
    return DASH if percent is None else whole_percent(percent)


def _number(value: float | None, whole: bool = False) -> str:
    return DASH if value is None else format_value(value, "", whole)


def _unit_suffix(unit: str) -> str:
    return f" ({unit})" if unit else ""


@dataclass(frozen=True)
class HeaderField:
    label: str
    value: str


@dataclass(frozen=True)
class ChangeRow:
    """One line of the summary of change: first weeks vs last weeks of one series."""

    key: str
    measure: str  # label with unit, e.g. "Right knee flexion (°)"
    first: str  # mean of the first weeks
    last: str  # mean of the last weeks
    change: str  # signed, with unit: "−3.1 points"
    judgement: str  # core's phrase: "improved", "worse", "within normal variation", or why there is none
    threshold: str  # the meaningful change: "2 points"
    meaningful: str  # "Yes" / "No" / "—"
    result: Change | None = None


@dataclass(frozen=True)
class GoalRow:
    discipline: Discipline
    title: str
    measure: str  # what the goal is measured by
    baseline: str
    current: str
    target: str
    percent: str  # "70%": core's percent of the way, rounded as core rounds it
    target_date: str
    projected: str
    status: str
    progress: GoalProgress


@dataclass(frozen=True)
class ChartSpec:
    """One chart: a series over the period, with the goal lines and events the app draws on it."""

    key: str
    title: str
    series: Series
    goals: tuple[Goal, ...]
    x_range: tuple[date, date]
    band: float | None  # the meaningful change, shaded ± around the baseline; None when core has none


@dataclass(frozen=True)
class WeeklyTable:
    title: str
    columns: tuple[str, ...]  # first column is the week
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class EventRow:
    day: str
    kind: str
    text: str


@dataclass(frozen=True)
class NoteRow:
    week: str
    text: str


@dataclass(frozen=True)
class MeasureRow:
    """One questionnaire score over the period: every result, and first against latest."""

    key: str  # instrument key, e.g. "LEFS" or "COPM_performance"
    name: str  # "LEFS"
    scale: str  # "0–80, higher is better"
    scores: str  # "3 Jun 2026: 24 · 1 Jul 2026: 33 · …"
    change: str  # "24 → 58 (+34 points)", or a dash with one score
    threshold: str  # "9 points"
    meaningful: str  # "meaningful change: yes" / "meaningful change: no" / "… not yet (one score)"
    judgement: str  # core's words: "improved", "worse", "within normal variation", or ""
    result: Change | None = None


@dataclass(frozen=True)
class ReportContent:
    patient_name: str
    header: tuple[HeaderField, ...]
    period_start: date  # Monday of the first week in the period
    period_end: date
    as_of: date  # the day goals are judged on: min(today, period_end)
    generated: date
    version: str
    weeks_logged: int
    weeks_in_period: int
    changes: tuple[ChangeRow, ...]
    pt_goals: tuple[GoalRow, ...]
    ot_goals: tuple[GoalRow, ...]
    charts: tuple[ChartSpec, ...]
    weekly_tables: tuple[WeeklyTable, ...]
    events: tuple[EventRow, ...]
    notes: tuple[NoteRow, ...]
    chart_events: tuple[Event, ...] = field(default=())  # events inside the period, for the charts
    measures: tuple[MeasureRow, ...] = field(default=())  # questionnaire scores in the period
    maintenance: str = ""  # "Maintenance phase since …": empty when not in one
    recurrence: tuple[str, ...] = field(default=())  # recurrence-watch messages (maintenance phase only)
    summary_sources: str = ""  # the footnote to the summary of change: each threshold's source
    measure_sources: str = ""  # the same for the questionnaire scores

    def verdict(self, discipline: Discipline) -> str:
        """One line answering "is this patient getting there?" for PT or OT goals, in core's status words:
        e.g. "PT goals: 2 of 4 achieved; 2 behind"."""
        rows = self.pt_goals if discipline == Discipline.PT else self.ot_goals
        name = f"{discipline.value} goals"
        if not rows:
            return f"{name}: none set."
        open_rows = [r for r in rows if r.progress.goal.status != GoalStatus.DISCONTINUED]
        achieved = sum(1 for r in open_rows if r.progress.status == ProgressStatus.TARGET_MET)
        counts: dict[str, int] = {}
        for row in open_rows:
            if row.progress.status != ProgressStatus.TARGET_MET:
                label = row.progress.status.label.lower()
                counts[label] = counts.get(label, 0) + 1
        parts = [f"{achieved} of {len(open_rows)} achieved"]
        parts += [f"{count} {label}" for label, count in counts.items()]
        if len(open_rows) < len(rows):
            parts.append(f"{len(rows) - len(open_rows)} discontinued")
        return f"{name}: {'; '.join(parts)}."

    @property
    def title(self) -> str:
        return "Progress report"

    @property
    def period_text(self) -> str:
        return f"{format_day(self.period_start)} to {format_day(self.period_end)}"

    @property
    def subject(self) -> str:
        """For PDF metadata: says what the document is without saying anything about the patient."""
        return f"Weekly rehabilitation progress, {self.period_text}"


def build_content(
    store: Store,
    patient_id: int,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> ReportContent:
    """Everything the report says about one patient over ``start``..``end``.

    ``start`` defaults to the first logged week (else the rehab start, else 25 weeks before ``end``),
    ``end`` to ``today``. Raises PeriodError when ``end`` is before ``start``; KeyError for an unknown
    patient.
    """
    today = today or date.today()
    patient = store.patient(patient_id)
    all_entries = store.entries(patient_id)
    activities = store.activities(patient_id, include_archived=True)
    goals = store.goals(patient_id)
    events = store.events(patient_id)
    with patient_thresholds(store.thresholds(patient_id)):  # what the therapist set for this patient
        return content_from(
            patient,
            all_entries,
            activities,
            goals,
            events,
            start,
            end,
            today,
            measures=store.measures(patient_id),
            plan=store.maintenance(patient_id),
        )


def content_from(
    patient: Patient,
    all_entries: list[WeeklyEntry],
    activities: list[Activity],
    goals: list[Goal],
    events: list[Event],
    start: date | None,
    end: date | None,
    today: date,
    measures: list[MeasureResult] | None = None,
    plan: MaintenancePlan | None = None,
) -> ReportContent:
    """As ``build_content``, from core objects (no store needed)."""
    end = end or today
    if start is None:
        if all_entries:
            start = min(e.week for e in all_entries)
        elif patient.rehab_start is not None:
            start = patient.rehab_start
        else:
            start = end - timedelta(weeks=25)
    if end < start:
        raise PeriodError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    first_week = week_start(start)
    weeks = list(weeks_between(first_week, end))
    in_period = [e for e in all_entries if first_week <= e.week <= end]
    up_to_end = [e for e in all_entries if e.week <= end]
    as_of = min(today, end)

    keys = _series_keys(in_period, activities)
    period_series = {key: series_for(key, in_period, activities) for key in keys}
    scores_to_end = [r for r in measures or [] if r.taken <= end]
    goal_rows = [  # a goal may be measured by a questionnaire score as well as by a weekly marker
        _goal_row(g, any_series(g.marker, up_to_end, activities, scores_to_end), as_of, activities)
        for g in goals
    ]
    in_period_scores = [r for r in scores_to_end if r.taken >= first_week]
    charts = _charts(goals, keys, in_period, activities, (first_week, end), in_period_scores)
    period_events = tuple(e for e in events if first_week <= e.day <= end)
    listed_events = [e for e in events if e.day <= end]  # earlier ones (the surgery) are context
    weeks_logged = sum(1 for e in in_period if not e.is_empty())
    header = (
        HeaderField("Patient", patient.display_name),
        HeaderField("Condition", patient.condition or DASH),
        HeaderField("Affected side or area", patient.affected_side or DASH),
        HeaderField("Rehab start", format_day(patient.rehab_start)),
        HeaderField("PT clinician", patient.pt_clinician or DASH),
        HeaderField("OT clinician", patient.ot_clinician or DASH),
        HeaderField("Period covered", f"{format_day(first_week)} to {format_day(end)}"),
        HeaderField("Weeks logged", f"{weeks_logged} of {len(weeks)} weeks in the period"),
        HeaderField("Generated", f"{format_day(today)} by RehabTrack {__version__}"),
    )
    # Minutes tolerated have no meaningful-change threshold to judge them by: charted and listed only.
    changes = tuple(
        _change_row(period_series[k])
        for k in keys
        if period_series[k].points and not k.startswith(MINUTES_PREFIX)
    )
    measure_rows = _measure_rows(
        [r for r in measures or [] if first_week <= r.taken <= end], in_period, activities
    )
    return ReportContent(
        patient_name=patient.display_name,
        header=header,
        period_start=first_week,
        period_end=end,
        as_of=as_of,
        generated=today,
        version=__version__,
        weeks_logged=weeks_logged,
        weeks_in_period=len(weeks),
        changes=changes,
        pt_goals=tuple(r for r in goal_rows if r.discipline == Discipline.PT),
        ot_goals=tuple(r for r in goal_rows if r.discipline == Discipline.OT),
        charts=charts,
        weekly_tables=_weekly_tables(weeks, in_period, keys, activities),
        events=tuple(EventRow(format_day(e.day), str(e.kind).capitalize(), e.text) for e in listed_events),
        notes=tuple(
            NoteRow(format_day(e.week), e.notes.strip())
            for e in sorted(in_period, key=lambda e: e.week)
            if e.notes.strip()
        ),
        chart_events=period_events,
        measures=measure_rows,
        maintenance=_maintenance_text(plan),
        recurrence=tuple(
            a.message for a in recurrence_alerts(plan or MaintenancePlan(), up_to_end, activities)
        ),
        summary_sources=threshold_sources([r.result.threshold for r in changes if r.result is not None]),
        measure_sources=threshold_sources([r.result.threshold for r in measure_rows if r.result is not None]),
    )


def _maintenance_text(plan: MaintenancePlan | None) -> str:
    if plan is None or not plan.active or plan.since is None:
        return ""
    return f"Maintenance phase since {format_day(plan.since)}: a check-in every {plan.every_weeks} weeks."


def _scale(key: str) -> str:
    inst = instrument(key)
    better = "higher is worse" if inst.lower_is_better else "higher is better"
    return f"{format_value(inst.low, '')}–{format_value(inst.high, '')}, {better}"


def _change_text(change: Change) -> str:
    """ "24 → 58 (+34 points)"."""
    decimals = change.decimals
    before, after = plain(change.before, decimals), plain(change.after, decimals)
    if change.delta == 0:
        return f"{before} → {after} (no change)"
    share = f", {change.percent_text}" if change.relative is not None and change.percent_text else ""
    return f"{before} → {after} ({signed_amount(change.shown_delta, change.threshold.unit, decimals)}{share})"


def _measure_row(
    key: str,
    points: list[tuple[date, float]],
    change: Change | None,
    unjudged: str = "meaningful change: not yet (one score)",
    scale: str = "",
) -> MeasureRow:
    inst = instrument(key)
    threshold = change.threshold if change is not None else threshold_for(inst.series_key)
    if change is None:
        meaningful, judgement, moved = unjudged, "", DASH
    else:
        meaningful = f"meaningful change: {'yes' if change.meaningful else 'no'}"
        if change.meaningful:
            meaningful += threshold.tag()
        judgement, moved = change.direction, _change_text(change)
    return MeasureRow(
        key=key,
        name=inst.name,
        scale=scale or _scale(key),
        scores=" · ".join(f"{format_day(day)}: {score_text(key, value)}" for day, value in points),
        change=moved,
        threshold=_threshold_text(threshold),
        meaningful=meaningful,
        judgement=judgement,
        result=change,
    )


def _measure_rows(
    results: list[MeasureResult], entries: list[WeeklyEntry], activities: list[Activity]
) -> tuple[MeasureRow, ...]:
    """PSFS (from the weekly activity ratings: first and latest check-in), then each questionnaire."""
    rows = []
    psfs = psfs_series(entries, activities)
    if psfs.points:
        psfs_both = psfs_overall(entries, activities)
        change = psfs_both.change if psfs_both is not None else None
        if change is not None:
            # Both scores over the activities rated at both times, as the change is judged.
            shown = [(psfs.points[0].week, change.before), (psfs.points[-1].week, change.after)]
        else:
            first, last = psfs.points[0], psfs.points[-1]
            shown = [(first.week, first.value)] + ([(last.week, last.value)] if len(psfs.points) > 1 else [])
        unjudged = (
            "meaningful change: not compared (no activity rated at both times)"
            if psfs_both is not None
            else "meaningful change: not yet (one score)"
        )
        row = _measure_row("PSFS", shown, change, unjudged)
        both = f", {psfs_both.activities} activities rated at both times" if psfs_both and change else ""
        rows.append(
            replace(
                row,
                scores=f"{row.scores} (from the weekly activity ratings, {len(psfs.points)} check-ins{both})",
            )
        )
    for overall in overall_changes(results):
        family = overall.first.instrument
        points = [
            (r.taken, value)
            for r in sorted(results, key=lambda r: (r.taken, r.id or 0))
            if r.instrument == family and (value := r.value(overall.key)) is not None
        ]
        assert overall.key in score_keys(family)
        low, high = score_range(overall.latest, overall.key)
        scale = _scale(overall.key)
        if family == "GAS":
            scale = f"{format_value(low, '')}–{format_value(high, '')}{scale[scale.index(',') :]}"
        rows.append(_measure_row(overall.key, points, overall.change, overall.meaningful_text, scale))
    return tuple(rows)


def _series_keys(entries: list[WeeklyEntry], activities: list[Activity]) -> list[str]:
    """Every series with at least one value in ``entries``: markers, adherence, ROM, then activities."""
    keys = [m.key for m in WEEKLY_MARKERS if m.chart] + ["exercise_adherence"]
    keys += rom_keys(entries)
    keys += activity_keys(entries, activities)  # each rating, then the minutes tolerated
    return [k for k in keys if series_for(k, entries, activities).points]


def _measure(series: Series) -> str:
    if series.key.startswith("activity/"):
        return f"{series.label} (0–10)"
    return f"{series.label}{_unit_suffix(series.unit)}"


def _change_row(series: Series) -> ChangeRow:
    change = summarise_change(series)
    if change is None:
        return ChangeRow(
            series.key, _measure(series), DASH, DASH, DASH, "not enough weeks to compare", DASH, DASH
        )
    threshold, decimals = change.threshold, change.decimals
    return ChangeRow(
        key=series.key,
        measure=_measure(series),
        first=plain(change.before, decimals),
        last=plain(change.after, decimals),
        change=signed_amount(change.shown_delta, threshold.unit, decimals)
        + (f", {change.percent_text}" if change.relative is not None and change.percent_text else ""),
        # A verdict that rests on a clinic convention says so, unlike one on a published MCID.
        judgement=f"{change.direction}{threshold.tag() if change.meaningful else ''}",
        threshold=_threshold_text(threshold),
        meaningful="Yes" if change.meaningful else "No",
        result=change,
    )


def _threshold_text(threshold: Threshold) -> str:
    """ "2 points"; "1 hour (set for this patient)" for a convention the therapist changed."""
    amount = threshold.amount(threshold.value)
    return f"{amount} (set for this patient)" if threshold.for_patient else amount


def threshold_sources(thresholds: list[Threshold]) -> str:
    """The footnote beside a table of verdicts: each threshold with its source, conventions apart."""
    seen: dict[str, Threshold] = {}
    for t in thresholds:
        seen.setdefault(f"{t.label}|{t.value}", t)
    published = [f"{t.label} {t.amount(t.value)} ({t.cite})" for t in seen.values() if not t.convention]
    conventions = [
        f"{t.label} {t.amount(t.value)}{' (set for this patient)' if t.for_patient else ''}"
        for t in seen.values()
        if t.convention
    ]
    parts = []
    if published:
        parts.append(f"Published thresholds: {'; '.join(published)}.")
    if conventions:
        marked = "a verdict on them is marked so"
        parts.append(f"Clinic conventions, not published MCIDs ({marked}): {'; '.join(conventions)}.")
    return " ".join(parts)


def _goal_row(goal: Goal, series: Series, as_of: date, activities: list[Activity]) -> GoalRow:
    gp = progress_toward(goal, series, as_of)

    def fmt(value: float | None, whole: bool = gp.whole) -> str:
        return DASH if value is None else format_value(value, gp.unit, whole)

    status = gp.badge
    if goal.status != GoalStatus.ACTIVE:  # the therapist's decision beside what the numbers say
        status = f"{status} (goal {goal.status.label.lower()})"
    return GoalRow(
        discipline=Discipline(goal.discipline),
        title=goal.title,
        measure=_measure(series) if series.label else goal.marker,
        # Baseline and current are means of two weeks: one decimal, so "8.5 of 9" is not shown as "9".
        baseline=fmt(gp.baseline, whole=False),
        current=fmt(gp.current, whole=False),
        target=fmt(gp.target),
        percent=format_percent(gp.percent),
        target_date=format_day(goal.target_date),
        projected=_projected(gp),
        status=status,
        progress=gp,
    )


def _projected(gp: GoalProgress) -> str:
    """The projected range; for an achieved goal the week it was reached."""
    return gp.projected_text(format_day) or DASH


def _minutes_beside_ratings(keys: list[str]) -> list[str]:
    """Each activity's minutes tolerated right after its 0–10 rating, so the two print side by side."""
    minutes = {k for k in keys if k.startswith(MINUTES_PREFIX)}
    out = []
    for key in keys:
        if key in minutes:
            continue
        out.append(key)
        beside = MINUTES_PREFIX + key.split("/", 1)[1] if key.startswith("activity/") else ""
        if beside in minutes:
            out.append(beside)
    return out + [k for k in keys if k in minutes and k not in out]


def _charts(
    goals: list[Goal],
    keys: list[str],
    entries: list[WeeklyEntry],
    activities: list[Activity],
    period: tuple[date, date],
    results: list[MeasureResult],
) -> tuple[ChartSpec, ...]:
    """Goal markers first (PT then OT goals, in order), then every other series with data.

    Each chart spans the period, stretched (by at most CHART_REACH) to show a goal's target date.
    """
    ordered = sorted(goals, key=lambda g: 0 if g.discipline == Discipline.PT else 1)
    chart_keys = _minutes_beside_ratings(list(dict.fromkeys([g.marker for g in ordered] + keys)))
    specs = []
    for key in chart_keys:
        try:
            series = any_series(key, entries, activities, results)
        except (KeyError, ValueError):
            continue
        on_it = tuple(g for g in ordered if g.marker == key)
        start, end = period
        targets = [g.target_date for g in on_it if g.target_date is not None and g.target_date > end]
        if targets:
            end = min(max(targets), end + CHART_REACH)
        try:
            band: float | None = threshold_for(key).value
        except KeyError:
            band = None
        specs.append(ChartSpec(key, _measure(series), series, on_it, (start, end), band))
    return tuple(specs)


def _column_title(key: str, activities: list[Activity]) -> str:
    """A weekly table's column heading: a marker's short title, else the series' label and unit."""
    info = describe(key, activities)
    if info.short_title:
        return info.short_title
    if key.startswith(("rom/", MINUTES_PREFIX)):
        return f"{info.label}{_unit_suffix(info.unit)}"
    return f"{info.label} (0–10)"


def _weekly_tables(
    weeks: list[date], entries: list[WeeklyEntry], keys: list[str], activities: list[Activity]
) -> tuple[WeeklyTable, ...]:
    """The weekly values in a few tables of at most MAX_WEEKLY_COLUMNS columns, every week a row."""
    by_week = {e.week: e for e in entries}
    logged = set(keys)
    symptoms = [m.key for m in WEEKLY_MARKERS if m.chart and m.key in logged]
    plain_extra = [m.key for m in WEEKLY_MARKERS if not m.chart and any(m.key in e.values for e in entries)]
    exercise = plain_extra + [k for k in ("exercise_adherence",) if k in logged]
    rom = [k for k in keys if k.startswith("rom/")]
    acts = [k for k in keys if k.startswith(("activity/", MINUTES_PREFIX))]
    groups = [
        ("Symptoms and sleep", symptoms),
        ("Home exercises and therapy", exercise),
        ("Range of motion", rom),
        ("Daily activities", acts),
    ]
    # Split groups too wide for a page, then pack neighbours that fit together into one table.
    pieces: list[tuple[str, list[str]]] = []
    for title, group in (g for g in groups if g[1]):
        chunks = [group[i : i + MAX_WEEKLY_COLUMNS] for i in range(0, len(group), MAX_WEEKLY_COLUMNS)]
        for n, chunk in enumerate(chunks):
            pieces.append((title if len(chunks) == 1 else f"{title} ({n + 1} of {len(chunks)})", chunk))
    packed: list[tuple[str, list[str]]] = []
    for title, chunk in pieces:
        if packed and len(packed[-1][1]) + len(chunk) <= MAX_WEEKLY_COLUMNS:
            packed[-1] = (f"{packed[-1][0]} · {title}", packed[-1][1] + chunk)
        else:
            packed.append((title, chunk))
    tables = []
    for name, chunk in packed:
        if chunk:  # always: empty groups were left out
            columns = ("Week of", *(_column_title(k, activities) for k in chunk))
            rows = []
            for monday in weeks:
                entry = by_week.get(monday)
                if entry is None or entry.is_empty():
                    rows.append((format_day(monday), NOT_LOGGED, *([""] * (len(chunk) - 1))))
                    continue
                rows.append((format_day(monday), *(_cell(entry, k) for k in chunk)))
            tables.append(WeeklyTable(name, columns, tuple(rows)))
    return tuple(tables)


def _cell(entry: WeeklyEntry, key: str) -> str:
    value = value_in(entry, key)
    return DASH if value is None else week_text(key, value)
