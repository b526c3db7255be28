"""File → Export health record (FHIR)… writes the patient's FHIR Bundle; File → Import… reads it back."""

from __future__ import annotations

import json
from pathlib import Path

from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_store
from rehabtrack.ui.dialogs.transfer import import_file


def test_the_file_menu_exports_a_health_record_that_imports_back(
    qtbot, data_dir: Path, today, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from rehabtrack.ui.shell.main_window import MainWindow

    store = open_store(data_dir)
    seed_demo(store, today)
    store.close()
    target = tmp_path / "Margaret health record"  # the window adds .json
    asked: list[str] = []

    def save_name(_parent, title, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(f"{title} | {Path(suggested).name} | {filters}")
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    window = MainWindow(lambda: open_store(data_dir), today)
    qtbot.addWidget(window)
    window.show()
    window.load()
    [file_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    [action] = [a for a in file_menu.actions() if a.text() == "Export &health record (FHIR)…"]
    action.trigger()
    written = target.with_name(target.name + ".json")
    assert asked == ["Export health record (FHIR) | Margaret Demo health record.json | FHIR Bundles (*.json)"]
    assert written.stat().st_mode & 0o777 == 0o600
    assert json.loads(written.read_text(encoding="utf-8"))["resourceType"] == "Bundle"
    said = window.statusBar().currentMessage()
    assert said.startswith("Wrote 24 weeks (") and said.endswith("Only you can read this file.")
    window.close()

    clinic = open_store(tmp_path / "clinic")
    try:
        outcome = import_file(clinic, written)
        assert outcome.ok, outcome.message
        assert outcome.message.splitlines()[:2] == [
            f"Imported Margaret Demo's records from {written.name}.",
            "Margaret Demo (new patient): 24 weeks added, 5 activities added, 7 goals added, "
            "18 questionnaire results added, 4 events added.",
        ]
    finally:
        clinic.close()
