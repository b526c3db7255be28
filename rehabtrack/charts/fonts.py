"""Fonts for text that ends up in a PDF: no ligatures, so every word stays searchable and copyable."""

from __future__ import annotations

from PySide6.QtGui import QFont

LIGATURE_FEATURES = ("liga", "clig", "dlig")


def without_ligatures(font: QFont) -> QFont:
    """Turn ligatures off: "ﬀ" would make "Affected" or "stiffness" unsearchable in some PDF readers."""
    for tag in LIGATURE_FEATURES:
        font.setFeature(QFont.Tag(tag), 0)
    return font
