"""clinic tables: care teams, the audit record, and a version on each week and goal

Revision ID: 0006
Revises: 0005

Portable tables only. A clinic server's roles, grants, row-security policies and audit triggers are
PostgreSQL's own and are set up there by ``rehabtrack db upgrade``, never here. ``version`` is added with a
server default, so existing rows start at version 1 without a table rebuild.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NAME_MAX_CHARS = 120  # frozen copy of core.model.NAME_MAX_CHARS as released in schema 0006
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    for table in ("weekly_entry", "goal"):
        op.add_column(table, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.create_table(
        "care_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint(f"length(trim(name)) BETWEEN 1 AND {NAME_MAX_CHARS}", name="ck_care_team_name"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "care_team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("therapist", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["care_team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "therapist", name="uq_care_team_member"),
    )
    op.create_index(op.f("ix_care_team_member_team_id"), "care_team_member", ["team_id"])
    op.create_index(op.f("ix_care_team_member_therapist"), "care_team_member", ["therapist"])
    op.create_table(
        "patient_care_team",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["care_team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("patient_id"),
    )
    op.create_index(op.f("ix_patient_care_team_team_id"), "patient_care_team", ["team_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("old", JSON, nullable=True),
        sa.Column("new", JSON, nullable=True),
        sa.CheckConstraint("action IN ('insert', 'update', 'delete')", name="ck_audit_action"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_audit_entry_patient_id"), "audit_entry", ["patient_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_entry_patient_id"), table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index(op.f("ix_patient_care_team_team_id"), table_name="patient_care_team")
    op.drop_table("patient_care_team")
    op.drop_index(op.f("ix_care_team_member_therapist"), table_name="care_team_member")
    op.drop_index(op.f("ix_care_team_member_team_id"), table_name="care_team_member")
    op.drop_table("care_team_member")
    op.drop_table("care_team")
    with op.batch_alter_table("goal") as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("weekly_entry") as batch_op:
        batch_op.drop_column("version")
