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
