"""Window size, maximised state and the dashboard's splitters come back after a restart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from rehabtrack.storage.store import Store
from rehabtrack.ui.settings import settings_at
from rehabtrack.ui.shell.main_window import MainWindow


def _window(qtbot: QtBot, store: Store, today: date, ini: Path) -> MainWindow:
    window = MainWindow(lambda: store, today, settings=settings_at(ini))
    qtbot.addWidget(window)
    return window


def test_size_is_restored(qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    first = _window(qtbot, demo_store, today, ini)
    first.show()
    first.resize(700, 520)  # within the offscreen screen (800×600)
    qtbot.waitUntil(lambda: first.size().width() == 700)
    first.close()

    second = _window(qtbot, demo_store, today, ini)
    second.show()
    assert (second.width(), second.height()) == (700, 520)


def test_maximised_is_restored(qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    first = _window(qtbot, demo_store, today, ini)
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()

    second = _window(qtbot, demo_store, today, ini)
    second.show()
    qtbot.waitUntil(second.isMaximized)


def test_dashboard_splitters_are_restored(
    qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    ini = tmp_path / "settings.ini"
    first = _window(qtbot, demo_store, today, ini)
    first.resize(780, 580)
    first.show()
    first.load()
    first.tabs.setCurrentWidget(first.dashboard)
    outer = first.dashboard.splitter  # type: ignore[union-attr]
    outer.setSizes([120, 500])
    outer_sizes = outer.sizes()
    inner = outer.widget(1)
    inner.setSizes([300, 700])  # type: ignore[attr-defined]
    inner_sizes = inner.sizes()  # type: ignore[attr-defined]
    first.close()

    second = _window(qtbot, demo_store, today, ini)
    second.show()
    second.load()
    second.tabs.setCurrentWidget(second.dashboard)
    assert second.dashboard.splitter.sizes() == outer_sizes  # type: ignore[union-attr]
    assert second.dashboard.splitter.widget(1).sizes() == inner_sizes  # type: ignore[union-attr]


def test_a_window_without_settings_leaves_no_trace(qtbot: QtBot, demo_store: Store, today: date) -> None:
    """Tests and `rehabtrack self-test` make windows without settings: nothing persists between them."""
    first = MainWindow(lambda: demo_store, today)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)
    first.close()
    second = MainWindow(lambda: demo_store, today)
    qtbot.addWidget(second)
    second.show()
    assert second.width() != 700
