"""The PDF's questionnaire section: each instrument's scores and "meaningful change: yes/no" as core says."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import overall_changes, score_text
from rehabtrack.core.measures import classify, instrument
from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.weeks import week_start
from rehabtrack.report.content import build_content, format_day
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.store import Store


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages))


def test_demo_report_has_each_instruments_scores_and_meaningful_change(
    demo_data: tuple[Store, Patient], today: date, tmp_path: Path, qapp: Any
) -> None:
    store, patient = demo_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    results = store.measures(patient.id)
    expected = {c.key: c for c in overall_changes(results)}
    rows = {r.key: r for r in content.measures}
    assert set(expected) <= set(rows) and "PSFS" in rows
    for key, overall in expected.items():
        assert overall.change is not None
        first, latest = overall.first.value(key), overall.latest.value(key)
        assert first is not None and latest is not None
        verdict = classify(key, first, latest)  # computed here, independently of the report
        marked = " (clinic convention)" if verdict.meaningful and key == "GAS" else ""  # GAS 10: a convention
        assert rows[key].meaningful == f"meaningful change: {'yes' if verdict.meaningful else 'no'}{marked}"
    assert rows["COPM_performance"].meaningful.endswith("yes")
    assert rows["COPM_satisfaction"].meaningful.endswith("no")
    assert rows["QuickDASH"].judgement == "improved"  # a fall, and higher is worse

    pdf = tmp_path / "report.pdf"
    write_report(content, pdf)
    text = _text(pdf)
    assert "Questionnaire scores" in text
    for key, overall in expected.items():
        name = instrument(key).name
        assert name in text
        for r in results:
            value = r.value(key)
            if r.instrument == overall.first.instrument and value is not None:
                assert f"{format_day(r.taken)}: {score_text(key, value)}" in text, (key, r.taken)
    yes = sum(1 for c in expected.values() if c.change and c.change.meaningful) + rows[
        "PSFS"
    ].meaningful.endswith("yes")
    no = sum(1 for c in expected.values() if c.change and not c.change.meaningful) + rows[
        "PSFS"
    ].meaningful.endswith("no")
    assert text.count("meaningful change: yes") == yes
    assert text.count("meaningful change: no") == no
    assert "Recurrence watch" not in text  # Margaret is not in a maintenance phase


def test_recurrence_line_in_the_pdf_when_the_watch_triggers(
    store_dir_patient: tuple[Store, int], today: date, tmp_path: Path, qapp: Any
) -> None:
    store, pid = store_dir_patient
    monday = week_start(today) - timedelta(weeks=5)
    for i, pain in enumerate([2, 2, 2, 2, 5, 6]):
        store.save_entry(pid, WeeklyEntry(monday + timedelta(weeks=i), {"pain": pain}))
    store.save_maintenance(pid, MaintenancePlan(monday, 2, monday + timedelta(weeks=4)))
    content = build_content(store, pid, today=today)
    assert len(content.recurrence) == 1
    pdf = tmp_path / "recurrence.pdf"
    write_report(content, pdf)
    text = _text(pdf)
    assert "Recurrence watch" in text and "Maintenance phase since" in text
    assert "Your pain has been higher than at discharge for two check-ins in a row" in text
    assert "contacting your therapist" in text
