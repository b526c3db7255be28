"""``rehabtrack report``: check the arguments, then build and write the PDF without showing a window.

Every problem is found before anything is written, and its message names the option at fault.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rehabtrack.core.validation import InvalidInput
from rehabtrack.core.weeks import day_problem

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from rehabtrack.core.model import Patient
    from rehabtrack.storage.store import Store

PAPERS = ("a4", "letter")


class ReportArgumentError(ValueError):
    """A bad ``report`` argument; the message names the option (``--from``, ``--patient``…)."""


@dataclass(frozen=True)
class ReportRequest:
    out: Path
    patient: str | None
    start: date | None
    end: date | None
    paper: str | None


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ReportArgumentError(f"{option}: '{value}' is not a date; write it as YYYY-MM-DD.") from None
    problem = day_problem(option, "The date", day)
    if problem is not None:
        raise ReportArgumentError(f"{option}: {problem.message.rstrip('.')}.")
    return day


def check_request(
    out: str, patient: str | None, start: str | None, end: str | None, paper: str | None
) -> ReportRequest:
    """Everything that can be checked before the data is opened."""
    first = parse_day(start, "--from")
    last = parse_day(end, "--to")
    if first is not None and last is not None and last < first:
        raise ReportArgumentError(f"--to ({last.isoformat()}) is before --from ({first.isoformat()}).")
    if paper is not None and paper.lower() not in PAPERS:
        raise ReportArgumentError(f"--paper: '{paper}' is not a paper size; use a4 or letter.")
    path = Path(out).expanduser()
    if path.is_dir():
        raise ReportArgumentError(f"--out: {path} is a folder; give a file name such as report.pdf.")
    if not path.parent.is_dir():
        raise ReportArgumentError(f"--out: the folder {path.parent} does not exist.")
    return ReportRequest(path, patient, first, last, paper.lower() if paper else None)


def choose_patient(store: Store, name: str | None) -> Patient:
    patients = store.patients(include_archived=True)
    known = ", ".join(p.display_name for p in patients) or "none yet"
    if name is not None:
        try:
            found = store.patient_named(name)
        except InvalidInput as exc:
            raise ReportArgumentError(f"--patient: {exc.problems[0].message}.") from exc
        if found is None:
            raise ReportArgumentError(f"--patient: no patient named '{name}' (patients: {known}).")
        return found
    active = [p for p in patients if not p.archived]
    if len(active) == 1:
        return active[0]
    if not active:
        raise ReportArgumentError("--patient: there are no patients to report on yet.")
    raise ReportArgumentError(f"--patient: there are {len(active)} patients; name one ({known}).")


def gui_application() -> QCoreApplication:
    """The QApplication the charts need (they are widgets), offscreen when there is no display."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["rehabtrack"])


def run_report(store: Store, request: ReportRequest, today: date | None = None) -> tuple[Patient, int]:
    """Write the report described by ``request``; returns the patient and the page count."""
    from rehabtrack.report.content import PeriodError, build_content
    from rehabtrack.report.pdf import default_paper, write_report

    patient = choose_patient(store, request.patient)
    assert patient.id is not None
    today = today or date.today()
    if request.start is not None and request.end is None and request.start > today:
        raise ReportArgumentError(f"--from ({request.start.isoformat()}) is after today; give --to as well.")
    app = gui_application()
    try:
        content = build_content(store, patient.id, request.start, request.end, today)
    except PeriodError as exc:
        raise ReportArgumentError(f"--from/--to: {exc}.") from exc
    pages = write_report(content, request.out, request.paper or default_paper())
    del app
    return patient, pages
