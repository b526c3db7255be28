"""Printed numbers round halves away from zero, so a printed change matches the printed values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.meaningful_change import classify_change
from rehabtrack.core.numbers import (
    data_text,
    exact,
    plain,
    round_half_up,
    shown_change,
    signed,
    signed_amount,
    typed,
)


def test_halves_round_away_from_zero_as_written() -> None:
    assert (plain(2.25), plain(5.75), plain(2.675, 2)) == ("2.3", "5.8", "2.68")
    assert plain(-1.25) == "\u22121.3"  # a real minus sign
    assert (plain(-0.04), plain(0.0), plain(7.0), plain(7.5, 0)) == ("0", "0", "7", "8")


def test_a_change_between_two_printed_means_is_their_printed_difference() -> None:
    first, last = 5.75, 2.25  # the demo patient's pain, first and last four weeks
    assert (plain(first), plain(last), plain(last - first)) == ("5.8", "2.3", "\u22123.5")


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 3))
def test_rounding_moves_a_value_by_at_most_half_a_step(value: float, decimals: int) -> None:
    assert abs(round_half_up(value, decimals) - value) <= 0.5 * 10**-decimals + 1e-9


def test_a_half_left_by_float_arithmetic_still_rounds_up_as_written() -> None:
    # 7.2 − 5.05 is 2.1500000000000004 and 6.2 − 4.05 is 2.1500000000000004 or 2.1499999999999995:
    # either way the change a person reads is 2.15, shown as 2.2.
    assert plain(2.1499999999999995) == plain(2.1500000000000004) == "2.2"
    assert (signed(2.15), signed(-2.25), signed(0.04), signed(-0.04)) == ("+2.2", "\u22122.3", "0", "0")


def test_changes_read_with_sign_and_unit() -> None:
    pain = classify_change("pain", 4.75, 2.5, lower_is_better=True)
    assert "from 4.8 to 2.5 (\u22122.3 points, \u221247 %)" in pain.describe()
    assert signed_amount(1.0, "points") == "+1 point"
    assert signed_amount(-8.25, "°") == "\u22128.3°"


def test_a_change_just_short_of_its_threshold_keeps_a_second_decimal() -> None:
    assert (
        shown_change(6, 4.04, 2),
        shown_change(6, 4.06, 2),
        shown_change(4.04, 6, 2),
        shown_change(4, 6.06, 2),
    ) == ((-1.96, 2), (-1.9, 1), (1.96, 2), (2.1, 1))
    near = classify_change("pain", 6.0, 4.04, lower_is_better=True)
    assert not near.meaningful and "(\u22121.96 points, \u221233 %)" in near.describe()


def test_limits_and_typed_values_read_as_given() -> None:
    assert (exact(0.5), exact(240), exact(-30), exact(12.25)) == ("0.5", "240", "\u221230", "12.25")
    assert (typed(-8), typed(7.5)) == ("-8", "7.5")  # back into a field, where a plain "-" is typed
    assert data_text(7.25) == "7.25" and data_text(-8.0) == "-8"


def test_a_change_reads_as_the_difference_of_the_values_beside_it() -> None:
    """6.5 → 2.25 was shown "6.5 → 2.3 (−4.3)": a reader's own subtraction gives −4.2."""
    pain = classify_change("pain", 6.5, 2.25, lower_is_better=True)
    assert "from 6.5 to 2.25 (\u22124.25 points" in pain.describe()
    sleep = classify_change("sleep_hours", 5.05, 7.2, lower_is_better=False)
    assert "from 5.05 to 7.2 (+2.15 hours)" in sleep.describe()
    thirds = classify_change("pain", 19 / 3, 8 / 3, lower_is_better=True)  # means of three weeks
    assert "from 6.33 to 2.67 (\u22123.66 points" in thirds.describe()


@given(
    st.floats(0, 240, allow_nan=False).map(lambda x: round(x * 12) / 12),
    st.floats(0, 240, allow_nan=False).map(lambda x: round(x * 12) / 12),
    st.sampled_from([0.5, 1, 2, 10, 15.9]),
)
def test_every_shown_change_is_the_shown_difference_and_on_the_right_side(
    before: float, after: float, threshold: float
) -> None:
    """For means of up to four weeks (twelfths): the change shown is the difference of the two values as
    shown, its sign is the real change's, and it is on the real change's side of the threshold."""
    shown, decimals = shown_change(before, after, threshold)
    assert shown == round_half_up(round_half_up(after, decimals) - round_half_up(before, decimals), decimals)
    delta = round(after - before, 9)
    assert (shown > 0) == (delta > 0) and (shown < 0) == (delta < 0)
    assert (abs(shown) >= threshold) == (abs(delta) >= threshold)
    assert decimals <= 3
