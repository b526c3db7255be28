"""Two people at once: a week or goal is saved by the version its form was opened with, so one person's
save never silently overwrites another's. Two Stores on one database stand for two therapists."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from places import Place

from rehabtrack.core.imports import History, OnConflict
from rehabtrack.core.model import (
    NEW,
    Activity,
    ActivityRating,
    Direction,
    Discipline,
    Goal,
    Patient,
    WeeklyEntry,
)
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.storage.audit import local_actor
from rehabtrack.storage.errors import ChangedMeanwhile
from rehabtrack.storage.store import Store
from rehabtrack.storage.tables import AuditRow

WEEK = date(2026, 3, 2)  # a Monday
REFUSED = "reload to see it"


def _two(place: Place) -> tuple[Store, Store, int, int]:
    """Store A and store B on one database, a patient with one activity."""
    a = place.open()
    b = place.open_again()
    pid = a.save_patient(Patient("Ann Both")).id
    assert pid is not None
    act = a.save_activity(pid, Activity("Gardening", Discipline.OT)).id
    assert act is not None
    return a, b, pid, act


def _week(act: int, pain: float, degrees: float, rating: float, notes: str) -> WeeklyEntry:
    rom = (RomReading("knee", Side.RIGHT, "flexion", degrees),)
    return WeeklyEntry(WEEK, {"pain": pain}, rom, (ActivityRating(act, rating),), notes)


def _held(entry: WeeklyEntry | None) -> tuple[object, ...]:
    """What a week holds (not its row id or version)."""
    assert entry is not None
    return (entry.week, entry.values, entry.rom, entry.activities, entry.notes)


def _as_read(saved: WeeklyEntry, typed: WeeklyEntry) -> WeeklyEntry:
    """What a form opened on ``saved`` sends when the person typed ``typed``."""
    return replace(typed, id=saved.id, version=saved.version)


def test_a_week_saved_by_a_after_b_read_it_refuses_bs_save_and_writes_nothing_of_it(place: Place) -> None:
    a, b, pid, act = _two(place)
    first = a.save_entry(pid, replace(_week(act, 5, 90, 4, "first"), version=NEW))
    seen_by_a, seen_by_b = a.entry(pid, WEEK), b.entry(pid, WEEK)
    assert seen_by_a is not None and seen_by_b is not None and seen_by_a.version == first.version == 1

    mine = a.save_entry(pid, _as_read(seen_by_a, _week(act, 3, 100, 6, "A's")))
    assert mine.version == 2
    with pytest.raises(ChangedMeanwhile, match=REFUSED) as refused:
        b.save_entry(pid, _as_read(seen_by_b, _week(act, 8, 70, 1, "B's")))

    assert "week of 2 Mar 2026" in str(refused.value)
    stored = b.entry(pid, WEEK)
    assert _held(stored) == _held(_week(act, 3, 100, 6, "A's"))  # A's week, readings and ratings
    assert stored is not None and stored.version == 2
    assert place.count("rom_measurement") == 1 and place.count("activity_rating") == 1
    # B reloads and saves on top of what A wrote: that works.
    again = b.save_entry(pid, _as_read(stored, _week(act, 8, 70, 1, "B's, after reading A's")))
    assert again.version == 3
    assert _held(a.entry(pid, WEEK)) == _held(_week(act, 8, 70, 1, "B's, after reading A's"))


def test_two_people_creating_the_same_new_week_the_second_is_refused(place: Place) -> None:
    a, b, pid, act = _two(place)
    a.save_entry(pid, replace(_week(act, 2, 110, 7, "A first"), version=NEW))
    with pytest.raises(ChangedMeanwhile, match=f"week of 2 Mar 2026 was changed by .* — {REFUSED}"):
        b.save_entry(pid, replace(_week(act, 9, 60, 0, "B second"), version=NEW))
    assert [_held(e) for e in a.entries(pid)] == [_held(_week(act, 2, 110, 7, "A first"))]  # not merged
    assert place.count("weekly_entry") == 1 and place.count("rom_measurement") == 1


def test_a_week_b_read_before_a_deleted_it_is_not_brought_back_by_bs_save(place: Place) -> None:
    a, b, pid, act = _two(place)
    a.save_entry(pid, replace(_week(act, 5, 90, 4, "x"), version=NEW))
    seen_by_b = b.entry(pid, WEEK)
    assert seen_by_b is not None
    a.delete_entry(pid, WEEK, a.entry(pid, WEEK).version)  # type: ignore[union-attr]
    with pytest.raises(ChangedMeanwhile, match=f"was deleted by .* — {REFUSED}"):
        b.save_entry(pid, _as_read(seen_by_b, _week(act, 1, 1, 1, "B's")))
    assert a.entries(pid) == [] and place.count("rom_measurement") == 0


def test_deleting_a_week_someone_changed_meanwhile_is_refused(place: Place) -> None:
    a, b, pid, act = _two(place)
    a.save_entry(pid, replace(_week(act, 5, 90, 4, "x"), version=NEW))
    seen_by_b = b.entry(pid, WEEK)
    assert seen_by_b is not None
    a.save_entry(pid, _as_read(a.entry(pid, WEEK), _week(act, 4, 95, 5, "A's change")))  # type: ignore[arg-type]
    with pytest.raises(ChangedMeanwhile, match=REFUSED):
        b.delete_entry(pid, WEEK, seen_by_b.version)
    assert [_held(e) for e in a.entries(pid)] == [_held(_week(act, 4, 95, 5, "A's change"))]


def test_a_goal_edited_by_two_keeps_the_first_save_and_refuses_the_second(place: Place) -> None:
    a, b, pid, _ = _two(place)
    goal = a.save_goal(pid, Goal(Discipline.PT, "Bend the knee", "pain", 3, Direction.LOWER))
    assert goal.version == 1
    seen_by_b = next(g for g in b.goals(pid) if g.id == goal.id)
    saved = a.save_goal(pid, replace(goal, target=2))
    assert saved.version == 2
    with pytest.raises(ChangedMeanwhile, match=f"goal 'Bend the knee' was changed by .* — {REFUSED}"):
        b.save_goal(pid, replace(seen_by_b, target=5, title="Bend the knee further"))
    (stored,) = b.goals(pid)
    assert (stored.title, stored.target, stored.version) == ("Bend the knee", 2, 2)
    with pytest.raises(ChangedMeanwhile, match=REFUSED):  # nor may B delete what A changed
        b.delete_goal(goal.id, seen_by_b.version)  # type: ignore[arg-type]
    assert len(a.goals(pid)) == 1
    a.delete_goal(goal.id, stored.version)  # type: ignore[arg-type]
    with pytest.raises(ChangedMeanwhile, match=f"was deleted by .* — {REFUSED}"):
        b.save_goal(pid, replace(stored, target=1))
    assert a.goals(pid) == []


def test_the_message_names_who_changed_the_row_and_when_in_local_time(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Who and when come from the row's last audit record (written by the database or the store)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        a, b, pid, act = _two(place)
        a.save_entry(pid, replace(_week(act, 5, 90, 4, "x"), version=NEW))
        seen_by_b = b.entry(pid, WEEK)
        assert seen_by_b is not None
        a.save_entry(pid, _as_read(seen_by_b, _week(act, 4, 95, 5, "A's change")))
        at = datetime.now().astimezone().replace(hour=10, minute=14, second=0, microsecond=0)
        with a.engine.begin() as conn:
            conn.execute(
                sa.insert(AuditRow).values(
                    at=at.astimezone(UTC),
                    actor="sam",
                    table_name="weekly_entry",
                    row_id=seen_by_b.id,
                    patient_id=pid,
                    action="update",
                )
            )
        with pytest.raises(ChangedMeanwhile) as refused:
            b.save_entry(pid, _as_read(seen_by_b, _week(act, 1, 1, 1, "B's")))
        assert "The week of 2 Mar 2026 was changed by sam at 10:14 — reload to see it." in str(refused.value)
        assert refused.value.by == "sam"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_message_names_the_login_that_saved_first(place: Place) -> None:
    """On a server the database's own login (``session_user``), on an SQLite file the computer's."""
    a, b, pid, act = _two(place)
    a.save_entry(pid, replace(_week(act, 2, 110, 7, "A first"), version=NEW))
    with a.engine.connect() as conn:
        login = conn.execute(sa.text("SELECT session_user")).scalar() if place.kind == "postgres" else None
    actor = login or local_actor()
    said = rf"^The week of 2 Mar 2026 was changed by {actor} at \d\d:\d\d — reload to see it\."
    with pytest.raises(ChangedMeanwhile, match=said):
        b.save_entry(pid, replace(_week(act, 9, 60, 0, "B second"), version=NEW))


def test_without_an_audit_record_the_message_says_someone_else(place: Place) -> None:
    a, b, pid, _ = _two(place)
    goal = a.save_goal(pid, Goal(Discipline.OT, "Cook a meal", "pain", 3, Direction.LOWER))
    a.save_goal(pid, replace(goal, target=2))
    with a.engine.begin() as conn:
        conn.execute(sa.delete(AuditRow))  # as on a database whose audit was never written
    with pytest.raises(ChangedMeanwhile) as refused:
        b.save_goal(pid, replace(goal, target=4))
    said = "The goal 'Cook a meal' was changed by someone else — reload to see it."
    assert str(refused.value).startswith(said)


def test_an_import_that_changes_a_week_or_goal_moves_its_version_on(place: Place) -> None:
    a, b, pid, act = _two(place)
    a.save_entry(pid, replace(_week(act, 5, 90, 4, "x"), version=NEW))
    goal = a.save_goal(pid, Goal(Discipline.PT, "Less pain", "pain", 3, Direction.LOWER))
    seen = b.entry(pid, WEEK)
    assert seen is not None
    patient = a.patient(pid)
    file = History(
        patient,
        entries=[WeeklyEntry(WEEK, {"pain": 6, "sleep_quality": 7})],
        goals=[replace(goal, id=None, version=None, target=1)],
    )
    report = a.import_histories([file], OnConflict.REPLACE)
    assert report.changed
    with pytest.raises(ChangedMeanwhile, match=REFUSED):
        b.save_entry(pid, _as_read(seen, _week(act, 1, 1, 1, "opened before the import")))
    with pytest.raises(ChangedMeanwhile, match=REFUSED):
        b.save_goal(pid, replace(goal, target=9))
    stored = a.entry(pid, WEEK)
    assert stored is not None and stored.values == {"pain": 6, "sleep_quality": 7}
    assert [g.target for g in a.goals(pid)] == [1]


def test_threads_saving_one_week_at_once_lose_no_update(place: Place) -> None:
    """Each of several people adds their mark to the week's notes, reloading when refused: every mark
    is there at the end and the version counts every save."""
    a, _, pid, _ = _two(place)
    a.save_entry(pid, WeeklyEntry(WEEK, notes="", version=NEW))
    people, marks = 4, 6
    stores = [place.open_again() for _ in range(people)]
    refusals: list[int] = []
    failures: list[BaseException] = []

    def work(n: int) -> None:
        store = stores[n]
        try:
            for i in range(marks):
                while True:
                    seen = store.entry(pid, WEEK)
                    assert seen is not None
                    try:
                        store.save_entry(pid, replace(seen, notes=f"{seen.notes}[{n}.{i}]"))
                        break
                    except ChangedMeanwhile:
                        refusals.append(n)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    final = a.entry(pid, WEEK)
    assert final is not None
    found = {mark for mark in final.notes.strip("[]").split("][")}
    assert found == {f"{n}.{i}" for n in range(people) for i in range(marks)}
    assert final.version == 1 + people * marks


def test_an_undo_that_would_overwrite_a_change_made_meanwhile_is_refused(place: Place) -> None:
    """What Edit → Undo writes (ui.commands): the previous week at the version A's save left, the removal
    of an added goal at the version A added it with. B's changes in between make both refusals."""
    a, b, pid, act = _two(place)
    previous = a.save_entry(pid, replace(_week(act, 5, 90, 4, "before"), version=NEW))
    mine = a.save_entry(pid, _as_read(previous, _week(act, 3, 100, 6, "A's")))
    b.save_entry(pid, _as_read(mine, _week(act, 8, 70, 1, "B's on top of A's")))
    with pytest.raises(ChangedMeanwhile, match=REFUSED):
        a.save_entry(pid, replace(previous, version=mine.version))  # A's undo of A's save
    assert _held(a.entry(pid, WEEK)) == _held(_week(act, 8, 70, 1, "B's on top of A's"))

    added = a.save_goal(pid, Goal(Discipline.OT, "Cook a meal", "pain", 3, Direction.LOWER))
    b.save_goal(pid, replace(added, target=2))
    with pytest.raises(ChangedMeanwhile, match=REFUSED):
        a.delete_goal(added.id, added.version)  # type: ignore[arg-type]  # A's undo of adding it
    assert [g.target for g in a.goals(pid)] == [2]


def test_threads_raising_one_goals_target_at_once_lose_no_update(place: Place) -> None:
    """Each person raises the target by one minute, reloading when refused: every raise counts."""
    a, _, pid, _ = _two(place)
    goal = a.save_goal(pid, Goal(Discipline.PT, "Stiff for less", "stiffness_minutes", 0, Direction.LOWER))
    people, raises = 4, 5
    stores = [place.open_again() for _ in range(people)]
    failures: list[BaseException] = []

    def work(n: int) -> None:
        store = stores[n]
        try:
            for _ in range(raises):
                while True:
                    seen = next(g for g in store.goals(pid) if g.id == goal.id)
                    try:
                        store.save_goal(pid, replace(seen, target=seen.target + 1))
                        break
                    except ChangedMeanwhile:
                        continue
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    (final,) = a.goals(pid)
    assert (final.target, final.version) == (people * raises, 1 + people * raises)


def test_removing_an_activity_moves_the_version_of_the_weeks_that_rated_it(place: Place) -> None:
    a, b, pid, act = _two(place)
    a.save_entry(pid, replace(_week(act, 5, 90, 4, "rated"), version=NEW))
    seen = b.entry(pid, WEEK)
    assert seen is not None and seen.activities
    a.delete_activity(act)  # an undone addition: its ratings go with it
    with pytest.raises(ChangedMeanwhile, match=REFUSED):
        b.save_entry(pid, replace(seen, activities=(), notes="opened while it was rated"))
    stored = a.entry(pid, WEEK)
    assert stored is not None and stored.activities == () and stored.notes == "rated"
