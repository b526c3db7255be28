"""One rule for the data folder: --data-dir, then REHABTRACK_DATA_DIR, then Preferences, then the default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rehabtrack.storage.paths import (
    DataChoice,
    DataChoiceProblem,
    backups_kept,
    choice_file,
    default_data_dir,
    resolve_data_dir,
    save_choice,
)


@pytest.fixture(autouse=True)
def user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("REHABTRACK_DATA_DIR", raising=False)


def test_each_source_wins_over_the_ones_after_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_data_dir() == default_data_dir()
    assert default_data_dir().is_relative_to(tmp_path / "xdg-data")

    save_choice(DataChoice(str(tmp_path / "chosen"), 4))
    assert choice_file().is_relative_to(tmp_path / "config")
    assert (resolve_data_dir(), backups_kept()) == (tmp_path / "chosen", 4)

    monkeypatch.setenv("REHABTRACK_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir() == tmp_path / "env"
    assert resolve_data_dir(str(tmp_path / "given")) == tmp_path / "given"


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '["a list"]',
        '{"folder": 3}',
        '{"folder": "x", "backups_kept": 0}',
        '{"backups_kept": "ten"}',
    ],
)
def test_a_damaged_choice_is_an_error_naming_the_file(content: str) -> None:
    choice_file().parent.mkdir(parents=True)
    choice_file().write_text(content)
    with pytest.raises(DataChoiceProblem, match=str(choice_file())):
        resolve_data_dir()


def test_the_command_line_stops_on_a_damaged_choice_instead_of_using_another_folder(tmp_path: Path) -> None:
    choice_file().parent.mkdir(parents=True)
    choice_file().write_text("{not json")
    out = subprocess.run(
        [sys.executable, "-m", "rehabtrack", "export", "--out", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and str(choice_file()) in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "xdg-data").exists()
