"""Finding a patient by typing part of the name (a therapist with 40 patients on the clinic server), on an
SQLite file and on PostgreSQL alike: without regard to case, accents' case included, and what is typed is
taken literally."""

from __future__ import annotations

from datetime import date

import pytest
from places import Place

from rehabtrack.core.model import Patient
from rehabtrack.storage.store import Store

NAMES = (
    "Mary Olsen",
    "Omar Silva",
    "Anna MARTIN",
    "Émile Dubois",
    "Zoë Ångström",
    "Chen Li",
    "Rosa 50% Weber",
    "Ida_Brown",
    "Jon Novak",
)


@pytest.fixture
def clinic(store: Store) -> Store:
    for name in NAMES:
        store.save_patient(Patient(name, "Knee", "Right knee", date(2026, 1, 5)))
    return store


def names(store: Store, search: str, include_archived: bool = False) -> list[str]:
    return [p.display_name for p in store.patients(include_archived, search=search)]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("mar", ["Anna MARTIN", "Mary Olsen", "Omar Silva"]),  # anywhere in the name, any case
        ("MAR", ["Anna MARTIN", "Mary Olsen", "Omar Silva"]),
        ("  olsen ", ["Mary Olsen"]),  # the spaces around what is typed do not count
        ("émile", ["Émile Dubois"]),  # letters beyond ASCII, in either case
        ("ÉMILE", ["Émile Dubois"]),
        ("zoë ång", ["Zoë Ångström"]),
        ("50%", ["Rosa 50% Weber"]),  # % and _ are letters typed, not patterns
        ("%", ["Rosa 50% Weber"]),
        ("_", ["Ida_Brown"]),
        ("d_b", []),  # as a pattern it would find "Émile Dubois"
        ("nobody", []),
    ],
)
def test_search_finds_the_names_holding_what_was_typed(
    clinic: Store, place: Place, typed: str, found: list[str]
) -> None:
    assert names(clinic, typed) == found


def test_an_empty_search_lists_everyone_by_name(clinic: Store) -> None:
    assert names(clinic, "") == names(clinic, "   ") == sorted(NAMES)
    assert [p.display_name for p in clinic.patients()] == sorted(NAMES)


def test_the_patients_found_are_whole_and_archived_ones_only_when_asked(clinic: Store) -> None:
    [mary] = clinic.patients(search="mary")
    assert mary == clinic.patient(mary.id or 0)  # every detail, as reading the one patient gives it
    clinic.save_patient(
        Patient("Mary Olsen", "Knee", "Right knee", date(2026, 1, 5), archived=True, id=mary.id)
    )
    assert names(clinic, "mary") == []
    assert names(clinic, "mary", include_archived=True) == ["Mary Olsen"]
