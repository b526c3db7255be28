"""The dashboard on the demo patient: goals in plain words, charts that plot exactly what was logged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Direction, Discipline, Goal, GoalStatus, WeeklyEntry
from rehabtrack.core.progress import progress_toward
from rehabtrack.core.series import series_for, value_in
from rehabtrack.core.weeks import week_start
from rehabtrack.storage.store import Store
from rehabtrack.ui.dialogs.goal import GoalDialog
from rehabtrack.ui.patient_data import GOALS_GROUP
from rehabtrack.ui.patient_session import PatientSession
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.views.dashboard import CHART_MIN_HEIGHT, Dashboard


def _patient(store: Store) -> int:
    [patient] = store.patients()
    assert patient.id is not None
    return patient.id


@pytest.fixture
def dashboard(qtbot, demo_store: Store, today: date) -> Dashboard:  # type: ignore[no-untyped-def]
    board = Dashboard(PatientSession.open(demo_store, _patient(demo_store), today))
    board.resize(1280, 900)
    qtbot.addWidget(board)
    board.show()
    board.activateWindow()
    qtbot.waitActive(board)  # keyboard shortcuts only reach the active window
    return board


def test_goals_panel_says_each_goals_progress_in_core_words_pt_then_ot(
    dashboard: Dashboard, demo_store: Store, today: date
) -> None:
    pid = _patient(demo_store)
    entries, activities = demo_store.entries(pid), demo_store.activities(pid, include_archived=True)
    goals = demo_store.goals(pid)
    expected = []
    for discipline in (Discipline.PT, Discipline.OT):
        for goal in (g for g in goals if g.discipline == discipline):
            progress = progress_toward(goal, series_for(goal.marker, entries, activities), today)
            expected.append((discipline.value, goal.title, progress.sentence(), progress.status.label))
    assert dashboard.goals_panel.rows() == expected
    assert {row[0] for row in expected} == {"PT", "OT"}
    assert any("% of the way to" in row[2] for row in expected)


def test_goal_charts_plot_the_stored_values_with_gaps_and_the_goal_line(
    dashboard: Dashboard, demo_store: Store, shot
) -> None:  # type: ignore[no-untyped-def]
    pid = _patient(demo_store)
    entries = sorted(demo_store.entries(pid), key=lambda e: e.week)
    assert dashboard.visible_group() == GOALS_GROUP
    open_goals = [g for g in demo_store.goals(pid) if g.status == GoalStatus.ACTIVE]
    charts = dashboard.visible_charts()
    assert len(charts) == len({g.marker for g in open_goals})
    knee = next(g for g in open_goals if g.marker.startswith("rom/knee/right/flexion"))
    chart = next(c for c in charts if c.axis_label().startswith("Right knee flexion"))

    logged = [(e.week, value_in(e, knee.marker)) for e in entries if value_in(e, knee.marker) is not None]
    weeks, values = chart.plotted_points()
    assert list(zip(weeks, values, strict=True)) == logged
    missed = [w for w, nxt in zip(weeks, weeks[1:], strict=False) if nxt - w > timedelta(days=7)]
    assert missed, "the demo patient missed weeks"
    assert chart.gap_after() == missed  # no line is drawn across a missed week
    assert (knee.target, f"PT goal: ≥ {knee.target:g}°") in [
        (v, label.split(" by")[0]) for v, label in chart.goal_lines()
    ]
    shot(dashboard, "dashboard.png")


def test_only_the_group_on_screen_is_built_and_other_groups_follow_the_range(
    dashboard: Dashboard, qtbot, today: date
) -> None:  # type: ignore[no-untyped-def]
    assert list(dashboard._pages) == [GOALS_GROUP]
    four_weeks = next(b for b in dashboard.range_buttons.buttons() if b.accessibleName() == "Show 4 weeks")
    qtbot.mouseClick(four_weeks, Qt.MouseButton.LeftButton)
    assert four_weeks.isChecked()
    for chart in dashboard.visible_charts():
        assert chart.x_range() == (today - timedelta(days=28), today)

    dashboard.group_list.setFocus()
    qtbot.keyClick(dashboard.group_list, Qt.Key.Key_Down)  # keyboard only: next group
    assert dashboard.visible_group() == "Morning stiffness"
    assert list(dashboard._pages) == ["Morning stiffness"]  # the group left keeps no charts
    for chart in dashboard.visible_charts():
        assert chart.x_range() == (today - timedelta(days=28), today)

    qtbot.keyClick(dashboard.group_list, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)  # Alt+5: All
    qtbot.waitUntil(lambda: dashboard.preset == "All")  # a mnemonic "animates" its click first
    first = min(dashboard.data.first_week() or today, today)
    for chart in dashboard.visible_charts():
        assert chart.x_range() == (first, today)


def test_a_goal_with_a_target_off_the_scale_is_refused_and_nothing_is_written(
    dashboard: Dashboard, demo_store: Store, qtbot
) -> None:  # type: ignore[no-untyped-def]
    pid = _patient(demo_store)
    before = demo_store.goals(pid)
    dialog = GoalDialog(dashboard.session, dashboard.data, None, dashboard)
    qtbot.addWidget(dialog)
    dialog.title.setText("Sleep through the night")
    dialog.marker.setCurrentIndex(dialog.marker.findData("pain"))
    assert dialog.direction.currentData() == Direction.LOWER  # pain: lower is better, chosen for the patient
    qtbot.keyClicks(dialog.target, "11")
    dialog.accept()
    assert dialog.result() == 0
    assert dialog.errors["target"].text() == "Target must be from 0 to 10 (got 11)."
    assert demo_store.goals(pid) == before


def test_the_goal_dialogs_baseline_hint_is_shown_whole_at_175_percent(
    dashboard: Dashboard, demo_store: Store, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.ui.widgets import apply_font_scale

    dialog = GoalDialog(dashboard.session, dashboard.data, None, dashboard)
    qtbot.addWidget(dialog)
    apply_font_scale(dialog, 175)
    dialog.marker.setCurrentIndex(dialog.marker.findData("pain"))
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.baseline
    hint = field.placeholderText()
    assert "first two weeks" in hint
    margins = field.textMargins()
    room = field.contentsRect().width() - margins.left() - margins.right() - 4  # the line edit's own 2 px
    assert field.fontMetrics().horizontalAdvance(hint) <= room


def test_a_new_ot_goal_shows_in_the_panel_and_as_a_line_on_its_chart(
    dashboard: Dashboard, demo_store: Store, qtbot, today: date
) -> None:  # type: ignore[no-untyped-def]
    pid = _patient(demo_store)
    dialog = GoalDialog(dashboard.session, dashboard.data, None, dashboard)
    qtbot.addWidget(dialog)
    dialog.discipline.setCurrentIndex(dialog.discipline.findData(Discipline.OT))
    dialog.title.setText("Sleep 7 hours")
    dialog.marker.setCurrentIndex(dialog.marker.findData("sleep_hours"))
    qtbot.keyClicks(dialog.target, "7")
    dialog.accept()
    assert dialog.result() == 1
    saved = [g for g in demo_store.goals(pid) if g.title == "Sleep 7 hours"]
    assert [(g.discipline, g.target, g.direction, g.start) for g in saved] == [
        (Discipline.OT, 7.0, Direction.HIGHER, today)
    ]
    dashboard.refresh()
    assert ("OT", "Sleep 7 hours") in [(r[0], r[1]) for r in dashboard.goals_panel.rows()]
    sleep_chart = next(c for c in dashboard.visible_charts() if c.axis_label().startswith("Sleep"))
    assert [v for v, _label in sleep_chart.goal_lines()] == [7.0]


def test_marking_a_goal_achieved_takes_its_chart_off_the_goals_group(
    dashboard: Dashboard, demo_store: Store
) -> None:
    pid = _patient(demo_store)
    goals = demo_store.goals(pid)
    before = len(dashboard.visible_charts())
    target = next(g for g in goals if g.marker == "pain")
    panel = dashboard.goals_panel
    item = next(
        panel.topLevelItem(i).child(j)  # type: ignore[union-attr]
        for i in range(panel.topLevelItemCount())
        for j in range(panel.topLevelItem(i).childCount())  # type: ignore[union-attr]
        if panel.topLevelItem(i).child(j).text(0) == target.title  # type: ignore[union-attr]
    )
    panel.setCurrentItem(item)
    dashboard.set_goal_status(GoalStatus.MARKED_ACHIEVED, confirm=False)
    [saved] = [g for g in demo_store.goals(pid) if g.id == target.id]
    assert saved.status == GoalStatus.MARKED_ACHIEVED
    assert len(dashboard.visible_charts()) == before - 1
    assert ("PT", target.title) in [(r[0], r[1]) for r in dashboard.goals_panel.rows()]
    # The therapist's decision reads apart from the computed "Achieved" (the target met by the numbers).
    [status] = [r[3] for r in dashboard.goals_panel.rows() if r[1] == target.title]
    assert status == "Marked achieved"


def test_a_patient_with_nothing_logged_sees_where_charts_will_appear(
    qtbot, store: Store, today: date
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.core.model import Patient

    patient = store.save_patient(Patient("New Person"))
    assert patient.id is not None
    store.save_goal(patient.id, Goal(Discipline.PT, "Less pain", "pain", 2, Direction.LOWER))
    board = Dashboard(PatientSession.open(store, patient.id, today))
    qtbot.addWidget(board)
    [(discipline, title, sentence, _status)] = board.goals_panel.rows()
    assert (discipline, title) == ("PT", "Less pain")
    assert "nothing logged yet" in sentence
    [chart] = board.visible_charts()
    assert chart.message() == "No weeks logged yet"


def test_questionnaire_scores_are_charted_like_any_marker(dashboard: Dashboard, demo_store: Store) -> None:
    pid = _patient(demo_store)
    lefs = [(r.taken, r.score) for r in demo_store.measures(pid, "LEFS")]
    assert len(lefs) >= 2
    names = [dashboard.group_list.item(i).text() for i in range(dashboard.group_list.count())]  # type: ignore[union-attr]
    dashboard.group_list.setCurrentRow(names.index("Questionnaires"))
    chart = next(c for c in dashboard.visible_charts() if c.axis_label().startswith("LEFS"))
    weeks, values = chart.plotted_points()
    assert list(zip(weeks, values, strict=True)) == lefs


def test_only_charts_on_screen_are_made_and_drawn_and_scrolling_brings_the_rest(
    dashboard: Dashboard, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.charts.marker_chart import MarkerChart

    page = dashboard._pages[GOALS_GROUP]
    qtbot.waitUntil(lambda: len(page.drawn) > 0)
    assert len(page.drawn) < len(page.cells), "charts scrolled out of view wait until they are seen"
    made = [i for i, cell in enumerate(page.cells) if isinstance(cell, MarkerChart)]
    assert made == sorted(page.drawn)  # cells not yet seen hold no chart at all
    bar = dashboard.chart_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: len(page.drawn) == len(page.cells))
    assert all(isinstance(cell, MarkerChart) and cell.plotted_points()[0] for cell in page.cells)
    assert all(cell.isVisible() for cell in page.cells)  # made while the page was on screen: shown too


def test_rom_charts_show_the_typical_range_from_the_chosen_table(
    dashboard: Dashboard, demo_store: Store, shot
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.core.rom_norms import typical_range

    names = [dashboard.group_list.item(i).text() for i in range(dashboard.group_list.count())]  # type: ignore[union-attr]
    dashboard.group_list.setCurrentRow(names.index("Range of motion"))
    knee = next(c for c in dashboard.visible_charts() if c.axis_label().startswith("Right knee flexion"))
    assert knee.typical_band() == typical_range("knee", "flexion", "AAOS")
    assert knee.isVisible()
    shot(dashboard, "dashboard-range-of-motion.png")
    dashboard.set_rom_norms("VA")
    knee = next(c for c in dashboard.visible_charts() if c.axis_label().startswith("Right knee flexion"))
    assert knee.typical_band() == typical_range("knee", "flexion", "VA")


def test_the_goal_editor_suggests_the_typical_range_for_a_movement(
    dashboard: Dashboard, demo_store: Store, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.core.rom_norms import norm

    dialog = GoalDialog(dashboard.session, dashboard.data, None, dashboard)
    qtbot.addWidget(dialog)
    knee = next(
        dialog.marker.itemData(i)
        for i in range(dialog.marker.count())
        if "knee/right/flexion" in str(dialog.marker.itemData(i))
    )
    dialog.marker.setCurrentIndex(dialog.marker.findData(knee))
    typical = norm("knee", "flexion", "AAOS")
    assert typical is not None
    assert typical.text in dialog.scale_hint.text()
    assert dialog.target.placeholderText() == f"{typical.high:g}"


@pytest.mark.parametrize("size", [(1280, 900), (760, 620)])
def test_each_chart_on_screen_is_painted_once_when_the_dashboard_appears(
    qtbot, demo_store: Store, today: date, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    """A second paint of every chart (Qt polishing the plots after the first) was a fifth of start-up.
    In a smaller window a new chart's row also grew to the chart's own size hint (480 px) after its
    first paint, which moved and painted the charts again: a chart keeps its cell's size."""
    from PySide6.QtCore import QEvent, QObject

    from rehabtrack.charts.marker_chart import MarkerChart

    paints: dict[int, int] = {}

    class Counter(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and isinstance(obj.parent(), MarkerChart):
                paints[id(obj.parent())] = paints.get(id(obj.parent()), 0) + 1
            return False

    from PySide6.QtWidgets import QApplication

    counter = Counter()
    QApplication.instance().installEventFilter(counter)  # type: ignore[union-attr]
    try:
        board = Dashboard(PatientSession.open(demo_store, _patient(demo_store), today))
        board.resize(*size)
        qtbot.addWidget(board)
        board.show()
        qtbot.waitExposed(board)
        qtbot.wait(200)
    finally:
        QApplication.instance().removeEventFilter(counter)  # type: ignore[union-attr]
    page = board._pages[board.visible_group() or ""]
    on_screen = [page.chart(i) for i in sorted(page.drawn)]  # made and drawn because they are seen
    assert len(on_screen) >= 2 and {id(c) for c in on_screen} == set(paints)
    assert [paints[id(c)] for c in on_screen] == [1] * len(on_screen)
    assert {c.height() for c in page.cells} == {CHART_MIN_HEIGHT}


def test_a_goal_starting_next_month_says_when_it_starts_though_weeks_were_logged(
    qtbot, store: Store, today: date
) -> None:  # type: ignore[no-untyped-def]
    from rehabtrack.core.model import Patient, WeeklyEntry
    from rehabtrack.core.weeks import week_start

    patient = store.save_patient(Patient("Early Logger"))
    assert patient.id is not None
    this_week = week_start(today)
    store.save_entries(
        patient.id, [WeeklyEntry(this_week - timedelta(weeks=i), {"pain": 3.0 + i}) for i in range(6)]
    )
    starts = this_week + timedelta(weeks=3)
    store.save_goal(patient.id, Goal(Discipline.PT, "Less pain", "pain", 2, Direction.LOWER, start=starts))
    board = Dashboard(PatientSession.open(store, patient.id, today))
    qtbot.addWidget(board)
    [(_discipline, _title, sentence, status)] = board.goals_panel.rows()
    assert f"the goal starts {starts.day} {starts:%b}" in sentence, sentence
    assert "nothing logged" not in sentence and status == "Not enough data yet"


def _cut_cells(panel) -> list[str]:  # type: ignore[no-untyped-def]
    """The title and status cells whose text is wider than its column: what would show cut off."""
    from PySide6.QtGui import QFontMetrics

    cut = []
    for i in range(panel.topLevelItemCount()):
        head = panel.topLevelItem(i)
        for item in [head, *(head.child(j) for j in range(head.childCount()))]:
            for column in (0, 1):
                metrics = QFontMetrics(item.font(column).resolve(panel.font()))
                if metrics.horizontalAdvance(item.text(column)) >= panel.columnWidth(column):
                    cut.append(item.text(column))
    return cut


def test_goal_titles_and_statuses_are_never_cut_off_as_they_change_and_the_text_grows(
    main_window: Callable[..., MainWindow], qtbot: QtBot, demo_store: Store, today: date
) -> None:
    """The title and status columns are as wide as their widest text: when the window opens, when a
    saved week changes a status ("On track" to "Target met", say), and at 200 % text."""
    from rehabtrack.ui.settings import Preferences

    window = main_window(demo_store)
    window.tabs.setCurrentWidget(window.dashboard)
    dashboard = window.dashboard
    assert isinstance(dashboard, Dashboard)
    panel = dashboard.goals_panel
    qtbot.waitUntil(lambda: panel.isVisible())
    assert not _cut_cells(panel)
    pid = _patient(demo_store)
    long_title = "Walk to the corner shop and back with the shopping, twice a week"
    goal = next(g for g in demo_store.goals(pid) if g.marker == "pain")
    dashboard.session.edit_goal(replace(goal, title=long_title))
    qtbot.waitUntil(lambda: not _cut_cells(panel))
    statuses = {row[3] for row in panel.rows()}
    week = week_start(today)
    stored = demo_store.entry(pid, week)
    values = {"pain": 0.0}
    dashboard.session.save_week(WeeklyEntry(week, values, version=stored.version if stored else 0))
    assert {row[3] for row in panel.rows()} != statuses  # a status changed ("Behind" went)
    assert not _cut_cells(panel)
    window.desktop.apply(Preferences(font_scale=200))
    qtbot.waitUntil(lambda: not _cut_cells(panel))
    assert long_title in [row[1] for row in panel.rows()]
