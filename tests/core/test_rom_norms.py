"""Typical range-of-motion tables (AAOS and the VA rating schedule)."""

from __future__ import annotations

import pytest

from rehabtrack.core.rom import ROM_LIMITS
from rehabtrack.core.rom_norms import norm, source_text, sources, typical_range


def test_both_tables_with_sources() -> None:
    assert sources() == ("AAOS", "VA")
    assert "American Academy of Orthopaedic Surgeons" in source_text("AAOS")
    assert "38 CFR 4.71a" in source_text("VA")
    assert "Plate I" in source_text("VA") and "Plate II" in source_text("VA")


def test_aaos_covers_every_movement_rehabtrack_knows() -> None:
    for joint, movement in ROM_LIMITS:
        assert typical_range(joint, movement) is not None, (joint, movement)


@pytest.mark.parametrize("source", ["AAOS", "VA"])
def test_norms_name_known_movements_and_sit_inside_the_plausible_limits(source: str) -> None:
    from rehabtrack.core.resources import load_json

    for key in load_json("rom_norms.json")["norms"][source]:
        joint, movement = key.split("/")
        assert (joint, movement) in ROM_LIMITS, key
        low, high = ROM_LIMITS[(joint, movement)]
        found = typical_range(joint, movement, source)
        assert found is not None
        assert low <= found[0] <= found[1] <= high, key


def test_known_values() -> None:
    assert typical_range("knee", "flexion") == (0, 135)
    assert typical_range("knee", "flexion", "VA") == (0, 140)
    assert typical_range("hip", "flexion", "VA") == (0, 125)
    assert typical_range("shoulder", "flexion", "VA") == (0, 180)
    assert typical_range("forearm", "supination", "VA") == (0, 85)
    # The VA schedule gives no normal value for shoulder extension.
    assert typical_range("shoulder", "extension", "VA") is None
    found = norm("knee", "flexion")
    assert found is not None and found.text == "typical 0–135° (AAOS)"


def test_unknown_source() -> None:
    with pytest.raises(KeyError):
        typical_range("knee", "flexion", "WHO")
