"""CSV export → import round trip, and all-or-nothing import with a report of every bad row, on SQLite and
PostgreSQL alike (``place``: tests/storage/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from places import Place

from rehabtrack.storage.csv_io import CsvImportError, export_csv, import_csv


def _comparable(store, patient_id: int):  # type: ignore[no-untyped-def]
    names = {a.id: (a.name, a.discipline) for a in store.activities(patient_id, True)}
    return [
        (
            e.week,
            e.values,
            e.rom,
            sorted((names[r.activity_id], r.rating, r.minutes) for r in e.activities),
            e.notes,
        )
        for e in store.entries(patient_id)
    ]


def test_export_then_import_gives_back_the_same_weeks(demo, tmp_path: Path, place: Place) -> None:
    [patient] = demo.patients()
    out = tmp_path / "weeks.csv"
    assert export_csv(demo, out, [patient.id]) == len(demo.entries(patient.id))
    assert out.stat().st_mode & 0o777 == 0o600

    other = place.open("other")
    assert import_csv(other, out).weeks_added == len(demo.entries(patient.id))
    [imported] = other.patients()
    assert imported.display_name == patient.display_name
    assert _comparable(other, imported.id) == _comparable(demo, patient.id)


def test_bad_file_lists_every_bad_row_and_imports_nothing(tmp_path: Path, place: Place) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(
        "\ufeffweek,pain,rom:knee:right:flexion:active,activity:PT:Walk\r\n"
        "2025-03-03,4,90,5\r\n"
        "2025-03-10,12,95,5\r\n"
        "2025-03-17,3,400,5\r\n"
        "2025-03-24,3,100,eleven\r\n"
        "not-a-date,3,100,5\r\n",
        encoding="utf-8",
    )
    store = place.open()
    with pytest.raises(CsvImportError) as caught:
        import_csv(store, csv_file, patient="Ann")
    found = {(p.row, p.column, p.value) for p in caught.value.problems}
    assert found == {
        (3, "pain", "12"),
        (4, "rom:knee:right:flexion:active", "400"),
        (5, "activity:PT:Walk", "eleven"),
        (6, "week", "not-a-date"),
    }
    assert "Pain (weekly average) must be from 0 to 10" in str(caught.value)
    assert store.patients() == []


def test_unknown_columns_are_rejected_by_name(tmp_path: Path, place: Place) -> None:
    csv_file = tmp_path / "odd.csv"
    csv_file.write_text("week,pain,mood\n2025-03-03,4,good\n", encoding="utf-8")
    with pytest.raises(CsvImportError, match="'mood'.*unknown column"):
        import_csv(place.open(), csv_file, patient="Ann")


def test_column_order_and_blank_cells_do_not_matter(tmp_path: Path, place: Place) -> None:
    csv_file = tmp_path / "ok.csv"
    csv_file.write_text(
        "notes,pain,week,patient\nfine,,2025-03-03,Ann\n,2,2025-03-10,Ann\n", encoding="utf-8"
    )
    store = place.open()
    assert import_csv(store, csv_file).weeks_added == 2
    [ann] = store.patients()
    assert [(e.values, e.notes) for e in store.entries(ann.id)] == [({}, "fine"), ({"pain": 2}, "")]


def test_spreadsheet_formulas_are_neutralised_and_come_back_intact(tmp_path: Path, place: Place) -> None:
    from datetime import date

    from rehabtrack.core.model import Patient, WeeklyEntry

    store = place.open()
    ann = store.save_patient(Patient("Ann"))
    store.save_entry(ann.id, WeeklyEntry(date(2025, 3, 3), {"pain": 4}, notes='=HYPERLINK("x")'))
    out = tmp_path / "out.csv"
    export_csv(store, out, [ann.id])
    assert "'=HYPERLINK" in out.read_text()
    other = place.open("other")
    import_csv(other, out)
    assert other.entries(other.patients()[0].id)[0].notes == '=HYPERLINK("x")'


def test_a_huge_number_is_refused_with_a_message_not_a_crash(tmp_path: Path, place: Place) -> None:
    csv_file = tmp_path / "huge.csv"
    csv_file.write_text(
        "week,pain,minutes:PT:Walk,activity:PT:Walk\n2025-03-03,1e60,-5e300,4\n", encoding="utf-8"
    )
    store = place.open()
    with pytest.raises(CsvImportError) as caught:
        import_csv(store, csv_file, patient="Ann")
    message = str(caught.value)
    assert (
        "row 2, column 'pain', value '1e60': Pain (weekly average) must be from 0 to 10 (got 1e+60)"
        in message
    )
    assert "column 'minutes:PT:Walk', value '-5e300'" in message and "(got −5e+300 min)" in message
    assert store.patients() == []
