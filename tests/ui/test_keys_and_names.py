"""Every window and dialog, in each of its states: no key reaches two things, every input has a name,
and every label's words reach a screen reader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.charts.theme import LIGHT
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_store
from rehabtrack.ui.dialogs.goal import GoalDialog
from rehabtrack.ui.dialogs.item_wording import ItemWordingDialog
from rehabtrack.ui.dialogs.profiles import ProfilesDialog
from rehabtrack.ui.dialogs.report import ReportDialog
from rehabtrack.ui.dialogs.wizard import SetupWizard
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.shell.screen_check import KEYS, NAMELESS, UNHEARD, check_window
from rehabtrack.ui.views.session_view import EventDialog, SessionView


def problems_in(window: QWidget, state: str) -> list[str]:
    QApplication.processEvents()
    screen = window.screen().availableGeometry().size()
    found = [str(f) for f in check_window(window, screen) if f.kind in (KEYS, NAMELESS, UNHEARD)]
    return [f"[{state}] {problem}" for problem in found]


@pytest.fixture
def window(main_window: Callable[..., MainWindow], data_dir: Path, today: date) -> MainWindow:
    store = open_store(data_dir)
    seed_demo(store, today)
    store.close()
    return main_window(data_dir, size=(1366, 768))


def test_the_main_window_on_every_tab(window: MainWindow) -> None:
    found: list[str] = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        found += problems_in(window, window.tabs.tabText(index))
    questionnaires = window.questionnaires.content  # type: ignore[union-attr]
    for family in ("LEFS", "COPM", "GAS"):
        questionnaires.open_form(family)  # type: ignore[union-attr]
        found += problems_in(window, f"{family} form open")
    assert not found, "\n".join(found)


def test_the_session_view_showing_a_chart_and_comparing(
    qtbot: QtBot, window: MainWindow, today: date
) -> None:
    assert window.store is not None and window.patient is not None and window.patient.id is not None
    view = SessionView(window.store, window.patient.id, today, LIGHT, window)
    qtbot.addWidget(view)
    view.show()
    found = problems_in(view, "chart")
    view.compare_button.setChecked(True)
    found += problems_in(view, "compare")
    assert not found, "\n".join(found)


DIALOGS: dict[str, Callable[[MainWindow, date], QWidget]] = {
    "note": lambda w, today: EventDialog(w.store, w.patient.id, today, w),  # type: ignore[arg-type,union-attr]
    "goal": lambda w, _today: GoalDialog(w.store, w.patient.id, w.dashboard.data, None, w),  # type: ignore[arg-type,union-attr]
    "export": lambda w, today: ReportDialog(w.store, w.patient.id, today, None, w),  # type: ignore[arg-type,union-attr]
    "preferences": lambda w, _today: w.desktop.make_dialog(),
    "profiles": lambda w, _today: ProfilesDialog(w.store, w.patient.id, w),  # type: ignore[arg-type,union-attr]
    "item wording": lambda w, _today: ItemWordingDialog(w.store, "ODI", w),  # type: ignore[arg-type]
    "setup wizard": lambda w, _today: SetupWizard(w.store, w),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("name", DIALOGS)
def test_each_dialog(qtbot: QtBot, window: MainWindow, today: date, name: str) -> None:
    dialog = DIALOGS[name](window, today)
    qtbot.addWidget(dialog)
    dialog.show()
    found = problems_in(dialog, name)
    wizard = dialog if isinstance(dialog, SetupWizard) else None
    while wizard is not None and wizard.currentId() != -1 and wizard.nextId() != -1:
        page = wizard.currentId()
        wizard.next()
        if wizard.currentId() == page:  # a required field stops it here
            break
        found += problems_in(dialog, f"{name} page {wizard.currentId()}")
    assert not found, "\n".join(found)


def test_the_export_file_label_reads_file_and_enter_there_exports_not_browses(
    qtbot: QtBot, window: MainWindow, today: date, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from rehabtrack.ui.dialogs import report as report_dialog

    browsed: list[str] = []
    monkeypatch.setattr(
        report_dialog.QFileDialog, "getSaveFileName", lambda *args: browsed.append("browse") or ("", "")
    )
    dialog = DIALOGS["export"](window, today)
    assert isinstance(dialog, ReportDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    [label] = [lab for lab in dialog.findChildren(QLabel) if lab.buddy() is dialog.file]
    assert label.text() == "&File:"  # shown as "File:" with F underlined, not literally
    dialog.file.setFocus()
    dialog.file.setText(str(tmp_path / "missing-folder" / "r.pdf"))
    qtbot.keyClick(dialog.file, Qt.Key.Key_Return)
    assert browsed == []
    assert dialog.error.isVisible() and "does not exist" in dialog.error.text()  # Export ran


def test_a_label_whose_fixed_name_hides_its_words_is_found(qtbot: QtBot) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

    dialog = QDialog()
    dialog.setWindowTitle("Heard")
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    hidden = QLabel("Margaret Demo · Knee replacement")
    hidden.setAccessibleName("Active patient")  # a screen reader would hear only this
    described = QLabel("Angela · Stroke")
    described.setAccessibleDescription("Active patient")  # the words stay the name
    literal = QLabel("Institute for Work & Health")  # no buddy: the & is shown, and heard
    for label in (hidden, described, literal):
        layout.addWidget(label)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = [f for f in check_window(dialog, QSize(1366, 768)) if f.kind == UNHEARD]
    assert [f.widget for f in found] == ['QLabel "Margaret Demo · Knee replacement"']
