"""SQLModel tables. The CHECK and UNIQUE constraints repeat core's validation in the schema,
so even a buggy caller cannot store an impossible value or a second entry for one week.

No ``from __future__ import annotations`` here: pydantic and SQLAlchemy read the row classes' annotations,
and would evaluate each one from a string (about 4 ms of every start)."""

import math
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, String, UniqueConstraint, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field, SQLModel

from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.maintenance import CADENCES
from rehabtrack.core.markers import (
    ACTIVITY_MINUTES,
    ACTIVITY_RATING,
    NOTES_MAX_CHARS,
    WEEKLY_MARKERS,
    Marker,
)
from rehabtrack.core.measure_series import FILLED_IN, LABEL_MAX_CHARS
from rehabtrack.core.model import NAME_MAX_CHARS, Direction, Discipline, EventKind, GoalStatus
from rehabtrack.core.rom import ROM_LIMITS, RomMode, Side

metadata = SQLModel.metadata


class Row(SQLModel):
    """The base of every table's row class. The rows are written through the ORM and never validated by
    pydantic (a table model's ``__init__`` does not validate), so pydantic builds their validators only
    if one is ever asked for: that was about 8 ms of every start."""

    model_config = {"defer_build": True}


class JsonValue(TypeDecorator[Any]):
    """jsonb on PostgreSQL (indexable, compared by value), JSON text on SQLite. PostgreSQL's type is
    looked up on a PostgreSQL connection only: importing SQLAlchemy's PostgreSQL dialect took about
    35 ms of every start on SQLite."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


_JSON = JsonValue()


def _in(column: str, values: list[str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _range(column: str, m: Marker, nullable: bool = True) -> CheckConstraint:
    rule = f"{column} BETWEEN {m.low:g} AND {m.high:g}"
    if nullable:
        rule = f"{column} IS NULL OR ({rule})"
    return CheckConstraint(rule, name=f"ck_{column}_range")


def new_uid() -> str:
    """A stable identity for a patient across machines (a bundle imported twice finds the same one)."""
    return uuid4().hex


def _cascade(target: str) -> Column:  # type: ignore[type-arg]
    """A required reference, indexed, whose rows go with the row they refer to. Every table holding a
    patient's data names the patient itself (not only through the row it hangs from): a clinic server's
    row security matches each row's own patient_id."""
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True)


def _version() -> Column:  # type: ignore[type-arg]
    """The row's version (schema 0006): a save names the version its form was opened with, so two people
    changing one row at once cannot overwrite each other unseen."""
    return Column(Integer, nullable=False, server_default=text("1"))


class PatientRow(Row, table=True):
    __tablename__ = "patient"
    __table_args__ = (
        CheckConstraint(f"length(trim(display_name)) BETWEEN 1 AND {NAME_MAX_CHARS}", name="ck_patient_name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    display_name: str
    condition: str = ""
    affected_side: str = ""
    rehab_start: date | None = None
    pt_clinician: str = ""
    ot_clinician: str = ""
    archived: bool = False
    created_at: datetime
    updated_at: datetime
    # Nullable only because schema 0001 had no uid; migration 0002 gave every existing patient one.
    uid: str | None = Field(default_factory=new_uid, unique=True, index=True)
    # Maintenance phase after therapy (schema 0003): see core.maintenance.MaintenancePlan.
    discharged_on: date | None = None
    # A column CHECK, so migration 0003 can add it with ALTER TABLE (no rebuild of the patient table).
    maintenance_every_weeks: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            CheckConstraint(
                f"maintenance_every_weeks IN ({', '.join(str(c) for c in CADENCES)})",
                name="ck_patient_maintenance_every",
            ),
            nullable=True,
        ),
    )
    maintenance_since: date | None = None


class WeeklyEntryRow(Row, table=True):
    __tablename__ = "weekly_entry"
    __table_args__ = (
        UniqueConstraint("patient_id", "week", name="uq_entry_patient_week"),
        *(_range(m.key, m) for m in WEEKLY_MARKERS),
        CheckConstraint(
            "exercise_days_done IS NULL OR exercise_days_prescribed IS NULL"
            " OR exercise_days_done <= exercise_days_prescribed",
            name="ck_exercise_done_le_prescribed",
        ),
        CheckConstraint(f"length(notes) <= {NOTES_MAX_CHARS}", name="ck_entry_notes_length"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_cascade("patient.id"))
    week: date
    # One nullable column per weekly marker, in the table's order: INTEGER for a whole-number marker,
    # else FLOAT. A new marker still needs a migration that adds its column to existing databases.
    __annotations__.update({m.key: (int if m.whole else float) | None for m in WEEKLY_MARKERS})
    locals().update({m.key: None for m in WEEKLY_MARKERS})
    notes: str = ""
    updated_at: datetime
    version: int = Field(default=1, sa_column=_version())


_ROM_LOW = min(low for low, _ in ROM_LIMITS.values())
_ROM_HIGH = max(high for _, high in ROM_LIMITS.values())


class RomRow(Row, table=True):
    __tablename__ = "rom_measurement"
    __table_args__ = (
        UniqueConstraint("entry_id", "joint", "side", "movement", "mode", name="uq_rom_entry_series"),
        CheckConstraint(f"degrees BETWEEN {_ROM_LOW:g} AND {_ROM_HIGH:g}", name="ck_rom_degrees"),
        CheckConstraint(_in("side", [s.value for s in Side]), name="ck_rom_side"),
        CheckConstraint(_in("mode", [m.value for m in RomMode]), name="ck_rom_mode"),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(sa_column=_cascade("weekly_entry.id"))
    patient_id: int = Field(sa_column=_cascade("patient.id"))  # the entry's (schema 0005): see _cascade
    joint: str
    side: str
    movement: str
    degrees: float
    mode: str = RomMode.ACTIVE.value


class ActivityRow(Row, table=True):
    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("patient_id", "name", name="uq_activity_patient_name"),
        CheckConstraint(_in("discipline", [d.value for d in Discipline]), name="ck_activity_discipline"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_cascade("patient.id"))
    name: str
    discipline: str
    archived: bool = False
    position: int = 0


class ActivityRatingRow(Row, table=True):
    __tablename__ = "activity_rating"
    __table_args__ = (
        UniqueConstraint("entry_id", "activity_id", name="uq_rating_entry_activity"),
        _range("rating", ACTIVITY_RATING, nullable=False),
        _range("minutes", ACTIVITY_MINUTES),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(sa_column=_cascade("weekly_entry.id"))
    patient_id: int = Field(sa_column=_cascade("patient.id"))  # the entry's (schema 0005)
    activity_id: int = Field(sa_column=_cascade("activity.id"))
    rating: int
    minutes: int | None = None


class GoalRow(Row, table=True):
    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint(_in("discipline", [d.value for d in Discipline]), name="ck_goal_discipline"),
        CheckConstraint(_in("direction", [d.value for d in Direction]), name="ck_goal_direction"),
        CheckConstraint(_in("status", [s.value for s in GoalStatus]), name="ck_goal_status"),
        CheckConstraint("length(trim(title)) >= 1", name="ck_goal_title"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_cascade("patient.id"))
    discipline: str
    title: str
    marker: str
    baseline: float | None = None
    target: float
    direction: str
    start: date | None = None
    target_date: date | None = None
    status: str = GoalStatus.ACTIVE.value
    set_by: str = ""
    version: int = Field(default=1, sa_column=_version())


class EventRow(Row, table=True):
    __tablename__ = "event"
    __table_args__ = (CheckConstraint(_in("kind", [k.value for k in EventKind]), name="ck_event_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_cascade("patient.id"))
    day: date
    kind: str
    text: str


def _score_ranges() -> str:
    """Each questionnaire's score range (whole numbers around GAS's 17.1–82.9)."""
    rules = []
    for family in FILLED_IN:
        inst = next(i for i in INSTRUMENTS.values() if i.family == family)
        low, high = math.floor(inst.low), math.ceil(inst.high)
        rules.append(f"(instrument = '{family}' AND score BETWEEN {low} AND {high})")
    return " OR ".join(rules)


class MeasureResultRow(Row, table=True):
    """One questionnaire filled in (see core.measure_series.MeasureResult). Item answers are JSON."""

    __tablename__ = "measure_result"
    __table_args__ = (
        CheckConstraint(_in("instrument", list(FILLED_IN)), name="ck_measure_instrument"),
        CheckConstraint(_score_ranges(), name="ck_measure_score_range"),
        CheckConstraint(
            "(instrument = 'COPM' AND satisfaction IS NOT NULL AND satisfaction BETWEEN 1 AND 10)"
            " OR (instrument <> 'COPM' AND satisfaction IS NULL)",
            name="ck_measure_satisfaction",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_cascade("patient.id"))
    instrument: str
    taken: date
    answers: str = "[]"  # JSON list of the item answers in order, null for an unanswered item
    score: float
    satisfaction: float | None = None
    goal_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("goal.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime


class MeasureItemRow(Row, table=True):
    """A COPM problem (importance, performance, satisfaction) or a GAS goal (level, weight)."""

    __tablename__ = "measure_item"
    __table_args__ = (
        UniqueConstraint("result_id", "position", name="uq_measure_item_position"),
        CheckConstraint("position >= 1", name="ck_measure_item_position"),
        CheckConstraint(f"length(trim(label)) BETWEEN 1 AND {LABEL_MAX_CHARS}", name="ck_measure_item_label"),
        CheckConstraint(
            "importance IS NULL OR importance BETWEEN 1 AND 10", name="ck_measure_item_importance"
        ),
        CheckConstraint(
            "performance IS NULL OR performance BETWEEN 1 AND 10", name="ck_measure_item_performance"
        ),
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 10", name="ck_measure_item_satisfaction"
        ),
        CheckConstraint("level IS NULL OR level BETWEEN -2 AND 2", name="ck_measure_item_level"),
        CheckConstraint("weight IS NULL OR weight > 0", name="ck_measure_item_weight"),
        CheckConstraint(
            "(level IS NULL AND weight IS NULL AND performance IS NOT NULL)"
            " OR (level IS NOT NULL AND weight IS NOT NULL AND performance IS NULL)",
            name="ck_measure_item_kind",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    result_id: int = Field(sa_column=_cascade("measure_result.id"))
    patient_id: int = Field(sa_column=_cascade("patient.id"))  # the result's (schema 0005)
    position: int
    label: str
    importance: int | None = None
    performance: int | None = None
    satisfaction: int | None = None
    level: int | None = None
    weight: float | None = None
    goal_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("goal.id", ondelete="SET NULL"), nullable=True)
    )


class MeasureItemTextRow(Row, table=True):
    """Item wording a clinic typed in from its licensed copy of a questionnaire (shared by all patients)."""

    __tablename__ = "measure_item_text"
    __table_args__ = (
        UniqueConstraint("instrument", "position", name="uq_measure_item_text"),
        CheckConstraint(_in("instrument", list(FILLED_IN)), name="ck_measure_item_text_instrument"),
        CheckConstraint("position >= 1", name="ck_measure_item_text_position"),
        CheckConstraint("length(text) <= 500", name="ck_measure_item_text_length"),
    )
    id: int | None = Field(default=None, primary_key=True)
    instrument: str
    position: int
    text: str


class PatientThresholdRow(Row, table=True):
    """A clinic-convention meaningful-change threshold a therapist set for one patient (series key ->
    value); core checks the value is not below the marker's measurement error before it is stored."""

    __tablename__ = "patient_threshold"
    __table_args__ = (
        UniqueConstraint("patient_id", "series_key", name="uq_patient_threshold"),
        CheckConstraint("value > 0", name="ck_patient_threshold_value"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_cascade("patient.id"))
    series_key: str
    value: float


class CareTeamRow(Row, table=True):
    """A clinic's care team (schema 0006): the therapists who see a group of patients on a clinic server."""

    __tablename__ = "care_team"
    __table_args__ = (
        CheckConstraint(f"length(trim(name)) BETWEEN 1 AND {NAME_MAX_CHARS}", name="ck_care_team_name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class CareTeamMemberRow(Row, table=True):
    """A therapist (their database login role's name) in a care team."""

    __tablename__ = "care_team_member"
    __table_args__ = (UniqueConstraint("team_id", "therapist", name="uq_care_team_member"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(sa_column=_cascade("care_team.id"))
    therapist: str = Field(index=True)


class PatientCareTeamRow(Row, table=True):
    """The care team a patient is assigned to (at most one)."""

    __tablename__ = "patient_care_team"
    patient_id: int = Field(
        sa_column=Column(Integer, ForeignKey("patient.id", ondelete="CASCADE"), primary_key=True)
    )
    team_id: int = Field(sa_column=_cascade("care_team.id"))


AUDIT_ACTIONS = ("insert", "update", "delete")


class AuditRow(Row, table=True):
    """Who changed what (schema 0006): one row per row written to a patient table, with the old and new
    values. It names the patient without a foreign key, so the record outlives the rows it describes."""

    __tablename__ = "audit_entry"
    __table_args__ = (CheckConstraint(_in("action", list(AUDIT_ACTIONS)), name="ck_audit_action"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str = Field(sa_column=Column(String, nullable=False))
    table_name: str
    row_id: int | None = None
    patient_id: int | None = Field(default=None, index=True)
    action: str
    old: dict[str, object] | None = Field(default=None, sa_column=Column(_JSON, nullable=True))
    new: dict[str, object] | None = Field(default=None, sa_column=Column(_JSON, nullable=True))
