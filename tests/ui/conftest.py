"""Fixtures for the UI tests: offscreen Qt and a fresh database file per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from rehabtrack.storage.store import Store, open_store  # noqa: E402


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _app_look_restored() -> Iterator[None]:
    """Text size and theme are set on the whole application: give every test the look it started with."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        yield
        return
    font, palette, style = app.font(), app.palette(), app.style().name()
    base = app.property("rehabtrackBaseFontPt")
    yield
    app.setFont(font)
    app.setPalette(palette)
    if app.style().name() != style:
        app.setStyle(style)
    app.setProperty("rehabtrackBaseFontPt", base)
