"""Exporting a 52-week progress report (issue 5): goal under 1.5 s on a 2-core machine.

A full year for one patient: every weekly marker, 6 ROM series, 8 activities (23 charts), 20 goals and
10 events, read from the store, laid out and written as a PDF. Skipped in normal runs; run with
``pytest tests/benchmarks/test_report_benchmark.py --benchmark-only``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from dataset import ACTIVITIES, ROM_SERIES, entries_for  # type: ignore[import-not-found]  # noqa: E402

from rehabtrack.core.model import Activity, Direction, Discipline, Event, EventKind, Goal, Patient  # noqa: E402
from rehabtrack.core.rom import rom_key  # noqa: E402
from rehabtrack.core.series import describe  # noqa: E402
from rehabtrack.core.weeks import week_start  # noqa: E402
from rehabtrack.storage.store import Store, open_store  # noqa: E402

TODAY = date(2026, 11, 24)
WEEKS = 52
GOAL_SECONDS = 1.5


@pytest.fixture(scope="module")
def year_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int]]:
    store = open_store(tmp_path_factory.mktemp("bench") / "data")
    rng = random.Random(5)
    first = week_start(TODAY) - timedelta(weeks=WEEKS - 1)
    patient = store.save_patient(
        Patient("Year Patient", "Knee and wrist", "Right knee", first, "PT A", "OT B")
    )
    assert patient.id is not None
    ids = [store.save_activity(patient.id, Activity(name, d)).id or 0 for name, d in ACTIVITIES]
    store.save_entries(patient.id, entries_for(rng, first, ids)[:WEEKS])
    markers = [rom_key(j, s, mv) for j, s, mv in ROM_SERIES] + [f"activity/{a}" for a in ids]
    markers += [
        "pain",
        "stiffness_minutes",
        "sleep_hours",
        "flareup_count",
        "exercise_adherence",
        "sleep_quality",
    ]
    for g, marker in enumerate(markers[:20]):
        info = describe(marker)
        store.save_goal(
            patient.id,
            Goal(
                Discipline.PT if g % 2 == 0 else Discipline.OT,
                f"Goal {g + 1}",
                marker,
                round(info.low + 0.7 * (info.high - info.low)),
                Direction.HIGHER,
                None,
                first,
                first + timedelta(weeks=WEEKS + 10),
            ),
        )
    kinds = list(EventKind)
    for e in range(10):
        store.save_event(
            patient.id,
            Event(first + timedelta(days=rng.randint(0, WEEKS * 7 - 1)), kinds[e % 6], f"Event {e}"),
        )
    yield store, patient.id
    store.close()


def test_export_52_week_report(
    benchmark: Any, year_store: tuple[Store, int], qapp: Any, tmp_path: Path
) -> None:
    from rehabtrack.report.content import build_content
    from rehabtrack.report.pdf import write_report

    store, pid = year_store
    out = tmp_path / "year.pdf"

    def export() -> int:
        content = build_content(store, pid, today=TODAY)
        return write_report(content, out, "a4")

    pages = benchmark.pedantic(export, rounds=7, iterations=1, warmup_rounds=1)
    assert pages >= 5
    assert out.stat().st_size > 10_000
    assert benchmark.stats.stats.median < GOAL_SECONDS
