"""The weekly markers a patient logs, with their limits, units and scale anchors.

This table is the single source of truth: validation, the database CHECK constraints, the
CSV columns, the check-in form and the charts are all built from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehabtrack.core.numbers import exact, with_unit


@dataclass(frozen=True)
class Marker:
    key: str
    label: str
    low: float
    high: float
    unit: str = ""
    whole: bool = True
    lower_is_better: bool = False
    low_anchor: str = ""  # what the low end of the scale means, e.g. "0 = no pain"
    high_anchor: str = ""
    group: str = ""
    chart: bool = True  # drawn on the dashboard

    @property
    def allowed(self) -> str:
        return f"{exact(self.low)}–{exact(self.high)}{with_unit(self.unit)}"


WEEKLY_MARKERS: tuple[Marker, ...] = (
    Marker(
        "stiffness_minutes",
        "Morning stiffness",
        0,
        240,
        "min",
        lower_is_better=True,
        low_anchor="0 = none",
        group="Morning stiffness",
    ),
    Marker(
        "stiffness_severity",
        "Stiffness severity",
        0,
        10,
        lower_is_better=True,
        low_anchor="0 = no stiffness",
        high_anchor="10 = worst imaginable",
        group="Morning stiffness",
    ),
    Marker(
        "flareup_count",
        "Flare-ups this week",
        0,
        50,
        lower_is_better=True,
        low_anchor="0 = none",
        group="Flare-ups",
    ),
    Marker(
        "flareup_worst",
        "Worst flare-up",
        0,
        10,
        lower_is_better=True,
        low_anchor="0 = no pain",
        high_anchor="10 = worst imaginable",
        group="Flare-ups",
    ),
    Marker(
        "pain",
        "Pain (weekly average)",
        0,
        10,
        lower_is_better=True,
        low_anchor="0 = no pain",
        high_anchor="10 = worst imaginable",
        group="Pain",
    ),
    Marker(
        "sleep_hours",
        "Sleep",
        0,
        16,
        "h a night",
        whole=False,
        low_anchor="average hours a night",
        group="Sleep",
    ),
    Marker(
        "sleep_quality",
        "Sleep quality",
        0,
        10,
        low_anchor="0 = very poor",
        high_anchor="10 = excellent",
        group="Sleep",
    ),
    Marker(
        "nights_woken",
        "Nights woken by pain",
        0,
        7,
        "nights",
        lower_is_better=True,
        low_anchor="0 = none",
        group="Sleep",
    ),
    Marker("exercise_days_done", "Exercise days done", 0, 7, "days", group="Home exercises", chart=False),
    Marker(
        "exercise_days_prescribed",
        "Exercise days prescribed",
        0,
        7,
        "days",
        group="Home exercises",
        chart=False,
    ),
    Marker("sessions_attended", "Therapy sessions attended", 0, 14, "sessions", group="Therapy", chart=False),
)

# Derived: what share of the prescribed exercise days were done (0–100 %).
ADHERENCE = Marker(
    "exercise_adherence",
    "Exercise adherence",
    0,
    100,
    "%",
    whole=False,
    low_anchor="share of prescribed days done",
    group="Home exercises",
)

NOTES_MAX_CHARS = 4000

MARKERS_BY_KEY: dict[str, Marker] = {m.key: m for m in (*WEEKLY_MARKERS, ADHERENCE)}


def marker(key: str) -> Marker:
    try:
        return MARKERS_BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown marker {key!r}") from None


ACTIVITY_RATING = Marker(
    "activity_rating",
    "Activity rating",
    0,
    10,
    low_anchor="0 = unable",
    high_anchor="10 = as before the injury",
)
ACTIVITY_MINUTES = Marker("activity_minutes", "Minutes tolerated", 0, 1440, "min")
