"""SQLModel tables. The CHECK and UNIQUE constraints repeat core's validation in the schema,
so even a buggy caller cannot store an impossible value or a second entry for one week."""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from rehabtrack.core.markers import (
    ACTIVITY_MINUTES,
    ACTIVITY_RATING,
    NOTES_MAX_CHARS,
    WEEKLY_MARKERS,
    Marker,
)
from rehabtrack.core.model import NAME_MAX_CHARS, Direction, Discipline, EventKind, GoalStatus
from rehabtrack.core.rom import ROM_LIMITS, RomMode, Side

metadata = SQLModel.metadata


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
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True)


class PatientRow(SQLModel, table=True):
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


class WeeklyEntryRow(SQLModel, table=True):
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
    stiffness_minutes: int | None = None
    stiffness_severity: int | None = None
    flareup_count: int | None = None
    flareup_worst: int | None = None
    pain: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    nights_woken: int | None = None
    exercise_days_done: int | None = None
    exercise_days_prescribed: int | None = None
    sessions_attended: int | None = None
    notes: str = ""
    updated_at: datetime


_ROM_LOW = min(low for low, _ in ROM_LIMITS.values())
_ROM_HIGH = max(high for _, high in ROM_LIMITS.values())


class RomRow(SQLModel, table=True):
    __tablename__ = "rom_measurement"
    __table_args__ = (
        UniqueConstraint("entry_id", "joint", "side", "movement", "mode", name="uq_rom_entry_series"),
        CheckConstraint(f"degrees BETWEEN {_ROM_LOW:g} AND {_ROM_HIGH:g}", name="ck_rom_degrees"),
        CheckConstraint(_in("side", [s.value for s in Side]), name="ck_rom_side"),
        CheckConstraint(_in("mode", [m.value for m in RomMode]), name="ck_rom_mode"),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(sa_column=_cascade("weekly_entry.id"))
    joint: str
    side: str
    movement: str
    degrees: float
    mode: str = RomMode.ACTIVE.value


class ActivityRow(SQLModel, table=True):
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


class ActivityRatingRow(SQLModel, table=True):
    __tablename__ = "activity_rating"
    __table_args__ = (
        UniqueConstraint("entry_id", "activity_id", name="uq_rating_entry_activity"),
        _range("rating", ACTIVITY_RATING, nullable=False),
        _range("minutes", ACTIVITY_MINUTES),
    )
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(sa_column=_cascade("weekly_entry.id"))
    activity_id: int = Field(sa_column=_cascade("activity.id"))
    rating: int
    minutes: int | None = None


class GoalRow(SQLModel, table=True):
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


class EventRow(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (CheckConstraint(_in("kind", [k.value for k in EventKind]), name="ck_event_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_cascade("patient.id"))
    day: date
    kind: str
    text: str
