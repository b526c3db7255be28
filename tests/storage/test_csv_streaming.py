"""A large CSV file is read, checked and written a batch at a time, and the import stays all-or-nothing.

What a person notices: a long file with one bad row near its end writes nothing and says which row,
column and range; the import's memory does not grow with the file's length; and how the file is cut
into batches (or into chunks of bytes) changes nothing in what is stored or reported.
"""

from __future__ import annotations

import csv
import gc
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from rehabtrack.core.imports import History, OnConflict
from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.storage import csv_io
from rehabtrack.storage.backup import list_backups
from rehabtrack.storage.csv_io import CsvImportError, import_csv, read_csv
from rehabtrack.storage.store import Store, open_store

HEADER = [
    "patient",
    "week",
    "pain",
    "sleep_hours",
    "rom:knee:right:flexion:active",
    "activity:PT:Walk to the shop",
    "minutes:PT:Walk to the shop",
    "activity:OT:Cook",
    "notes",
]
FIRST = date(2001, 1, 1)  # a Monday


def week_rows(patients: list[str], weeks: int, first: date = FIRST) -> Iterator[list[str]]:
    """One row per patient and week, the patients' rows interleaved as a clinic's export may be."""
    for i in range(weeks):
        for n, name in enumerate(patients):
            yield [
                name,
                (first + timedelta(weeks=i)).isoformat(),
                str((i + n) % 11),
                f"{6 + (i % 5) / 2:g}",
                str(60 + (i * 7 + n) % 90),
                str(i % 11),
                str(10 + i % 50),
                str((i + 3) % 11),
                f"Woche {i}: Knie – gut ✓\nzweite Zeile" if i % 3 == 0 else "",
            ]


def write_csv(path: Path, rows: list[list[str]] | Iterator[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)  # \r\n line ends; notes with a line break are quoted
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def stored(store: Store) -> list[tuple[object, ...]]:
    """Every patient's weeks as they read back, activities by name and position."""
    found: list[tuple[object, ...]] = []
    for patient in store.patients(include_archived=True):
        assert patient.id is not None
        activities = {a.id: (a.name, a.discipline) for a in store.activities(patient.id, True)}
        found.append(
            (patient.display_name, [(a.name, a.discipline) for a in store.activities(patient.id, True)])
        )
        for e in store.entries(patient.id):
            ratings = sorted((activities[r.activity_id], r.rating, r.minutes) for r in e.activities)
            found.append((patient.display_name, e.week, e.values, e.rom, ratings, e.notes))
    return found


def ann_with_two_weeks(data: Path) -> Store:
    """A database holding Ann with two weeks that a file may also bring (one of them differently)."""
    store = open_store(data)
    ann = store.save_patient(Patient("Ann"))
    assert ann.id is not None
    store.save_entry(ann.id, WeeklyEntry(FIRST, {"pain": 0.0}, notes="kept"))
    store.save_entry(ann.id, WeeklyEntry(FIRST + timedelta(weeks=3), {"pain": 9.0, "sleep_hours": 4.0}))
    return store


def test_a_bad_row_near_the_end_of_a_long_file_writes_nothing_and_names_it(tmp_path: Path) -> None:
    store = ann_with_two_weeks(tmp_path / "data")
    before = stored(store)
    backups_before = list_backups(tmp_path / "data")
    rows = list(week_rows(["Ann", "Bob", "Cy"], 1000))  # 3000 rows: thirty batches of 100
    rows[-5][2] = "15"  # pain, five rows from the end
    rows[-2][4] = "400"  # and a knee flexion of 400°
    csv_file = write_csv(tmp_path / "long.csv", rows)

    with pytest.raises(CsvImportError) as caught:
        import_csv(store, csv_file, batch_rows=100)

    problems = [(p.row, p.column, p.value) for p in caught.value.problems]
    assert problems == [(2997, "pain", "15"), (3000, "rom:knee:right:flexion:active", "400")]
    message = str(caught.value)
    assert message.startswith(f"Nothing was imported: 2 problem(s) in {csv_file}")
    assert (
        "row 2997, column 'pain', value '15': Pain (weekly average) must be from 0 to 10 (got 15)" in message
    )
    assert "row 3000" in message and "must be from 0 to 160" in message
    assert stored(store) == before  # Bob and Cy are not there, Ann's weeks are as they were
    assert list_backups(tmp_path / "data") == backups_before  # nothing changed, so nothing backed up


def test_the_file_is_handed_on_a_batch_at_a_time_before_its_end_is_read(tmp_path: Path) -> None:
    """The first batch of weeks reaches the store while the rest of the file is still unread: a bad
    last row is found only later (and then fails the whole import)."""
    rows = list(week_rows(["Ann", "Bob"], 250))  # 500 rows
    rows[-1][1] = "not a date"
    batches = read_csv(write_csv(tmp_path / "weeks.csv", rows), batch_rows=60)

    first = [next(batches), next(batches)]  # a batch of 60 rows: 30 weeks of each patient
    assert [(h.patient.display_name, len(h.entries)) for h in first] == [("Ann", 30), ("Bob", 30)]
    seen: list[History] = []
    with pytest.raises(CsvImportError, match="row 501, column 'week', value 'not a date'"):
        for history in batches:
            seen.append(history)
    assert seen and all(len(h.entries) <= 30 for h in seen)


def _long_file(tmp_path: Path, name: str, weeks: int) -> Path:
    rows = week_rows(["Ann", "Bob", "Cy"], weeks, first=date(1960, 1, 4))  # a Monday: 2000 weeks fit
    return write_csv(tmp_path / f"{name}.csv", rows)


def _traced(run: Callable[[], object]) -> tuple[int, int]:
    """(memory Python holds after ``run``, its peak during ``run``)."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = run()
        held, peak = tracemalloc.get_traced_memory()
        del kept
    finally:
        tracemalloc.stop()
    return held, peak


def test_memory_does_not_grow_with_the_length_of_the_file(tmp_path: Path) -> None:
    short, long = _long_file(tmp_path, "short", 200), _long_file(tmp_path, "long", 2000)  # 600, 6000 rows
    peaks = []
    for name, csv_file in (("warm-up", short), ("short", short), ("long", long)):
        store = open_store(tmp_path / name)
        _, peak = _traced(lambda f=csv_file, s=store: import_csv(s, f, batch_rows=200))
        assert len(store.entries(store.patients()[0].id or 0)) == (2000 if csv_file == long else 200)
        store.close()
        peaks.append(peak)
    # What the 5400 more weeks would take if they were all held at once (as the file's weeks were once):
    held_short, _ = _traced(lambda: list(read_csv(short, batch_rows=10**9)))
    held_long, _ = _traced(lambda: list(read_csv(long, batch_rows=10**9)))
    # Read in batches, the import's peak grows by far less: by the weeks seen (a number each, to refuse
    # a week given twice), not by the weeks themselves.
    assert peaks[2] - peaks[1] < (held_long - held_short) / 2, (peaks, held_short, held_long)


@pytest.mark.parametrize("on_conflict", [OnConflict.KEEP, OnConflict.REPLACE])
def test_cutting_the_file_into_batches_changes_nothing_stored_or_reported(
    tmp_path: Path, on_conflict: OnConflict
) -> None:
    """Weeks of one patient in many batches add up to one outcome; stored weeks are merged and their
    conflicts reported the same way whatever the batch size."""
    csv_file = write_csv(tmp_path / "weeks.csv", week_rows(["Ann", "Bob"], 40))
    results = []
    for batch_rows in (7, 100_000):
        store = ann_with_two_weeks(tmp_path / f"data-{batch_rows}")
        report = import_csv(store, csv_file, on_conflict=on_conflict, batch_rows=batch_rows)
        results.append((report.summary(), [p.added for p in report.patients], stored(store)))
        store.close()
    assert results[0] == results[1]
    summary = "\n".join(results[0][0])
    # Ann's first week: sleep added, notes differ; her fourth: notes added, pain and sleep differ.
    assert "Ann: 38 weeks added, 2 weeks updated, 2 activities added, 3 in conflict" in summary
    assert "Bob (new patient): 40 weeks added, 2 activities added." in summary
    assert "week of 2001-01-22, Pain (weekly average): stored 9, in the file 3" in summary


def test_text_cut_into_tiny_chunks_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Characters of several bytes, \\r\\n line ends and line breaks inside notes may fall across the
    chunks the file is read in; a byte that is not UTF-8 is still named by its row."""
    csv_file = write_csv(tmp_path / "weeks.csv", week_rows(["Zoë", "Łukasz"], 12))
    whole = open_store(tmp_path / "whole")
    import_csv(whole, csv_file)
    with_mark = tmp_path / "with-mark.csv"  # as a spreadsheet saves "CSV UTF-8"
    with_mark.write_bytes(b"\xef\xbb\xbf" + csv_file.read_bytes())
    for chunk in (1, 2, 3, 5):
        monkeypatch.setattr(csv_io, "CHUNK_BYTES", chunk)
        for name, path in (("plain", csv_file), ("mark", with_mark)):
            store = open_store(tmp_path / f"{name}-in-chunks-of-{chunk}")
            import_csv(store, path, batch_rows=5)
            assert stored(store) == stored(whole)
            store.close()
        utf16 = tmp_path / "utf16.csv"
        utf16.write_text("week,pain\n2025-03-03,4\n", encoding="utf-16")
        with pytest.raises(CsvImportError, match="is UTF-16 text"):
            import_csv(whole, utf16, patient="Ann")

    one_line = write_csv(tmp_path / "one-line.csv", ([*r[:-1], ""] for r in week_rows(["Zoë", "Ann"], 12)))
    lines = one_line.read_bytes().split(b"\r\n")
    assert lines[9].startswith("Zoë,".encode())
    lines[9] = lines[9].replace("ë".encode(), b"\xeb")  # Latin-1, as a spreadsheet may save it
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"\r\n".join(lines))
    for chunk in (1, 4, 4096):
        monkeypatch.setattr(csv_io, "CHUNK_BYTES", chunk)
        with pytest.raises(CsvImportError, match=r"row 10: byte 0xEB is not UTF-8"):
            import_csv(whole, bad)
