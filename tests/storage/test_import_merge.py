"""Imports add what is new and never erase: a blank or absent value is not in the file, a differing value is
a conflict that is listed and kept unless the user takes the file's, and a backup is made first. On SQLite and
PostgreSQL alike (``place``: tests/storage/conftest.py), except the backups, which are the SQLite file's."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from places import Place

from rehabtrack.core.imports import OnConflict
from rehabtrack.core.maintenance import MaintenancePlan, recurrence_alerts
from rehabtrack.core.model import Direction, Discipline, Goal, Patient, WeeklyEntry
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.backup import list_backups
from rehabtrack.storage.bundle import BundleError, export_bundle, import_bundle
from rehabtrack.storage.csv_io import CsvImportError, import_csv
from rehabtrack.storage.store import Store, open_store


def _everything(store: Store) -> list[object]:
    """Every patient with every week, as stored."""
    return [
        (p.display_name, store.entries(p.id), store.activities(p.id, True))  # type: ignore[arg-type]
        for p in store.patients(True)
    ]


def test_a_csv_with_only_pain_leaves_every_other_stored_value_and_lists_the_conflicts(
    demo_store: Store, data_dir: Path, tmp_path: Path
) -> None:
    [patient] = demo_store.patients()
    assert patient.id is not None
    weeks = demo_store.entries(patient.id)
    full = [e for e in weeks if e.rom and e.activities and "sleep_hours" in e.values and "pain" in e.values]
    assert len(full) >= 2
    a, b = full[-2], full[-1]
    new_week = weeks[-1].week + timedelta(weeks=1)
    csv_file = tmp_path / "pain.csv"
    csv_file.write_text(
        "week,pain\n"
        f"{a.week},{a.values['pain']:g}\n"  # the same value: nothing to do
        f"{b.week},{(b.values['pain'] + 1) % 11:g}\n"  # a different one: a conflict
        f"{new_week},3\n",  # a week not stored yet: added
        encoding="utf-8",
    )
    report = import_csv(demo_store, csv_file, "margaret demo")  # the name as anyone might type it
    assert [p.display_name for p in demo_store.patients(True)] == ["Margaret Demo"]
    after = demo_store.entries(patient.id)
    assert after[:-1] == weeks  # every stored week exactly as it was: sleep, notes, ROM, ratings
    assert (after[-1].week, after[-1].values) == (new_week, {"pain": 3})
    [conflict] = report.conflicts
    assert (conflict.where, conflict.what) == (f"week of {b.week}", "Pain (weekly average)")
    assert (conflict.stored, conflict.imported) == (
        f"{b.values['pain']:g}",
        f"{(b.values['pain'] + 1) % 11:g}",
    )
    assert (report.weeks_added, report.patients[0].weeks_same) == (1, 2)
    assert report.backup is not None and report.backup in list_backups(data_dir)
    with closing(sqlite3.connect(report.backup)) as backup:  # the records as they were before the import
        [(count,)] = backup.execute("SELECT count(*) FROM weekly_entry WHERE patient_id = ?", (patient.id,))
    assert count == len(weeks)

    taken = import_csv(demo_store, csv_file, "Margaret Demo", OnConflict.REPLACE)
    assert len(taken.conflicts) == 1
    replaced = demo_store.entry(patient.id, b.week)
    assert replaced == replace(b, values={**b.values, "pain": (b.values["pain"] + 1) % 11})
    assert demo_store.entries(patient.id)[:-2] == weeks[:-1]


def test_an_import_that_brings_nothing_new_writes_nothing_and_makes_no_backup(
    demo_store: Store, data_dir: Path, tmp_path: Path
) -> None:
    [patient] = demo_store.patients()
    out = tmp_path / "same.rtbundle"
    export_bundle(demo_store, patient.id, out)  # type: ignore[arg-type]
    backups = list_backups(data_dir)
    report = import_bundle(demo_store, out)
    assert not report.changed and report.conflicts == [] and report.backup is None
    assert list_backups(data_dir) == backups


def test_a_dry_run_says_what_would_happen_and_writes_nothing(demo: Store, tmp_path: Path) -> None:
    demo_store = demo
    before = _everything(demo_store)
    csv_file = tmp_path / "new.csv"
    csv_file.write_text("patient,week,pain\nZoe New,2026-11-16,4\n", encoding="utf-8")
    report = import_csv(demo_store, csv_file, dry_run=True)
    assert report.changed and report.patients[0].new and report.backup is None
    assert _everything(demo_store) == before


def _recurring(store: Store) -> int:
    """A discharged patient in maintenance whose pain came back two check-ins in a row."""
    patient = store.save_patient(Patient("Joe Example"))
    assert patient.id is not None
    start = date(2026, 6, 1)
    store.save_entries(patient.id, [WeeklyEntry(start + timedelta(weeks=i), {"pain": 2}) for i in range(6)])
    return patient.id


def test_an_older_bundle_keeps_a_note_added_since_the_plan_and_the_recurrence_warning(
    place: Place, tmp_path: Path
) -> None:
    store = place.open()
    pid = _recurring(store)
    old = tmp_path / "older.rtbundle"
    export_bundle(store, pid, old)  # before discharge: the plan in it is all null

    since = date(2026, 7, 13)
    store.save_maintenance(pid, MaintenancePlan(date(2026, 7, 10), 2, since))
    store.save_entries(pid, [WeeklyEntry(since + timedelta(weeks=2 * i), {"pain": 6}) for i in (1, 2)])
    noted = store.entries(pid)[2]
    store.save_entry(pid, replace(noted, notes="Knee swelled after the long walk"))
    plan = store.maintenance(pid)
    alerts = recurrence_alerts(plan, store.entries(pid), store.activities(pid))
    assert alerts
    before = store.entries(pid)

    report = import_bundle(store, old)
    assert report.conflicts == [] and not report.changed
    assert store.maintenance(pid) == plan
    assert store.entries(pid) == before
    assert store.entry(pid, noted.week).notes == "Knee swelled after the long walk"  # type: ignore[union-attr]
    assert recurrence_alerts(store.maintenance(pid), store.entries(pid), store.activities(pid)) == alerts
    store.close()


def test_a_bundle_with_only_pain_for_a_stored_week_keeps_its_sleep_and_notes(
    place: Place, tmp_path: Path
) -> None:
    store = place.open()
    pid = _recurring(store)
    week = store.entries(pid)[0].week
    store.save_entry(pid, WeeklyEntry(week, {"pain": 2, "sleep_hours": 7}, notes="slept well"))
    out = tmp_path / "p.rtbundle"
    export_bundle(store, pid, out)
    data = json.loads(out.read_text())
    data["entries"][0] = {"week": week.isoformat(), "values": {"pain": 2}}  # no notes key at all
    data["entries"][1] = {"week": data["entries"][1]["week"], "values": {"pain": 2}, "notes": None}
    out.write_text(json.dumps(data))
    report = import_bundle(store, out)
    assert report.conflicts == [] and not report.changed
    first, second = store.entries(pid)[:2]
    assert (first.values, first.notes) == ({"pain": 2, "sleep_hours": 7}, "slept well")
    assert second.notes == ""  # never the text "None"

    other = place.open("other")  # into a new database the missing note is no note either
    pid2 = import_bundle(other, out).patient_id
    assert [e.notes for e in other.entries(pid2)][:2] == ["", ""]
    other.close()
    store.close()


def test_values_that_only_together_are_wrong_import_nothing(place: Place, tmp_path: Path) -> None:
    store = place.open()
    ann = store.save_patient(Patient("Ann"))
    assert ann.id is not None
    store.save_entry(ann.id, WeeklyEntry(date(2026, 11, 16), {"exercise_days_prescribed": 3}))
    csv_file = tmp_path / "done.csv"
    csv_file.write_text("week,exercise_days_done\n2026-11-16,5\n", encoding="utf-8")
    before = store.entries(ann.id)
    with pytest.raises(CsvImportError, match="cannot be more than days prescribed"):
        import_csv(store, csv_file, "Ann")
    assert store.entries(ann.id) == before
    store.close()


def test_csv_rows_of_one_patient_match_however_the_name_is_written(place: Place, tmp_path: Path) -> None:
    store = place.open()
    store.save_patient(Patient("Ann Example"))
    csv_file = tmp_path / "names.csv"
    csv_file.write_text(
        "patient,week,pain\nann example,2026-11-09,4\n  ANN EXAMPLE ,2026-11-16,3\n", encoding="utf-8"
    )
    report = import_csv(store, csv_file)
    assert [p.display_name for p in store.patients(True)] == ["Ann Example"]
    assert [(p.name, p.new, p.weeks_added) for p in report.patients] == [("Ann Example", False, 2)]
    store.close()


@pytest.mark.parametrize("week", ["0001-01-01", "1899-12-25", f"{date.today().year + 2}-01-04"])
def test_weeks_outside_1900_to_next_year_are_refused(place: Place, tmp_path: Path, week: str) -> None:
    store = place.open()
    csv_file = tmp_path / "old.csv"
    csv_file.write_text(f"week,pain\n{week},4\n", encoding="utf-8")
    last = f"{date.today().year + 1}-12-31"
    with pytest.raises(CsvImportError, match=f"row 2, column 'week'.*from 1900-01-01 to {last}"):
        import_csv(store, csv_file, "Ann")
    assert store.patients(True) == []
    bo = store.save_patient(Patient("Bo"))
    assert bo.id is not None
    with pytest.raises(InvalidInput, match=f"from 1900-01-01 to {last}"):  # the check-in keeps the same rule
        store.save_entry(bo.id, WeeklyEntry(date.fromisoformat(week)))
    store.close()


def _bundle_of_one_week(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "source")
    pid = _recurring(store)
    out = tmp_path / "p.rtbundle"
    export_bundle(store, pid, out)
    store.close()
    data = json.loads(out.read_text())
    change(data)
    out.write_text(json.dumps(data))
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["entries"][0].update(week="0001-01-01"), r"entries\[1\]\.week: must be from 1900-01-01"),
        (
            lambda d: d["events"].append({"day": "1066-10-14", "kind": "other", "text": "x"}),
            r"events\[1\]\.day",
        ),
        (lambda d: d["patient"].update(archived="false"), r"patient\.archived: must be true or false"),
        (lambda d: d.update(version="2"), r"version: must be a whole number from 1 to 3.*\(got \"2\"\)"),
        (
            lambda d: d["entries"][0]["values"].update(pain=10**400),
            r"entries\[1\]\.values\.pain: must be a number",
        ),
        (lambda d: d["patient"].update(display_name="x" * 121), r"Name must be at most 120 characters"),
    ],
    ids=["week 0001", "event 1066", "archived string", "version string", "10**400", "long name"],
)
def test_a_bundle_that_breaks_a_rule_imports_nothing(
    place: Place, tmp_path: Path, change, message: str
) -> None:  # type: ignore[no-untyped-def]
    out = _bundle_of_one_week(tmp_path, change)
    store = place.open()
    with pytest.raises(BundleError, match=message) as caught:
        import_bundle(store, out)
    assert "\n" not in str(caught.value)
    assert store.patients(True) == []
    store.close()


def test_nulls_in_a_bundle_are_not_in_the_file(place: Place, tmp_path: Path) -> None:
    store = place.open()
    pid = _recurring(store)
    joe = store.patient(pid)
    store.save_patient(replace(joe, condition="Stroke (right side)", pt_clinician="Priya, PT"))
    store.save_goal(pid, Goal(Discipline.PT, "Less pain", "pain", 1, Direction.LOWER, set_by="Priya"))
    out = tmp_path / "p.rtbundle"
    export_bundle(store, pid, out)
    data = json.loads(out.read_text())
    data["patient"].update(condition=None, pt_clinician=None, affected_side=None)
    data["entries"][0]["values"] = {"pain": None, "sleep_hours": 6}
    data["goals"][0].update(target=2, set_by=None)
    out.write_text(json.dumps(data))

    report = import_bundle(store, out)
    assert [(c.where, c.what, c.stored, c.imported) for c in report.conflicts] == [
        ("goal 'Less pain'", "target", "1", "2")
    ]
    joe = store.patient(pid)
    assert (joe.condition, joe.pt_clinician) == ("Stroke (right side)", "Priya, PT")
    assert store.entries(pid)[0].values == {"pain": 2, "sleep_hours": 6}
    assert [(g.title, g.target, g.set_by) for g in store.goals(pid)] == [("Less pain", 1, "Priya")]
    import_bundle(store, out, OnConflict.REPLACE)
    assert [(g.title, g.target, g.set_by) for g in store.goals(pid)] == [("Less pain", 2, "Priya")]
    store.close()
