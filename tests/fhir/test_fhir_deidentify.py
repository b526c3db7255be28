"""``--deidentify``: no name, MRN or free text left, and every date moved by the same whole weeks."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from rehabtrack.fhir.export import export_fhir
from rehabtrack.storage.store import Store

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _export(store: Store, out: Path, **options: Any) -> dict[str, Any]:
    pid = store.patients()[0].id
    export_fhir(store, pid, out, now=NOW, subject_identifier=("urn:oid:1.2.3", "MRN-42"), **options)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _free_text(store: Store) -> set[str]:
    """Every name and piece of free text the demo patient's records hold."""
    pid = store.patients()[0].id
    patient = store.patient(pid)
    found = {patient.display_name, patient.condition, patient.pt_clinician, patient.ot_clinician}
    found |= {"Sam Okafor", "Priya Raman", "Margaret", "MRN-42"}
    found |= {e.notes for e in store.entries(pid) if e.notes}
    found |= {e.text for e in store.events(pid)}
    found |= {a.name for a in store.activities(pid, include_archived=True)}
    found |= {g.title for g in store.goals(pid)} | {g.set_by for g in store.goals(pid) if g.set_by}
    for m in store.measures(pid):
        found |= {p.name for p in m.copm} | {g.goal for g in m.gas}
    return {text for text in found if text}


def _dates(resource: dict[str, Any]) -> list[date]:
    return [date.fromisoformat(d) for d in DAY.findall(json.dumps(resource))]


def test_no_name_mrn_or_free_text_is_left(demo_store: Store, tmp_path: Path) -> None:
    plain = (tmp_path / "plain.json", tmp_path / "deid.json")
    _export(demo_store, plain[0])
    bundle = _export(demo_store, plain[1], deidentify=True)
    Bundle.model_validate(bundle)
    texts = _free_text(demo_store)
    assert len(texts) > 20
    assert any(t in plain[0].read_text(encoding="utf-8") for t in texts)  # the check can see them
    written = plain[1].read_text(encoding="utf-8")
    assert [t for t in texts if t in written] == []
    [patient] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert "name" not in patient and len(patient["identifier"]) == 1
    uid = next(
        e for e in json.loads(plain[0].read_text())["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert uid["resource"]["identifier"][0]["value"] not in written  # not even the app's own uid


def test_dates_move_together_and_weeks_stay_weeks(demo_store: Store, tmp_path: Path) -> None:
    plain = _export(demo_store, tmp_path / "plain.json")
    deid = _export(demo_store, tmp_path / "deid.json", deidentify=True)

    def kept(bundle: dict[str, Any]) -> list[dict[str, Any]]:
        """Resources of both files, in order: the plain file's weekly notes have no de-identified twin,
        and the Provenance and Bundle times are the export's own."""
        return [
            e["resource"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] != "Provenance"
            and "weekly-note" not in json.dumps(e["resource"].get("category", ""))
        ]

    pairs = list(zip(kept(plain), kept(deid), strict=True))
    shifts = set()
    compared = 0
    for before, after in pairs:
        assert before["resourceType"] == after["resourceType"]
        old, new = _dates(before), _dates(after)
        assert len(old) == len(new)
        shifts |= {b - a for a, b in zip(old, new, strict=True)}
        compared += len(old)
    [shift] = shifts
    assert compared > 1000
    assert shift < timedelta(0) and shift.days % 7 == 0  # back by whole weeks: Mondays stay Mondays
    again = _export(demo_store, tmp_path / "again.json", deidentify=True)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in deid["entry"]]

    def patients_own(bundle: dict[str, Any]) -> set[str]:  # a Questionnaire is the same for everyone
        return {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] != "Questionnaire"}

    assert patients_own(deid).isdisjoint(patients_own(plain))


def test_no_id_can_be_checked_against_a_guessed_real_date_or_title(demo_store: Store, tmp_path: Path) -> None:
    """Ids are UUIDv5 of the uid and a natural key: in a de-identified file the key holds the moved dates
    and the generic titles, so someone guessing a real week or goal title cannot confirm it by an id."""
    from rehabtrack.fhir.mapping import date_shift, pseudonym, resource_id
    from rehabtrack.storage.bundle import patient_uid

    pid = demo_store.patients()[0].id
    deid = _export(demo_store, tmp_path / "deid.json", deidentify=True)
    ids = {e["resource"]["id"] for e in deid["entry"]}
    uid = patient_uid(demo_store, pid)
    other = pseudonym(uid)
    real = {e.week for e in demo_store.entries(pid) if e.value("pain") is not None}
    moved = {week + date_shift(uid) for week in real}
    assert {resource_id(other, f"week/{day.isoformat()}/pain") for day in moved} <= ids
    # A real week's id is in the file only where some other week was moved onto that very date
    # (the shift is whole weeks), so an id never confirms that a week was really logged.
    for week in real - moved:
        assert resource_id(other, f"week/{week.isoformat()}/pain") not in ids
    goal = demo_store.goals(pid)[0]
    assert resource_id(other, f"goal/{goal.discipline}/{goal.title}") not in ids
