"""What an upgrade step finds already in place.

RehabTrack 0.x before the one-transaction upgrade ran each ALTER or CREATE of an upgrade as a commit of its
own, so a crash could leave part of an upgrade in a file still marked with the old schema version. The
released migrations skip what is already there, so such a file is finished instead of refused for ever
("duplicate column name"). On a whole file each check is false and every step runs as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def has_table(table: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(table)


def has_column(table: str, column: str) -> bool:
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def has_index(table: str, index: str) -> bool:
    return index in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}
