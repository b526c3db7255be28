"""Numbers as people read them: the one place that turns a value into text, for the app, the session
view, the PDF and the CSV export alike.

Every function takes the unrounded value and rounds once, half away from zero, as the number is written
(2.15 -> 2.2, 4.75 - 2.5 = 2.25 -> 2.3). Python's own rounding goes to the even neighbour on the binary
value (f"{2.25:.1f}" is "2.2" but f"{5.75:.1f}" is "5.8"), so a printed change could disagree with the
printed values it joins; nothing outside this module formats a number shown to a person.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

MINUS = "\u2212"
# Sums and means of values typed with one decimal carry binary noise (2.1 + 0.05 = 2.1500000000000004 or
# 2.1499999999999995); settling that many decimals first makes a written half round up as written.
NOISE_DECIMALS = 9
# A limit or a typed value is shown as given, up to this many decimals ("0.5", "240", "12.25").
EXACT_DECIMALS = 6


def round_half_up(value: float, decimals: int = 0) -> float:
    """``value`` rounded to ``decimals`` places, halves away from zero, as written (2.675 -> 2.68)."""
    with localcontext() as context:
        context.prec = 60
        settled = Decimal(repr(value)).quantize(Decimal(1).scaleb(-NOISE_DECIMALS))
        return float(settled.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


HUGE = 1e15  # from here on a float has no decimals to round, and a number is written as 1e+51


def plain(value: float, decimals: int = 1) -> str:
    """At most ``decimals`` decimals, no trailing zeros, never "-0", with a real minus sign; a huge
    number (only ever a typing or file error, such as 1e60 read from a file) as "1e+60"."""
    if not abs(value) < HUGE:  # NaN and infinity too
        return f"{value:g}".replace("-", MINUS)
    text = f"{round_half_up(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace("-", MINUS)


def exact(value: float) -> str:
    """A limit or a typed value as it was given: "0.5", "240", "−30" (no rounding a person would see)."""
    return plain(value, EXACT_DECIMALS)


def with_unit(unit: str) -> str:
    """The unit as it follows a number: '°' and '%' hug it, words get a space."""
    return unit if unit in ("°", "%") or not unit else f" {unit}"


def format_value(value: float, unit: str = "", whole: bool = False) -> str:
    """A value as shown to a patient: whole markers as whole numbers, others (and means) to one decimal."""
    return f"{plain(value, 0 if whole else 1)}{with_unit(unit)}"


def signed(value: float, decimals: int = 1) -> str:
    """A change with its sign: "+2.2", "−2.3"; "0" when it rounds to nothing."""
    text = plain(value, decimals)
    return text if text == "0" or text.startswith(MINUS) else f"+{text}"


def singular(unit: str) -> str:
    """ "points" -> "point", "hours" -> "hour"; symbols are left alone."""
    if unit == "hours":
        return "hour"
    return unit[:-1] if unit.endswith("s") else unit


def amount(number: float, unit: str, decimals: int = 1) -> str:
    """``number`` with its unit: "2 points", "1 point", "5°", "0.5 hours"."""
    text = plain(number, decimals)
    if unit in ("°", "%") or not unit:
        return f"{text}{unit}"
    return f"{text} {singular(unit) if text == '1' else unit}"


def signed_amount(delta: float, unit: str, decimals: int = 1) -> str:
    """A change with sign and unit: "−3.5 points", "+2.2 hours", "+8.3°"; "0" for none."""
    text = signed(delta, decimals)
    if text == "0":
        return text
    return f"{text[0]}{amount(abs(delta), unit, decimals)}"


def change_decimals(size: float, threshold: float) -> int:
    """Decimals to show a change of ``size`` with: 1, or 2 when one decimal would put it on the other
    side of ``threshold`` than it is (1.96 against 2 must not read "2")."""

    def side(x: float) -> int:
        return (x > threshold) - (x < threshold)

    return 1 if side(round_half_up(size, 1)) == side(size) else 2


def whole_percent(percent: float) -> str:
    """A share in whole percent: "70%", "99%"."""
    return f"{plain(percent, 0)}%"


def typed(value: float) -> str:
    """A value put back into an entry field, as it would be typed: "7.5", "-8" (ASCII minus)."""
    return exact(value).replace(MINUS, "-")


def data_text(value: float) -> str:
    """A stored value for a data file (CSV): exact and plain ASCII, "7", "7.25", "-8", read back as is."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)
