"""Read a FHIR Bundle that RehabTrack exported back into RehabTrack (``rehabtrack import FILE.json``).

Every resource is checked with its ``fhir.resources`` R4B model first, then read back into the shape of
a patient bundle, which goes through the same checks and the same conflict-listing merge as a bundle
(``storage.bundle.history_from_json``, ``Store.import_histories``): nothing stored is overwritten
silently, and questionnaire scores are computed again from the answers, never taken from the file's
score Observations. A resource that cannot be read (fails its model, has a code, unit or reference
RehabTrack does not know) is named, and nothing is imported. Resources RehabTrack did not write (an
EHR's Encounter, an Observation without a RehabTrack code…) are left out and listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rehabtrack.core.imports import History, ImportReport, OnConflict
from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.rom import Side
from rehabtrack.core.validation import InvalidInput
from rehabtrack.fhir import codes as c
from rehabtrack.storage.bundle import BundleError, history_from_json
from rehabtrack.storage.store import Store

Json = dict[str, Any]
OURS_IGNORED = {"Device", "Provenance", "Questionnaire"}  # nothing of the patient's to bring back
SIDE_OF_SNOMED = {
    **{code: side for side, (code, _) in c.LATERALITY_SNOMED.items()},
    **{code: side for (_, side), (code, _) in c.SIDED_JOINT_SNOMED.items()},
}
STATUS_OF_LIFECYCLE = {"active": "active", "completed": "achieved", "cancelled": "discontinued"}


class FhirImportError(ValueError):
    """The file is not a FHIR Bundle RehabTrack can import; nothing was imported."""


class _Unreadable(Exception):
    pass


class _NotOurs(Exception):
    """A resource RehabTrack did not write (an EHR's vital signs, its own goals…): left out and listed."""


def is_fhir(path: Path) -> bool:
    """A FHIR Bundle by its content: a JSON object whose first bytes name ``"resourceType": "Bundle"``."""
    try:
        with Path(path).open("rb") as f:
            start = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return start.startswith(b"{") and b'"resourceType"' in start and b'"Bundle"' in start


@dataclass
class _Reader:
    path: Path
    problems: list[str] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    weeks: dict[str, Json] = field(default_factory=dict)
    activities: dict[str, Json] = field(default_factory=dict)
    goals: dict[str, Json] = field(default_factory=dict)  # fullUrl -> the goal in bundle shape
    goal_refs: dict[str, Json] = field(default_factory=dict)  # fullUrl -> {"discipline", "title"}
    events: list[Json] = field(default_factory=list)
    measures: list[Json] = field(default_factory=list)
    patient: Json | None = None
    positions: dict[str, int] = field(default_factory=dict)  # activity name -> its place in the list
    unreadable: set[str] = field(default_factory=set)  # fullUrls already named as unreadable

    def week(self, day: str) -> Json:
        if date.fromisoformat(day).weekday() != 0:
            raise _Unreadable(f"the week must start on a Monday (got {day})")
        return self.weeks.setdefault(
            day, {"week": day, "values": {}, "rom": [], "activities": [], "notes": None}
        )


def read_fhir(path: Path) -> tuple[History, list[str]]:
    """The Bundle as a patient's history (checked by core), and what was left out ("2 Encounter")."""
    path = Path(path)
    try:
        data = json.loads(Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except OSError as exc:
        raise FhirImportError(
            f"Nothing was imported: {path} cannot be read ({exc.strerror or exc})."
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise FhirImportError(f"Nothing was imported: {path} is not valid JSON ({exc}).") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise FhirImportError(f"Nothing was imported: {path} is not a FHIR Bundle.")
    reader = _Reader(path)
    entries = [(n, e) for n, e in enumerate(data.get("entry") or [], 1)]
    checked = list(_checked(reader, entries))
    for when in ("first", "then"):  # goals first: questionnaire results refer to them
        for n, name, resource in checked:
            if (resource["resourceType"] == "Goal") == (when == "first"):
                try:
                    _read(reader, resource, name)
                except _NotOurs:
                    kind = resource["resourceType"]
                    reader.left_out[kind] = reader.left_out.get(kind, 0) + 1
                except _Unreadable as exc:
                    reader.problems.append(f"entry {n} ({name}): {exc}")
                    reader.unreadable.add(resource["_fullUrl"])
                except (KeyError, TypeError, ValueError, IndexError) as exc:
                    reader.problems.append(f"entry {n} ({name}): unexpected content ({exc})")
                    reader.unreadable.add(resource["_fullUrl"])
    if reader.patient is None and not reader.problems:
        reader.problems.append("no Patient resource")
    if reader.problems:
        shown = "\n".join(f"  {p}" for p in reader.problems)
        raise FhirImportError(
            f"Nothing was imported: {path} has {len(reader.problems)} resource(s) RehabTrack cannot read."
            f"\n{shown}"
        )
    shaped = {
        "format": "rehabtrack-patient-bundle",
        "version": 1,  # the shape of a bundle; a FHIR file says nothing of the maintenance plan
        "patient": reader.patient,
        "activities": sorted(  # the patient's own order, as the file gives it
            reader.activities.values(), key=lambda a: reader.positions.get(a["name"], len(reader.activities))
        ),
        "entries": sorted(reader.weeks.values(), key=lambda w: w["week"]),
        "goals": list(reader.goals.values()),
        "events": reader.events,
        "measures": reader.measures,
    }
    history = history_from_json(path, json.dumps(shaped).encode(), version=1)
    left_out = [f"{n} {kind}" for kind, n in sorted(reader.left_out.items())]
    return history, left_out


def import_fhir(
    store: Store, path: Path, on_conflict: OnConflict = OnConflict.KEEP, *, dry_run: bool = False
) -> tuple[ImportReport, list[str]]:
    """Import the Bundle all-or-nothing through the store's one merge path; also says what was left out."""
    history, left_out = read_fhir(path)
    try:
        return store.import_histories([history], on_conflict, dry_run=dry_run), left_out
    except InvalidInput as exc:
        problems = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
        raise BundleError(f"Nothing was imported: {path} would leave invalid data: {problems}") from exc


def _checked(reader: _Reader, entries: list[tuple[int, Any]]) -> Iterator[tuple[int, str, Json]]:
    """Each entry's resource that passes its R4B model, as (position, "Observation urn:uuid:…", dict)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    for n, entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            reader.problems.append(f"entry {n}: has no resource")
            continue
        kind = str(resource.get("resourceType"))
        name = f"{kind} {entry.get('fullUrl') or resource.get('id') or ''}".strip()
        try:
            model = get_fhir_model_class(kind)
        except (ValueError, KeyError):
            reader.problems.append(f"entry {n} ({name}): {kind!r} is not a FHIR resource type")
            continue
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "the resource"
            reader.problems.append(f"entry {n} ({name}): {where}: {first['msg']}")
            continue
        resource = dict(resource, _fullUrl=entry.get("fullUrl") or f"{kind}/{resource.get('id')}")
        yield n, name, resource


def _own_code(concept: Json | None) -> str | None:
    for cd in (concept or {}).get("coding") or []:
        if cd.get("system") == c.CODE_SYSTEM:
            return str(cd.get("code"))
    return None


def _extension(resource: Json, url: str) -> Json | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def _value(quantity: Json | None, unit: str) -> float:
    if not quantity or quantity.get("value") is None:
        raise _Unreadable("has no value")
    if quantity.get("code") != unit or quantity.get("system", c.UCUM) != c.UCUM:
        raise _Unreadable(f"unit must be UCUM {unit!r} (got {quantity.get('code')!r})")
    return float(quantity["value"])


def _activity(reader: _Reader, resource: Json) -> str:
    ext = _extension(resource, c.EXT_ACTIVITY)
    parts = {e.get("url"): e for e in (ext or {}).get("extension") or []}
    name = (parts.get("name") or {}).get("valueString")
    discipline = (parts.get("discipline") or {}).get("valueCode")
    if not name or discipline not in ("PT", "OT"):
        raise _Unreadable("the activity (name and PT or OT) is missing")
    position = (parts.get("position") or {}).get("valueInteger")
    reader.activities.setdefault(name, {"name": name, "discipline": discipline, "archived": False})
    if isinstance(position, int):
        reader.positions.setdefault(name, position)
    return str(name)


def _read(reader: _Reader, r: Json, name: str) -> None:
    kind = r["resourceType"]
    if kind == "Patient":
        _patient(reader, r)
    elif kind == "Observation":
        _observation(reader, r)
    elif kind == "Goal":
        _goal(reader, r)
    elif kind == "QuestionnaireResponse":
        _response(reader, r)
    elif kind == "Communication":
        _communication(reader, r)
    elif kind not in OURS_IGNORED:
        reader.left_out[kind] = reader.left_out.get(kind, 0) + 1


def _patient(reader: _Reader, r: Json) -> None:
    if reader.patient is not None:
        raise _Unreadable("a second Patient: a RehabTrack FHIR file holds one patient")
    uid = next((i.get("value") for i in r.get("identifier") or [] if i.get("system") == c.PATIENT_UID), None)
    names = r.get("name") or []
    text = names[0].get("text") if names else None
    if names and not text:
        text = " ".join([*(names[0].get("given") or []), names[0].get("family") or ""]).strip()
    if not uid:
        raise _Unreadable(f"has no identifier of system {c.PATIENT_UID}")
    if not text:
        raise _Unreadable("has no name (a de-identified export cannot be imported)")
    reader.patient = {"uid": uid, "display_name": text, "archived": r.get("active") is False}


def _observation(reader: _Reader, r: Json) -> None:
    code = _own_code(r.get("code"))
    if code is None:
        raise _NotOurs
    if code.startswith("score-"):
        return  # scores are computed again from the answers (or, for the PSFS, from the ratings)
    start = (r.get("effectivePeriod") or {}).get("start")
    if not start:
        raise _Unreadable("has no effectivePeriod (the week)")
    week = reader.week(str(start)[:10])
    if code in c.MARKER_UNITS:
        _once(week, week["values"], code, c.OWN_CODES[code])
        week["values"][code] = _value(r.get("valueQuantity"), c.MARKER_UNITS[code])
    elif code in c.ROM_CODES:
        joint, movement = c.ROM_CODES[code]
        week["rom"].append(
            {
                "joint": joint,
                "side": _side(r.get("bodySite") or {}),
                "movement": movement,
                "degrees": _value(r.get("valueQuantity"), "deg"),
                "mode": _own_code(r.get("method")) or "active",
            }
        )
    elif code in ("activity-rating", "activity-minutes"):
        activity = _activity(reader, r)
        rating = next((a for a in week["activities"] if a["activity"] == activity), None)
        if rating is None:
            rating = {"activity": activity, "rating": None, "minutes": None}
            week["activities"].append(rating)
        key = "rating" if code == "activity-rating" else "minutes"
        if rating[key] is not None:
            raise _Unreadable(f"the week of {week['week']} has {activity} {key} twice")
        rating[key] = _value(r.get("valueQuantity"), "{score}" if key == "rating" else "min")
    else:
        raise _Unreadable(f"code {code!r} is not a weekly marker RehabTrack reads")


def _once(week: Json, values: Json, key: str, label: str) -> None:
    """A week holds one value of each marker: a second one is named, never silently taken."""
    if key in values:
        raise _Unreadable(f"the week of {week['week']} has {label} twice")


def _side(site: Json) -> str:
    for cd in site.get("coding") or []:
        if cd.get("system") == c.SNOMED and cd.get("code") in SIDE_OF_SNOMED:
            return SIDE_OF_SNOMED[cd["code"]].value
    ext = _extension(site, c.EXT_LATERALITY)
    for cd in ((ext or {}).get("valueCodeableConcept") or {}).get("coding") or []:
        if cd.get("code") in SIDE_OF_SNOMED:
            return SIDE_OF_SNOMED[cd["code"]].value
    return Side.NONE.value


def _goal(reader: _Reader, r: Json) -> None:
    category = {cd.get("code") for cat in r.get("category") or [] for cd in cat.get("coding") or []}
    discipline = (
        "PT" if c.PT_GOAL_CATEGORY[1] in category else "OT" if c.OT_GOAL_CATEGORY[1] in category else None
    )
    series = (_extension(r, c.EXT_SERIES) or {}).get("valueString")
    if not series:
        raise _NotOurs  # not a goal RehabTrack wrote: it names no series to follow
    if discipline is None:
        raise _Unreadable("its category names neither physiotherapy nor occupational therapy")
    status = STATUS_OF_LIFECYCLE.get(r.get("lifecycleStatus", ""))
    if status is None:
        raise _Unreadable(
            f"lifecycleStatus {r.get('lifecycleStatus')!r} is not active, completed or cancelled"
        )
    if series == "minutes":  # as with a patient bundle
        raise _Unreadable("a goal on the minutes an activity was tolerated cannot be imported")
    marker: Any = {"activity": _activity(reader, r)} if series == "activity" else series
    targets = r.get("target") or []
    if len(targets) != 1:
        raise _Unreadable("must have exactly one target")
    target = targets[0]
    detail = target.get("detailRange") or {}
    bound = "low" if detail.get("low") else "high"
    unit = (detail.get(bound) or {}).get("code")
    baseline = (_extension(r, c.EXT_BASELINE) or {}).get("valueQuantity")
    title = (r.get("description") or {}).get("text")
    if not title:
        raise _Unreadable("has no description text")
    goal = {
        "discipline": discipline,
        "title": title,
        "marker": marker,
        "target": _value(detail.get(bound), str(unit)),
        "direction": "higher" if bound == "low" else "lower",
        "baseline": _value(baseline, str(unit)) if baseline else None,
        "start": r.get("startDate"),
        "target_date": target.get("dueDate"),
        "status": status,
        "set_by": (_extension(r, c.EXT_SET_BY) or {}).get("valueString"),
    }
    reader.goals[r["_fullUrl"]] = goal
    reader.goal_refs[r["_fullUrl"]] = {"discipline": discipline, "title": title}


def _goal_ref(reader: _Reader, reference: Json | None) -> Json | None:
    if reference is None:
        return None
    found = reader.goal_refs.get(str(reference.get("reference")))
    if found is None and reference.get("reference") in reader.unreadable:
        return None  # the goal is named as unreadable already
    if found is None:
        raise _Unreadable(f"refers to {reference.get('reference')}, which is not a Goal in this Bundle")
    return found


def _answers(items: list[Json]) -> dict[str, Any]:
    """linkId -> the answer's value, at any depth."""
    found: dict[str, Any] = {}
    for item in items:
        for answer in item.get("answer") or []:
            for key, value in answer.items():
                if key.startswith("value"):
                    found[item["linkId"]] = value
        found.update(_answers(item.get("item") or []))
    return found


def _response(reader: _Reader, r: Json) -> None:
    canonical = str(r.get("questionnaire") or "")
    family = canonical.removeprefix(f"{c.QUESTIONNAIRE}/").partition("|")[0]
    if not canonical.startswith(f"{c.QUESTIONNAIRE}/"):
        raise _NotOurs
    if family not in {i.family for i in INSTRUMENTS.values()}:
        raise _Unreadable(f"questionnaire {canonical!r} is not one of RehabTrack's")
    taken = str(r.get("authored") or "")[:10]
    if not taken:
        raise _Unreadable("has no authored date")
    answers = _answers(r.get("item") or [])
    goal = _goal_ref(reader, (_extension(r, c.EXT_MEASURES_GOAL) or {}).get("valueReference"))
    result: Json = {"instrument": family, "taken": taken, "answers": [], "copm": [], "gas": [], "goal": goal}
    groups = [i["linkId"] for i in r.get("item") or []]
    if family == "COPM":
        result["copm"] = [
            {k: _number(answers.get(f"{g}.{k}"), k) for k in ("importance", "performance", "satisfaction")}
            | {"name": answers.get(f"{g}.name") or ""}
            for g in groups
        ]
    elif family == "GAS":
        result["gas"] = [
            {
                "goal": answers.get(f"{g}.name") or "",
                "level": int(_number(answers.get(f"{g}.level"), "level")),
                "weight": _number(answers.get(f"{g}.weight", 1.0), "weight"),
                "linked_goal": _goal_ref(reader, answers.get(f"{g}.goal")),
            }
            for g in groups
        ]
    else:
        count = max(i.max_items for i in INSTRUMENTS.values() if i.family == family)
        values: list[float | None] = [None] * count
        for link, value in answers.items():
            if not link.isdigit() or not 1 <= int(link) <= count:
                raise _Unreadable(f"item {link!r} is not an item of the {family} (1 to {count})")
            values[int(link) - 1] = _number(value, f"item {link}")
        result["answers"] = values
    reader.measures.append(result)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Unreadable(f"{what} must be a number (got {value!r})")
    return float(value)


def _communication(reader: _Reader, r: Json) -> None:
    code = next((_own_code(cat) for cat in r.get("category") or [] if _own_code(cat)), None)
    sent = str(r.get("sent") or "")[:10]
    text = "\n".join(p["contentString"] for p in r.get("payload") or [] if p.get("contentString"))
    if not sent:
        raise _Unreadable("has no sent date")
    if code == "weekly-note":
        week = reader.week(sent)
        if week["notes"] is not None:
            raise _Unreadable(f"the week of {sent} has a second note")
        week["notes"] = text
        return
    kinds = {f"event-{c.slug(k)}": k for k in _event_kinds()}
    if code is None:
        raise _NotOurs
    if code not in kinds:
        raise _Unreadable(f"category {code!r} is neither a weekly note nor a RehabTrack event")
    reader.events.append({"day": sent, "kind": kinds[code], "text": text})


def _event_kinds() -> list[str]:
    from rehabtrack.core.model import EventKind

    return [k.value for k in EventKind]
