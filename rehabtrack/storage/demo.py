"""The demo patient: 26 weeks after a right total knee replacement, with a left wrist fracture.

Noisy, gradual improvement with one flare-up setback around week 13 and two missed weeks, so
every chart feature (trend, gaps, goal lines, events) has something real to show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from rehabtrack.core.measure_series import GasGoal, MeasureResult
from rehabtrack.core.measures import CopmProblem
from rehabtrack.core.model import (
    Activity,
    ActivityRating,
    Direction,
    Discipline,
    Event,
    EventKind,
    Goal,
    Patient,
    WeeklyEntry,
)
from rehabtrack.core.rom import RomReading, Side, rom_key
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import Store

DEMO_NAME = "Margaret Demo"
WEEKS = 26
MISSED_WEEKS = {9, 17}
FLARE_WEEKS = {13: 1.0, 14: 0.6}  # week index -> strength of the setback


def _curve(
    week: int, start: float, end: float, rng: random.Random, noise: float, flare: float = 0.0
) -> float:
    """Gradual recovery: fast early gains that level off, plus noise and a setback."""
    progress = 1 - (1 - week / (WEEKS - 1)) ** 1.6
    return start + (end - start) * progress + rng.gauss(0, noise) + flare


def seed_demo(store: Store, today: date | None = None) -> Patient:
    rng = random.Random(20250303)
    last_week = week_start(today or date.today())
    first_week = last_week - timedelta(weeks=WEEKS - 1)
    patient = store.save_patient(
        Patient(
            DEMO_NAME,
            "Total knee replacement (right) and wrist fracture (left)",
            "Right knee, left wrist",
            first_week - timedelta(days=4),
            "Sam Okafor, PT",
            "Priya Raman, OT",
        )
    )
    assert patient.id is not None
    pid = patient.id
    acts = {
        name: store.save_activity(pid, Activity(name, disc))
        for name, disc in (
            ("Walk 30 minutes", Discipline.PT),
            ("Climb a flight of stairs", Discipline.PT),
            ("Get dressed (buttons, socks)", Discipline.OT),
            ("Cook a meal", Discipline.OT),
            ("Type on the computer", Discipline.OT),
        )
    }
    ids = {name: a.id for name, a in acts.items() if a.id is not None}
    starts_ends = {
        "Walk 30 minutes": (2, 8),
        "Climb a flight of stairs": (1, 7),
        "Get dressed (buttons, socks)": (3, 8),
        "Cook a meal": (2, 7),
        "Type on the computer": (4, 9),
    }

    for i in range(WEEKS):
        if i in MISSED_WEEKS:
            continue
        flare = FLARE_WEEKS.get(i, 0.0)

        def score(
            start: float,
            end: float,
            noise: float,
            setback: float = 0.0,
            low: float = 0,
            high: float = 10,
            flare: float = flare,
            i: int = i,
        ) -> int:
            return int(max(low, min(high, round(_curve(i, start, end, rng, noise, setback * flare)))))

        values: dict[str, float] = {
            "pain": score(7, 2, 0.6, 3),
            "stiffness_minutes": score(60, 12, 6, 30, high=240),
            "stiffness_severity": score(7, 2, 0.7, 3),
            "flareup_count": score(4, 0, 0.7, 4, high=50),
            "flareup_worst": score(8, 2, 0.8, 2),
            "sleep_hours": round(max(3.0, min(9.0, _curve(i, 5.0, 7.3, rng, 0.35, -1.5 * flare))), 1),
            "sleep_quality": score(3, 7, 0.8, -3),
            "nights_woken": score(5, 1, 0.7, 3, high=7),
            "exercise_days_prescribed": 6 if i >= 5 else 5,
            "sessions_attended": 2 if i < 12 else 1,
        }
        values["exercise_days_done"] = min(values["exercise_days_prescribed"], score(3, 6, 0.8, -2, high=7))
        rom = (
            RomReading("knee", Side.RIGHT, "flexion", score(82, 116, 2.5, -9, high=160)),
            RomReading("knee", Side.RIGHT, "extension", score(-11, -2, 1.2, -3, low=-30, high=20)),
            RomReading("wrist", Side.LEFT, "extension", score(28, 62, 3, -5, high=90)),
            RomReading("wrist", Side.LEFT, "flexion", score(30, 63, 3, -5, high=100)),
        )
        ratings = tuple(
            ActivityRating(
                ids[name],
                score(a, b, 0.7, -2),
                score(8, 32, 3, -8, high=1440) if name == "Walk 30 minutes" else None,
            )
            for name, (a, b) in starts_ends.items()
        )
        notes = {
            0: "First week home. Knee very stiff in the mornings.",
            13: "Bad flare-up after gardening; knee swollen, slept badly.",
            20: "Walked to the shop and back without stopping!",
        }.get(i, "")
        store.save_entry(pid, WeeklyEntry(first_week + timedelta(weeks=i), values, rom, ratings, notes))

    target_date = first_week + timedelta(weeks=30)
    knee = rom_key("knee", Side.RIGHT, "flexion")
    for goal in (
        Goal(
            Discipline.PT,
            "Bend the knee to 115°",
            knee,
            115,
            Direction.HIGHER,
            None,
            first_week,
            target_date,
            set_by="Sam Okafor",
        ),
        Goal(
            Discipline.PT,
            "Straighten the knee fully",
            rom_key("knee", Side.RIGHT, "extension"),
            0,
            Direction.HIGHER,
            None,
            first_week,
            target_date,
            set_by="Sam Okafor",
        ),
        Goal(
            Discipline.PT,
            "Walk 30 minutes without stopping",
            f"activity/{ids['Walk 30 minutes']}",
            8,
            Direction.HIGHER,
            None,
            first_week,
            first_week + timedelta(weeks=24),
            set_by="Sam Okafor",
        ),
        Goal(
            Discipline.PT,
            "Pain 2/10 or less",
            "pain",
            2,
            Direction.LOWER,
            None,
            first_week,
            first_week + timedelta(weeks=20),
            set_by="Sam Okafor",
        ),
        Goal(
            Discipline.OT,
            "Dress independently",
            f"activity/{ids['Get dressed (buttons, socks)']}",
            9,
            Direction.HIGHER,
            None,
            first_week,
            first_week + timedelta(weeks=22),
            set_by="Priya Raman",
        ),
        Goal(
            Discipline.OT,
            "Cook a meal for the family",
            f"activity/{ids['Cook a meal']}",
            8,
            Direction.HIGHER,
            None,
            first_week,
            target_date,
            set_by="Priya Raman",
        ),
        Goal(
            Discipline.OT,
            "Wrist extension to 60°",
            rom_key("wrist", Side.LEFT, "extension"),
            60,
            Direction.HIGHER,
            None,
            first_week,
            first_week + timedelta(weeks=28),
            set_by="Priya Raman",
        ),
    ):
        store.save_goal(pid, goal)

    for day, kind, text in (
        (patient.rehab_start, EventKind.SURGERY, "Right total knee replacement"),
        (first_week + timedelta(weeks=5, days=2), EventKind.NEW_PROGRAMME, "Stairs and balance added"),
        (first_week + timedelta(weeks=13, days=3), EventKind.MEDICATION, "Naproxen for 10 days"),
        (first_week + timedelta(weeks=19, days=1), EventKind.CLINICIAN_NOTE, "Splint off; start grip work"),
    ):
        assert day is not None
        store.save_event(pid, Event(day, kind, text))
    _seed_questionnaires(store, pid, first_week)
    return patient


# Questionnaires: (week index, score-making item sum). LEFS rises well past its 9-point meaningful change
# (with a dip after the week-13 flare-up); QuickDASH falls (better) by more than its 14 points, and once
# one item is left unanswered (10 of 11 still score). The COPM performance score improves by 2 points
# or more but satisfaction does not; GAS is reviewed at weeks 12 and 24.
LEFS_SUMS = {0: 24, 4: 33, 8: 40, 12: 46, 16: 45, 20: 53, 24: 58}
QUICKDASH_SUMS = {0: 38, 4: 35, 8: 28, 12: 28, 16: 27, 20: 23, 24: 21}
QUICKDASH_SKIPPED = {8: 10}  # week index -> the item (1-based) left unanswered
COPM_PROBLEMS = ("Button a shirt", "Cook a meal for the family", "Type for an hour at work")
COPM_RATINGS = {  # week index -> (importance, performance, satisfaction) per problem
    1: ((9, 3, 3), (8, 4, 4), (7, 5, 4)),
    21: ((9, 6, 4), (8, 7, 5), (7, 7, 5)),
}
GAS_GOALS = (
    ("Bend the knee to 115°", 2.0),
    ("Walk 30 minutes without stopping", 1.0),
    ("Dress independently", 1.0),
    ("Cook a meal for the family", 1.0),
)
GAS_LEVELS = {12: (-1, -1, 0, -1), 24: (0, 1, 1, 0)}


def _spread(total: int, count: int, low: int, high: int, rng: random.Random) -> list[float | None]:
    """``count`` whole answers from ``low`` to ``high`` adding up to ``total``, a little uneven."""
    values = [low] * count
    left = total - low * count
    while left > 0:
        i = rng.randrange(count)
        if values[i] < high:
            values[i] += 1
            left -= 1
    return [float(v) for v in values]


def _seed_questionnaires(store: Store, pid: int, first_week: date) -> None:
    rng = random.Random(20250304)  # its own generator: the weekly entries above stay as they were

    def day(week: int) -> date:
        return first_week + timedelta(weeks=week, days=2)

    for week, total in LEFS_SUMS.items():
        store.save_measure(pid, MeasureResult("LEFS", day(week), tuple(_spread(total, 20, 0, 4, rng))))
    for week, total in QUICKDASH_SUMS.items():
        skipped = QUICKDASH_SKIPPED.get(week)
        answers = _spread(total, 11 if skipped is None else 10, 1, 5, rng)
        if skipped is not None:
            answers.insert(skipped - 1, None)
        store.save_measure(pid, MeasureResult("QuickDASH", day(week), tuple(answers)))
    for week, ratings in COPM_RATINGS.items():
        problems = tuple(
            CopmProblem(name, imp, perf, sat)
            for name, (imp, perf, sat) in zip(COPM_PROBLEMS, ratings, strict=True)
        )
        store.save_measure(pid, MeasureResult("COPM", day(week), copm=problems))
    goal_ids = {g.title: g.id for g in store.goals(pid)}
    for week, levels in GAS_LEVELS.items():
        goals = tuple(
            GasGoal(title, level, weight, goal_ids.get(title))
            for (title, weight), level in zip(GAS_GOALS, levels, strict=True)
        )
        store.save_measure(pid, MeasureResult("GAS", day(week), gas=goals))
