"""Importing a FHIR Bundle: the conflict-listing merge, scores computed from the answers, every
unreadable resource named (and nothing imported), other resources left out and listed, no network."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
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


def test_resources_rehabtrack_did_not_write_are_left_out_and_listed(exported: Bundle, tmp_path: Path) -> None:
    patient_url = exported["entry"][0]["fullUrl"]
    exported["entry"].append(  # an EHR's own vital sign: not unreadable, only not RehabTrack's
        {
            "fullUrl": "urn:uuid:00000000-0000-4000-8000-0000000000aa",
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                "subject": {"reference": patient_url},
                "valueQuantity": {"value": 72, "system": "http://unitsofmeasure.org", "code": "/min"},
            },
        }
    )
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
        assert left_out == ["2 Encounter", "1 Observation"]
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


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = open_store(data_dir)
    yield opened
    opened.close()


def test_every_kind_of_reading_and_goal_comes_back_unchanged(store: Store, tmp_path: Path) -> None:
    """Beyond the demo: passive and axial ROM, joints with and without a SNOMED CT code, an NPRS and an
    ODI with a section left out, goals on adherence, a score and a passive angle with a baseline, goals
    achieved and discontinued, an archived patient."""
    from datetime import date

    from rehabtrack.core.measure_series import MeasureResult
    from rehabtrack.core.model import (
        Activity,
        ActivityRating,
        Direction,
        Discipline,
        Event,
        EventKind,
        Goal,
        GoalStatus,
        Patient,
        WeeklyEntry,
    )
    from rehabtrack.core.rom import RomMode, RomReading, Side

    ann = store.save_patient(Patient("Ann Example", archived=True))
    pid = ann.id
    assert pid is not None
    sew = store.save_activity(pid, Activity("Sew a button", Discipline.OT))
    monday = date(2025, 3, 3)
    store.save_entry(
        pid,
        WeeklyEntry(
            monday,
            {"sleep_hours": 6.5, "exercise_days_done": 3, "exercise_days_prescribed": 5},
            (
                RomReading("hip", Side.LEFT, "internal rotation", 31.5, RomMode.PASSIVE),
                RomReading("neck", Side.NONE, "rotation", 70),
                RomReading("shoulder", Side.RIGHT, "abduction", 150),
                RomReading("knee", Side.LEFT, "extension", -4),
            ),
            (ActivityRating(sew.id or 0, 4),),
            "Line one\nline two, with “quotes” & <brackets>",
        ),
    )
    for goal in (
        Goal(Discipline.PT, "Exercise most days", "exercise_adherence", 80, Direction.HIGHER, 40.0),
        Goal(
            Discipline.PT,
            "ODI under 20",
            "measure/ODI",
            20,
            Direction.LOWER,
            status=GoalStatus.MARKED_ACHIEVED,
        ),
        Goal(
            Discipline.OT,
            "Hip rotation",
            "rom/hip/left/internal rotation/passive",
            40,
            Direction.HIGHER,
            status=GoalStatus.DISCONTINUED,
            start=monday,
            target_date=date(2025, 9, 1),
            set_by="Dr Who",
        ),
        Goal(Discipline.OT, "Sew again", f"activity/{sew.id}", 8, Direction.HIGHER),
    ):
        store.save_goal(pid, goal)
    odi_goal = store.goals(pid)[1].id
    store.save_measure(pid, MeasureResult("NPRS", date(2025, 3, 4), (6.0,)))
    odi = (1.0, 2.0, None, 3.0, 2.0, 1.0, 0.0, 2.0, 3.0, 1.0)
    store.save_measure(pid, MeasureResult("ODI", date(2025, 3, 4), odi, goal_id=odi_goal))
    store.save_event(pid, Event(date(2025, 3, 5), EventKind.INJECTION, "Knee injection"))
    store.save_event(pid, Event(date(2025, 3, 5), EventKind.INJECTION, "Second one, same day"))

    export_fhir(store, pid, tmp_path / "ann.json")
    bundle = json.loads((tmp_path / "ann.json").read_text(encoding="utf-8"))
    nprs = next(e["resource"] for e in bundle["entry"] if _code(e["resource"]) == "score-NPRS")
    assert nprs["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating",
    }
    other = open_store(tmp_path / "other")
    try:
        import_fhir(other, tmp_path / "ann.json")
        [copy] = other.patients(include_archived=True)
        assert copy.archived and copy.display_name == "Ann Example"
        assert copy.id is not None

        def same(s: Store, p: int) -> tuple[Any, ...]:
            names = {a.id: a.name for a in s.activities(p, True)}
            goals = {g.id: g.title for g in s.goals(p)}
            [entry] = s.entries(p)
            return (
                entry.values,
                entry.rom,
                [(names[r.activity_id], r.rating, r.minutes) for r in entry.activities],
                entry.notes,
                [
                    (g.discipline, g.title, g.marker.replace(str(sew.id), names.get(sew.id, "?")), g.target)
                    + (g.direction, g.baseline, g.start, g.target_date, g.status, g.set_by)
                    for g in s.goals(p)
                    if not g.marker.startswith("activity/")
                ],
                [(m.instrument, m.answers, m.score, goals.get(m.goal_id)) for m in s.measures(p)],
                [(e.day, e.kind, e.text) for e in s.events(p)],
            )

        assert same(other, copy.id) == same(store, pid)
        assert [g.title for g in other.goals(copy.id)] == [g.title for g in store.goals(pid)]
    finally:
        other.close()


def test_text_with_spaces_fhir_cannot_hold_is_written_with_plain_ones(store: Store, tmp_path: Path) -> None:
    """A FHIR string's only white space is space, tab, CR and LF: a no-break space pasted into a name,
    a goal, a note or an event is written as a space, and the file still passes the models."""
    from datetime import date

    from rehabtrack.core.model import Direction, Discipline, Event, EventKind, Goal, Patient, WeeklyEntry

    ann = store.save_patient(Patient("Ann\xa0Example"))
    pid = ann.id
    assert pid is not None
    store.save_entry(pid, WeeklyEntry(date(2025, 3, 3), {"pain": 4}, notes="Walked\u2028far\x85"))
    store.save_goal(pid, Goal(Discipline.PT, "Pain\xa02 or less", "pain", 2, Direction.LOWER))
    store.save_event(pid, Event(date(2025, 3, 4), EventKind.OTHER, "New\u3000shoes"))
    export_fhir(store, pid, tmp_path / "ann.json")
    other = open_store(tmp_path / "other")
    try:
        report, _ = import_fhir(other, tmp_path / "ann.json")
        copy = report.patient_id
        assert other.patient(copy).display_name == "Ann Example"
        assert other.entries(copy)[0].notes == "Walked far "
        assert [g.title for g in other.goals(copy)] == ["Pain 2 or less"]
        assert [e.text for e in other.events(copy)] == ["New shoes"]
    finally:
        other.close()


def test_a_system_with_spaces_is_refused_before_anything_is_written() -> None:
    from rehabtrack.fhir.export import parse_subject_identifier

    assert parse_subject_identifier(" urn:oid:1.2.3 | MRN\xa042 ") == ("urn:oid:1.2.3", "MRN 42")
    with pytest.raises(ValueError, match="SYSTEM must be a URI without spaces"):
        parse_subject_identifier("my clinic|42")


def test_a_week_with_a_value_twice_is_named_never_silently_taken(exported: Bundle, tmp_path: Path) -> None:
    import copy

    n, pain = _first(exported, lambda r: _code(r) == "pain")
    twin = copy.deepcopy(pain) | {"id": "twin"}
    twin["valueQuantity"]["value"] = (pain["valueQuantity"]["value"] + 3) % 11
    exported["entry"].append({"fullUrl": "urn:uuid:00000000-0000-4000-8000-0000000000bb", "resource": twin})
    _, note = _first(exported, lambda r: "weekly-note" in json.dumps(r.get("category", "")))
    exported["entry"].append(
        {"fullUrl": "urn:uuid:00000000-0000-4000-8000-0000000000cc", "resource": note | {"id": "note2"}}
    )
    store = open_store(tmp_path / "empty")
    try:
        with pytest.raises(FhirImportError) as caught:
            import_fhir(store, _write(exported, tmp_path / "twice.json"))
        lines = str(caught.value).splitlines()[1:]
        week = pain["effectivePeriod"]["start"]
        assert any(f"the week of {week} has Pain (weekly average) twice" in line for line in lines)
        assert any(f"the week of {note['sent']} has a second note" in line for line in lines)
        assert len(lines) == 2 and store.patients(include_archived=True) == []
    finally:
        store.close()
