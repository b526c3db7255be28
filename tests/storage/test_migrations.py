"""The schema comes only from Alembic migrations, and they agree with the models, on SQLite and PostgreSQL
(``place``: tests/storage/conftest.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from old_schemas import build_old_database, build_old_server_database, released_schemas
from places import Place

from rehabtrack.storage.engine import HEAD_REVISION, make_engine
from rehabtrack.storage.migrate import alembic_config
from rehabtrack.storage.store import DATABASE_NAME, Store, open_server, open_store
from rehabtrack.storage.tables import metadata


def test_head_revision_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_current_head() == HEAD_REVISION


def _new(place: Place) -> Store:
    """A store on a new database (an empty file, or a server database without tables) set up now."""
    address = place.address("new", empty=True)
    return open_server(address, upgrade=True) if place.kind == "postgres" else open_store(Path(address))


def test_empty_database_is_upgraded_to_head_with_every_table(place: Place) -> None:
    store = _new(place)
    with store.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    store.close()
    assert set(metadata.tables) <= tables
    assert revision == HEAD_REVISION


def test_models_and_migrations_agree(place: Place) -> None:
    store = _new(place)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    store.close()
    if place.kind == "postgres":  # what a clinic server's set-up changes on purpose (clinic_roles)
        diff = [d for d in diff if _changed_by_clinic_setup(d) is None]
    assert diff == []


def _changed_by_clinic_setup(change: tuple[object, ...]) -> str | None:
    """The uid is unique per care team (not by index), and a patient's team may be written before the
    patient within one statement (its reference is checked at commit)."""
    what, thing = change[0], change[1]
    if what in ("remove_index", "add_index") and getattr(thing, "name", None) == "ix_patient_uid":
        return "uid unique per care team"
    table = getattr(getattr(thing, "table", None), "name", None)
    target = getattr(getattr(thing, "referred_table", None), "name", None)
    if what in ("remove_fk", "add_fk") and (table, target) == ("patient_care_team", "patient"):
        return "deferred reference to the patient"
    return None


def test_up_to_date_database_does_not_import_alembic(place: Place) -> None:
    import subprocess
    import sys

    place.open().close()
    opening = (
        f"open_server({place.address()!r})"
        if place.kind == "postgres"
        else f"open_store(Path({place.address()!r}))"
    )
    code = (
        "import sys; from pathlib import Path; from rehabtrack.storage.store import open_server, open_store; "
        f"{opening}; print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_upgrade_of_a_server_database_waits_for_the_one_already_running(empty_postgres_url: str) -> None:
    """Two RehabTracks opening a new clinic database at once: the second waits, then finds it set up."""
    import threading

    from rehabtrack.storage.server import lock_for_upgrade, make_server_engine, server_url

    first = make_server_engine(server_url(empty_postgres_url))
    opened: list[Store] = []
    with first.begin() as conn:
        lock_for_upgrade(conn)  # as an upgrade in progress holds it
        second = threading.Thread(target=lambda: opened.append(open_server(empty_postgres_url, upgrade=True)))
        second.start()
        second.join(timeout=1.5)
        assert second.is_alive(), "the second upgrade did not wait"
    second.join(timeout=60)
    first.dispose()
    [store] = opened
    assert store.patients() == []
    store.close()


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
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION


@pytest.mark.postgres
@pytest.mark.parametrize("dump", released_schemas(), ids=lambda p: p.stem)
def test_every_released_schema_upgrades_on_postgresql_to_the_same_records_as_on_sqlite(
    dump: Path, empty_postgres_url: str, tmp_path: Path
) -> None:
    """The SQL dump of each released schema, loaded into PostgreSQL at that schema and upgraded there, reads
    back exactly as the same dump upgraded in an SQLite file."""
    build_old_server_database(dump, empty_postgres_url, tmp_path / "scratch.db")
    build_old_database(dump, tmp_path / "file" / DATABASE_NAME)
    on_file, on_server = open_store(tmp_path / "file"), open_server(empty_postgres_url, upgrade=True)
    try:
        assert _records(on_server) == _records(on_file)
        assert _records(on_file)[0][1]  # the dump holds weeks
    finally:
        on_file.close()
        on_server.close()


def _records(store: Store) -> list[tuple[object, ...]]:
    return [
        (
            p,
            store.entries(p.id),
            store.activities(p.id, include_archived=True),
            store.goals(p.id),
            store.events(p.id),
            store.measures(p.id),
            store.thresholds(p.id),
            store.maintenance(p.id),
        )
        for p in store.patients(include_archived=True)
        if p.id is not None
    ]


# Each row of these tables names its patient (schema 0005), the same one as the row it hangs from.
CHILDREN = (
    ("rom_measurement", "weekly_entry", "entry_id"),
    ("activity_rating", "weekly_entry", "entry_id"),
    ("measure_item", "measure_result", "result_id"),
)


def _patients_named(store: Store) -> dict[str, tuple[int, int]]:
    """Per table: its rows, and those naming another patient than their parent row (or none)."""
    found = {}
    with store.engine.connect() as conn:
        for table, parent, link in CHILDREN:
            rows = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            wrong = conn.execute(
                sa.text(
                    f"SELECT count(*) FROM {table} JOIN {parent} ON {parent}.id = {table}.{link} "
                    f"WHERE {table}.patient_id IS NULL OR {table}.patient_id <> {parent}.patient_id"
                )
            ).scalar_one()
            found[table] = (rows, wrong)
    return found


@pytest.mark.parametrize("dump", released_schemas(), ids=lambda p: p.stem)
def test_after_the_upgrade_every_reading_rating_and_questionnaire_item_names_its_patient(
    dump: Path, place: Place, tmp_path: Path
) -> None:
    if place.kind == "postgres":
        address = place.address("old", empty=True)
        build_old_server_database(dump, address, tmp_path / "scratch.db")
        store = open_server(address, upgrade=True)
    else:
        build_old_database(dump, tmp_path / "old" / DATABASE_NAME)
        store = open_store(tmp_path / "old")
    try:
        found = _patients_named(store)
    finally:
        store.close()
    assert found["rom_measurement"][0] > 0 and found["activity_rating"][0] > 0  # items from schema 0003 on
    assert {table: wrong for table, (_, wrong) in found.items()} == {t: 0 for t, _, _ in CHILDREN}


def test_what_the_store_saves_names_its_patient_and_goes_with_it(demo: Store, place: Place) -> None:
    from dataclasses import replace

    from rehabtrack.core.model import Patient

    [margaret] = demo.patients()
    ann = demo.save_patient(Patient("Ann Second"))
    weeks = [replace(e, id=None, version=None, activities=()) for e in demo.entries(margaret.id or 0)[:3]]
    demo.save_entries(ann.id or 0, weeks)  # her readings; the activities are Margaret's
    found = _patients_named(demo)
    assert all(rows > 0 and wrong == 0 for rows, wrong in found.values()), found
    with demo.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM patient WHERE id = :id"), {"id": margaret.id})
    left = [place.count(table) for table, _, _ in CHILDREN]
    assert left[0] > 0 and left[1:] == [0, 0]  # only Ann's readings are left
