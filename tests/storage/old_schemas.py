"""Databases of every released schema version, rebuilt from their SQL dumps in tests/storage/fixtures/.

The dumps were written once by the code of that version (fixtures/make_fixture.py) and are never regenerated:
they are how we prove an old user's file still opens. Kept as SQL text, not as database files.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rehabtrack.storage.engine import APPLICATION_ID

FIXTURES = Path(__file__).parent / "fixtures"


def released_schemas() -> list[Path]:
    return sorted(FIXTURES.glob("schema-*.sql"))


def build_old_database(dump: Path, path: Path) -> Path:
    """Write the database of an old schema version at ``path``, as that version left it on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(dump.read_text(encoding="utf-8"))
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.commit()
    finally:
        conn.close()
    return path
