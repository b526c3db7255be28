"""The audit record in words (core.history): hand-written rows as each database writes them, and the
sentences a therapist should read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from rehabtrack.core.history import AuditEntry, changes, when_text

TODAY = date(2026, 12, 3)
AT = datetime(2026, 12, 3, 10, 14, tzinfo=UTC)
WEEK = {
    "id": 7,
    "patient_id": 1,
    "week": "2026-11-02",
    "pain": 6,
    "sleep_hours": 6.5,
    "notes": "",
    "version": 1,
}
ROM = {
    "id": 30,
    "entry_id": 7,
    "patient_id": 1,
    "joint": "knee",
    "side": "left",
    "movement": "flexion",
    "mode": "active",
}
GOAL = {
    "id": 3,
    "patient_id": 1,
    "discipline": "PT",
    "title": "Bend the knee",
    "marker": "rom/knee/left/flexion/active",
    "baseline": 92.0,
    "target": 115.0,
    "direction": "higher",
    "start": None,
    "target_date": None,
    "status": "active",
    "set_by": "",
}


class Log:
    """Audit rows in the order a database writes them; ``save()`` starts the next transaction."""

    def __init__(self, actor: str = "priya") -> None:
        self.rows: list[AuditEntry] = []
        self.at = AT
        self.actor = actor

    def save(self, actor: str | None = None, minutes: int = 1) -> Log:
        self.at += timedelta(minutes=minutes)
        self.actor = actor or self.actor
        return self

    def add(
        self, table: str, action: str, old: dict[str, Any] | None = None, new: dict[str, Any] | None = None
    ) -> Log:
        row_id = (new or old or {}).get("id")
        self.rows.append(
            AuditEntry(self.at, self.actor, table, row_id, 1, action, old, new, len(self.rows) + 1)
        )
        return self

    def said(self) -> list[str]:
        return [c.text(TODAY, UTC) for c in changes(self.rows, {4: "Walk to the shop"}, TODAY)]


def test_a_goal_target_changed_names_the_values_with_their_unit_who_and_when() -> None:
    log = Log("sam").add("goal", "insert", new=GOAL)
    log.save("priya").add("goal", "update", GOAL, {**GOAL, "target": 120.0})
    assert log.said() == [
        "goal 'Bend the knee' target changed 115° → 120° by priya, 3 Dec 10:15",
        "goal 'Bend the knee' added by sam, 3 Dec 10:14",
    ]


def test_goal_sentences() -> None:
    log = Log().add("goal", "insert", new=GOAL)
    log.save("sam").add("goal", "update", GOAL, {**GOAL, "target": 120, "target_date": "2027-03-12"})
    log.save("sam").add(
        "goal", "update", {**GOAL, "target": 120}, {**GOAL, "target": 120, "status": "achieved"}
    )
    walk = {**GOAL, "id": 5, "title": "Walk 30 min", "marker": "activity/4", "baseline": 3, "target": 8}
    log.save("ann").add("goal", "insert", new=walk)
    log.save("ann").add("goal", "update", walk, {**walk, "title": "Walk 40 min", "baseline": None})
    log.save("ann").add("goal", "delete", old={**walk, "title": "Walk 40 min"})
    assert log.said() == [
        "goal 'Walk 40 min' deleted by ann, 3 Dec 10:19",
        "goal 'Walk 30 min' renamed 'Walk 40 min' and baseline cleared by ann, 3 Dec 10:18",
        "goal 'Walk 30 min' added by ann, 3 Dec 10:17",
        "goal 'Bend the knee' marked achieved by sam, 3 Dec 10:16",
        "goal 'Bend the knee' target changed 115° → 120° and target date set to 12 Mar 2027 "
        "by sam, 3 Dec 10:15",
        "goal 'Bend the knee' added by priya, 3 Dec 10:14",
    ]


def test_a_week_saved_again_tells_only_what_changed() -> None:
    log = Log("ann").save()
    rating = {"id": 40, "entry_id": 7, "patient_id": 1, "activity_id": 4, "rating": 4, "minutes": None}
    log.add("weekly_entry", "insert", new=WEEK)
    log.add("rom_measurement", "insert", new={**ROM, "degrees": 95.0})
    log.add("activity_rating", "insert", new=rating)
    # Saved again: the readings and ratings are deleted and written back, the week's row is updated.
    log.save()
    log.add("rom_measurement", "delete", old={**ROM, "degrees": 95.0})
    log.add("activity_rating", "delete", old=rating)
    log.add("weekly_entry", "update", WEEK, {**WEEK, "pain": 4, "version": 2})
    log.add("rom_measurement", "insert", new={**ROM, "id": 31, "degrees": 95.0})
    log.add("activity_rating", "insert", new={**rating, "id": 41, "rating": 5, "minutes": 20})
    # Saved a third time as it was: nothing a person sees changed.
    log.save()
    log.add("rom_measurement", "delete", old={**ROM, "id": 31, "degrees": 95.0})
    log.add("weekly_entry", "update", {**WEEK, "pain": 4, "version": 2}, {**WEEK, "pain": 4, "version": 3})
    log.add("rom_measurement", "insert", new={**ROM, "id": 32, "degrees": 95.0})
    # Then only a reading changed, and a note was written; then the week was deleted.
    log.save()
    log.add("rom_measurement", "delete", old={**ROM, "id": 32, "degrees": 95.0})
    log.add("weekly_entry", "update", {**WEEK, "pain": 4}, {**WEEK, "pain": 4, "notes": "Sore after stairs"})
    log.add("rom_measurement", "insert", new={**ROM, "id": 33, "degrees": 100.0})
    log.save()
    log.add("weekly_entry", "delete", old={**WEEK, "pain": 4})
    log.add("rom_measurement", "delete", old={**ROM, "id": 33, "degrees": 100.0})
    assert log.said() == [
        "week of 2 Nov deleted by ann, 3 Dec 10:19",
        "week of 2 Nov: notes changed, left knee flexion 95° → 100° by ann, 3 Dec 10:18",
        "week of 2 Nov: pain 6 → 4, Walk to the shop 4/10 → 5/10 (20 min) by ann, 3 Dec 10:16",
        "week of 2 Nov added by ann, 3 Dec 10:15",
    ]


def test_a_reading_changed_alone_still_names_its_week() -> None:
    log = (
        Log()
        .add("weekly_entry", "insert", new=WEEK)
        .add("rom_measurement", "insert", new={**ROM, "degrees": 90})
    )
    log.save().add("rom_measurement", "update", {**ROM, "degrees": 90}, {**ROM, "degrees": 97.5})
    assert log.said()[0] == "week of 2 Nov: left knee flexion 90° → 97.5° by priya, 3 Dec 10:15"


def test_an_import_of_many_weeks_is_one_sentence() -> None:
    log = Log("dana").save()
    for n in range(12):
        week = (date(2026, 1, 5) + timedelta(weeks=n)).isoformat()
        log.add("weekly_entry", "insert", new={**WEEK, "id": 100 + n, "week": week})
    assert log.said() == ["12 weeks added by dana, 3 Dec 10:15"]


def test_profile_maintenance_activities_events_questionnaires_thresholds() -> None:
    patient = {
        "id": 1,
        "display_name": "Carl",
        "condition": "",
        "archived": 0,
        "discharged_on": None,
        "maintenance_every_weeks": None,
        "maintenance_since": None,
        "updated_at": "2026-12-03 10:15:00",
    }
    log = Log().save().add("patient", "insert", new=patient)
    log.save().add(
        "patient",
        "update",
        patient,
        {**patient, "display_name": "Carl Jones", "condition": "Knee replacement", "updated_at": "x"},
    )
    planned = {
        **patient,
        "discharged_on": "2026-11-30",
        "maintenance_every_weeks": 2,
        "maintenance_since": "2026-11-30",
    }
    log.save().add("patient", "update", patient, planned)
    log.save().add("patient", "update", patient, {**patient, "archived": True})  # PostgreSQL's jsonb boolean
    walk = {
        "id": 4,
        "patient_id": 1,
        "name": "Walk to the shop",
        "discipline": "PT",
        "archived": False,
        "position": 0,
    }
    log.save().add("activity", "insert", new=walk)
    log.save().add("activity", "update", walk, {**walk, "archived": True})
    note = {
        "id": 9,
        "patient_id": 1,
        "day": "2026-12-01",
        "kind": "clinician note",
        "text": "started step-ups",
    }
    log.save().add("event", "insert", new=note)
    copm = {"id": 2, "patient_id": 1, "instrument": "COPM", "taken": "2026-11-30", "score": 4.0}
    item = {"id": 11, "result_id": 2, "patient_id": 1, "position": 1, "label": "Dressing", "performance": 4}
    log.save().add("measure_result", "insert", new=copm).add("measure_item", "insert", new=item)
    log.save().add("measure_item", "delete", old=item).add(
        "measure_item", "insert", new={**item, "id": 12, "performance": 6}
    )
    log.add("measure_result", "update", copm, {**copm, "score": 6.0})
    sleep = {"id": 1, "patient_id": 1, "series_key": "sleep_hours", "value": 3.0}
    log.save().add("patient_threshold", "insert", new=sleep)
    log.save().add("patient_threshold", "delete", old=sleep).add(
        "patient_threshold", "insert", new={**sleep, "id": 2}
    )
    log.save().add("patient_threshold", "delete", old={**sleep, "id": 2})
    assert log.said() == [
        "meaningful change for sleep back to the clinic's by priya, 3 Dec 10:26",
        "meaningful change for sleep set to 3 h a night by priya, 3 Dec 10:24",
        "COPM of 30 Nov: score 4 → 6 by priya, 3 Dec 10:23",
        "COPM of 30 Nov added (score 4) by priya, 3 Dec 10:22",
        "clinician note of 1 Dec added ('started step-ups') by priya, 3 Dec 10:21",
        "activity 'Walk to the shop' archived by priya, 3 Dec 10:20",
        "activity 'Walk to the shop' added by priya, 3 Dec 10:19",
        "profile: archived by priya, 3 Dec 10:18",
        "maintenance plan: discharged 30 Nov, check-ins every 2 weeks since 30 Nov by priya, 3 Dec 10:17",
        "profile: name 'Carl' → 'Carl Jones', condition set to 'Knee replacement' by priya, 3 Dec 10:16",
        "patient record of Carl created by priya, 3 Dec 10:15",
    ]


def test_the_time_is_local_and_names_the_year_only_when_it_is_not_this_one() -> None:
    assert when_text(AT, TODAY, UTC) == "3 Dec 10:14"
    assert when_text(AT - timedelta(days=365), TODAY, UTC) == "3 Dec 2025 10:14"
    from datetime import timezone

    assert when_text(AT, TODAY, timezone(timedelta(hours=-5))) == "3 Dec 05:14"
