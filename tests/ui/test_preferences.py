"""Preferences: kept in QSettings, applied at start and live while the dialog is open; moving the data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT
from rehabtrack.storage.backup import DATABASE_NAME, DEFAULT_KEEP
from rehabtrack.storage.store import Store
from rehabtrack.ui.settings import DEFAULT_BACKUPS_KEPT, Preferences, Theme, settings_at
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.theme import apply_app_theme


@pytest.fixture(autouse=True)
def system_theme_after(qapp: QApplication) -> Iterator[None]:
    """The palette is application-wide: put the system's back for the tests that follow."""
    yield
    apply_app_theme(Theme.SYSTEM)


@pytest.fixture
def no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox, name, staticmethod(lambda _parent, _title, text, *a, **k: shown.append(text))
        )
    return shown


def _point_size(window: MainWindow) -> float:
    return window.font().pointSizeF()


def test_preferences_round_trip_through_an_ini_file(tmp_path: Path) -> None:
    chosen = Preferences(
        checkin_day=2,
        reminder=False,
        font_scale=175,
        theme=Theme.HIGH_CONTRAST,
        paper="letter",
        backups_kept=30,
        data_folder=str(tmp_path / "records"),
    )
    settings_at(tmp_path / "s.ini").save_preferences(chosen)
    assert settings_at(tmp_path / "s.ini").preferences() == chosen


def test_out_of_range_values_are_brought_into_range(tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "s.ini")
    for key, value in (
        ("appearance/font_scale", 900),
        ("data/backups_kept", 0),
        ("reminder/checkin_day", "Sunday"),
        ("appearance/theme", "purple"),
        ("report/paper", "A3"),
    ):
        settings.backend.setValue(key, value)
    prefs = settings.preferences()
    assert (prefs.font_scale, prefs.backups_kept, prefs.checkin_day) == (200, 1, 6)
    assert (prefs.theme, prefs.paper) == (Theme.SYSTEM, "")


def test_defaults_follow_the_rest_of_the_app() -> None:
    from rehabtrack.report.pdf import default_paper

    assert DEFAULT_BACKUPS_KEPT == DEFAULT_KEEP
    assert Preferences().paper_size() == default_paper()
    assert Preferences(paper="letter").paper_size() == "letter"


def test_edit_menu_opens_preferences_with_ctrl_comma(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    window = main_window(demo_store, settings_at(tmp_path / "s.ini"))
    action = window.desktop.preferences_action
    assert action in window.edit_menu.actions()
    assert action.shortcut() == QKeySequence("Ctrl+,")


def test_changes_apply_live_persist_on_ok_and_come_back_at_start(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    ini = tmp_path / "s.ini"
    window = main_window(demo_store, settings_at(ini))
    base = _point_size(window)
    dialog = window.desktop.make_dialog()
    qtbot.addWidget(dialog)

    dialog.font_scale.setValue(150)
    assert _point_size(window) == pytest.approx(base * 1.5, rel=0.01)  # live, before OK
    dialog.theme.setCurrentIndex(list(Theme).index(Theme.DARK))
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
    assert window.dashboard.theme is DARK  # type: ignore[union-attr]
    dialog.checkin_day.setCurrentIndex(0)
    dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
    dialog.backups.setValue(25)
    window.desktop.accept(dialog)

    stored = settings_at(ini).preferences()
    assert (stored.font_scale, stored.theme, stored.checkin_day) == (150, Theme.DARK, 0)
    assert (stored.paper, stored.backups_kept) == ("letter", 25)
    window.close()

    apply_app_theme(Theme.SYSTEM)
    again = main_window(demo_store, settings_at(ini))
    assert _point_size(again) == pytest.approx(base * 1.5, rel=0.01)
    assert again.dashboard.theme is DARK  # type: ignore[union-attr]
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def test_cancel_takes_the_preview_back(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    ini = tmp_path / "s.ini"
    window = main_window(demo_store, settings_at(ini))
    base = _point_size(window)
    dialog = window.desktop.make_dialog()
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(list(Theme).index(Theme.HIGH_CONTRAST))
    dialog.font_scale.setValue(200)
    assert window.dashboard.theme is HIGH_CONTRAST  # type: ignore[union-attr]
    dialog.reject()
    window.desktop.apply(window.desktop.prefs)  # what open_preferences does on Cancel
    assert window.dashboard.theme is LIGHT  # type: ignore[union-attr]
    assert _point_size(window) == pytest.approx(base)
    assert settings_at(ini).preferences() == Preferences()


def test_moving_the_data_folder_copies_checks_and_keeps_the_old_one(
    main_window: Callable[..., MainWindow],
    qtbot: QtBot,
    demo_store: Store,
    data_dir: Path,
    today: date,
    tmp_path: Path,
    no_message_boxes: list[str],
) -> None:
    ini = tmp_path / "s.ini"
    window = main_window(demo_store, settings_at(ini))
    patient_id = window.patient.id  # type: ignore[union-attr]
    weeks = len(demo_store.entries(patient_id))  # type: ignore[arg-type]
    new = tmp_path / "elsewhere"
    dialog = window.desktop.make_dialog()
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(new))
    window.desktop.accept(dialog)

    assert window.store is not None and window.store.path.parent == new
    assert len(window.store.entries(patient_id)) == weeks  # type: ignore[arg-type]
    assert (data_dir / DATABASE_NAME).exists(), "the old copy is kept"
    assert settings_at(ini).preferences().data_folder == str(new)
    assert window.patient is not None and window.patient.id == patient_id
    assert any("still in" in text for text in no_message_boxes), "the user is told where the old copy is"
    window.store.close()


def test_moving_into_a_folder_with_records_is_refused(
    main_window: Callable[..., MainWindow],
    qtbot: QtBot,
    demo_store: Store,
    data_dir: Path,
    today: date,
    tmp_path: Path,
    no_message_boxes: list[str],
) -> None:
    from rehabtrack.storage.store import open_store

    other = tmp_path / "other"
    open_store(other).close()
    window = main_window(demo_store, settings_at(tmp_path / "s.ini"))
    assert window.move_data_folder(other) is False
    assert window.store is demo_store and window.store.path.parent == data_dir
    assert window.store.patients(), "the records are still usable"
    assert any("already holds" in text for text in no_message_boxes)


def test_preferences_dialog_screenshot_at_175_percent(
    main_window: Callable[..., MainWindow],
    qtbot: QtBot,
    demo_store: Store,
    today: date,
    tmp_path: Path,
    shot: Callable[[object, str], object],
) -> None:
    settings = settings_at(tmp_path / "s.ini")
    settings.save_preferences(Preferences(font_scale=175, theme=Theme.HIGH_CONTRAST))
    window = main_window(demo_store, settings)
    dialog = window.desktop.make_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert dialog.font().pointSizeF() == pytest.approx(window.font().pointSizeF())  # follows the scale
    assert dialog.width() <= 1000, "fits a small laptop screen at 175 %"
    shot(dialog, "preferences-175-high-contrast.png")


def test_dialogs_opened_after_a_text_size_change_follow_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QMessageBox

    from rehabtrack.ui.widgets import apply_app_font_scale, scaled_point_size

    base = scaled_point_size(100)
    apply_app_font_scale(175)
    box = QMessageBox(QMessageBox.Icon.Information, "RehabTrack", "Saved")
    qtbot.addWidget(box)
    assert box.font().pointSizeF() == pytest.approx(base * 1.75)
    apply_app_font_scale(100)  # back: the base is the desktop's size, not the scaled one
    assert QApplication.font().pointSizeF() == pytest.approx(base)
