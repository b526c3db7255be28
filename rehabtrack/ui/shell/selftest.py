"""``rehabtrack self-test``: open every view and dialog on demo data, as on a real screen, and check each.

Packagers and support staff run it to prove a build works; the tests run it at the screen sizes, text
sizes and themes our users have. It opens the set-up wizard, every tab of the main window, every
questionnaire form, the session view (with compare and a note), the goal editor, preferences, the
export dialog and the restore offer; draws every chart; writes the progress report; and checks each
window with ``screen_check.check_window``. It exits non-zero naming the window and the widget.

Without a display it runs offscreen on a virtual screen of the size asked for.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rehabtrack.ui.settings import FONT_SCALE_MAX, FONT_SCALE_MIN, Theme

if TYPE_CHECKING:
    from rehabtrack.ui.shell.screen_check import Finding

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from rehabtrack.ui.shell.main_window import MainWindow

DEFAULT_SIZE = (1366, 768)
SETTLE_ROUNDS = 6
THEME_NAMES = {theme.value.replace(" ", "-"): theme for theme in Theme}


class SelfTestArgumentError(ValueError):
    """A --size, --text-scale or --theme the self-test cannot use; the message names it."""


def parse_size(text: str) -> tuple[int, int]:
    """'1366x768' → (1366, 768)."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise SelfTestArgumentError(
            f"--size must be WIDTHxHEIGHT in pixels, e.g. 1366x768 (got {text!r})."
        ) from None
    if not (320 <= width <= 10000 and 240 <= height <= 10000):
        raise SelfTestArgumentError(f"--size must be 320x240 to 10000x10000 pixels (got {text!r}).")
    return width, height


def parse_theme(text: str) -> Theme:
    theme = THEME_NAMES.get(text.strip().lower().replace(" ", "-").replace("_", "-"))
    if theme is None:
        raise SelfTestArgumentError(f"--theme must be one of {', '.join(THEME_NAMES)} (got {text!r}).")
    return theme


def check_text_scale(percent: int) -> int:
    if not FONT_SCALE_MIN <= percent <= FONT_SCALE_MAX:
        raise SelfTestArgumentError(
            f"--text-scale must be {FONT_SCALE_MIN} to {FONT_SCALE_MAX} percent (got {percent})."
        )
    return percent


@dataclass
class SelfTestResult:
    views: list[str] = field(default_factory=list)  # every window or dialog opened, in order
    problems: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the problems found on a window, with kinds
    screenshots: list[Path] = field(default_factory=list)


def run_self_test(
    screenshots: Path | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    text_scale: int = 100,
    theme: Theme = Theme.SYSTEM,
) -> int:
    """The command: prints each view checked and every problem; 0 when there are none."""
    _virtual_screen(size)
    from rehabtrack.core.resources import ResourceProblem

    try:
        result = self_test(screenshots, size, text_scale, theme)
    except ResourceProblem as exc:  # a broken installation: the file's name says it all
        print(f"self-test FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception:  # the reason goes to the person running the test
        print("self-test FAILED:\n" + traceback.format_exc(), file=sys.stderr)
        return 1
    for view in result.views:
        print(f"ok: {view}")
    if result.problems:
        print(
            f"self-test FAILED at {size[0]}×{size[1]}, {text_scale} % text, {theme.label} theme:\n  "
            + "\n  ".join(result.problems),
            file=sys.stderr,
        )
        return 1
    print(f"self-test passed: {len(result.views)} views at {size[0]}×{size[1]}, {text_scale} % text")
    return 0


def _virtual_screen(size: tuple[int, int]) -> None:
    """Without a display, run offscreen on a screen of ``size`` (Qt's offscreen screen is 800×800)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if platform not in ("", "offscreen") or (not platform and has_display):
        return
    screen = {"name": "self-test", "x": 0, "y": 0, "width": size[0], "height": size[1]}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config = Path(tempfile.mkdtemp(prefix="rehabtrack-selftest-")) / "screen.json"
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def self_test(
    screenshots: Path | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    text_scale: int = 100,
    theme: Theme = Theme.SYSTEM,
) -> SelfTestResult:
    """Open and check every view; the application's font and theme are put back afterwards."""
    from PySide6.QtWidgets import QApplication

    from rehabtrack.ui.shell.app import make_application
    from rehabtrack.ui.theme import apply_app_theme

    app = make_application()
    font = QApplication.font()
    run = _Run(app, screenshots, size, text_scale, theme)
    try:
        run.all()
    finally:
        run.close_all()
        apply_app_theme(Theme.SYSTEM)
        QApplication.setFont(font)
    return run.result


class _Run:
    def __init__(
        self, app: Any, screenshots: Path | None, size: tuple[int, int], text_scale: int, theme: Theme
    ) -> None:
        from PySide6.QtCore import QSize

        self.app = app
        self.folder = screenshots
        self.screen = QSize(*size)
        self.text_scale = check_text_scale(text_scale)
        self.theme = theme
        self.result = SelfTestResult()
        self.opened: list[QWidget] = []
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)

    # Helpers ----------------------------------------------------------------------------------

    def settle(self) -> None:
        for _ in range(SETTLE_ROUNDS):  # a layout change can ask for another: let them all finish
            self.app.processEvents()

    def check(self, window: QWidget, name: str) -> None:
        """Check the shown ``window`` as it is now, and save its picture as the next screenshot."""
        from rehabtrack.ui.shell.screen_check import check_window

        self.settle()
        self.result.views.append(name)
        for finding in check_window(window, self.screen):
            if str(finding) not in self.result.problems:  # the same fault seen again on the next tab
                self.result.problems.append(str(finding))
                self.result.findings.append(finding)
        if self.folder is not None:
            slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
            while "--" in slug:
                slug = slug.replace("--", "-")
            path = self.folder / f"{len(self.result.views):02d}-{slug}.png"
            if window.grab().save(str(path)):
                self.result.screenshots.append(path)
            else:
                self.result.problems.append(f"could not save the screenshot {path}")

    def show_dialog(self, dialog: QWidget, full_screen: bool = False) -> QWidget:
        self.opened.append(dialog)
        dialog.show()
        self.settle()
        if full_screen:  # what showFullScreen() gives on this screen: all of it, frame included
            extra = dialog.frameGeometry().size() - dialog.size()
            dialog.resize(self.screen.width() - extra.width(), self.screen.height() - extra.height())
            dialog.move(0, 0)
            self.settle()
        return dialog

    def close(self, dialog: QWidget) -> None:
        dialog.close()
        dialog.deleteLater()
        if dialog in self.opened:
            self.opened.remove(dialog)
        self.settle()

    def close_all(self) -> None:
        for widget in reversed(self.opened):
            from shiboken6 import isValid

            if isValid(widget):
                widget.close()
                widget.deleteLater()
        self.opened.clear()
        self.settle()

    # The walk ---------------------------------------------------------------------------------

    def all(self) -> None:
        from rehabtrack.ui.theme import apply_app_theme
        from rehabtrack.ui.widgets import apply_app_font_scale

        apply_app_font_scale(self.text_scale)
        apply_app_theme(self.theme)
        self.wizard()
        window = self.main_window()
        if window.patient is None or window.store is None:
            self.result.problems.append("RehabTrack: the demo patient did not load")
            return
        self.tabs(window)
        self.questionnaires(window)
        self.session_view(window)
        self.goal_editor(window)
        self.preferences(window)
        self.export(window)
        self.restore_offer(window)
        self.profiles(window)
        self.report(window)

    def wizard(self) -> None:
        """The first run on an empty folder: every page of the set-up wizard."""
        from rehabtrack.storage.store import open_store
        from rehabtrack.ui.dialogs.wizard import SetupWizard

        folder = Path(tempfile.mkdtemp(prefix="rehabtrack-selftest-"))
        store = open_store(folder)
        try:
            wizard = SetupWizard(store)
            self.show_dialog(wizard)
            wizard.about.name.setText("Angela")
            for _page in wizard.pageIds():
                self.check(wizard, f"Set-up wizard: {wizard.currentPage().title()}")
                wizard.next()
            self.close(wizard)
        finally:
            store.close()

    def main_window(self) -> MainWindow:
        from PySide6.QtCore import QPoint, QRect

        from rehabtrack.storage.paths import open_data
        from rehabtrack.ui.settings import Preferences, Settings
        from rehabtrack.ui.shell.main_window import MainWindow

        settings = Settings()  # in memory: the user's own preferences are never touched
        settings.save_preferences(Preferences(font_scale=self.text_scale, theme=self.theme))
        window = MainWindow(lambda: open_data(demo=True), settings=settings)
        self.opened.append(window)
        window.show()
        window.load()
        self.settle()
        window.fit_to_screen(QRect(QPoint(0, 0), self.screen), fill=True)  # maximised on this screen
        self.settle()
        return window

    def tabs(self, window: MainWindow) -> None:
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            page = window.tabs.widget(index)
            self.settle()
            check = getattr(page, "self_check", None)
            if callable(check):
                self.result.problems.extend(check())
            self.check(window, window.tabs.tabText(index).replace("&", ""))

    def questionnaires(self, window: MainWindow) -> None:
        from rehabtrack.core.measure_series import FILLED_IN
        from rehabtrack.ui.dialogs.discharge import DischargeDialog
        from rehabtrack.ui.views.questionnaires import QuestionnairesView

        holder = window.questionnaires
        view = holder.content if holder is not None else None
        if not isinstance(view, QuestionnairesView):
            self.result.problems.append("Questionnaires: the tab did not open")
            return
        window.tabs.setCurrentWidget(holder)  # type: ignore[arg-type]  # holder is set when view is
        for family in FILLED_IN:
            form = view.open_form(family)
            self.check(window, f"Questionnaire {form.inst.short_name}")
        view.close_form()
        discharge = DischargeDialog(view.today, view)
        self.show_dialog(discharge)
        self.check(discharge, "Discharged from therapy")
        self.close(discharge)

    def session_view(self, window: MainWindow) -> None:
        from rehabtrack.ui.views.dashboard import Dashboard
        from rehabtrack.ui.views.session_view import EventDialog, SessionView

        dashboard = window.dashboard
        assert isinstance(dashboard, Dashboard) and window.store is not None
        window.tabs.setCurrentWidget(dashboard)
        view = SessionView(dashboard.session, dashboard.theme, dashboard)
        self.show_dialog(view, full_screen=True)
        self.check(view, "Session view")
        view.step(1)
        self.check(view, "Session view: next slide")
        view.compare_button.setChecked(True)
        self.check(view, "Session view: compare periods")
        view.compare_button.setChecked(False)
        note = EventDialog(dashboard.session, view)
        self.show_dialog(note)
        self.check(note, "Session view: add a note")
        self.close(note)
        self.close(view)

    def goal_editor(self, window: MainWindow) -> None:
        from rehabtrack.ui.dialogs.goal import GoalDialog
        from rehabtrack.ui.views.dashboard import Dashboard

        dashboard = window.dashboard
        assert isinstance(dashboard, Dashboard) and window.store is not None
        new = GoalDialog(dashboard.session, dashboard.data, None, dashboard)
        self.show_dialog(new)
        self.check(new, "New goal")
        self.close(new)
        goal = next(iter(dashboard.data.open_goals()), None)
        dialog = GoalDialog(dashboard.session, dashboard.data, goal, dashboard)
        self.show_dialog(dialog)
        pain = dialog.marker.findData("pain")
        if pain >= 0:
            dialog.marker.setCurrentIndex(pain)
        dialog.target.setText("15")  # outside 0–10: the editor must show why it does not save
        dialog.accept()
        self.check(dialog, "Edit goal: a target out of range")
        self.close(dialog)

    def preferences(self, window: MainWindow) -> None:
        dialog = window.desktop.make_dialog()
        dialog.changed.disconnect()  # nothing here may change the window being checked
        self.show_dialog(dialog)
        self.check(dialog, "Preferences")
        dialog.show_server_page()
        dialog.server_page.test_connection()  # no address typed: the page must say so, and fit
        self.check(dialog, "Preferences: Clinic server")
        self.close(dialog)

    def export(self, window: MainWindow) -> None:
        from datetime import date

        from rehabtrack.ui.dialogs.report import ReportDialog

        assert window.store is not None and window.patient is not None and window.patient.id is not None
        dialog = ReportDialog(window.store, window.patient.id, date.today(), "a4", window)
        self.show_dialog(dialog)
        self.check(dialog, "Export progress report")
        missing = Path(tempfile.gettempdir()) / "rehabtrack-no-such-folder" / "report.pdf"
        dialog.file.setText(str(missing))  # a folder that does not exist: the dialog must say so
        dialog.accept()
        self.check(dialog, "Export progress report: a folder that does not exist")
        self.close(dialog)

    def restore_offer(self, window: MainWindow) -> None:
        from PySide6.QtWidgets import QMessageBox

        from rehabtrack.ui.shell.main_window import RESTORE_OFFER_TITLE, restore_offer_text

        backup = Path("backups") / "rehabtrack-2026-01-01.db"
        text = restore_offer_text("The database file is damaged (file is not a database).", backup)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            RESTORE_OFFER_TITLE,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            window,
        )
        self.show_dialog(box)
        self.check(box, "Restore offer")
        self.close(box)

    def profiles(self, window: MainWindow) -> None:
        from rehabtrack.ui.dialogs.profiles import ProfilesDialog

        assert window.store is not None and window.patient is not None
        dialog = ProfilesDialog(window.store, window.patient.id, window)
        self.show_dialog(dialog)
        self.check(dialog, "Profiles")
        self.close(dialog)

    def report(self, window: MainWindow) -> None:
        """Write the demo patient's progress report in memory: the PDF code and its fonts work here too."""
        from rehabtrack.report.content import build_content
        from rehabtrack.report.pdf import render_pdf

        assert window.store is not None and window.patient is not None and window.patient.id is not None
        data, pages = render_pdf(build_content(window.store, window.patient.id))
        if pages < 1 or not data.startswith(b"%PDF"):
            self.result.problems.append("Progress report: no PDF was written")
        else:
            self.result.views.append(f"Progress report ({pages} pages, {len(data) // 1024} KB)")


__all__ = [
    "SelfTestArgumentError",
    "SelfTestResult",
    "parse_size",
    "parse_theme",
    "run_self_test",
    "self_test",
]
