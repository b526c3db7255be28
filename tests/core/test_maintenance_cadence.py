"""In the maintenance phase a check-in covers 2 or 4 weeks: no reminder while the period is logged."""

from __future__ import annotations

from datetime import date

from rehabtrack.core.maintenance import MaintenancePlan, checkin_logged, checkin_period

SINCE = date(2026, 9, 2)  # a Wednesday: the phase counts from Monday 31 August


def test_in_therapy_the_period_is_this_week() -> None:
    plan = MaintenancePlan()
    assert checkin_period(plan, date(2026, 11, 26)) == (date(2026, 11, 23), date(2026, 11, 23))
    assert not checkin_logged(plan, [date(2026, 11, 16)], date(2026, 11, 26))
    assert checkin_logged(plan, [date(2026, 11, 23)], date(2026, 11, 26))


def test_every_two_weeks_a_check_in_last_week_covers_this_week() -> None:
    plan = MaintenancePlan(date(2026, 8, 28), 2, SINCE)
    # 31 Aug + 12 weeks = 23 Nov starts a block: 23 Nov and 30 Nov
    assert checkin_period(plan, date(2026, 11, 26)) == (date(2026, 11, 23), date(2026, 11, 30))
    assert checkin_period(plan, date(2026, 12, 2)) == (date(2026, 11, 23), date(2026, 11, 30))
    assert checkin_logged(plan, [date(2026, 11, 23)], date(2026, 12, 2))  # logged last week: not due
    assert not checkin_logged(plan, [date(2026, 11, 16)], date(2026, 12, 2))  # the block before: due


def test_every_four_weeks() -> None:
    plan = MaintenancePlan(date(2026, 8, 28), 4, SINCE)
    assert checkin_period(plan, date(2026, 9, 30)) == (date(2026, 9, 28), date(2026, 10, 19))
    assert checkin_logged(plan, [date(2026, 10, 5)], date(2026, 10, 21))


def test_a_goal_measured_by_a_questionnaire_counts_when_its_score_reaches_the_target() -> None:
    from rehabtrack.core.maintenance import goals_met
    from rehabtrack.core.measure_series import MeasureResult, scored
    from rehabtrack.core.model import Direction, Discipline, Goal

    goal = Goal(Discipline.PT, "Stairs without pain", "measure/LEFS", 60, Direction.HIGHER)
    results = [
        scored(MeasureResult("LEFS", date(2026, 10, 5), tuple([3.0] * 20))),  # 60/80
        scored(MeasureResult("LEFS", date(2026, 11, 2), tuple([3.0] * 20))),
    ]
    assert goals_met([goal], [], [], date(2026, 11, 4), results)
    assert not goals_met([goal], [], [], date(2026, 11, 4))  # without the scores there is no progress
