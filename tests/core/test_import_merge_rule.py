"""The merge rule every import follows: nothing stored is erased, and nothing stored changes unless the user
took the file's values; every difference is reported."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rehabtrack.core.imports import OnConflict, merge_values

KEYS = st.sampled_from(["pain", "sleep_hours", "notes", "rom:knee", "activity:1"])
VALUE = st.none() | st.just("") | st.just("  ") | st.integers(0, 3) | st.sampled_from(["a", "b"])
VALUES = st.dictionaries(KEYS, VALUE, max_size=5)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@given(VALUES, VALUES)
def test_keeping_changes_no_stored_value_and_only_fills_what_was_blank(stored: dict, imported: dict) -> None:  # type: ignore[type-arg]
    merged = merge_values(stored, imported, OnConflict.KEEP)
    for key, value in stored.items():
        if not _blank(value):
            assert merged.values[key] == value
    for key, value in merged.values.items():
        if _blank(stored.get(key)):  # a blank stored value is filled from the file, if the file has one
            new = imported.get(key)
            assert value == (stored.get(key) if _blank(new) else new)
    differ = {
        k for k, v in imported.items() if not _blank(v) and not _blank(stored.get(k)) and stored[k] != v
    }
    assert set(merged.conflicts) == differ


@given(VALUES, VALUES)
def test_replacing_takes_every_value_the_file_holds_and_erases_nothing(stored: dict, imported: dict) -> None:  # type: ignore[type-arg]
    merged = merge_values(stored, imported, OnConflict.REPLACE)
    for key in stored.keys() | imported.keys():
        new, old = imported.get(key), stored.get(key)
        assert merged.values.get(key) == (old if _blank(new) else new)
