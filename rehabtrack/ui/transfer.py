"""File → Import… and File → Export patient bundle…: moving a patient's records between computers.

Both storage functions are all-or-nothing; here they only get a file chosen and their outcome said plainly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rehabtrack.storage.bundle import SUFFIX, BundleError, export_bundle, import_bundle, is_bundle
from rehabtrack.storage.csv_io import CsvImportError, import_csv
from rehabtrack.storage.store import Store

IMPORT_FILTER = f"RehabTrack files (*{SUFFIX} *.csv);;Patient bundles (*{SUFFIX});;CSV files (*.csv)"
BUNDLE_FILTER = f"Patient bundles (*{SUFFIX})"
MAX_PROBLEMS_SHOWN = 15


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    patient_id: int | None = None


def _has_patient_column(path: Path) -> bool:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), [])
    return "patient" in (h.strip() for h in header)


def import_file(store: Store, path: Path, patient_name: str | None = None) -> Outcome:
    """Import a patient bundle or a CSV file.

    A CSV file without a ``patient`` column goes to ``patient_name`` (the patient on screen).
    """
    if is_bundle(path):
        try:
            patient_id = import_bundle(store, path)
        except BundleError as exc:
            return Outcome(False, str(exc))
        patient = store.patient(patient_id)
        weeks = len(store.entries(patient_id))
        return Outcome(True, f"Imported {patient.display_name}'s records: {weeks} weeks.", patient_id)
    try:
        weeks = import_csv(store, path, None if _has_patient_column(path) else patient_name)
    except CsvImportError as exc:
        lines = [str(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(exc.problems) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more.")
        return Outcome(
            False,
            f"Nothing was imported: {len(exc.problems)} problem(s) in {path.name}.\n" + "\n".join(lines),
        )
    except (OSError, UnicodeDecodeError) as exc:
        return Outcome(False, f"{path.name} could not be read: {exc}")
    return Outcome(True, f"Imported {weeks} weeks from {path.name}.")


def export_patient_bundle(store: Store, patient_id: int, path: Path) -> Outcome:
    if path.suffix.lower() != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    try:
        weeks = export_bundle(store, patient_id, path)
    except OSError as exc:
        return Outcome(False, f"The bundle could not be written to {path}: {exc.strerror or exc}")
    return Outcome(True, f"Wrote {weeks} weeks to {path}. Only you can read this file.", patient_id)
