"""The measurements behind issue 9's table, shared by ``test_benchmarks.py`` and ``run_all.py``.

Every function returns a :class:`Figure` (value, goal, verdict and the raw numbers). The machine has
2 cores shared with other people's test runs, so each figure with a ratio goal is measured against
its floor in the same run, interleaved (floor, app, floor, app, …), as a median of several repeats:
a busy machine slows both sides of a pair alike.

A ``Runner`` runs ``target`` ``rounds`` times, calling ``setup`` (untimed) before each, after
``warmup`` rounds that are not kept, and returns the timed durations. ``plain_runner`` does that with
``time.perf_counter``; ``test_benchmarks.py`` passes pytest-benchmark's ``pedantic`` instead, so
the same code feeds its report.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PROBE = HERE / "startup_probe.py"
CSV_PROBE = HERE / "csv_probe.py"
MB = 1024 * 1024

# Goals from issue 9.
FIRST_PAINT_RATIO = 1.1
DASHBOARD_START_RATIO = 1.2  # issue 18 (issue 9 asked 1.3)
SAVE_P95_MS = 10.0
REDRAW_RATIO = 1.2
RANGE_REDRAW_RATIO = 2.0  # issue 18
REDRAW_MEDIAN_MS = 100.0
REPORT_MEDIAN_S = 1.5
CSV_IMPORT_RATIO = 5.0  # issue 18: both CSV imports against their floor
CSV_LARGE_MB = 50
CSV_PEAK_MB = 300.0
PEAK_RSS_MB = 250.0
# Goals from issue 18.
SAVE_TO_DASHBOARD_RATIO = 4.0
SAVE_TO_DASHBOARD_MS = 30.0

FIGURES: list[Figure] = []  # what test_benchmarks.py measured, printed at the end of the pytest run


class Runner(Protocol):
    def __call__(
        self, target: Callable[[], object], setup: Callable[[], object] | None, rounds: int, warmup: int
    ) -> list[float]: ...


def plain_runner(
    target: Callable[[], object], setup: Callable[[], object] | None, rounds: int, warmup: int
) -> list[float]:
    times = []
    for i in range(warmup + rounds):
        if setup is not None:
            setup()
        start = time.perf_counter()
        target()
        elapsed = time.perf_counter() - start
        if i >= warmup:
            times.append(elapsed)
    return times


@dataclass
class Figure:
    what: str
    measured_as: str
    value: str  # as shown in the table
    goal: str
    met: bool
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return "met" if self.met else "MISSED"

    def row(self) -> str:
        return f"| {self.what} | {self.measured_as} | {self.value} | {self.goal} | {self.verdict} |"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """95th percentile, nearest-rank (with 200 values: the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# Fresh processes -----------------------------------------------------------------------------


def probe_env(config_dir: Path, *, bytecode: bool = False) -> dict[str, str]:
    """The environment of a probe. ``bytecode``: Python may keep the compiled form of our modules
    (``__pycache__``, as any start after the first does, and as a wheel or the bundle ships them) even
    where this environment says not to (``PYTHONDONTWRITEBYTECODE``): the libraries of the floor come
    compiled from their install, and otherwise every start of the app compiled our ~80 modules from
    source (about 0.1 s). The warm-up pair writes them."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(config_dir)  # no saved window size or preferences leak in
    env.pop("REHABTRACK_DATA_DIR", None)
    env["PYTHONPATH"] = str(REPO)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_probe(mode: str, data_dir: Path | None, env: dict[str, str]) -> dict[str, Any]:
    """Start a fresh ``startup_probe.py MODE`` and return its report, with ``seconds`` from start."""
    args = [sys.executable, str(PROBE), mode] + ([str(data_dir)] if data_dir is not None else [])
    started = time.time()
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"probe {mode} failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(lines[-1])
    found["seconds"] = found["t"] - started
    return found


def paired_probes(
    runner: Runner, floor_mode: str, app_mode: str, data_dir: Path | None, rounds: int, warmup: int = 1
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run floor and app probes interleaved; returns the kept (floor, app) reports, pair by pair."""
    floors: list[dict[str, Any]] = []
    apps: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-config-") as config:
        env = probe_env(Path(config), bytecode=warmup > 0)
        runner(
            lambda: apps.append(run_probe(app_mode, data_dir, env)),
            lambda: floors.append(run_probe(floor_mode, data_dir, env)),
            rounds,
            warmup,
        )
    return floors[warmup:], apps[warmup:]


def ratio_figure(
    what: str,
    measured_as: str,
    floors: list[dict[str, Any]],
    apps: list[dict[str, Any]],
    goal: float,
) -> Figure:
    floor_s = [f["seconds"] for f in floors]
    app_s = [a["seconds"] for a in apps]
    ratios = [a / f for a, f in zip(app_s, floor_s, strict=True)]
    ratio = median(ratios)
    return Figure(
        what,
        measured_as,
        f"{ratio:.2f}× ({median(app_s):.2f} s vs floor {median(floor_s):.2f} s)",
        f"≤ {goal}×",
        ratio <= goal,
        {
            "ratio_median_of_pairs": ratio,
            "ratio_of_medians": median(app_s) / median(floor_s),
            "app_s": app_s,
            "floor_s": floor_s,
            "app_report": {k: v for k, v in apps[-1].items() if k not in ("t", "seconds")},
        },
    )


def first_paint(runner: Runner = plain_runner, data_dir: Path | None = None, rounds: int = 9) -> Figure:
    """RehabTrack's first paint (``run_app``) against a bare PySide6 + pyqtgraph window, fresh processes."""
    floors, apps = paired_probes(runner, "bare", "app", data_dir, rounds)
    return ratio_figure(
        "first paint (frame and layout)",
        "ratio to a bare PySide6 + pyqtgraph window with one PlotWidget, fresh processes, "
        f"median of {rounds}",
        floors,
        apps,
        FIRST_PAINT_RATIO,
    )


def startup_to_dashboard(runner: Runner = plain_runner, *, data_dir: Path, rounds: int = 5) -> Figure:
    """Process start until the dashboard tab shows the 10-year patient's charts, against the floor."""
    floors, apps = paired_probes(runner, "floor", "dashboard", data_dir, rounds)
    figure = ratio_figure(
        "start-up to the dashboard showing 10 years",
        f"ratio to bare window + `import sqlmodel` + one query, fresh processes, median of {rounds}",
        floors,
        apps,
        DASHBOARD_START_RATIO,
    )
    report = figure.details["app_report"]
    assert report["dashboard_shown"] and report["weeks"] >= 520, report
    return figure


def peak_memory(*, data_dir: Path, rounds: int = 3) -> Figure:
    """Peak RSS (ru_maxrss) of a fresh app process: dashboard open on 10 years, every group shown at "All"."""
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-config-") as config:
        env = probe_env(Path(config))
        dashboards = [run_probe("dashboard", data_dir, env)["maxrss_mb"] for _ in range(rounds)]
        browsing = [run_probe("memory", data_dir, env)["maxrss_mb"] for _ in range(rounds)]
        bare = [run_probe("bare", None, env)["maxrss_mb"] for _ in range(rounds)]
    peak = median(browsing)
    return Figure(
        "peak memory, 10-year data set open",
        f"peak RSS (VmHWM) of a fresh process, median of {rounds}: dashboard shown / every chart group shown",
        f"{median(dashboards):.0f} MB / {peak:.0f} MB (bare window {median(bare):.0f} MB)",
        f"< {PEAK_RSS_MB:.0f} MB",
        peak < PEAK_RSS_MB,
        {"dashboard_mb": dashboards, "all_groups_mb": browsing, "bare_window_mb": bare},
    )


# In this process -----------------------------------------------------------------------------


def copy_data(data_dir: Path, into: Path) -> Path:
    target = into / "data"
    shutil.copytree(data_dir, target, ignore=shutil.ignore_patterns("*.lock"))
    return target


def save_checkin(runner: Runner = plain_runner, *, data_dir: Path, saves: int = 200) -> Figure:
    """``Store.save_entry`` of this week's check-in (validate + commit) into a copy of the 10-year database.

    Before each save (untimed) the week is deleted, so every timed save writes a new check-in, as on
    the first save of a week.
    """
    from rehabtrack.core.model import NEW
    from rehabtrack.storage.store import open_store

    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-save-") as tmp:
        store = open_store(copy_data(data_dir, Path(tmp)))
        try:
            patient_id = store.patients()[0].id
            assert patient_id is not None
            latest = store.entries(patient_id)[-1]
            entry = replace(latest, id=None, version=NEW, notes="Saved by the benchmark")  # a new week
            with store.engine.connect() as conn:
                journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            times = runner(
                lambda: store.save_entry(patient_id, entry),
                lambda: store.delete_entry(patient_id, entry.week),
                saves,
                5,
            )
            assert store.entry(patient_id, entry.week) is not None
        finally:
            store.close()
    return Figure(
        "saving a check-in (validate + commit)",
        f"`Store.save_entry` into the 10-year database, {len(times)} saves, journal_mode={journal}",
        f"median {ms(median(times))}, p95 {ms(p95(times))}",
        f"p95 < {SAVE_P95_MS:.0f} ms",
        p95(times) * 1000 < SAVE_P95_MS,
        {"times_s": times, "journal_mode": journal, "synchronous": synchronous},
    )


def export_ten_years(data_dir: Path, into: Path) -> tuple[Path, int]:
    """The 10-year data set (3 patients) exported as CSV by the app; (file, rows)."""
    from rehabtrack.storage.csv_io import export_csv
    from rehabtrack.storage.store import open_store

    source = open_store(copy_data(data_dir, into))
    try:
        csv_path = into / "ten-years.csv"
        rows = export_csv(source, csv_path, [p.id or 0 for p in source.patients()])
    finally:
        source.close()
    shutil.rmtree(into / "data")
    return csv_path, rows


def large_csv(ten_years: Path, out: Path, megabytes: float) -> int:
    """At least ``megabytes`` of CSV: the 10-year file's rows again and again, each copy under other
    patient names ("Name 002"); returns the rows written."""
    lines = ten_years.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    assert header.startswith("patient,") and all(not r.startswith(('"', ",")) for r in rows), header
    copies = 0
    with out.open("w", encoding="utf-8", newline="") as file:
        file.write(header)
        while file.tell() < megabytes * MB:
            copies += 1
            file.writelines(r.replace(",", f" {copies:03d},", 1) for r in rows)
    return copies * len(rows)


def run_csv_probe(mode: str, csv_path: Path, work: Path) -> dict[str, Any]:
    """``csv_probe.py MODE`` on a new data folder in ``work`` (removed afterwards)."""
    data = Path(tempfile.mkdtemp(dir=work))
    try:
        done = subprocess.run(
            [sys.executable, str(CSV_PROBE), mode, str(csv_path), str(data / "data")],
            capture_output=True,
            text=True,
            timeout=1800,
            env=probe_env(work),
            check=False,
        )
    finally:
        shutil.rmtree(data, ignore_errors=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"csv probe {mode} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(lines[-1])
    return found


def csv_figure(
    runner: Runner,
    what: str,
    csv_path: Path,
    work: Path,
    rows: int,
    rounds: int,
    memory_goal: bool,
    warmup: int = 1,
) -> Figure:
    """App and floor imports of ``csv_path`` in fresh processes, interleaved (``warmup`` pairs first,
    not kept)."""
    floors: list[dict[str, Any]] = []
    flats: list[dict[str, Any]] = []  # for comparison: the rows as text into one table of the columns
    apps: list[dict[str, Any]] = []

    def floors_first() -> None:
        flats.append(run_csv_probe("flat", csv_path, work))
        floors.append(run_csv_probe("floor", csv_path, work))

    runner(lambda: apps.append(run_csv_probe("app", csv_path, work)), floors_first, rounds, warmup)
    floors, flats, apps = floors[warmup:], flats[warmup:], apps[warmup:]
    assert all(r["weeks"] == rows for r in floors + apps + flats), (rows, floors, apps, flats)
    flat_s = [f["seconds"] for f in flats]
    app_s = [a["seconds"] for a in apps]
    floor_s = [f["seconds"] for f in floors]
    ratio = median([a / f for a, f in zip(app_s, floor_s, strict=True)])
    peak = max(a["peak_mb"] for a in apps)
    size = csv_path.stat().st_size / MB
    value = (
        f"{ratio:.2f}× ({median(app_s):.2f} s vs floor {median(floor_s):.2f} s; "
        f"{median(app_s) / median(flat_s):.1f}× the one-table floor of {median(flat_s):.2f} s)"
    )
    goal = f"≤ {CSV_IMPORT_RATIO:g}×"
    met = ratio <= CSV_IMPORT_RATIO
    if memory_goal:
        value += f"; peak memory {peak:.0f} MB"
        goal += f"; ≤ {CSV_PEAK_MB:.0f} MB"
        met = met and peak <= CSV_PEAK_MB
    return Figure(
        what,
        f"`import_csv` of {rows} weeks ({size:.1f} MB) into a new database vs `csv` + "
        "`sqlite3.executemany` of the same rows into the same tables (WAL, synchronous=FULL, one "
        f"transaction), fresh processes, interleaved, median of {len(apps)}; beside it the file's rows "
        "as text into one table of its columns",
        value,
        goal,
        met,
        {
            "ratio_median_of_pairs": ratio,
            "app_s": app_s,
            "floor_s": floor_s,
            "app_peak_mb": [a["peak_mb"] for a in apps],
            "floor_peak_mb": [f["peak_mb"] for f in floors],
            "one_table_floor_s": flat_s,
            "rows": rows,
            "csv_mb": size,
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        },
    )


def csv_import(runner: Runner = plain_runner, *, data_dir: Path, rounds: int = 7) -> Figure:
    """``import_csv`` of 10 years × 3 patients (exported from the data set) into a new database,
    against its floor (``csv_probe.py``)."""
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-csv-") as tmp:
        csv_path, rows = export_ten_years(data_dir, Path(tmp))
        assert rows == 3 * 520, rows
        what = "CSV import, 10 years × 3 patients"
        return csv_figure(runner, what, csv_path, Path(tmp), rows, rounds, False)


def csv_import_large(
    runner: Runner = plain_runner, *, data_dir: Path, rounds: int = 3, megabytes: float = CSV_LARGE_MB
) -> Figure:
    """``import_csv`` of a 50 MB file (the 10-year rows under many patient names), against its floor,
    with the import's peak memory."""
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-csv-") as tmp:
        ten_years, _ = export_ten_years(data_dir, Path(tmp))
        csv_path = Path(tmp) / "large.csv"
        rows = large_csv(ten_years, csv_path, megabytes)
        # No warm-up pair: each import is long, and the file, just written, is in the page cache.
        what = f"CSV import, {megabytes:g} MB"
        return csv_figure(runner, what, csv_path, Path(tmp), rows, rounds, True, warmup=0)


class RedrawBench:
    """The dashboard on one patient's ten years, beside its floor: as many bare PlotWidgets as the
    shown chart group has charts, each with the same points, in a scroll area of the same size.

    ``paints`` counts the ``Paint`` events of the charts' and the bare plots' viewports, to show that
    every timed change was painted (offscreen, Qt paints inside ``processEvents()``, and only what is
    on screen: the charts scrolled out of view are not painted, on either side).
    """

    def __init__(self, store: Any, today: date, dashboard: Any = None) -> None:
        """``dashboard``: one already on screen (in the main window, say); by default one is made."""
        import pyqtgraph as pg
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication, QGridLayout, QScrollArea, QWidget

        from rehabtrack.charts.marker_chart import timestamp
        from rehabtrack.ui.patient_session import PatientSession
        from rehabtrack.ui.views.dashboard import CHART_COLUMNS, CHART_MIN_HEIGHT, Dashboard

        self.app: Any = QApplication.instance() or QApplication([])
        self.store, self.today = store, today
        self.patient_id = store.patients()[0].id or 0
        if dashboard is None:
            dashboard = Dashboard(PatientSession.open(store, self.patient_id, today))
            dashboard.resize(1200, 760)
            dashboard.show()
        self.dashboard: Any = dashboard
        self.app.processEvents()
        self.charts = self.dashboard.visible_charts()
        self.keys = self.dashboard.data.chart_groups[self.dashboard.visible_group() or ""]
        self.timestamp = timestamp

        self.floor: Any = QScrollArea()
        self.floor.setWidgetResizable(True)
        page = QWidget()
        grid = QGridLayout(page)
        self.plots: list[Any] = []
        self.curves: list[Any] = []
        for i, key in enumerate(self.keys):
            plot = pg.PlotWidget()
            plot.setMinimumHeight(CHART_MIN_HEIGHT)
            self.curves.append(plot.plot(*self.points(key)))
            grid.addWidget(plot, i // CHART_COLUMNS, i % CHART_COLUMNS)
            self.plots.append(plot)
        grid.setRowStretch(grid.rowCount(), 1)
        self.floor.setWidget(page)
        self.floor.resize(self.dashboard.chart_area.size())
        self.floor.show()
        self.app.processEvents()

        self.paints = {"dashboard": 0, "floor": 0}
        views = {chart.viewport(): "dashboard" for chart in self.charts}
        views.update({plot.viewport(): "floor" for plot in self.plots})
        paints = self.paints

        class PaintCounter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 (Qt's name)
                if event.type() == QEvent.Type.Paint and obj in views:
                    paints[views[obj]] += 1
                return False

        self.counter = PaintCounter()
        self.app.installEventFilter(self.counter)

    def points(self, key: str, entries: Any = None) -> tuple[list[float], list[float]]:
        """The points of series ``key``: as the dashboard has them, or from ``entries``."""
        from rehabtrack.core.measure_series import any_series

        data = self.dashboard.data
        if entries is None:
            series = data.series(key)
        else:
            series = any_series(key, entries, data.activities, data.results)
        return [self.timestamp(p.week) for p in series.points], [p.value for p in series.points]

    def on_screen(self) -> int:
        """Charts the scroll area actually shows, whole or in part."""
        from PySide6.QtCore import QPoint, QRect

        viewport = self.dashboard.chart_area.viewport()
        return sum(
            1
            for c in self.charts
            if QRect(c.mapTo(viewport, QPoint(0, 0)), c.size()).intersects(viewport.rect())
        )

    def measure(
        self, runner: Runner, target: Callable[[], object], setup: Callable[[], object], rounds: int
    ) -> tuple[list[float], dict[str, int]]:
        """Time ``target`` after ``setup`` (two warm-up rounds), then close; with the charts' counts."""
        times = runner(target, setup, rounds, 2)
        counts = {
            "charts_in_group": len(self.charts),
            "charts_on_screen": self.on_screen(),
            "plots": len(self.plots),
        }
        self.close()
        return times, counts

    def close(self) -> None:
        self.app.removeEventFilter(self.counter)
        for widget in (self.floor, self.dashboard.window()):
            widget.close()
            widget.deleteLater()
        self.app.processEvents()


def redraw_figure(
    what: str,
    measured_as: str,
    app_times: list[float],
    floor_times: list[float],
    paints_per_change: dict[str, list[int]],
    extra: dict[str, Any],
    ratio_goal: float = REDRAW_RATIO,
    ms_goal: float | None = REDRAW_MEDIAN_MS,
) -> Figure:
    assert min(paints_per_change["dashboard"]) > 0 and min(paints_per_change["floor"]) > 0, paints_per_change
    ratio = median([a / f for a, f in zip(app_times, floor_times, strict=True)])
    app_median = median(app_times)
    return Figure(
        what,
        measured_as,
        f"{ratio:.2f}×; median {ms(app_median)} (floor {ms(median(floor_times))})",
        f"≤ {ratio_goal:g}×" + (f"; < {ms_goal:.0f} ms" if ms_goal is not None else ""),
        ratio <= ratio_goal and (ms_goal is None or app_median * 1000 < ms_goal),
        {
            "ratio_median_of_pairs": ratio,
            "app_s": app_times,
            "floor_s": floor_times,
            "chart_paints_per_change": {k: median(v) for k, v in paints_per_change.items()},
            **extra,
        },
    )


def dashboard_redraw(
    runner: Runner = plain_runner, *, data_dir: Path, today: date, rounds: int = 15
) -> Figure:
    """``Dashboard.set_range("All")`` and the repaint of its chart area, against the bare plots'
    ``setXRange`` to the same span and their repaint.

    Each round first goes back to "1 year" (untimed), then times the floor's change to all ten years,
    then the dashboard's: the change, then ``processEvents()``, in which Qt repaints what the change
    made dirty and is on screen. An explicit ``repaint()`` would paint nothing more here: offscreen,
    the paint has already happened.
    """
    from rehabtrack.charts.marker_chart import range_for
    from rehabtrack.storage.store import open_store

    store = open_store(data_dir)
    try:
        bench = RedrawBench(store, today)
        dashboard, app = bench.dashboard, bench.app
        first = dashboard.data.first_week()

        def floor_to(preset: str) -> None:
            start, end = range_for(preset, today, first)
            for plot in bench.plots:
                plot.setXRange(bench.timestamp(start), bench.timestamp(end), padding=0)
            app.processEvents()

        def dashboard_to(preset: str) -> None:
            dashboard.set_range(preset)
            app.processEvents()

        floor_times: list[float] = []
        paints: dict[str, list[int]] = {"dashboard": [], "floor": []}

        def setup() -> None:
            dashboard_to("1 year")
            floor_to("1 year")
            bench.paints["floor"] = 0
            start = time.perf_counter()
            floor_to("All")
            floor_times.append(time.perf_counter() - start)
            paints["floor"].append(bench.paints["floor"])
            bench.paints["dashboard"] = 0

        def target() -> None:
            dashboard_to("All")
            paints["dashboard"].append(bench.paints["dashboard"])

        app_times, counts = bench.measure(runner, target, setup, rounds)
    finally:
        store.close()
    return redraw_figure(
        "dashboard redraw after a range change, 10 years",
        f"`set_range('All')` + Qt's repaint of the charts on screen ({counts['charts_on_screen']} of "
        f"{counts['charts_in_group']}) vs {counts['plots']} bare PlotWidgets with the same points, "
        f"interleaved, median of {len(app_times)}",
        app_times,
        floor_times[2:],
        paints,
        counts,
        ratio_goal=RANGE_REDRAW_RATIO,
        ms_goal=None,
    )


def dashboard_after_save(
    runner: Runner = plain_runner, *, data_dir: Path, today: date, rounds: int = 15
) -> Figure:
    """A check-in saved, then the dashboard brought up to date, against the bare plots given the new
    points (``setData``) and repainted.

    Each round (untimed) saves this week's check-in with another pain score into a copy of the
    database and reads the weeks back, as the main window does after a save; then the floor's update
    is timed, then the dashboard's ``refresh`` (goals panel, chart groups, the charts on screen) and
    the repaint. The read back is reported beside the figure: the floor has no database to read.
    """
    from rehabtrack.storage.store import open_store

    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-save-") as tmp:
        store = open_store(copy_data(data_dir, Path(tmp)))
        try:
            bench = RedrawBench(store, today)
            dashboard, app = bench.dashboard, bench.app
            latest = store.entries(bench.patient_id)[-1]
            floor_times: list[float] = []
            read_times: list[float] = []
            paints: dict[str, list[int]] = {"dashboard": [], "floor": []}
            fresh: list[Any] = []
            saves = [0]

            def setup() -> None:
                saves[0] += 1
                pain = float(saves[0] % 10)
                changed = replace(latest, values={**latest.values, "pain": pain}, version=None)  # unchecked
                store.save_entry(bench.patient_id, changed)
                start = time.perf_counter()
                fresh[:] = [store.entries(bench.patient_id)]
                read_times.append(time.perf_counter() - start)
                points = [bench.points(key, fresh[0]) for key in bench.keys]
                bench.paints["floor"] = 0
                start = time.perf_counter()
                for curve, (xs, ys) in zip(bench.curves, points, strict=True):
                    curve.setData(xs, ys)
                app.processEvents()
                floor_times.append(time.perf_counter() - start)
                paints["floor"].append(bench.paints["floor"])
                bench.paints["dashboard"] = 0

            def target() -> None:
                dashboard.refresh(fresh[0])
                app.processEvents()
                paints["dashboard"].append(bench.paints["dashboard"])

            app_times, counts = bench.measure(runner, target, setup, rounds)
        finally:
            store.close()
    read = median(read_times[2:])
    return redraw_figure(
        "dashboard redraw after a saved check-in, 10 years",
        f"`refresh()` (goals panel, chart groups, the {counts['charts_on_screen']} charts on screen of "
        f"{counts['charts_in_group']}) + Qt's repaint vs {counts['plots']} bare PlotWidgets given the same "
        f"points, interleaved, median of {len(app_times)}; reading the weeks back after the save: "
        f"{ms(read)} more",
        app_times,
        floor_times[2:],
        paints,
        {**counts, "read_back_s": read_times[2:]},
    )


class Stopwatch:
    """Adds up the time spent in some methods of some objects (patched on the instances), per round."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.rounds: list[dict[str, float]] = []

    def watch(self, name: str, owner: Any, method: str) -> None:
        original = getattr(owner, method)
        spent = self.spent

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        setattr(owner, method, timed)

    def next_round(self) -> None:
        self.rounds.append(dict(self.spent))
        self.spent.clear()

    def medians(self, skip: int = 0) -> dict[str, float]:
        kept = self.rounds[skip:]
        names = {name for spent in kept for name in spent}
        return {name: median([spent.get(name, 0.0) for spent in kept]) for name in sorted(names)}


def save_to_dashboard(
    runner: Runner = plain_runner, *, data_dir: Path, today: date, rounds: int = 15
) -> Figure:
    """Ctrl+S on this week's check-in until the dashboard on screen shows the saved week, everything
    included, against 20 bare PlotWidgets given the same points (``setData``) and repainted.

    The real main window on a copy of the 10-year database, the Dashboard tab shown. This week is
    removed from the copy first, so every timed save is the week's first, as on a Monday: a new point
    at the end of every series, so every chart on screen is redrawn. Each round (untimed) undoes the
    previous save and fills the form with "Same as last week" (angles too) and another pain score;
    then the floor's update is timed; then ``CheckInForm.save()`` (what Ctrl+S runs: validate, the
    sign check, the undoable save, the form, history and recurrence watch brought up to date,
    ``Dashboard.apply``) and the ``processEvents()`` in which Qt repaints the charts on screen.
    """
    from PySide6.QtWidgets import QApplication

    from rehabtrack.charts.marker_chart import timestamp
    from rehabtrack.core.measure_series import any_series
    from rehabtrack.core.weeks import week_start
    from rehabtrack.storage.store import open_store
    from rehabtrack.ui.shell.main_window import MainWindow

    this_week = week_start(today)
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-ctrl-s-") as tmp:
        copied = copy_data(data_dir, Path(tmp))
        store = open_store(copied)
        patient_id = store.patients()[0].id or 0
        store.delete_entry(patient_id, this_week)
        window: Any = MainWindow(lambda: store, today)
        window.resize(1200, 820)
        window.show()
        window.load()
        window.tabs.setCurrentWidget(window.dashboard)
        for _ in range(3):  # the charts on screen are drawn one event-loop turn after they are shown
            QApplication.processEvents()
        try:
            bench = RedrawBench(store, today, window.dashboard)
            app, form, dashboard = bench.app, window.checkin, window.dashboard
            form.copy_rom.setChecked(True)
            watch = Stopwatch()
            watch.watch("store.save_entry", store, "save_entry")
            watch.watch("check-in form brought up to date", form, "_show_stored")
            watch.watch("history table", window, "_show_history")
            watch.watch("recurrence watch", window, "_show_watch")
            watch.watch("Dashboard.apply", dashboard, "apply")
            watch.watch("Dashboard.apply: goals panel rows", dashboard.goals_panel, "update_goals")
            watch.watch("Dashboard.apply: charts redrawn (set_data, painted in it)", dashboard, "_draw")
            watch.watch("store.entry (one week read back)", store, "entry")
            watch.watch("store.activities", store, "activities")
            floor_times: list[float] = []
            paints: dict[str, list[int]] = {"dashboard": [], "floor": []}
            saves = [0]

            shown: list[date] = []

            def check_shown() -> None:
                """The charts on screen show the week just saved (their last point)."""
                page = dashboard._pages[dashboard.visible_group()]
                shown.extend(page.chart(i).plotted_points()[0][-1] for i in sorted(page.drawn))

            def setup() -> None:
                if window.session.undo_stack.canUndo():
                    check_shown()
                    window.session.undo_stack.undo()
                app.processEvents()
                assert form.week == this_week  # the form stays on the week, as after a save and an undo
                assert form.copy_last_week()
                saves[0] += 1
                form._fields["pain"].widget.set_value(float(saves[0] % 10))
                app.processEvents()
                entries = [*store.entries(patient_id), form.entry()]
                data = dashboard.data
                points = []
                for key in bench.keys:
                    series = any_series(key, entries, data.activities, data.results)
                    points.append(
                        ([timestamp(p.week) for p in series.points], [p.value for p in series.points])
                    )
                bench.paints["floor"] = 0
                start = time.perf_counter()
                for curve, (xs, ys) in zip(bench.curves, points, strict=True):
                    curve.setData(xs, ys)
                app.processEvents()
                floor_times.append(time.perf_counter() - start)
                paints["floor"].append(bench.paints["floor"])
                bench.paints["dashboard"] = 0
                watch.spent.clear()

            def target() -> None:
                start = time.perf_counter()
                assert form.save()
                watch.spent["save() in all"] = time.perf_counter() - start
                app.processEvents()
                paints["dashboard"].append(bench.paints["dashboard"])
                watch.next_round()

            app_times, counts = bench.measure(runner, target, setup, rounds)
            assert shown and all(week == this_week for week in shown), shown
        finally:
            store.close()
    breakdown = watch.medians(skip=2)
    breakdown["paint (processEvents)"] = median(app_times) - breakdown.get("save() in all", 0.0)
    ratio = median([a / f for a, f in zip(app_times, floor_times[2:], strict=True)])
    app_median = median(app_times)
    assert min(paints["dashboard"][2:]) > 0 and min(paints["floor"]) > 0, paints
    return Figure(
        "Ctrl+S to the dashboard showing the saved week, 10 years",
        f"`CheckInForm.save()` of this week's first check-in in the main window, Dashboard tab shown "
        f"(save, read back, history, goals panel, the {counts['charts_on_screen']} charts on screen of "
        f"{counts['charts_in_group']} redrawn) + Qt's repaint vs {counts['plots']} bare PlotWidgets given "
        f"the same points, interleaved, median of {len(app_times)}",
        f"{ratio:.2f}×; median {ms(app_median)} (floor {ms(median(floor_times[2:]))})",
        f"≤ {SAVE_TO_DASHBOARD_RATIO:g}× and < {SAVE_TO_DASHBOARD_MS:.0f} ms",
        ratio <= SAVE_TO_DASHBOARD_RATIO and app_median * 1000 < SAVE_TO_DASHBOARD_MS,
        {
            "ratio_median_of_pairs": ratio,
            "app_s": app_times,
            "floor_s": floor_times[2:],
            "chart_paints_per_change": {k: median(v) for k, v in paints.items()},
            "breakdown_median_s": breakdown,
            **counts,
        },
    )


def report_pdf(rounds_note: str = "median of 7") -> Figure:
    """Runs the (separately owned) ``test_report_benchmark.py`` and reads its median."""
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-report-") as tmp:
        out = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                str(HERE / "test_report_benchmark.py"),
                "--benchmark-only",
                f"--benchmark-json={out}",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            check=False,
            timeout=600,
        )
        if not out.exists():
            raise RuntimeError(f"report benchmark failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        stats = json.loads(out.read_text())["benchmarks"][0]["stats"]
    value = float(stats["median"])
    return Figure(
        "progress PDF, 52 weeks, all sections",
        f"`test_report_benchmark.py` (build + write), {rounds_note}",
        f"median {value:.2f} s",
        f"< {REPORT_MEDIAN_S} s",
        value < REPORT_MEDIAN_S,
        {"median_s": value, "min_s": stats["min"], "max_s": stats["max"], "pytest_rc": done.returncode},
    )
