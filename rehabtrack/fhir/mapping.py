"""A patient's records as one FHIR R4 Bundle, in plain Python: core objects in, JSON-ready dicts out.

Every resource id is a UUIDv5 of the patient's uid and a natural key ("week/2025-03-03/pain"), so a
second export of the same records gives the same ids and an EHR's conditional PUT updates rather than
duplicates. What goes where:

- ``Patient``: the RehabTrack uid as an identifier (and the clinic's MRN when given) and the name.
- ``Observation``: one per logged marker per week (``effectivePeriod`` Monday–Sunday), ROM with a
  SNOMED CT body site, activity ratings and minutes; one per questionnaire score (``derivedFrom`` its
  ``QuestionnaireResponse``) and one PSFS per week (``derivedFrom`` that week's activity ratings).
- ``Questionnaire`` (canonical url, version, status) and ``QuestionnaireResponse`` per result.
- ``Goal`` per PT and OT goal; ``Communication`` per event and per weekly note (its ``sent`` date is the
  event's day, or the Monday of the note's week).
- ``Device`` (RehabTrack and its version) and a ``Provenance`` whose target lists every resource.

``deidentify`` drops names, the MRN and free text (notes, event text, clinician names; activities,
goals, COPM problems and GAS goals become "Activity 1", "PT goal 1"…) and moves every date by the same
whole number of weeks, worked out from the uid, so weeks stay Monday to Sunday and intervals stay true.

No FHIR library is imported here: ``rehabtrack.fhir.export`` validates what this builds.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.measure_series import MeasureResult, psfs_ratings
from rehabtrack.core.model import Activity, Discipline, Event, Goal, GoalStatus, Patient, WeeklyEntry
from rehabtrack.core.rom import AXIAL_JOINTS, RomMode, RomReading, Side
from rehabtrack.core.series import MINUTES_PREFIX, describe
from rehabtrack.fhir import codes as c

Json = dict[str, Any]
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, c.BASE)
BUNDLE_TYPES = ("transaction", "collection")


@dataclass(frozen=True)
class Record:
    """What one patient's export holds, read from the store (``rehabtrack.fhir.export``)."""

    patient: Patient
    uid: str
    activities: Sequence[Activity]
    entries: Sequence[WeeklyEntry]
    goals: Sequence[Goal]
    events: Sequence[Event]
    measures: Sequence[MeasureResult]  # scored


@dataclass(frozen=True)
class Options:
    now: datetime  # when the export is made (Provenance.recorded, Bundle.timestamp)
    app_version: str
    bundle_type: str = "transaction"
    subject_identifier: tuple[str, str] | None = None  # (system, value): the clinic's MRN
    deidentify: bool = False


def resource_id(uid: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{uid}/{key}"))


def pseudonym(uid: str) -> str:
    """The uid a de-identified export uses: stable, and not the patient's own."""
    return str(uuid.uuid5(NAMESPACE, f"deidentified/{uid}"))


def date_shift(uid: str) -> timedelta:
    """How far a de-identified export moves every date: 1 to 52 whole weeks back, the same for one
    patient every time."""
    weeks = 1 + int(hashlib.sha256(uid.encode()).hexdigest()[:8], 16) % 52
    return timedelta(weeks=-weeks)


_NOT_FHIR_SPACE = re.compile(r"[^\S \r\n\t]")


def fhir_text(text: str) -> str:
    """Text as a FHIR string may hold it: a FHIR string's only white space is space, tab, CR and LF, so a
    no-break space (or any other) becomes a plain space."""
    return _NOT_FHIR_SPACE.sub(" ", text)


def ref(res_id: str) -> Json:
    return {"reference": f"urn:uuid:{res_id}"}


def coding(system: str, code: str, display: str | None = None) -> Json:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def own(code: str) -> Json:
    return coding(c.CODE_SYSTEM, code, c.OWN_CODES[code])


def quantity(value: float, unit: str) -> Json:
    return {"value": _number(value), "unit": c.UNITS[unit], "system": c.UCUM, "code": unit}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def category(code: str) -> list[Json]:
    return [{"coding": [coding(c.OBSERVATION_CATEGORY, code, code.capitalize())]}]


def bundle_from(record: Record, options: Options) -> Json:
    """The Bundle of one patient, ready for ``json.dumps`` (and for validation)."""
    if options.bundle_type not in BUNDLE_TYPES:
        raise ValueError(f"bundle type must be one of {', '.join(BUNDLE_TYPES)}")
    return _Builder(record, options).bundle()


class _Builder:
    def __init__(self, record: Record, options: Options) -> None:
        self.r = record
        self.o = options
        self.deid = options.deidentify
        self.uid = pseudonym(record.uid) if self.deid else record.uid
        self.shift = date_shift(record.uid) if self.deid else timedelta(0)
        self.entries: list[Json] = []
        self.patient_id = resource_id(self.uid, "patient")
        self.subject = ref(self.patient_id)
        self.activity_names = {
            a.id: (f"Activity {n}" if self.deid else fhir_text(a.name))
            for n, a in enumerate(record.activities, 1)
        }
        self.activity_of = {a.id: a for a in record.activities}
        self.position = {a.id: n for n, a in enumerate(record.activities, 1)}  # the patient's own order
        self.goal_ids: dict[int | None, str] = {}

    # helpers -------------------------------------------------------------------------------

    def day(self, day: date) -> str:
        return (day + self.shift).isoformat()

    def week(self, monday: date) -> Json:
        return {"start": self.day(monday), "end": self.day(monday + timedelta(days=6))}

    def add(self, resource: Json, key: str | None = None, res_id: str | None = None) -> str:
        """Add a resource under the id of ``key``; its identifier and conditional PUT follow."""
        res_id = res_id or resource_id(self.uid, key or "")
        kind = resource["resourceType"]
        resource = {
            "resourceType": kind,
            "id": res_id,
            **{k: v for k, v in resource.items() if k != "resourceType"},
        }
        if kind == "Patient":
            search = f"identifier={c.PATIENT_UID}|{self.uid}"
        elif kind == "Questionnaire":
            search = f"url={resource['url']}&version={resource['version']}"
        elif kind == "Provenance":  # no identifier element: an update by id
            search = ""
        else:
            identifier = {"system": c.RECORD_ID, "value": f"urn:uuid:{res_id}"}
            resource["identifier"] = identifier if kind == "QuestionnaireResponse" else [identifier]
            search = f"identifier={c.RECORD_ID}|urn:uuid:{res_id}"
        entry: Json = {"fullUrl": f"urn:uuid:{res_id}", "resource": resource}
        if self.o.bundle_type == "transaction":
            url = f"{kind}?{search}" if search else f"{kind}/{res_id}"
            entry["request"] = {"method": "PUT", "url": url}
        self.entries.append(entry)
        return res_id

    # the bundle ------------------------------------------------------------------------------

    def bundle(self) -> Json:
        self.patient()
        device = self.add(
            {
                "resourceType": "Device",
                "deviceName": [{"name": "RehabTrack", "type": "user-friendly-name"}],
                "version": [{"value": self.o.app_version}],
            },
            "device",
        )
        self.goals()
        for entry in self.r.entries:
            self.week_entry(entry)
        self.questionnaires()
        self.events()
        targets = [ref(e["resource"]["id"]) for e in self.entries if e["resource"]["id"] != device]
        self.add(
            {
                "resourceType": "Provenance",
                "target": targets,
                "recorded": self.o.now.isoformat(),
                "agent": [{"who": ref(device)}],
            },
            "provenance",
        )
        return {
            "resourceType": "Bundle",
            "id": resource_id(self.uid, f"bundle/{self.o.bundle_type}"),
            "type": self.o.bundle_type,
            "timestamp": self.o.now.isoformat(),
            "entry": self.entries,
        }

    def patient(self) -> None:
        identifiers = [{"system": c.PATIENT_UID, "value": self.uid}]
        resource: Json = {"resourceType": "Patient", "identifier": identifiers}
        if not self.deid:
            if self.o.subject_identifier is not None:
                system, value = self.o.subject_identifier
                identifiers.append({"use": "official", "system": system, "value": value})
            resource["name"] = [{"text": fhir_text(self.r.patient.display_name)}]
        resource["active"] = not self.r.patient.archived
        self.add(resource, res_id=self.patient_id)

    def observation(self, key: str, code: list[Json], text: str, cat: str, **more: Any) -> str:
        return self.add(
            {
                "resourceType": "Observation",
                "status": "final",
                "category": category(cat),
                "code": {"coding": code, "text": text},
                "subject": self.subject,
                **more,
            },
            key,
        )

    def week_entry(self, entry: WeeklyEntry) -> None:
        monday = self.day(entry.week)  # keys hold the dates as written, moved when de-identified
        period = self.week(entry.week)
        for key, value in entry.values.items():
            unit = c.MARKER_UNITS[key]
            self.observation(
                f"week/{monday}/{key}",
                [own(key)],
                c.OWN_CODES[key],
                "survey",
                effectivePeriod=period,
                valueQuantity=quantity(value, unit),
            )
        for reading in entry.rom:
            self.rom(monday, period, reading)
        rating_refs = []
        for rating in entry.activities:
            activity = self.activity_of.get(rating.activity_id)
            name = self.activity_names.get(rating.activity_id, "Activity")
            ext = [self.activity_extension(name, activity)]
            rating_refs.append(
                ref(
                    self.observation(
                        f"week/{monday}/activity/{name}/rating",
                        [own("activity-rating")],
                        name,
                        "survey",
                        extension=ext,
                        effectivePeriod=period,
                        valueQuantity=quantity(rating.rating, "{score}"),
                    )
                )
            )
            if rating.minutes is not None:
                self.observation(
                    f"week/{monday}/activity/{name}/minutes",
                    [own("activity-minutes")],
                    f"{name}: minutes tolerated",
                    "survey",
                    extension=ext,
                    effectivePeriod=period,
                    valueQuantity=quantity(rating.minutes, "min"),
                )
        ratings = psfs_ratings(entry, list(self.r.activities))
        if ratings:
            self.observation(
                f"week/{monday}/PSFS",
                [own(c.score_code("PSFS"))],
                INSTRUMENTS["PSFS"].name,
                "survey",
                effectivePeriod=period,
                valueQuantity=quantity(round(sum(ratings) / len(ratings), 4), "{score}"),
                derivedFrom=rating_refs,
            )
        if entry.notes and not self.deid:  # exactly as typed, spaces and all
            self.add(
                {
                    "resourceType": "Communication",
                    "status": "completed",
                    "category": [{"coding": [own("weekly-note")]}],
                    "subject": self.subject,
                    "sent": self.day(entry.week),
                    "payload": [{"contentString": fhir_text(entry.notes)}],
                },
                f"week/{monday}/notes",
            )

    def activity_extension(self, name: str, activity: Activity | None) -> Json:
        parts: list[Json] = [{"url": "name", "valueString": name}]
        if activity is not None:
            parts.append({"url": "discipline", "valueCode": str(activity.discipline)})
            parts.append({"url": "position", "valueInteger": self.position[activity.id]})
        return {"url": c.EXT_ACTIVITY, "extension": parts}

    def rom(self, monday: str, period: Json, reading: RomReading) -> None:
        side = Side(reading.side)
        site: list[Json] = []
        extension: list[Json] = []
        sided = c.SIDED_JOINT_SNOMED.get((reading.joint, side))
        if sided is not None:
            site.append(coding(c.SNOMED, *sided))
        elif reading.joint in c.JOINT_SNOMED:
            site.append(coding(c.SNOMED, *c.JOINT_SNOMED[reading.joint]))
        site.append(own(f"joint-{c.slug(reading.joint)}"))
        if sided is None and side in c.LATERALITY_SNOMED:
            extension.append(
                {
                    "url": c.EXT_LATERALITY,
                    "valueCodeableConcept": {"coding": [coding(c.SNOMED, *c.LATERALITY_SNOMED[side])]},
                }
            )
        body_site: Json = {"coding": site, "text": f"{side.value} {reading.joint}".capitalize()}
        if side == Side.NONE or reading.joint in AXIAL_JOINTS:
            body_site["text"] = reading.joint.capitalize()
        if extension:
            body_site["extension"] = extension
        code = c.rom_code(reading.joint, reading.movement)
        self.observation(
            f"week/{monday}/{reading.series_key}",
            [own(code)],
            reading.label.capitalize(),
            "exam",
            effectivePeriod=period,
            valueQuantity=quantity(reading.degrees, "deg"),
            bodySite=body_site,
            method={"coding": [own(RomMode(reading.mode).value)]},
        )

    # goals -----------------------------------------------------------------------------------

    def goal_measure(self, marker: str) -> tuple[Json, str, list[Json]]:
        """(target.measure, UCUM unit, extensions naming the series) of a goal's marker."""
        series = [{"url": c.EXT_SERIES, "valueString": marker}]
        if marker.startswith(("activity/", MINUTES_PREFIX)):
            kind, _, number = marker.partition("/")
            activity_id = int(number)
            name = self.activity_names.get(activity_id, "Activity")
            series = [
                {"url": c.EXT_SERIES, "valueString": kind},
                self.activity_extension(name, self.activity_of.get(activity_id)),
            ]
            if kind == "activity":
                return {"coding": [own("activity-rating")], "text": name}, "{score}", series
            return {"coding": [own("activity-minutes")], "text": name}, "min", series
        if marker.startswith("rom/"):
            _, joint, _side, movement, _mode = marker.split("/")
            label = describe(marker).label
            return {"coding": [own(c.rom_code(joint, movement))], "text": label}, "deg", series
        if marker.startswith("measure/"):
            key = marker.removeprefix("measure/")
            return {"coding": self.score_coding(key), "text": INSTRUMENTS[key].name}, "{score}", series
        if marker in c.MARKER_UNITS:
            return {"coding": [own(marker)], "text": c.OWN_CODES[marker]}, c.MARKER_UNITS[marker], series
        return {"text": describe(marker).label}, "%", series  # exercise adherence

    def goals(self) -> None:
        numbers: Counter[Discipline] = Counter()
        for goal in self.r.goals:
            discipline = Discipline(goal.discipline)
            numbers[discipline] += 1
            title = f"{discipline.value} goal {numbers[discipline]}" if self.deid else fhir_text(goal.title)
            measure, unit, extensions = self.goal_measure(goal.marker)
            bound = "high" if goal.direction == "lower" else "low"
            target: Json = {"measure": measure, "detailRange": {bound: quantity(goal.target, unit)}}
            if goal.target_date is not None:
                target["dueDate"] = self.day(goal.target_date)
            if goal.baseline is not None:
                extensions.append({"url": c.EXT_BASELINE, "valueQuantity": quantity(goal.baseline, unit)})
            if goal.set_by and not self.deid:
                extensions.append({"url": c.EXT_SET_BY, "valueString": fhir_text(goal.set_by)})
            status = GoalStatus(goal.status)
            lifecycle = {"active": "active", "achieved": "completed", "discontinued": "cancelled"}[status]
            resource: Json = {
                "resourceType": "Goal",
                "extension": extensions,
                "lifecycleStatus": lifecycle,
            }
            achievement = {"active": "in-progress", "achieved": "achieved"}.get(status)
            if achievement is not None:
                resource["achievementStatus"] = {"coding": [coding(c.GOAL_ACHIEVEMENT, achievement)]}
            system, code, display = c.PT_GOAL_CATEGORY if discipline == Discipline.PT else c.OT_GOAL_CATEGORY
            resource["category"] = [{"coding": [coding(system, code, display)]}]
            resource["description"] = {"text": title}
            resource["subject"] = self.subject
            if goal.start is not None:
                resource["startDate"] = self.day(goal.start)
            resource["target"] = [target]
            # the key holds the title as written (de-identified: "PT goal 1"), so no id can be checked
            # against a guessed title
            self.goal_ids[goal.id] = self.add(resource, f"goal/{discipline.value}/{title}")

    # questionnaires ---------------------------------------------------------------------------

    def score_coding(self, key: str) -> list[Json]:
        found = [own(c.score_code(key))]
        if key == "NPRS":
            found.insert(0, coding(c.LOINC, c.LOINC_NPRS, "Pain severity - 0-10 verbal numeric rating"))
        return found

    def questionnaires(self) -> None:
        families = list(dict.fromkeys(m.instrument for m in self.r.measures))
        canonical = {}
        for family in families:
            url = f"{c.QUESTIONNAIRE}/{family}"
            canonical[family] = f"{url}|{c.QUESTIONNAIRE_VERSION}"
            inst = INSTRUMENTS[_first_key(family)]
            self.add(
                {
                    "resourceType": "Questionnaire",
                    "url": url,
                    "version": c.QUESTIONNAIRE_VERSION,
                    "name": family,
                    "title": inst.name,
                    "status": "active",
                    "subjectType": ["Patient"],
                    "item": _questionnaire_items(family, inst.max_items, list(inst.items)),
                },
                res_id=str(uuid.uuid5(NAMESPACE, f"{canonical[family]}")),
            )
        seen: Counter[tuple[str, date]] = Counter()
        for result in self.r.measures:
            seen[(result.instrument, result.taken)] += 1
            nth = seen[(result.instrument, result.taken)]
            key = f"measure/{result.instrument}/{self.day(result.taken)}/{nth}"
            response: Json = {
                "resourceType": "QuestionnaireResponse",
                "questionnaire": canonical[result.instrument],
                "status": "completed",
                "subject": self.subject,
                "authored": self.day(result.taken),
                "item": self.response_items(result),
            }
            if result.goal_id in self.goal_ids:
                response["extension"] = [
                    {"url": c.EXT_MEASURES_GOAL, "valueReference": ref(self.goal_ids[result.goal_id])}
                ]
            response_id = self.add(response, key)
            for score_key in result.score_keys:
                value = result.value(score_key)
                if value is None:
                    continue
                self.observation(
                    f"{key}/{score_key}",
                    self.score_coding(score_key),
                    INSTRUMENTS[score_key].name,
                    "survey",
                    effectiveDateTime=self.day(result.taken),
                    valueQuantity=quantity(round(value, 4), "{score}"),
                    derivedFrom=[ref(response_id)],
                )

    def response_items(self, result: MeasureResult) -> list[Json]:
        if result.instrument == "COPM":
            return [
                {
                    "linkId": f"problem-{n}",
                    "item": [
                        *(
                            []
                            if self.deid
                            else [_answer(f"problem-{n}.name", "valueString", fhir_text(p.name))]
                        ),
                        _answer(f"problem-{n}.importance", "valueInteger", int(p.importance)),
                        _answer(f"problem-{n}.performance", "valueInteger", int(p.performance)),
                        _answer(f"problem-{n}.satisfaction", "valueInteger", int(p.satisfaction)),
                    ],
                }
                for n, p in enumerate(result.copm, 1)
            ]
        if result.instrument == "GAS":
            items = []
            for n, g in enumerate(result.gas, 1):
                parts = [] if self.deid else [_answer(f"goal-{n}.name", "valueString", fhir_text(g.goal))]
                parts += [
                    _answer(f"goal-{n}.level", "valueInteger", int(g.level)),
                    _answer(f"goal-{n}.weight", "valueDecimal", float(g.weight)),
                ]
                if g.goal_id in self.goal_ids:
                    parts.append(_answer(f"goal-{n}.goal", "valueReference", ref(self.goal_ids[g.goal_id])))
                items.append({"linkId": f"goal-{n}", "item": parts})
            return items
        shipped = result.instrument in c.WORDING_SHIPPED
        texts = INSTRUMENTS[_first_key(result.instrument)].items
        found = []
        for n, answer in enumerate(result.answers, 1):
            if answer is None:
                continue
            item = _answer(
                str(n), "valueInteger" if float(answer).is_integer() else "valueDecimal", _number(answer)
            )
            if shipped:
                item["text"] = texts[n - 1]
            found.append(item)
        return found

    # events -----------------------------------------------------------------------------------

    def events(self) -> None:
        seen: Counter[tuple[date, str]] = Counter()
        for event in self.r.events:
            seen[(event.day, str(event.kind))] += 1
            resource: Json = {
                "resourceType": "Communication",
                "status": "completed",
                "category": [{"coding": [own(f"event-{c.slug(str(event.kind))}")]}],
                "subject": self.subject,
                "sent": self.day(event.day),
            }
            if not self.deid:
                resource["payload"] = [{"contentString": fhir_text(event.text)}]
            self.add(
                resource, f"event/{self.day(event.day)}/{event.kind}/{seen[(event.day, str(event.kind))]}"
            )


def _first_key(family: str) -> str:
    return next(k for k, inst in INSTRUMENTS.items() if inst.family == family)


def _answer(link_id: str, kind: str, value: Any) -> Json:
    return {"linkId": link_id, "answer": [{kind: value}]}


def _questionnaire_items(family: str, count: int, texts: list[str]) -> list[Json]:
    """Item ids and types; the wording only where it may be shipped."""
    if family == "COPM":
        parts = (
            ("name", "string"),
            ("importance", "integer"),
            ("performance", "integer"),
            ("satisfaction", "integer"),
        )
        prefix = "problem"
    elif family == "GAS":
        parts = (("name", "string"), ("level", "integer"), ("weight", "decimal"), ("goal", "reference"))
        prefix = "goal"
    else:
        items = []
        for n in range(1, count + 1):
            item: Json = {"linkId": str(n), "type": "integer"}
            if family in c.WORDING_SHIPPED:
                item["text"] = texts[n - 1]
            items.append(item)
        return items
    return [
        {
            "linkId": f"{prefix}-{n}",
            "type": "group",
            "item": [{"linkId": f"{prefix}-{n}.{name}", "type": kind} for name, kind in parts],
        }
        for n in range(1, count + 1)
    ]
