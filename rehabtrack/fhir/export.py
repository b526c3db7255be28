"""Write one patient's records as a validated FHIR R4 Bundle (``rehabtrack export --format fhir``).

The Bundle is built as plain dicts (``mapping``), checked with the ``fhir.resources`` R4B models (R4B has
the same elements as R4 4.0.1 for every resource used here), and written as JSON through the atomic
writer, readable by the user only. A Bundle the models refuse is never written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rehabtrack import __version__
from rehabtrack.fhir.mapping import BUNDLE_TYPES, Options, Record, bundle_from, fhir_text
from rehabtrack.storage.bundle import patient_uid
from rehabtrack.storage.files import write_text_atomically
from rehabtrack.storage.store import Store

__all__ = [
    "BUNDLE_TYPES",
    "FhirExport",
    "FhirInvalid",
    "export_fhir",
    "parse_subject_identifier",
    "record_of",
    "validate",
]


class FhirInvalid(ValueError):
    """The Bundle built does not pass the FHIR models' checks (a fault in RehabTrack, not in the data)."""


@dataclass(frozen=True)
class FhirExport:
    patient: str
    resources: int
    weeks: int


def parse_subject_identifier(text: str) -> tuple[str, str]:
    """``SYSTEM|VALUE`` (the clinic's MRN) as (system, value); ValueError says what is wrong."""
    system, bar, value = (part.strip() for part in text.partition("|"))
    if not bar or not system or not value:
        raise ValueError(f"must be SYSTEM|VALUE, e.g. urn:oid:1.2.3.4|12345 (got {text!r})")
    if any(ch.isspace() for ch in system):
        raise ValueError(f"SYSTEM must be a URI without spaces (got {system!r})")
    return system, fhir_text(value)


def record_of(store: Store, patient_id: int, first: date | None = None, last: date | None = None) -> Record:
    """The patient's records, weeks, results and events limited to ``first``..``last`` when given."""

    def inside(day: date) -> bool:
        return (first is None or day >= first) and (last is None or day <= last)

    return Record(
        patient=store.patient(patient_id),
        uid=patient_uid(store, patient_id),
        activities=store.activities(patient_id, include_archived=True),
        entries=store.entries(patient_id, first, last),
        goals=store.goals(patient_id),
        events=[e for e in store.events(patient_id) if inside(e.day)],
        measures=[m for m in store.measures(patient_id) if inside(m.taken)],
    )


def validate(bundle: dict[str, Any]) -> Any:
    """The Bundle parsed by the R4B models (every entry's resource as its own class); FhirInvalid if not."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        return Bundle.model_validate(bundle)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise FhirInvalid(
            f"the FHIR Bundle RehabTrack built is not valid at {where}: {first['msg']} (a fault in "
            "RehabTrack; please report it)"
        ) from exc


def export_fhir(
    store: Store,
    patient_id: int,
    out: Path,
    *,
    bundle_type: str = "transaction",
    subject_identifier: tuple[str, str] | None = None,
    deidentify: bool = False,
    first: date | None = None,
    last: date | None = None,
    now: datetime | None = None,
) -> FhirExport:
    """Validate and write the patient's Bundle to ``out`` (mode 0600); says what was written."""
    record = record_of(store, patient_id, first, last)
    options = Options(
        now=now or datetime.now(UTC).replace(microsecond=0),
        app_version=__version__,
        bundle_type=bundle_type,
        subject_identifier=subject_identifier,
        deidentify=deidentify,
    )
    bundle = bundle_from(record, options)
    validate(bundle)
    # compact: a 10-year record is tens of megabytes, and a health record's importer needs no indent
    text = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
    write_text_atomically(Path(out), text)
    return FhirExport(record.patient.display_name, len(bundle["entry"]), len(record.entries))
