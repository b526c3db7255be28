"""questionnaire results (measure_result, measure_item), clinic item wording, maintenance phase per patient

Revision ID: 0003
Revises: 0002

The patient table only gains nullable columns (ALTER TABLE ADD COLUMN), so it is never rebuilt: a rebuild
would drop the table, and with foreign keys on that would delete every patient's weeks.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from rehabtrack.storage.migrations.existing import has_column, has_index, has_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies of the rules as released in schema 0003 (never import them from the app: it changes).
INSTRUMENTS = "instrument IN ('LEFS', 'QuickDASH', 'ODI', 'NPRS', 'COPM', 'GAS')"
SCORE_RANGES = (
    "(instrument = 'LEFS' AND score BETWEEN 0 AND 80)"
    " OR (instrument = 'QuickDASH' AND score BETWEEN 0 AND 100)"
    " OR (instrument = 'ODI' AND score BETWEEN 0 AND 100)"
    " OR (instrument = 'NPRS' AND score BETWEEN 0 AND 10)"
    " OR (instrument = 'COPM' AND score BETWEEN 1 AND 10)"
    " OR (instrument = 'GAS' AND score BETWEEN 17 AND 83)"
)


def upgrade() -> None:
    # Each step skips what a crashed upgrade of an older RehabTrack already did (migrations/existing.py).
    if not has_column("patient", "discharged_on"):
        op.add_column("patient", sa.Column("discharged_on", sa.Date(), nullable=True))
    if not has_column("patient", "maintenance_every_weeks"):
        op.add_column(
            "patient",
            sa.Column(
                "maintenance_every_weeks",
                sa.Integer(),
                sa.CheckConstraint("maintenance_every_weeks IN (2, 4)", name="ck_patient_maintenance_every"),
                nullable=True,
            ),
        )
    if not has_column("patient", "maintenance_since"):
        op.add_column("patient", sa.Column("maintenance_since", sa.Date(), nullable=True))
    if not has_table("measure_result"):
        _measure_result()
    if not has_index("measure_result", "ix_measure_result_patient_id"):
        op.create_index(op.f("ix_measure_result_patient_id"), "measure_result", ["patient_id"], unique=False)
    if not has_table("measure_item"):
        _measure_item()
    if not has_index("measure_item", "ix_measure_item_result_id"):
        op.create_index(op.f("ix_measure_item_result_id"), "measure_item", ["result_id"], unique=False)
    if not has_table("measure_item_text"):
        _measure_item_text()


def _measure_result() -> None:
    op.create_table(
        "measure_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("taken", sa.Date(), nullable=False),
        sa.Column("answers", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("satisfaction", sa.Float(), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(INSTRUMENTS, name="ck_measure_instrument"),
        sa.CheckConstraint(SCORE_RANGES, name="ck_measure_score_range"),
        sa.CheckConstraint(
            "(instrument = 'COPM' AND satisfaction IS NOT NULL AND satisfaction BETWEEN 1 AND 10)"
            " OR (instrument <> 'COPM' AND satisfaction IS NULL)",
            name="ck_measure_satisfaction",
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )


def _measure_item() -> None:
    op.create_table(
        "measure_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=True),
        sa.Column("performance", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("position >= 1", name="ck_measure_item_position"),
        sa.CheckConstraint("length(trim(label)) BETWEEN 1 AND 120", name="ck_measure_item_label"),
        sa.CheckConstraint(
            "importance IS NULL OR importance BETWEEN 1 AND 10", name="ck_measure_item_importance"
        ),
        sa.CheckConstraint(
            "performance IS NULL OR performance BETWEEN 1 AND 10", name="ck_measure_item_performance"
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 10", name="ck_measure_item_satisfaction"
        ),
        sa.CheckConstraint("level IS NULL OR level BETWEEN -2 AND 2", name="ck_measure_item_level"),
        sa.CheckConstraint("weight IS NULL OR weight > 0", name="ck_measure_item_weight"),
        sa.CheckConstraint(
            "(level IS NULL AND weight IS NULL AND performance IS NOT NULL)"
            " OR (level IS NOT NULL AND weight IS NOT NULL AND performance IS NULL)",
            name="ck_measure_item_kind",
        ),
        sa.ForeignKeyConstraint(["result_id"], ["measure_result.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("result_id", "position", name="uq_measure_item_position"),
    )


def _measure_item_text() -> None:
    op.create_table(
        "measure_item_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint(INSTRUMENTS, name="ck_measure_item_text_instrument"),
        sa.CheckConstraint("position >= 1", name="ck_measure_item_text_position"),
        sa.CheckConstraint("length(text) <= 500", name="ck_measure_item_text_length"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instrument", "position", name="uq_measure_item_text"),
    )


def downgrade() -> None:
    op.drop_table("measure_item_text")
    op.drop_index(op.f("ix_measure_item_result_id"), table_name="measure_item")
    op.drop_table("measure_item")
    op.drop_index(op.f("ix_measure_result_patient_id"), table_name="measure_result")
    op.drop_table("measure_result")
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+), never a batch rebuild of the patient table.
    op.drop_column("patient", "maintenance_since")
    op.drop_column("patient", "maintenance_every_weeks")
    op.drop_column("patient", "discharged_on")
