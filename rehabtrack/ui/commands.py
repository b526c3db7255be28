"""Every change a person can make to a patient's records, as an undoable command.

A command is made and run once by the patient session (``PatientSession.run``) before it goes on the
undo stack, so a refused change (``InvalidInput``, a full disk) raises to the form and is never pushed.
Each command knows the state it replaced, so Edit → Undo puts exactly that back, and Edit → Redo the
change again; after each of the three the session announces what the command touched (``Changed``).
Rows brought back by an undo keep their ids (``Store`` re-inserts them), so later commands on the stack
still find them. Weeks and goals are written by version (see ``core.model.NEW``): each command keeps the
version its last write left, so an undo or redo of a row someone else changed meanwhile is refused
(``ChangedMeanwhile``, reported through ``Records.refused``) instead of overwriting their change.
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from datetime import date
from enum import Enum
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import MeasureResult, family_instrument
from rehabtrack.core.model import NEW, Activity, Event, EventKind, Goal, GoalStatus, Patient, WeeklyEntry
from rehabtrack.storage.errors import ChangedMeanwhile
from rehabtrack.storage.store import Store
from rehabtrack.ui.changed import Changed


class Unread(Enum):
    """What a caller passes for a week it has not read."""

    UNREAD = "unread"


UNREAD = Unread.UNREAD


def _version_of(entry: WeeklyEntry | None) -> int | None:
    return NEW if entry is None else entry.version


class Records(Protocol):
    """What a command needs from the session: where to write, whose records, whom to tell."""

    store: Store
    patient_id: int

    def announce(self, what: Changed) -> None: ...

    def refused(self, problem: ChangedMeanwhile) -> None: ...

    @property
    def versions(self) -> dict[tuple[str, object], int | None]:
        """Each week's or goal's version as this session's last write left it."""
        ...


def short_week(week: date) -> str:
    """'week of 3 Mar 2025'."""
    return f"week of {week.day} {week:%b %Y}"


def short_day(day: date) -> str:
    """'14 Mar'."""
    return f"{day.day} {day:%b}"


class Change(QUndoCommand):
    """One change: ``apply`` writes it, ``revert`` puts back what it replaced; both say what they touched."""

    def __init__(self, records: Records, text: str) -> None:
        super().__init__(text.replace("&", "&&"))  # shown in Edit → Undo: a name's "&" is no mnemonic
        # Weakly: the session owns the stack that owns this command; a strong reference back would make
        # a cycle that only the garbage collector ends, deleting Qt objects in no safe order.
        self._records = weakref.ref(records)
        self._applied = False  # run once by the session before it was pushed

    @property
    def records(self) -> Records:
        records = self._records()
        assert records is not None, "a command outlived its session"
        return records

    @property
    def store(self) -> Store:
        return self.records.store

    @property
    def patient_id(self) -> int:
        return self.records.patient_id

    def first_run(self) -> None:
        """Write the change now (it may refuse); the push that follows only announces it."""
        self.apply()
        self._applied = True

    def redo(self) -> None:
        if not self._applied:
            try:
                self.apply()
            except ChangedMeanwhile as exc:  # Qt's undo stack cannot take an exception: say so instead
                self._refuse(exc)
                return
        self._applied = False
        self.records.announce(self.touched())

    def undo(self) -> None:
        try:
            self.revert()
        except ChangedMeanwhile as exc:
            self._refuse(exc)
            return
        self.records.announce(self.touched())

    # The version of the row this command writes, as this session last left it (every command on the
    # stack that touches the row reads and leaves it here, so an undo goes on from the last one's write).
    key: tuple[str, object] = ("", None)

    @property
    def version(self) -> int | None:
        return self.records.versions.get(self.key)

    @version.setter
    def version(self, version: int | None) -> None:
        self.records.versions[self.key] = version

    def _refuse(self, problem: ChangedMeanwhile) -> None:
        self.setObsolete(True)  # the stack drops it: it no longer describes what is stored
        self.records.refused(problem)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def touched(self) -> Changed:
        raise NotImplementedError


# Weekly entries ------------------------------------------------------------------------------------


class SaveEntry(Change):
    """Save one week; undo restores the previous version of that week, or deletes it if it was new.
    ``entry.version`` is the one the form was opened with."""

    def __init__(
        self, records: Records, entry: WeeklyEntry, opened: WeeklyEntry | None | Unread = UNREAD
    ) -> None:
        """``opened``: the week as the form read it, when it has it. At the version ``entry`` carries it
        is what is stored (every write moves the version, and the save checks it), so it is not read
        again for the undo."""
        super().__init__(records, f"Save {short_week(entry.week)}")
        self.entry = entry
        if isinstance(opened, Unread) or entry.version is None or _version_of(opened) != entry.version:
            opened = records.store.entry(records.patient_id, entry.week)
        self.previous = opened
        self.key = ("week", entry.week)
        records.versions[self.key] = entry.version

    def apply(self) -> None:
        saved = self.store.save_entry(self.patient_id, replace(self.entry, version=self.version))
        self.version = saved.version

    def revert(self) -> None:
        if self.previous is None:
            self.store.delete_entry(self.patient_id, self.entry.week, self.version)
            self.version = NEW
        else:
            back = replace(self.previous, version=self.version)
            self.version = self.store.save_entry(self.patient_id, back).version

    def touched(self) -> Changed:
        return Changed(weeks=frozenset({self.entry.week}))


class DeleteEntry(Change):
    """Delete one week's entry (at ``version``, the one the form was opened with); undo saves it again
    exactly as it was."""

    def __init__(self, records: Records, week: date, version: int | None = None) -> None:
        super().__init__(records, f"Delete {short_week(week)}")
        self.week = week
        self.deleted = records.store.entry(records.patient_id, week)
        self.key = ("week", week)
        records.versions[self.key] = version

    def apply(self) -> None:
        deleted = self.store.delete_entry(self.patient_id, self.week, self.version)
        if deleted is not None:
            self.deleted = deleted
        self.version = NEW

    def revert(self) -> None:
        if self.deleted is not None:
            self.version = self.store.save_entry(self.patient_id, replace(self.deleted, version=NEW)).version

    def touched(self) -> Changed:
        return Changed(weeks=frozenset({self.week}))


# Goals ---------------------------------------------------------------------------------------------


def goal_text(goal: Goal, before: Goal | None) -> str:
    """What a goal change is called in Edit → Undo: add, edit, mark achieved, discontinue, reopen."""
    if before is None:
        return f"Add goal '{goal.title}'"
    if goal.status != before.status and replace(before, status=goal.status) == goal:
        verb = {
            GoalStatus.MARKED_ACHIEVED: "Mark goal '{}' achieved",
            GoalStatus.DISCONTINUED: "Discontinue goal '{}'",
            GoalStatus.ACTIVE: "Reopen goal '{}'",
        }[goal.status]
        return verb.format(goal.title)
    return f"Edit goal '{goal.title}'"


class SaveGoal(Change):
    """Add a goal or change one (its wording, target, status …); undo removes the new goal or puts
    the old one back."""

    def __init__(self, records: Records, goal: Goal) -> None:
        before = next((g for g in records.store.goals(records.patient_id) if g.id == goal.id), None)
        before = before if goal.id is not None else None
        super().__init__(records, goal_text(goal, before))
        self.goal, self.before = goal, before
        self.key = ("goal", goal.id)
        if goal.id is not None:
            records.versions[self.key] = goal.version

    def apply(self) -> None:
        version = self.version if self.goal.id is not None else None
        self.goal = self.store.save_goal(self.patient_id, replace(self.goal, version=version))
        self.key = ("goal", self.goal.id)
        self.version = self.goal.version

    def revert(self) -> None:
        if self.before is None:
            assert self.goal.id is not None
            self.store.delete_goal(self.goal.id, self.version)
            self.version = NEW  # a redo brings it back under its id
        else:
            self.version = self.store.save_goal(
                self.patient_id, replace(self.before, version=self.version)
            ).version

    def touched(self) -> Changed:
        return Changed(goals=frozenset({self.goal.id} if self.goal.id is not None else ()))


# Events and session notes ------------------------------------------------------------------------


def event_text(event: Event) -> str:
    kind = "session note" if event.kind == EventKind.CLINICIAN_NOTE else event.kind.value
    return f"Add {kind} {short_day(event.day)}"


class AddEvent(Change):
    """Add an event or a clinician's session note; undo removes it."""

    def __init__(self, records: Records, event: Event) -> None:
        super().__init__(records, event_text(event))
        self.event = event

    def apply(self) -> None:
        self.event = self.store.save_event(self.patient_id, self.event)

    def revert(self) -> None:
        assert self.event.id is not None
        self.store.delete_event(self.event.id)

    def touched(self) -> Changed:
        return Changed(events=True)


# Questionnaires --------------------------------------------------------------------------------------


def _result_name(result: MeasureResult) -> str:
    return f"{family_instrument(result.instrument).short_name} of {short_day(result.taken)}"


class SaveResult(Change):
    """Score and save a questionnaire result (new, or replacing one); undo removes it or puts the old
    one back."""

    def __init__(self, records: Records, result: MeasureResult) -> None:
        before = records.store.measure(result.id) if result.id is not None else None
        super().__init__(records, f"Save {_result_name(result)}")
        self.result, self.before = result, before

    def apply(self) -> None:
        self.result = self.store.save_measure(self.patient_id, self.result)

    def revert(self) -> None:
        if self.before is None:
            assert self.result.id is not None
            self.store.delete_measure(self.result.id)
        else:
            self.store.save_measure(self.patient_id, self.before)

    def touched(self) -> Changed:
        instruments = {self.result.instrument} | ({self.before.instrument} if self.before else set())
        return Changed(measures=frozenset(instruments))


class DeleteResult(Change):
    """Delete one questionnaire result; undo brings it back as it was, under its id."""

    def __init__(self, records: Records, result: MeasureResult) -> None:
        super().__init__(records, f"Delete {_result_name(result)}")
        assert result.id is not None
        self.result_id = result.id
        self.deleted = records.store.measure(result.id) or result

    def apply(self) -> None:
        deleted = self.store.delete_measure(self.result_id)
        if deleted is not None:
            self.deleted = deleted

    def revert(self) -> None:
        self.store.save_measure(self.patient_id, self.deleted)

    def touched(self) -> Changed:
        return Changed(measures=frozenset({self.deleted.instrument}))


class SaveItemWording(Change):
    """The clinic's wording of a questionnaire's items (for every patient); undo puts back the old."""

    def __init__(self, records: Records, instrument: str, texts: list[str]) -> None:
        name = family_instrument(instrument).short_name
        super().__init__(records, f"Change {name} item wording")
        shipped = family_instrument(instrument).items
        self.instrument, self.texts = instrument, texts
        # What the clinic had typed: a shipped text shown in its place is stored as blank.
        self.before = [
            "" if text == shipped[i] else text for i, text in enumerate(records.store.item_texts(instrument))
        ]

    def apply(self) -> None:
        self.store.save_item_texts(self.instrument, self.texts)

    def revert(self) -> None:
        self.store.save_item_texts(self.instrument, self.before)

    def touched(self) -> Changed:
        return Changed(wording=frozenset({self.instrument}))


# The maintenance plan, thresholds, activities, the patient -------------------------------------------


class SaveMaintenance(Change):
    """Discharge, start or end the maintenance phase; undo puts the previous plan back."""

    def __init__(self, records: Records, plan: MaintenancePlan, text: str) -> None:
        super().__init__(records, text)
        self.plan = plan
        self.before = records.store.maintenance(records.patient_id)

    def apply(self) -> None:
        self.store.save_maintenance(self.patient_id, self.plan)

    def revert(self) -> None:
        self.store.save_maintenance(self.patient_id, self.before)

    def touched(self) -> Changed:
        return Changed(maintenance=True)


class SaveThresholds(Change):
    """The patient's own meaningful-change thresholds; undo puts the previous ones back."""

    def __init__(self, records: Records, values: dict[str, float]) -> None:
        super().__init__(records, "Change meaningful-change thresholds")
        self.values = dict(values)
        self.before = records.store.thresholds(records.patient_id)

    def apply(self) -> None:
        self.store.save_thresholds(self.patient_id, self.values)

    def revert(self) -> None:
        self.store.save_thresholds(self.patient_id, self.before)

    def touched(self) -> Changed:
        return Changed(thresholds=True)


class SaveActivity(Change):
    """Add one of the patient's own activities, or archive / restore / rename one; undo reverses it."""

    def __init__(self, records: Records, activity: Activity) -> None:
        known = records.store.activities(records.patient_id, include_archived=True)
        before = next((a for a in known if activity.id is not None and a.id == activity.id), None)
        if before is None:
            text = f"Add activity '{activity.name}'"
        elif activity.archived != before.archived:
            text = f"{'Archive' if activity.archived else 'Restore'} activity '{activity.name}'"
        else:
            text = f"Rename activity '{before.name}' to '{activity.name}'"
        super().__init__(records, text)
        self.activity, self.before = activity, before

    def apply(self) -> None:
        self.activity = self.store.save_activity(self.patient_id, self.activity)

    def revert(self) -> None:
        if self.before is None:
            assert self.activity.id is not None
            self.store.delete_activity(self.activity.id)
        else:
            self.store.save_activity(self.patient_id, self.before)

    def touched(self) -> Changed:
        return Changed(activities=True)


class SavePatient(Change):
    """A patient's details (name, archived …), this session's patient or another on the computer."""

    def __init__(self, records: Records, patient: Patient, text: str) -> None:
        assert patient.id is not None
        super().__init__(records, text)
        self.patient = patient
        self.before = records.store.patient(patient.id)

    def apply(self) -> None:
        self.store.save_patient(self.patient)

    def revert(self) -> None:
        self.store.save_patient(self.before)

    def touched(self) -> Changed:
        return Changed(patient=self.patient.id == self.patient_id)
