"""patient_id on rom_measurement, activity_rating and measure_item: every patient table names its patient

Revision ID: 0005
Revises: 0004

Row security on a clinic server matches each row's own patient_id, without a join to the row it hangs from.
The three tables gain the column, filled from their parent rows, then made NOT NULL with a foreign key to
the patient and an index. SQLite needs a table rebuild (batch mode) for NOT NULL and the foreign key: these
three tables are leaves (no table refers to them), so the rebuild deletes nothing by cascade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table, the table its rows hang from, the column naming that row
CHILDREN = (
    ("rom_measurement", "weekly_entry", "entry_id"),
    ("activity_rating", "weekly_entry", "entry_id"),
    ("measure_item", "measure_result", "result_id"),
)


def upgrade() -> None:
    for table, parent, link in CHILDREN:
        op.add_column(table, sa.Column("patient_id", sa.Integer(), nullable=True))
        op.execute(
            f"UPDATE {table} SET patient_id = "
            f"(SELECT {parent}.patient_id FROM {parent} WHERE {parent}.id = {table}.{link})"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("patient_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                f"{table}_patient_id_fkey", "patient", ["patient_id"], ["id"], ondelete="CASCADE"
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_patient_id"), ["patient_id"], unique=False)


def downgrade() -> None:
    for table, _parent, _link in CHILDREN:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_patient_id"))
            batch_op.drop_constraint(f"{table}_patient_id_fkey", type_="foreignkey")
            batch_op.drop_column("patient_id")
