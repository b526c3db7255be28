"""The benchmark data set has the shape issue 9 asks for (fast: built here with 6 weeks, not 520)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dataset  # type: ignore[import-not-found]

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.weeks import week_start

TODAY = date(2026, 11, 24)


def test_full_size_constants() -> None:
    assert dataset.WEEKS == 520  # 10 years of weeks
    assert (dataset.PATIENTS, dataset.GOALS, dataset.EVENTS) == (3, 20, 50)
    assert len(set(dataset.ROM_SERIES)) == 6
    assert len({name for name, _ in dataset.ACTIVITIES}) == 8


def test_every_patient_has_every_series_goal_and_event(tmp_path: Path) -> None:
    store = dataset.build(tmp_path / "data", TODAY, weeks=6)
    try:
        patients = store.patients()
        assert len(patients) == dataset.PATIENTS
        first = week_start(TODAY) - timedelta(weeks=5)
        for patient in patients:
            assert patient.id is not None
            entries = store.entries(patient.id)
            assert [e.week for e in entries] == [first + timedelta(weeks=i) for i in range(6)]
            activities = store.activities(patient.id)
            assert len(activities) == 8
            for entry in entries:
                assert set(entry.values) >= {m.key for m in WEEKLY_MARKERS}
                assert len({(r.joint, r.side, r.movement) for r in entry.rom}) == 6
                assert {r.activity_id for r in entry.activities} == {a.id for a in activities}
            goals = store.goals(patient.id)
            assert len(goals) == 20 and len({g.marker for g in goals}) == 20
            events = store.events(patient.id)
            assert len(events) == 50
            assert all(first <= e.day <= week_start(TODAY) + timedelta(days=6) for e in events)
    finally:
        store.close()
