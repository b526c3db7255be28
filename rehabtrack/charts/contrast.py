"""WCAG 2.x contrast: relative luminance of an sRGB colour and the contrast ratio of two colours.

Text needs 4.5:1 against its background (WCAG 1.4.3, level AA), graphics such as chart lines 3:1
(1.4.11). A translucent colour is first laid over its background, as it is seen.
"""

from __future__ import annotations

TEXT_MIN = 4.5
GRAPHIC_MIN = 3.0

RGB = tuple[float, float, float]


def parse(colour: str) -> tuple[RGB, float]:
    """``#RRGGBB`` or ``#RRGGBBAA`` (pyqtgraph's order, alpha last) → (0–255 channels, 0–1 alpha)."""
    text = colour.strip().lstrip("#")
    if len(text) not in (6, 8):
        raise ValueError(f"not a #RRGGBB or #RRGGBBAA colour: {colour!r}")
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    alpha = int(text[6:8], 16) / 255 if len(text) == 8 else 1.0
    return (float(r), float(g), float(b)), alpha


def over(colour: str, background: str) -> str:
    """``colour`` as seen laid over the opaque ``background`` (alpha blended), as #RRGGBB."""
    (fg, alpha), (bg, _) = parse(colour), parse(background)
    mixed = [round(f * alpha + b * (1 - alpha)) for f, b in zip(fg, bg, strict=True)]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _linear(channel: float) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white), of an opaque colour."""
    (r, g, b), _ = parse(colour)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio (1–21) of two colours; a translucent ``first`` is laid over ``second``."""
    if parse(first)[1] < 1:
        first = over(first, second)
    a, b = relative_luminance(first), relative_luminance(second)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)
