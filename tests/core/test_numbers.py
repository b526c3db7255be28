"""Printed numbers round halves away from zero, so a printed change matches the printed values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.numbers import plain, round_half_up


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
