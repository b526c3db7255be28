"""File → Import… and Export patient bundle…: the outcome the window shows, and what reached the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rehabtrack.storage.store import Store, open_store
from rehabtrack.ui.dialogs.transfer import export_patient_bundle, import_file

if TYPE_CHECKING:
    from rehabtrack.ui.shell.main_window import MainWindow


def test_a_bundle_moves_a_whole_patient_and_importing_it_twice_adds_nothing(
    demo_store: Store, tmp_path: Path
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    exported = export_patient_bundle(demo_store, patient.id, tmp_path / "margaret")
    assert exported.ok and (tmp_path / "margaret.rtbundle").exists()
    assert (tmp_path / "margaret.rtbundle").stat().st_mode & 0o777 == 0o600

    therapist = open_store(tmp_path / "therapist")
    first = import_file(therapist, tmp_path / "margaret.rtbundle")
    weeks = len(demo_store.entries(patient.id))
    assert first.ok and first.message.splitlines()[:2] == [
        "Imported Margaret Demo's records from margaret.rtbundle.",
        f"Margaret Demo (new patient): {weeks} weeks added, "
        f"{len(demo_store.activities(patient.id, True))} activities added, "
        f"{len(demo_store.goals(patient.id))} goals added, "
        f"{len(demo_store.measures(patient.id))} questionnaire results added, "
        f"{len(demo_store.events(patient.id))} events added.",
    ]
    again = import_file(therapist, tmp_path / "margaret.rtbundle")
    assert again.ok and again.patient_id == first.patient_id
    assert again.message.startswith("Nothing new in Margaret Demo's records from margaret.rtbundle")
    assert [p.display_name for p in therapist.patients()] == ["Margaret Demo"]
    assert len(therapist.goals(first.patient_id)) == len(demo_store.goals(patient.id))  # type: ignore[arg-type]
    therapist.close()


def test_a_csv_with_a_bad_row_imports_nothing_and_names_row_column_and_range(
    store: Store, tmp_path: Path
) -> None:
    bad = tmp_path / "weeks.csv"
    bad.write_text("patient,week,pain\nAnn,2026-11-16,4\nAnn,2026-11-23,11\n", encoding="utf-8")
    outcome = import_file(store, bad)
    assert not outcome.ok
    assert outcome.message.startswith("Nothing was imported: 1 problem(s) in weeks.csv.")
    assert (
        "3" in outcome.message.splitlines()[1] and "pain" in outcome.message and "0 to 10" in outcome.message
    )
    assert store.patients() == []


def test_a_csv_without_a_patient_column_goes_to_the_patient_on_screen(store: Store, tmp_path: Path) -> None:
    from rehabtrack.core.model import Patient

    ann = store.save_patient(Patient("Ann Example"))
    weeks = tmp_path / "weeks.csv"
    weeks.write_text("week,pain\n2026-11-16,4\n2026-11-23,3\n", encoding="utf-8")
    outcome = import_file(store, weeks, "Ann Example")
    assert outcome.ok and outcome.message.splitlines()[:2] == [
        "Imported weeks.csv.",
        "Ann Example: 2 weeks added.",
    ]
    assert [(e.week.isoformat(), e.values) for e in store.entries(ann.id)] == [  # type: ignore[arg-type]
        ("2026-11-16", {"pain": 4}),
        ("2026-11-23", {"pain": 3}),
    ]


def _answer(replies: list[str], seen: list[tuple[str, str]]) -> None:
    """Click the button named by the next of ``replies`` on each message box that opens (its title and
    text go to ``seen``)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append((modal.windowTitle(), modal.text()))
        wanted = replies.pop(0)
        [button] = [b for b in modal.buttons() if b.text().replace("&", "") == wanted]
        button.click()
        if replies:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)


def test_the_window_asks_which_value_to_keep_and_its_report_stays_in_view(
    main_window: Callable[..., MainWindow], qtbot, data_dir: Path, today, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from PySide6.QtWidgets import QFileDialog

    from rehabtrack.storage.demo import seed_demo

    store = open_store(data_dir)
    seed_demo(store, today)
    [patient] = store.patients()
    assert patient.id is not None
    last = store.entries(patient.id)[-1]
    store.close()
    other = (last.values["pain"] + 1) % 11
    new_week = last.week + timedelta(weeks=1)
    csv_file = tmp_path / "pain.csv"
    csv_file.write_text(f"week,pain\n{last.week},{other:g}\n{new_week},3\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv_file), ""))
    window = main_window(data_dir)
    assert window.store is not None

    seen: list[tuple[str, str]] = []
    _answer(["Cancel"], seen)
    window.import_records()
    assert [title for title, _ in seen] == ["Values differ"]
    question = seen[0][1]
    assert (
        f"• Margaret Demo, week of {last.week}, Pain (weekly average): stored {last.values['pain']:g}"
        in question
    )
    assert f"in the file {other:g}" in question
    assert window.store.entry(patient.id, new_week) is None  # cancelled: nothing imported

    seen.clear()
    _answer(["Keep stored values", "OK"], seen)
    window.import_records()
    assert [title for title, _ in seen] == ["Values differ", "Import"]
    said = seen[1][1]
    assert said.splitlines()[:2] == [
        "Imported pain.csv.",
        "Margaret Demo: 1 week added, 1 week already there, 1 in conflict (stored values kept).",
    ]
    assert "Where the file differs, your stored values were kept." in said
    assert window.store.entry(patient.id, last.week) == last
    qtbot.wait(300)  # the patient is shown again; the import's line is what the status bar still says
    assert window.statusBar().currentMessage() == "Imported pain.csv."

    seen.clear()
    _answer(["Take imported values", "OK"], seen)
    window.import_records()
    assert window.store.entry(patient.id, last.week).values["pain"] == other  # type: ignore[union-attr]
    assert "its values replaced the stored ones" in seen[1][1]
    window.close()


def test_weekly_data_that_cannot_be_written_is_said_and_leaves_no_file(
    main_window: Callable[..., MainWindow], qtbot, data_dir: Path, today, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from rehabtrack.storage.demo import seed_demo

    store = open_store(data_dir)
    seed_demo(store, today)
    store.close()
    target = tmp_path / "no such folder" / "weeks.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warned.append(text))
    window = main_window(data_dir)
    window.export_csv()
    assert warned == [f"{target} could not be written (No such file or directory); nothing was written."]
    assert not target.parent.exists()
    window.close()
