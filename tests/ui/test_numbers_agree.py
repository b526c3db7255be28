"""The same quantity reads the same everywhere: the check-in history, the dashboard, the session view and
the PDF show identical numbers for the demo patient (each read from what that view shows)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rehabtrack.charts.theme import LIGHT
from rehabtrack.report.content import build_content
from rehabtrack.report.pdf import write_report
from rehabtrack.storage.demo import seed_demo
from rehabtrack.storage.store import open_store
from rehabtrack.ui.shell.main_window import MainWindow
from rehabtrack.ui.views.dashboard import Dashboard
from rehabtrack.ui.views.history import COLUMNS
from rehabtrack.ui.views.session_view import SessionView

NUMBER = r"[−+]?\d+(?:\.\d+)?"
HISTORY_TITLES = {  # the PDF's weekly-table title of each column the history shows
    "pain": "Pain (0–10)",
    "stiffness_minutes": "Stiffness (min)",
    "flareup_count": "Flare-ups",
    "sleep_hours": "Sleep (h)",
    "exercise_adherence": "Adherence (%)",
}


def _number(text: str) -> str:
    """The number a cell or phrase shows, without its unit ("2.3" of "2.3 h a night", "6" of "6/10")."""
    found = re.match(NUMBER, text.strip())
    assert found is not None, f"no number in {text!r}"
    return found.group(0)


@pytest.fixture
def views(main_window: Callable[..., MainWindow], qtbot: QtBot, data_dir: Path, today: date, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(data_dir)
    seed_demo(store, today)
    store.close()
    window = main_window(data_dir, size=(1280, 900))
    assert window.store is not None and window.patient is not None and window.patient.id is not None
    session = SessionView(window.session, LIGHT)
    qtbot.addWidget(session)
    content = build_content(window.store, window.patient.id, today=today)
    pdf = tmp_path / "report.pdf"
    write_report(content, pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return window, session, content, text.stdout


def test_weekly_values_in_the_history_match_the_pdf_and_the_dashboard_charts(views) -> None:  # type: ignore[no-untyped-def]
    window, _session, content, pdf_text = views
    history = window.history_model
    # Each logged week's row of each weekly table, as pdftotext lays it out: the date, then one cell a column.
    table_rows: dict[str, list[list[str]]] = {}
    for line in pdf_text.splitlines():
        found = re.match(r"\s*(\d{1,2} [A-Z][a-z]{2} \d{4})\s{2,}(.*)$", line)  # indented beside a chart
        if found:
            table_rows.setdefault(found.group(1), []).append(found.group(2).split())
    compared = 0
    for row in range(history.rowCount()):
        week_text = history.index(row, 0).data()
        if history.entry_at(row) is None:
            continue
        for column, key in enumerate(COLUMNS, start=1):
            shown = history.index(row, column).data()
            if not shown:
                continue
            title = HISTORY_TITLES[key]
            number = next(i for i, t in enumerate(content.weekly_tables) if title in t.columns)
            cells = table_rows[week_text][number]
            assert cells[content.weekly_tables[number].columns.index(title) - 1] == shown, (week_text, key)
            compared += 1
    assert compared > 100

    # The dashboard's charts: the hover text of each weekly point shows the history's number.
    dashboard = window.dashboard
    assert isinstance(dashboard, Dashboard)
    by_week = {history.index(r, 0).data(): r for r in range(history.rowCount())}
    groups = list(dashboard.data.chart_groups)
    hovered = 0
    for row_index, name in enumerate(groups):
        dashboard.group_list.setCurrentRow(row_index)
        for chart, key in zip(dashboard.visible_charts(), dashboard.data.chart_groups[name], strict=True):
            if key not in COLUMNS:
                continue
            for i in range(len(chart.plotted_points()[0])):
                found = re.match(r"Week of (.+?): (.*)$", chart.tooltip_at(i))
                assert found is not None
                history_row = by_week[found.group(1)]
                shown = history.index(history_row, COLUMNS.index(key) + 1).data()
                assert _number(found.group(2)) == shown, (key, found.group(1))
                hovered += 1
    assert hovered > 50


def test_period_means_and_changes_in_the_session_view_match_the_pdf(views) -> None:  # type: ignore[no-untyped-def]
    _window, session, _content, pdf_text = views
    rows = session.compare.rows()
    compared = 0
    for label, first, last, verdict, words in rows:
        if verdict == "—":
            continue
        a, b = _number(first), _number(last)
        change = re.search(r"\((" + NUMBER + r")", words)
        assert change is not None
        c = change.group(1)
        # The sentence and the table cells agree ...
        assert f"from {a}" in words and f"to {b}" in words, words
        # ... and the PDF's summary row of the same marker shows the same three numbers.
        row = re.compile(
            rf"(?m)^\s*{re.escape(label[:14])}.*?\s{re.escape(a)}°?\s+{re.escape(b)}°?\s+{re.escape(c)}[°\s]"
        )
        assert row.search(pdf_text), (label, a, b, c)
        compared += 1
    assert compared >= 15
    pain = next(r for r in rows if r[0].startswith("Pain"))
    sleep = next(r for r in rows if r[0] == "Sleep")
    # The last four weeks' pain 2.25 reads 2.3 (halves away from zero, not 2.2), and 5.8 → 2.3 is −3.5.
    # Sleep 5.075 → 7.225 is +2.15 hours: at one decimal "5.1 → 7.2 (+2.2)" would not subtract, so the
    # values and the change take the second decimal they need.
    assert (pain[2], "from 5.08 to 7.23 (+2.15 hours)" in sleep[4]) == ("2.3", True), sleep
    assert re.search(r"(?m)^\s*Pain \(weekly average\)\s+5\.8\s+2\.3\s+−3\.5 points", pdf_text)
    assert re.search(r"(?m)^\s*Sleep \(h a night\)\s+5\.08\s+7\.23\s+\+2\.15 hours", pdf_text)


def test_goal_numbers_on_the_dashboard_the_session_view_and_the_pdf_match(views, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    window, session, content, pdf_text = views
    dashboard = window.dashboard
    assert isinstance(dashboard, Dashboard)
    panel = {title: sentence for _d, title, sentence, _status in dashboard.goals_panel.rows()}
    seen = 0
    for _ in session.slides:
        slide = session.current()
        assert slide is not None
        if slide.goal is not None:
            sentence = session.sentence.text()
            assert panel[slide.goal.title] == sentence  # the session view says what the dashboard says
            found = re.match(rf".*?: ({NUMBER})°? → ({NUMBER})°?,(?: ({NUMBER})% of the way to)?", sentence)
            assert found is not None, sentence
            baseline, current, percent = found.groups()
            row = next(r for r in (*content.pt_goals, *content.ot_goals) if r.title == slide.goal.title)
            assert (_number(row.baseline), _number(row.current)) == (baseline, current)
            if percent is not None:
                assert row.percent == f"{percent}%"
            title_line = re.compile(
                rf"(?m)^\s*{re.escape(slide.goal.title[:20])}.*?\s{re.escape(row.baseline)}\s+"
                rf"{re.escape(row.current)}\s+{re.escape(row.target)}\s+{re.escape(row.percent)}"
            )
            assert title_line.search(pdf_text), slide.goal.title
            seen += 1
        session.step(1)
    assert seen == len(dashboard.data.open_goals()) >= 5
