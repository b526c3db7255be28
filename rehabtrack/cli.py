"""The ``rehabtrack`` command. Heavy modules are imported inside each command, so
``rehabtrack --version`` and the first window stay fast."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rehabtrack import __version__

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from rehabtrack.core.model import Patient
    from rehabtrack.storage.store import Store


def _global_options(after_command: bool) -> argparse.ArgumentParser:
    """``--data-dir``, ``--database`` and ``--demo``, accepted before the command and after it. After it
    they default to SUPPRESS, so a value given before the command is not reset by the command's own
    defaults."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS if after_command else None,
        metavar="DIR",
        help="folder holding the database (default: REHABTRACK_DATA_DIR, then the folder chosen in "
        "Preferences, then the platform's per-user data folder)",
    )
    options.add_argument(
        "--database",
        default=argparse.SUPPRESS if after_command else None,
        metavar="URL",
        help="a PostgreSQL database instead of the data folder, postgresql://HOST/DATABASE (no password "
        "in it); default: REHABTRACK_DATABASE_URL unless --data-dir is given",
    )
    options.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if after_command else False,
        help="use a fresh demo patient in a temporary folder (your data is not touched)",
    )
    return options


SHOWN_PROBLEMS = 5  # a file with more problems says how many more, still on one line


class CommandError(Exception):
    """A bad argument found after parsing (an unknown patient…): one plain line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rehabtrack",
        description="Weekly recovery tracker for PT and OT.",
        parents=[_global_options(after_command=False)],
    )
    parser.add_argument("--version", action="version", version=f"RehabTrack {__version__}")
    commands = parser.add_subparsers(dest="command")
    after = [_global_options(after_command=True)]

    selftest = commands.add_parser(
        "self-test",
        parents=after,
        help="open every view and dialog on demo data, check each fits the screen, and exit",
    )
    selftest.add_argument("--screenshots", metavar="DIR", help="save one PNG per view and dialog into DIR")
    selftest.add_argument(
        "--size", metavar="WxH", default="1366x768", help="the screen, in pixels (1366x768)"
    )
    selftest.add_argument(
        "--text-scale", metavar="PERCENT", type=int, default=100, help="text size, 100 to 200 (100)"
    )
    selftest.add_argument(
        "--theme", metavar="NAME", default="system", help="system, light, dark or high-contrast (system)"
    )

    export = commands.add_parser("export", parents=after, help="export a patient's weekly entries")
    export.add_argument(
        "--format",
        choices=["csv", "bundle", "fhir"],
        default="csv",
        help="csv: weekly entries; bundle: one patient's whole history for another RehabTrack; "
        "fhir: one patient's records as a FHIR R4 Bundle for a health record",
    )
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument(
        "--patient", metavar="NAME", help="default: every patient (csv), the only patient (bundle, fhir)"
    )
    fhir = export.add_argument_group("FHIR (with --format fhir)")
    fhir.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="default: the first record")
    fhir.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="default: the last record")
    fhir.add_argument(
        "--bundle-type",
        choices=["transaction", "collection"],
        help="transaction (default): what a health record takes in; collection: an archive",
    )
    fhir.add_argument(
        "--subject-identifier",
        metavar="SYSTEM|VALUE",
        help="the clinic's record number (MRN) for the patient, e.g. urn:oid:1.2.3.4|12345",
    )
    fhir.add_argument(
        "--deidentify",
        action="store_true",
        help="leave out names and free text, and move every date by the same number of weeks",
    )

    imp = commands.add_parser(
        "import",
        parents=after,
        help="import weekly entries from a CSV file, or a patient bundle (all or nothing)",
    )
    imp.add_argument(
        "file",
        metavar="FILE",
        help="a .csv file, a .rtbundle patient bundle or a FHIR Bundle RehabTrack wrote",
    )
    imp.add_argument("--patient", metavar="NAME", help="import every CSV row into this patient")
    imp.add_argument(
        "--on-conflict",
        choices=["keep", "replace"],
        default="keep",
        help="where the file and your records hold different values: keep the stored ones (default) "
        "or replace them with the file's; either way each conflict is listed",
    )

    db = commands.add_parser("db", help="the database's schema (on a server: for the database's owner)")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="upgrade")
    db_commands.add_parser(
        "upgrade",
        parents=after,
        help="set up or upgrade the database's schema to this version of RehabTrack (on a server only this "
        "does it, never an ordinary start)",
    )

    _clinic_parser(commands, after)

    commands.add_parser(
        "backup", parents=after, help="back up the database now (into the data folder's backups/)"
    )
    restore = commands.add_parser(
        "restore",
        parents=after,
        help="replace the database with a backup (the current one is backed up first)",
    )
    restore.add_argument("file", metavar="FILE", help="a backup, e.g. from the data folder's backups/")

    report = commands.add_parser(
        "report", parents=after, help="write a patient's progress report as a PDF (no window)"
    )
    report.add_argument("--out", required=True, metavar="FILE.pdf")
    report.add_argument("--patient", metavar="NAME", help="default: the only patient")
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="default: the first logged week")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="default: today")
    report.add_argument("--paper", metavar="a4|letter", help="default: from the locale (Letter in the US)")
    return parser


def _clinic_parser(commands: argparse._SubParsersAction, after: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    clinic = commands.add_parser(
        "clinic", help="therapists and care teams of a clinic server (for the server's owner)"
    )
    sub = clinic.add_subparsers(dest="clinic_command", required=True, metavar="COMMAND")
    team = sub.add_parser("add-team", parents=after, help="make a care team")
    team.add_argument("team", metavar="TEAM")
    add = sub.add_parser(
        "add-therapist", parents=after, help="a login for a therapist; prints a new password once"
    )
    add.add_argument("name", metavar="NAME", help="their login name (lower-case letters, digits, _)")
    add.add_argument("--team", metavar="TEAM", help="the care team they join")
    add.add_argument(
        "--ask-password", action="store_true", help="type the password (twice) instead of a new one"
    )
    join = sub.add_parser("add-to-team", parents=after, help="a therapist joins another care team")
    join.add_argument("name", metavar="NAME")
    join.add_argument("team", metavar="TEAM")
    remove = sub.add_parser(
        "remove-therapist", parents=after, help="remove a therapist's login (their audit rows stay)"
    )
    remove.add_argument("name", metavar="NAME")
    assign = sub.add_parser("assign", parents=after, help="put a patient in a care team")
    assign.add_argument("patient", metavar="PATIENT", help="the patient's name or uid")
    assign.add_argument("team", metavar="TEAM")
    sub.add_parser("list", parents=after, help="the care teams, their therapists and patients")


def _clinic(args: argparse.Namespace) -> int:
    """``rehabtrack clinic …`` on the server's database, as its owner, all in one transaction."""
    from rehabtrack.storage import clinic_roles as clinic
    from rehabtrack.storage.store import open_server

    database = None if args.demo else _database(args)
    if database is None:  # the data folder's SQLite file has no logins or teams
        raise CommandError(
            "clinic commands are for a clinic server: give --database postgresql://HOST/DATABASE."
        )
    password = None
    if args.clinic_command == "add-therapist":
        clinic.check_role_name(args.name)
        password = _typed_password() if args.ask_password else clinic.new_password()
    store = open_server(database)
    try:
        with store.engine.begin() as conn:
            said = _clinic_command(conn, args, password)
    finally:
        store.close()
    print(said)
    return 0


def _clinic_command(conn: Connection, args: argparse.Namespace, password: str | None) -> str:
    from rehabtrack.storage import clinic_roles as clinic

    command = args.clinic_command
    if command == "add-team":
        clinic.add_team(conn, args.team)
        return f"Care team '{args.team.strip()}' made."
    if command == "add-therapist":
        assert password is not None
        clinic.add_therapist(conn, args.name, password, args.team)
        team = f" in the care team '{args.team}'" if args.team else " (in no care team yet)"
        shown = "" if args.ask_password else f" Their password (shown only now): {password}"
        return f"Therapist {args.name} added{team}.{shown}"
    if command == "add-to-team":
        clinic.add_to_team(conn, args.name, args.team)
        return f"{args.name} is now in the care team '{args.team}'."
    if command == "remove-therapist":
        clinic.remove_therapist(conn, args.name)
        return f"Therapist {args.name} removed; the audit record of their changes stays."
    if command == "assign":
        name = clinic.assign(conn, args.patient, args.team)
        return f"{name} is now in the care team '{args.team}'."
    teams = clinic.teams(conn)
    lines = [
        f"{t.name}: {', '.join(t.therapists) or 'no therapists'}; {t.patients} patient(s)" for t in teams
    ] or ["No care teams yet (rehabtrack clinic add-team NAME makes one)."]
    placed = {name for t in teams for name in t.therapists}
    if alone := [name for name in clinic.therapists(conn) if name not in placed]:
        lines.append(f"In no care team: {', '.join(alone)}")
    return "\n".join(lines)


def _typed_password() -> str:
    import getpass

    first = getpass.getpass("Password for the new therapist: ")
    if len(first) < 12:
        raise CommandError("the password must have at least 12 characters. Nothing was changed.")
    if getpass.getpass("The same password again: ") != first:
        raise CommandError("the two passwords differ. Nothing was changed.")
    return first


def _database(args: argparse.Namespace) -> str | None:
    """The server address to open (--database, REHABTRACK_DATABASE_URL), None for the data folder."""
    from rehabtrack.storage.paths import resolve_database

    if args.database and args.data_dir:
        raise CommandError("give --database or --data-dir, not both.")
    if args.database and args.demo:
        raise CommandError("--demo opens a demo patient in a temporary folder; leave out --database.")
    return resolve_database(args.database, args.data_dir)


def _open_store(args: argparse.Namespace, *, existing: bool = False) -> Store:
    """The store the arguments name. ``existing``: a command that only reads refuses a data folder
    holding no database (a mistyped --data-dir) instead of creating an empty one there."""
    from rehabtrack.storage.paths import open_data, resolve_data_dir
    from rehabtrack.storage.store import DATABASE_NAME

    if existing and not args.demo and _database(args) is None:
        folder = resolve_data_dir(args.data_dir)
        try:
            (folder / DATABASE_NAME).lstat()
        except FileNotFoundError:
            raise CommandError(
                f"there is no RehabTrack database in {folder} (is the folder's name right?); "
                "nothing was created."
            ) from None
        except OSError:
            pass  # a folder that cannot be looked into: opening it names the cause
    return open_data(args.data_dir, args.demo, _database(args))


def _on_server(args: argparse.Namespace) -> None:
    """``backup`` and ``restore`` copy a database file: on a server, say how its owner does it."""
    database = _database(args)
    if database is not None:
        from rehabtrack.storage.server import backup_advice, server_url, shown

        raise CommandError(backup_advice(shown(server_url(database)), args.command))


def _patients(store: Store, name: str | None) -> list[Patient]:
    if name is None:
        return store.patients(include_archived=True)
    from rehabtrack.core.validation import InvalidInput

    try:
        patient = store.patient_named(name)
    except InvalidInput as exc:
        raise CommandError(f"--patient: {exc.problems[0].message}.") from exc
    if patient is None:
        known = ", ".join(p.display_name for p in store.patients(True)) or "none yet"
        raise CommandError(f"no patient named '{name}' (patients: {known}).")
    return [patient]


def _export(args: argparse.Namespace) -> int:
    from rehabtrack.storage.csv_io import export_csv

    fhir_only = [
        flag
        for flag, given in (
            ("--from", args.start),
            ("--to", args.end),
            ("--bundle-type", args.bundle_type),
            ("--subject-identifier", args.subject_identifier),
            ("--deidentify", args.deidentify),
        )
        if given
    ]
    if fhir_only and args.format != "fhir":
        raise CommandError(f"{fhir_only[0]} works with --format fhir only.")
    if args.format == "fhir":
        return _export_fhir(args)
    store = _open_store(args, existing=True)
    if args.format == "bundle":
        return _export_bundle(args, store)
    ids = [p.id for p in _patients(store, args.patient) if p.id is not None]
    try:
        rows = export_csv(store, Path(args.out), ids)
    except OSError as exc:
        return _not_written(args.out, exc)
    print(f"Exported {rows} weekly entries to {args.out}")
    return 0


def _not_written(out: str, exc: OSError) -> int:
    print(
        f"rehabtrack: {out} could not be written ({exc.strerror or exc}); nothing was written. "
        "Choose a folder with free space that you can write to.",
        file=sys.stderr,
    )
    return 2


def _export_bundle(args: argparse.Namespace, store: Store) -> int:
    from rehabtrack.storage.bundle import export_bundle

    patients = _patients(store, args.patient)
    if len(patients) != 1 or patients[0].id is None:
        raise CommandError("a bundle holds one patient; name them with --patient NAME.")
    try:
        weeks = export_bundle(store, patients[0].id, Path(args.out))
    except OSError as exc:
        return _not_written(args.out, exc)
    print(f"Exported {patients[0].display_name}'s history ({weeks} weekly entries) to {args.out}")
    return 0


def _day_argument(flag: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag}: must be a date written YYYY-MM-DD (got {text!r}).") from None


def _export_fhir(args: argparse.Namespace) -> int:
    """One patient's records as a FHIR R4 Bundle (validated before it is written)."""
    from rehabtrack.fhir.export import FhirInvalid, export_fhir, parse_subject_identifier

    first, last = _day_argument("--from", args.start), _day_argument("--to", args.end)
    if first and last and first > last:
        raise CommandError(f"--from ({first}) must be on or before --to ({last}).")
    identifier = None
    if args.subject_identifier is not None:
        try:
            identifier = parse_subject_identifier(args.subject_identifier)
        except ValueError as exc:
            raise CommandError(f"--subject-identifier: {exc}.") from None
    store = _open_store(args, existing=True)
    try:
        patients = _patients(store, args.patient)
        if len(patients) != 1 or patients[0].id is None:
            raise CommandError("a FHIR export holds one patient; name them with --patient NAME.")
        try:
            done = export_fhir(
                store,
                patients[0].id,
                Path(args.out),
                bundle_type=args.bundle_type or "transaction",
                subject_identifier=identifier,
                deidentify=args.deidentify,
                first=first,
                last=last,
            )
        except OSError as exc:
            return _not_written(args.out, exc)
        except FhirInvalid as exc:
            return _fail(f"{args.out} was not written: {exc}.")
    finally:
        store.close()
    who = "a de-identified patient" if args.deidentify else done.patient
    print(
        f"Exported {who}'s records ({done.weeks} weekly entries, {done.resources} FHIR resources) "
        f"to {args.out}"
    )
    return 0


def _backup(args: argparse.Namespace) -> int:
    from rehabtrack.storage.backup import backup_now
    from rehabtrack.storage.paths import backups_kept, resolve_data_dir

    print(f"Backed up to {backup_now(resolve_data_dir(args.data_dir), keep=backups_kept())}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from rehabtrack.storage.backup import restore
    from rehabtrack.storage.paths import backups_kept, resolve_data_dir

    previous = restore(resolve_data_dir(args.data_dir), Path(args.file), keep=backups_kept())
    kept = f" The database it replaced is kept at {previous}." if previous else ""
    print(f"Restored {args.file}.{kept}")
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from rehabtrack.storage.engine import HEAD_REVISION
    from rehabtrack.storage.store import open_server

    database = _database(args)
    store = _open_store(args) if database is None else open_server(database, upgrade=True)
    store.close()
    print(f"The database {store.location} is at schema {HEAD_REVISION}, this RehabTrack's.")
    return 0


def _import(args: argparse.Namespace) -> int:
    """Import a CSV file or a bundle: exit 2 with one line saying what is wrong, or say what was added,
    kept and in conflict."""
    from rehabtrack.core.imports import OnConflict
    from rehabtrack.fhir.reading import FhirImportError, import_fhir, is_fhir
    from rehabtrack.storage.bundle import BundleError, import_bundle, is_bundle
    from rehabtrack.storage.csv_io import CsvImportError, import_csv

    path = Path(args.file)
    store = _open_store(args)
    left_out: list[str] = []
    try:
        if is_bundle(path):
            report = import_bundle(store, path, OnConflict(args.on_conflict))
            first = f"Imported {report.patients[0].name}'s history from {path}."
        elif is_fhir(path):
            report, left_out = import_fhir(store, path, OnConflict(args.on_conflict))
            first = f"Imported {report.patients[0].name}'s records from the FHIR Bundle {path}."
        else:
            report = import_csv(store, path, args.patient, OnConflict(args.on_conflict))
            first = f"Imported {path}."
    except (CsvImportError, BundleError, FhirImportError) as exc:
        return _fail(_one_line(str(exc)))
    finally:
        store.close()
    if not report.patients:
        print(f"Nothing to import: {path} holds no rows below its header.")
        return 0
    print(first if report.changed else f"Nothing new in {path}: all of it is stored already.")
    for line in report.summary():
        print(line)
    if left_out:
        print(f"Left out (RehabTrack keeps no such records): {', '.join(left_out)}.")
    if report.conflicts and report.on_conflict is OnConflict.KEEP:
        print(
            "The stored values were kept. To take the file's values, import again with --on-conflict replace."
        )
    if report.backup is not None:
        print(f"A backup from just before the import: {report.backup}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from rehabtrack.report.command import ReportArgumentError, check_request, run_report

    try:
        request = check_request(args.out, args.patient, args.start, args.end, args.paper)
        store = _open_store(args, existing=True)
        try:
            patient, pages = run_report(store, request)
        finally:
            store.close()
    except ReportArgumentError as exc:
        print(f"rehabtrack report: {exc} Nothing was written.", file=sys.stderr)
        return 2
    except OSError as exc:
        return _not_written(args.out, exc)
    print(f"Wrote {patient.display_name}'s progress report ({pages} pages) to {request.out}")
    return 0


def _self_test(args: argparse.Namespace) -> int:
    from rehabtrack.ui.shell.selftest import (
        SelfTestArgumentError,
        check_text_scale,
        parse_size,
        parse_theme,
        run_self_test,
    )

    try:
        size, theme = parse_size(args.size), parse_theme(args.theme)
        scale = check_text_scale(args.text_scale)
    except SelfTestArgumentError as exc:
        print(f"rehabtrack self-test: {exc}", file=sys.stderr)
        return 2
    return run_self_test(Path(args.screenshots) if args.screenshots else None, size, scale, theme)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from rehabtrack.core.resources import ResourceProblem
    from rehabtrack.storage.errors import DatabaseProblem

    try:
        if args.command == "export":
            return _export(args)
        if args.command == "import":
            return _import(args)
        if args.command == "report":
            return _report(args)
        if args.command == "db":
            return _db_upgrade(args)
        if args.command == "clinic":
            return _clinic(args)
        if args.command in ("backup", "restore") and args.demo:
            raise CommandError(f"{args.command} works on your data folder, not with --demo.")
        if args.command in ("backup", "restore"):
            _on_server(args)
        if args.command == "backup":
            return _backup(args)
        if args.command == "restore":
            return _restore(args)
        if args.command == "self-test":
            return _self_test(args)
        from rehabtrack.ui.shell.app import run_app

        _database(args)  # refuses --database with --data-dir or --demo
        # only the address given (--database): the window reads the environment and Preferences itself
        return run_app(data_dir=args.data_dir, demo=args.demo, database=args.database)
    except (CommandError, DatabaseProblem, ResourceProblem) as exc:
        return _fail(str(exc))
    except OSError as exc:  # the disk or the folder refused something the messages above do not name
        return _fail(f"{exc.filename or 'a file'}: {exc.strerror or exc}. Nothing more was done.")


def _one_line(message: str) -> str:
    """A message listing several problems (a line each, for the window) as one line: "…: a; b."."""
    first, *more = message.splitlines()
    if not more:
        return first
    said = [line.strip().rstrip(".") for line in more[:SHOWN_PROBLEMS]]
    if len(more) > SHOWN_PROBLEMS:
        said.append(f"and {len(more) - SHOWN_PROBLEMS} more")
    return f"{first.rstrip('.')}: {'; '.join(said)}."


def _fail(message: str) -> int:
    """A failure of the data folder, disk or installation: one plain line on stderr, exit status 2."""
    print(f"rehabtrack: {' '.join(message.split())}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
