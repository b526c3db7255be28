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


def shown_change(
    before: float, after: float, threshold: float, decimals: int | None = None
) -> tuple[float, int]:
    """The change from ``before`` to ``after`` as it is shown beside them, and the decimals to show all
    three with, so a reader's own subtraction agrees: 6.5 → 2.25 reads "6.5 → 2.25 (−4.25)", never
    "6.5 → 2.3 (−4.3)". One decimal when that is exact, else two. The shown change also stays on the
    side of ``threshold`` (and of zero) the real one is on: 1.96 against 2 never reads "2". Values no
    number of decimals makes exact (thirds) show the difference of the two values as shown.
    ``decimals``: the values are shown with this many (a table column), so the change is their difference
    as shown, unless that would misstate its side of the threshold."""
    delta = after - before

    def side(x: float, line: float) -> int:
        return (x > line) - (x < line)

    def as_shown(decimals: int) -> float:
        return round_half_up(round_half_up(after, decimals) - round_half_up(before, decimals), decimals)

    def honest(shown: float) -> bool:
        return side(shown, 0) == side(round(delta, 9), 0) and side(abs(shown), threshold) == side(
            round(abs(delta), 9), threshold
        )

    if decimals is not None and honest(shown := as_shown(decimals)):
        return shown, decimals
    for places in (1, 2):
        shown = as_shown(places)
        if shown == round_half_up(delta, places) and honest(shown):
            return shown, places
    for places in (2, 3):
        if honest(shown := as_shown(places)):
            return shown, places
    return round_half_up(delta, 3), 3


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
