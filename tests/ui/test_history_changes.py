"""The History tab's "Changes": who changed what, in sentences, newest first, on the real window at
1366×768 with 175 % text; undo and redo are changes too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.weeks import week_start
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_store
from rehabtrack.ui.dialogs.goal import GoalDialog
from rehabtrack.ui.settings import Preferences, Settings
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.widgets import NumberField

TODAY = date(2026, 11, 25)
SCREEN = (1366, 768)


@pytest.fixture
def window(
    main_window: Callable[..., MainWindow], data_dir: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    """The demo patient's records, written by priya (her login name), shown at 175 % text on the whole of
    a 1366×768 screen."""
    monkeypatch.setenv("LOGNAME", "priya")
    store = open_store(data_dir)
    seed_demo(store, TODAY)
    store.close()
    settings = Settings()
    settings.save_preferences(Preferences(font_scale=175))
    shown = main_window(data_dir, settings, today=TODAY)
    extra = shown.frameGeometry().size() - shown.size()
    shown.resize(SCREEN[0] - extra.width(), SCREEN[1] - extra.height())
    qtbot.wait(20)
    return shown


def shown_changes(window: MainWindow, qtbot: QtBot) -> list[str]:
    """The sentences the History tab shows, after checking the newest is on screen."""
    window.tabs.setCurrentWidget(window.history_page)
    qtbot.wait(20)
    changes = window.changes.list
    assert changes.isVisible() and window.changes.heading.isVisible()
    first = changes.visualItemRect(changes.item(0))
    assert changes.viewport().rect().contains(first), "the newest change is not on screen"
    assert _inside(changes, window), "the list of changes is cut off by the window's edge"
    assert changes.height() >= 3 * changes.fontMetrics().height()
    return [changes.item(i).text() for i in range(changes.count())]


def _inside(widget: QWidget, window: QWidget) -> bool:
    return window.rect().contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))


def test_a_goal_edited_then_undone_and_redone_shows_each_change(window: MainWindow, qtbot: QtBot) -> None:
    dashboard = window.dashboard
    assert dashboard is not None
    goal = next(g for g in dashboard.data.open_goals() if g.marker.startswith("rom/"))
    dialog = GoalDialog(dashboard.session, dashboard.data, goal, dashboard)
    dialog.target.set_value(goal.target + 5)
    dialog.accept()
    assert dialog.result() == 1
    old, new = f"{goal.target:g}°", f"{goal.target + 5:g}°"

    said = shown_changes(window, qtbot)
    assert said[0].startswith(f"goal '{goal.title}' target changed {old} → {new} by priya, ")
    assert any(s.startswith("week of ") and " added by priya, " in s for s in said)  # the demo's weeks

    window.undo_action.trigger()
    said = shown_changes(window, qtbot)
    assert said[0].startswith(f"goal '{goal.title}' target changed {new} → {old} by priya, ")
    window.redo_action.trigger()
    assert shown_changes(window, qtbot)[0].startswith(f"goal '{goal.title}' target changed {old} → {new} by ")


def test_a_saved_week_reads_as_its_changed_values(window: MainWindow, qtbot: QtBot) -> None:
    form = window.checkin
    assert form is not None
    week = week_start(TODAY) - timedelta(weeks=1)
    stored = window.store.entry(window.patient.id, week)  # type: ignore[union-attr, arg-type]
    assert stored is not None and stored.values.get("pain") not in (None, 9)
    window.tabs.setCurrentWidget(form)
    form.show_week(week)
    pain = form._fields["pain"].widget
    assert isinstance(pain, NumberField)
    pain.setFocus()
    qtbot.keyClick(pain, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(pain, "9")
    qtbot.keyClick(pain, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    pain_before = f"{stored.values['pain']:g}"
    said = shown_changes(window, qtbot)
    assert said[0].startswith(f"week of {week.day} {week:%b}: pain {pain_before} → 9 by priya, ")


def test_older_changes_are_shown_on_request(window: MainWindow, qtbot: QtBot) -> None:
    said = shown_changes(window, qtbot)  # the demo's records: more saves than one page holds
    assert window.changes.older.isVisible()
    qtbot.mouseClick(window.changes.older, Qt.MouseButton.LeftButton)
    more = [window.changes.list.item(i).text() for i in range(window.changes.list.count())]
    assert len(more) > len(said) and more[: len(said)] == said
