"""Edit → Preferences…, and everything that makes the main window behave like a desktop program:
preferences applied at start and live, window and splitter state kept, the weekly reminder, moving
the data folder.

``DesktopBehaviour`` attaches all of it to a ``MainWindow``; the window calls ``patient_shown()``
after it builds a patient's tabs and ``save_state()`` when it closes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPalette, QPen, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProxyStyle,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.charts.contrast import GRAPHIC_MIN, contrast
from rehabtrack.charts.theme import DARK, HIGH_CONTRAST, LIGHT, ChartTheme
from rehabtrack.core.resources import resource_path
from rehabtrack.core.rom_norms import sources as rom_sources
from rehabtrack.core.weeks import week_start
from rehabtrack.ui.reminder import ReminderBanner, WeeklyReminder
from rehabtrack.ui.settings import (
    BACKUPS_MAX,
    BACKUPS_MIN,
    FONT_SCALE_MAX,
    FONT_SCALE_MIN,
    PAPERS,
    WEEKDAYS,
    Preferences,
    Settings,
    Theme,
)
from rehabtrack.ui.widgets import (
    Button,
    ComboBox,
    apply_app_font_scale,
    apply_font_scale,
    high_contrast_palette,
    hint_label,
    with_readable_placeholder,
)

if TYPE_CHECKING:
    from rehabtrack.storage.store import Store

ICON = ("icons", "rehabtrack.svg")
ROM_NORM_TITLES = {
    "AAOS": "AAOS (American Academy of Orthopaedic Surgeons)",
    "VA": "VA rating schedule (38 CFR 4.71a)",
}
PAPER_TITLES = {"a4": "A4", "letter": "US Letter"}


def app_icon() -> QIcon:
    return QIcon(str(resource_path(*ICON)))


# Themes ------------------------------------------------------------------------------------------


def dark_palette() -> QPalette:
    """Light grey text on dark grey; every text colour is at least 4.5:1 against its background."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#ececec",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#ececec",
        QPalette.ColorRole.Button: "#383838",
        QPalette.ColorRole.ButtonText: "#ececec",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#2f6db3",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#3b3620",
        QPalette.ColorRole.ToolTipText: "#f5f5f5",
        QPalette.ColorRole.PlaceholderText: "#a8a8a8",
        QPalette.ColorRole.Link: "#6cb6ff",
        QPalette.ColorRole.LinkVisited: "#c39bff",
        QPalette.ColorRole.Light: "#505050",
        QPalette.ColorRole.Midlight: "#424242",
        QPalette.ColorRole.Mid: "#303030",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        for role, colour in colours.items():
            palette.setColor(group, role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return palette


def ring_colour(palette: QPalette) -> QColor:
    """The focus ring's colour: the highlight where it stands out from the window by 3:1 (WCAG 1.4.11),
    else the text colour."""
    window = palette.color(QPalette.ColorRole.Window).name()
    highlight = palette.color(QPalette.ColorRole.Highlight)
    if contrast(highlight.name(), window) >= GRAPHIC_MIN:
        return highlight
    return palette.color(QPalette.ColorRole.WindowText)


class ThemeStyle(QProxyStyle):
    """Fusion, with a 2-pixel focus ring around a focused combo or spin box (Fusion shows none a person
    can see). Its high-contrast form also outlines every text field, combo box, spin box, check box and
    radio button in the text colour: Fusion draws them a shade darker than the window, which vanishes
    on black.

    A style, not a style sheet: any style sheet stops fonts propagating, which would undo the font scale.
    """

    high_contrast = False

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(self, element: Any, option: Any, painter: QPainter, widget: Any = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if not self.high_contrast:
            return
        if element == QStyle.PrimitiveElement.PE_FrameLineEdit:
            self._outline(option, painter)
        elif element in (
            QStyle.PrimitiveElement.PE_IndicatorCheckBox,
            QStyle.PrimitiveElement.PE_IndicatorRadioButton,
        ):
            self._outline(option, painter, round_=element == QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    def drawComplexControl(self, control: Any, option: Any, painter: QPainter, widget: Any = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        boxes = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)
        if control in boxes and (self.high_contrast or option.state & QStyle.StateFlag.State_HasFocus):
            self._outline(option, painter)

    @staticmethod
    def _outline(option: QStyleOption, painter: QPainter, round_: bool = False) -> None:
        focus = bool(option.state & QStyle.StateFlag.State_HasFocus)
        colour = ring_colour(option.palette) if focus else option.palette.color(QPalette.ColorRole.WindowText)
        width = 2 if focus else 1
        painter.save()
        painter.setPen(QPen(colour, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = option.rect.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2)
        if round_:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.drawEllipse(rect)
        else:
            painter.drawRect(rect)
        painter.restore()


class HighContrastStyle(ThemeStyle):
    """The high-contrast form of ``ThemeStyle``: every input outlined in the text colour."""

    high_contrast = True


class _Original:
    """The style and palette the application started with: 'follow the system' goes back to them."""

    style: str | None = None
    palette: QPalette | None = None


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


def apply_app_theme(theme: Theme) -> None:
    """Set the application's palette: the system's own, or Fusion with a light, dark or high-contrast one.

    Fusion is used for the chosen themes because native styles (Windows 11, macOS) ignore palettes.
    """
    app = _app()
    if _Original.palette is None:
        _Original.style = app.style().name()
        _Original.palette = QPalette(app.palette())
    if theme == Theme.SYSTEM:
        if (_Original.style or "").lower() == "fusion":  # the desktop's Fusion: the same, with a focus ring
            if type(app.style()) is not ThemeStyle:
                app.setStyle(ThemeStyle())
        elif _Original.style and (
            isinstance(app.style(), ThemeStyle) or app.style().name() != _Original.style
        ):
            app.setStyle(_Original.style)
        app.setPalette(with_readable_placeholder(_Original.palette))
        return
    if theme == Theme.HIGH_CONTRAST:
        if not isinstance(app.style(), HighContrastStyle):
            app.setStyle(HighContrastStyle())
    elif type(app.style()) is not ThemeStyle:
        app.setStyle(ThemeStyle())
    if theme == Theme.DARK:
        app.setPalette(dark_palette())
    elif theme == Theme.HIGH_CONTRAST:
        app.setPalette(high_contrast_palette())
    else:
        app.setPalette(with_readable_placeholder(app.style().standardPalette()))


def current_chart_theme() -> ChartTheme:
    """The chart look for the theme now applied, read from the application's style and palette (for
    views built after the theme was chosen, such as the questionnaires' chart)."""
    if isinstance(_app().style(), HighContrastStyle):
        return HIGH_CONTRAST
    return chart_theme(Theme.SYSTEM)


def chart_theme(theme: Theme, palette: QPalette | None = None) -> ChartTheme:
    """The chart look for a theme; 'follow the system' draws dark charts on a dark system palette."""
    if theme == Theme.DARK:
        return DARK
    if theme == Theme.HIGH_CONTRAST:
        return HIGH_CONTRAST
    if theme == Theme.SYSTEM:
        window = (palette or _app().palette()).color(QPalette.ColorRole.Window)
        return DARK if window.lightness() < 128 else LIGHT
    return LIGHT


# Moving the data folder ---------------------------------------------------------------------------


class MoveProblem(Exception):
    """The records could not be copied; the old folder is untouched and ``store`` is it, open again."""

    def __init__(self, message: str, store: Store) -> None:
        super().__init__(message)
        self.store = store


def _contents(store: Store) -> list[tuple[int | None, int, int, int]]:
    return [
        (p.id, len(store.entries(p.id)), len(store.goals(p.id)), len(store.events(p.id)))
        for p in store.patients(include_archived=True)
        if p.id is not None
    ]


def copy_records(store: Store, new_folder: Path, keep_backups: int) -> Store:
    """Copy the database to ``new_folder`` with SQLite's backup API, check it holds the same records,
    and return it opened. ``store`` is closed; on any problem ``MoveProblem`` is raised carrying the
    old folder's store (open). The old folder is never deleted (its backups stay there too)."""
    from rehabtrack.storage.backup import DATABASE_NAME, restore
    from rehabtrack.storage.errors import DatabaseProblem
    from rehabtrack.storage.store import open_store

    old_folder = store.path.parent
    new_folder = new_folder.expanduser()
    if new_folder.resolve() == old_folder.resolve():
        raise MoveProblem("That is already your data folder.", store)
    if (new_folder / DATABASE_NAME).exists():
        raise MoveProblem(f"{new_folder} already holds RehabTrack records. Choose an empty folder.", store)
    before = _contents(store)
    store.close()
    try:
        restore(new_folder, old_folder / DATABASE_NAME, keep_backups)
        moved = open_store(new_folder, keep_backups=keep_backups)
    except (DatabaseProblem, OSError) as exc:
        reopened = open_store(old_folder, keep_backups=keep_backups)
        raise MoveProblem(f"Could not copy your records to {new_folder}: {exc}", reopened) from exc
    if _contents(moved) != before:
        moved.close()
        reopened = open_store(old_folder, keep_backups=keep_backups)
        raise MoveProblem(f"The copy in {new_folder} does not match your records; it was not used.", reopened)
    return moved


# The dialog ---------------------------------------------------------------------------------------


class PreferencesDialog(QDialog):
    """Every change is announced at once (``changed``) so the window can preview it; Cancel takes it back."""

    changed = Signal(object)  # Preferences

    def __init__(self, prefs: Preferences, data_folder: Path | None, parent: QWidget | None = None) -> None:
        super().__init__()
        # Follow the window's font scale (a dialog does not inherit fonts unless asked before parenting).
        self.setAttribute(Qt.WidgetAttribute.WA_WindowPropagation)
        if parent is not None:
            self.setParent(parent, self.windowFlags())
        self.setWindowTitle("Preferences")
        self.initial = prefs
        self.current_folder = data_folder
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.checkin_day = ComboBox()
        self.checkin_day.addItems(list(WEEKDAYS))
        self.checkin_day.setCurrentIndex(prefs.checkin_day)
        form.addRow("Check-in &day:", self.checkin_day)
        self.reminder = QCheckBox("&Remind me when the week is not logged")
        self.reminder.setChecked(prefs.reminder)
        form.addRow("", self.reminder)

        self.font_scale = QSpinBox()
        self.font_scale.setRange(FONT_SCALE_MIN, FONT_SCALE_MAX)
        self.font_scale.setSingleStep(25)
        self.font_scale.setSuffix(" %")
        self.font_scale.setValue(prefs.font_scale)
        form.addRow("&Text size:", self.font_scale)
        self.theme = ComboBox()
        for theme in Theme:
            self.theme.addItem(theme.label, theme)
        self.theme.setCurrentIndex(list(Theme).index(prefs.theme))
        form.addRow("T&heme:", self.theme)

        self.paper = ComboBox()
        self.paper.addItem("From my region", "")
        for paper in PAPERS:
            self.paper.addItem(PAPER_TITLES[paper], paper)
        self.paper.setCurrentIndex(max(self.paper.findData(prefs.paper), 0))
        form.addRow("&Paper for reports:", self.paper)
        self.rom_norms = ComboBox()
        for source in rom_sources():
            self.rom_norms.addItem(ROM_NORM_TITLES.get(source, source), source)
        self.rom_norms.setCurrentIndex(max(self.rom_norms.findData(prefs.rom_norms), 0))
        self.rom_norms.setAccessibleDescription(
            "The typical range shown as a faint band on range-of-motion charts."
        )
        form.addRow("Typical range &of motion:", self.rom_norms)
        self.backups = QSpinBox()
        self.backups.setRange(BACKUPS_MIN, BACKUPS_MAX)
        self.backups.setValue(prefs.backups_kept)
        form.addRow("&Backups kept:", self.backups)

        self.folder = QLineEdit(str(data_folder) if data_folder else prefs.data_folder)
        self.folder.setReadOnly(True)
        self.folder.textChanged.connect(self.folder.setToolTip)
        self.folder.setToolTip(self.folder.text())
        self.folder.setAccessibleName("Data folder")
        self.choose_folder = Button("&Move to…")
        self.choose_folder.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_folder)
        folder_label = QLabel("Data &folder:")
        folder_label.setBuddy(self.choose_folder)  # a row holding a layout gets no buddy by itself
        form.addRow(folder_label, folder_row)
        form.addRow(  # across both columns: a form row beside an empty label is cut off at 200 % text
            hint_label(
                "Moving copies your records to the new folder and checks the copy; "
                "the old folder is kept until you delete it."
            ),
        )

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

        for signal in (
            self.checkin_day.currentIndexChanged,
            self.reminder.toggled,
            self.font_scale.valueChanged,
            self.theme.currentIndexChanged,
            self.paper.currentIndexChanged,
            self.rom_norms.currentIndexChanged,
            self.backups.valueChanged,
        ):
            signal.connect(lambda *_: self.changed.emit(self.preferences()))

    def showEvent(self, event: QShowEvent) -> None:
        """Tall enough for its wrapped hints at the width it opened with (a window is sized from its
        size hint, which does not wrap text)."""
        super().showEvent(event)
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)

    def preferences(self) -> Preferences:
        """What the dialog shows. The data folder stays as it was: a move is ``new_folder()``."""
        return replace(
            self.initial,
            checkin_day=self.checkin_day.currentIndex(),
            reminder=self.reminder.isChecked(),
            font_scale=self.font_scale.value(),
            theme=Theme(self.theme.currentData()),
            paper=str(self.paper.currentData()),
            rom_norms=str(self.rom_norms.currentData()),
            backups_kept=self.backups.value(),
        )

    def new_folder(self) -> Path | None:
        """The folder the records should move to, if the user chose one."""
        text = self.folder.text().strip()
        if not text or (self.current_folder is not None and Path(text) == self.current_folder):
            return None
        return Path(text)

    def _choose_folder(self) -> None:
        start = self.folder.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Move your records to", start)
        if folder:
            self.folder.setText(folder)


# The window's desktop behaviour -----------------------------------------------------------------


class DesktopBehaviour(QObject):
    """Preferences, window state and the reminder for one main window (see the module docstring)."""

    def __init__(self, window: QMainWindow, settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.prefs = settings.preferences()
        self._dashboard: QWidget | None = None
        window.setWindowIcon(app_icon())

        edit_menu = getattr(window, "edit_menu", None)
        if edit_menu is not None:
            edit_menu.addSeparator()
            action = edit_menu.addAction("&Preferences…")
            action.setShortcut(QKeySequence("Ctrl+,"))
            action.setMenuRole(action.MenuRole.PreferencesRole)
            action.triggered.connect(self.open_preferences)
            self.preferences_action = action

        self.banner = ReminderBanner()
        self.banner.log_requested.connect(self.log_this_week)
        central = window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.banner)  # under the patient's name, above the tabs
        self.reminder = WeeklyReminder(
            settings, self.today, self.week_logged, self.banner, app_icon(), self, self.checkin_weeks
        )

        geometry = settings.state("geometry")
        if geometry is not None:
            window.restoreGeometry(geometry)
        state = settings.state("state")
        if state is not None:
            window.restoreState(state)
        self.apply(self.prefs)

    # Applying -------------------------------------------------------------------------------

    def today(self) -> date:
        return getattr(self.window, "_today", None) or date.today()

    def checkin_weeks(self) -> int:
        """How many weeks one check-in covers for the shown patient: 1, or 2 or 4 after therapy."""
        store = getattr(self.window, "store", None)
        patient = getattr(self.window, "patient", None)
        if store is None or patient is None or patient.id is None:
            return 1
        plan = store.maintenance(patient.id)
        return plan.every_weeks if plan.active and plan.every_weeks else 1

    def week_logged(self, day: date) -> bool:
        store = getattr(self.window, "store", None)
        patient = getattr(self.window, "patient", None)
        if store is None or patient is None or patient.id is None:
            return True  # nobody to remind
        from rehabtrack.core.maintenance import checkin_logged, checkin_period

        plan = store.maintenance(patient.id)  # in the maintenance phase a check-in covers 2 or 4 weeks
        first, last = checkin_period(plan, day)
        weeks = [e.week for e in store.entries(patient.id, first, last)]
        return checkin_logged(plan, weeks, day)

    def apply(self, prefs: Preferences) -> None:
        """Font scale, palette and chart theme, now."""
        apply_app_font_scale(prefs.font_scale)  # dialogs and message boxes opened later
        apply_font_scale(self.window, prefs.font_scale)
        apply_app_theme(prefs.theme)
        dashboard = getattr(self.window, "dashboard", None)
        if dashboard is not None and hasattr(dashboard, "set_theme"):
            dashboard.set_rom_norms(prefs.rom_norms)
            dashboard.set_theme(chart_theme(prefs.theme))

    def patient_shown(self) -> None:
        """After the window (re)built a patient's tabs: theme and lay out the dashboard, check the week."""
        self._save_splitters()
        dashboard = getattr(self.window, "dashboard", None)
        if dashboard is not None:
            if hasattr(dashboard, "set_theme"):
                dashboard.set_rom_norms(self.prefs.rom_norms)
                dashboard.set_theme(chart_theme(self.prefs.theme))
            for name, splitter in self._splitters(dashboard):
                state = self.settings.state(name)
                if state is not None:
                    splitter.restoreState(state)
                    dashboard.layout_restored = True  # the sizes the user left, not the first ones
        self._dashboard = dashboard
        checkin = getattr(self.window, "checkin", None)
        if checkin is not None and hasattr(checkin, "entry_saved"):
            checkin.entry_saved.connect(lambda *_: self.reminder.check())
            checkin.entry_deleted.connect(lambda *_: self.reminder.check())
        self.reminder.check()

    def log_this_week(self) -> None:
        checkin = getattr(self.window, "checkin", None)
        tabs = getattr(self.window, "tabs", None)
        if checkin is None or tabs is None:
            return
        if hasattr(checkin, "show_week"):
            checkin.show_week(week_start(self.today()))
        tabs.setCurrentWidget(checkin)
        if self.window.isMinimized():
            self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        checkin.setFocus(Qt.FocusReason.OtherFocusReason)

    # Window state ---------------------------------------------------------------------------

    @staticmethod
    def _splitters(dashboard: Any) -> list[tuple[str, QSplitter]]:
        outer = getattr(dashboard, "splitter", None)
        if not isinstance(outer, QSplitter):
            return []
        found = [("dashboard_splitter", outer)]
        for i in range(outer.count()):
            inner = outer.widget(i)
            if isinstance(inner, QSplitter):
                found.append(("charts_splitter", inner))
                break
        return found

    def _save_splitters(self) -> None:
        from shiboken6 import isValid

        if self._dashboard is not None and isValid(self._dashboard):
            for name, splitter in self._splitters(self._dashboard):
                self.settings.set_state(name, splitter.saveState())

    def save_state(self) -> None:
        """Called when the window closes: its geometry (with maximised state) and the splitters."""
        self.settings.set_state("geometry", self.window.saveGeometry())
        self.settings.set_state("state", self.window.saveState())
        self._dashboard = getattr(self.window, "dashboard", None) or self._dashboard
        self._save_splitters()
        self.settings.sync()

    # Preferences dialog -----------------------------------------------------------------------

    def data_folder(self) -> Path | None:
        store = getattr(self.window, "store", None)
        return store.path.parent if store is not None else None

    def make_dialog(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.prefs, self.data_folder(), self.window)
        dialog.changed.connect(self.apply)  # live preview
        return dialog

    def open_preferences(self) -> None:
        dialog = self.make_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.accept(dialog)
        else:
            self.apply(self.prefs)

    def accept(self, dialog: PreferencesDialog) -> None:
        """Keep what the dialog shows, and move the records if a new folder was chosen."""
        self.prefs = dialog.preferences()
        self.settings.save_preferences(self.prefs)
        self.apply(self.prefs)
        folder = dialog.new_folder()
        if folder is not None:
            self.move_data_folder(folder)
        self.reminder.check()

    def move_data_folder(self, folder: Path) -> bool:
        window: Any = self.window
        if window.store is None:
            return False
        old = window.store.path.parent
        patient_id = window.patient.id if window.patient is not None else None
        before = window.store
        try:
            window.store = copy_records(window.store, folder, self.prefs.backups_kept)
        except MoveProblem as exc:
            window.store = exc.store
            if exc.store is not before and patient_id is not None:
                window.set_patient(patient_id)  # the views held the closed store
            QMessageBox.warning(window, "Move data folder", f"{exc}\n\nYour records stay in {old}.")
            return False
        self.prefs = replace(self.prefs, data_folder=str(folder))
        self.settings.save_preferences(self.prefs)
        if patient_id is not None:
            window.set_patient(patient_id)
        message = (
            f"Your records are now in {folder}. The old copy is still in {old}; delete it when you like."
        )
        window.statusBar().showMessage(message, 15000)
        QMessageBox.information(window, "Move data folder", message)
        return True
