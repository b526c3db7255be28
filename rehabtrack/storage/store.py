"""The one facade the rest of the app uses to read and write a RehabTrack database.

It speaks in core dataclasses; SQLModel rows never leave this package. Every write is one
transaction and is validated by core first, so bad input writes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from rehabtrack.core.history import AuditEntry
from rehabtrack.core.imports import (
    PROFILE_FIELDS,
    PROFILE_LABELS,
    Conflict,
    History,
    ImportReport,
    OnConflict,
    PatientOutcome,
    merge_entry,
    merge_goal,
    merge_values,
    plan_text,
    show,
)
from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.meaningful_change import default_threshold, threshold_problem
from rehabtrack.core.measure_series import FILLED_IN, GasGoal, MeasureResult, family_instrument, scored
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
    GoalStatus,
    Patient,
    WeeklyEntry,
    name_key,
)
from rehabtrack.core.rom import RomMode, RomReading, Side
from rehabtrack.core.series import goal_problems
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.storage import engine as db
from rehabtrack.storage.backup import (
    DATABASE_NAME,
    DEFAULT_KEEP,
    backup_dir,
    backup_now,
    before_upgrade_backup,
    daily_backup,
    newest_backup,
    prune,
    remove_leftovers,
)
from rehabtrack.storage.bulk import insert_rows
from rehabtrack.storage.errors import (
    BackupProblem,
    CannotOpen,
    ChangedMeanwhile,
    ConnectionProblem,
    DatabaseProblem,
    MigrationFailed,
    NotRehabTrackDatabase,
    ReadOnlyDatabase,
)
from rehabtrack.storage.faults import folder_problem, repair_sidecars
from rehabtrack.storage.lock import DataDirLock
from rehabtrack.storage.tables import (
    ActivityRatingRow,
    ActivityRow,
    AuditRow,
    EventRow,
    GoalRow,
    MeasureItemRow,
    MeasureItemTextRow,
    MeasureResultRow,
    PatientRow,
    PatientThresholdRow,
    RomRow,
    WeeklyEntryRow,
)

MARKER_KEYS = tuple(m.key for m in WEEKLY_MARKERS)
T = TypeVar("T")
log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def open_store(data_dir: Path, *, keep_backups: int = DEFAULT_KEEP, read_only: bool | None = None) -> Store:
    """Open (creating or upgrading if needed) the database in ``data_dir``.

    The folder is locked for this Store's lifetime (StoreLocked if another RehabTrack has it). A
    backup is made at most once a day, and always before a schema upgrade. A file that cannot be
    written (or ``read_only=True``) opens read-only: everything can be viewed, a save raises
    ReadOnlyDatabase. Damaged or foreign files raise NotRehabTrackDatabase naming the newest backup;
    a fault of the folder or disk (read-only, full, another user's) raises a DatabaseProblem naming it.
    """
    path = data_dir / DATABASE_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        db.secure_dir(data_dir)
        repair_sidecars(path)
    except OSError as exc:
        raise _environment(data_dir, exc) from exc
    writable = db.is_writable(path) if read_only is None else not read_only
    lock = DataDirLock(data_dir)
    try:
        if writable:
            lock.acquire()
        try:
            revision = db.stored_revision(path)
        except NotRehabTrackDatabase as exc:
            raise _offer_backup(exc, data_dir) from exc
        db.check_not_newer(path, revision)
        if not writable and revision != db.HEAD_REVISION:
            raise folder_problem(data_dir) or ReadOnlyDatabase(
                f"{path} is read-only and needs upgrading to this version of RehabTrack (schema "
                f"{revision or 'none'} to {db.HEAD_REVISION}). Make the file and its folder writable."
            )
        if writable and revision == db.HEAD_REVISION:
            _daily_backup(data_dir, keep_backups)
        if writable and revision != db.HEAD_REVISION:
            _upgrade(path, revision, keep_backups)
        engine = db.make_engine(path, read_only=not writable, audit=True)
        if writable:
            with engine.connect():  # switches the file to WAL; a full or read-only disk says so here
                pass
        for suffix in ("", "-wal", "-shm"):
            db.secure_file(path.with_name(path.name + suffix))
        store = Store(engine, path, lock if lock.held else None, read_only=not writable)
        store.keep_backups = keep_backups
        return store
    except OSError as exc:
        lock.release()
        raise _environment(data_dir, exc) from exc
    except sa.exc.DBAPIError as exc:
        lock.release()
        problem = folder_problem(data_dir)
        if problem is None:
            raise
        raise problem from exc
    except BaseException:
        lock.release()
        raise


def open_server(address: str, *, upgrade: bool = False, password: str | None = None) -> Store:
    """Open the RehabTrack database on a PostgreSQL server, ``address`` as a person types it (see
    storage.server). Only ``upgrade`` (``rehabtrack db upgrade``, run by the database's owner) sets the
    schema up or upgrades it; an ordinary start on a database behind this RehabTrack raises SchemaBehind
    and changes nothing. No lock file and no file backups: the server serves several people at once,
    and its owner backs it up with ``pg_dump``. BadAddress, CannotOpen (the server cannot be reached),
    NotRehabTrackDatabase, NewerSchema or MigrationFailed otherwise; ConnectionProblem (a plain
    message) when the server is down or refuses the login or its certificate fails. ``password``
    replaces the one the system keyring holds (trying a password before it is saved)."""
    from rehabtrack.storage import server

    url = server.server_url(address)
    engine = server.make_server_engine(url, password)
    try:
        with engine.connect() as conn:
            revision = server.stored_revision(conn, url)
        db.check_not_newer(f"The database {server.shown(url)}", revision)
        if revision != db.HEAD_REVISION and not upgrade:
            raise server.schema_behind(url, revision, db.HEAD_REVISION)
        if revision != db.HEAD_REVISION:
            from rehabtrack.storage.migrate import upgrade_to_head  # Alembic only when behind

            try:
                upgrade_to_head(engine, revision)
            except (sa.exc.OperationalError, ConnectionProblem):  # the connection, not the upgrade
                raise
            except Exception as exc:
                raise server.upgrade_failed(url, revision, db.HEAD_REVISION, exc) from exc
        if upgrade:
            from rehabtrack.storage import clinic_setup

            with engine.begin() as conn:
                clinic_setup.apply(conn)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise server.cannot_reach(url, exc) from exc
    except BaseException:
        engine.dispose()
        raise
    reads = engine.execution_options(isolation_level="AUTOCOMMIT")  # see Store._reading
    return Store(engine, None, location=server.shown(url), reads=reads)


def _environment(data_dir: Path, exc: OSError) -> DatabaseProblem:
    """The folder or the disk refused (``exc``): say which, and that nothing was changed."""
    return folder_problem(data_dir) or CannotOpen(
        f"RehabTrack cannot use its data folder {data_dir}: {exc.strerror or exc} "
        f"({exc.filename or data_dir}). Nothing was changed."
    )


def _daily_backup(data_dir: Path, keep: int) -> None:
    remove_leftovers(data_dir)
    try:
        daily_backup(data_dir, keep)
    except BackupProblem as exc:  # a missed daily backup must not keep the user from their data
        log.warning("daily backup skipped: %s", exc)


def _upgrade(path: Path, revision: str | None, keep: int) -> None:
    """Create or upgrade the schema in one transaction. An existing file is first copied once
    (before_upgrade_backup); a failure leaves the file exactly as it was and names that copy."""
    from rehabtrack.storage.migrate import upgrade_to_head  # Alembic only when behind

    data_dir = path.parent
    backup = None if revision is None else before_upgrade_backup(data_dir, db.HEAD_REVISION)
    # The journal mode stays as the file has it until the upgrade is done (engine.make_engine).
    engine = db.make_engine(path, wal=False)
    try:
        upgrade_to_head(engine, revision)
    except DatabaseProblem:
        raise  # the disk refused (full, read-only): that is the message, not the upgrade
    except Exception as exc:
        if backup is None:
            raise MigrationFailed(
                f"Setting up a new database in {path} failed ({exc}). Nothing had been saved in it yet."
            ) from exc
        raise MigrationFailed(
            f"Upgrading the database from schema {revision} to {db.HEAD_REVISION} failed ({exc}). "
            "The database was not changed: your records are all in it, and the upgrade is tried again the "
            f"next time RehabTrack opens it. A copy from just before the upgrade is also kept at {backup} "
            f'(for a previous version of RehabTrack: rehabtrack restore "{backup}").',
            backup,
        ) from exc
    finally:
        engine.dispose()
    if backup is not None:
        prune(data_dir, keep)
        log.info("database upgraded from schema %s to %s", revision, db.HEAD_REVISION)


def _offer_backup(exc: NotRehabTrackDatabase, data_dir: Path) -> NotRehabTrackDatabase:
    newest = newest_backup(data_dir)
    if newest is None:
        hint = f"The file has not been changed. There is no backup in {backup_dir(data_dir)} to restore."
    else:
        hint = (
            f"The file has not been changed. The newest backup is {newest}; to restore it, use "
            f'File → Restore from backup… or run:\n    rehabtrack restore "{newest}"'
        )
    return NotRehabTrackDatabase(f"{exc} {hint}", newest)


class Store:
    def __init__(
        self,
        engine: Engine,
        path: Path | None,
        lock: DataDirLock | None = None,
        read_only: bool = False,
        *,
        location: str | None = None,
        reads: Engine | None = None,
    ) -> None:
        self.engine = engine
        self._reads = reads or engine  # what _reading uses
        self.path = path  # the SQLite file; None on a server
        self.location = location or str(path)  # what a message calls the database
        self.read_only = read_only  # opened read-only: reading works, a save raises ReadOnlyDatabase
        self.keep_backups = DEFAULT_KEEP  # how many backups an import's backup leaves
        self._lock = lock

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session that only reads. On a server it opens no transaction of its own: each statement
        reads what is committed when it starts, as inside PostgreSQL's default transaction (READ
        COMMITTED) too, without the BEGIN and ROLLBACK round trips (a clinic's patient list took
        2.5x as long with them)."""
        with Session(self._reads, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._session() as session, session.begin():
            yield session

    @contextmanager
    def _versioned(self) -> Iterator[Session]:
        """A transaction that writes weeks or goals by their version: when one was changed meanwhile
        it is rolled back whole, then ChangedMeanwhile names who changed it."""
        try:
            with self._transaction() as s:
                yield s
        except _Stale as stale:
            raise self._changed_meanwhile(stale) from stale.cause

    def _changed_meanwhile(self, stale: _Stale) -> ChangedMeanwhile:
        """What to tell the person whose save met someone else's change (read after the rollback)."""
        with self._session() as s:
            row_id = stale.row_id
            if stale.week is not None:
                now_there = s.exec(
                    select(WeeklyEntryRow.id).where(
                        WeeklyEntryRow.patient_id == stale.patient_id, WeeklyEntryRow.week == stale.week
                    )
                ).first()
                if stale.cause is not None and now_there is None:
                    raise stale.cause  # the insert failed for another reason than a week already there
                row_id = now_there if row_id is None else row_id
            last = None
            if row_id is not None:
                last = s.exec(
                    select(AuditRow)
                    .where(AuditRow.table_name == stale.table, AuditRow.row_id == row_id)
                    .order_by(col(AuditRow.id).desc())  # the last written (clocks may differ)
                ).first()
        verb = "deleted" if last is not None and last.action == "delete" else "changed"
        if stale.gone and last is None:
            verb = "deleted"
        who = f"by {last.actor} at {_clock(last.at)}" if last is not None else "by someone else"
        return ChangedMeanwhile(
            f"{stale.what} was {verb} {who} — reload to see it. Nothing of this save was written.",
            last.actor if last is not None else None,
        )

    # Patients ---------------------------------------------------------------------------------

    def prepare_writes(self) -> None:
        """Set up the ORM mappings the writes use (~8 ms), which the reads of a start no longer need:
        called while nobody waits, so that the first save does not pay for it."""
        from sqlalchemy.orm import configure_mappers

        configure_mappers()

    def _read(self, query: sa.Select[Any]) -> list[sa.Row[Any]]:
        """The rows of a plain SELECT. The reads of a start use no ORM session: no objects to track and
        no mapper set-up, about three times faster (the writes still go through the ORM)."""
        with self._reads.connect() as conn:
            return list(conn.execute(query).all())

    def _patient_row(self, patient_id: int) -> sa.Row[Any]:
        found = self._read(sa.select(PATIENT_T).where(PATIENT_T.c.id == patient_id))
        if not found:
            raise KeyError(f"no patient with id {patient_id}")
        return found[0]

    def patients(self, include_archived: bool = False, search: str = "") -> list[Patient]:
        """The patients by name; with ``search``, only those whose name holds it, without regard to
        case ("mar" finds Mary Olsen and Omar Silva): what a therapist types to find one of theirs."""
        table = PATIENT_T  # plain rows in Patient's order, not ORM objects: a clinic's list reads 4x faster
        query = sa.select(*(table.c[name] for name in PATIENT_FIELDS)).order_by(table.c.display_name)
        if not include_archived:
            query = query.where(table.c.archived.is_(False))
        if search.strip():
            typed = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(sa.func.lower(table.c.display_name).like(f"%{typed}%", escape="\\"))
        with self._reads.connect() as conn:
            return [Patient(*row) for row in conn.execute(query).all()]

    def patient(self, patient_id: int) -> Patient:
        return _patient(self._patient_row(patient_id))

    def patient_named(self, name: str) -> Patient | None:
        """The patient with this name (without regard to case or outer spaces); InvalidInput when two
        patients share it, rather than picking one of them."""
        return _one_named(self.patients(True), name, lambda p: p.display_name)

    def save_patient(self, patient: Patient) -> Patient:
        patient.validate()
        now = _now()
        with self._transaction() as s:
            row = s.get(PatientRow, patient.id) if patient.id else None
            if row is None:
                row = PatientRow(display_name=patient.display_name, created_at=now, updated_at=now)
            for name in (
                "display_name",
                "condition",
                "affected_side",
                "rehab_start",
                "pt_clinician",
                "ot_clinician",
                "archived",
            ):
                setattr(row, name, getattr(patient, name))
            row.display_name = patient.display_name.strip()
            row.updated_at = now
            s.add(row)
            s.flush()
            return _patient(row)

    # Activities -------------------------------------------------------------------------------

    def activities(self, patient_id: int, include_archived: bool = False) -> list[Activity]:
        query = sa.select(ACTIVITY_T).where(ACTIVITY_T.c.patient_id == patient_id)
        if not include_archived:
            query = query.where(ACTIVITY_T.c.archived.is_(False))
        rows = self._read(query.order_by(ACTIVITY_T.c.position, ACTIVITY_T.c.id))
        return [_activity(row) for row in rows]

    def save_activity(self, patient_id: int, activity: Activity) -> Activity:
        activity.validate()
        with self._transaction() as s:
            row = s.get(ActivityRow, activity.id) if activity.id else None
            if row is None:
                count = len(s.exec(select(ActivityRow.id).where(ActivityRow.patient_id == patient_id)).all())
                row = ActivityRow(
                    id=activity.id,  # an activity brought back by an undo keeps its id
                    patient_id=patient_id,
                    name=activity.name,
                    discipline=activity.discipline,
                    position=count,
                )
            row.name = activity.name.strip()
            row.discipline = Discipline(activity.discipline).value
            row.archived = activity.archived
            s.add(row)
            s.flush()
            return _activity(row)

    def delete_activity(self, activity_id: int) -> None:
        """Remove an activity and its weekly ratings (undoing its addition; the app otherwise archives).
        The weeks that lose a rating move to a new version: a form opened on them must not put it back."""
        with self._transaction() as s:
            rated = sa.select(RATING_T.c.entry_id).where(RATING_T.c.activity_id == activity_id)
            s.execute(sa.update(ENTRY_T).where(ENTRY_T.c.id.in_(rated)).values(version=ENTRY_T.c.version + 1))
            s.exec(delete(ActivityRow).where(col(ActivityRow.id) == activity_id))

    # Weekly entries ---------------------------------------------------------------------------

    def entries(
        self, patient_id: int, first: date | None = None, last: date | None = None
    ) -> list[WeeklyEntry]:
        """All entries of a patient, oldest first (optionally only weeks in first..last)."""
        with self._reads.connect() as conn:
            return _read_entries(conn, patient_id, first, last)

    def entry(self, patient_id: int, week: date) -> WeeklyEntry | None:
        found = self.entries(patient_id, week, week)
        return found[0] if found else None

    def save_entry(self, patient_id: int, entry: WeeklyEntry) -> WeeklyEntry:
        """Create or replace the patient's entry for ``entry.week``, in one transaction; returns it with
        its id and new version. ChangedMeanwhile, and nothing written, when ``entry.version`` is not the
        stored one (see ``core.model.NEW``)."""
        self._check_entry(patient_id, entry)
        with self._versioned() as s:
            return _put_entry(s.connection(), patient_id, entry)

    def save_entries(self, patient_id: int, entries: list[WeeklyEntry]) -> None:
        """Save many weeks all-or-nothing: every entry is validated before anything is written."""
        for entry in entries:
            self._check_entry(patient_id, entry)
        with self._versioned() as s:
            for entry in entries:
                _put_entry(s.connection(), patient_id, entry)

    def import_histories(
        self,
        histories: Iterable[History],
        on_conflict: OnConflict = OnConflict.KEEP,
        *,
        dry_run: bool = False,
    ) -> ImportReport:
        """The one import path, for CSV files and bundles: merge each history into the patient it
        belongs to, all in one transaction (rules: ``core.imports``). An import that changes anything
        is committed only after a backup of the database as it was (WAL lets the backup read the last
        committed state while the import waits uncommitted); ``dry_run`` only says what the import
        would do. InvalidInput (a week the merge would make invalid) or BackupProblem: nothing was
        imported.

        ``histories`` may come a batch at a time (a large CSV file is read that way): several
        histories of one patient add up to one outcome, and an exception the iterator raises (a bad
        row near the end of the file) leaves the database as it was.

        On a server two people may bring the same patient's home copy in at once: the second import
        waits for the first, finds the patient's uid taken, and (given a list of histories, as a
        bundle is) runs again, merging into the patient the first one created."""
        try:
            return self._import(histories, on_conflict, dry_run)
        except sa.exc.IntegrityError:
            if not isinstance(histories, Sequence):
                raise
            return self._import(histories, on_conflict, dry_run)

    def _import(self, histories: Iterable[History], on_conflict: OnConflict, dry_run: bool) -> ImportReport:
        report = ImportReport(on_conflict=on_conflict)
        with self._session() as s:
            s.begin()
            merge = _Import(s, on_conflict)
            for history in histories:
                merge.add(history)
            if merge.problems:
                raise InvalidInput(merge.problems)
            report.patients = merge.outcomes
            report.changed = any(_changed(p, on_conflict) for p in report.patients)
            if dry_run or not report.changed:
                s.rollback()
                return report
            try:
                report.backup = self._backup_before("import")
            except BackupProblem as exc:
                s.rollback()
                raise BackupProblem(f"Nothing was imported: no backup could be made first. {exc}") from exc
            s.commit()
        return report

    def _backup_before(self, step: str) -> Path | None:
        """A backup of the file as it is, before ``step``; none on a server (its owner backs it up)."""
        if self.path is None:
            return None
        return backup_now(self.path.parent, f"before-{step}", self.keep_backups)

    @property
    def data_dir(self) -> Path | None:
        """The data folder holding the SQLite file; None on a server."""
        return None if self.path is None else self.path.parent

    def _check_entry(self, patient_id: int, entry: WeeklyEntry) -> None:
        names = {a.id: a.name for a in self.activities(patient_id, include_archived=True) if a.id is not None}
        entry.validate(names)
        unknown = [r.activity_id for r in entry.activities if r.activity_id not in names]
        if unknown:
            raise KeyError(f"activities {unknown} do not belong to patient {patient_id}")

    def delete_entry(self, patient_id: int, week: date, version: int | None = None) -> WeeklyEntry | None:
        """Delete one week's entry; returns what was deleted, as a new week to save again for an undo,
        or None when there is none.
        With the ``version`` it was read at, ChangedMeanwhile (nothing deleted) when someone else has
        changed it since."""
        existing = self.entry(patient_id, week)
        if existing is None:
            return None
        seen = existing.version if version is None else version
        with self._versioned() as s:
            gone = s.exec(
                delete(WeeklyEntryRow).where(
                    col(WeeklyEntryRow.id) == existing.id, col(WeeklyEntryRow.version) == seen
                )
            )
            if gone.rowcount == 0:
                raise _Stale(f"The {_week_name(week)}", "weekly_entry", existing.id)
        return replace(existing, version=NEW)  # saved again (an undo), it is a new week

    # Goals ------------------------------------------------------------------------------------

    def goals(self, patient_id: int) -> list[Goal]:
        rows = self._read(sa.select(GOAL_T).where(GOAL_T.c.patient_id == patient_id).order_by(GOAL_T.c.id))
        return [_goal(row) for row in rows]

    def save_goal(self, patient_id: int, goal: Goal) -> Goal:
        """Add a goal (one with an id is re-inserted under it: an undone removal) or change one; returns
        it with its id and new version. ChangedMeanwhile, and nothing written, when ``goal.version``
        is not the stored one (see ``core.model.NEW``)."""
        problems = goal_problems(goal, self.activities(patient_id, include_archived=True))
        if problems:
            raise InvalidInput(problems)
        values = {name: getattr(goal, name) for name in GOAL_FIELDS}
        values |= {
            "discipline": Discipline(goal.discipline).value,
            "direction": Direction(goal.direction).value,
            "status": GoalStatus(goal.status).value,
        }
        with self._versioned() as s:
            conn = s.connection()
            seen = goal.version
            if goal.id is not None and seen is None:  # unchecked: whatever is stored
                seen = conn.execute(sa.select(GOAL_T.c.version).where(GOAL_T.c.id == goal.id)).scalar()
            what = f"The goal '{goal.title}'"
            if goal.id is None or seen in (None, NEW):
                try:
                    inserted = conn.execute(
                        sa.insert(GOAL_T).values(patient_id=patient_id, **values, **_id_of(goal.id))
                    )
                except sa.exc.IntegrityError as exc:
                    raise _Stale(what, "goal", goal.id, cause=exc) from exc
                return replace(goal, id=_new_id(inserted), version=1)
            updated = conn.execute(
                sa.update(GOAL_T)
                .where(GOAL_T.c.id == goal.id, GOAL_T.c.patient_id == patient_id, GOAL_T.c.version == seen)
                .values(**values, version=GOAL_T.c.version + 1)
            )
            if updated.rowcount == 0:  # named as the others know it
                stored = conn.execute(sa.select(GOAL_T.c.title).where(GOAL_T.c.id == goal.id)).scalar()
                what = what if stored is None else f"The goal '{stored}'"
                raise _Stale(what, "goal", goal.id, gone=stored is None)
            return replace(goal, version=seen + 1)

    def delete_goal(self, goal_id: int, version: int | None = None) -> None:
        """Delete a goal (undoing its addition); with the ``version`` it was read at, ChangedMeanwhile
        (nothing deleted) when someone else has changed it since."""
        with self._versioned() as s:
            conn = s.connection()
            where = [GOAL_T.c.id == goal_id]
            if version is not None:
                where.append(GOAL_T.c.version == version)
            title = conn.execute(sa.select(GOAL_T.c.title).where(GOAL_T.c.id == goal_id)).scalar()
            if conn.execute(sa.delete(GOAL_T).where(*where)).rowcount == 0 and title is not None:
                raise _Stale(f"The goal '{title}'", "goal", goal_id)

    # Events -----------------------------------------------------------------------------------

    def events(self, patient_id: int) -> list[Event]:
        query = sa.select(EVENT_T).where(EVENT_T.c.patient_id == patient_id)
        return [_event(row) for row in self._read(query.order_by(EVENT_T.c.day, EVENT_T.c.id))]

    def save_event(self, patient_id: int, event: Event) -> Event:
        event.validate()
        with self._transaction() as s:
            row = s.get(EventRow, event.id) if event.id else None
            if row is None:
                row = EventRow(
                    id=event.id, patient_id=patient_id, day=event.day, kind=event.kind, text=event.text
                )
            row.day, row.kind, row.text = event.day, EventKind(event.kind).value, event.text
            s.add(row)
            s.flush()
            return _event(row)

    def delete_event(self, event_id: int) -> None:
        with self._transaction() as s:
            s.exec(delete(EventRow).where(col(EventRow.id) == event_id))

    # Questionnaires (outcome measures) -------------------------------------------------------

    def measures(self, patient_id: int, instrument: str | None = None) -> list[MeasureResult]:
        """The patient's questionnaire results, oldest first (only ``instrument``'s, if given)."""
        query = sa.select(RESULT_T).where(RESULT_T.c.patient_id == patient_id)
        if instrument is not None:
            query = query.where(RESULT_T.c.instrument == instrument)
        rows = self._read(query.order_by(RESULT_T.c.taken, RESULT_T.c.id))
        items: dict[int, list[sa.Row[Any]]] = {}
        ids = [r.id for r in rows]
        if ids:
            item_query = sa.select(ITEM_T).where(ITEM_T.c.result_id.in_(ids)).order_by(ITEM_T.c.position)
            for item in self._read(item_query):
                items.setdefault(item.result_id, []).append(item)
        return [_measure(r, items.get(r.id or 0, [])) for r in rows]

    def measure(self, measure_id: int) -> MeasureResult | None:
        with self._reading() as s:
            row = s.get(MeasureResultRow, measure_id)
            if row is None:
                return None
            items = s.exec(
                select(MeasureItemRow)
                .where(MeasureItemRow.result_id == measure_id)
                .order_by(col(MeasureItemRow.position))
            )
            return _measure(row, list(items))

    def save_measure(self, patient_id: int, result: MeasureResult) -> MeasureResult:
        """Score ``result`` with core (InvalidInput names each wrong answer; nothing is written) and
        save it: a new result, or a replacement of ``result.id``. Returns it with score and id."""
        done = scored(result)
        goal_ids = {g.id for g in self.goals(patient_id)}
        linked = [("goal", done.goal_id)] + [(f"GAS/{i}/goal", g.goal_id) for i, g in enumerate(done.gas, 1)]
        wrong = [
            Problem(f, "That goal is not one of this patient's goals.")
            for f, gid in linked
            if gid is not None and gid not in goal_ids
        ]
        if wrong:
            raise InvalidInput(wrong)
        assert done.score is not None
        with self._transaction() as s:
            row = s.get(MeasureResultRow, done.id) if done.id else None
            if row is not None and row.patient_id != patient_id:
                raise KeyError(f"questionnaire result {done.id} does not belong to patient {patient_id}")
            return _write_measure(s, patient_id, done, row)

    def delete_measure(self, measure_id: int) -> MeasureResult | None:
        """Delete one questionnaire result; returns what was deleted (for undo), or None."""
        existing = self.measure(measure_id)
        if existing is None:
            return None
        with self._transaction() as s:
            s.exec(delete(MeasureResultRow).where(col(MeasureResultRow.id) == measure_id))
        return existing

    def item_texts(self, instrument: str) -> list[str]:
        """The questionnaire's item wording: the clinic's where it typed some in, else the shipped text
        (placeholders such as "Item 3" where the licence does not allow shipping the wording)."""
        texts = list(family_instrument(instrument).items)
        with self._reading() as s:
            rows = s.exec(select(MeasureItemTextRow).where(MeasureItemTextRow.instrument == instrument))
            for row in rows:
                if 1 <= row.position <= len(texts) and row.text.strip():
                    texts[row.position - 1] = row.text
        return texts

    def save_item_texts(self, instrument: str, texts: list[str]) -> None:
        """Store the clinic's item wording (a blank text goes back to the shipped placeholder)."""
        if instrument not in FILLED_IN:
            raise InvalidInput([Problem("instrument", f"{instrument!r} is not a questionnaire to fill in.")])
        too_long = [
            Problem(f"{instrument}/{i}", f"Item {i} wording must be at most 500 characters (got {len(t)}).")
            for i, t in enumerate(texts, start=1)
            if len(t) > 500
        ]
        if too_long:
            raise InvalidInput(too_long)
        with self._transaction() as s:
            s.exec(delete(MeasureItemTextRow).where(col(MeasureItemTextRow.instrument) == instrument))
            for position, text in enumerate(texts, start=1):
                if text.strip():
                    s.add(MeasureItemTextRow(instrument=instrument, position=position, text=text.strip()))

    # Maintenance phase -------------------------------------------------------------------------

    def maintenance(self, patient_id: int) -> MaintenancePlan:
        row = self._patient_row(patient_id)
        return MaintenancePlan(row.discharged_on, row.maintenance_every_weeks, row.maintenance_since)

    # Meaningful-change thresholds set for a patient ----------------------------------------------

    def thresholds(self, patient_id: int) -> dict[str, float]:
        """The clinic-convention thresholds a therapist set for this patient (series key -> value)."""
        query = sa.select(THRESHOLD_T).where(THRESHOLD_T.c.patient_id == patient_id)
        return {row.series_key: row.value for row in self._read(query)}

    def save_thresholds(self, patient_id: int, values: dict[str, float]) -> dict[str, float]:
        """Replace the patient's own thresholds with ``values`` (a convention left out goes back to the
        clinic's). InvalidInput, and nothing written, when any is not a convention or is below its
        measurement error."""
        problems = [p for key, value in values.items() if (p := threshold_problem(key, value)) is not None]
        if problems:
            raise InvalidInput(problems)
        with self._transaction() as s:
            if s.get(PatientRow, patient_id) is None:
                raise KeyError(f"no patient with id {patient_id}")
            s.exec(delete(PatientThresholdRow).where(col(PatientThresholdRow.patient_id) == patient_id))
            for key, value in sorted(values.items()):
                s.add(PatientThresholdRow(patient_id=patient_id, series_key=key, value=float(value)))
        return dict(values)

    def save_maintenance(self, patient_id: int, plan: MaintenancePlan) -> MaintenancePlan:
        """Store whether the patient is discharged and in a maintenance phase (check-in cadence)."""
        plan.validate()
        with self._transaction() as s:
            row = s.get(PatientRow, patient_id)
            if row is None:
                raise KeyError(f"no patient with id {patient_id}")
            row.discharged_on = plan.discharged_on
            row.maintenance_every_weeks = plan.every_weeks
            row.maintenance_since = plan.since
            row.updated_at = _now()
            s.add(row)
        return plan

    # Who changed what ------------------------------------------------------------------------------

    def audit_entries(
        self, patient_id: int, limit: int | None = None, before: int | None = None
    ) -> list[AuditEntry]:
        """The audit record of a patient's rows, newest first: at most ``limit`` rows, those older than the
        row ``before`` (an id) for the next page. Written by the database itself (storage.audit)."""
        c = AUDIT_T.c  # plain rows, as the other reads
        query = sa.select(AUDIT_T).where(c.patient_id == patient_id)
        if before is not None:
            query = query.where(c.id < before)
        return [_audit(row) for row in self._read(query.order_by(c.id.desc()).limit(limit))]


ENTRY_T, ROM_T, RATING_T = (
    cast(sa.Table, sa.inspect(t).local_table) for t in (WeeklyEntryRow, RomRow, ActivityRatingRow)
)
PATIENT_T, ACTIVITY_T, GOAL_T, EVENT_T, THRESHOLD_T, RESULT_T, ITEM_T, AUDIT_T = (
    cast(sa.Table, sa.inspect(t).local_table)
    for t in (
        PatientRow,
        ActivityRow,
        GoalRow,
        EventRow,
        PatientThresholdRow,
        MeasureResultRow,
        MeasureItemRow,
        AuditRow,
    )
)
GOAL_FIELDS = ("title", "marker", "baseline", "target", "start", "target_date", "set_by")


class _Stale(Exception):
    """Inside a transaction: a row's version was not the one the save was based on (the transaction is
    rolled back; ``Store._changed_meanwhile`` then says who changed it). ``week`` names a week another
    person created first, ``cause`` the insert that failed on it, ``gone`` a row deleted meanwhile."""

    def __init__(
        self,
        what: str,
        table: str,
        row_id: int | None,
        *,
        patient_id: int | None = None,
        week: date | None = None,
        cause: Exception | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(what)
        self.what, self.table, self.row_id = what, table, row_id
        self.patient_id, self.week, self.cause, self.gone = patient_id, week, cause, gone


def _week_name(week: date) -> str:
    return f"week of {week.day} {week:%b %Y}"


def _clock(at: datetime) -> str:
    """When a change was made, in the computer's local time: "10:14" today, else "3 Dec 10:14"."""
    local = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"{local:%H:%M}"
    return f"{local.day} {local:%b %H:%M}"


def _new_id(inserted: sa.CursorResult[Any]) -> int:
    key = inserted.inserted_primary_key
    assert key is not None
    return int(key[0])


def _whole(minutes: float | None) -> int | None:
    return None if minutes is None else int(minutes)


def _id_of(row_id: int | None) -> dict[str, int]:
    return {} if row_id is None else {"id": row_id}


def _missing(conn: sa.Connection, table: sa.Table, row_id: int | None) -> bool:
    return conn.execute(sa.select(table.c.id).where(table.c.id == row_id)).first() is None


def _read_entries(
    conn: sa.Connection,
    patient_id: int,
    first: date | None = None,
    last: date | None = None,
    weeks: Sequence[date] | None = None,
    *,
    for_update: bool = False,
) -> list[WeeklyEntry]:
    """The patient's entries, oldest first: all, those in first..last, or those of ``weeks``.
    ``for_update`` locks their rows until the transaction ends (on a server: an import merging into
    them keeps another person's save waiting, which then meets the version the import left)."""
    # Plain rows, not ORM objects: ten years of weeks read 4-5x faster, and nothing here is written.
    entry_t, rom_t, rating_t = ENTRY_T, ROM_T, RATING_T
    where = [entry_t.c.patient_id == patient_id]
    if first is not None:
        where.append(entry_t.c.week >= first)
    if last is not None:
        where.append(entry_t.c.week <= last)
    if weeks is not None:
        where.append(entry_t.c.week.in_(weeks))
    # The columns named and unpacked in order, not looked up by name: half the time for ten years.
    ids = sa.select(entry_t.c.id).where(*where).scalar_subquery()
    markers = [entry_t.c[key] for key in MARKER_KEYS]
    c = entry_t.c
    query = sa.select(c.id, c.week, c.notes, c.version, *markers).where(*where).order_by(c.week)
    rows = conn.execute(query.with_for_update() if for_update else query).all()
    rom: dict[int, list[RomReading]] = {}
    ratings: dict[int, list[ActivityRating]] = {}
    if rows:
        c = rom_t.c
        rom_query = sa.select(c.entry_id, c.joint, c.side, c.movement, c.degrees, c.mode)
        for entry_id, joint, side, movement, degrees, mode in conn.execute(
            rom_query.where(c.entry_id.in_(ids)).order_by(c.id)
        ):
            reading = RomReading(joint, _SIDES[side], movement, degrees, _MODES[mode])
            rom.setdefault(entry_id, []).append(reading)
        c = rating_t.c
        rating_query = sa.select(c.entry_id, c.activity_id, c.rating, c.minutes)
        for entry_id, activity_id, rating, minutes in conn.execute(
            rating_query.where(c.entry_id.in_(ids)).order_by(c.id)
        ):
            ratings.setdefault(entry_id, []).append(ActivityRating(activity_id, rating, minutes))
    entries = []
    for entry_id, week, notes, version, *values in rows:
        logged = {key: value for key, value in zip(MARKER_KEYS, values, strict=True) if value is not None}
        found = tuple(rom.get(entry_id, ())), tuple(ratings.get(entry_id, ()))
        entries.append(WeeklyEntry(week, logged, *found, notes, entry_id, version))
    return entries


def _changed(outcome: PatientOutcome, on_conflict: OnConflict) -> bool:
    return bool(
        outcome.new
        or outcome.weeks_added
        or outcome.weeks_updated
        or any(outcome.added.values())
        or (outcome.conflicts and on_conflict is OnConflict.REPLACE)
    )


class _Import:
    """One import inside an open session: a merge per patient, kept while the histories come in
    (a CSV file brings each patient's weeks in several batches)."""

    def __init__(self, s: Session, on_conflict: OnConflict) -> None:
        self.s = s
        self.on_conflict = on_conflict
        self.outcomes: list[PatientOutcome] = []
        self.problems: list[Problem] = []  # weeks the merge would make invalid: nothing more is written
        self._merges: dict[tuple[str, str], _Merge] = {}

    def add(self, history: History) -> None:
        key = (
            ("uid", history.uid)
            if history.uid is not None
            else ("name", name_key(history.patient.display_name))
        )
        merge = self._merges.get(key)
        if merge is None:
            merge = _Merge(self, history)
            known = next((m for m in self._merges.values() if m.pid == merge.pid), None)
            if known is not None:  # the same patient by uid and by name: one merge, one outcome
                merge = known
            else:
                self.outcomes.append(merge.out)
            self._merges[key] = merge
        merge.run(history)


class _Merge:
    """One patient's histories merged into it (see ``Store.import_histories``)."""

    def __init__(self, job: _Import, history: History) -> None:
        self.job = job
        self.s = job.s
        self.h = history
        self.replace = job.on_conflict is OnConflict.REPLACE
        self.on_conflict = job.on_conflict
        row, new = self._patient()
        assert row.id is not None
        self.row = row
        self.pid = row.id
        self.out = PatientOutcome(row.display_name, row.id, new)
        if not new:
            self._profile(row)
        self.activities: dict[str, ActivityRow] | None = None  # by name, read on first use

    def run(self, history: History) -> None:
        """Merge one history (all of the patient's records in a file, or a batch of its weeks)."""
        self.h = history
        try:
            self._merge(history)
        finally:
            self.h = History(history.patient)  # its weeks are written: kept no longer than a batch

    def _merge(self, history: History) -> None:
        ids = self._activities()
        self._entries(ids)
        if self.job.problems:  # the import fails: the rest is not worth writing
            return
        if history.goals or history.measures:
            goal_ids = self._goals(ids)
            self._measures(goal_ids)
        if history.events:
            self._events()
        if history.maintenance is not None:
            self._maintenance(self.row, history.maintenance)
        if history.thresholds:
            self._thresholds()

    def conflict(self, where: str, what: str, stored: object, imported: object) -> None:
        self.out.conflicts.append(Conflict(self.out.name, where, what, show(stored), show(imported)))

    def _patient(self) -> tuple[PatientRow, bool]:
        s, h = self.s, self.h
        if h.uid is not None:
            row = s.exec(select(PatientRow).where(PatientRow.uid == h.uid)).first()
        else:
            rows = list(s.exec(select(PatientRow).order_by(col(PatientRow.id))))
            row = _one_named(rows, h.patient.display_name, lambda r: r.display_name)
        if row is not None:
            return row, False
        now = _now()
        p = h.patient
        row = PatientRow(display_name=p.display_name.strip(), created_at=p.created_at or now, updated_at=now)
        if h.uid is not None:
            row.uid = h.uid
        for name in PROFILE_FIELDS[1:]:
            setattr(row, name, getattr(p, name))
        row.archived = bool(h.archived)
        s.add(row)
        s.flush()
        return row, True

    def _profile(self, row: PatientRow) -> None:
        stored = {n: getattr(row, n) for n in PROFILE_FIELDS}
        imported = {n: getattr(self.h.patient, n) for n in PROFILE_FIELDS}
        if name_key(stored["display_name"]) == name_key(imported["display_name"]):
            imported["display_name"] = None  # the same name, however it is spelt
        if self.h.archived is not None:
            stored["archived"], imported["archived"] = row.archived, self.h.archived
        merged = merge_values(stored, imported, self.on_conflict)
        for key in merged.conflicts:
            self.conflict("profile", PROFILE_LABELS[key], stored[key], imported[key])
        if merged.added or (merged.conflicts and self.replace):
            for key, value in merged.values.items():
                setattr(row, key, value.strip() if isinstance(value, str) else value)
            row.updated_at = _now()
            self.s.add(row)
            self.out.count("profile detail", len(merged.added))

    def _activities(self) -> list[int]:
        s = self.s
        if self.activities is None:
            query = select(ActivityRow).where(ActivityRow.patient_id == self.pid)
            self.activities = {a.name: a for a in s.exec(query)}
            self.names = {a.id: a.name for a in self.activities.values() if a.id is not None}
        existing = self.activities
        ids: list[int] = []
        for activity in self.h.activities:
            act = existing.get(activity.name.strip())
            if act is None:
                act = ActivityRow(
                    patient_id=self.pid,
                    name=activity.name.strip(),
                    discipline=Discipline(activity.discipline).value,
                    archived=activity.archived,
                    position=len(existing),
                )
                s.add(act)
                s.flush()
                existing[act.name] = act
                assert act.id is not None
                self.names[act.id] = act.name
                self.out.count("activity")
            assert act.id is not None
            ids.append(act.id)
        return ids

    def _entries(self, ids: list[int]) -> None:
        """The history's weeks, looked up and written a slice at a time: a new week is inserted as the
        file has it (it was checked when the file was read), a stored one is merged and checked."""
        for start in range(0, len(self.h.entries), ENTRY_SLICE):
            self._entry_slice(self.h.entries[start : start + ENTRY_SLICE], ids)

    def _entry_slice(self, entries: list[WeeklyEntry], ids: list[int]) -> None:
        conn = self.s.connection()
        weeks = [e.week for e in entries]
        stored = {e.week: e for e in _read_entries(conn, self.pid, weeks=weeks, for_update=True)}
        new: list[WeeklyEntry] = []
        changed: list[WeeklyEntry] = []
        for entry in entries:
            old = stored.get(entry.week)
            if old is None:
                self.out.weeks_added += 1
                new.append(entry)  # its ratings still name activities by their place in ``ids``
                continue
            ratings = tuple(ActivityRating(ids[r.activity_id], r.rating, r.minutes) for r in entry.activities)
            imported = WeeklyEntry(entry.week, entry.values, entry.rom, ratings, entry.notes)
            merged, added, conflicts = merge_entry(old, imported, self.on_conflict, self.names, self.out.name)
            self.out.conflicts += conflicts
            where = f"{self.out.name}, week of {entry.week.isoformat()}"
            wrong = [Problem(f"{where}, {p.field}", p.message) for p in merged.problems(self.names)]
            if wrong:  # only the file's and the stored values together are wrong: nothing is written
                self.job.problems += wrong
            elif added or (conflicts and self.replace):
                self.out.weeks_updated += 1
                changed.append(merged)
            else:
                self.out.weeks_same += 1
        if not self.job.problems:
            _write_entries(conn, self.pid, new, changed, ids)

    def _goals(self, ids: list[int]) -> list[int]:
        s = self.s
        rows = {
            (g.discipline, g.title): g
            for g in s.exec(select(GoalRow).where(GoalRow.patient_id == self.pid).with_for_update())
        }
        written: list[GoalRow] = []
        for goal in self.h.goals:
            marker = goal.marker
            if marker.startswith("activity/"):
                marker = f"activity/{ids[int(marker.split('/')[1])]}"
            goal = replace(goal, marker=marker)
            row = rows.get((Discipline(goal.discipline).value, goal.title))
            if row is None:
                row = GoalRow(
                    patient_id=self.pid,
                    discipline=Discipline(goal.discipline).value,
                    title=goal.title,
                    marker=marker,
                    target=goal.target,
                    direction=Direction(goal.direction).value,
                )
                self.out.count("goal")
            else:
                stored, imported = _goal(row), goal
                goal, merged = merge_goal(stored, imported, self.on_conflict)
                for name in merged.conflicts:
                    what = name.replace("_", " ")
                    self.conflict(
                        f"goal '{goal.title}'", what, getattr(stored, name), getattr(imported, name)
                    )
                if not (merged.added or (merged.conflicts and self.replace)):
                    written.append(row)
                    continue
            if row.id is not None:
                row.version += 1  # a goal dialog opened before the import must not overwrite it
            row.marker = goal.marker
            for name in ("baseline", "target", "start", "target_date", "set_by"):
                setattr(row, name, getattr(goal, name))
            row.direction = Direction(goal.direction).value
            row.status = GoalStatus(goal.status).value
            s.add(row)
            written.append(row)
        s.flush()
        return [g.id for g in written]  # type: ignore[misc]  # every row has its id once flushed

    def _measures(self, goal_ids: list[int]) -> None:
        """The n-th result of an instrument on a day meets the n-th one stored there (oldest first)."""
        s = self.s
        there: dict[tuple[str, date], list[MeasureResultRow]] = {}
        query = (
            select(MeasureResultRow)
            .where(MeasureResultRow.patient_id == self.pid)
            .order_by(col(MeasureResultRow.taken), col(MeasureResultRow.id))
        )
        for existing in s.exec(query):
            there.setdefault((existing.instrument, existing.taken), []).append(existing)

        def linked(index: int | None) -> int | None:
            return None if index is None else goal_ids[index]

        for result in self.h.measures:
            same = there.get((result.instrument, result.taken), [])
            local = replace(
                result,
                id=None,  # the file's ids are another database's
                goal_id=linked(result.goal_id),
                gas=tuple(replace(g, goal_id=linked(g.goal_id)) for g in result.gas),
            )
            row = same.pop(0) if same else None
            if row is None:
                self.out.count("questionnaire result")
            else:
                items = s.exec(
                    select(MeasureItemRow)
                    .where(MeasureItemRow.result_id == row.id)
                    .order_by(col(MeasureItemRow.position))
                )
                old = _measure(row, list(items))
                if _same_result(old, local):
                    continue
                where = f"{result.instrument} of {result.taken.isoformat()}"
                self.conflict(where, "answers (score)", old.score, local.score)
                if not self.replace:
                    continue
            _write_measure(s, self.pid, local, row)

    def _events(self) -> None:
        s = self.s
        known = {
            (e.day, e.kind, e.text) for e in s.exec(select(EventRow).where(EventRow.patient_id == self.pid))
        }
        for event in self.h.events:
            key = (event.day, EventKind(event.kind).value, event.text)
            if key not in known:
                s.add(EventRow(patient_id=self.pid, day=event.day, kind=key[1], text=event.text))
                known.add(key)
                self.out.count("event")

    def _thresholds(self) -> None:
        """A threshold the file brings is added; one that differs from the stored one is a conflict."""
        stored = {
            r.series_key: r
            for r in self.s.exec(
                select(PatientThresholdRow).where(col(PatientThresholdRow.patient_id) == self.pid)
            )
        }
        for key, value in sorted(self.h.thresholds.items()):
            row = stored.get(key)
            if row is None:
                self.s.add(PatientThresholdRow(patient_id=self.pid, series_key=key, value=value))
                self.out.count("meaningful-change threshold")
            elif row.value != value:
                self.conflict("meaningful change", default_threshold(key).label or key, row.value, value)
                if self.replace:
                    row.value = value
                    self.s.add(row)

    def _maintenance(self, row: PatientRow, plan: MaintenancePlan) -> None:
        """A plan the file leaves empty keeps the stored one (and its recurrence watch)."""
        stored = MaintenancePlan(row.discharged_on, row.maintenance_every_weeks, row.maintenance_since)
        if plan == MaintenancePlan() or plan == stored:
            return
        if stored != MaintenancePlan():
            self.conflict("maintenance plan", "plan", plan_text(stored), plan_text(plan))
            if not self.replace:
                return
        else:
            self.out.count("maintenance plan")
        row.discharged_on = plan.discharged_on
        row.maintenance_every_weeks = plan.every_weeks
        row.maintenance_since = plan.since
        self.s.add(row)


def _same_result(a: MeasureResult, b: MeasureResult) -> bool:
    return (a.answers, a.copm, a.gas, a.goal_id) == (b.answers, b.copm, b.gas, b.goal_id)


def _one_named(items: list[T], name: str, name_of: Callable[[T], str]) -> T | None:
    """The one item called ``name`` (without regard to case or outer spaces), None, or InvalidInput
    when several are: a name-based import or command never picks one of two patients silently."""
    wanted = name_key(name)
    found = [item for item in items if name_key(name_of(item)) == wanted]
    if len(found) > 1:
        names = ", ".join(f"'{name_of(item)}'" for item in found)
        raise InvalidInput(
            [Problem("patient", f"{len(found)} patients are named {names}; rename one of them first")]
        )
    return found[0] if found else None


def _write_measure(
    s: Session, patient_id: int, done: MeasureResult, row: MeasureResultRow | None
) -> MeasureResult:
    """Insert a scored result, or replace ``row`` with it (its item rows too)."""
    assert done.score is not None
    if row is None:
        row = MeasureResultRow(
            id=done.id,  # a result brought back by an undo keeps its id
            patient_id=patient_id,
            instrument=done.instrument,
            taken=done.taken,
            score=done.score,
            created_at=_now(),
        )
    else:
        s.exec(delete(MeasureItemRow).where(col(MeasureItemRow.result_id) == row.id))
    row.instrument = done.instrument
    row.taken = done.taken
    row.answers = json.dumps([None if a is None else float(a) for a in done.answers])
    row.score = done.score
    row.satisfaction = done.satisfaction
    row.goal_id = done.goal_id
    s.add(row)
    s.flush()
    assert row.id is not None
    for position, problem in enumerate(done.copm, start=1):
        s.add(
            MeasureItemRow(
                result_id=row.id,
                patient_id=row.patient_id,
                position=position,
                label=problem.name.strip(),
                importance=int(problem.importance),
                performance=int(problem.performance),
                satisfaction=int(problem.satisfaction),
            )
        )
    for position, goal in enumerate(done.gas, start=1):
        s.add(
            MeasureItemRow(
                result_id=row.id,
                patient_id=row.patient_id,
                position=position,
                label=goal.goal.strip(),
                level=int(goal.level),
                weight=float(goal.weight),
                goal_id=goal.goal_id,
            )
        )
    return replace(done, id=row.id)


ENTRY_SLICE = 1000  # weeks looked up and written at a time (bounded memory and SQL parameters)
ENTRY_COLUMNS = ("patient_id", "week", *MARKER_KEYS, "notes", "updated_at")
ROM_COLUMNS = ("entry_id", "patient_id", "joint", "side", "movement", "degrees", "mode")
RATING_COLUMNS = ("entry_id", "patient_id", "activity_id", "rating", "minutes")


def _write_entries(
    conn: sa.Connection,
    patient_id: int,
    new: list[WeeklyEntry],
    changed: list[WeeklyEntry],
    activity_ids: Sequence[int],
) -> None:
    """Insert the ``new`` weeks and overwrite the ``changed`` ones (they carry their row id), with
    their readings and ratings: a few statements for any number of weeks. The ratings of ``new``
    weeks name their activity by its place in ``activity_ids`` (as a file does), those of
    ``changed`` weeks by its id."""
    now = _now()
    ids: dict[date, int] = {}
    if new:
        insert_rows(
            conn,
            ENTRY_T,
            ENTRY_COLUMNS,
            ((patient_id, e.week, *[e.values.get(k) for k in MARKER_KEYS], e.notes, now) for e in new),
        )
        query = sa.select(ENTRY_T.c.week, ENTRY_T.c.id).where(
            ENTRY_T.c.patient_id == patient_id, ENTRY_T.c.week.in_([e.week for e in new])
        )
        ids = {week: entry_id for week, entry_id in conn.execute(query)}
    if changed:
        update = (
            sa.update(ENTRY_T)
            .where(ENTRY_T.c.id == sa.bindparam("entry_id"))
            .values({k: sa.bindparam(k) for k in (*MARKER_KEYS, "notes", "updated_at")})
            .values(version=ENTRY_T.c.version + 1)  # a form opened before the import must not overwrite it
        )
        conn.execute(
            update,
            [
                {
                    "entry_id": e.id,
                    **{k: e.values.get(k) for k in MARKER_KEYS},
                    "notes": e.notes,
                    "updated_at": now,
                }
                for e in changed
            ],
        )
        replaced = [e.id for e in changed]
        conn.execute(sa.delete(ROM_T).where(ROM_T.c.entry_id.in_(replaced)))
        conn.execute(sa.delete(RATING_T).where(RATING_T.c.entry_id.in_(replaced)))
        ids.update({e.week: e.id for e in changed if e.id is not None})
    written = [(ids[e.week], e, activity_ids) for e in new] + [(ids[e.week], e, None) for e in changed]
    insert_rows(
        conn,
        ROM_T,
        ROM_COLUMNS,
        (  # str() of a Side or RomMode is its value
            (entry_id, patient_id, r.joint, str(r.side), r.movement, r.degrees, str(r.mode))
            for entry_id, e, _ in written
            for r in e.rom
        ),
    )
    insert_rows(
        conn,
        RATING_T,
        RATING_COLUMNS,
        (
            (
                entry_id,
                patient_id,
                a.activity_id if to_id is None else to_id[a.activity_id],
                int(a.rating),
                None if a.minutes is None else int(a.minutes),
            )
            for entry_id, e, to_id in written
            for a in e.activities
        ),
    )


def _put_entry(conn: sa.Connection, patient_id: int, entry: WeeklyEntry) -> WeeklyEntry:
    """Insert or replace one week's entry with its readings and ratings, by its version (see
    ``core.model.NEW``): the entry row is written first, so a save that meets someone else's change
    raises _Stale before anything else of it is written. Returns the entry with its id and version."""
    now = _now()
    values = {**{k: entry.values.get(k) for k in MARKER_KEYS}, "notes": entry.notes, "updated_at": now}
    where = [ENTRY_T.c.patient_id == patient_id, ENTRY_T.c.week == entry.week]
    what = f"The {_week_name(entry.week)}"
    seen, entry_id = entry.version, entry.id
    if seen is None:  # unchecked: replace whatever is stored
        found = conn.execute(sa.select(ENTRY_T.c.id, ENTRY_T.c.version).where(*where)).first()
        seen, entry_id = (NEW, None) if found is None else (found.version, found.id)
    if seen == NEW:
        try:
            new_row = sa.insert(ENTRY_T).values(patient_id=patient_id, week=entry.week, **values)
            inserted = conn.execute(new_row)
        except sa.exc.IntegrityError as exc:  # someone else created this week first
            week = entry.week
            raise _Stale(what, "weekly_entry", None, patient_id=patient_id, week=week, cause=exc) from exc
        entry_id, version = _new_id(inserted), 1
    else:
        if entry_id is not None:
            where.append(ENTRY_T.c.id == entry_id)
        updated = conn.execute(
            sa.update(ENTRY_T)
            .where(*where, ENTRY_T.c.version == seen)
            .values(**values, version=ENTRY_T.c.version + 1)
            .returning(ENTRY_T.c.id)
        ).first()
        if updated is None:
            gone = entry_id is not None and _missing(conn, ENTRY_T, entry_id)
            raise _Stale(what, "weekly_entry", entry_id, patient_id=patient_id, gone=gone)
        entry_id, version = updated.id, seen + 1
        conn.execute(sa.delete(ROM_T).where(ROM_T.c.entry_id == entry_id))
        conn.execute(sa.delete(RATING_T).where(RATING_T.c.entry_id == entry_id))
    insert_rows(
        conn,
        ROM_T,
        ROM_COLUMNS,
        (
            (entry_id, patient_id, r.joint, Side(r.side).value, r.movement, r.degrees, RomMode(r.mode).value)
            for r in entry.rom
        ),
    )
    insert_rows(
        conn,
        RATING_T,
        RATING_COLUMNS,
        ((entry_id, patient_id, a.activity_id, int(a.rating), _whole(a.minutes)) for a in entry.activities),
    )
    return replace(entry, id=entry_id, version=version)


# Row -> core conversions ------------------------------------------------------------------------


PATIENT_FIELDS = tuple(f.name for f in fields(Patient))  # each is a column of the patient table


def _patient(row: PatientRow | sa.Row[Any]) -> Patient:
    return Patient(
        row.display_name,
        row.condition,
        row.affected_side,
        row.rehab_start,
        row.pt_clinician,
        row.ot_clinician,
        row.archived,
        row.id,
        row.created_at,
        row.updated_at,
    )


def _activity(row: ActivityRow | sa.Row[Any]) -> Activity:
    return Activity(row.name, Discipline(row.discipline), row.archived, row.id)


# dict lookups, not Side(...): ten years of readings are thousands of rows
_SIDES = {side.value: side for side in Side}
_MODES = {mode.value: mode for mode in RomMode}


def _goal(row: GoalRow | sa.Row[Any]) -> Goal:
    return Goal(
        Discipline(row.discipline),
        row.title,
        row.marker,
        row.target,
        Direction(row.direction),
        row.baseline,
        row.start,
        row.target_date,
        GoalStatus(row.status),
        row.set_by,
        row.id,
        row.version,
    )


def _event(row: EventRow | sa.Row[Any]) -> Event:
    return Event(row.day, EventKind(row.kind), row.text, row.id)


def _audit(row: AuditRow | sa.Row[Any]) -> AuditEntry:
    at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC)
    return AuditEntry(
        at, row.actor, row.table_name, row.row_id, row.patient_id, row.action, row.old, row.new, row.id
    )


def _measure(
    row: MeasureResultRow | sa.Row[Any], items: Sequence[MeasureItemRow | sa.Row[Any]]
) -> MeasureResult:
    answers = tuple(None if a is None else float(a) for a in json.loads(row.answers or "[]"))
    copm = tuple(
        CopmProblem(i.label, float(i.importance or 0), float(i.performance or 0), float(i.satisfaction or 0))
        for i in items
        if i.performance is not None
    )
    gas = tuple(
        GasGoal(i.label, int(i.level), float(i.weight or 1.0), i.goal_id)
        for i in items
        if i.level is not None
    )
    return MeasureResult(
        row.instrument, row.taken, answers, copm, gas, row.goal_id, row.score, row.satisfaction, row.id
    )
