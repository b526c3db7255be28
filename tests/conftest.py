"""Shared fixtures. Every test runs headless and gets a fresh SQLite file in its tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# A fixed "today" so the demo patient's weeks, and every date in a screenshot, are repeatable.
TODAY = date(2026, 11, 24)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def demo_store(data_dir: Path):  # type: ignore[no-untyped-def]
    from rehabtrack.storage.demo import seed_demo
    from rehabtrack.storage.store import open_store

    store = open_store(data_dir)
    seed_demo(store, TODAY)
    yield store
    store.close()
