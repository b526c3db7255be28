"""Numbers as people read them: rounded half away from zero, no trailing zeros, a real minus sign.

Python's own rounding goes to the even neighbour on the binary value (f"{2.25:.1f}" is "2.2" but
f"{5.75:.1f}" is "5.8"), so a printed change could disagree with the printed values it joins.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"


def round_half_up(value: float, decimals: int = 0) -> float:
    """``value`` rounded to ``decimals`` places, halves away from zero, as written (2.675 -> 2.68)."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def plain(value: float, decimals: int = 1) -> str:
    """At most ``decimals`` decimals, no trailing zeros, never "-0", with a real minus sign."""
    text = f"{round_half_up(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace("-", MINUS)
