"""The weekly markers a patient logs: the one table of everything RehabTrack knows about each.

An entry holds the marker's range, unit, direction (lower is better?), scale anchors, chart group, its
short title (the PDF's column heading), its meaningful-change threshold with the value and its source,
and whether the maintenance phase's recurrence watch follows it. Validation, the database CHECK
constraints, the CSV columns, the check-in form, the charts, the verdicts, the PDF and the recurrence
watch are all built from it; nothing else states these facts.

Adding a weekly marker ("swelling, 0–10, lower is better") takes three things:

1. its ``Marker(...)`` entry in ``WEEKLY_MARKERS`` below: key, label, range, unit (and its ``ucum``
   code), direction, anchors, group, ``short_title``, ``threshold`` (a published MCID as
   ``Threshold(value, unit, source, cite=...)``, or a clinic convention made with ``convention(...)``)
   and ``watched``;
2. an Alembic migration in ``storage/migrations/versions/`` that adds its column to ``weekly_entry``
   (with the CHECK constraint ``storage/tables.py`` builds from this table), and ``HEAD_REVISION`` in
   ``storage/engine.py`` set to it; ``tests/storage/test_migrations.py`` names the missing column until
   the migration is there;
3. the schema fixture of that version: ``python tests/storage/fixtures/make_fixture.py``.

The check-in form, CSV columns, database column, charts, verdicts, PDF tables and recurrence watch
follow from the entry (the README's CSV table and the demo patient are worth a line too).
``tests/core/test_one_source.py`` checks that no other file states these facts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rehabtrack.core.numbers import exact, with_unit
from rehabtrack.core.threshold import Threshold


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
    short_title: str = ""  # the PDF's column heading: "Pain (0–10)"
    threshold: Threshold | None = None  # the meaningful change; None: never judged
    watched: bool = False  # followed by the recurrence watch in the maintenance phase
    ucum: str = ""  # the unit's UCUM code, as a health record (FHIR) states it: "min", "{score}", "/wk"

    def __post_init__(self) -> None:
        # A threshold is about its marker: its label defaults to the marker's, and a therapist may set a
        # convention up to the top of the marker's range.
        t = self.threshold
        if t is not None:
            most = t.most if t.most is not None or t.published else float(self.high)
            found = replace(t, value=float(t.value), label=t.label or self.label, most=most)
            object.__setattr__(self, "threshold", found)

    @property
    def allowed(self) -> str:
        return f"{exact(self.low)}–{exact(self.high)}{with_unit(self.unit)}"


def convention(value: float, unit: str, source: str, error: float, error_reason: str) -> Threshold:
    """A clinic convention (no MCID is published): a therapist may set it for one patient, from the
    measurement ``error`` (why: ``error_reason``) up to the top of the marker's range."""
    return Threshold(
        value, unit, source, published=False, measurement_error=float(error), error_reason=error_reason
    )


_ONE_STEP = "one step of the 0-10 rating, the smallest change it can show"

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
        short_title="Stiffness (min)",
        threshold=convention(
            15,
            "minutes",
            "RehabTrack convention, not a published MCID: no MCID has been established for self-reported "
            "duration of morning stiffness in rehabilitation. 15 minutes is used as a rule of thumb; change "
            "it if your clinic uses another value.",
            5,
            "people recall how long morning stiffness lasted to about the nearest 5 minutes",
        ),
        watched=True,
        ucum="min",
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
        short_title="Stiffness (0–10)",
        threshold=convention(
            2,
            "points",
            "RehabTrack convention, borrowed from the 0-10 numeric pain rating scale (2 points; Farrar et "
            "al. 2001, Pain 94:149-158). Not validated for stiffness severity.",
            1,
            _ONE_STEP,
        ),
        watched=True,
        ucum="{score}",
    ),
    Marker(
        "flareup_count",
        "Flare-ups this week",
        0,
        50,
        lower_is_better=True,
        low_anchor="0 = none",
        group="Flare-ups",
        short_title="Flare-ups",
        threshold=convention(
            2,
            "flare-ups",
            "RehabTrack convention, not a published MCID: a difference of 2 flare-ups a week.",
            1,
            "one flare-up, the smallest change a count can show",
        ),
        watched=True,
        ucum="/wk",
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
        short_title="Worst flare (0–10)",
        threshold=convention(
            2,
            "points",
            "The 0-10 numeric pain rating scale MCID of 2 points (Farrar JT et al. Clinical importance of "
            "changes in chronic pain intensity measured on an 11-point numerical pain rating scale. Pain "
            "2001;94(2):149-158; Childs JD, Piva SR, Fritz JM. Responsiveness of the numeric pain rating "
            "scale in patients with low back pain. Spine 2005;30(11):1331-1334). Those studies rated usual "
            "or average pain; applying the value to the worst flare-up is RehabTrack's choice.",
            1,
            _ONE_STEP,
        ),
        watched=True,
        ucum="{score}",
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
        short_title="Pain (0–10)",
        threshold=Threshold(
            2,
            "points",
            "Numeric pain rating scale (0-10): 2 points. Farrar JT, Young JP Jr, LaMoreaux L, Werth JL, "
            "Poole RM. Clinical importance of changes in chronic pain intensity measured on an 11-point "
            "numerical pain rating scale. Pain 2001;94(2):149-158 (about 2 points or 30%). Childs JD, Piva "
            "SR, Fritz JM. Responsiveness of the numeric pain rating scale in patients with low back pain. "
            "Spine 2005;30(11):1331-1334 (2 points).",
            label="Pain",  # "Your pain has been higher …", "Pain 2 points (Farrar 2001; Childs 2005)"
            cite="Farrar 2001; Childs 2005",
            relative=30.0,  # Farrar: "2 points or 30 %"
        ),
        watched=True,
        ucum="{score}",
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
        short_title="Sleep (h)",
        threshold=convention(
            0.5,
            "hours",
            "RehabTrack convention, not a published MCID: half an hour a night of self-reported average "
            "sleep.",
            0.25,
            "people recall their average sleep to about a quarter of an hour",
        ),
        ucum="h",
    ),
    Marker(
        "sleep_quality",
        "Sleep quality",
        0,
        10,
        low_anchor="0 = very poor",
        high_anchor="10 = excellent",
        group="Sleep",
        short_title="Sleep quality (0–10)",
        threshold=convention(
            2,
            "points",
            "RehabTrack convention, not a published MCID: 2 points on the 0-10 rating, by analogy with "
            "other 0-10 patient ratings such as the numeric pain rating scale.",
            1,
            _ONE_STEP,
        ),
        ucum="{score}",
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
        short_title="Nights woken",
        threshold=convention(
            2,
            "nights",
            "RehabTrack convention, not a published MCID: 2 nights a week.",
            1,
            "one night, the smallest change a count can show",
        ),
        ucum="/wk",
    ),
    Marker(
        "exercise_days_done",
        "Exercise days done",
        0,
        7,
        "days",
        group="Home exercises",
        chart=False,
        short_title="Exercise days done",
        ucum="/wk",
    ),
    Marker(
        "exercise_days_prescribed",
        "Exercise days prescribed",
        0,
        7,
        "days",
        group="Home exercises",
        chart=False,
        short_title="Exercise days set",
        ucum="/wk",
    ),
    Marker(
        "sessions_attended",
        "Therapy sessions attended",
        0,
        14,
        "sessions",
        group="Therapy",
        chart=False,
        short_title="Sessions",
        ucum="/wk",
    ),
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
    short_title="Adherence (%)",
    threshold=convention(
        20,
        "percentage points",
        "RehabTrack convention, not a published MCID: 20 percentage points, about one of five prescribed "
        "exercise days.",
        15,
        "one exercise day in seven is already 14.3 percentage points",
    ),
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
    # Every activity's rating (series ``activity/<id>``) is judged by this one threshold.
    threshold=Threshold(
        3,
        "points",
        "A single PSFS-style activity rating (0-10): 3 points. Stratford P, Gill C, Westaway M, Binkley J. "
        "Physiotherapy Canada 1995;47(4):258-263 (minimal detectable change, 90% confidence: 3 points for "
        "a single activity, 2 points for the average of several).",
        name="detectable change (Stratford 1995)",
        cite="Stratford 1995",
    ),
)
ACTIVITY_MINUTES = Marker("activity_minutes", "Minutes tolerated", 0, 1440, "min")
