"""The Ctrl+S and range-redraw figures timed in the main thread's CPU time instead of wall-clock time.

    QT_QPA_PLATFORM=offscreen /tmp/venv/bin/python tests/benchmarks/cpu_time.py [--only NAME ...]

On a machine shared with other work the wall-clock figures of ``run_all.py`` swing with the load (±15 % at
a load average of 7 on two cores), more than a change being measured may move them. Here the same
measurements (``measure.save_to_dashboard`` and ``measure.dashboard_redraw``: the same interleaving of app
and floor, medians and breakdown) read ``time.thread_time`` instead of ``time.perf_counter``, for app and
floor alike. Offscreen, Qt paints in the main thread, so the paint is counted; waiting is not (the
commit's ``fsync``, and the time the process is not running at all).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import types
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402
import measure  # noqa: E402

STEPS = ("save-to-dashboard", "range-redraw")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=STEPS, default=list(STEPS))
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    measure.time = types.SimpleNamespace(perf_counter=time.thread_time, time=time.time)  # type: ignore[assignment]
    today = date.today()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at start {load}; CPU time of the main thread")
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        dataset.build(data_dir, today).close()
        for name in args.only:
            step = measure.save_to_dashboard if name == "save-to-dashboard" else measure.dashboard_redraw
            figure = step(data_dir=data_dir, today=today, rounds=15)
            print(f"{figure.what} (CPU time): {figure.value}")
            for part, spent in sorted(figure.details.get("breakdown_median_s", {}).items()):
                print(f"  {part}: {spent * 1000:.1f} ms")
    del app


if __name__ == "__main__":
    main()
