"""The sign of an angle measured from straight: which movements have the rule, and what counts as a flip."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.rom import ROM_LIMITS, sign_flipped, sign_rule


def test_movements_that_can_fall_short_of_neutral_carry_the_sign_rule() -> None:
    assert sign_rule("knee", "extension") == "0 = straight; 10° short of straight = \u221210"
    assert (
        sign_rule("elbow", "extension") == sign_rule("finger", "extension") == sign_rule("knee", "extension")
    )
    assert sign_rule("knee", "flexion") is None and sign_rule("wrist", "extension") is None
    # Every movement whose allowed range reaches below zero says how to read the sign.
    assert all(sign_rule(j, m) for (j, m), (low, _high) in ROM_LIMITS.items() if low < 0)


def test_a_reading_against_the_sign_of_the_last_ones_is_a_flip() -> None:
    assert sign_flipped([-8, -6], 5)  # the case: 5 typed for "5° short"
    assert sign_flipped([-10, -8, -6], 2) and sign_flipped([3, 2], -4) and sign_flipped([-6], 5)
    assert not sign_flipped([-8, -6], -5)  # same sign
    assert not sign_flipped([], 5)  # nothing to compare with
    assert not sign_flipped([-8, 0], 5) and not sign_flipped([-8, -6], 0)  # zero has no sign
    assert not sign_flipped([4, -8, -6, -5], -3)
    assert sign_flipped([4, -8, -6, -5], 3)  # only the last three readings count


@given(st.lists(st.integers(-30, -1), min_size=1, max_size=8), st.integers(1, 20))
def test_any_positive_reading_after_negative_ones_is_asked_about(earlier: list[int], value: int) -> None:
    assert sign_flipped(earlier, value) and not sign_flipped(earlier, -value)
