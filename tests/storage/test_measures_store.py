"""Questionnaire results and the maintenance plan in the database: round trip, validation, CHECKs, demo. On
SQLite and PostgreSQL alike (``store`` and ``demo``: tests/storage/conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from rehabtrack.core.maintenance import MaintenancePlan
from rehabtrack.core.measure_series import GasGoal, MeasureResult, overall_changes
from rehabtrack.core.measures import CopmProblem, classify, copm, lefs
from rehabtrack.core.model import Direction, Discipline, Goal, Patient
from rehabtrack.core.validation import InvalidInput
from rehabtrack.storage.store import Store

DAY = date(2026, 3, 4)


def _patient(store: Store) -> int:
    patient = store.save_patient(Patient("Ann Measures"))
    assert patient.id is not None
    return patient.id


def test_round_trip_of_every_kind(store: Store) -> None:
    pid = _patient(store)
    goal = store.save_goal(pid, Goal(Discipline.PT, "Walk", "pain", 2, Direction.LOWER))
    answers = (3.0,) * 19 + (None,)
    with pytest.raises(InvalidInput, match="all 20"):
        store.save_measure(pid, MeasureResult("LEFS", DAY, answers))
    saved = store.save_measure(pid, MeasureResult("LEFS", DAY, (3.0,) * 20, goal_id=goal.id))
    store.save_measure(pid, MeasureResult("QuickDASH", DAY, (2.0,) * 10 + (None,)))
    problems = (CopmProblem("Dress", 9, 3, 4), CopmProblem("Cook", 7, 6, 5))
    copm_saved = store.save_measure(pid, MeasureResult("COPM", DAY, copm=problems))
    gas_saved = store.save_measure(
        pid, MeasureResult("GAS", DAY, gas=(GasGoal("Walk", 1, 2.0, goal.id), GasGoal("Cook", 0)))
    )
    assert saved.score == lefs([3] * 20) == 60
    got = {r.instrument: r for r in store.measures(pid)}
    assert got["LEFS"] == saved and got["LEFS"].goal_id == goal.id
    assert got["QuickDASH"].answers == (2.0,) * 10 + (None,) and got["QuickDASH"].score == 25.0
    assert got["COPM"].copm == problems and got["COPM"] == copm_saved
    assert (got["COPM"].score, got["COPM"].satisfaction) == (copm(problems).performance, 4.5)
    assert got["GAS"].gas == gas_saved.gas and got["GAS"].gas[0].goal_id == goal.id
    assert [r.instrument for r in store.measures(pid, "COPM")] == ["COPM"]
    assert saved.id is not None
    assert store.delete_measure(saved.id) == saved
    assert store.delete_measure(saved.id) is None
    assert "LEFS" not in {r.instrument for r in store.measures(pid)}


def test_bad_answers_write_nothing_and_name_the_item(store: Store) -> None:
    pid = _patient(store)
    with pytest.raises(InvalidInput) as caught:
        store.save_measure(pid, MeasureResult("QuickDASH", DAY, (2.0,) * 10 + (6.0,)))
    (problem,) = caught.value.problems
    assert problem.field == "QuickDASH/11" and "1 to 5" in problem.message
    with pytest.raises(InvalidInput, match="problem 2 performance must be from 1 to 10"):
        store.save_measure(
            pid, MeasureResult("COPM", DAY, copm=(CopmProblem("A", 5, 5, 5), CopmProblem("B", 5, 11, 5)))
        )
    with pytest.raises(InvalidInput, match="not one of this patient's goals"):
        store.save_measure(pid, MeasureResult("NPRS", DAY, (3.0,), goal_id=999))
    assert store.measures(pid) == []


def test_schema_checks_refuse_impossible_rows(store: Store) -> None:
    pid = _patient(store)
    insert = sa.text(
        "INSERT INTO measure_result"
        " (patient_id, instrument, taken, answers, score, satisfaction, created_at)"
        " VALUES (:pid, :instrument, :taken, '[]', :score, :satisfaction, CURRENT_TIMESTAMP)"
    )
    for instrument, score, check in (
        ("LEFS", 81, "score_range"),
        ("SF36", 1, "instrument"),
        ("COPM", 5, "sat"),
    ):
        row = {"pid": pid, "instrument": instrument, "taken": DAY, "score": score, "satisfaction": None}
        with pytest.raises(IntegrityError, match=f"ck_measure_{check}"), store.engine.begin() as conn:
            conn.execute(insert, row)
    update = sa.text("UPDATE patient SET maintenance_every_weeks = 3 WHERE id = :pid")
    with pytest.raises(IntegrityError, match="ck_patient_maintenance_every"), store.engine.begin() as conn:
        conn.execute(update, {"pid": pid})


def test_maintenance_plan_round_trip(store: Store) -> None:
    pid = _patient(store)
    assert store.maintenance(pid) == MaintenancePlan()
    plan = MaintenancePlan(DAY, 4, DAY)
    store.save_maintenance(pid, plan)
    assert store.maintenance(pid) == plan
    with pytest.raises(InvalidInput):
        store.save_maintenance(pid, MaintenancePlan(None, 3, DAY))
    assert store.maintenance(pid) == plan
    store.save_patient(store.patient(pid))  # editing the patient keeps the plan
    assert store.maintenance(pid) == plan


def test_clinic_item_wording(store: Store) -> None:
    texts = store.item_texts("LEFS")
    assert texts[0] == "Item 1" and len(texts) == 20
    store.save_item_texts("LEFS", ["Any of your usual work"] + [""] * 19)
    assert store.item_texts("LEFS")[:2] == ["Any of your usual work", "Item 2"]
    with pytest.raises(IntegrityError), store.engine.begin() as conn:  # the CHECK below core's check
        conn.exec_driver_sql(
            "INSERT INTO measure_item_text (instrument, position, text) VALUES ('SF36', 1, 'x')"
        )


def test_demo_has_the_described_results(demo: Store, today: date) -> None:
    demo_store = demo
    patient = demo_store.patient_named("Margaret Demo")
    assert patient is not None and patient.id is not None
    results = demo_store.measures(patient.id)
    by = {f: [r for r in results if r.instrument == f] for f in ("LEFS", "QuickDASH", "COPM", "GAS")}
    assert len(by["LEFS"]) == 7 and len(by["QuickDASH"]) == 7  # every 4 weeks over the 26 weeks
    assert [r.taken.isoformat() for r in by["GAS"]] != [] and len(by["GAS"]) == 2 and len(by["COPM"]) == 2
    weeks = [(r.taken - by["LEFS"][0].taken).days // 7 for r in by["LEFS"]]
    assert weeks == [0, 4, 8, 12, 16, 20, 24]
    assert any(None in r.answers for r in by["QuickDASH"])  # 10 of 11 answered still scores
    changes = {c.key: c.change for c in overall_changes(results)}
    lefs_first, lefs_last = by["LEFS"][0].score, by["LEFS"][-1].score
    assert lefs_first is not None and lefs_last is not None and lefs_last - lefs_first >= 9
    assert changes["LEFS"] is not None and changes["LEFS"].meaningful
    assert changes["QuickDASH"] is not None and changes["QuickDASH"].meaningful
    assert changes["QuickDASH"].direction == "improved"  # fell, and lower is better
    copm_change = changes["COPM_performance"]
    assert copm_change is not None and copm_change.meaningful and copm_change.delta >= 2
    assert changes["COPM_satisfaction"] == classify(
        "COPM_satisfaction", by["COPM"][0].satisfaction or 0, by["COPM"][1].satisfaction or 0
    )
    assert not changes["COPM_satisfaction"].meaningful  # type: ignore[union-attr]
    assert changes["GAS"] is not None
    assert all(r.taken <= today for r in results)
