"""The demo patient as a FHIR R4 Bundle: every resource parses with the R4B models, the counts, codes,
units and references are right, it imports back unchanged, and a second export gives the same ids."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from rehabtrack.core.measure_series import psfs_ratings
from rehabtrack.fhir.export import export_fhir
from rehabtrack.fhir.reading import import_fhir
from rehabtrack.storage.store import Store, open_store

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
OWN = "https://rehabtrack.org/fhir/CodeSystem/rehabtrack"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"

# The value sets the export draws from (FHIR R4 4.0.1 and UCUM), written out here from the specification.
OBSERVATION_STATUS = {"registered", "preliminary", "final", "amended", "corrected", "cancelled"}
GOAL_LIFECYCLE = {
    "proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled", "entered-in-error",
    "rejected",
}  # fmt: skip
GOAL_ACHIEVEMENT = {
    "in-progress", "improving", "worsening", "no-change", "achieved", "sustaining", "not-achieved",
    "no-progress", "not-attainable",
}  # fmt: skip
QR_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
# The unit each weekly marker is written in (UCUM): minutes, hours, a count per week, a 0-10 score.
MARKER_UNIT = {
    "stiffness_minutes": "min",
    "stiffness_severity": "{score}",
    "flareup_count": "/wk",
    "flareup_worst": "{score}",
    "pain": "{score}",
    "sleep_hours": "h",
    "sleep_quality": "{score}",
    "nights_woken": "/wk",
    "exercise_days_done": "/wk",
    "exercise_days_prescribed": "/wk",
    "sessions_attended": "/wk",
}
# SNOMED CT body sites of the demo's joints: right knee joint structure (lateralised concept), and the
# wrist joint structure with laterality Left.
RIGHT_KNEE, WRIST, LEFT = "719443008", "74670003", "7771000"


def _export(store: Store, out: Path, **options: Any) -> dict[str, Any]:
    pid = store.patients()[0].id
    assert pid is not None
    export_fhir(store, pid, out, now=NOW, **options)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def exported(demo_store: Store, tmp_path: Path) -> dict[str, Any]:
    return _export(demo_store, tmp_path / "demo.fhir.json")


def _resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if kind is None or e["resource"]["resourceType"] == kind]


def _codes(concept: dict[str, Any], system: str) -> list[str]:
    return [cd["code"] for cd in concept.get("coding", []) if cd["system"] == system]


def _own(concept: dict[str, Any]) -> str:
    [code] = _codes(concept, OWN)
    return code


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference":
                yield inner
            else:
                yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def test_every_resource_parses_with_the_r4b_models(exported: dict[str, Any]) -> None:
    bundle = Bundle.model_validate(exported)
    assert bundle.type == "transaction"
    for entry, parsed in zip(exported["entry"], bundle.entry or [], strict=True):
        kind = entry["resource"]["resourceType"]
        assert type(parsed.resource).__name__ == kind
        get_fhir_model_class(kind).model_validate(entry["resource"])  # and each on its own
        assert "meta" not in entry["resource"]  # no profile claimed (US Core needs data we do not hold)


def test_counts_match_the_demo_patient(exported: dict[str, Any], demo_store: Store) -> None:
    pid = demo_store.patients()[0].id
    entries = demo_store.entries(pid)
    activities = demo_store.activities(pid, include_archived=True)
    weekly = sum(
        len(e.values) + len(e.rom) + len(e.activities) + sum(r.minutes is not None for r in e.activities)
        for e in entries
    )
    observations = _resources(exported, "Observation")
    by_code = Counter(_own(o["code"]) for o in observations)
    scores = {code: n for code, n in by_code.items() if code.startswith("score-")}
    assert sum(by_code.values()) - sum(scores.values()) == weekly
    assert by_code["pain"] == sum("pain" in e.values for e in entries) == 24
    assert scores.pop("score-PSFS") == sum(bool(psfs_ratings(e, activities)) for e in entries)
    measures = demo_store.measures(pid)
    assert len(_resources(exported, "QuestionnaireResponse")) == len(measures) == 18
    # one score per result, two for the COPM (performance and satisfaction)
    assert sum(scores.values()) == len(measures) + sum(m.instrument == "COPM" for m in measures)
    assert scores["score-COPM_performance"] == scores["score-COPM_satisfaction"] == 2
    assert len(_resources(exported, "Goal")) == len(demo_store.goals(pid)) == 7
    notes = sum(bool(e.notes.strip()) for e in entries)
    assert len(_resources(exported, "Communication")) == len(demo_store.events(pid)) + notes
    assert {q["name"] for q in _resources(exported, "Questionnaire")} == {"LEFS", "QuickDASH", "COPM", "GAS"}
    assert (
        Counter(r["resourceType"] for r in _resources(exported))["Patient"] == 1
        and Counter(r["resourceType"] for r in _resources(exported))["Provenance"] == 1
    )


def test_codes_units_and_periods(exported: dict[str, Any], demo_store: Store) -> None:
    pid = demo_store.patients()[0].id
    for obs in _resources(exported, "Observation"):
        assert obs["status"] in OBSERVATION_STATUS and obs["status"] == "final"
        [cat] = obs["category"]
        assert _codes(cat, "http://terminology.hl7.org/CodeSystem/observation-category") in (
            ["survey"],
            ["exam"],
        )
        quantity = obs["valueQuantity"]
        assert quantity["system"] == UCUM
        assert quantity["code"] in {"min", "h", "deg", "{score}", "/wk"}
        code = _own(obs["code"])
        if code in MARKER_UNIT:
            assert quantity["code"] == MARKER_UNIT[code], code
            # the weekly average is not a point-in-time rating: no LOINC 72514-3 on it
            assert not _codes(obs["code"], "http://loinc.org")
        if code.startswith("rom-"):
            assert quantity["code"] == "deg" and _codes(cat, cat["coding"][0]["system"]) == ["exam"]
            assert _codes(obs["method"], OWN) == ["active"]
            site = obs["bodySite"]
            if code.startswith("rom-knee"):
                assert _codes(site, SNOMED) == [RIGHT_KNEE] and "extension" not in site
            else:
                assert code.startswith("rom-wrist")
                assert _codes(site, SNOMED) == [WRIST]
                [side] = site["extension"]
                assert _codes(side["valueCodeableConcept"], SNOMED) == [LEFT]
        if "effectivePeriod" in obs:
            start = date.fromisoformat(obs["effectivePeriod"]["start"])
            end = date.fromisoformat(obs["effectivePeriod"]["end"])
            assert start.weekday() == 0 and end - start == timedelta(days=6)
        else:
            assert code.startswith("score-")
    for goal, stored in zip(_resources(exported, "Goal"), demo_store.goals(pid), strict=True):
        assert goal["lifecycleStatus"] in GOAL_LIFECYCLE and goal["lifecycleStatus"] == "active"
        assert _codes(
            goal["achievementStatus"], "http://terminology.hl7.org/CodeSystem/goal-achievement"
        ) == ["in-progress"]
        assert set(goal["achievementStatus"]["coding"][0]["code"].split()) <= GOAL_ACHIEVEMENT
        [category] = goal["category"]
        if stored.discipline == "PT":
            assert _codes(category, "http://terminology.hl7.org/CodeSystem/goal-category") == [
                "physiotherapy"
            ]
        else:
            assert _codes(category, OWN) == ["occupational-therapy"]
        [target] = goal["target"]
        bound = "high" if stored.direction == "lower" else "low"
        assert list(target["detailRange"]) == [bound]
        assert target["detailRange"][bound]["value"] == stored.target
        assert target["dueDate"] == stored.target_date.isoformat()
        assert goal["description"]["text"] == stored.title
    for response in _resources(exported, "QuestionnaireResponse"):
        assert response["status"] in QR_STATUS
    for questionnaire in _resources(exported, "Questionnaire"):
        assert questionnaire["status"] in PUBLICATION_STATUS
        assert questionnaire["url"].startswith("https://") and questionnaire["version"]
        # copyrighted wording (LEFS, QuickDASH) and the patient's own problems and goals are not shipped
        assert all("text" not in item for item in questionnaire["item"])


def test_every_reference_resolves_inside_the_bundle(exported: dict[str, Any]) -> None:
    full_urls = {e["fullUrl"] for e in exported["entry"]}
    assert len(full_urls) == len(exported["entry"])
    references = list(_references(exported["entry"]))
    assert references and set(references) <= full_urls
    by_url = {e["fullUrl"]: e["resource"] for e in exported["entry"]}
    [patient_url] = [u for u, r in by_url.items() if r["resourceType"] == "Patient"]
    for resource in by_url.values():
        if "subject" in resource:
            assert resource["subject"]["reference"] == patient_url
        for source in resource.get("derivedFrom", []):
            kind = by_url[source["reference"]]["resourceType"]
            score = _own(resource["code"])
            assert kind == ("Observation" if score == "score-PSFS" else "QuestionnaireResponse")
    [provenance] = _resources(exported, "Provenance")
    [device_url] = [u for u, r in by_url.items() if r["resourceType"] == "Device"]
    targets = {t["reference"] for t in provenance["target"]}
    assert targets == set(by_url) - {device_url, f"urn:uuid:{provenance['id']}"}
    assert provenance["agent"][0]["who"]["reference"] == device_url
    assert by_url[device_url]["deviceName"][0]["name"] == "RehabTrack"


def test_transaction_entries_are_conditional_puts_on_identifiers(exported: dict[str, Any]) -> None:
    for entry in exported["entry"]:
        resource, request = entry["resource"], entry["request"]
        assert request["method"] == "PUT"
        kind = resource["resourceType"]
        if kind == "Provenance":
            assert request["url"] == f"Provenance/{resource['id']}"
        elif kind == "Questionnaire":
            assert request["url"] == f"Questionnaire?url={resource['url']}&version={resource['version']}"
        else:
            identifiers = resource["identifier"]
            first = identifiers if isinstance(identifiers, dict) else identifiers[0]
            assert request["url"] == f"{kind}?identifier={first['system']}|{first['value']}"


def test_collection_has_no_requests(demo_store: Store, tmp_path: Path) -> None:
    bundle = _export(demo_store, tmp_path / "c.json", bundle_type="collection")
    assert bundle["type"] == "collection"
    assert all("request" not in e for e in bundle["entry"])
    Bundle.model_validate(bundle)


def test_a_second_export_gives_the_same_ids(demo_store: Store, tmp_path: Path) -> None:
    first = _export(demo_store, tmp_path / "a.json")
    pid = demo_store.patients()[0].id
    export_fhir(demo_store, pid, tmp_path / "b.json", now=NOW + timedelta(days=3))
    second = json.loads((tmp_path / "b.json").read_text())
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert [e["resource"] for e in first["entry"]][:-1] == [e["resource"] for e in second["entry"]][:-1]


def test_the_file_is_the_users_only(demo_store: Store, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "demo.json"
        _export(demo_store, out)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o600


def test_mrn_and_period(demo_store: Store, tmp_path: Path) -> None:
    pid = demo_store.patients()[0].id
    weeks = [e.week for e in demo_store.entries(pid)]
    bundle = _export(
        demo_store,
        tmp_path / "p.json",
        subject_identifier=("urn:oid:1.2.36.146.595.217.0.1", "MRN-778"),
        first=weeks[2],
        last=weeks[5],
    )
    [patient] = _resources(bundle, "Patient")
    assert {"use": "official", "system": "urn:oid:1.2.36.146.595.217.0.1", "value": "MRN-778"} in patient[
        "identifier"
    ]
    starts = {
        o["effectivePeriod"]["start"] for o in _resources(bundle, "Observation") if "effectivePeriod" in o
    }
    assert starts == {w.isoformat() for w in weeks[2:6]}


def test_imported_into_an_empty_database_every_value_goal_and_score_is_unchanged(
    demo_store: Store, exported: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "demo.fhir.json"
    other = open_store(tmp_path / "empty")
    try:
        report, left_out = import_fhir(other, path)
        assert left_out == [] and report.conflicts == []
        assert _history(other) == _history(demo_store)
        again, _ = import_fhir(other, path)
        assert not again.changed  # importing it twice adds nothing
    finally:
        other.close()


def _history(store: Store) -> dict[str, Any]:
    """A patient's records without database ids (activities by name)."""
    [patient] = store.patients()
    pid = patient.id
    names = {a.id: a.name for a in store.activities(pid, include_archived=True)}
    goals = {g.id: (g.discipline, g.title) for g in store.goals(pid)}

    def marker(key: str) -> str:
        kind, _, rest = key.partition("/")
        return f"{kind}/{names[int(rest)]}" if kind == "activity" else key

    return {
        "name": patient.display_name,
        "activities": sorted((a.name, a.discipline) for a in store.activities(pid, include_archived=True)),
        "weeks": [
            (
                e.week,
                e.values,
                sorted((r.series_key, r.degrees) for r in e.rom),
                sorted((names[r.activity_id], r.rating, r.minutes) for r in e.activities),
                e.notes,
            )
            for e in store.entries(pid)
        ],
        "goals": [
            (g.discipline, g.title, marker(g.marker), g.target, g.direction, g.baseline, g.start)
            + (g.target_date, g.status, g.set_by)
            for g in store.goals(pid)
        ],
        "events": [(e.day, e.kind, e.text) for e in store.events(pid)],
        "scores": [
            (m.instrument, m.taken, m.answers, m.copm, m.score, m.satisfaction, goals.get(m.goal_id))
            + (tuple((g.goal, g.level, g.weight, goals.get(g.goal_id)) for g in m.gas),)
            for m in store.measures(pid)
        ],
    }


def _readme_codes() -> set[str]:
    """The codes README lists for the RehabTrack CodeSystem (its FHIR export section)."""
    import re

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## FHIR export", 1)[1].split("\n## ", 1)[0]
    listed = section.split(f"CodeSystem `{OWN}`:", 1)[1].split("Other extensions", 1)[0]
    return {code for code in re.findall(r"`([^`]+)`", listed) if not code.startswith("https://")}


def test_every_code_of_our_codesystem_is_listed_in_readme(exported: dict[str, Any]) -> None:
    used = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("system") == OWN:
                used.add(value["code"])
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(exported)
    listed = _readme_codes()
    assert len(used) > 30
    assert used <= listed, used - listed
    from rehabtrack.fhir.codes import OWN_CODES

    assert set(OWN_CODES) == listed  # README lists the whole CodeSystem, and nothing else


def test_only_the_r4b_models_are_imported() -> None:
    """fhir.resources' default package is R5: RehabTrack imports its R4B models only."""
    import ast

    package = Path(__file__).parents[2] / "rehabtrack"
    found = []
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            found += [(source.name, n) for n in names if n == "fhir" or n.startswith("fhir.")]
    assert found and all(name.startswith("fhir.resources.R4B") for _, name in found), found
