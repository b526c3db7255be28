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
    export.add_argument(
        "--format",
        choices=["csv", "bundle"],
        default="csv",
        help="csv: weekly entries; bundle: one patient's whole history for another RehabTrack",
    )
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--patient", metavar="NAME", help="default: every patient (csv only)")

    imp = commands.add_parser(
        "import", help="import weekly entries from a CSV file, or a patient bundle (all or nothing)"
    )
    imp.add_argument("file", metavar="FILE", help="a .csv file or a .rtbundle patient bundle")
    imp.add_argument("--patient", metavar="NAME", help="import every CSV row into this patient")

    commands.add_parser("backup", help="back up the database now (into the data folder's backups/)")
    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the current one is backed up first)"
    )
    restore.add_argument("file", metavar="FILE", help="a backup, e.g. from the data folder's backups/")

    report = commands.add_parser("report", help="write a patient's progress report as a PDF (no window)")
    report.add_argument("--out", required=True, metavar="FILE.pdf")
    report.add_argument("--patient", metavar="NAME", help="default: the only patient")
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="default: the first logged week")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="default: today")
    report.add_argument("--paper", metavar="a4|letter", help="default: from the locale (Letter in the US)")
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
    if args.format == "bundle":
        return _export_bundle(args, store)
    ids = [p.id for p in _patients(store, args.patient) if p.id is not None]
    rows = export_csv(store, Path(args.out), ids)
    print(f"Exported {rows} weekly entries to {args.out}")
    return 0


def _export_bundle(args: argparse.Namespace, store: Store) -> int:
    from rehabtrack.storage.bundle import export_bundle

    patients = _patients(store, args.patient)
    if len(patients) != 1 or patients[0].id is None:
        raise SystemExit("rehabtrack: a bundle holds one patient; name them with --patient NAME.")
    weeks = export_bundle(store, patients[0].id, Path(args.out))
    print(f"Exported {patients[0].display_name}'s history ({weeks} weekly entries) to {args.out}")
    return 0


def _import_bundle(args: argparse.Namespace) -> int:
    from rehabtrack.storage.bundle import BundleError, import_bundle

    store = _open_store(args)
    try:
        patient_id = import_bundle(store, Path(args.file))
    except BundleError as exc:
        print(f"rehabtrack: {exc}", file=sys.stderr)
        return 1
    patient = store.patient(patient_id)
    print(f"Imported {patient.display_name}'s history from {args.file}")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from rehabtrack.storage.backup import backup_now
    from rehabtrack.storage.paths import resolve_data_dir

    print(f"Backed up to {backup_now(resolve_data_dir(args.data_dir))}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from rehabtrack.storage.backup import restore
    from rehabtrack.storage.paths import resolve_data_dir

    previous = restore(resolve_data_dir(args.data_dir), Path(args.file))
    kept = f" The database it replaced is kept at {previous}." if previous else ""
    print(f"Restored {args.file}.{kept}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from rehabtrack.storage.bundle import is_bundle
    from rehabtrack.storage.csv_io import CsvImportError, import_csv

    if is_bundle(Path(args.file)):
        return _import_bundle(args)
    store = _open_store(args)
    try:
        weeks = import_csv(store, Path(args.file), args.patient)
    except CsvImportError as exc:
        print(f"rehabtrack: {exc}", file=sys.stderr)
        return 1
    print(f"Imported {weeks} weekly entries from {args.file}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from rehabtrack.report.command import ReportArgumentError, check_request, run_report

    try:
        request = check_request(args.out, args.patient, args.start, args.end, args.paper)
        store = _open_store(args)
        try:
            patient, pages = run_report(store, request)
        finally:
            store.close()
    except ReportArgumentError as exc:
        print(f"rehabtrack report: {exc} Nothing was written.", file=sys.stderr)
        return 2
    print(f"Wrote {patient.display_name}'s progress report ({pages} pages) to {request.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from rehabtrack.storage.errors import DatabaseProblem

    try:
        if args.command == "export":
            return _export(args)
        if args.command == "import":
            return _import(args)
        if args.command == "report":
            return _report(args)
        if args.command in ("backup", "restore") and args.demo:
            raise SystemExit(f"rehabtrack: {args.command} works on your data folder, not with --demo.")
        if args.command == "backup":
            return _backup(args)
        if args.command == "restore":
            return _restore(args)
        if args.command == "self-test":
            from rehabtrack.ui.selftest import run_self_test

            return run_self_test(Path(args.screenshots) if args.screenshots else None)
        from rehabtrack.ui.app import run_app

        return run_app(data_dir=args.data_dir, demo=args.demo)
    except DatabaseProblem as exc:
        return _fail(str(exc))
    except OSError as exc:  # the disk or the folder refused something the messages above do not name
        return _fail(f"{exc.filename or 'a file'}: {exc.strerror or exc}. Nothing more was done.")


def _fail(message: str) -> int:
    """A failure of the data folder or disk: one plain line on stderr, exit status 2."""
    print(f"rehabtrack: {' '.join(message.split())}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
