"""Fixtures for the report tests: the demo patient's report, written once per module, and a long history."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from rehabtrack.core.model import (  # noqa: E402
    Activity,
    ActivityRating,
    Direction,
    Discipline,
    Event,
    EventKind,
    Goal,
    Patient,
    WeeklyEntry,
)
from rehabtrack.core.rom import RomReading, Side, rom_key  # noqa: E402
from rehabtrack.core.weeks import week_start  # noqa: E402
from rehabtrack.storage.store import Store, open_store  # noqa: E402

# The same fixed day as tests/conftest.py's TODAY (the demo patient is seeded up to its week).
TODAY = date(2026, 11, 24)
LONG_NOTE = " ".join(["Long walk along the river, then stretches and ice on the knee."] * 30)


def build_history(store: Store, weeks: int, today: date = TODAY, seed: int = 11) -> Patient:
    """A patient with ``weeks`` weeks of entries up to ``today`` (every 9th week missed), 2 ROM series,
    2 activities, a PT and an OT goal, two events and a few notes (one very long)."""
    rng = random.Random(seed)
    last = week_start(today)
    first = last - timedelta(weeks=weeks - 1)
    patient = store.save_patient(
        Patient("Long History", "Hip replacement (left)", "Left hip", first, "Ana PT", "Ben OT")
    )
    assert patient.id is not None
    walk = store.save_activity(patient.id, Activity("Walk to the shop", Discipline.PT))
    bath = store.save_activity(patient.id, Activity("Get in and out of the bath", Discipline.OT))
    assert walk.id is not None and bath.id is not None
    entries = []
    for i in range(weeks):
        if i % 9 == 4:
            continue
        share = i / max(weeks - 1, 1)
        values: dict[str, float] = {
            "pain": max(0, min(10, round(7 - 5 * share + rng.gauss(0, 0.7)))),
            "sleep_hours": round(5 + 2 * share + rng.uniform(-0.3, 0.3), 1),
            "exercise_days_prescribed": 5,
            "exercise_days_done": rng.randint(2, 5),
        }
        rom = (
            RomReading("hip", Side.LEFT, "flexion", round(70 + 40 * share + rng.gauss(0, 2))),
            RomReading("hip", Side.LEFT, "abduction", round(15 + 20 * share + rng.gauss(0, 2))),
        )
        ratings = (
            ActivityRating(walk.id, max(0, min(10, round(2 + 7 * share + rng.gauss(0, 0.6))))),
            ActivityRating(bath.id, max(0, min(10, round(1 + 7 * share + rng.gauss(0, 0.6))))),
        )
        notes = LONG_NOTE if i == 30 else ("Good week." if i % 10 == 0 else "")
        entries.append(WeeklyEntry(first + timedelta(weeks=i), values, rom, ratings, notes))
    store.save_entries(patient.id, entries)
    store.save_goal(
        patient.id,
        Goal(
            Discipline.PT,
            "Hip flexion to 110°",
            rom_key("hip", Side.LEFT, "flexion"),
            110,
            Direction.HIGHER,
            start=first,
            target_date=last + timedelta(weeks=4),
        ),
    )
    store.save_goal(
        patient.id,
        Goal(
            Discipline.OT,
            "Bath without help",
            f"activity/{bath.id}",
            9,
            Direction.HIGHER,
            start=first,
            target_date=last + timedelta(weeks=8),
        ),
    )
    store.save_event(patient.id, Event(first + timedelta(days=2), EventKind.SURGERY, "Left hip replacement"))
    store.save_event(patient.id, Event(first + timedelta(weeks=20), EventKind.OTHER, "Holiday"))
    return patient


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Patient]]:
    from rehabtrack.storage.demo import seed_demo

    store = open_store(tmp_path_factory.mktemp("demo") / "data")
    patient = seed_demo(store, TODAY)
    yield store, patient
    store.close()


@pytest.fixture(scope="module")
def long_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Patient]]:
    store = open_store(tmp_path_factory.mktemp("long") / "data")
    patient = build_history(store, 104)
    yield store, patient
    store.close()


@pytest.fixture(scope="module")
def today() -> date:
    return TODAY


@pytest.fixture
def store_dir_patient(data_dir: Path) -> Iterator[tuple[Store, int]]:
    """An empty store with one patient who has logged nothing."""
    store = open_store(data_dir)
    patient = store.save_patient(Patient("New Patient"))
    assert patient.id is not None
    yield store, patient.id
    store.close()
