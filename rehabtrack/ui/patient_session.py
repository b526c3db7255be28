"""One open patient: the store handle, the patient, "today" and the undo stack, and the one way the
windows change the patient's records.

Every change a person makes is a ``QUndoCommand`` (``ui/commands.py``) run here and pushed on
``undo_stack``; after it is done, undone or redone the session emits ``changed`` with a ``Changed``
naming what it touched, and each view refreshes only that. Imports and restoring a backup are not
undoable (each makes a backup first): they clear the stack and announce ``Changed.all()``.

Before any patient is open (the set-up wizard, a profile restored from the archive) the functions at
the end of this module make the change instead; no other UI module writes to the ``Store``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoStack

from rehabtrack.core.imports import ImportReport, OnConflict
from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import MeasureResult
from rehabtrack.core.model import Activity, Event, Goal, GoalStatus, Patient, WeeklyEntry, same_activity_name
from rehabtrack.core.validation import raise_if_any
from rehabtrack.storage.errors import ChangedMeanwhile, DatabaseProblem
from rehabtrack.storage.store import Store
from rehabtrack.ui import commands
from rehabtrack.ui.changed import Changed

if TYPE_CHECKING:  # templates, bundles and CSV files are imported when a patient is made or a file imported
    from rehabtrack.core.templates import ConditionTemplate

MAX_PROBLEMS_SHOWN = 15
UNDO_KEYS = (QKeySequence.StandardKey.Undo,)
REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")


class PatientSession(QObject):
    """``undo_action`` and ``redo_action`` name the change they would undo or redo ("&Undo Add goal
    'Walk 30 minutes'"); the window shows them in its Edit menu, and a view shown on its own adds them
    to itself. Their keys work anywhere in the window; a text field with typing of its own to undo
    keeps them for that (see ``UndoPassThrough`` in the check-in)."""

    changed = Signal(object)  # a Changed
    refused_undo = Signal(object)  # a ChangedMeanwhile: an undo or redo met someone else's change

    def __init__(
        self, store: Store, patient: Patient, today: date | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        assert patient.id is not None, "a session is for a saved patient"
        self.store = store
        self.patient = patient
        self.patient_id: int = patient.id
        self._today = today  # None: the computer's date, read each time (the app may stay open for days)
        self._told: dict[object, Any] | None = None  # what was read while a change is told
        self._kept: dict[str, Any] = {}  # goals, activities, plan, thresholds: until a change names them
        self.undo_stack = QUndoStack(self)
        self.versions: dict[tuple[str, object], int | None] = {}  # see commands.Change.version
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        for action, keys in ((self.undo_action, UNDO_KEYS), (self.redo_action, REDO_KEYS)):
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    @classmethod
    def open(
        cls, store: Store, patient_id: int, today: date | None = None, parent: QObject | None = None
    ) -> PatientSession:
        """The session of the stored patient ``patient_id`` (today None: the computer's date)."""
        return cls(store, store.patient(patient_id), today, parent)

    @property
    def today(self) -> date:
        return self._today or date.today()

    def announce(self, what: Changed) -> None:
        """Tell every view what changed (commands call this from ``redo`` and ``undo``)."""
        if what.patient or what.everything:
            self.patient = self.store.patient(self.patient_id)
        self.forget(what)
        outer = self._told
        self._told = {}
        try:
            self.changed.emit(what)
        finally:
            self._told = None if outer is None else {}  # a change told inside another: read again

    def _shared(self, key: object, read: Callable[[], Any]) -> Any:
        """``read()``; while a change is being told, once for all the views told of it."""
        if self._told is None:
            return read()
        if key not in self._told:
            self._told[key] = read()
        return self._told[key]

    def forget(self, what: Changed | None = None) -> None:
        """Drop the kept reads ``what`` may have changed; all of them when None (someone else changed
        the records: a reload)."""
        if what is None or what.everything:
            self._kept.clear()
            return
        named = {
            "goals": bool(what.goals),
            "activities": what.activities,
            "plan": what.maintenance or what.patient,
            "thresholds": what.thresholds,
        }
        for key, changed in named.items():
            if changed:
                self._kept.pop(key, None)

    def _kept_read(self, key: str, read: Callable[[], Any]) -> Any:
        """``read()`` once, kept until a change names it (``forget``): every change goes through this
        session, and a save of a week then reads only that week."""
        if key not in self._kept:
            self._kept[key] = read()
        return self._kept[key]

    def stored_week(self, week: date) -> WeeklyEntry | None:
        """``week`` as stored."""
        found: WeeklyEntry | None = self._shared(week, lambda: self.store.entry(self.patient_id, week))
        return found

    def stored_plan(self) -> MaintenancePlan:
        plan: MaintenancePlan = self._kept_read("plan", lambda: self.store.maintenance(self.patient_id))
        return plan

    def stored_activities(self) -> list[Activity]:
        """Every activity of the patient, archived ones too."""
        read = self._kept_read(
            "activities", lambda: self.store.activities(self.patient_id, include_archived=True)
        )
        return list(read)

    def stored_goals(self) -> list[Goal]:
        return list(self._kept_read("goals", lambda: self.store.goals(self.patient_id)))

    def stored_thresholds(self) -> dict[str, float]:
        return dict(self._kept_read("thresholds", lambda: self.store.thresholds(self.patient_id)))

    def refused(self, problem: ChangedMeanwhile) -> None:
        """An undo or redo was refused: the row it would write was changed by someone else meanwhile.
        The command is dropped from the stack (it no longer describes what is stored)."""
        self.forget()
        self.refused_undo.emit(problem)

    def run(self, command: commands.Change) -> None:
        """Make the change now and put it on the undo stack; a refused change (InvalidInput, a disk
        that will not write) raises here, and nothing is written or pushed."""
        command.first_run()
        self.undo_stack.push(command)

    # Weekly entries ----------------------------------------------------------------------------

    def save_week(
        self, entry: WeeklyEntry, opened: WeeklyEntry | None | commands.Unread = commands.UNREAD
    ) -> None:
        """Save ``entry`` (at the version it was read at); ``opened``: the week as read then, if known."""
        self.run(commands.SaveEntry(self, entry, opened))

    def delete_week(self, week: date, version: int | None = None) -> None:
        """Delete ``week``'s entry, refused (ChangedMeanwhile) when it is no longer at ``version``."""
        self.run(commands.DeleteEntry(self, week, version))

    # Goals ---------------------------------------------------------------------------------------

    def add_goal(self, goal: Goal) -> Goal:
        """Add ``goal`` (or, with an id, change it); returns it as saved, with its id."""
        command = commands.SaveGoal(self, goal)
        self.run(command)
        return command.goal

    def edit_goal(self, goal: Goal) -> Goal:
        return self.add_goal(goal)

    def decide_goal(self, goal: Goal, status: GoalStatus) -> Goal:
        """The therapist's decision: achieved, discontinued, or active again."""
        return self.add_goal(replace(goal, status=status))

    # Events and session notes --------------------------------------------------------------------

    def add_event(self, event: Event) -> Event:
        command = commands.AddEvent(self, event)
        self.run(command)
        return command.event

    # Questionnaires ------------------------------------------------------------------------------

    def save_result(self, result: MeasureResult) -> MeasureResult:
        """Score and save a questionnaire result; returns it with its score and id."""
        command = commands.SaveResult(self, result)
        self.run(command)
        return command.result

    def delete_result(self, result: MeasureResult) -> MeasureResult:
        command = commands.DeleteResult(self, result)
        self.run(command)
        return command.deleted

    def reword_items(self, instrument: str, texts: list[str]) -> None:
        self.run(commands.SaveItemWording(self, instrument, texts))

    # Maintenance plan, thresholds, activities, the patient ---------------------------------------

    def change_maintenance(self, plan: MaintenancePlan, text: str) -> None:
        """``text`` names the change in Edit → Undo ("Record discharge 14 Mar")."""
        self.run(commands.SaveMaintenance(self, plan, text))

    def change_thresholds(self, values: dict[str, float]) -> None:
        self.run(commands.SaveThresholds(self, values))

    def add_activity(self, activity: Activity) -> Activity:
        """Add (or, with an id, rename, archive or restore) one of the patient's activities; a name another
        of them has already is refused (InvalidInput), and nothing is written."""
        known = self.store.activities(self.patient_id, include_archived=True)
        raise_if_any([same_activity_name(activity, known)])
        command = commands.SaveActivity(self, activity)
        self.run(command)
        return command.activity

    def change_patient(self, patient: Patient, text: str) -> None:
        """A patient's details: this session's patient, or another profile on this computer."""
        self.run(commands.SavePatient(self, patient, text))

    # Not undoable: they make a backup first --------------------------------------------------------

    def import_file(self, path: Path, on_conflict: OnConflict = OnConflict.KEEP) -> Outcome:
        """Import a bundle or CSV file (see ``import_file`` below); every view reads its data again."""
        outcome = import_file(self.store, path, self.patient.display_name, on_conflict)
        if outcome.ok and outcome.report is not None and outcome.report.changed:
            self.undo_stack.clear()  # what an undo would put back may no longer be what was there
            self.announce(Changed.all())
        return outcome


# Without an open patient ---------------------------------------------------------------------------


def create_patient(store: Store, patient: Patient, template: ConditionTemplate) -> int:
    """Save ``patient`` with the template's activities and goals; returns the new patient's id."""
    saved = store.save_patient(patient)
    assert saved.id is not None
    activity_ids: dict[str, int] = {}
    for suggestion in template.activities:
        activity = store.save_activity(saved.id, Activity(suggestion.name, suggestion.discipline))
        assert activity.id is not None
        activity_ids[suggestion.name] = activity.id
    start = patient.rehab_start
    for goal in template.goals:
        target_date = start + timedelta(weeks=goal.target_weeks) if start and goal.target_weeks else None
        for marker in _goal_markers(goal.marker, patient.affected_side, activity_ids):
            store.save_goal(
                saved.id,
                Goal(
                    goal.discipline,
                    goal.title,
                    marker,
                    goal.target,
                    goal.direction,
                    start=start,
                    target_date=target_date,
                    set_by="condition template",
                ),
            )
    return saved.id


def _goal_markers(marker: str, affected_side: str, activity_ids: dict[str, int]) -> list[str]:
    if marker.startswith("activity:"):
        return [f"activity/{activity_ids[marker.split(':', 1)[1]]}"]
    if marker.startswith("rom/"):
        from rehabtrack.core.templates import sides_for

        _, joint, side, movement, mode = marker.split("/")
        return [f"rom/{joint}/{s.value}/{movement}/{mode}" for s in sides_for(joint, side, affected_side)]
    return [marker]


def change_patient_details(store: Store, patient: Patient) -> Patient:
    """A profile's details changed with no patient open (nothing to undo on)."""
    return store.save_patient(patient)


def restore_backup(data_dir: Path, backup: Path) -> Path | None:
    """Put ``backup`` in place of the records (closed first); returns where the previous ones went."""
    from rehabtrack.storage.backup import restore

    return restore(data_dir, backup)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    patient_id: int | None = None
    report: ImportReport | None = None  # what an import added, kept and found in conflict


def _has_patient_column(path: Path) -> bool:
    from rehabtrack.storage.csv_io import read_header

    return "patient" in read_header(path)  # reads the first row only: a file may be large


def import_file(
    store: Store,
    path: Path,
    patient_name: str | None = None,
    on_conflict: OnConflict = OnConflict.KEEP,
    *,
    dry_run: bool = False,
) -> Outcome:
    """Import a patient bundle, a FHIR Bundle or a CSV file (``dry_run``: only say what it would do).

    A CSV file without a ``patient`` column goes to ``patient_name`` (the patient on screen).
    """
    from rehabtrack.fhir.reading import FhirImportError, import_fhir, is_fhir
    from rehabtrack.storage.bundle import BundleError, import_bundle, is_bundle
    from rehabtrack.storage.csv_io import CsvImportError, import_csv

    left_out: list[str] = []
    try:
        if is_bundle(path):
            report = import_bundle(store, path, on_conflict, dry_run=dry_run)
            what = f"{report.patients[0].name}'s records from {path.name}"
        elif is_fhir(path):
            report, left_out = import_fhir(store, path, on_conflict, dry_run=dry_run)
            what = f"{report.patients[0].name}'s records from {path.name}"
        else:
            patient = None if _has_patient_column(path) else patient_name
            report = import_csv(store, path, patient, on_conflict, dry_run=dry_run)
            what = path.name
    except (BundleError, FhirImportError) as exc:
        return Outcome(False, str(exc))
    except CsvImportError as exc:
        lines = [str(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(exc.problems) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more.")
        return Outcome(
            False,
            f"Nothing was imported: {len(exc.problems)} problem(s) in {path.name}.\n" + "\n".join(lines),
        )
    except DatabaseProblem as exc:  # no backup could be made first, or the disk refused the save
        return Outcome(False, str(exc))
    ids = [p.patient_id for p in report.patients]
    said = _said(report, what)
    if left_out:
        said += f"\nLeft out (RehabTrack keeps no such records): {', '.join(left_out)}."
    return Outcome(True, said, ids[0] if len(ids) == 1 else None, report)


def _said(report: ImportReport, what: str) -> str:
    """What the import did, in the words the window shows once it is done."""
    if not report.changed:
        lines = [f"Nothing new in {what}: all of it is stored already."]
    else:
        lines = [f"Imported {what}."]
    lines += report.summary()
    if report.conflicts:
        if report.on_conflict is OnConflict.KEEP:
            lines.append("Where the file differs, your stored values were kept.")
        else:
            lines.append("Where the file differs, its values replaced the stored ones.")
    if report.backup is not None:
        lines.append(f"A backup from just before the import: {report.backup.name}")
    return "\n".join(lines)
