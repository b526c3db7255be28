"""Writing a long report says how far it is after every page, so the window can show it and repaint."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader

from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import Store


def test_progress_is_reported_after_each_page(qapp, demo_store: Store, today: date, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    [patient] = demo_store.patients()
    assert patient.id is not None
    calls: list[tuple[int, int]] = []
    out = tmp_path / "report.pdf"
    pages = write_report(
        build_content(demo_store, patient.id, None, today, today),
        out,
        "a4",
        lambda d, t: calls.append((d, t)),
    )
    assert pages == len(PdfReader(out).pages) > 1
    assert calls == [(n, pages) for n in range(1, pages + 1)]
