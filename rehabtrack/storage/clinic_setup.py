"""What a clinic's PostgreSQL server has beyond the portable tables of the migrations: the owner role,
the therapists' grants, row security and the audit triggers.

PostgreSQL only, and only from ``rehabtrack db upgrade`` (run by the database's owner), after the
migrations. Every step is idempotent (CREATE OR REPLACE, DROP … IF EXISTS then CREATE), so each upgrade
applies it again and tables added since are covered too.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from rehabtrack.storage import audit, clinic_roles

Step = Callable[[Connection], None]

# In order; each step is one module's ``install``. clinic_roles.hand_over stays last: it gives the owner
# role whatever the migrations and the steps before it created.
STEPS: tuple[Step, ...] = (clinic_roles.install, audit.install, clinic_roles.hand_over)


def apply(conn: Connection) -> None:
    """Set up (again) everything of a clinic server on ``conn``, in the caller's transaction."""
    for step in STEPS:
        step(conn)
