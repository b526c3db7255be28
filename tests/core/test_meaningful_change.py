"""Meaningful-change thresholds and the words used for a change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.instruments import INSTRUMENTS
from rehabtrack.core.markers import MARKERS_BY_KEY
from rehabtrack.core.meaningful_change import (
    IMPROVED,
    WITHIN_VARIATION,
    WORSE,
    classify_change,
    measurement_error,
    relative_criterion,
    threshold_for,
    thresholds,
)

WEEKLY_KEYS = [k for k, m in MARKERS_BY_KEY.items() if m.chart]  # the charted markers, adherence too
ROM_KEY = "rom/knee/right/flexion/active"
EXAMPLE_KEYS = [*WEEKLY_KEYS, ROM_KEY, "activity/7", *(f"measure/{k}" for k in INSTRUMENTS)]


def test_every_charted_weekly_marker_has_a_threshold() -> None:
    assert {"pain", "stiffness_minutes", "sleep_hours", "exercise_adherence"} <= set(WEEKLY_KEYS)
    for key in WEEKLY_KEYS:
        t = threshold_for(key)
        assert t.value > 0
        assert t.source.strip()


def test_published_values() -> None:
    assert threshold_for("pain").value == 2
    assert "Farrar" in threshold_for("pain").source and "Childs" in threshold_for("pain").source
    # Range of motion logged at home: 10° (Hancock 2018), not the 5° of a clinician with a goniometer.
    assert threshold_for(ROM_KEY).value == 10
    assert "Hancock" in threshold_for(ROM_KEY).source
    assert threshold_for(ROM_KEY).unit == "°"
    assert threshold_for("activity/12").value == 3  # single activity (Stratford 1995)
    assert threshold_for("measure/PSFS").value == 2  # mean of activities
    assert threshold_for("measure/COPM_performance").value == 2
    assert threshold_for("measure/COPM_satisfaction").value == 2
    assert threshold_for("measure/LEFS").value == 9
    assert threshold_for("measure/QuickDASH").value == 14
    assert "15.91" in threshold_for("measure/QuickDASH").source
    assert threshold_for("measure/ODI").value == 10
    assert threshold_for("measure/NPRS").value == 2
    assert threshold_for("measure/GAS").value == 10


def test_conventions_say_so() -> None:
    for key in ("sleep_hours", "sleep_quality", "stiffness_minutes", "nights_woken", "measure/GAS"):
        t = threshold_for(key)
        assert not t.published
        assert "convention" in t.source.lower()
        assert "not a published MCID" in t.source


def test_a_questionnaire_is_judged_by_the_threshold_its_file_states() -> None:
    for inst in INSTRUMENTS.values():
        assert threshold_for(inst.series_key).value == inst.threshold.value
        assert threshold_for(inst.series_key).source == inst.threshold.source


def test_unknown_key() -> None:
    with pytest.raises(KeyError):
        threshold_for("weather")
    with pytest.raises(KeyError):
        threshold_for("measure/NOPE")


def test_describe_improved() -> None:
    change = classify_change("pain", 6.2, 3.1, lower_is_better=True)
    assert change.direction == IMPROVED and change.meaningful
    assert change.describe() == (
        "Pain fell from 6.2 to 3.1 (\u22123.1 points, \u221250 %): improved, more than the 2-point "
        "meaningful change and 30 % of the starting value"
    )


def test_describe_within_variation_and_worse() -> None:
    small = classify_change("pain", 3, 4, lower_is_better=True)
    assert small.direction == WITHIN_VARIATION and not small.meaningful
    assert small.describe() == (
        "Pain rose from 3 to 4 (+1 point, +33 %): within normal variation, less than the 2-point "
        "meaningful change"
    )
    worse = classify_change(ROM_KEY, 110, 98, lower_is_better=False)
    assert worse.direction == WORSE
    assert worse.describe() == (
        "Right knee flexion fell from 110° to 98° (\u221212°): worse, more than the 10° meaningful change"
    )


def test_exactly_the_threshold_is_meaningful_despite_float_error() -> None:
    # 6.2 − 4.2 is 1.9999999999999996 in floating point; it is a 2-point change.
    change = classify_change("pain", 6.2, 4.2, lower_is_better=True)
    assert change.delta == -2
    assert change.direction == IMPROVED
    assert "as large as the 2-point" in change.describe()


def test_a_second_decimal_shows_when_rounding_would_mislead() -> None:
    change = classify_change("pain", 6.2, 4.24, lower_is_better=True)  # −1.96: not meaningful
    assert change.direction == WITHIN_VARIATION
    assert "\u22121.96 points" in change.describe()


def test_no_change() -> None:
    change = classify_change("sleep_hours", 7, 7, lower_is_better=False)
    assert change.describe() == (
        "Sleep stayed at 7 (no change): within normal variation, less than the 0.5-hour meaningful change"
    )


def test_table_has_prefix_entries() -> None:
    table = thresholds()
    assert "rom/" in table and "activity/" in table


values = st.floats(min_value=-1000, max_value=1000, allow_nan=False)


@given(st.sampled_from(EXAMPLE_KEYS), values, values, st.booleans())
def test_never_improved_below_the_threshold(key: str, before: float, after: float, lower: bool) -> None:
    change = classify_change(key, before, after, lower)
    threshold = threshold_for(key).value
    if abs(change.delta) < threshold:
        assert change.direction == WITHIN_VARIATION
        assert not change.meaningful
        assert "improved" not in change.describe()
        assert "worse" not in change.describe()
    else:
        falling = change.delta < 0
        toward = falling == lower
        relative = relative_criterion(key)
        if toward and relative is not None and abs(change.delta) < relative / 100 * abs(before) - 1e-9:
            # An improvement must also reach the published relative criterion (pain: 30 %).
            assert not change.meaningful and change.direction == WITHIN_VARIATION
            return
        assert change.meaningful
        assert change.direction == (IMPROVED if toward else WORSE)


@pytest.mark.parametrize(
    ("change", "direction"), [(9, WITHIN_VARIATION), (10, IMPROVED), (-9, WITHIN_VARIATION), (-10, WORSE)]
)
def test_range_of_motion_logged_at_home_needs_its_measurement_error_to_change(
    change: float, direction: str
) -> None:
    # The verdict's threshold is never below what the trend rule calls measurement error.
    assert threshold_for(ROM_KEY).value >= measurement_error(ROM_KEY)
    assert classify_change(ROM_KEY, 100, 100 + change, lower_is_better=False).direction == direction
    # Extension is negative short of straight: −20 → −11 is 9° straighter, inside the error.
    extension = "rom/knee/right/extension/active"
    assert classify_change(extension, -20, -20 + change, lower_is_better=False).direction == direction
