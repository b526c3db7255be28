"""Window size, maximised state and the dashboard's splitters come back after a restart; each widget
keeps its own state, and the reminder and the recurrence notice work from what they are given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import Store
from rehabtrack.ui.kept_state import keep_state
from rehabtrack.ui.settings import Preferences, Settings, settings_at
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.shell.recurrence_notice import RecurrenceNotice
from rehabtrack.ui.shell.reminder import ReminderBanner, WeeklyReminder

MakeWindow = Callable[..., MainWindow]


def test_size_is_restored(qtbot: QtBot, main_window: MakeWindow, demo_store: Store, tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    first = main_window(demo_store, settings_at(ini), load=False)
    first.resize(700, 520)  # within the offscreen screen (800×600)
    qtbot.waitUntil(lambda: first.size().width() == 700)
    first.close()

    second = main_window(demo_store, settings_at(ini), load=False)
    assert (second.width(), second.height()) == (700, 520)


def test_maximised_is_restored(
    qtbot: QtBot, main_window: MakeWindow, demo_store: Store, tmp_path: Path
) -> None:
    ini = tmp_path / "settings.ini"
    first = main_window(demo_store, settings_at(ini), load=False)
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()

    second = main_window(demo_store, settings_at(ini), load=False)
    qtbot.waitUntil(second.isMaximized)


def test_dashboard_splitters_are_restored(main_window: MakeWindow, demo_store: Store, tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    first = main_window(demo_store, settings_at(ini), size=(780, 580))
    first.tabs.setCurrentWidget(first.dashboard)
    outer = first.dashboard.splitter  # type: ignore[union-attr]
    outer.setSizes([120, 500])
    outer_sizes = outer.sizes()
    inner = outer.widget(1)
    inner.setSizes([300, 700])  # type: ignore[attr-defined]
    inner_sizes = inner.sizes()  # type: ignore[attr-defined]
    first.close()

    second = main_window(demo_store, settings_at(ini))
    second.tabs.setCurrentWidget(second.dashboard)
    assert second.dashboard.splitter.sizes() == outer_sizes  # type: ignore[union-attr]
    assert second.dashboard.splitter.widget(1).sizes() == inner_sizes  # type: ignore[union-attr]


def test_a_window_without_settings_leaves_no_trace(main_window: MakeWindow, demo_store: Store) -> None:
    """Tests and `rehabtrack self-test` make windows without settings: nothing persists between them."""
    first = main_window(demo_store, load=False)
    first.resize(700, 500)
    first.close()
    second = main_window(demo_store, load=False)
    assert second.width() != 700


# Each widget keeps its own state --------------------------------------------------------------


def _two_panes(states: Settings) -> tuple[QWidget, QSplitter]:
    window = QWidget()
    splitter = QSplitter(window)
    splitter.addWidget(QLabel("left"))
    splitter.addWidget(QLabel("right"))
    splitter.resize(600, 300)
    keep_state(splitter, states, "panes")
    return window, splitter


def test_a_splitter_keeps_the_sizes_the_user_dragged_to(qtbot: QtBot, tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    window, splitter = _two_panes(settings_at(ini))
    qtbot.addWidget(window)
    window.show()
    handle = splitter.handle(1)
    start = handle.rect().center()
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(handle, QPoint(start.x() - 150, start.y()))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=QPoint(start.x() - 150, start.y()))
    dragged = splitter.sizes()
    assert dragged[0] < dragged[1]  # the drag happened
    # Still open (a crash would lose nothing): another splitter under the same name takes the sizes.
    again, second = _two_panes(settings_at(ini))
    qtbot.addWidget(again)
    again.show()
    assert second.sizes() == dragged


def test_sizes_left_on_the_dashboard_stay_when_another_patient_is_opened(
    main_window: MakeWindow, demo_store: Store, tmp_path: Path
) -> None:
    other = demo_store.save_patient(Patient("Bea Example"))
    assert other.id is not None
    window = main_window(demo_store, settings_at(tmp_path / "settings.ini"), size=(780, 580))
    window.tabs.setCurrentWidget(window.dashboard)
    outer = window.dashboard.splitter  # type: ignore[union-attr]
    outer.setSizes([100, 420])
    left = outer.sizes()
    window.set_patient(other.id)
    window.tabs.setCurrentWidget(window.dashboard)
    assert window.dashboard.splitter is not outer  # type: ignore[union-attr]  # a new dashboard
    assert window.dashboard.splitter.sizes() == left  # type: ignore[union-attr]


def test_the_recurrence_notice_shows_what_it_is_given(qtbot: QtBot, today: date) -> None:
    """No window needed: the notice is handed the plan, the weeks and the activities."""
    monday = week_start(today)
    first = monday - timedelta(weeks=10)
    since = first + timedelta(weeks=4)
    weeks = [WeeklyEntry(first + timedelta(weeks=i), {"pain": p}) for i, p in enumerate([2] * 8 + [5, 6])]
    notice = RecurrenceNotice()
    qtbot.addWidget(notice)
    notice.show()
    notice.show_alerts(MaintenancePlan(since, 2, since), weeks, [], {})
    assert notice.isVisible() and "pain" in notice.text().lower()
    notice.set_shown_elsewhere(True)  # a page that says it itself
    assert not notice.isVisible()
    notice.set_shown_elsewhere(False)
    notice.show_alerts(MaintenancePlan(since, 2, since), weeks[:8], [], {})  # steady since discharge
    assert not notice.isVisible()


def test_the_reminder_works_from_what_it_is_given(qtbot: QtBot, today: date) -> None:
    """The reminder is handed the clock, whether the week is logged and where to show: no window."""
    settings = Settings()
    settings.save_preferences(Preferences(checkin_day=today.weekday()))
    holder = QWidget()
    qtbot.addWidget(holder)
    banner = ReminderBanner(holder)
    holder.show()
    logged = {"now": False}
    reminder = WeeklyReminder(settings, lambda: today, lambda _day: logged["now"], banner, None, holder)
    assert reminder.check() is True and banner.isVisible()
    logged["now"] = True
    assert reminder.check() is False and not banner.isVisible()


def test_no_ui_module_reaches_into_another_objects_private_members() -> None:
    import re

    import rehabtrack.ui

    reach = re.compile(r"getattr\(\s*(?!self\s*,)[\w.]+\s*,\s*[\"']_(?!_)")  # a dunder is public
    # The one module that must: it puts a cheaper check in place of PySide6's private per-import one.
    known = {Path("shell/import_check.py")}
    root = Path(rehabtrack.ui.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path.relative_to(root) not in known
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reach.search(line)
    ]
    assert found == []


def test_a_dialog_opens_at_the_size_it_was_left(
    qtbot: QtBot, main_window: MakeWindow, demo_store: Store, tmp_path: Path
) -> None:
    window = main_window(demo_store, settings_at(tmp_path / "settings.ini"))
    first = window.desktop.make_dialog()
    qtbot.addWidget(first)
    first.show()
    first.resize(first.width() + 40, first.height() + 30)
    left = first.size()
    first.reject()

    again = window.desktop.make_dialog()
    qtbot.addWidget(again)
    again.show()
    assert again.size() == left


def test_the_report_dialog_opens_at_the_size_it_was_left(
    main_window: MakeWindow, demo_store: Store, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    window = main_window(demo_store, settings_at(tmp_path / "settings.ini"))
    sizes = []

    def leave(grow: int) -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        dialog.resize(dialog.width() + grow, dialog.height() + grow)
        sizes.append(dialog.size())
        dialog.close()

    QTimer.singleShot(0, lambda: leave(30))
    window.export_report()
    QTimer.singleShot(0, lambda: leave(0))  # as it opens again
    window.export_report()
    assert sizes[1] == sizes[0]
