"""At 100 % and 200 % text: nothing clipped or overlapping, every input named; screenshots to look at."""

from __future__ import annotations

import itertools
import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Activity, Discipline, Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.storage.store import Store
from rehabtrack.ui.views.checkin import CheckInForm
from rehabtrack.ui.widgets import HIT_TARGET, apply_font_scale, high_contrast_palette

SHOTS = Path("/tmp/rehabtrack-shots")
INPUT_TYPES = (QLineEdit, QComboBox, QAbstractButton, QPlainTextEdit, QDateEdit)


def make_form(qtbot: QtBot, store: Store, percent: int) -> CheckInForm:
    patient = store.save_patient(Patient("Carl", "Knee replacement", "right"))
    assert patient.id is not None
    for name, discipline in (
        ("Walk 30 minutes", Discipline.PT),
        ("Climb a flight of stairs", Discipline.PT),
        ("Put on socks and shoes", Discipline.OT),
    ):
        store.save_activity(patient.id, Activity(name, discipline))
    knee = (RomReading("knee", Side.RIGHT, "flexion", 92), RomReading("knee", Side.RIGHT, "extension", -5))
    store.save_entry(patient.id, WeeklyEntry(date(2025, 2, 10), {"pain": 5, "stiffness_minutes": 30}, knee))
    form = CheckInForm(store, patient.id, QUndoStack(), today=date(2025, 3, 5))
    qtbot.addWidget(form)
    apply_font_scale(form, percent)
    form.resize(1280, 900)
    form.show()
    qtbot.waitExposed(form)
    form.copy_last_week()
    form.add_movement()
    form._fields["sleep_quality"].widget.setProperty("text", "12")  # one visible problem
    form._validate_live()
    qtbot.wait(10)
    return form


def inputs(form: CheckInForm) -> list[QWidget]:
    found = [w for w in form.findChildren(QWidget) if isinstance(w, INPUT_TYPES) and w.isVisibleTo(form)]
    inner = [w for w in found if isinstance(w.parent(), INPUT_TYPES)]  # e.g. the line edit of a date edit
    return [w for w in found if w not in inner and w.objectName() != "qt_scrollarea_viewport"]


def region(form: CheckInForm, widget: QWidget) -> QWidget:
    return form.body if form.body.isAncestorOf(widget) else form


def rect_in(form: CheckInForm, widget: QWidget) -> QRect:
    top = region(form, widget)
    return QRect(widget.mapTo(top, widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("percent", [100, 200])
def test_nothing_clipped_or_overlapping(qtbot: QtBot, store: Store, tmp_path: Path, percent: int) -> None:
    form = make_form(qtbot, store, percent)
    widgets = inputs(form)
    assert len(widgets) > 30
    for w in widgets:
        name = w.accessibleName() or type(w).__name__
        assert w.accessibleName(), f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} has no name"
        if not isinstance(w, QAbstractButton):
            assert w.accessibleDescription(), f"{name} has no description"
        hint = w.sizeHint()
        assert w.height() >= hint.height(), f"{name}: {w.height()} tall, needs {hint.height()}"
        assert w.height() >= HIT_TARGET * w.fontMetrics().height() - 1, f"{name} is a small target"
        text = w.text() if isinstance(w, QLineEdit | QAbstractButton) else ""
        if isinstance(w, QComboBox):
            text = w.currentText()
        if text:
            assert w.fontMetrics().horizontalAdvance(text) < w.width(), f"{name}: {text!r} does not fit"
    for a, b in itertools.combinations(widgets, 2):
        if region(form, a) is region(form, b):
            assert not rect_in(form, a).intersects(rect_in(form, b)), (
                f"{a.accessibleName()} overlaps {b.accessibleName()}"
            )
    assert form.scroll_area.horizontalScrollBar().maximum() == 0, "no sideways scrolling"

    shot = tmp_path / f"checkin-{percent}.png"
    assert form.grab().save(str(shot))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SHOTS / shot.name)


def test_high_contrast_palette_and_scaled_errors(qtbot: QtBot, store: Store) -> None:
    form = make_form(qtbot, store, 175)
    form.setPalette(high_contrast_palette())
    error = form._fields["sleep_quality"].error
    assert error.isVisibleTo(form)
    assert error.font().pointSizeF() == pytest.approx(form.font().pointSizeF())
    assert error.palette().color(error.foregroundRole()).lightness() > 128  # light red on black
