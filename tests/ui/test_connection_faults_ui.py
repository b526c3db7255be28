"""In the window, a save the database refuses (the clinic server's connection cut mid-save, a full disk)
says so in plain words, keeps every typed value in the check-in and offers Retry; a clinic server out of
reach at start-up offers Retry and the Clinic server preferences. Never a traceback."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from rehabtrack.core.weeks import week_start
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import Store, open_server, open_store
from rehabtrack.ui.dialogs.preferences import PreferencesDialog
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.widgets import NumberField

sys.path.insert(0, str(Path(__file__).parents[1] / "storage"))
from test_connection_faults import _cut_before_write, _weeks_on_server  # noqa: E402

DOWN = "postgresql://127.0.0.1:1/rehab"  # nothing listens on port 1


@dataclass
class Seen:
    """A message box as the user saw it."""

    title: str
    text: str
    visible: bool
    buttons: list[str] = field(default_factory=list)


@pytest.fixture
def answer() -> Iterator[Callable[..., list[Seen]]]:
    """``answer("Retry", "Not now")``: click those buttons in the message boxes as they appear, in turn;
    a Preferences dialog is noted (as "Preferences: <page>") and cancelled."""
    timers: list[QTimer] = []

    def start(*clicks: str) -> list[Seen]:
        seen: list[Seen] = []
        left = list(clicks)

        def look() -> None:
            modal = QApplication.activeModalWidget()
            if isinstance(modal, QMessageBox) and left:
                names = [b.text().replace("&", "") for b in modal.buttons()]
                text = f"{modal.text()} {modal.informativeText()}".strip()
                seen.append(Seen(modal.windowTitle(), text, modal.isVisible(), names))
                modal.buttons()[names.index(left.pop(0))].click()
            elif isinstance(modal, PreferencesDialog):
                page = modal.pages.tabText(modal.pages.currentIndex()).replace("&", "")
                seen.append(Seen("Preferences", page, True))
                modal.reject()

        timer = QTimer()
        timer.timeout.connect(look)
        timer.start(20)
        timers.append(timer)
        return seen

    yield start
    for timer in timers:
        timer.stop()


def _type_week(window: MainWindow, qtbot: QtBot) -> NumberField:
    form = window.checkin
    assert form is not None
    pain = form._fields["pain"].widget  # type: ignore[attr-defined]
    assert isinstance(pain, NumberField)
    pain.setFocus()
    qtbot.keyClicks(pain, "3")
    form.notes.setPlainText("stairs were hard")  # type: ignore[attr-defined]
    return pain


def _assert_kept(window: MainWindow, pain: NumberField) -> None:
    form = window.checkin
    assert form is not None and form.has_unsaved_changes()  # type: ignore[attr-defined]
    assert pain.text() == "3" and form.notes.toPlainText() == "stairs were hard"  # type: ignore[attr-defined]


def _ctrl_s(window: MainWindow) -> bool:
    form = window.checkin
    assert form is not None
    return bool(form.save())  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_a_connection_cut_during_a_save_keeps_the_week_in_the_form_and_retry_saves_it(
    main_window: Callable[..., MainWindow], qtbot: QtBot, postgres_url: str, today: date, answer
) -> None:  # type: ignore[no-untyped-def]
    store = open_server(postgres_url)
    seed_demo(store, today)
    [patient] = store.patients()
    store.delete_entry(patient.id or 0, week_start(today))
    before = _weeks_on_server(postgres_url)
    window = main_window(store)
    pain = _type_week(window, qtbot)

    _cut_before_write(store, at=1)
    seen = answer("Not now")
    assert not _ctrl_s(window)
    [box] = seen
    assert box.visible and box.title == "Not saved" and sorted(box.buttons) == ["Not now", "Retry"]
    assert "was not saved. What you entered is still here." in box.text
    assert "The connection to the database server" in box.text and "was lost" in box.text
    assert "Traceback" not in box.text and "psycopg" not in box.text
    assert _weeks_on_server(postgres_url) == before  # nothing half-written
    _assert_kept(window, pain)
    assert "Not saved: The connection" in window.statusBar().currentMessage()

    _cut_before_write(store, at=1)  # the network is cut once more; by Retry it is back
    seen = answer("Retry")
    assert _ctrl_s(window)
    assert len(seen) == 1
    saved = store.entry(patient.id or 0, week_start(today))
    assert saved is not None and saved.values == {"pain": 3} and saved.notes == "stairs were hard"
    assert window.checkin is not None and not window.checkin.has_unsaved_changes()  # type: ignore[attr-defined]
    store.close()


def test_a_full_disk_during_a_save_keeps_the_week_in_the_form(
    main_window: Callable[..., MainWindow], qtbot: QtBot, store: Store, today: date, answer
) -> None:  # type: ignore[no-untyped-def]
    """The same rule on the SQLite file: any refused save, whatever refused it."""
    seed_demo(store, today)
    [patient] = store.patients()
    store.delete_entry(patient.id or 0, week_start(today))
    window = main_window(store)
    pain = _type_week(window, qtbot)

    def full(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(store.engine, "before_cursor_execute", full)
    seen = answer("Not now")
    try:
        assert not _ctrl_s(window)
    finally:
        event.remove(store.engine, "before_cursor_execute", full)
    [box] = seen
    assert box.visible and "The disk is full" in box.text and sorted(box.buttons) == ["Not now", "Retry"]
    assert store.entry(patient.id or 0, week_start(today)) is None
    _assert_kept(window, pain)
    window.checkin.reload()  # type: ignore[union-attr]  # dropped on purpose: closing asks nothing


def test_a_clinic_server_out_of_reach_at_start_offers_retry_and_its_preferences(
    main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date, answer
) -> None:  # type: ignore[no-untyped-def]
    records = open_store(data_dir)  # what answers once the server is back
    seed_demo(records, today)
    records.close()
    tries: list[str] = []

    def open_records() -> Store:
        tries.append("try")
        return open_server(DOWN) if len(tries) < 3 else open_store(data_dir)

    seen = answer("Clinic server settings…", "Retry")
    window = main_window(open_records)
    unreachable = "Cannot reach the clinic server"
    assert [s.title for s in seen] == [unreachable, "Preferences", unreachable]
    first = seen[0]
    assert first.visible and sorted(first.buttons) == ["Clinic server settings…", "Close", "Retry"]
    assert first.text.startswith(f"RehabTrack cannot connect to the database {DOWN} (")
    assert "Traceback" not in first.text
    assert seen[1].text == "Clinic server"  # the preferences opened on that page
    assert len(tries) == 3 and window.patient is not None  # the third try reached the records
    assert window.store is not None
    window.store.close()


def test_closing_the_start_up_message_leaves_the_window_empty(
    main_window: Callable[..., MainWindow], qtbot: QtBot, answer
) -> None:  # type: ignore[no-untyped-def]
    seen = answer("Close")
    window = main_window(lambda: open_server(DOWN))
    assert len(seen) == 1 and window.store is None
    assert window.patient_label.text() == "The clinic server cannot be reached"


@pytest.mark.qt_no_exception_capture
def test_a_database_problem_no_view_caught_is_a_message_not_a_traceback(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, answer
) -> None:  # type: ignore[no-untyped-def]
    """A tab reading while the server is gone: what reaches Qt's event loop is shown, not printed."""
    from PySide6.QtWidgets import QWidget

    from rehabtrack.storage.errors import ConnectionProblem
    from rehabtrack.ui.connection import say_database_problems

    others: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _kind, value, _trace: others.append(value))
    window = QWidget()
    qtbot.addWidget(window)
    say_database_problems(window)

    def refresh() -> None:  # what a view's slot does when the server cannot be reached
        open_server(DOWN)

    def mistake() -> None:
        raise ValueError("a programming error")

    seen = answer("OK")
    QTimer.singleShot(0, refresh)
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0].visible and seen[0].text.startswith(f"RehabTrack cannot connect to the database {DOWN}")
    assert others == []
    QTimer.singleShot(0, mistake)
    qtbot.waitUntil(lambda: len(others) == 1)
    assert isinstance(others[0], ValueError) and not isinstance(others[0], ConnectionProblem)
