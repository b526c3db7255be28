"""The benchmark data set: 10 years of weekly entries for 3 patients, every marker, 6 ROM series,
8 activities, 20 goals and 50 events each (the 'old laptop, long history' case)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.model import (
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
from rehabtrack.core.rom import ROM_LIMITS, RomReading, Side, rom_key
from rehabtrack.core.series import describe
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import Store, open_store

YEARS = 10
WEEKS = 52 * YEARS
PATIENTS = 3
GOALS = 20
EVENTS = 50
ROM_SERIES = (
    ("knee", Side.RIGHT, "flexion"),
    ("knee", Side.RIGHT, "extension"),
    ("hip", Side.RIGHT, "flexion"),
    ("shoulder", Side.LEFT, "abduction"),
    ("wrist", Side.LEFT, "extension"),
    ("wrist", Side.LEFT, "flexion"),
)
ACTIVITIES = (
    ("Walk 30 minutes", Discipline.PT),
    ("Climb stairs", Discipline.PT),
    ("Stand to cook", Discipline.PT),
    ("Garden", Discipline.PT),
    ("Get dressed", Discipline.OT),
    ("Cook a meal", Discipline.OT),
    ("Type an email", Discipline.OT),
    ("Carry shopping", Discipline.OT),
)


def entries_for(
    rng: random.Random, first: date, activity_ids: list[int], weeks: int = WEEKS
) -> list[WeeklyEntry]:
    entries = []
    for i in range(weeks):
        values: dict[str, float] = {}
        for m in WEEKLY_MARKERS:
            if m.whole:
                values[m.key] = rng.randint(int(m.low), int(min(m.high, m.low + 10)))
            else:
                values[m.key] = round(rng.uniform(m.low + 4, min(m.high, m.low + 9)), 1)
        values["exercise_days_done"] = min(values["exercise_days_done"], values["exercise_days_prescribed"])
        rom = tuple(
            RomReading(j, s, mv, rng.randint(0, int(ROM_LIMITS[j, mv][1]))) for j, s, mv in ROM_SERIES
        )
        ratings = tuple(ActivityRating(a, rng.randint(0, 10), rng.randint(0, 60)) for a in activity_ids)
        entries.append(WeeklyEntry(first + timedelta(weeks=i), values, rom, ratings, f"Week {i}"))
    return entries


def build(data_dir: Path, today: date | None = None, weeks: int = WEEKS) -> Store:
    """Create the data set in ``data_dir`` (about 10 s on a 2-core machine); returns the open store.

    Each patient gets 520 weekly entries (every weekly marker, 6 ROM series, 8 activity ratings),
    20 goals (one per chartable series: 6 ROM, 8 activities, 6 weekly markers) and 50 events.
    ``weeks`` shortens the history (the fast shape test); the benchmarks use the full 520.
    """
    store = open_store(data_dir)
    rng = random.Random(7)
    first = week_start(today or date.today()) - timedelta(weeks=weeks - 1)
    for n in range(PATIENTS):
        patient = store.save_patient(
            Patient(f"Benchmark patient {n + 1}", "Knee and wrist", "Right knee", first)
        )
        assert patient.id is not None
        ids = [store.save_activity(patient.id, Activity(name, d)).id or 0 for name, d in ACTIVITIES]
        store.save_entries(patient.id, entries_for(rng, first, ids, weeks))
        markers = [rom_key(j, s, mv) for j, s, mv in ROM_SERIES] + [f"activity/{a}" for a in ids]
        markers += [
            "pain",
            "stiffness_minutes",
            "sleep_hours",
            "flareup_count",
            "exercise_adherence",
            "sleep_quality",
        ]
        for g, marker in enumerate(markers[:GOALS]):
            info = describe(marker)  # a target on the marker's own scale (out-of-scale goals are refused)
            lower = info.lower_is_better
            share = 0.3 if lower else 0.7
            store.save_goal(
                patient.id,
                Goal(
                    Discipline.PT if g % 2 == 0 else Discipline.OT,
                    f"Goal {g + 1}",
                    marker,
                    round(info.low + share * (info.high - info.low)),
                    Direction.LOWER if lower else Direction.HIGHER,
                    None,
                    first,
                    first + timedelta(weeks=weeks + 10),
                ),
            )
        kinds = list(EventKind)
        for e in range(EVENTS):
            day = first + timedelta(days=rng.randint(0, weeks * 7 - 1))  # inside the history
            store.save_event(patient.id, Event(day, kinds[e % len(kinds)], f"Event {e + 1}"))
    return store
