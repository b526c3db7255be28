"""Preferences → Clinic server: the address (with its user) goes to the settings and the password to the
keyring (a file of the test's own), never the other way round; "Test connection" says plainly how it
went; the chosen server is what the next start opens, unless --database, REHABTRACK_DATABASE_URL or
--data-dir say otherwise; an address that cannot be used is named and nothing is kept."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from rehabtrack.storage import credentials
from rehabtrack.storage.paths import choice_file, resolve_database
from rehabtrack.storage.server import server_url
from rehabtrack.ui.dialogs.preferences import PreferencesDialog
from rehabtrack.ui.settings import MemoryBackend, Settings, SharedWithStorage

CLINIC = "postgresql://db.clinic.example/rehab?sslmode=verify-full&sslrootcert=/etc/clinic/root.crt"
DOWN = "postgresql://127.0.0.1:1/rehab"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The user's settings as the app keeps them: Qt's (in memory here) and storage's choice file."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("REHABTRACK_DATABASE_URL", raising=False)
    return Settings(SharedWithStorage(MemoryBackend()))


@pytest.fixture
def dialog(qtbot: QtBot, settings: Settings) -> Iterator[PreferencesDialog]:
    shown = PreferencesDialog(settings.preferences(), None)
    qtbot.addWidget(shown)
    shown.show()
    shown.show_server_page()
    yield shown


def _fill(dialog: PreferencesDialog, address: str, user: str = "", password: str = "") -> None:
    page = dialog.server_page
    page.address.setText(address)
    page.user.setText(user)
    page.password.setText(password)


def test_the_address_is_kept_in_the_settings_and_the_password_in_the_keyring(
    qtbot: QtBot, settings: Settings, dialog: PreferencesDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(dialog, CLINIC, "priya", "right horse battery")
    dialog.server_page.use.setChecked(True)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    settings.save_preferences(dialog.preferences())

    chosen = "postgresql://priya@db.clinic.example/rehab?sslmode=verify-full&sslrootcert=/etc/clinic/root.crt"
    stored = choice_file().read_text(encoding="utf-8")
    assert chosen in stored and "horse" not in stored
    backend = settings.backend
    assert isinstance(backend, SharedWithStorage) and isinstance(backend.qsettings, MemoryBackend)
    assert "horse" not in repr(backend.qsettings.values)
    assert credentials.password(server_url(chosen)) == "right horse battery"

    # what the next start opens: the chosen server, unless the command line or the environment says
    assert resolve_database(None, None) == chosen
    monkeypatch.setenv("REHABTRACK_DATABASE_URL", "postgresql://other.example/rehab")
    assert resolve_database(None, None) == "postgresql://other.example/rehab"
    assert resolve_database("postgresql:///mine", None) == "postgresql:///mine"
    assert resolve_database(None, "/home/priya/records") is None

    again = PreferencesDialog(settings.preferences(), None)
    qtbot.addWidget(again)
    page = again.server_page
    assert page.address.text() == CLINIC and page.user.text() == "priya" and page.use.isChecked()
    assert page.password.text() == "" and page.password.placeholderText() == "saved in the system keyring"


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("", "Server address: type the clinic server's address, or untick Use this server"),
        ("postgresql://priya:horse@db.clinic.example/rehab", "holds a password"),
        ("postgresql://db.clinic.example/rehab?sslmode=verify", "sslmode=verify in the database address"),
        ("db.clinic.example", "not a database address"),
    ],
)
def test_an_address_that_cannot_be_used_is_named_and_nothing_is_kept(
    settings: Settings, dialog: PreferencesDialog, address: str, said: str
) -> None:
    _fill(dialog, address, "priya", "right horse battery")
    dialog.server_page.use.setChecked(True)
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.pages.currentWidget() is dialog.server_page
    assert dialog.server_page.result.isVisible() and said in dialog.server_page.result.text()
    assert not Path(os.environ["REHABTRACK_TEST_KEYRING"]).exists()  # no password went anywhere
    assert dialog.preferences().server == ""  # the address kept is still the one before


def test_test_connection_says_plainly_that_the_server_is_not_answering(dialog: PreferencesDialog) -> None:
    _fill(dialog, DOWN, "priya", "right horse battery")
    assert not dialog.server_page.test_connection()
    said = dialog.server_page.result
    assert said.isVisible()
    assert said.text().startswith("Not connected. RehabTrack cannot connect to the database ")
    assert "Connection refused" in said.text() and "horse" not in said.text()
    assert not Path(os.environ["REHABTRACK_TEST_KEYRING"]).exists()  # a test saves nothing


@pytest.mark.postgres
def test_test_connection_says_when_the_server_can_be_used(
    dialog: PreferencesDialog, postgres_url: str
) -> None:
    _fill(dialog, postgres_url)
    assert dialog.server_page.test_connection()
    assert dialog.server_page.result.text() == f"Connected to {postgres_url}: RehabTrack can use this server."


def test_every_field_of_the_page_has_a_key_of_its_own(dialog: PreferencesDialog) -> None:
    """Keyboard only: Alt and a letter reaches each field; no letter is used twice in the dialog."""
    page = dialog.server_page
    form = next(
        page.layout().itemAt(i).layout()  # type: ignore[union-attr]
        for i in range(page.layout().count())  # type: ignore[union-attr]
        if isinstance(page.layout().itemAt(i).layout(), QFormLayout)  # type: ignore[union-attr]
    )
    assert isinstance(form, QFormLayout)
    for field in (page.address, page.user, page.password):
        label = form.labelForField(field)
        assert isinstance(label, QLabel) and label.buddy() is field and "&" in label.text()
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [page.use.text(), page.test.text(), *(dialog.pages.tabText(i) for i in range(2))]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(letters) == len(set(letters)), letters
    assert isinstance(page.password, QLineEdit) and page.password.echoMode() == QLineEdit.EchoMode.Password


def test_a_chosen_server_out_of_reach_stops_a_command_in_one_line(tmp_path: Path, settings: Settings) -> None:
    from dataclasses import replace

    settings.save_preferences(replace(settings.preferences(), server=DOWN, use_server=True))
    out = subprocess.run(
        [sys.executable, "-m", "rehabtrack", "export", "--format", "csv", "--out", str(tmp_path / "w.csv")],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    said = f"rehabtrack: RehabTrack cannot connect to the database {DOWN} (Connection refused"
    assert line.startswith(said)
    assert "Traceback" not in out.stderr and not (tmp_path / "w.csv").exists()


def test_a_computer_without_a_keyring_is_told_and_nothing_is_kept(
    settings: Settings, dialog: PreferencesDialog
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())  # the next test's keyring is chosen again (tests/conftest.py)
    _fill(dialog, CLINIC, "priya", "right horse battery")
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    said = dialog.server_page.result
    assert said.isVisible()
    assert said.text().startswith("The password could not be saved in the system keyring")
    assert "client certificate" in said.text() and "horse" not in said.text()
