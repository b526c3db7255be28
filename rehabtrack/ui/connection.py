"""What the window asks when the database refuses: a save that failed (the server went away, the disk is
full) offers Retry and keeps what was typed; a clinic server that cannot be reached at start-up offers
Retry and the Clinic server preferences. The message itself comes from storage (plain words, no
traceback); these only choose the buttons.

Anything else that reads or writes while the connection is gone (a tab refreshing, a dialog's save) raises
the same DatabaseProblem out of a Qt slot: ``say_database_problems`` shows it as a message instead of the
traceback Python would print, and leaves every other exception to the hook it found."""

from __future__ import annotations

import sys
from enum import Enum
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from rehabtrack.storage.errors import ConnectionProblem, DatabaseProblem

SAVE_TITLE = "Not saved"
OPEN_TITLE = "Cannot reach the clinic server"


class StartChoice(Enum):
    RETRY = "retry"
    PREFERENCES = "preferences"
    GIVE_UP = "give up"


def retry_save(parent: QWidget, problem: DatabaseProblem, what: str) -> bool:
    """Say why ``what`` ("the week of 3 Mar 2025") was not saved; True if the user chose Retry."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(SAVE_TITLE)
    box.setText(f"{what[:1].upper()}{what[1:]} was not saved. What you entered is still here.")
    box.setInformativeText(str(problem))
    retry = box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Not now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.exec()
    return box.clickedButton() is retry


def start_choice(parent: QWidget, problem: ConnectionProblem) -> StartChoice:
    """The clinic server cannot be reached at start-up: Retry, Clinic server preferences, or stop."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(OPEN_TITLE)
    box.setText(str(problem))
    retry = box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole)
    prefs = box.addButton("Clinic server &settings…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("&Close", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(prefs if problem.kind in ("password", "certificate") else retry)
    box.exec()
    if box.clickedButton() is retry:
        return StartChoice.RETRY
    if box.clickedButton() is prefs:
        return StartChoice.PREFERENCES
    return StartChoice.GIVE_UP


def say_database_problems(window: QWidget) -> None:
    """From now on a DatabaseProblem nobody caught is a message over ``window``, not a traceback."""
    before = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        if not isinstance(value, DatabaseProblem):
            before(kind, value, trace)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "RehabTrack", str(value), parent=window)
        box.exec()

    sys.excepthook = hook
