"""Issue 19: opening a patient's dashboard, and the patient list with a search, send a fixed number of
statements, however many weeks and patients the clinic holds (counted, not timed: see clinic.py), on an
SQLite file and on the PostgreSQL server alike. Runs in the normal test run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import clinic  # type: ignore[import-not-found]

from rehabtrack.storage.store import Store

MAX_DASHBOARD_STATEMENTS = 10  # patient, 3 for the weeks, activities, goals, events, 2 results, thresholds

Opener = Callable[[int, int], Store]


def statements(store: Store, read: Callable[[], Any]) -> list[str]:
    with clinic.count_queries(store) as seen:
        read()
    return seen.sql


def test_opening_a_dashboard_sends_the_same_statements_for_two_years_of_25_patients_as_for_3_weeks(
    clinic_of: Opener,
) -> None:
    small = clinic_of(3, 2)
    large = clinic_of(104, 25)
    [one] = [p.id for p in small.patients() if p.display_name == "Mary Anders"]
    [many] = [p.id for p in large.patients() if p.display_name == "Mary Anders"]
    few = statements(small, lambda: clinic.open_dashboard(small, one))
    lots = statements(large, lambda: clinic.open_dashboard(large, many))
    assert len(clinic.open_dashboard(large, many).entries) == 104
    assert lots == few  # the same statements: none per week, per patient or per questionnaire
    # the patient, 3 for the weeks (entries, ROM readings, activity ratings), activities, goals, events,
    # questionnaire results and their answers, thresholds; SQLite adds the BEGIN of each read
    reads = [s for s in lots if s.strip().upper() != "BEGIN"]
    assert len(reads) <= MAX_DASHBOARD_STATEMENTS, "\n\n".join(reads)


def test_the_patient_list_with_a_search_is_one_statement_for_any_number_of_patients(
    clinic_of: Opener,
) -> None:
    small = clinic_of(1, 4)  # Mary, Ahmed, Chen and Dana Anders
    large = clinic_of(1, 60)  # 20 first names × Anders, Brown and Costa: a Mary, Marek and Omar of each
    for store, found in ((small, 1), (large, 9)):
        sent = statements(store, lambda store=store: store.patients(search="mar"))
        assert [s for s in sent if s.strip().upper() != "BEGIN"] == sent[-1:]
        names = [p.display_name for p in store.patients(search="mar")]
        assert len(names) == found and names == sorted(names)
        assert all("mar" in name.lower() for name in names)
