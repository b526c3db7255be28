"""File → Export progress report…: period, sections, paper and file, then the PDF (and File → Print…)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from rehabtrack.report.content import PeriodError, ReportContent, build_content
from rehabtrack.report.pdf import default_paper, print_report, write_report
from rehabtrack.storage.store import Store
from rehabtrack.ui.widgets import Button, ComboBox, DateField, TextField, error_label

WHOLE = "Whole recovery"
PERIODS: dict[str, int | None] = {WHOLE: None, "Last 12 weeks": 12, "Last 6 months": 26, "Last year": 52}
CUSTOM = "Choose dates"
PAPERS = (("a4", "A4"), ("letter", "Letter"))


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def trim_sections(content: ReportContent, charts: bool, weekly: bool, events: bool) -> ReportContent:
    """The report without the optional sections left unticked (header, summary and goals always stay)."""
    return replace(
        content,
        charts=content.charts if charts else (),
        weekly_tables=content.weekly_tables if weekly else (),
        events=content.events if events else (),
        notes=content.notes if events else (),
    )


class ReportDialog(QDialog):
    def __init__(
        self,
        store: Store,
        patient_id: int,
        today: date,
        paper: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.patient_id, self.today = store, patient_id, today
        self.written: Path | None = None
        self.pages = 0
        self.setWindowTitle("Export progress report")
        name = store.patient(patient_id).display_name
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.period = ComboBox()
        self.period.addItems([*PERIODS, CUSTOM])
        self.start = DateField()
        self.end = DateField(today)
        self.start.setAccessibleName("From")
        self.end.setAccessibleName("To")
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(self.end)
        self.charts = QCheckBox("&Charts")
        self.weekly = QCheckBox("&Weekly data table")
        self.events = QCheckBox("&Events and notes")
        for box in (self.charts, self.weekly, self.events):
            box.setChecked(True)
        sections = QHBoxLayout()
        for box in (self.charts, self.weekly, self.events):
            sections.addWidget(box)
        self.paper = ComboBox()
        for key, label in PAPERS:
            self.paper.addItem(label, key)
        self.paper.setCurrentIndex(self.paper.findData(paper or default_paper()))
        self.file = TextField(str(Path.home() / f"{name} progress report {today.isoformat()}.pdf"))
        self.file.setAccessibleName("File")
        browse = Button("&Browse…")
        browse.setAutoDefault(False)  # Enter in the file name exports; it never opens Browse
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        self.open_after = QCheckBox("&Open the report when it is ready")
        self.open_after.setChecked(True)
        form.addRow("&Period:", self.period)
        form.addRow("From / to:", dates)
        form.addRow("Also include:", sections)
        form.addRow("P&aper:", self.paper)
        file_label = QLabel("&File:")  # a row of two widgets has no buddy of its own: name the field
        file_label.setBuddy(self.file)
        form.addRow(file_label, file_row)
        layout.addLayout(form)
        layout.addWidget(self.open_after)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("E&xport", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.export_button.setDefault(True)  # once in the dialog: Qt only then makes it the dialog's default
        self.period.currentTextChanged.connect(self._period_changed)
        self._period_changed(WHOLE)

    def _period_changed(self, name: str) -> None:
        custom = name == CUSTOM
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if custom:
            return
        weeks = PERIODS[name]
        first = min((e.week for e in self.store.entries(self.patient_id)), default=self.today)
        start = first if weeks is None else max(first, self.today - timedelta(weeks=weeks))
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(self.today))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the report as", self.file.text(), "PDF (*.pdf)")
        if path:
            self.file.setText(path)

    def period_dates(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def content(self) -> ReportContent:
        start, end = self.period_dates()
        content = build_content(self.store, self.patient_id, start, end, self.today)
        return trim_sections(
            content, self.charts.isChecked(), self.weekly.isChecked(), self.events.isChecked()
        )

    def accept(self) -> None:
        self.error.clear()
        path = Path(self.file.text().strip()).expanduser()
        if not self.file.text().strip() or path.suffix.lower() != ".pdf":
            self._fail("File must be a file name ending in .pdf.", self.file)
            return
        if not path.parent.is_dir():
            self._fail(f"File: the folder {path.parent} does not exist.", self.file)
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.setEnabled(False)  # nothing to press while it writes; the window still repaints
        self.export_button.setText("Writing the report…")
        QApplication.processEvents()

        def page_done(done: int, total: int) -> None:  # the window keeps repainting between pages
            self.export_button.setText(f"Writing page {done + 1 if done < total else total} of {total}…")
            QApplication.processEvents()

        failure: tuple[str, QWidget] | None = None
        try:
            self.pages = write_report(self.content(), path, str(self.paper.currentData()), page_done)
        except PeriodError as exc:
            failure = (f"Period: {exc}", self.period)
        except OSError as exc:
            failure = (f"File: the report could not be written ({exc.strerror or exc}).", self.file)
        finally:
            QApplication.restoreOverrideCursor()
            self.setEnabled(True)
            self.export_button.setText("E&xport")
        if failure is not None:
            self._fail(*failure)
            return
        self.written = path
        if self.open_after.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        super().accept()

    def _fail(self, message: str, field: QWidget) -> None:
        """Say what is wrong next to the buttons, and on ``field`` for a screen reader; focus it."""
        self.error.field = field
        self.error.setText(message)
        field.setFocus()


def print_progress_report(store: Store, patient_id: int, today: date, parent: QWidget | None = None) -> int:
    """File → Print…: the whole-recovery report through Qt's print dialog; returns pages printed."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return print_report(build_content(store, patient_id, None, today, today), printer)
    finally:
        QApplication.restoreOverrideCursor()
