"""The ``rehabtrack`` command. Heavy modules are imported inside each command, so
``rehabtrack --version`` and the first window stay fast."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rehabtrack import __version__

if TYPE_CHECKING:
    from rehabtrack.core.model import Patient
    from rehabtrack.storage.store import Store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rehabtrack", description="Weekly recovery tracker for PT and OT.")
    parser.add_argument("--version", action="version", version=f"RehabTrack {__version__}")
    parser.add_argument(
        "--data-dir",
        help="folder holding the database (default: REHABTRACK_DATA_DIR, "
        "then the platform's per-user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use a fresh demo patient in a temporary folder (your data is not touched)",
    )
    commands = parser.add_subparsers(dest="command")

    selftest = commands.add_parser("self-test", help="open every view offscreen on demo data and exit")
    selftest.add_argument("--screenshots", metavar="DIR", help="save one PNG per view into DIR")

    export = commands.add_parser("export", help="export a patient's weekly entries")
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--patient", metavar="NAME", help="default: every patient")

    imp = commands.add_parser("import", help="import weekly entries from a CSV file (all or nothing)")
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--patient", metavar="NAME", help="import every row into this patient")
    return parser


def _open_store(args: argparse.Namespace) -> Store:
    from rehabtrack.storage.paths import open_data

    return open_data(args.data_dir, args.demo)


def _patients(store: Store, name: str | None) -> list[Patient]:
    if name is None:
        return store.patients(include_archived=True)
    patient = store.patient_named(name)
    if patient is None:
        known = ", ".join(p.display_name for p in store.patients(True)) or "none yet"
        raise SystemExit(f"rehabtrack: no patient named '{name}' (patients: {known}).")
    return [patient]


def _export(args: argparse.Namespace) -> int:
    from rehabtrack.storage.csv_io import export_csv

    store = _open_store(args)
    ids = [p.id for p in _patients(store, args.patient) if p.id is not None]
    rows = export_csv(store, Path(args.out), ids)
    print(f"Exported {rows} weekly entries to {args.out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from rehabtrack.storage.csv_io import CsvImportError, import_csv

    store = _open_store(args)
    try:
        weeks = import_csv(store, Path(args.file), args.patient)
    except CsvImportError as exc:
        print(f"rehabtrack: {exc}", file=sys.stderr)
        return 1
    print(f"Imported {weeks} weekly entries from {args.file}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from rehabtrack.storage.errors import DatabaseProblem

    try:
        if args.command == "export":
            return _export(args)
        if args.command == "import":
            return _import(args)
        if args.command == "self-test":
            from rehabtrack.ui.selftest import run_self_test

            return run_self_test(Path(args.screenshots) if args.screenshots else None)
        from rehabtrack.ui.app import run_app

        return run_app(data_dir=args.data_dir, demo=args.demo)
    except DatabaseProblem as exc:
        print(f"rehabtrack: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
