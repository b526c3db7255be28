"""A canary planted in a patient's record shows in the report's text, never in the PDF's metadata."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import open_store

CANARY = "Canary7Q3Z"


def test_a_canary_note_and_name_never_reach_the_pdf_metadata(qapp, tmp_path: Path, today: date) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "data")
    patient = store.save_patient(Patient(f"Ann {CANARY}", condition=f"Knee {CANARY}", pt_clinician=CANARY))
    assert patient.id is not None
    store.save_entry(patient.id, WeeklyEntry(date(2026, 11, 16), {"pain": 4}, notes=f"Felt {CANARY} today"))
    out = tmp_path / "report.pdf"
    write_report(build_content(store, patient.id, None, today, today), out)
    store.close()

    reader = PdfReader(out)
    body = " ".join(page.extract_text() for page in reader.pages)
    assert CANARY in body  # the report itself does carry the patient's words ...
    metadata = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    assert metadata and all(CANARY not in value for value in metadata.values())  # ... its metadata does not
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        assert CANARY.encode() not in xmp.get_object().get_data()
    raw = out.read_bytes()
    assert raw.count(CANARY.encode()) == 0  # text is in font-encoded glyphs, never a plain-text copy
