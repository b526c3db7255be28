"""The PDF's summary of change rounds the unrounded change half up, as the app does."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rehabtrack.core.model import WeeklyEntry
from rehabtrack.core.weeks import week_start
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import Store


def test_the_change_column_rounds_halves_up_like_every_other_number(
    store_dir_patient: tuple[Store, int], tmp_path: Path, today: date, qapp: Any
) -> None:
    store, pid = store_dir_patient
    first = week_start(today) - timedelta(weeks=7)
    pain = [5, 5, 5, 4, 3, 2, 3, 2]  # means 4.75 and 2.5: a change of −2.25
    sleep = [6.2, 6.2, 6.2, 6.2, 8.3, 8.4, 8.3, 8.4]  # means 6.2 and 8.35: +2.15 (2.1499999999999995)
    store.save_entries(
        pid,
        [
            WeeklyEntry(first + timedelta(weeks=i), {"pain": p, "sleep_hours": s})
            for i, (p, s) in enumerate(zip(pain, sleep, strict=True))
        ],
    )
    pdf = tmp_path / "report.pdf"
    write_report(build_content(store, pid, today=today), pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert re.search(r"(?m)^\s*Pain \(weekly average\)\s+4\.8\s+2\.5\s+\u22122\.3 points", text.stdout)
    assert re.search(r"(?m)^\s*Sleep \(h a night\)\s+6\.2\s+8\.4\s+\+2\.2 hours", text.stdout)
