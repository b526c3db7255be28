"""Condition templates: what a new patient with a given condition usually tracks.

Each template is one JSON file in ``resources/templates/``; adding a condition means adding a file.
A template names the range-of-motion movements to track (the side may be "affected", resolved from
the patient's affected side), suggested daily activities (PT or OT) and suggested goals.

Goal markers are series keys (see ``rehabtrack.core.series``), with two placeholders:
``rom/<joint>/affected/<movement>/<mode>`` and ``activity:<activity name>`` (resolved to the activity's
id once it has been created).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rehabtrack.core.markers import MARKERS_BY_KEY
from rehabtrack.core.model import Direction, Discipline
from rehabtrack.core.resources import json_names, load_json
from rehabtrack.core.rom import AXIAL_JOINTS, ROM_LIMITS, RomMode, Side

TEMPLATE_DIR = "templates"
AFFECTED = "affected"


class TemplateError(ValueError):
    """A template file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class TrackedMovement:
    joint: str
    side: str  # "left", "right", "none" or "affected"
    movement: str
    mode: RomMode = RomMode.ACTIVE


@dataclass(frozen=True)
class SuggestedActivity:
    name: str
    discipline: Discipline


@dataclass(frozen=True)
class SuggestedGoal:
    discipline: Discipline
    title: str
    marker: str
    target: float
    direction: Direction
    target_weeks: int | None = None  # target date = rehab start + this many weeks


@dataclass(frozen=True)
class ConditionTemplate:
    key: str  # the file name without ".json"
    name: str
    description: str
    order: int
    movements: tuple[TrackedMovement, ...]
    activities: tuple[SuggestedActivity, ...]
    goals: tuple[SuggestedGoal, ...]


def sides_for(joint: str, side: str, affected_side: str) -> list[Side]:
    """The concrete sides a template side means for a patient ("affected" -> their affected side).

    ``affected_side`` is the patient's own text; anything other than left or right (both, unknown)
    tracks both sides. Spine and neck always have no side.
    """
    if joint in AXIAL_JOINTS:
        return [Side.NONE]
    if side != AFFECTED:
        return [Side(side)]
    text = affected_side.strip().casefold()
    if text in (Side.LEFT.value, Side.RIGHT.value):
        return [Side(text)]
    return [Side.LEFT, Side.RIGHT]


def _need(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise TemplateError(f"{where}: '{key}' must be a {kind.__name__}.")
    return value


def _movement(item: Any, where: str) -> TrackedMovement:
    if not isinstance(item, dict):
        raise TemplateError(f"{where}: each movement must be an object.")
    joint = _need(item, "joint", str, where)
    movement = _need(item, "movement", str, where)
    side = item.get("side", AFFECTED)
    if (joint, movement) not in ROM_LIMITS:
        raise TemplateError(f"{where}: '{movement}' of the '{joint}' is not a known movement.")
    if side not in (AFFECTED, *(s.value for s in Side)):
        raise TemplateError(f"{where}: side must be left, right, none or affected (got {side!r}).")
    mode = item.get("mode", RomMode.ACTIVE.value)
    if mode not in (m.value for m in RomMode):
        raise TemplateError(f"{where}: mode must be active or passive (got {mode!r}).")
    return TrackedMovement(joint, side, movement, RomMode(mode))


def _discipline(item: dict[str, Any], where: str) -> Discipline:
    value = str(item.get("discipline"))
    if value not in {d.value for d in Discipline}:
        raise TemplateError(f"{where}: discipline must be PT or OT (got {value!r}).")
    return Discipline(value)


def _goal(item: Any, activity_names: set[str], where: str) -> SuggestedGoal:
    if not isinstance(item, dict):
        raise TemplateError(f"{where}: each goal must be an object.")
    marker = _need(item, "marker", str, where)
    if marker.startswith("activity:"):
        if marker.split(":", 1)[1] not in activity_names:
            raise TemplateError(
                f"{where}: goal refers to an activity the template does not suggest: {marker}."
            )
    elif marker.startswith("rom/"):
        parts = marker.split("/")
        if len(parts) != 5 or (parts[1], parts[3]) not in ROM_LIMITS:
            raise TemplateError(f"{where}: unknown range-of-motion series {marker!r}.")
    elif marker not in MARKERS_BY_KEY:
        raise TemplateError(f"{where}: unknown marker {marker!r}.")
    target = item.get("target")
    if not isinstance(target, int | float) or isinstance(target, bool):
        raise TemplateError(f"{where}: 'target' must be a number.")
    direction = str(item.get("direction"))
    if direction not in {d.value for d in Direction}:
        raise TemplateError(f"{where}: direction must be higher or lower (got {direction!r}).")
    weeks = item.get("target_weeks")
    if weeks is not None and (not isinstance(weeks, int) or weeks < 1):
        raise TemplateError(f"{where}: 'target_weeks' must be a whole number of weeks.")
    return SuggestedGoal(
        _discipline(item, where),
        _need(item, "title", str, where),
        marker,
        float(target),
        Direction(direction),
        weeks,
    )


def parse_template(key: str, data: Any) -> ConditionTemplate:
    where = f"template {key}.json"
    if not isinstance(data, dict):
        raise TemplateError(f"{where}: must be a JSON object.")
    activities = []
    for item in data.get("activities", []):
        if not isinstance(item, dict):
            raise TemplateError(f"{where}: each activity must be an object.")
        activities.append(SuggestedActivity(_need(item, "name", str, where), _discipline(item, where)))
    names = {a.name for a in activities}
    return ConditionTemplate(
        key=key,
        name=_need(data, "name", str, where),
        description=str(data.get("description", "")),
        order=int(data.get("order", 100)),
        movements=tuple(_movement(m, where) for m in data.get("movements", [])),
        activities=tuple(activities),
        goals=tuple(_goal(g, names, where) for g in data.get("goals", [])),
    )


def load_templates() -> list[ConditionTemplate]:
    """Every template in ``resources/templates/``, in display order (then by name)."""
    found = [
        parse_template(name.removesuffix(".json"), load_json(TEMPLATE_DIR, name))
        for name in json_names(TEMPLATE_DIR)
    ]
    return sorted(found, key=lambda t: (t.order, t.name.casefold()))


def template_named(name: str) -> ConditionTemplate | None:
    """The template whose name (or file key) matches ``name``, ignoring case; None if none does."""
    wanted = name.strip().casefold()
    return next((t for t in load_templates() if wanted in (t.name.casefold(), t.key.casefold())), None)
