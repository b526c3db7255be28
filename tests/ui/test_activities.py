"""A patient's own activities after set-up: Edit → Activities… (or the check-in's button) adds, renames,
archives and restores them, each one step of Edit → Undo; a bad name is refused under its field; the
check-in follows at once; the dialog fits 1366×768 at 175 % and 200 % text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import NAME_MAX_CHARS, Activity, Discipline
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.activities import ActivitiesDialog, RenameDialog
from rehabtrack.ui.settings import Preferences, Settings
from rehabtrack.ui.shell.screen_check import check_window

SCREEN = (1366, 768)


def _pid(store: Store) -> int:
    [patient] = store.patients()
    assert patient.id is not None
    return patient.id


def _named(store: Store, pid: int, name: str) -> Activity | None:
    return next((a for a in store.activities(pid, include_archived=True) if a.name == name), None)


def _in_modal(qtbot: QtBot, kind: type[QWidget], steps: Callable[[QWidget], None]) -> list[QWidget]:
    """Once a modal ``kind`` is open and active, run ``steps`` on it (keys only); returns it when done."""
    done: list[QWidget] = []

    def act() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, kind) or not modal.isActiveWindow():
            if modal is not None:
                modal.activateWindow()
            QTimer.singleShot(20, act)
            return
        steps(modal)
        done.append(modal)

    QTimer.singleShot(0, act)
    return done


def _key(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the focus is, as a person's keyboard would send it."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def _type(qtbot: QtBot, text: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, text)


def _back_in(qtbot: QtBot, window: QWidget) -> None:
    """The window is active again once a dialog closed (a window manager would do it; offscreen has none)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _row_shown(window, activity_id: int) -> bool:  # type: ignore[no-untyped-def]
    field = window.checkin._fields.get(f"activity/{activity_id}")
    return field is not None and field.widget.isVisible()


ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_keyboard_only_gardening_is_added_rated_archived_and_the_archive_undone(
    main_window, qtbot: QtBot, demo_store: Store, today: date
) -> None:
    pid = _pid(demo_store)
    window = main_window(demo_store, active=True)
    assert window.activities_action.shortcut().toString() == "Ctrl+Shift+A"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)

    def add_gardening(dialog: QWidget) -> None:
        assert QApplication.focusWidget() is dialog.name  # type: ignore[attr-defined]
        _type(qtbot, "Gardening")
        _key(qtbot, Qt.Key.Key_F, ALT)  # For:
        _key(qtbot, Qt.Key.Key_O)  # "OT: managing daily life"
        _key(qtbot, Qt.Key.Key_A, ALT)  # Add
        qtbot.waitUntil(lambda: _named(demo_store, pid, "Gardening") is not None)
        ot = dialog.lists[Discipline.OT]  # type: ignore[attr-defined]
        assert ot.currentItem().text() == "Gardening" and QApplication.focusWidget() is ot
        _key(qtbot, Qt.Key.Key_Escape)

    opened = _in_modal(qtbot, ActivitiesDialog, add_gardening)
    _key(qtbot, Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(opened))
    _back_in(qtbot, window)
    gardening = _named(demo_store, pid, "Gardening")
    assert gardening is not None and gardening.id is not None
    assert gardening.discipline is Discipline.OT and not gardening.archived
    assert window.undo_action.text() == "&Undo Add activity 'Gardening'"

    # The check-in shows it at once; rate it and save, keys only.
    assert _row_shown(window, gardening.id)
    rating = window.checkin._fields[f"activity/{gardening.id}"].widget
    rating.setFocus()  # a click on the field (Tab reaches it too, past the others)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is rating)
    _type(qtbot, "6")
    _key(qtbot, Qt.Key.Key_S, CTRL)
    week = window.checkin.week
    qtbot.waitUntil(lambda: demo_store.entry(pid, week) is not None)
    saved = demo_store.entry(pid, week)
    assert saved is not None
    assert [r.rating for r in saved.activities if r.activity_id == gardening.id] == [6]

    # Archive it from the check-in's own button: it leaves the OT list for the archived one.
    def archive(dialog: QWidget) -> None:
        _key(qtbot, Qt.Key.Key_O, ALT)  # into the OT list
        _key(qtbot, Qt.Key.Key_End)  # the newest, Gardening
        _key(qtbot, Qt.Key.Key_Delete)
        archived = dialog.archived  # type: ignore[attr-defined]
        assert [archived.item(i).text() for i in range(archived.count())] == ["Gardening  (OT)"]
        assert window.session.undo_action.text() == "&Undo Archive activity 'Gardening'"
        _key(qtbot, Qt.Key.Key_Z, CTRL)  # Edit → Undo, from within the dialog
        ot = dialog.lists[Discipline.OT]  # type: ignore[attr-defined]
        assert "Gardening" in [ot.item(i).text() for i in range(ot.count())]
        _key(qtbot, Qt.Key.Key_Y, CTRL)  # and Redo: archived again
        _key(qtbot, Qt.Key.Key_Escape)

    button = window.checkin.activities_button
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    opened = _in_modal(qtbot, ActivitiesDialog, archive)
    _key(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(opened))
    _back_in(qtbot, window)
    stored = _named(demo_store, pid, "Gardening")
    assert stored is not None and stored.archived
    # Its rating is kept and still shown in the week it was given; a week without it drops the row.
    entry = demo_store.entry(pid, week)
    assert entry is not None and any(r.activity_id == gardening.id for r in entry.activities)
    assert _row_shown(window, gardening.id)
    window.checkin.show_week(week - timedelta(weeks=1))
    assert not _row_shown(window, gardening.id)
    assert any(a.id == gardening.id for a in window.dashboard.data.activities)  # its chart keeps it

    # Edit → Undo in the window: the archive is undone, the row is back in every week.
    assert window.undo_action.text() == "&Undo Archive activity 'Gardening'"
    _key(qtbot, Qt.Key.Key_Z, CTRL)
    restored = _named(demo_store, pid, "Gardening")
    assert restored is not None and not restored.archived
    assert _row_shown(window, gardening.id)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Activity name is required."),
        ("   ", "Activity name is required."),
        ("x" * (NAME_MAX_CHARS + 1), f"Activity name must be at most {NAME_MAX_CHARS} characters"),
        ("cook a MEAL", "Activity name must differ from your other activities: 'Cook a meal' exists"),
        (" Walk 30 minutes ", "'Walk 30 minutes' exists already."),
    ],
)
def test_a_bad_new_name_is_said_under_the_field_and_nothing_is_written(
    qtbot: QtBot, demo_store: Store, typed: str, message: str
) -> None:
    from rehabtrack.ui.patient_session import PatientSession

    pid = _pid(demo_store)
    session = PatientSession.open(demo_store, pid)
    dialog = ActivitiesDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = demo_store.activities(pid, include_archived=True)
    dialog.name.setText(typed)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.name_error.isVisible()
    assert message in dialog.name_error.text()
    assert demo_store.activities(pid, include_archived=True) == before
    assert session.undo_stack.count() == 0
    # Typing again clears the message; Enter then adds the good name, and does nothing else.
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Gardening")
    assert not dialog.name_error.isVisible()
    others: list[str] = []

    def close_any_other() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not dialog:
            others.append(modal.windowTitle())
            modal.close()

    QTimer.singleShot(200, close_any_other)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.wait(300)
    assert others == []
    added = [a for a in demo_store.activities(pid) if a.name == "Gardening"]
    assert len(added) == 1 and added[0].discipline is Discipline.PT
    assert session.undo_stack.count() == 1


def test_an_archived_name_is_taken_too_and_the_message_says_to_restore_it(
    qtbot: QtBot, demo_store: Store
) -> None:
    from rehabtrack.ui.patient_session import PatientSession

    pid = _pid(demo_store)
    session = PatientSession.open(demo_store, pid)
    stairs = _named(demo_store, pid, "Climb a flight of stairs")
    assert stairs is not None
    session.add_activity(Activity(stairs.name, stairs.discipline, archived=True, id=stairs.id))
    dialog = ActivitiesDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert [dialog.archived.item(i).text() for i in range(dialog.archived.count())] == [
        "Climb a flight of stairs  (PT)"
    ]
    dialog.name.setText("climb a flight of stairs")
    dialog.discipline.setCurrentIndex(1)  # OT: another discipline does not make it another activity
    assert not dialog.add()
    assert "(archived: restore it instead)" in dialog.name_error.text()
    assert dialog.name_error.isVisible()


def test_rename_refuses_a_taken_name_under_its_field_then_renames_in_one_undo_step(
    qtbot: QtBot, demo_store: Store
) -> None:
    from rehabtrack.ui.patient_session import PatientSession

    pid = _pid(demo_store)
    session = PatientSession.open(demo_store, pid)
    dialog = ActivitiesDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    ot = dialog.lists[Discipline.OT]
    ot.setFocus()
    ot.setCurrentRow(1)  # Cook a meal
    seen: list[str] = []

    def rename(rename_dialog: QWidget) -> None:
        assert isinstance(rename_dialog, RenameDialog)
        field = rename_dialog.name
        assert field.selectedText() == "Cook a meal"
        qtbot.keyClicks(field, "TYPE ON THE COMPUTER")
        qtbot.keyClick(field, Qt.Key.Key_Return)
        seen.append(rename_dialog.error.text())
        assert rename_dialog.error.isVisible() and rename_dialog.isVisible()  # refused: still open
        field.selectAll()
        qtbot.keyClicks(field, "Cook a simple meal")
        qtbot.keyClick(field, Qt.Key.Key_Return)

    done = _in_modal(qtbot, RenameDialog, rename)
    qtbot.keyClick(ot, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: bool(done))
    assert "'Type on the computer' exists already" in seen[0]
    names = [a.name for a in demo_store.activities(pid)]
    assert "Cook a simple meal" in names and "Cook a meal" not in names
    assert session.undo_stack.count() == 1
    assert session.undo_action.text() == "&Undo Rename activity 'Cook a meal' to 'Cook a simple meal'"
    assert ot.currentItem().text() == "Cook a simple meal"
    session.undo_stack.undo()
    assert [ot.item(i).text() for i in range(ot.count())][1] == "Cook a meal"  # the dialog follows undo


def test_typed_values_stay_when_an_activity_is_added_from_the_checkin(
    main_window, qtbot: QtBot, demo_store: Store
) -> None:
    pid = _pid(demo_store)
    window = main_window(demo_store)
    checkin = window.checkin
    pain = checkin._fields["pain"].widget
    pain.setText("4")
    cook = _named(demo_store, pid, "Cook a meal")
    assert cook is not None and cook.id is not None
    cook_rating = checkin._fields[f"activity/{cook.id}"].widget
    cook_rating.setText("12")  # not yet valid: kept as typed all the same
    assert checkin.has_unsaved_changes()
    window.session.add_activity(Activity("Gardening", Discipline.OT))
    gardening = _named(demo_store, pid, "Gardening")
    assert gardening is not None and gardening.id is not None
    assert _row_shown(window, gardening.id)
    assert checkin._fields["pain"].widget.text() == "4"
    assert checkin._fields[f"activity/{cook.id}"].widget.text() == "12"
    window.session.add_activity(Activity("Cook a simple meal", Discipline.OT, id=cook.id))
    labels = [label.text() for label in checkin.activity_box.findChildren(QLabel) if label.isVisible()]
    assert "Cook a simple meal  (OT)" in labels and "Cook a meal  (OT)" not in labels
    assert checkin._fields[f"activity/{cook.id}"].widget.text() == "12"
    checkin.reload()  # the typed week dropped: closing the window then asks nothing


@pytest.mark.parametrize("scale", [175, 200])
def test_at_1366x768_with_large_text_the_lists_and_every_button_are_whole(
    main_window, qtbot: QtBot, scale: int
) -> None:
    from rehabtrack.storage.paths import open_data

    settings = Settings()
    settings.save_preferences(Preferences(font_scale=scale))
    window = main_window(lambda: open_data(demo=True), settings, today=None)
    dialog = ActivitiesDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(20)
    dialog.name.setText("Walk 30 minutes")
    dialog.add()  # with the message showing too
    qtbot.wait(20)
    assert [str(f) for f in check_window(dialog, QSize(*SCREEN))] == []
    frame = dialog.frameGeometry()
    assert frame.width() <= SCREEN[0] and frame.height() <= SCREEN[1]
    shown = [*dialog.lists.values(), dialog.archived, dialog.name, dialog.discipline, dialog.name_error]
    shown += [dialog.rename_button, dialog.archive_button, dialog.restore_button, dialog.add_button]
    for widget in shown:
        where = QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size())
        assert widget.isVisible() and dialog.rect().contains(where), widget
    for shown_list in dialog.lists.values():
        assert shown_list.viewport().height() >= 2 * shown_list.sizeHintForRow(0)


def _goal_progress(window) -> list[str]:  # type: ignore[no-untyped-def]
    panel = window.dashboard.goals_panel
    return [
        panel.topLevelItem(i).child(j).text(2)
        for i in range(panel.topLevelItemCount())
        for j in range(panel.topLevelItem(i).childCount())
    ]


def test_a_rename_shows_on_the_dashboards_goal_at_once_and_undo_puts_the_old_name_back(
    main_window, qtbot: QtBot, demo_store: Store
) -> None:
    pid = _pid(demo_store)
    window = main_window(demo_store)
    cook = _named(demo_store, pid, "Cook a meal")
    assert cook is not None
    dialog = ActivitiesDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    rename = RenameDialog(dialog, cook)
    rename.name.setText("Cook a simple meal")
    rename.accept()
    assert any(text.startswith("Cook a simple meal: ") for text in _goal_progress(window))
    assert not any(text.startswith("Cook a meal: ") for text in _goal_progress(window))
    window.undo_action.trigger()
    assert any(text.startswith("Cook a meal: ") for text in _goal_progress(window))
    ot = dialog.lists[Discipline.OT]
    assert "Cook a meal" in [ot.item(i).text() for i in range(ot.count())]
