"""patient uid: a stable identity so a patient bundle imported twice updates instead of duplicating

Revision ID: 0002
Revises: 0001
"""

from uuid import uuid4

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from rehabtrack.storage.migrations.existing import has_column, has_index

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Each step skips what a crashed upgrade of an older RehabTrack already did (migrations/existing.py).
    if not has_column("patient", "uid"):
        with op.batch_alter_table("patient", schema=None) as batch_op:
            batch_op.add_column(sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    connection = op.get_bind()
    patient = sa.table("patient", sa.column("id", sa.Integer), sa.column("uid", sa.String))
    for (patient_id,) in connection.execute(sa.select(patient.c.id).where(patient.c.uid.is_(None))).all():
        connection.execute(patient.update().where(patient.c.id == patient_id).values(uid=uuid4().hex))
    if not has_index("patient", "ix_patient_uid"):
        with op.batch_alter_table("patient", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_patient_uid"), ["uid"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_uid"))
        batch_op.drop_column("uid")
