"""Issue 19's clinic-scale figures (see clinic.py): opening a patient's dashboard on PostgreSQL ≤ 2× the
same on SQLite, and the patient list with a search ≤ 1.5× a bare SELECT of the same rows. Skipped in
normal runs; run with ``pytest tests/benchmarks/test_clinic_benchmark.py --benchmark-only`` (the
records are built once, about a minute, and kept; the statement counts are tested in every run by
test_clinic_queries.py)."""

from __future__ import annotations

from typing import Any

import clinic  # type: ignore[import-not-found]
import measure  # type: ignore[import-not-found]


def test_clinic_scale(benchmark: Any, postgres_server: Any) -> None:
    # postgres_server: skipped (or failed, in CI) without a server, as every server test
    figures = clinic.clinic_figures()
    benchmark.pedantic(lambda: None, rounds=1)  # the figures are timed by clinic.py, in pairs
    for figure in figures:
        measure.FIGURES.append(figure)
        benchmark.extra_info[figure.what] = f"{figure.value} (goal {figure.goal}: {figure.verdict})"
    missed = [f"{f.what}: {f.value}, goal {f.goal}" for f in figures if not f.met]
    assert not missed, missed
