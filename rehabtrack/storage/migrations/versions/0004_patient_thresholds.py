"""patient_threshold: a clinic-convention meaningful-change threshold set for one patient

Revision ID: 0004
Revises: 0003

A new table only: no existing table is touched.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from rehabtrack.storage.migrations.existing import has_index, has_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if has_table("patient_threshold") and has_index("patient_threshold", "ix_patient_threshold_patient_id"):
        return  # set up already (see migrations/existing.py)
    if not has_table("patient_threshold"):
        _create_table()
    op.create_index(
        op.f("ix_patient_threshold_patient_id"), "patient_threshold", ["patient_id"], unique=False
    )


def _create_table() -> None:
    op.create_table(
        "patient_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("series_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.CheckConstraint("value > 0", name="ck_patient_threshold_value"),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "series_key", name="uq_patient_threshold"),
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_patient_threshold_patient_id"), table_name="patient_threshold")
    op.drop_table("patient_threshold")
