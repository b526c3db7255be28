"""Every value of a week is refused exactly when it is outside its range or, where it counts whole units,
not whole; NaN and infinity are always refused. The checks skip writing their messages for values in
range (an import checks millions of them): these properties keep the quick path and the message path
saying the same."""

from __future__ import annotations

import math
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.markers import ACTIVITY_MINUTES, ACTIVITY_RATING, WEEKLY_MARKERS, Marker
from rehabtrack.core.model import ActivityRating, WeeklyEntry
from rehabtrack.core.rom import AXIAL_JOINTS, ROM_LIMITS, RomReading, Side

MONDAY = date(2025, 3, 3)
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-400, 400).map(float),
    st.integers(-800, 800).map(lambda n: n / 2),
)


def allowed(value: float, low: float, high: float, whole: bool) -> bool:
    return math.isfinite(value) and low <= value <= high and (not whole or value == math.floor(value))


@given(st.sampled_from(sorted(ROM_LIMITS)), values)
def test_a_reading_is_refused_exactly_outside_its_joints_range(
    movement: tuple[str, str], value: float
) -> None:
    joint, motion = movement
    side = Side.NONE if joint in AXIAL_JOINTS else Side.LEFT
    problems = RomReading(joint, side, motion, value).problems()
    assert (problems == []) == allowed(value, *ROM_LIMITS[movement], whole=False)
    assert all("°" in p.message for p in problems)


@given(values, st.one_of(st.none(), values))
def test_a_rating_is_refused_exactly_when_it_or_its_minutes_are_out_of_range(
    rating: float, minutes: float | None
) -> None:
    problems = ActivityRating(3, rating, minutes).problems("Walk")
    fine = allowed(rating, ACTIVITY_RATING.low, ACTIVITY_RATING.high, whole=True) and (
        minutes is None or allowed(minutes, ACTIVITY_MINUTES.low, ACTIVITY_MINUTES.high, whole=True)
    )
    assert (problems == []) == fine
    assert all(p.message.startswith("Walk ") and p.field.startswith("activity/3") for p in problems)


@given(st.sampled_from(WEEKLY_MARKERS), values)
def test_a_marker_is_refused_exactly_outside_its_range(marker: Marker, value: float) -> None:
    problems = WeeklyEntry(MONDAY, {marker.key: value}).problems()
    assert (problems == []) == allowed(value, marker.low, marker.high, marker.whole)
    assert all(p.field == marker.key for p in problems)
