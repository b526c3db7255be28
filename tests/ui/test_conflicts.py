"""Someone else saved the week or goal shown here since it was opened: the save is refused with a
message saying so, the typed values stay, and Reload shows the other person's values. An undo of a row
someone else changed is refused the same way. The other person is a second Store on the same file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import NEW, Direction, Discipline, Goal, GoalStatus, Patient, WeeklyEntry
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.backup import DATABASE_NAME
from rehabtrack.storage.engine import make_engine
from rehabtrack.storage.store import Store, open_store
from rehabtrack.ui.dialogs.goal import GoalDialog
from rehabtrack.ui.settings import Preferences, Settings
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.widgets import NumberField

TODAY = date(2026, 11, 25)
THIS_WEEK = week_start(TODAY)
REFUSED = "reload to see it"


@pytest.fixture
def other(data_dir: Path) -> Iterator[Store]:
    """The second person's Store on the same records (the lock file is for one desktop app only)."""
    store = open_store(data_dir)
    patient = store.save_patient(Patient("Ann Shared"))
    assert patient.id is not None
    store.save_entry(patient.id, WeeklyEntry(THIS_WEEK - date.resolution * 7, {"pain": 6}))
    store.save_goal(patient.id, Goal(Discipline.PT, "Less pain", "pain", 2, Direction.LOWER))
    store.close()
    path = data_dir / DATABASE_NAME
    second = Store(make_engine(path, audit=True), path)
    yield second
    second.close()


@pytest.fixture
def window(main_window: Callable[..., MainWindow], data_dir: Path, other: Store) -> MainWindow:
    settings = Settings()
    settings.save_preferences(Preferences(font_scale=175))
    shown = main_window(data_dir, settings, today=TODAY, size=(1366, 768))
    assert shown.session is not None and shown.checkin is not None
    shown.tabs.setCurrentWidget(shown.checkin)
    return shown


def _pain(window: MainWindow) -> NumberField:
    field = window.checkin._fields["pain"].widget  # type: ignore[union-attr]
    assert isinstance(field, NumberField)
    return field


def _inside(widget: QWidget, window: QWidget) -> bool:
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(rect)


def test_a_week_the_other_person_created_meanwhile_is_not_overwritten(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    form = window.checkin
    assert form is not None and form.week == THIS_WEEK
    pid = window.session.patient_id  # type: ignore[union-attr]
    _pain(window).setText("3")  # typed here, while the other person saves the same new week
    other.save_entry(pid, WeeklyEntry(THIS_WEEK, {"pain": 8}, notes="theirs", version=NEW))

    assert form.save() is False
    qtbot.wait(10)
    assert form.conflict.isVisible() and _inside(form.conflict.reload_button, window)
    said = form.conflict.message.text()
    assert said.startswith("The week of 23 Nov 2026 was changed by ") and REFUSED in said
    assert _pain(window).text() == "3"  # the typed value stays
    stored = other.entry(pid, THIS_WEEK)
    assert stored is not None and stored.values == {"pain": 8} and stored.notes == "theirs"

    form.conflict.reload_button.click()
    assert _pain(window).text() == "8" and form.notes.toPlainText() == "theirs"
    assert not form.conflict.isVisible()
    _pain(window).setText("4")  # on top of what they saved, a save works
    assert form.save() is True
    assert other.entry(pid, THIS_WEEK).values == {"pain": 4}  # type: ignore[union-attr]


def test_a_week_changed_meanwhile_refuses_the_save_and_the_delete(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    form = window.checkin
    assert form is not None
    pid = window.session.patient_id  # type: ignore[union-attr]
    _pain(window).setText("5")
    assert form.save() is True  # this week, saved from the window
    seen = other.entry(pid, THIS_WEEK)
    assert seen is not None
    other.save_entry(pid, replace(seen, values={"pain": 9}))

    _pain(window).setText("2")
    assert form.save() is False
    assert form.conflict.isVisible() and REFUSED in form.conflict.message.text()
    assert form.delete_week(confirm=False) is False
    assert other.entry(pid, THIS_WEEK).values == {"pain": 9}  # type: ignore[union-attr]
    assert _pain(window).text() == "2"
    form.conflict.reload_button.click()
    assert _pain(window).text() == "9" and not form.has_unsaved_changes()


def test_undo_of_a_week_someone_changed_meanwhile_is_refused(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    form, session = window.checkin, window.session
    assert form is not None and session is not None
    _pain(window).setText("5")
    assert form.save() is True
    seen = other.entry(session.patient_id, THIS_WEEK)
    assert seen is not None
    other.save_entry(session.patient_id, replace(seen, values={"pain": 9}, notes="theirs"))

    assert session.undo_stack.canUndo()
    session.undo_action.trigger()  # Edit → Undo "Save week of 23 Nov 2026"
    qtbot.wait(10)
    stored = other.entry(session.patient_id, THIS_WEEK)
    assert stored is not None and stored.values == {"pain": 9} and stored.notes == "theirs"  # not deleted
    assert form.conflict.isVisible() and REFUSED in form.conflict.message.text()
    assert "week of 23 Nov 2026" in form.conflict.message.text()
    assert not session.undo_stack.canUndo() and not session.undo_stack.canRedo()  # the stale step is gone


def test_a_goal_changed_meanwhile_keeps_the_typed_target_and_reload_shows_theirs(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    dashboard = window.dashboard
    assert dashboard is not None
    (goal,) = dashboard.data.goals
    dialog = GoalDialog(dashboard.session, dashboard.data, goal, dashboard)
    qtbot.addWidget(dialog)
    dialog.show()
    other.save_goal(goal_pid(window), replace(goal, target=1, title="Much less pain"))

    dialog.target.setText("3")
    dialog.accept()
    qtbot.wait(10)
    assert dialog.isVisible() and dialog.conflict.isVisible()  # not accepted: still open
    assert dialog.conflict.message.text().startswith("The goal 'Much less pain' was changed by ")
    assert dialog.target.text() == "3"
    assert [g.target for g in other.goals(goal_pid(window))] == [1]

    dialog.conflict.reload_button.click()
    assert dialog.title.text() == "Much less pain" and dialog.target.value() == 1
    dialog.target.setText("1.5")
    dialog.accept()
    assert dialog.result() == GoalDialog.DialogCode.Accepted
    assert [g.target for g in other.goals(goal_pid(window))] == [1.5]


def goal_pid(window: MainWindow) -> int:
    assert window.session is not None
    return window.session.patient_id


def test_the_same_person_edits_a_goal_twice_and_undoes_both(window: MainWindow, qtbot: QtBot) -> None:
    """Their own saves never count as someone else's: each edit and undo goes on from the last."""
    dashboard, session = window.dashboard, window.session
    assert dashboard is not None and session is not None
    for target in ("1.5", "1"):
        (goal,) = dashboard.data.goals
        dialog = GoalDialog(dashboard.session, dashboard.data, goal, dashboard)
        qtbot.addWidget(dialog)
        dialog.target.setText(target)
        dialog.accept()
        assert dialog.result() == GoalDialog.DialogCode.Accepted and not dialog.conflict.isVisible()
        qtbot.wait(10)
    assert [g.target for g in session.store.goals(session.patient_id)] == [1]
    session.undo_action.trigger()
    session.undo_action.trigger()
    assert [g.target for g in session.store.goals(session.patient_id)] == [2]
    session.redo_action.trigger()
    assert [g.target for g in session.store.goals(session.patient_id)] == [1.5]


def test_undo_of_an_added_goal_someone_changed_meanwhile_is_refused(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    session, form = window.session, window.checkin
    assert session is not None and form is not None
    added = session.add_goal(Goal(Discipline.OT, "Cook a meal", "pain", 3, Direction.LOWER))
    other.save_goal(session.patient_id, replace(added, target=1))
    session.undo_action.trigger()  # would delete the goal the other person has just changed
    qtbot.wait(10)
    assert [g.target for g in other.goals(session.patient_id) if g.title == "Cook a meal"] == [1]
    assert form.conflict.isVisible()
    assert form.conflict.message.text().startswith("The goal 'Cook a meal' was changed by ")


def test_undo_of_a_delete_does_not_overwrite_the_week_someone_logged_since(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    form, session = window.checkin, window.session
    assert form is not None and session is not None
    _pain(window).setText("5")
    assert form.save() is True
    assert form.delete_week(confirm=False) is True
    other.save_entry(session.patient_id, WeeklyEntry(THIS_WEEK, {"pain": 7}, version=NEW))
    session.undo_action.trigger()  # would bring back the deleted week over the one just logged
    qtbot.wait(10)
    assert other.entry(session.patient_id, THIS_WEEK).values == {"pain": 7}  # type: ignore[union-attr]
    assert form.conflict.isVisible() and REFUSED in form.conflict.message.text()


def test_marking_a_goal_achieved_that_someone_changed_meanwhile_is_refused(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    dashboard = window.dashboard
    assert dashboard is not None
    window.tabs.setCurrentWidget(dashboard)
    panel = dashboard.goals_panel
    item = next(
        panel.topLevelItem(i).child(j)  # type: ignore[union-attr]
        for i in range(panel.topLevelItemCount())
        for j in range(panel.topLevelItem(i).childCount())  # type: ignore[union-attr]
    )
    panel.setCurrentItem(item)
    goal = panel.current_goal()
    assert goal is not None
    other.save_goal(goal_pid(window), replace(goal, target=1))
    said: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        box.close()

    QTimer.singleShot(0, read_and_close)
    dashboard.set_goal_status(GoalStatus.MARKED_ACHIEVED, confirm=False)
    assert said and said[0].startswith("The goal 'Less pain' was changed by ") and REFUSED in said[0]
    (stored,) = other.goals(goal_pid(window))
    assert (stored.status, stored.target) == (GoalStatus.ACTIVE, 1)


def test_an_undo_refused_away_from_the_check_in_says_so_in_a_box(
    window: MainWindow, other: Store, qtbot: QtBot
) -> None:
    session, dashboard = window.session, window.dashboard
    assert session is not None and dashboard is not None
    window.tabs.setCurrentWidget(dashboard)
    (goal,) = dashboard.data.goals
    session.edit_goal(replace(goal, target=1.5))
    other.save_goal(session.patient_id, replace(other.goals(session.patient_id)[0], target=4))
    said: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            said.append(box.text())
            box.close()

    QTimer.singleShot(100, read_and_close)
    session.undo_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert said[0].startswith("The goal 'Less pain' was changed by ") and REFUSED in said[0]
    assert [g.target for g in other.goals(session.patient_id)] == [4]
