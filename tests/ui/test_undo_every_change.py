"""Every kind of change a person can make is undone by Ctrl+Z and made again by Ctrl+Shift+Z.

Each change is made through the real window (its forms and dialogs) on a real database file. After Ctrl+Z
the database, read back by a Store of its own, is exactly as before the change, Edit → Undo named the
change, and the goals panel and the charts show what they showed before; after Ctrl+Shift+Z the change
is back everywhere. For goals and weekly entries the progress PDF written after the undo says so too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import FILLED_IN
from rehabtrack.core.model import Activity, Discipline, GoalStatus, Patient
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import Store, open_store
from rehabtrack.ui.dialogs.goal import GoalDialog
from rehabtrack.ui.dialogs.item_wording import ItemWordingDialog
from rehabtrack.ui.dialogs.profiles import ProfilesDialog
from rehabtrack.ui.dialogs.thresholds import ThresholdDialog
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.views.session_view import EventDialog
from rehabtrack.ui.widgets import NumberField

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TODAY = date(2026, 11, 25)
THIS_WEEK = week_start(TODAY)


@pytest.fixture
def window(main_window: Callable[..., MainWindow], data_dir: Path) -> MainWindow:
    """The real window on the demo patient's records (a file of their own), on the dashboard."""
    store = open_store(data_dir)
    seed_demo(store, TODAY)
    store.close()
    shown = main_window(data_dir, today=TODAY, size=(1280, 900))
    assert shown.session is not None and shown.dashboard is not None
    shown.tabs.setCurrentWidget(shown.dashboard)
    return shown


def records(data_dir: Path) -> dict[str, Any]:
    """Everything stored about every patient, read by a Store of its own (read-only: the window holds
    the folder). Entries are compared without their row ids, which a re-save may renumber, and a patient
    without the time of the last save (an undo is a save too)."""
    store = open_store(data_dir, read_only=True)
    try:
        found: dict[str, Any] = {"item texts": {f: store.item_texts(f) for f in FILLED_IN}}
        for p in store.patients(include_archived=True):
            assert p.id is not None
            found[f"patient {p.id}"] = {
                "details": replace(p, updated_at=None),
                "entries": [replace(e, id=None) for e in store.entries(p.id)],
                "goals": store.goals(p.id),
                "events": store.events(p.id),
                "measures": store.measures(p.id),
                "activities": store.activities(p.id, include_archived=True),
                "maintenance": store.maintenance(p.id),
                "thresholds": store.thresholds(p.id),
            }
        return found
    finally:
        store.close()


def on_screen(window: MainWindow) -> dict[str, Any]:
    """What the person sees: the name on top, the goals panel, every chart of every group (points, goal
    lines, events), the history table and the questionnaires' scores once that tab was built."""
    dashboard = window.dashboard
    assert dashboard is not None
    charts = {}
    for row in range(dashboard.group_list.count()):
        dashboard.group_list.setCurrentRow(row)
        for index, chart in enumerate(dashboard.visible_charts()):
            where = f"{dashboard.visible_group()} {index} {chart.accessibleName()}"
            # Event days, not their labels: a label is left out where it would overlap (chart width).
            events = [day for day, _label in chart.event_lines()]
            charts[where] = (chart.plotted_points(), chart.goal_lines(), events)
    dashboard.group_list.setCurrentRow(0)
    questionnaires = window.questionnaires.content if window.questionnaires is not None else None
    return {
        "name": window.patient_label.text(),
        "goals": dashboard.goals_panel.rows(),
        "charts": charts,
        "history": [window.history_model.index(r, 0).data() for r in range(window.history_model.rowCount())],
        "scores": questionnaires.history_model.rows() if questionnaires is not None else None,
        "maintenance": questionnaires.maintenance_label.text() if questionnaires is not None else None,
    }


def press_on_window(qtbot: QtBot, window: MainWindow, modifier: Qt.KeyboardModifier) -> None:
    """Ctrl+Z (or Ctrl+Shift+Z) pressed in the window, with the focus on its tab bar."""
    window.activateWindow()
    qtbot.waitActive(window)
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Z, modifier)


def _goal_dialog(window: MainWindow, goal_title: str | None = None) -> GoalDialog:
    dashboard = window.dashboard
    assert dashboard is not None
    goal = next((g for g in dashboard.data.goals if g.title == goal_title), None)
    return GoalDialog(dashboard.session, dashboard.data, goal, dashboard)


def _select_goal(window: MainWindow, title: str) -> None:
    panel = window.dashboard.goals_panel  # type: ignore[union-attr]
    for i in range(panel.topLevelItemCount()):
        head = panel.topLevelItem(i)
        for j in range(head.childCount()):  # type: ignore[union-attr]
            if head.child(j).text(0) == title:  # type: ignore[union-attr]
                panel.setCurrentItem(head.child(j))  # type: ignore[union-attr]
                return
    raise AssertionError(f"no goal {title!r} in the panel")


def _first_open_goal(window: MainWindow) -> str:
    return next(g.title for g in window.dashboard.data.open_goals())  # type: ignore[union-attr]


# The changes, each made the way a person makes it -----------------------------------------------------


def save_week(qtbot: QtBot, window: MainWindow) -> str:
    form = window.checkin
    assert form is not None
    window.tabs.setCurrentWidget(form)
    form.show_week(THIS_WEEK)
    pain = form._fields["pain"].widget
    assert isinstance(pain, NumberField)
    pain.setFocus()
    qtbot.keyClick(pain, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(pain, "9")
    qtbot.keyClick(pain, Qt.Key.Key_S, CTRL)
    window.tabs.setCurrentWidget(window.dashboard)
    return f"Save week of {THIS_WEEK.day} {THIS_WEEK:%b %Y}"


def delete_week(qtbot: QtBot, window: MainWindow) -> str:
    form = window.checkin
    assert form is not None
    week = THIS_WEEK - timedelta(weeks=2)
    form.show_week(week)
    assert form.delete_week(confirm=False)
    return f"Delete week of {week.day} {week:%b %Y}"


def add_goal(qtbot: QtBot, window: MainWindow) -> str:
    dialog = _goal_dialog(window)
    dialog.title.setText("Walk to the corner shop")
    dialog.discipline.setCurrentIndex(dialog.discipline.findData(Discipline.PT))
    dialog.marker.setCurrentIndex(dialog.marker.findData("pain"))
    dialog.target.set_value(2)
    dialog.accept()
    assert dialog.result() == 1, [label.text() for label in dialog.errors.values()]
    return "Add goal 'Walk to the corner shop'"


def edit_goal(qtbot: QtBot, window: MainWindow) -> str:
    dialog = _goal_dialog(window, _first_open_goal(window))
    dialog.title.setText("Climb the stairs at home")
    dialog.accept()
    assert dialog.result() == 1
    return "Edit goal 'Climb the stairs at home'"


def achieve_goal(qtbot: QtBot, window: MainWindow) -> str:
    title = _first_open_goal(window)
    _select_goal(window, title)
    window.dashboard.set_goal_status(GoalStatus.MARKED_ACHIEVED, confirm=False)  # type: ignore[union-attr]
    return f"Mark goal '{title}' achieved"


def discontinue_goal(qtbot: QtBot, window: MainWindow) -> str:
    title = _first_open_goal(window)
    _select_goal(window, title)
    window.dashboard.set_goal_status(GoalStatus.DISCONTINUED, confirm=False)  # type: ignore[union-attr]
    return f"Discontinue goal '{title}'"


def add_session_note(qtbot: QtBot, window: MainWindow) -> str:
    dialog = EventDialog(window.session, window)  # type: ignore[arg-type]
    qtbot.keyClicks(dialog.text, "Stairs without the rail today")
    dialog.accept()
    assert dialog.result() == 1
    return f"Add session note {TODAY.day} {TODAY:%b}"


def _questionnaires(window: MainWindow):  # type: ignore[no-untyped-def]
    assert window.questionnaires is not None
    window.tabs.setCurrentWidget(window.questionnaires)
    return window.questionnaires.ensure()


def save_questionnaire(qtbot: QtBot, window: MainWindow) -> str:
    view = _questionnaires(window)
    form = view.open_form("LEFS")
    for scale in form.scales:
        scale.set_value(3)
    assert view.save() is not None
    return f"Save LEFS of {TODAY.day} {TODAY:%b}"


def delete_questionnaire(qtbot: QtBot, window: MainWindow) -> str:
    view = _questionnaires(window)
    view.history.selectRow(0)
    deleted = view.delete_selected(confirm=False)
    assert deleted is not None
    return f"Delete {deleted.instrument} of {deleted.taken.day} {deleted.taken:%b}"


def reword_items(qtbot: QtBot, window: MainWindow) -> str:
    dialog = ItemWordingDialog(window.session, "ODI", window)  # type: ignore[arg-type]
    dialog.fields[0].setText("How strong is your pain right now?")
    dialog.save()
    assert dialog.result() == 1
    return "Change ODI item wording"


def discharge(qtbot: QtBot, window: MainWindow) -> str:
    view = _questionnaires(window)
    assert view.mark_discharged(confirm=False, day=TODAY - timedelta(days=3))
    day = TODAY - timedelta(days=3)
    return f"Record discharge {day.day} {day:%b}"


def start_maintenance(qtbot: QtBot, window: MainWindow) -> str:
    view = _questionnaires(window)
    view.start_maintenance(4)
    return "Start maintenance phase (a check-in every 4 weeks)"


def set_thresholds(qtbot: QtBot, window: MainWindow) -> str:
    dialog = ThresholdDialog(window.session, window)  # type: ignore[arg-type]
    key, field = next(iter(dialog.fields.items()))
    field.set_value((dialog.defaults[key].most or 0) or dialog.defaults[key].value * 2)
    dialog.accept()
    assert dialog.result() == 1, [e.text() for e in dialog.errors.values()]
    return "Change meaningful-change thresholds"


def add_activity(qtbot: QtBot, window: MainWindow) -> str:
    # No window offers this yet (the set-up wizard adds a patient's first ones): the session's own call.
    window.session.add_activity(Activity("Carry the shopping", Discipline.OT))  # type: ignore[union-attr]
    return "Add activity 'Carry the shopping'"


def archive_activity(qtbot: QtBot, window: MainWindow) -> str:
    session = window.session
    assert session is not None
    first = session.store.activities(session.patient_id)[0]
    session.add_activity(replace(first, archived=True))
    return f"Archive activity '{first.name}'"


def in_profiles(window: MainWindow, act: Callable[[ProfilesDialog], None]) -> None:
    """File → Profiles…: ``act`` on the dialog, then close it (Esc)."""
    done: list[bool] = []

    def on_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ProfilesDialog):
            QTimer.singleShot(10, on_dialog)
            return
        act(dialog)
        done.append(True)
        dialog.reject()

    QTimer.singleShot(0, on_dialog)
    window.show_profiles()
    assert done


def rename_patient(qtbot: QtBot, window: MainWindow) -> str:
    def rename(dialog: ProfilesDialog) -> None:
        patient = dialog.current_patient()
        assert patient is not None and patient.display_name == "Margaret Demo"
        assert dialog.rename_to(patient, "Margaret Example")

    in_profiles(window, rename)
    return "Rename 'Margaret Demo' to 'Margaret Example'"


def add_other_profile(window: MainWindow) -> None:
    """A second person on the computer (the demo has one), saved as the set-up wizard saves one."""
    from rehabtrack.ui.patient_session import change_patient_details

    assert window.session is not None
    change_patient_details(window.session.store, Patient("Joe Example", "Stroke"))


def discharged(window: MainWindow) -> None:
    """Discharged three days ago (not on the undo stack)."""
    assert window.session is not None
    window.session.change_maintenance(MaintenancePlan(TODAY - timedelta(days=3)), "Record discharge")
    window.session.undo_stack.clear()


def archive_other_profile(qtbot: QtBot, window: MainWindow) -> str:
    def archive_joe(dialog: ProfilesDialog) -> None:
        joe = next(p for p in dialog.store.patients() if p.display_name == "Joe Example")
        dialog.refresh(joe.id)
        dialog.toggle_archived()

    in_profiles(window, archive_joe)
    return "Archive profile 'Joe Example'"


@dataclass(frozen=True)
class Kind:
    change: Callable[[QtBot, MainWindow], str]
    shows: bool  # whether the window shows the change (else only the database holds it)
    before: Callable[[MainWindow], None] | None = None  # what must be there first
    questionnaires: bool = False  # the change is made on the Questionnaires tab


KINDS = {
    "save a week": Kind(save_week, True),
    "delete a week": Kind(delete_week, True),
    "add a goal": Kind(add_goal, True),
    "edit a goal": Kind(edit_goal, True),
    "mark a goal achieved": Kind(achieve_goal, True),
    "discontinue a goal": Kind(discontinue_goal, True),
    "add a session note": Kind(add_session_note, True),
    "save a questionnaire": Kind(save_questionnaire, True, questionnaires=True),
    "delete a questionnaire": Kind(delete_questionnaire, True, questionnaires=True),
    "reword a questionnaire's items": Kind(reword_items, False),
    "record the discharge": Kind(discharge, True, questionnaires=True),
    "start the maintenance phase": Kind(start_maintenance, True, discharged, questionnaires=True),
    "set a meaningful-change threshold": Kind(set_thresholds, False),
    "add an activity": Kind(add_activity, False),  # no chart until it is rated
    "archive an activity": Kind(archive_activity, False),
    "rename the patient": Kind(rename_patient, True),
    "archive another profile": Kind(archive_other_profile, False, add_other_profile),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_ctrl_z_undoes_and_ctrl_shift_z_redoes(
    qtbot: QtBot, window: MainWindow, data_dir: Path, kind: str
) -> None:
    how = KINDS[kind]
    if how.before is not None:
        how.before(window)
    if how.questionnaires:
        _questionnaires(window)  # built before the first picture, so it is compared too
        window.tabs.setCurrentWidget(window.dashboard)
    stored_before, shown_before = records(data_dir), on_screen(window)
    text = how.change(qtbot, window)
    stored_after, shown_after = records(data_dir), on_screen(window)
    assert stored_after != stored_before
    if how.shows:
        assert shown_after != shown_before
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == f"&Undo {text}"
    assert window.undo_action in window.edit_menu.actions()

    press_on_window(qtbot, window, CTRL)
    assert records(data_dir) == stored_before
    assert on_screen(window) == shown_before
    assert window.redo_action.text() == f"&Redo {text}"

    press_on_window(qtbot, window, CTRL | SHIFT)
    assert records(data_dir) == stored_after
    assert on_screen(window) == shown_after
    assert window.undo_action.text() == f"&Undo {text}"


def _report_text(store: Store, patient_id: int, out: Path) -> str:
    from rehabtrack.report.content import build_content
    from rehabtrack.report.pdf import write_report

    write_report(build_content(store, patient_id, None, None, TODAY), out, "a4")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)


def test_the_report_after_undoing_a_goal_and_a_week_shows_the_undone_state(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    session = window.session
    assert session is not None
    pid = session.patient_id
    logged = len(session.store.entries(pid))
    add_goal(qtbot, window)
    delete_week(qtbot, window)
    changed = _report_text(session.store, pid, tmp_path / "changed.pdf")
    assert "Walk to the corner shop" in changed and f"{logged - 1} of" in changed

    press_on_window(qtbot, window, CTRL)  # the week is back
    press_on_window(qtbot, window, CTRL)  # the goal is gone
    undone = _report_text(session.store, pid, tmp_path / "undone.pdf")
    assert "Walk to the corner shop" not in undone and f"{logged} of" in undone

    press_on_window(qtbot, window, CTRL | SHIFT)  # the goal again, the week still there
    again = _report_text(session.store, pid, tmp_path / "again.pdf")
    assert "Walk to the corner shop" in again and f"{logged} of" in again


def test_a_field_being_typed_in_undoes_its_typing_first_then_the_last_change(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    before = records(data_dir)
    add_goal(qtbot, window)
    form = window.checkin
    assert form is not None
    window.tabs.setCurrentWidget(form)
    window.activateWindow()
    qtbot.waitActive(window)
    form.show_week(THIS_WEEK)
    pain = form._fields["pain"].widget
    assert isinstance(pain, NumberField)
    shown = pain.text()
    pain.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pain)
    qtbot.keyClick(pain, Qt.Key.Key_End)
    qtbot.keyClicks(pain, "5")
    assert pain.text() == shown + "5"

    qtbot.keyClick(pain, Qt.Key.Key_Z, CTRL)  # the typing
    assert pain.text() == shown
    assert any(
        g.title == "Walk to the corner shop" for g in window.session.store.goals(window.session.patient_id)
    )  # type: ignore[union-attr]
    qtbot.keyClick(pain, Qt.Key.Key_Z, CTRL)  # nothing typed left: the goal
    assert records(data_dir) == before
    assert "Walk to the corner shop" not in [row[1] for row in window.dashboard.goals_panel.rows()]  # type: ignore[union-attr]


def test_an_import_shows_everywhere_at_once_and_leaves_nothing_to_undo(
    qtbot: QtBot, window: MainWindow, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not undoable (it makes a backup first): what an undo would put back may no longer be what was there."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    session = window.session
    assert session is not None
    add_goal(qtbot, window)
    assert window.undo_action.isEnabled()
    missed = next(  # a week the demo left out
        w
        for w in (THIS_WEEK - timedelta(weeks=n) for n in range(1, 30))
        if session.store.entry(session.patient_id, w) is None
    )
    csv_file = tmp_path / "weeks.csv"
    csv_file.write_text(f"week,pain\n{missed},1\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv_file), ""))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: said.append(text))

    window.import_records()
    assert said and said[0].startswith("Imported weeks.csv.")
    assert window.session is session  # the same patient: no new session, the views heard of it
    history = [window.history_model.index(r, 0).data() for r in range(window.history_model.rowCount())]
    assert f"{missed.day} {missed:%b %Y}" in history
    dashboard = window.dashboard
    assert dashboard is not None
    dashboard.group_list.setCurrentRow(
        [dashboard.group_list.item(i).text() for i in range(dashboard.group_list.count())].index("Pain")
    )
    weeks, values = dashboard.visible_charts()[0].plotted_points()
    assert (missed, 1.0) in zip(weeks, values, strict=True)
    assert not window.undo_action.isEnabled() and window.undo_action.text() == "&Undo"
