"""Range of motion: joints, movements and the plausible limits of a measurement.

Limits are generous physiological bounds, meant to catch typing errors (knee flexion 400°),
not to judge the patient; negative values allow hyperextension or an extension deficit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from rehabtrack.core.numbers import MINUS
from rehabtrack.core.validation import Problem, in_range, range_problem


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    NONE = "none"  # spine and neck


class RomMode(StrEnum):
    ACTIVE = "active"
    PASSIVE = "passive"


# (joint, movement) -> (low, high) in degrees
ROM_LIMITS: dict[tuple[str, str], tuple[float, float]] = {
    ("knee", "flexion"): (0, 160),
    ("knee", "extension"): (-30, 20),
    ("hip", "flexion"): (0, 140),
    ("hip", "extension"): (-20, 45),
    ("hip", "abduction"): (0, 60),
    ("hip", "adduction"): (0, 45),
    ("hip", "internal rotation"): (0, 60),
    ("hip", "external rotation"): (0, 70),
    ("ankle", "dorsiflexion"): (-30, 40),
    ("ankle", "plantarflexion"): (0, 70),
    ("shoulder", "flexion"): (0, 190),
    ("shoulder", "extension"): (0, 80),
    ("shoulder", "abduction"): (0, 190),
    ("shoulder", "internal rotation"): (0, 100),
    ("shoulder", "external rotation"): (0, 110),
    ("elbow", "flexion"): (0, 160),
    ("elbow", "extension"): (-30, 20),
    ("forearm", "pronation"): (0, 100),
    ("forearm", "supination"): (0, 100),
    ("wrist", "flexion"): (0, 100),
    ("wrist", "extension"): (0, 90),
    ("wrist", "radial deviation"): (0, 35),
    ("wrist", "ulnar deviation"): (0, 50),
    ("finger", "flexion"): (0, 110),
    ("finger", "extension"): (-30, 45),
    ("thumb", "flexion"): (0, 90),
    ("thumb", "abduction"): (0, 80),
    ("neck", "flexion"): (0, 80),
    ("neck", "extension"): (0, 90),
    ("neck", "rotation"): (0, 90),
    ("trunk", "flexion"): (0, 110),
    ("trunk", "extension"): (0, 40),
}

JOINTS: tuple[str, ...] = tuple(dict.fromkeys(joint for joint, _ in ROM_LIMITS))
AXIAL_JOINTS = frozenset({"neck", "trunk"})


def movements(joint: str) -> list[str]:
    return [m for j, m in ROM_LIMITS if j == joint]


# Movements measured from a neutral position, where falling short of it is negative: the sign rule is
# shown at the field, so "5° short of straight" is typed as −5, not 5.
_STRAIGHT = f"0 = straight; 10° short of straight = {MINUS}10"
SIGN_RULES: dict[tuple[str, str], str] = {
    ("knee", "extension"): _STRAIGHT,
    ("elbow", "extension"): _STRAIGHT,
    ("finger", "extension"): _STRAIGHT,
    ("hip", "extension"): f"0 = in line with the body; 10° short of that = {MINUS}10",
    ("ankle", "dorsiflexion"): f"0 = foot at a right angle; 10° short of that = {MINUS}10",
}
SIGN_CHECK_READINGS = 3  # how many of the latest earlier readings a new one's sign is checked against


def sign_rule(joint: str, movement: str) -> str | None:
    """How the sign of a reading reads ("0 = straight; …"), for movements where short of neutral is
    negative; None for the others."""
    return SIGN_RULES.get((joint, movement))


def sign_flipped(earlier: Sequence[float], value: float) -> bool:
    """Whether ``value`` has the opposite sign to every one of the latest earlier readings (oldest
    first), e.g. −8, −6 and now 5: more often a dropped minus sign than a real change, so worth asking.
    A zero on either side is no sign, so never a flip."""
    latest = list(earlier)[-SIGN_CHECK_READINGS:]
    if not latest or value == 0:
        return False
    return all(v != 0 and (v > 0) != (value > 0) for v in latest)


@dataclass(frozen=True)
class RomReading:
    joint: str
    side: Side
    movement: str
    degrees: float
    mode: RomMode = RomMode.ACTIVE

    @property
    def series_key(self) -> str:
        """Identifies one ROM series: the same joint, side, movement and mode week after week (a lookup:
        ``rom_key`` keeps each key it has made, and ten years hold thousands of readings of a few)."""
        return rom_key(self.joint, self.side, self.movement, self.mode)

    @property
    def label(self) -> str:
        return rom_label(self.joint, self.side, self.movement, self.mode)

    def problems(self, field: str = "rom") -> list[Problem]:
        limits = ROM_LIMITS.get((self.joint, self.movement))
        if limits is None:
            return [
                Problem(
                    field,
                    f"Range of motion: '{self.movement}' of the '{self.joint}' is not a "
                    f"movement RehabTrack knows (joints: {', '.join(JOINTS)}).",
                )
            ]
        problem = None
        if not in_range(self.degrees, *limits):  # the label is written only for a message
            problem = range_problem(field, f"{self.label}", self.degrees, *limits, unit="°")
        side_problem = None
        if (self.joint in AXIAL_JOINTS) != (self.side == Side.NONE):
            side_problem = Problem(
                field,
                f"{self.label}: side must be {'none' if self.joint in AXIAL_JOINTS else 'left or right'}.",
            )
        return [p for p in (problem, side_problem) if p is not None]


@cache
def rom_key(joint: str, side: Side | str, movement: str, mode: RomMode | str = RomMode.ACTIVE) -> str:
    return f"rom/{joint}/{Side(side).value}/{movement}/{RomMode(mode).value}"


def rom_label(joint: str, side: Side | str, movement: str, mode: RomMode | str = RomMode.ACTIVE) -> str:
    side_text = "" if Side(side) == Side.NONE else f"{Side(side).value.capitalize()} "
    passive = " (passive)" if RomMode(mode) == RomMode.PASSIVE else ""
    return f"{side_text}{joint} {movement}{passive}"
