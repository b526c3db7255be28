"""Edit → Preferences…: the dialog, and moving the data folder it offers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.core.rom_norms import sources as rom_sources
from rehabtrack.ui.dialogs.preferences_server import ClinicServerPage
from rehabtrack.ui.settings import (
    BACKUPS_MAX,
    BACKUPS_MIN,
    FONT_SCALE_MAX,
    FONT_SCALE_MIN,
    PAPERS,
    WEEKDAYS,
    Preferences,
    Theme,
)
from rehabtrack.ui.widgets import Button, ComboBox, hint_label

if TYPE_CHECKING:
    from rehabtrack.storage.store import Store

ROM_NORM_TITLES = {
    "AAOS": "AAOS (American Academy of Orthopaedic Surgeons)",
    "VA": "VA rating schedule (38 CFR 4.71a)",
}
PAPER_TITLES = {"a4": "A4", "letter": "US Letter"}


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

    old_folder = store.data_dir
    if old_folder is None:
        raise MoveProblem("Your records are on a database server, not in a data folder.", store)
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
        general = QWidget()
        general.setLayout(form)
        self.server_page = ClinicServerPage(prefs.server, prefs.use_server)
        self.pages = QTabWidget()
        self.pages.addTab(general, "&General")
        self.pages.addTab(self.server_page, "Clinic ser&ver")
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
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

    def show_server_page(self) -> None:
        """Open on the Clinic server page, in its address field (the server could not be reached)."""
        self.pages.setCurrentWidget(self.server_page)
        self.server_page.address.setFocus(Qt.FocusReason.OtherFocusReason)

    def accept(self) -> None:
        """OK: a clinic server's address that cannot be used, or a password the keyring refuses, is
        said on its page and the dialog stays open."""
        if not self.server_page.keep():
            self.show_server_page()
            return
        super().accept()

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
            server=self._server(),
            use_server=self.server_page.use.isChecked(),
        )

    def _server(self) -> str:
        from rehabtrack.storage.errors import DatabaseProblem

        try:
            return self.server_page.server()
        except DatabaseProblem:  # accept() says why; until then the address kept is the one before
            return self.initial.server

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
