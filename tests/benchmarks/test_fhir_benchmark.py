"""Issue 20: a validated FHIR export of 10 years takes at most 1.5× what ``fhir.resources`` alone needs
to validate the same resources (see fhir_bench.py). Skipped in normal runs; run with
``pytest tests/benchmarks/test_fhir_benchmark.py --benchmark-only``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import fhir_bench  # type: ignore[import-not-found]
from test_benchmarks import check  # type: ignore[import-not-found]


def test_fhir_export(benchmark: Any, runner: Any, ten_years: tuple[Path, date]) -> None:
    check(benchmark, fhir_bench.fhir_export(runner, data_dir=ten_years[0]))
