"""Who changed what, in words a therapist reads: the audit record's rows turned into sentences such as
"goal 'Bend the knee' target changed 115° → 120° by priya, 3 Dec 10:14"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    """One row written to a patient table: when (UTC), by whom (a login name), which row, and its
    values before (``old``: update, delete) and after (``new``: insert, update)."""

    at: datetime
    actor: str
    table: str
    row_id: int | None
    patient_id: int | None
    action: str  # insert, update or delete
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    id: int | None = None
