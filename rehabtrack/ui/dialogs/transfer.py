"""File → Import…, File → Export patient bundle… and Export health record (FHIR)…: moving a patient's
records between computers, or into a clinic's health record.

Both storage functions are all-or-nothing; here they only get a file chosen and their outcome said plainly.
An import never erases a stored value; where the file holds a different one, the window asks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rehabtrack.core.imports import ImportReport, OnConflict
from rehabtrack.fhir.reading import FhirImportError, import_fhir, is_fhir
from rehabtrack.storage.bundle import SUFFIX, BundleError, export_bundle, import_bundle, is_bundle
from rehabtrack.storage.csv_io import CsvImportError, import_csv, read_header
from rehabtrack.storage.errors import DatabaseProblem
from rehabtrack.storage.store import Store

IMPORT_FILTER = (
    f"RehabTrack files (*{SUFFIX} *.csv *.json);;Patient bundles (*{SUFFIX});;CSV files (*.csv);;"
    "FHIR Bundles (*.json)"
)
BUNDLE_FILTER = f"Patient bundles (*{SUFFIX})"
FHIR_FILTER = "FHIR Bundles (*.json)"
MAX_PROBLEMS_SHOWN = 15


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    patient_id: int | None = None
    report: ImportReport | None = None  # what an import added, kept and found in conflict


def _has_patient_column(path: Path) -> bool:
    return "patient" in read_header(path)  # reads the first row only: a file may be large


def import_file(
    store: Store,
    path: Path,
    patient_name: str | None = None,
    on_conflict: OnConflict = OnConflict.KEEP,
    *,
    dry_run: bool = False,
) -> Outcome:
    """Import a patient bundle or a CSV file (``dry_run``: only say what it would do).

    A CSV file without a ``patient`` column goes to ``patient_name`` (the patient on screen).
    """
    left_out: list[str] = []
    try:
        if is_bundle(path):
            report = import_bundle(store, path, on_conflict, dry_run=dry_run)
            what = f"{report.patients[0].name}'s records from {path.name}"
        elif is_fhir(path):
            report, left_out = import_fhir(store, path, on_conflict, dry_run=dry_run)
            what = f"{report.patients[0].name}'s records from {path.name}"
        else:
            patient = None if _has_patient_column(path) else patient_name
            report = import_csv(store, path, patient, on_conflict, dry_run=dry_run)
            what = path.name
    except (BundleError, FhirImportError) as exc:
        return Outcome(False, str(exc))
    except CsvImportError as exc:
        lines = [str(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(exc.problems) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more.")
        return Outcome(
            False,
            f"Nothing was imported: {len(exc.problems)} problem(s) in {path.name}.\n" + "\n".join(lines),
        )
    except DatabaseProblem as exc:  # no backup could be made first, or the disk refused the save
        return Outcome(False, str(exc))
    ids = [p.patient_id for p in report.patients]
    said = _said(report, what)
    if left_out:
        said += f"\nLeft out (RehabTrack keeps no such records): {', '.join(left_out)}."
    return Outcome(True, said, ids[0] if len(ids) == 1 else None, report)


def _said(report: ImportReport, what: str) -> str:
    """What the import did, in the words the window shows once it is done."""
    if not report.changed:
        lines = [f"Nothing new in {what}: all of it is stored already."]
    else:
        lines = [f"Imported {what}."]
    lines += report.summary()
    if report.conflicts:
        if report.on_conflict is OnConflict.KEEP:
            lines.append("Where the file differs, your stored values were kept.")
        else:
            lines.append("Where the file differs, its values replaced the stored ones.")
    if report.backup is not None:
        lines.append(f"A backup from just before the import: {report.backup.name}")
    return "\n".join(lines)


def conflict_question(report: ImportReport, file_name: str) -> str:
    """The question the window asks before an import that meets different stored values."""
    conflicts = report.conflicts
    shown = [f"• {c}" for c in conflicts[:MAX_PROBLEMS_SHOWN]]
    if len(conflicts) > len(shown):
        shown.append(f"… and {len(conflicts) - len(shown)} more.")
    return (
        f"{len(conflicts)} value(s) in {file_name} differ from your records:\n"
        + "\n".join(shown)
        + "\n\nKeep your stored values, or take the values from the file? Everything else in the "
        "file is added either way, and nothing stored is erased."
    )


def export_patient_bundle(store: Store, patient_id: int, path: Path) -> Outcome:
    if path.suffix.lower() != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    try:
        weeks = export_bundle(store, patient_id, path)
    except OSError as exc:
        return Outcome(False, f"The bundle could not be written to {path}: {exc.strerror or exc}")
    return Outcome(True, f"Wrote {weeks} weeks to {path}. Only you can read this file.", patient_id)


def export_health_record(store: Store, patient_id: int, path: Path) -> Outcome:
    """The patient's records as a FHIR R4 Bundle (a transaction, as a health record takes it in)."""
    from rehabtrack.fhir.export import FhirInvalid, export_fhir

    if path.suffix.lower() != ".json":
        path = path.with_name(path.name + ".json")
    try:
        done = export_fhir(store, patient_id, path)
    except OSError as exc:
        return Outcome(False, f"The health record could not be written to {path}: {exc.strerror or exc}")
    except FhirInvalid as exc:
        return Outcome(False, f"The health record was not written to {path}: {exc}.")
    return Outcome(
        True,
        f"Wrote {done.weeks} weeks ({done.resources} FHIR resources) to {path}. Only you can read this file.",
        patient_id,
    )
