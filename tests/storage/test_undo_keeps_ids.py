"""A row deleted and saved again (what Edit → Undo does) comes back under its own id, so what refers to
it — a questionnaire result linked to a goal, a later change on the undo stack — still finds it; and an
import never takes the ids of the file it reads, which are another database's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from rehabtrack.core.measure_series import GasGoal, MeasureResult
from rehabtrack.core.measures import CopmProblem
from rehabtrack.core.model import (
    NEW,
    Activity,
    ActivityRating,
    Direction,
    Discipline,
    Event,
    EventKind,
    Goal,
    Patient,
    WeeklyEntry,
)
from rehabtrack.storage.bundle import export_bundle, import_bundle
from rehabtrack.storage.store import Store, open_store

DAY = date(2026, 3, 4)


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = open_store(data_dir)
    yield opened
    opened.close()


def _patient(store: Store, name: str = "Ann Undo") -> int:
    saved = store.save_patient(Patient(name))
    assert saved.id is not None
    return saved.id


def test_a_goal_event_result_and_activity_come_back_under_their_ids(store: Store) -> None:
    pid = _patient(store)
    store.save_goal(pid, Goal(Discipline.PT, "Earlier goal", "pain", 2, Direction.LOWER))
    goal = store.save_goal(pid, Goal(Discipline.OT, "Cook a meal", "pain", 2, Direction.LOWER))
    event = store.save_event(pid, Event(DAY, EventKind.CLINICIAN_NOTE, "Stairs without the rail"))
    copm = store.save_measure(
        pid,
        MeasureResult("COPM", DAY, copm=(CopmProblem("Cooking", 8, 4, 3),), goal_id=goal.id),
    )
    activity = store.save_activity(pid, Activity("Carry the shopping", Discipline.OT))
    assert None not in (goal.id, event.id, copm.id, activity.id)

    store.delete_goal(goal.id)  # type: ignore[arg-type]
    store.delete_event(event.id)  # type: ignore[arg-type]
    store.delete_measure(copm.id)  # type: ignore[arg-type]
    store.delete_activity(activity.id)  # type: ignore[arg-type]
    assert goal not in store.goals(pid) and store.events(pid) == [] and store.measures(pid) == []
    assert store.activities(pid) == []

    assert store.save_goal(pid, replace(goal, version=NEW)) == goal  # brought back: a new row again
    assert store.save_event(pid, event) == event
    assert store.save_activity(pid, activity) == activity
    assert store.save_measure(pid, copm) == copm
    assert store.goals(pid)[-1] == goal and store.measures(pid) == [copm]
    assert store.measure(copm.id).goal_id == goal.id  # type: ignore[arg-type,union-attr]


def test_deleting_an_activity_takes_its_ratings_with_it(store: Store) -> None:
    pid = _patient(store)
    activity = store.save_activity(pid, Activity("Carry the shopping", Discipline.OT))
    assert activity.id is not None
    monday = date(2026, 3, 2)
    store.save_entry(pid, WeeklyEntry(monday, {"pain": 3}, activities=(ActivityRating(activity.id, 4),)))
    store.delete_activity(activity.id)
    [entry] = store.entries(pid)
    assert entry.values == {"pain": 3} and entry.activities == ()


def test_an_import_takes_new_ids_not_the_files(store: Store, tmp_path: Path) -> None:
    other = open_store(tmp_path / "other")
    try:
        sent = _patient(other, "Bo Sender")
        other.save_measure(
            sent, MeasureResult("GAS", DAY, gas=(GasGoal("Walk to the shop", 1),))
        )  # id 1 there
        export_bundle(other, sent, tmp_path / "bo.rtbundle")
    finally:
        other.close()
    here = _patient(store)
    mine = store.save_measure(here, MeasureResult("GAS", DAY, gas=(GasGoal("Cook", 0),)))  # id 1 here
    report = import_bundle(store, tmp_path / "bo.rtbundle")
    bo = report.patients[0].patient_id
    assert store.measures(here) == [mine]
    [theirs] = store.measures(bo)
    assert theirs.id != mine.id and theirs.gas[0].goal == "Walk to the shop"
