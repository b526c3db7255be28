"""Measure every figure of issues 9, 18 and 19 in one run and print RESULTS.md's machine section and table.

    QT_QPA_PLATFORM=offscreen /tmp/venv/bin/python tests/benchmarks/run_all.py [--json out.json] [--quick]
        [--one-core] [--only NAME ...]

Builds the 10-year data set in a temporary folder (about 5 s), then measures each figure with its
floor interleaved (see measure.py). ``--quick`` takes fewer repeats (for trying the script out).
``--one-core`` runs everything on one CPU (the old-laptop case of issue 18), floors included: the
same as starting the script under ``taskset -c 0``; the start-up and CSV probes inherit it. After the
table it prints each goal of issue 18 as met, missed or not measured in this run. ``--only`` measures
only the named figures (e.g. ``--only range-redraw startup``). ``--only clinic`` measures issue 19's
clinic-scale figures (PostgreSQL against SQLite; the records are kept between runs, see clinic.py).
Takes about 3 minutes on the 2-core reference machine, plus about 10 for the 50 MB CSV import
(``--only csv-import csv-import-large`` for the CSV figures alone).
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

import clinic  # noqa: E402
import dataset  # noqa: E402
import fhir_bench  # noqa: E402
import measure  # noqa: E402

STEPS = (
    "first-paint",
    "startup",
    "save",
    "range-redraw",
    "save-redraw",
    "save-to-dashboard",
    "pdf",
    "csv-import",
    "csv-import-large",
    "memory",
    "fhir-export",
    "clinic",
)


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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    pinned = f"; this run on {cores} of them" if cores != os.cpu_count() else ""
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores{pinned} (shared with other test runs; load average at start "
        f"{', '.join(f'{x:.2f}' for x in load) if load else 'n/a'})",
        f"- {platform.platform()}; Python {platform.python_version()}; PySide6 {PySide6.__version__}; "
        f"pyqtgraph {pyqtgraph.__version__}; QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}",
        f"- code: {head}{' + uncommitted changes' if dirty else ''}; run on {date.today().isoformat()}",
    ]


# Issue 18's goals and the figure (by the start of its ``what``) that measures each.
ISSUE_18 = (
    ("CSV import, 10 years × 3 patients: ≤ 5× csv + sqlite3.executemany", "CSV import, 10 years"),
    ("CSV import, 50 MB: ≤ 5× the same floor, peak memory ≤ 300 MB", "CSV import, 50 MB"),
    ("Ctrl+S to the dashboard showing the saved week: ≤ 4× and < 30 ms", "Ctrl+S to the dashboard"),
    ("start-up to the dashboard showing 10 years: ≤ 1.2×", "start-up to the dashboard"),
    ("range-change redraw, 10 years: ≤ 2×", "dashboard redraw after a range change"),
)


def issue_18_verdicts(figures: list[measure.Figure], one_core: bool) -> list[str]:
    """One line per goal of issue 18: the figure's value and verdict, or that this run did not measure it."""
    lines = []
    ratios_met = []
    for goal, what in ISSUE_18:
        found = next((f for f in figures if f.what.startswith(what)), None)
        if found is None:
            lines.append(f"- {goal}: not measured in this run")
            continue
        lines.append(f"- {goal}: {found.value} — {found.verdict}")
        ratios_met.append(found.met)
    if one_core:
        every = "met" if ratios_met and all(ratios_met) else "MISSED"
        lines.append(f"- every figure again on one core, same ratios: {every} (this run was on one core)")
    else:
        lines.append("- every figure again on one core, same ratios: run again with --one-core")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="also write every raw number here")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument(
        "--one-core", action="store_true", help="run every figure and floor on one CPU (as `taskset -c 0`)"
    )
    parser.add_argument("--only", nargs="+", choices=STEPS, metavar="NAME", help=", ".join(STEPS))
    parser.add_argument(
        "--rebuild-clinic", action="store_true", help="build the kept clinic records again (see clinic.py)"
    )
    args = parser.parse_args()
    quick = args.quick
    if args.one_core:
        # before Qt starts a thread; the start-up probes (child processes) inherit it
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    today = date.today()
    lines = machine()
    figures = []
    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        print("building the 10-year data set…", file=sys.stderr)
        dataset.build(data_dir, today).close()
        rounds, day = 5 if quick else 15, {"data_dir": data_dir, "today": today}
        steps = {
            "first-paint": lambda: measure.first_paint(rounds=3 if quick else 9),
            "startup": lambda: measure.startup_to_dashboard(data_dir=data_dir, rounds=2 if quick else 5),
            "save": lambda: measure.save_checkin(data_dir=data_dir, saves=50 if quick else 200),
            "range-redraw": lambda: measure.dashboard_redraw(**day, rounds=rounds),
            "save-redraw": lambda: measure.dashboard_after_save(**day, rounds=rounds),
            "save-to-dashboard": lambda: measure.save_to_dashboard(**day, rounds=rounds),
            "pdf": lambda: measure.report_pdf(),
            "csv-import": lambda: measure.csv_import(data_dir=data_dir, rounds=3 if quick else 7),
            "csv-import-large": lambda: measure.csv_import_large(data_dir=data_dir, rounds=1 if quick else 3),
            "memory": lambda: measure.peak_memory(data_dir=data_dir, rounds=1 if quick else 3),
            "fhir-export": lambda: fhir_bench.fhir_export(data_dir=data_dir, rounds=1 if quick else 3),
            "clinic": lambda: clinic.clinic_figures(rounds=10 if quick else 40, rebuild=args.rebuild_clinic),
        }
        assert tuple(steps) == STEPS
        for name, step in steps.items():
            if args.only and name not in args.only:
                continue
            found = step()
            for figure in found if isinstance(found, list) else [found]:
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
    print("\n## Issue 18 goals\n")
    for line in issue_18_verdicts(figures, one_core=args.one_core):
        print(line)
    clinic_figures = [f for f in figures if f.what.startswith(clinic.FIGURE_PREFIXES)]
    if clinic_figures:
        print("\n## Issue 19 goals (clinic scale)\n")
        for figure in clinic_figures:
            print(f"- {figure.what}: {figure.value} — goal {figure.goal}: {figure.verdict}")
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=1, default=str))
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
