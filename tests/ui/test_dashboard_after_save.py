"""A saved, deleted, undone or redone week reaches the dashboard without reading every week again.

``PatientData.apply`` and ``Dashboard.apply`` bring in only the weeks a change names. The rule they
must keep: after any sequence of changes the dashboard shows exactly what a fresh read of the
database would show. Random sequences of saves, deletes, undos and redos (new weeks before the first,
in gaps and at the end; markers added, dropped and logged for the first time; a ROM movement and an
activity rating appearing and disappearing) are played on a real SQLite file, and after every step
the kept data, the goals panel and the charts on screen (what they draw, and their pixels: each chart
keeps its points, means and drawing and updates only the weeks that changed) are compared with a
fresh ``PatientData``/``Dashboard``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.model import ActivityRating, WeeklyEntry
from rehabtrack.core.rom import ROM_LIMITS, RomReading, Side
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import Store
from rehabtrack.ui.changed import Changed
from rehabtrack.ui.patient_data import PatientData
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.views.dashboard import Dashboard
from tests.charts.conftest import chart_state

# Movements the demo patient logs, and two she never does (a first reading adds a chart).
MOVEMENTS = (
    ("knee", Side.RIGHT, "flexion"),
    ("knee", Side.RIGHT, "extension"),
    ("shoulder", Side.LEFT, "abduction"),
    ("wrist", Side.LEFT, "flexion"),
)


def _patient(store: Store) -> int:
    [patient] = store.patients()
    assert patient.id is not None
    return patient.id


def _random_entry(rng: random.Random, week: date, activity_ids: list[int]) -> WeeklyEntry:
    """A valid week with a random choice of markers, movements and activity ratings."""
    values: dict[str, float] = {}
    for marker in rng.sample(WEEKLY_MARKERS, rng.randint(0, len(WEEKLY_MARKERS))):
        top = min(marker.high, marker.low + 10)
        values[marker.key] = (
            rng.randint(int(marker.low), int(top)) if marker.whole else round(rng.uniform(marker.low, top), 1)
        )
    if "exercise_days_done" in values and "exercise_days_prescribed" in values:
        values["exercise_days_done"] = min(values["exercise_days_done"], values["exercise_days_prescribed"])
    rom = tuple(
        RomReading(joint, side, movement, rng.randint(0, int(ROM_LIMITS[joint, movement][1])))
        for joint, side, movement in rng.sample(MOVEMENTS, rng.randint(0, 2))
    )
    ratings = tuple(
        ActivityRating(a, rng.randint(0, 10), rng.choice([None, rng.randint(0, 60)]))
        for a in rng.sample(activity_ids, rng.randint(0, len(activity_ids)))
    )
    entry = WeeklyEntry(week, values, rom, ratings, rng.choice(["", "a note"]))
    return entry if not entry.is_empty() else WeeklyEntry(week, {"pain": 3.0})


def _weeks_to_touch(rng: random.Random, logged: list[date], today: date) -> date:
    """A logged week, a gap, a week before the first or the current week."""
    first = logged[0] if logged else week_start(today)
    choices = [
        rng.choice(logged) if logged else first,
        first - timedelta(weeks=rng.randint(1, 3)),  # earlier than everything: "All" starts there
        week_start(today),
        first + timedelta(weeks=rng.randint(0, max(0, (week_start(today) - first).days // 7))),
    ]
    return rng.choice(choices)


def _play(rng: random.Random, session: PatientSession) -> None:
    """One step: save a random week, delete one, undo or redo (each announced by the session)."""
    store, pid, stack = session.store, session.patient_id, session.undo_stack
    logged = [e.week for e in store.entries(pid)]
    activity_ids = [a.id for a in store.activities(pid) if a.id is not None]
    step = rng.choices(["save", "delete", "undo", "redo"], weights=[5, 2, 2, 1])[0]
    if step == "undo" and stack.canUndo():
        stack.undo()
    elif step == "redo" and stack.canRedo():
        stack.redo()
    elif step == "delete" and logged:
        session.delete_week(rng.choice(logged))
    else:
        week = _weeks_to_touch(rng, logged, session.today)
        session.save_week(_random_entry(rng, week, activity_ids))


def _same_data(kept: PatientData, fresh: PatientData) -> None:
    assert kept.entries == fresh.entries
    assert kept.chart_groups == fresh.chart_groups
    keys = {k for keys in fresh.chart_groups.values() for k in keys} | set(kept._series)
    for key in sorted(keys):
        assert kept.series(key) == fresh.series(key), key
    for goal in fresh.goals:
        assert kept.progress(goal) == fresh.progress(goal), goal.title
    assert kept.first_week() == fresh.first_week()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_kept_data_equals_a_fresh_read_after_random_saves_deletes_and_undos(
    qapp, demo_store: Store, today: date, seed: int
) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    pid = _patient(demo_store)
    kept = PatientData(demo_store, pid, today)
    for goal in kept.goals:  # as the goals panel does: these series are kept and then updated
        kept.progress(goal)
    _ = kept.chart_groups
    session = PatientSession.open(demo_store, pid, today)
    applied: list[bool] = []
    session.changed.connect(lambda what: applied.append(kept.apply(what, demo_store) is not None))

    for _step in range(30):
        _play(rng, session)
        _same_data(kept, PatientData(demo_store, pid, today))
    assert applied and all(applied)  # every change was brought in week by week, none by a full read


def test_changes_other_than_weeks_are_not_applied_week_by_week(demo_store: Store, today: date) -> None:
    pid = _patient(demo_store)
    data = PatientData(demo_store, pid, today)
    others = (Changed.all(), Changed(goals=frozenset({1})), Changed(events=True), Changed(activities=True))
    for changed in others:
        assert data.apply(changed, demo_store) is None


def _dashboard(
    qtbot, store: Store, pid: int, today: date, session: PatientSession | None = None
) -> Dashboard:  # type: ignore[no-untyped-def]
    """A dashboard shown; ``session``: the one whose changes it follows (else one of its own)."""
    board = Dashboard(session or PatientSession.open(store, pid, today))
    board.resize(1280, 900)
    qtbot.addWidget(board)
    board.show()
    qtbot.waitExposed(board)
    return board


def _charts_shown(board: Dashboard) -> dict[str, tuple[list[date], list[float]]]:
    """Every chart of every group, as plotted (each group shown in turn, its charts brought up to date)."""
    shown = {}
    for row, name in enumerate(board.data.chart_groups):
        board.group_list.setCurrentRow(row)
        for chart, key in zip(board.visible_charts(), board.data.chart_groups[name], strict=True):
            shown[f"{name}/{key}"] = chart.plotted_points()
    return shown


def _same_charts_on_screen(board: Dashboard, fresh: Dashboard) -> None:
    """The charts the kept dashboard shows (each brought up to date from the changes alone) show what
    a fresh dashboard's charts show: the same drawing, pixel for pixel."""
    name = board.visible_group()
    assert name is not None
    fresh.group_list.setCurrentRow(list(fresh.data.chart_groups).index(name))
    board.draw_on_screen()
    fresh.draw_on_screen()
    kept_page, fresh_page = board._pages[name], fresh._pages[name]
    drawn = sorted(kept_page.drawn & fresh_page.drawn)
    assert drawn
    for index in drawn:
        kept, new = kept_page.chart(index), fresh_page.chart(index)
        assert chart_state(kept) == chart_state(new), kept_page.keys[index]
        assert kept.grab().toImage() == new.grab().toImage(), kept_page.keys[index]


@pytest.mark.parametrize("seed", [11, 12])
def test_dashboard_after_random_changes_shows_what_a_fresh_dashboard_shows(
    qtbot, demo_store: Store, today: date, seed: int
) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    pid = _patient(demo_store)
    session = PatientSession.open(demo_store, pid, today)
    board = _dashboard(qtbot, demo_store, pid, today, session)  # it applies what the session says changed

    for _step in range(12):
        _play(rng, session)
        qtbot.wait(1)
        fresh = _dashboard(qtbot, demo_store, pid, today)
        assert board.goals_panel.rows() == fresh.goals_panel.rows()
        assert [board.group_list.item(i).text() for i in range(board.group_list.count())] == list(
            fresh.data.chart_groups
        )
        assert board.preset == fresh.preset
        _same_charts_on_screen(board, fresh)
        fresh.close()
    fresh = _dashboard(qtbot, demo_store, pid, today)
    assert _charts_shown(board) == _charts_shown(fresh)


def test_the_chart_on_screen_shows_the_saved_week_at_once(qtbot, demo_store: Store, today: date) -> None:  # type: ignore[no-untyped-def]
    """A save redraws the chart on screen whose series it changed, with the new point, and leaves a
    chart it did not change alone; the goals panel says the new progress."""
    pid = _patient(demo_store)
    session = PatientSession.open(demo_store, pid, today)
    board = _dashboard(qtbot, demo_store, pid, today, session)
    qtbot.waitUntil(lambda: bool(board._pages[board.visible_group() or ""].drawn))
    page = board._pages[board.visible_group() or ""]
    on_screen = sorted(page.drawn)
    assert len(on_screen) >= 2
    changed_key, other_key = page.keys[on_screen[0]], page.keys[on_screen[1]]
    changed_chart, other_chart = page.chart(on_screen[0]), page.chart(on_screen[1])
    rows_before = board.goals_panel.rows()
    other_before = other_chart.plotted_points()

    this_week = week_start(today)
    latest = demo_store.entry(pid, this_week) or demo_store.entries(pid)[-1]
    old = board.data.series(changed_key)
    new_value = next(v for v in (0.0, 1.0, 2.0) if all(p.value != v for p in old.points[-1:]))
    entry = _with_value(latest, changed_key, new_value, this_week)
    assert other_key not in _keys_differing(latest, entry, board.data)

    session.save_week(entry)
    weeks, values = changed_chart.plotted_points()
    assert (weeks[-1], values[-1]) == (this_week, new_value)  # drawn at once, without waiting for a paint
    assert other_chart.plotted_points() == other_before
    fresh = _dashboard(qtbot, demo_store, pid, today)
    assert board.goals_panel.rows() == fresh.goals_panel.rows()
    assert board.goals_panel.rows() != rows_before


def _with_value(entry: WeeklyEntry, key: str, value: float, week: date) -> WeeklyEntry:
    """``entry`` filed under ``week`` with series ``key`` at ``value`` (a marker or a ROM movement)."""
    from dataclasses import replace

    if key.startswith("rom/"):
        rom = tuple(replace(r, degrees=value) if r.series_key == key else r for r in entry.rom)
        return replace(entry, week=week, rom=rom, id=None)
    return replace(entry, week=week, values={**entry.values, key: value}, id=None)


def _keys_differing(before: WeeklyEntry, after: WeeklyEntry, data: PatientData) -> set[str]:
    from rehabtrack.core.series import value_in

    keys = {k for keys in data.chart_groups.values() for k in keys if not k.startswith("measure/")}
    return {k for k in keys if value_in(before, k) != value_in(after, k)}


KNEE_FLEX, KNEE_EXT, SHOULDER = (RomReading(j, s, m, 10) for j, s, m in MOVEMENTS[:3])


@pytest.mark.parametrize(
    ("week_offset", "rom", "what"),
    [
        (3, (KNEE_EXT, KNEE_FLEX), "a new last week, known movements in another order: the same charts"),
        (3, (SHOULDER,), "a new last week with a movement never logged: its chart is added"),
        (-1, (KNEE_EXT,), "a new first week: extension is now logged first, so its chart comes first"),
        (0, (KNEE_EXT, KNEE_FLEX), "the first week again, its movements swapped: the charts swap"),
        (1, (), "the only week with extension loses it: its chart goes"),
        (2, (KNEE_FLEX,), "the last week again with fewer markers: pain is still logged earlier"),
    ],
)
def test_chart_groups_kept_after_a_save_are_those_of_a_fresh_read(
    qapp, store: Store, today: date, week_offset: int, rom: tuple[RomReading, ...], what: str
) -> None:  # type: ignore[no-untyped-def]
    """The chart list is kept across a saved week when the week cannot change it, and worked out
    again when it can: either way it is the list a fresh read gives (which charts, in which order)."""
    from rehabtrack.core.model import Patient

    pid = store.save_patient(Patient("Ada Park")).id
    assert pid is not None
    first = week_start(today) - timedelta(weeks=8)
    weeks = [first + timedelta(weeks=i) for i in range(3)]
    store.save_entry(pid, WeeklyEntry(weeks[0], {"pain": 5.0}, (KNEE_FLEX, KNEE_EXT)))
    store.save_entry(pid, WeeklyEntry(weeks[1], {"pain": 4.0, "sleep_hours": 6.0}, (KNEE_FLEX, KNEE_EXT)))
    store.save_entry(pid, WeeklyEntry(weeks[2], {"pain": 4.0}, (KNEE_FLEX,)))
    kept = PatientData(store, pid, today)
    before = kept.chart_groups
    session = PatientSession.open(store, pid, today)
    session.changed.connect(lambda changed: kept.apply(changed, store))

    week = first + timedelta(weeks=week_offset)
    stored = store.entry(pid, week)
    entry = WeeklyEntry(week, {"pain": 3.0}, rom, version=stored.version if stored else 0)
    if week_offset == 1:  # extension is then logged in this week only
        version = store.entry(pid, weeks[0]).version  # type: ignore[union-attr]
        store.save_entry(pid, WeeklyEntry(weeks[0], {"pain": 5.0}, (KNEE_FLEX,), version=version))
        kept = PatientData(store, pid, today)
        before = kept.chart_groups
    session.save_week(entry)

    fresh = PatientData(store, pid, today)
    assert kept.chart_groups == fresh.chart_groups, what
    assert kept.entries == fresh.entries
    if week_offset == 3 and len(rom) == 2:
        assert kept.chart_groups is before  # kept: not worked out again from every week
