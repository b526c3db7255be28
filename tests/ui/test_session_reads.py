"""What a patient session keeps of its reads (goals, activities, maintenance plan, thresholds) is always
what the database holds: every change, and its undo and redo, drops what it touched, and a reload after
someone else's change drops everything. (The session keeps them so that saving a week reads only that
week; the check-in, the reminder and the recurrence watch use them.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.model import Activity, Direction, Discipline, Goal, Patient, WeeklyEntry
from rehabtrack.storage.store import Store
from rehabtrack.ui.patient_session import PatientSession


def _as_stored(session: PatientSession) -> None:
    store, pid = session.store, session.patient_id
    assert session.stored_goals() == store.goals(pid)
    assert session.stored_activities() == store.activities(pid, include_archived=True)
    assert session.stored_plan() == store.maintenance(pid)
    assert session.stored_thresholds() == store.thresholds(pid)


def _goal(session: PatientSession) -> None:
    session.add_goal(
        Goal(Discipline.PT, "Bend the knee", "rom/knee/right/flexion/active", 120, Direction.HIGHER)
    )


def _activity(session: PatientSession) -> None:
    session.add_activity(Activity("Cooking", Discipline.OT))


def _plan(session: PatientSession) -> None:
    today = session.today
    session.change_maintenance(MaintenancePlan(today - timedelta(days=7), 2, today), "Record discharge")


def _thresholds(session: PatientSession) -> None:
    session.change_thresholds({"sleep_hours": 3.0})


@pytest.mark.parametrize("change", [_goal, _activity, _plan, _thresholds])
def test_kept_reads_follow_every_change_and_its_undo_and_redo(
    qapp, store: Store, today: date, change: Callable[[PatientSession], None]
) -> None:  # type: ignore[no-untyped-def]
    pid = store.save_patient(Patient("Ada Park")).id
    assert pid is not None
    session = PatientSession.open(store, pid, today)
    _as_stored(session)  # read once and kept
    change(session)
    _as_stored(session)
    session.save_week(WeeklyEntry(today - timedelta(days=today.weekday()), {"pain": 4.0}))
    _as_stored(session)  # a saved week changes none of them
    session.undo_stack.undo()
    session.undo_stack.undo()
    _as_stored(session)
    session.undo_stack.redo()
    _as_stored(session)


def test_a_reload_after_someone_elses_change_reads_again(qapp, store: Store, today: date) -> None:  # type: ignore[no-untyped-def]
    pid = store.save_patient(Patient("Ada Park")).id
    assert pid is not None
    session = PatientSession.open(store, pid, today)
    _as_stored(session)
    store.save_goal(
        pid, Goal(Discipline.OT, "Cook a meal", "pain", 2, Direction.LOWER)
    )  # not by this session
    session.forget()
    _as_stored(session)
