"""File → Import…, File → Export patient bundle… and Export health record (FHIR)…: moving a patient's
records between computers, or into a clinic's health record.

Both storage functions are all-or-nothing; here they only get a file chosen and their outcome said plainly
(the import itself, a change to the records, goes through ``ui/patient_session.py``).
An import never erases a stored value; where the file holds a different one, the window asks first.
"""

from __future__ import annotations

from pathlib import Path

from rehabtrack.core.imports import ImportReport
from rehabtrack.storage.bundle import SUFFIX, export_bundle
from rehabtrack.storage.store import Store
from rehabtrack.ui.patient_session import MAX_PROBLEMS_SHOWN, Outcome

IMPORT_FILTER = (
    f"RehabTrack files (*{SUFFIX} *.csv *.json);;Patient bundles (*{SUFFIX});;CSV files (*.csv);;"
    "FHIR Bundles (*.json)"
)
BUNDLE_FILTER = f"Patient bundles (*{SUFFIX})"
FHIR_FILTER = "FHIR Bundles (*.json)"


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
