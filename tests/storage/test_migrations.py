"""The schema comes only from Alembic migrations, and they agree with the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from rehabtrack.storage.engine import HEAD_REVISION, make_engine
from rehabtrack.storage.migrate import alembic_config
from rehabtrack.storage.store import DATABASE_NAME, open_store
from rehabtrack.storage.tables import metadata


def test_head_revision_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_current_head() == HEAD_REVISION


def test_empty_file_is_upgraded_to_head_with_every_table(data_dir: Path) -> None:
    open_store(data_dir).close()
    with sqlite3.connect(data_dir / DATABASE_NAME) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert set(metadata.tables) <= tables
    assert revision == HEAD_REVISION


def test_models_and_migrations_agree(data_dir: Path) -> None:
    store = open_store(data_dir)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_up_to_date_database_does_not_import_alembic(data_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    open_store(data_dir).close()
    code = (
        "import sys; from pathlib import Path; from rehabtrack.storage.store import open_store; "
        f"open_store(Path({str(data_dir)!r})); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_engine_never_migrates_by_itself(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "plain.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0


def test_schema_0003_upgrades_to_per_patient_thresholds(data_dir: Path) -> None:
    import pytest
    from old_schemas import FIXTURES, build_old_database

    from rehabtrack.core.validation import InvalidInput

    build_old_database(FIXTURES / "schema-0003.sql", data_dir / DATABASE_NAME)
    store = open_store(data_dir)
    try:
        patients = store.patients(include_archived=True)
        assert patients and all(store.thresholds(p.id) == {} for p in patients if p.id is not None)
        pid = patients[0].id
        assert pid is not None
        store.save_thresholds(pid, {"sleep_hours": 1.0, "stiffness_minutes": 20})
        assert store.thresholds(pid) == {"sleep_hours": 1.0, "stiffness_minutes": 20.0}
        # Below the measurement error, or a published threshold: refused, naming field and range.
        with pytest.raises(InvalidInput, match=r"Sleep meaningful change must be from 0\.25 to 16 hours"):
            store.save_thresholds(pid, {"sleep_hours": 0.1})
        with pytest.raises(InvalidInput, match="Pain: the meaningful change is published"):
            store.save_thresholds(pid, {"pain": 3})
        assert store.thresholds(pid) == {"sleep_hours": 1.0, "stiffness_minutes": 20.0}  # nothing written
        store.save_thresholds(pid, {})
        assert store.thresholds(pid) == {}
    finally:
        store.close()
    with sqlite3.connect(data_dir / DATABASE_NAME) as conn:
        assert (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION == "0004"
        )
