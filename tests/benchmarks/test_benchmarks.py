"""Issue 9: RehabTrack measured against the floor the toolkit sets (see RESULTS.md).

Skipped in normal runs (``--benchmark-skip`` is in pyproject's addopts). Run with::

    /tmp/venv/bin/python -m pytest tests/benchmarks --benchmark-only

or ``python tests/benchmarks/run_all.py``, which prints the table for RESULTS.md. Each test fails when
its goal is missed; the figure, goal and raw numbers are in pytest-benchmark's ``extra_info``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import measure  # type: ignore[import-not-found]  # noqa: E402

TenYears = tuple[Path, date]


def check(benchmark: Any, figure: Any) -> None:
    measure.FIGURES.append(figure)
    benchmark.extra_info.update(
        {"value": figure.value, "goal": figure.goal, "verdict": figure.verdict, **figure.details}
    )
    assert figure.met, f"{figure.what}: {figure.value}, goal {figure.goal}"


def test_first_paint(benchmark: Any, runner: Any) -> None:
    check(benchmark, measure.first_paint(runner))


def test_startup_to_dashboard(benchmark: Any, runner: Any, ten_years: TenYears) -> None:
    check(benchmark, measure.startup_to_dashboard(runner, data_dir=ten_years[0]))


def test_save_checkin(benchmark: Any, runner: Any, ten_years: TenYears) -> None:
    check(benchmark, measure.save_checkin(runner, data_dir=ten_years[0]))


def test_dashboard_redraw(benchmark: Any, runner: Any, ten_years: TenYears, qapp: Any) -> None:
    check(benchmark, measure.dashboard_redraw(runner, data_dir=ten_years[0], today=ten_years[1]))


def test_dashboard_after_save(benchmark: Any, runner: Any, ten_years: TenYears, qapp: Any) -> None:
    check(benchmark, measure.dashboard_after_save(runner, data_dir=ten_years[0], today=ten_years[1]))


def test_save_to_dashboard(benchmark: Any, runner: Any, ten_years: TenYears, qapp: Any) -> None:
    check(benchmark, measure.save_to_dashboard(runner, data_dir=ten_years[0], today=ten_years[1]))


def test_csv_import(benchmark: Any, runner: Any, ten_years: TenYears) -> None:
    check(benchmark, measure.csv_import(runner, data_dir=ten_years[0]))


def test_csv_import_large(benchmark: Any, runner: Any, ten_years: TenYears) -> None:
    check(benchmark, measure.csv_import_large(runner, data_dir=ten_years[0]))


def test_peak_memory(benchmark: Any, ten_years: TenYears) -> None:
    figure = benchmark.pedantic(measure.peak_memory, kwargs={"data_dir": ten_years[0]}, rounds=1)
    check(benchmark, figure)
