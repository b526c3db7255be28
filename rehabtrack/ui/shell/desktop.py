"""The preferences of a desktop program for one main window: applied at start and live, the
Preferences dialog, and keeping what the user chose.

``DesktopBehaviour`` is given the window it styles, the settings, the Edit menu that gets the
Preferences item and how to ask for the data folder. It touches nothing else of the window: it emits
``applied`` for what the window shows (the charts' theme), ``saved`` after OK, and
``data_folder_chosen`` when the records should move (the window owns them and moves them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from rehabtrack.ui.dialogs.preferences import PreferencesDialog
from rehabtrack.ui.kept_state import keep_state
from rehabtrack.ui.settings import Preferences, Settings
from rehabtrack.ui.theme import app_icon, apply_app_theme
from rehabtrack.ui.widgets import apply_app_font_scale, apply_font_scale


class DesktopBehaviour(QObject):
    """Preferences for one main window (see the module docstring)."""

    applied = Signal(object)  # Preferences: applied now (also while the dialog previews them)
    saved = Signal(object)  # Preferences: kept after OK
    data_folder_chosen = Signal(object)  # Path: the records should move there

    def __init__(
        self,
        window: QWidget,
        settings: Settings,
        edit_menu: QMenu,
        data_folder: Callable[[], Path | None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.prefs = settings.preferences()
        self.data_folder = data_folder
        window.setWindowIcon(app_icon())

        edit_menu.addSeparator()
        action = edit_menu.addAction("&Preferences…")
        action.setShortcut(QKeySequence("Ctrl+,"))
        action.setMenuRole(action.MenuRole.PreferencesRole)
        action.triggered.connect(self.open_preferences)
        self.preferences_action = action
        self.apply(self.prefs)

    def apply(self, prefs: Preferences) -> None:
        """Font scale and palette now; ``applied`` tells the window for the rest (chart theme)."""
        apply_app_font_scale(prefs.font_scale)  # dialogs and message boxes opened later
        apply_font_scale(self.window, prefs.font_scale)
        apply_app_theme(prefs.theme)
        self.applied.emit(prefs)

    # Preferences dialog -----------------------------------------------------------------------

    def make_dialog(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.prefs, self.data_folder(), self.window)
        keep_state(dialog, self.settings, "preferences_dialog")  # opens at the size it was left
        dialog.changed.connect(self.apply)  # live preview
        return dialog

    def open_preferences(self, server: bool = False) -> None:
        """Edit → Preferences… (``server``: on its Clinic server page)."""
        dialog = self.make_dialog()
        if server:
            dialog.show_server_page()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.accept(dialog)
        else:
            self.apply(self.prefs)
        dialog.deleteLater()  # its combo boxes' pop-ups are windows of their own

    def accept(self, dialog: PreferencesDialog) -> None:
        """Keep what the dialog shows, and ask for the records to move if a new folder was chosen."""
        self.prefs = dialog.preferences()
        self.settings.save_preferences(self.prefs)
        self.apply(self.prefs)
        folder = dialog.new_folder()
        if folder is not None:
            self.data_folder_chosen.emit(folder)
        self.saved.emit(self.prefs)

    def data_folder_moved(self, folder: Path) -> None:
        """The records now live in ``folder``: the next start opens them there."""
        self.prefs = replace(self.prefs, data_folder=str(folder))
        self.settings.save_preferences(self.prefs)
