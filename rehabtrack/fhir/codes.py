"""The codes and addresses a FHIR export uses, each with where it comes from.

A standard code is used only where it is verified in a named release; everything else is a code of the
RehabTrack CodeSystem (``CODE_SYSTEM``), whose codes README lists. Plain Python: no FHIR library here.
"""

from __future__ import annotations

from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.model import EventKind
from rehabtrack.core.rom import ROM_LIMITS, Side

BASE = "https://rehabtrack.org/fhir"  # the app's reverse-domain id is org.rehabtrack.RehabTrack
CODE_SYSTEM = f"{BASE}/CodeSystem/rehabtrack"
PATIENT_UID = f"{BASE}/identifier/patient-uid"  # the random uid RehabTrack gives every patient
RECORD_ID = "urn:ietf:rfc:3986"  # identifier system whose value is a URI: here the urn:uuid of the resource
QUESTIONNAIRE = f"{BASE}/Questionnaire"
QUESTIONNAIRE_VERSION = "1"  # RehabTrack's rendering of each instrument (items, answer types)

# Extensions (RehabTrack's own StructureDefinitions)
EXT_LATERALITY = f"{BASE}/StructureDefinition/laterality"
EXT_ACTIVITY = f"{BASE}/StructureDefinition/activity"  # complex: name (string), discipline (code)
EXT_BASELINE = f"{BASE}/StructureDefinition/goal-baseline"
EXT_SERIES = f"{BASE}/StructureDefinition/goal-series"  # the RehabTrack series the goal follows
EXT_SET_BY = f"{BASE}/StructureDefinition/goal-set-by"
EXT_MEASURES_GOAL = f"{BASE}/StructureDefinition/measures-goal"  # a questionnaire result measuring a goal

UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
GOAL_CATEGORY = "http://terminology.hl7.org/CodeSystem/goal-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"

# Value sets the export draws from (FHIR R4 4.0.1), checked by the tests since fhir.resources checks
# structure only.
OBSERVATION_STATUS = frozenset({"registered", "preliminary", "final", "amended"})
GOAL_LIFECYCLE = frozenset(
    {"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled", "entered-in-error"}
)
ACHIEVEMENT = frozenset({"in-progress", "improving", "worsening", "no-change", "achieved", "not-achieved"})
CATEGORIES = frozenset({"survey", "exam"})  # of OBSERVATION_CATEGORY

# Units: UCUM code -> the unit as a person reads it.
UNITS = {"min": "min", "h": "h", "deg": "°", "{score}": "score", "/wk": "per week", "%": "%"}
MARKER_UNITS = {m.key: m.ucum for m in WEEKLY_MARKERS}  # core/markers.py states each
assert set(MARKER_UNITS.values()) <= set(UNITS), "every weekly marker's UCUM unit has a reading"

# LOINC 72514-3, Long Common Name "Pain severity - 0-10 verbal numeric rating [Score] - Reported" (the
# LOINC table; the same code and name are used for 0-10 pain scores in published FHIR implementation
# guides' pain value sets): a point-in-time 0-10 rating, so it codes an NPRS result, never the weekly
# average ("pain" marker).
LOINC_NPRS = "72514-3"

# SNOMED CT (International Edition) body structures. Knee, wrist and the two lateralised knee concepts:
# 49076000 |Knee joint structure|, 74670003 |Wrist joint structure|, 719442003 |Structure of left knee
# joint|, 719443008 |Structure of right knee joint|. Ankle 70258002 and elbow 16953009 |Elbow joint
# structure| as listed in DICOM PS3.16 CID 1006 "Anatomical Reference Basis - Extremity"; hip 182201002
# |Hip joint| and the laterality values 7771000 |Left| / 24028007 |Right| as in the SNOMED CT
# Compositional Grammar specification's laterality examples (section 6.3). Other joints get a
# RehabTrack code (``joint-<name>``).
JOINT_SNOMED = {
    "knee": ("49076000", "Knee joint structure"),
    "wrist": ("74670003", "Wrist joint structure"),
    "ankle": ("70258002", "Ankle joint structure"),
    "elbow": ("16953009", "Elbow joint structure"),
    "hip": ("182201002", "Hip joint"),
}
SIDED_JOINT_SNOMED = {
    ("knee", Side.LEFT): ("719442003", "Structure of left knee joint"),
    ("knee", Side.RIGHT): ("719443008", "Structure of right knee joint"),
}
LATERALITY_SNOMED = {Side.LEFT: ("7771000", "Left"), Side.RIGHT: ("24028007", "Right")}

# HL7 goal-category has "physiotherapy"; occupational therapy has no code there, so it is ours.
PT_GOAL_CATEGORY = (GOAL_CATEGORY, "physiotherapy", "Physiotherapy")
OT_GOAL_CATEGORY = (CODE_SYSTEM, "occupational-therapy", "Occupational therapy")

# Questionnaires whose item wording may be shipped (see each instrument's licence note in
# resources/measures): the NPRS is public domain; the others are copyrighted or the patient's own.
WORDING_SHIPPED = frozenset({"NPRS"})


def slug(text: str) -> str:
    return text.replace(" ", "-")


def rom_code(joint: str, movement: str) -> str:
    return f"rom-{slug(joint)}-{slug(movement)}"


def score_code(key: str) -> str:
    """The code of a questionnaire score (instrument key such as ``LEFS`` or ``COPM_performance``)."""
    return f"score-{key}"


ROM_CODES: dict[str, tuple[str, str]] = {rom_code(j, m): (j, m) for j, m in ROM_LIMITS}

# RehabTrack CodeSystem: code -> display. README lists these.
OWN_CODES: dict[str, str] = {
    **{m.key: m.label for m in WEEKLY_MARKERS},
    **{code: f"{j} {m} (range of motion)".capitalize() for code, (j, m) in ROM_CODES.items()},
    **{f"joint-{slug(j)}": f"{j.capitalize()} (joint)" for j in dict.fromkeys(j for j, _ in ROM_LIMITS)},
    "active": "Active range of motion",
    "passive": "Passive range of motion",
    "activity-rating": "Patient-specific activity rating (0 = unable, 10 = as before the injury)",
    "activity-minutes": "Minutes the activity was tolerated",
    "weekly-note": "The patient's note for the week",
    **{f"event-{slug(kind.value)}": f"Event: {kind.value}" for kind in EventKind},
    **{score_code(key): f"{inst.name} score" for key, inst in INSTRUMENTS.items()},
    "occupational-therapy": "Occupational therapy",
}
