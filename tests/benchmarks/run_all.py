"""Measure every figure of issue 9 in one run and print RESULTS.md's machine section and table.

    QT_QPA_PLATFORM=offscreen /tmp/venv/bin/python tests/benchmarks/run_all.py [--json out.json] [--quick]

Builds the 10-year data set in a temporary folder (about 5 s), then measures each figure with its
floor interleaved (see measure.py). ``--quick`` takes fewer repeats (for trying the script out).
Takes about 3 minutes on the 2-core reference machine, plus a few for the 50 MB CSV import. For the
one-core figures run the whole script under ``taskset -c 0``: every process it starts (the start-up
and CSV probes) inherits the one core, floors and app alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402
import measure  # noqa: E402


def machine() -> list[str]:
    import pyqtgraph
    import PySide6

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    head = subprocess.run(
        ["git", "-C", str(measure.REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(measure.REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (shared with other test runs; load average at start "
        f"{', '.join(f'{x:.2f}' for x in load) if load else 'n/a'})",
        f"- {platform.platform()}; Python {platform.python_version()}; PySide6 {PySide6.__version__}; "
        f"pyqtgraph {pyqtgraph.__version__}; QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}",
        f"- code: {head}{' + uncommitted changes' if dirty else ''}; run on {date.today().isoformat()}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="also write every raw number here")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    quick = args.quick

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    today = date.today()
    lines = machine()
    figures = []
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        print("building the 10-year data set…", file=sys.stderr)
        dataset.build(data_dir, today).close()
        steps = [
            lambda: measure.first_paint(rounds=3 if quick else 9),
            lambda: measure.startup_to_dashboard(data_dir=data_dir, rounds=2 if quick else 5),
            lambda: measure.save_checkin(data_dir=data_dir, saves=50 if quick else 200),
            lambda: measure.dashboard_redraw(data_dir=data_dir, today=today, rounds=5 if quick else 15),
            lambda: measure.dashboard_after_save(data_dir=data_dir, today=today, rounds=5 if quick else 15),
            lambda: measure.report_pdf(),
            lambda: measure.csv_import(data_dir=data_dir, rounds=3 if quick else 7),
            lambda: measure.csv_import_large(data_dir=data_dir, rounds=1 if quick else 3),
            lambda: measure.peak_memory(data_dir=data_dir, rounds=1 if quick else 3),
        ]
        for step in steps:
            figure = step()
            print(f"{figure.what}: {figure.value} ({figure.verdict})", file=sys.stderr)
            figures.append(figure)
    del app
    print("## Machine\n")
    print("\n".join(lines))
    print("\n## Figures\n")
    print("| what | measured as | value | goal | verdict |")
    print("| --- | --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=1, default=str))
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
