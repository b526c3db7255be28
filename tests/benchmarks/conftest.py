"""Fixtures for the benchmarks: the 10-year data set, built once per session and only when a
benchmark asks for it (``pytest`` runs with ``--benchmark-skip`` by default, so it is never built
in a normal run)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def ten_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, date]:
    """(data folder, today) of the benchmark data set: 10 years × 3 patients; the store is closed."""
    from dataset import build  # type: ignore[import-not-found]

    today = date.today()  # run_app has no "today": the data set ends this week, as the app sees it
    data_dir = tmp_path_factory.mktemp("ten-years") / "data"
    build(data_dir, today).close()
    return data_dir, today


@pytest.fixture
def runner(benchmark: Any) -> Callable[..., list[float]]:
    """A ``measure.Runner`` on pytest-benchmark's ``pedantic``: its statistics are the timed side."""

    def run(
        target: Callable[[], object], setup: Callable[[], object] | None, rounds: int, warmup: int
    ) -> list[float]:
        def quiet_setup() -> None:  # pedantic takes a setup's return value as arguments
            if setup is not None:
                setup()

        benchmark.pedantic(target, setup=quiet_setup, rounds=rounds, warmup_rounds=warmup, iterations=1)
        return list(benchmark.stats.stats.data)

    return run


def pytest_terminal_summary(terminalreporter: Any) -> None:
    import sys

    measure = sys.modules.get("measure")  # imported only when a benchmark ran
    if measure is not None and measure.FIGURES:
        terminalreporter.section("issue 9 figures")
        terminalreporter.write_line("| what | measured as | value | goal | verdict |")
        for figure in measure.FIGURES:
            terminalreporter.write_line(figure.row())
