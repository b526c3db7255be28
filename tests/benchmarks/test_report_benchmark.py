"""Exporting a 52-week progress report (issue 5): goal under 1.5 s on a 2-core machine.

A full year for one patient of the benchmark data set (tests/benchmarks/dataset.py): every weekly marker,
6 ROM series, 8 activities (23 charts), 20 goals and 50 events, read from the store, laid out and written
as a PDF. Skipped in normal runs; run with
``pytest tests/benchmarks/test_report_benchmark.py --benchmark-only``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from dataset import build  # type: ignore[import-not-found]  # noqa: E402

from rehabtrack.storage.store import Store  # noqa: E402

TODAY = date(2026, 11, 24)
WEEKS = 52
GOAL_SECONDS = 1.5


@pytest.fixture(scope="module")
def year_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int]]:
    """The benchmark data set cut to one year: its first patient has every marker, 6 ROM series,
    8 activities, 20 goals and 50 events in 52 weeks."""
    store = build(tmp_path_factory.mktemp("bench") / "data", TODAY, weeks=WEEKS)
    yield store, store.patients()[0].id
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
