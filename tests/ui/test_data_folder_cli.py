"""The folder chosen in Preferences (and the backups kept) is the one the command line works on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from rehabtrack.storage.backup import list_backups
from rehabtrack.storage.store import Store, open_store
from rehabtrack.ui.settings import Settings, SharedWithStorage
from rehabtrack.ui.shell.main_window import MainWindow


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The user's configuration and data folders inside tmp_path; the environment a command gets."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("REHABTRACK_DATA_DIR", raising=False)
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *a, **k: None))
    return dict(os.environ)


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args], capture_output=True, text=True, timeout=120, env=env
    )


def _choose_in_preferences(
    main_window: Callable[..., MainWindow], qtbot: QtBot, store: Store, ini: Path, folder: Path, kept: int
) -> int:
    """Move the records to ``folder`` and keep ``kept`` backups through the Preferences dialog, as the
    user does; returns the patient's number of weeks."""
    settings = Settings(SharedWithStorage(QSettings(str(ini), QSettings.Format.IniFormat)))
    window = main_window(store, settings)
    assert window.patient is not None and window.patient.id is not None
    weeks = len(store.entries(window.patient.id))
    dialog = window.desktop.make_dialog()
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    dialog.backups.setValue(kept)
    window.desktop.accept(dialog)
    assert window.store is not None and window.store.path.parent == folder
    window.store.close()  # the app is closed before the command runs
    window.close()
    return weeks


def test_export_and_backup_follow_the_folder_chosen_in_preferences(
    main_window: Callable[..., MainWindow],
    qtbot: QtBot,
    demo_store: Store,
    data_dir: Path,
    today: date,
    tmp_path: Path,
    config_home: dict[str, str],
) -> None:
    chosen = tmp_path / "chosen records"
    weeks = _choose_in_preferences(main_window, qtbot, demo_store, tmp_path / "s.ini", chosen, kept=2)
    old_backups = list_backups(data_dir)

    out = _cli(config_home, "export", "--out", str(tmp_path / "mine.csv"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"Exported {weeks} weekly entries to {tmp_path / 'mine.csv'}"

    for _ in range(3):
        out = _cli(config_home, "backup")
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(f"Backed up to {chosen / 'backups'}")
    assert len(list_backups(chosen)) == 2, "the number of backups chosen in Preferences is kept"
    assert list_backups(data_dir) == old_backups, "the old folder is left alone"
    assert not (tmp_path / "xdg-data").exists(), "the platform's default folder is not used"


def test_data_dir_and_the_environment_still_come_before_preferences(
    main_window: Callable[..., MainWindow],
    qtbot: QtBot,
    demo_store: Store,
    today: date,
    tmp_path: Path,
    config_home: dict[str, str],
) -> None:
    chosen = tmp_path / "chosen"
    _choose_in_preferences(main_window, qtbot, demo_store, tmp_path / "s.ini", chosen, kept=5)
    out = _cli(config_home, "--demo", "export", "--out", str(tmp_path / "demo.csv"))
    assert out.returncode == 0, out.stderr

    given, from_env = tmp_path / "given", tmp_path / "from-env"
    out = _cli(
        config_home, "import", str(tmp_path / "demo.csv"), "--patient", "Ann", "--data-dir", str(given)
    )
    assert out.returncode == 0, out.stderr
    env = {**config_home, "REHABTRACK_DATA_DIR": str(from_env)}
    out = _cli(env, "import", str(tmp_path / "demo.csv"), "--patient", "Bea")
    assert out.returncode == 0, out.stderr

    for folder, names in ((given, ["Ann"]), (from_env, ["Bea"]), (chosen, ["Margaret Demo"])):
        store = open_store(folder)
        assert [p.display_name for p in store.patients()] == names
        store.close()


def test_a_folder_chosen_before_the_shared_file_existed_is_followed(
    tmp_path: Path, config_home: dict[str, str]
) -> None:
    """Preferences saved by an older RehabTrack (only in QSettings) reach the command line too."""
    ini = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    ini.setValue("data/folder", str(tmp_path / "older choice"))
    ini.setValue("data/backups_kept", 3)
    ini.sync()
    settings = Settings(SharedWithStorage(QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)))
    assert settings.preferences().data_folder == str(tmp_path / "older choice")

    out = _cli(config_home, "--demo", "export", "--out", str(tmp_path / "demo.csv"))
    out = _cli(config_home, "import", str(tmp_path / "demo.csv"), "--patient", "Ann")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "older choice" / "rehabtrack.db").is_file()


def test_the_apps_own_settings_reach_the_command_line(tmp_path: Path, config_home: dict[str, str]) -> None:
    """What the app saves through the user's real settings (a fresh process: Qt keeps the settings
    folder it first saw) is what the command line then uses."""
    chosen = tmp_path / "mine"
    save = (
        "from dataclasses import replace\n"
        "from rehabtrack.ui.shell.app import make_application\n"
        "from rehabtrack.ui.settings import user_settings\n"
        "app = make_application()\n"
        "settings = user_settings()\n"
        f"settings.save_preferences(replace(settings.preferences(), data_folder={str(chosen)!r}))\n"
    )
    env = {**config_home, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", save], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "config" / "RehabTrack" / "RehabTrack.conf").is_file(), "the app's own settings file"

    out = _cli(config_home, "--demo", "export", "--out", str(tmp_path / "demo.csv"))
    out = _cli(config_home, "import", str(tmp_path / "demo.csv"), "--patient", "Ann")
    assert out.returncode == 0, out.stderr
    out = _cli(config_home, "backup")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Backed up to {chosen / 'backups'}")
