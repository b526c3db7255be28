"""Importing a FHIR Bundle: the conflict-listing merge, scores computed from the answers, every
unreadable resource named (and nothing imported), other resources left out and listed, no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rehabtrack.core.imports import OnConflict
from rehabtrack.fhir.export import export_fhir
from rehabtrack.fhir.reading import FhirImportError, import_fhir
from rehabtrack.storage.store import Store, open_store

OWN = "https://rehabtrack.org/fhir/CodeSystem/rehabtrack"
Bundle = dict[str, Any]


@pytest.fixture
def exported(demo_store: Store, tmp_path: Path) -> Bundle:
    pid = demo_store.patients()[0].id
    export_fhir(demo_store, pid, tmp_path / "demo.json", now=datetime(2026, 11, 30, tzinfo=UTC))
    data: Bundle = json.loads((tmp_path / "demo.json").read_text(encoding="utf-8"))
    return data


def _write(bundle: Bundle, path: Path) -> Path:
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _first(bundle: Bundle, match: Callable[[dict[str, Any]], bool]) -> tuple[int, dict[str, Any]]:
    """(1-based entry number, resource) of the first resource that ``match``es."""
    return next((n, e["resource"]) for n, e in enumerate(bundle["entry"], 1) if match(e["resource"]))


def _code(resource: dict[str, Any]) -> str | None:
    return next(
        (cd["code"] for cd in resource.get("code", {}).get("coding", []) if cd["system"] == OWN), None
    )


def test_a_differing_value_is_a_listed_conflict_and_the_stored_one_stays(
    demo_store: Store, exported: Bundle, tmp_path: Path
) -> None:
    pid = demo_store.patients()[0].id
    first_week = demo_store.entries(pid)[0]
    _, pain = _first(exported, lambda r: _code(r) == "pain")
    assert pain["effectivePeriod"]["start"] == first_week.week.isoformat()
    pain["valueQuantity"]["value"] = first_week.values["pain"] - 1
    path = _write(exported, tmp_path / "changed.json")

    report, _ = import_fhir(demo_store, path)
    [conflict] = report.conflicts
    assert conflict.what == "Pain (weekly average)"
    assert (conflict.stored, conflict.imported) == (
        f"{first_week.values['pain']:g}",
        f"{first_week.values['pain'] - 1:g}",
    )
    assert demo_store.entries(pid)[0].values["pain"] == first_week.values["pain"]
    report, _ = import_fhir(demo_store, path, OnConflict.REPLACE)
    assert len(report.conflicts) == 1
    assert demo_store.entries(pid)[0].values["pain"] == first_week.values["pain"] - 1


def test_scores_are_computed_from_the_answers_not_taken_from_the_file(
    exported: Bundle, tmp_path: Path
) -> None:
    _, response = _first(
        exported,
        lambda r: r["resourceType"] == "QuestionnaireResponse" and r["questionnaire"].endswith("/LEFS|1"),
    )
    answers = {item["linkId"]: item["answer"][0]["valueInteger"] for item in response["item"]}
    item = next(link for link, value in answers.items() if value < 4)
    answers[item] += 1
    next(i for i in response["item"] if i["linkId"] == item)["answer"][0]["valueInteger"] += 1
    for entry in exported["entry"]:  # the file claims another score
        resource = entry["resource"]
        if _code(resource) == "score-LEFS":
            resource["valueQuantity"]["value"] = 79
    store = open_store(tmp_path / "empty")
    try:
        import_fhir(store, _write(exported, tmp_path / "scores.json"))
        lefs = store.measures(store.patients()[0].id, "LEFS")
        assert lefs[0].score == sum(answers.values())  # LEFS: the sum of its 20 items
        assert all(m.score != 79 for m in lefs)
    finally:
        store.close()


def test_every_unreadable_resource_is_named_and_nothing_is_imported(exported: Bundle, tmp_path: Path) -> None:
    no_status, obs = _first(exported, lambda r: _code(r) == "pain")
    del obs["status"]
    wrong_unit, rom = _first(exported, lambda r: str(_code(r)).startswith("rom-"))
    rom["valueQuantity"]["code"] = "cm"
    on_hold, goal = _first(exported, lambda r: r["resourceType"] == "Goal")
    goal["lifecycleStatus"] = "on-hold"
    unknown, other = _first(exported, lambda r: _code(r) == "sleep_hours")
    other["code"]["coding"][0]["code"] = "sleep_minutes"
    exported["entry"].append({"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Nonsense"}})
    store = open_store(tmp_path / "empty")
    try:
        with pytest.raises(FhirImportError) as caught:
            import_fhir(store, _write(exported, tmp_path / "bad.json"))
        message = str(caught.value)
        assert message.startswith(f"Nothing was imported: {tmp_path / 'bad.json'} has 5 resource(s)")
        lines = message.splitlines()[1:]
        assert len(lines) == 5
        assert f"entry {no_status} (Observation urn:uuid:{obs['id']}): status:" in lines[0]
        assert any(
            f"entry {wrong_unit} (Observation" in line and "'deg' (got 'cm')" in line for line in lines
        )
        assert any(f"entry {on_hold} (Goal" in line and "'on-hold'" in line for line in lines)
        assert any(f"entry {unknown} (Observation" in line and "'sleep_minutes'" in line for line in lines)
        assert any("'Nonsense' is not a FHIR resource type" in line for line in lines)
        assert store.patients(include_archived=True) == []
    finally:
        store.close()


def test_resources_of_other_kinds_are_left_out_and_listed(exported: Bundle, tmp_path: Path) -> None:
    patient_url = exported["entry"][0]["fullUrl"]
    for n in range(2):
        exported["entry"].append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
                "resource": {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}}
                | {"subject": {"reference": patient_url}},
            }
        )
    store = open_store(tmp_path / "empty")
    try:
        report, left_out = import_fhir(store, _write(exported, tmp_path / "more.json"))
        assert left_out == ["2 Encounter"]
        assert report.weeks_added == 24
    finally:
        store.close()


def test_a_deidentified_export_is_refused_for_want_of_a_name(demo_store: Store, tmp_path: Path) -> None:
    pid = demo_store.patients()[0].id
    export_fhir(demo_store, pid, tmp_path / "deid.json", deidentify=True)
    with pytest.raises(FhirImportError, match=r"Patient .*has no name"):
        import_fhir(demo_store, tmp_path / "deid.json")


def test_export_and_import_use_no_network(network_guard: Any, demo_store: Store, tmp_path: Path) -> None:
    """The no-socket guard (tests/conftest.py) around the FHIR code, the models' import included."""
    pid = demo_store.patients()[0].id
    export_fhir(demo_store, pid, tmp_path / "n.json", deidentify=False)
    other = open_store(tmp_path / "other")
    try:
        import_fhir(other, tmp_path / "n.json")
    finally:
        other.close()
    assert network_guard.attempts == []
