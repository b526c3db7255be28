"""`rehabtrack self-test` on the screens our users have: 1366×768 at 100, 175 and 200 % text and in high
contrast, offscreen through the API and once in a real X window (Xvfb); and the checks it makes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.charts.marker_chart import MarkerChart
from rehabtrack.ui.settings import Theme
from rehabtrack.ui.shell.screen_check import (
    CUT,
    ERROR_HIDDEN,
    KEYS,
    NAMELESS,
    OUTSIDE,
    SIZE,
    SQUASHED,
    check_window,
)
from rehabtrack.ui.shell.selftest import SelfTestResult, self_test
from rehabtrack.ui.widgets import ErrorLabel

SCREEN = (1366, 768)
EVERY_VIEW = {
    "Set-up wizard: About you",
    "Set-up wizard: Your condition",
    "Set-up wizard: Your therapists",
    "Check-in",
    "History",
    "Dashboard",
    "Questionnaires",
    "Questionnaire COPM",
    "Questionnaire GAS",
    "Session view",
    "Session view: compare periods",
    "Session view: add a note",
    "New goal",
    "Edit goal: a target out of range",
    "Edit goal: changed by someone else",
    "Check-in: changed by someone else",
    "Activities",
    "Activities: a name already taken",
    "Preferences",
    "Export progress report",
    "Export progress report: a folder that does not exist",
    "Restore offer",
}

_runs: dict[tuple[int, Theme], SelfTestResult] = {}


def _self_test(scale: int, theme: Theme = Theme.SYSTEM) -> SelfTestResult:
    """One self-test run per text size and theme for the whole file (each takes a few seconds)."""
    if (scale, theme) not in _runs:
        _runs[scale, theme] = self_test(None, SCREEN, scale, theme)
    return _runs[scale, theme]


# The checks themselves ---------------------------------------------------------------------------


def test_each_kind_of_fault_is_found_and_named(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QDialog()
    dialog.setWindowTitle("Faulty")
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    squeezed = QLabel("A sentence far too long for forty pixels")
    squeezed.setFixedWidth(40)
    hidden_error = ErrorLabel()
    hidden_error.setText("Target must be from 0 to 10 (got 15).")
    hidden_error.hide()  # a caller that hides it again: set, never shown
    unnamed = QLineEdit()
    chart = MarkerChart()
    chart.setFixedSize(200, 90)
    rows = QListWidget()
    rows.setAccessibleName("Rows")
    rows.addItems([f"Row {n}" for n in range(10)])
    rows.setFixedHeight(rows.sizeHintForRow(0) + 2)  # room for one row of ten
    for widget in (squeezed, hidden_error, QPushButton("&Save"), QPushButton("&Stop"), unnamed, chart, rows):
        layout.addWidget(widget)
    dialog.resize(900, 500)
    dialog.show()
    qtbot.waitExposed(dialog)

    findings = check_window(dialog, QSize(800, 600))

    assert {f.kind for f in findings} == {SIZE, CUT, ERROR_HIDDEN, KEYS, NAMELESS, SQUASHED}
    named = {(f.kind, f"{f.window}: {f.widget}") for f in findings}
    assert (CUT, 'Faulty: QLabel "A sentence far too long for forty pixels"') in named
    assert (ERROR_HIDDEN, 'Faulty: ErrorLabel "Target must be from 0 to 10 (got 15)."') in named
    assert (NAMELESS, "Faulty: QLineEdit") in named
    assert (SQUASHED, "Faulty: MarkerChart") in named
    assert (SQUASHED, 'Faulty: QListWidget "Rows"') in named
    assert "Alt+S" in next(f.problem for f in findings if f.kind == KEYS)


def test_a_clean_form_passes(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QDialog()
    dialog.setWindowTitle("Clean")
    qtbot.addWidget(dialog)
    form = QFormLayout(dialog)
    form.addRow("&Name:", QLineEdit())
    form.addRow("&Town:", QLineEdit())
    form.addRow(QPushButton("&Save"))
    dialog.show()
    qtbot.waitExposed(dialog)
    assert check_window(dialog, QSize(*SCREEN)) == []


def test_a_widget_past_the_window_edge_is_found(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QWidget()
    window.setWindowTitle("Edge")
    qtbot.addWidget(window)
    window.resize(300, 200)
    button = QPushButton("Leave", window)
    button.setGeometry(250, 20, 120, 30)  # half of it past the right edge
    window.show()
    qtbot.waitExposed(window)
    assert [(f.kind, f.widget) for f in check_window(window, QSize(*SCREEN))] == [
        (OUTSIDE, 'QPushButton "Leave"')
    ]


# Every view on a 1366×768 screen ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "theme"),
    [
        (100, Theme.SYSTEM),
        (175, Theme.SYSTEM),
        (200, Theme.SYSTEM),
        pytest.param(
            175,
            Theme.HIGH_CONTRAST,
            # Only in this run the questionnaires page's chart outlives the page: its pyqtgraph plot
            # options (a WidgetGroup QObject, still alive) keep the plot's seven option menus.
            marks=pytest.mark.leaves_widgets("pyqtgraph's plot-options menus after a theme change"),
        ),
    ],
)
def test_every_view_passes_at_1366x768(qapp, scale: int, theme: Theme) -> None:  # type: ignore[no-untyped-def]
    result = _self_test(scale, theme)
    assert set(result.views) >= EVERY_VIEW, sorted(EVERY_VIEW - set(result.views))
    assert any(view.startswith("Progress report (") for view in result.views)
    assert result.problems == []  # fits, nothing cut off, errors shown, no clashing keys, inputs named


# Item 3: the window fits, pages scroll ---------------------------------------------------------


def _demo_window(main_window, qtbot, scale: int):  # type: ignore[no-untyped-def]
    """The window on the demo records at ``scale`` % text, with the real clock, as `self-test` opens it."""
    from rehabtrack.storage.paths import open_data
    from rehabtrack.ui.settings import Preferences, Settings

    settings = Settings()
    settings.save_preferences(Preferences(font_scale=scale))
    window = main_window(lambda: open_data(demo=True), settings, today=None)
    qtbot.wait(20)  # the window has fitted itself to the test's screen
    return window


def _fill(window: QWidget, qtbot) -> None:  # type: ignore[no-untyped-def]
    """What maximising (or full screen) does on a 1366×768 screen: the whole of it, frame included."""
    extra = window.frameGeometry().size() - window.size()
    window.resize(SCREEN[0] - extra.width(), SCREEN[1] - extra.height())
    window.move(0, 0)
    qtbot.wait(20)


def _inside(widget: QWidget, window: QWidget) -> bool:
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(rect)


def test_the_window_opens_within_the_screen(main_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = _demo_window(main_window, qtbot, 100)
    qtbot.wait(20)
    screen = window.screen().availableGeometry()
    assert screen.contains(window.frameGeometry()), (window.frameGeometry(), screen)


def test_at_175_percent_save_session_view_and_leave_are_on_screen(main_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.ui.views.session_view import SessionView

    window = _demo_window(main_window, qtbot, 175)
    _fill(window, qtbot)
    assert window.width() <= SCREEN[0] and window.height() <= SCREEN[1]
    assert window.minimumSizeHint().width() <= SCREEN[0]
    assert window.minimumSizeHint().height() <= SCREEN[1]
    assert _inside(window.checkin.save_button, window)  # type: ignore[union-attr]
    window.tabs.setCurrentWidget(window.dashboard)
    qtbot.wait(20)
    assert _inside(window.dashboard.session_button, window)  # type: ignore[union-attr]

    dashboard = window.dashboard
    view = SessionView(dashboard.session, dashboard.theme, dashboard)  # type: ignore[union-attr]
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    _fill(view, qtbot)
    assert view.minimumSizeHint().width() <= SCREEN[0]
    assert _inside(view.close_button, view)
    assert _inside(view.note_button, view)


def test_at_200_percent_the_session_chart_has_room_and_the_compare_table_is_whole(main_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.ui.views.session_view import SessionView

    window = _demo_window(main_window, qtbot, 200)
    dashboard = window.dashboard
    view = SessionView(dashboard.session, dashboard.theme, dashboard)  # type: ignore[union-attr]
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    _fill(view, qtbot)
    assert view.chart.height() >= SCREEN[1] // 2, view.chart.size()
    view.compare_button.setChecked(True)
    qtbot.wait(20)
    table = view.compare.table
    header = table.horizontalHeader()
    change = table.columnCount() - 1
    assert header.sectionViewportPosition(change) + header.sectionSize(change) <= table.viewport().width()
    assert [str(f) for f in check_window(view, QSize(*SCREEN))] == []


# Item 6: questionnaire forms readable at the default size ---------------------------------------


def test_gas_goal_names_and_copm_satisfaction_show_whole(main_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = _demo_window(main_window, qtbot, 100)
    _fill(window, qtbot)
    window.tabs.setCurrentWidget(window.questionnaires)
    qtbot.wait(20)
    view = window.questionnaires.content  # type: ignore[union-attr]

    gas = view.open_form("GAS")
    qtbot.wait(20)
    for name, *_ in gas.gas_rows:
        if name.text():
            assert name.width() >= name.fontMetrics().horizontalAdvance(name.text()) + 8, name.text()

    copm = view.open_form("COPM")
    qtbot.wait(20)
    assert view.form_area.horizontalScrollBar().maximum() == 0  # nothing to drag into view
    satisfaction = copm.copm_rows[0][3]
    assert _inside(satisfaction, view.form_area.viewport())


# The command -------------------------------------------------------------------------------------


def _command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", "self-test", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--size", "huge"], "--size"),
        (["--size", "100x50"], "--size"),
        (["--text-scale", "500"], "--text-scale"),
        (["--theme", "pink"], "--theme"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(args: list[str], named: str) -> None:
    out = _command(*args)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1
    assert named in out.stderr and "Traceback" not in out.stderr


def test_the_command_offscreen_saves_a_small_picture_of_every_view(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    out = _command("--size", "1366x768", "--text-scale", "175", "--screenshots", str(tmp_path), env=env)
    assert out.returncode == 0, out.stderr
    assert "self-test passed" in out.stdout
    pictures = sorted(tmp_path.glob("*.png"))
    assert len(pictures) >= len(EVERY_VIEW)
    assert all(p.stat().st_size < 400_000 for p in pictures), [p.name for p in pictures]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (xvfb-run)")
def test_in_a_real_x_window_at_175_percent_everything_fits(tmp_path: Path) -> None:
    """A real window system (Xvfb at 1366×768): window sizes are what a person's screen gets."""
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    script = tmp_path / "fit.py"
    script.write_text(
        "import sys\n"
        "from rehabtrack.ui.shell.selftest import run_self_test\n"
        "from rehabtrack.ui.settings import Theme\n"
        "code = run_self_test(None, (1366, 768), 175, Theme.SYSTEM)\n"
        "from PySide6.QtTest import QTest\n"
        "from rehabtrack.storage.paths import open_data\n"
        "from rehabtrack.ui.shell.main_window import MainWindow\n"
        "window = MainWindow(lambda: open_data(demo=True))\n"
        "window.show()\n"
        "window.load()\n"
        "QTest.qWait(300)\n"
        "screen = window.screen().availableGeometry()\n"
        "print('default window fits:', screen.contains(window.frameGeometry()), window.frameGeometry())\n"
        "sys.exit(code)\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "ok: Session view: compare periods" in out.stdout
    assert "default window fits: True" in out.stdout, out.stdout
