"""Data files are read through importlib.resources; a missing one is an error naming it."""

from __future__ import annotations

import pytest

from rehabtrack.core.resources import ResourceProblem, json_names, load_json, read_bytes, resource_path


def test_every_data_folder_lists_its_files() -> None:
    assert "knee_replacement.json" in json_names("templates")
    assert "LEFS.json" in json_names("measures")
    assert read_bytes("icons", "rehabtrack.svg").lstrip().startswith(b"<")
    assert resource_path("icons", "rehabtrack-48.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("read", "named"),
    [
        (lambda: load_json("measures", "NOPE.json"), "resources/measures/NOPE.json is missing"),
        (lambda: json_names("no such folder"), "resources/no such folder/ is missing"),
        (lambda: json_names("icons"), "resources/icons/ holds no .json files"),
        (lambda: resource_path("icons", "gone.svg"), "resources/icons/gone.svg is missing"),
        (lambda: load_json("icons", "rehabtrack-16.png"), "resources/icons/rehabtrack-16.png is damaged"),
    ],
)
def test_a_missing_or_damaged_file_is_named(read: object, named: str) -> None:
    with pytest.raises(ResourceProblem, match="reinstall") as problem:
        read()  # type: ignore[operator]
    assert named in str(problem.value)
