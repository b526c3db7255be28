"""Issue 19's clinic-scale figures: 500 patients × 2 years of weeks, 6 therapists in 3 care teams, on the
local PostgreSQL server and on an SQLite file holding the same records.

- Opening a patient's dashboard (what ``PatientData`` reads, plus the patient itself): the number of
  statements it sends (``count_queries``), and its time on PostgreSQL over the local socket against the
  same on SQLite, interleaved (SQLite, PostgreSQL, …), as the median of the per-pair ratios.
- The patient list with a search (``Store.patients(search=…)``) against a bare ``SELECT`` of the same
  rows through the driver, on an open connection, interleaved the same way.

Building the records takes about a minute on the 2-core machine (most of it PostgreSQL's), so they are
kept between runs: the SQLite file under ``~/.cache/rehabtrack-bench`` and the database
``rehabtrack_bench_clinic_v1`` on the server (``clinic_figures`` builds what is missing or
incomplete; ``run_all.py --only clinic --rebuild-clinic`` builds both again). The records are made through
``Store.import_histories``, the one import path, a patient's two years in a few statements.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dataset  # type: ignore[import-not-found]
import measure  # type: ignore[import-not-found]
import sqlalchemy as sa

from rehabtrack.core.imports import History
from rehabtrack.core.model import Activity, Direction, Discipline, Event, EventKind, Goal, Patient
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.audit import patient_tables
from rehabtrack.storage.engine import make_engine
from rehabtrack.storage.store import Store, open_server, open_store

PATIENTS = 500
WEEKS = 104  # two years
TEAMS = 3  # of two therapists each (a PT and an OT)
THERAPISTS = 2 * TEAMS
TODAY = date(2026, 11, 30)  # fixed, so the kept records stay right for any later run
SEARCH = "mar"  # what a therapist types to find Mary, Marek, Martin or Omar
VERSION = 1  # of the data set: a change to what build_clinic makes needs a new one
DATABASE = f"rehabtrack_bench_clinic_v{VERSION}"

FIGURE_PREFIXES = ("opening a patient's dashboard", "patient list with search")
DASHBOARD_RATIO = 2.0  # PostgreSQL over the local socket ≤ 2× SQLite
SEARCH_RATIO = 1.5  # the patient list with search ≤ 1.5× a bare SELECT of the same rows

FIRST = ("Mary", "Ahmed", "Chen", "Dana", "Eli", "Fatima", "Grace", "Hugo", "Ines", "Jon")
FIRST += ("Kofi", "Lena", "Marek", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tariq")
LAST = ("Anders", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jones")
LAST += ("Kim", "Lopez", "Martin", "Novak", "Olsen", "Patel", "Rossi", "Silva", "Tanaka", "Weber")
LAST += ("Young", "Zhang", "Baker", "Cohen", "Diaz")
ACTIVITIES = (("Walk 30 minutes", Discipline.PT), ("Climb stairs", Discipline.PT))
ACTIVITIES += (("Get dressed", Discipline.OT),)


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "rehabtrack-bench" / f"clinic-v{VERSION}"


def patient_names() -> list[str]:
    names = [f"{f} {last}" for last in LAST for f in FIRST]
    assert len(names) == PATIENTS
    return names


def histories(weeks: int = WEEKS, patients: int = PATIENTS) -> Iterator[History]:
    """Each patient's two years as a home copy would bring them: 3 activities, every weekly marker,
    2 ROM series a week, 3 goals, 4 events. The same records every time (seeded)."""
    rng = random.Random(19)
    first = week_start(TODAY) - timedelta(weeks=weeks - 1)
    kinds = list(EventKind)
    for n, name in enumerate(patient_names()[:patients]):
        entries = [replace(e, rom=e.rom[:2]) for e in dataset.entries_for(rng, first, [0, 1, 2], weeks)]
        goals = [
            Goal(Discipline.PT, "Walk 30 minutes again", "activity/0", 8, Direction.HIGHER, None, first),
            Goal(Discipline.OT, "Dress without help", "activity/2", 9, Direction.HIGHER, None, first),
            Goal(Discipline.PT, "Less pain", "pain", 3, Direction.LOWER, None, first),
        ]
        events = [
            Event(first + timedelta(days=rng.randint(0, weeks * 7 - 1)), kinds[e % len(kinds)], f"Event {e}")
            for e in range(4)
        ]
        yield History(
            Patient(name, "Knee replacement", "Right knee", first),
            uid=f"clinic-bench-{n:04d}",
            activities=[Activity(a, d) for a, d in ACTIVITIES],
            entries=entries,
            goals=goals,
            events=events,
        )


def therapists() -> list[tuple[str, str]]:
    """(care team, therapist role name) for the 6 therapists."""
    return [(f"Team {t + 1}", f"bench_{kind}_{t + 1}") for t in range(TEAMS) for kind in ("pt", "ot")]


def fill(store: Store, weeks: int = WEEKS, patients: int = PATIENTS) -> None:
    """Write the clinic's records into an empty ``store``: patients, then the care teams (last, so a
    store holding the teams is complete)."""
    store.import_histories(histories(weeks, patients))
    with store.engine.begin() as conn:
        teams: dict[str, int] = {}
        for team, therapist in therapists():
            if team not in teams:
                found = conn.execute(
                    sa.text("INSERT INTO care_team (name) VALUES (:n) RETURNING id"), {"n": team}
                )
                teams[team] = int(found.scalar_one())
            conn.execute(
                sa.text("INSERT INTO care_team_member (team_id, therapist) VALUES (:t, :r)"),
                {"t": teams[team], "r": therapist},
            )
        ids = conn.execute(sa.text("SELECT id FROM patient ORDER BY id")).scalars().all()
        conn.execute(
            sa.text("INSERT INTO patient_care_team (patient_id, team_id) VALUES (:p, :t)"),
            [{"p": pid, "t": list(teams.values())[i % TEAMS]} for i, pid in enumerate(ids)],
        )


def complete(store: Store) -> bool:
    with store.engine.connect() as conn:
        teams = conn.execute(sa.text("SELECT count(*) FROM care_team_member")).scalar_one()
        patients = conn.execute(sa.text("SELECT count(*) FROM patient")).scalar_one()
    return (teams, patients) == (THERAPISTS, PATIENTS)


def sqlite_store(rebuild: bool = False) -> Store:
    """The clinic's records in an SQLite file, built once and kept (see the module's docstring)."""
    data_dir = cache_dir() / "sqlite"
    if data_dir.exists():
        store = open_store(data_dir)
        if not rebuild and complete(store):
            return store
        store.close()
        import shutil

        shutil.rmtree(data_dir)
    store = open_store(data_dir)
    assert store.path is not None
    store.close()
    # Made as a migration would write them, without the audit record of each of the 318 000 rows (it
    # would double the build; nothing measured here reads it)
    unaudited = Store(make_engine(store.path), store.path)
    try:
        fill(unaudited)
    finally:
        unaudited.close()
    return open_store(data_dir)


def server_url(name: str = DATABASE) -> str:
    return f"postgresql:///{name}"


def server_store(rebuild: bool = False) -> Store:
    """The clinic's records on the local PostgreSQL server, built once and kept. Run as the database's
    owner (the role running the benchmark creates it)."""
    import psycopg

    with psycopg.connect("dbname=postgres", autocommit=True) as admin:
        there = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if there is not None and not rebuild:
            store = open_server(server_url(), upgrade=True)
            if complete(store):
                return store
            store.close()
        if there is not None:
            admin.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    store = open_server(server_url(), upgrade=True)
    with store.engine.begin() as conn:  # no audit record of the build (as for the SQLite file above)
        for table in patient_tables():
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER')
    try:
        fill(store)
    finally:
        with store.engine.begin() as conn:
            for table in patient_tables():
                conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER')
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
    return store


@contextmanager
def as_therapist(name: str = "bench_pt_1") -> Iterator[Store]:
    """The kept clinic database opened as one of its therapists (a login of their own, in ``Team 1``, row
    security on): over TCP to 127.0.0.1 with a password, as the server's pg_hba asks of therapists (the
    local socket is for the tests' own login). The login is made, or given a new password, each time."""
    import keyring
    from keyring.backends.null import Keyring

    from rehabtrack.storage import clinic_roles

    keyring.set_keyring(Keyring())  # the passwords are PGPASSWORD's: no keyring to ask (nor warn about)
    password = clinic_roles.new_password()
    owner = open_server(server_url())
    try:
        with owner.engine.begin() as conn:
            if name in clinic_roles.therapists(conn):
                verifier = clinic_roles._scram_verifier(conn, name, password)
                conn.exec_driver_sql(f"ALTER ROLE \"{name}\" PASSWORD '{verifier}'")
            else:
                clinic_roles.add_therapist(conn, name, password, None)  # fill() put them in a team
    finally:
        owner.close()
    before = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = password
    store = open_server(f"postgresql://{name}@127.0.0.1/{DATABASE}")
    try:
        yield store
    finally:
        store.close()
        if before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = before


# What opening a patient's dashboard reads ------------------------------------------------------


def open_dashboard(store: Store, patient_id: int, today: date = TODAY) -> Any:
    """What the window reads to show a patient's dashboard: the patient (``PatientSession.open``) and
    ``PatientData`` (weeks, activities, goals, events, questionnaires, thresholds)."""
    from rehabtrack.ui.patient_data import PatientData

    store.patient(patient_id)
    return PatientData(store, patient_id, today)


@dataclass
class Statements:
    """The statements sent through an engine while ``count_queries`` was open."""

    sql: list[str]

    def __len__(self) -> int:
        return len(self.sql)


@contextmanager
def count_queries(store: Store) -> Iterator[Statements]:
    """Every statement the store sends (an executemany counts once), with SQLAlchemy's
    ``before_cursor_execute``."""
    seen = Statements([])

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.sql.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", note)


def _pairs(
    floor: Callable[[int], object], app: Callable[[int], object], rounds: int, ids: list[int]
) -> tuple[list[float], list[float]]:
    """Interleaved (floor, app) timings, each pair on the next patient of ``ids``; one warm-up pair."""
    floors: list[float] = []
    apps: list[float] = []
    for i in range(rounds + 1):
        pid = ids[i % len(ids)]
        start = time.perf_counter()
        floor(pid)
        middle = time.perf_counter()
        app(pid)
        end = time.perf_counter()
        if i:
            floors.append(middle - start)
            apps.append(end - middle)
    return floors, apps


def patient_ids(store: Store) -> list[int]:
    return [p.id for p in store.patients() if p.id is not None]


def dashboard_figure(lite: Store, server: Store, rounds: int = 40, who: str = "") -> measure.Figure:
    """Opening a patient's dashboard on PostgreSQL against SQLite, and the statements each sends; ``who``
    names a therapist whose patients (a third of them) are the ones opened."""
    seen = patient_ids(server)
    ids = seen[:: max(1, len(seen) // 20)][:20]  # 20 patients spread over the list
    assert set(ids) <= set(patient_ids(lite)), "the two databases must hold the same patients"
    with count_queries(lite) as on_lite:
        data = open_dashboard(lite, ids[0])
    with count_queries(server) as on_server:
        open_dashboard(server, ids[0])
    assert len(data.entries) == WEEKS
    lite_s, server_s = _pairs(
        lambda p: open_dashboard(lite, p), lambda p: open_dashboard(server, p), rounds, ids
    )
    ratios = [s / q for s, q in zip(server_s, lite_s, strict=True)]
    ratio = measure.median(ratios)
    where = (
        f"as the therapist {who} (row security on), over TCP to 127.0.0.1" if who else "over the local socket"
    )
    return measure.Figure(
        "opening a patient's dashboard, 500 patients × 2 years" + (", as a therapist" if who else ""),
        "`Store.patient` + `PatientData` (weeks, activities, goals, events, questionnaires, thresholds) "
        f"on PostgreSQL {where} vs the same on SQLite, interleaved, 20 patients, median of "
        f"{rounds}; statements counted with `before_cursor_execute`",
        f"{ratio:.2f}× ({measure.ms(measure.median(server_s))} vs SQLite "
        f"{measure.ms(measure.median(lite_s))}); {len(on_server)} statements (SQLite {len(on_lite)})",
        f"≤ {DASHBOARD_RATIO}×; a fixed number of statements",
        ratio <= DASHBOARD_RATIO,
        {
            "ratios": ratios,
            "server_s": server_s,
            "sqlite_s": lite_s,
            "statements_server": on_server.sql,
            "statements_sqlite": on_lite.sql,
        },
    )


def bare_search(store: Store) -> Callable[[], list[Any]]:
    """The floor: the same rows through the driver, on a connection kept open, no objects made."""
    raw = store.engine.raw_connection()
    param = "?" if store.path is not None else "%s"
    sql = (
        "SELECT * FROM patient WHERE archived = false "
        f"AND lower(display_name) LIKE {param} ORDER BY display_name"
    )

    def run() -> list[Any]:
        cursor = raw.cursor()
        cursor.execute(sql, (f"%{SEARCH}%",))
        rows = cursor.fetchall()
        cursor.close()
        return rows

    return run


def _search_pairs(store: Store, rounds: int) -> tuple[list[float], list[float], int]:
    bare = bare_search(store)
    found = store.patients(search=SEARCH)
    assert [p.display_name for p in found] == sorted(p.display_name for p in found)
    assert len(found) == len(bare()) > 0
    floors, apps = _pairs(lambda _p: bare(), lambda _p: store.patients(search=SEARCH), rounds, [0])
    return floors, apps, len(found)


def search_figure(server: Store, lite: Store, rounds: int = 200, who: str = "") -> measure.Figure:
    """``Store.patients(search=SEARCH)`` against a bare SELECT of the same rows, on the server (the goal)
    and, beside it, on SQLite (where the floor is a query inside the process: not a goal of issue 19)."""
    floors, apps, rows = _search_pairs(server, rounds)
    lite_floors, lite_apps, _ = _search_pairs(lite, rounds)
    ratios = [a / f for a, f in zip(apps, floors, strict=True)]
    lite_ratios = [a / f for a, f in zip(lite_apps, lite_floors, strict=True)]
    ratio = measure.median(ratios)
    by = f" as the therapist {who} (row security on, over TCP to 127.0.0.1; the floor too)" if who else ""
    return measure.Figure(
        "patient list with search, 500 patients" + (", as a therapist" if who else ""),
        f"`Store.patients(search='{SEARCH}')` ({rows} of {PATIENTS} patients) on PostgreSQL{by} vs the "
        "driver's "
        "`SELECT * … WHERE lower(display_name) LIKE … ORDER BY display_name` on an open connection, "
        f"interleaved, median of {rounds}; beside it the same on SQLite",
        f"{ratio:.2f}× ({measure.ms(measure.median(apps))} vs floor {measure.ms(measure.median(floors))}); "
        f"SQLite {measure.median(lite_ratios):.2f}× ({measure.ms(measure.median(lite_apps))} vs "
        f"{measure.ms(measure.median(lite_floors))})",
        f"≤ {SEARCH_RATIO}× on the server",
        ratio <= SEARCH_RATIO,
        {
            "ratios": ratios,
            "app_s": apps,
            "floor_s": floors,
            "sqlite_ratios": lite_ratios,
            "sqlite_app_s": lite_apps,
            "sqlite_floor_s": lite_floors,
            "rows": rows,
        },
    )


def clinic_figures(rounds: int = 40, rebuild: bool = False) -> list[measure.Figure]:
    """Every clinic figure, building (or reusing) both copies of the records first."""
    started = time.perf_counter()
    lite = sqlite_store(rebuild)
    built_lite = time.perf_counter() - started
    server = server_store(rebuild)
    built_server = time.perf_counter() - started - built_lite
    try:
        figures = [dashboard_figure(lite, server, rounds), search_figure(server, lite, rounds * 5)]
        with as_therapist() as therapist:
            who = "bench_pt_1"
            figures += [
                dashboard_figure(lite, therapist, rounds, who),
                search_figure(therapist, lite, rounds * 5, who),
            ]
    finally:
        lite.close()
        server.close()
    figures[0].details["ready_s"] = {"sqlite": built_lite, "postgresql": built_server}
    return figures
