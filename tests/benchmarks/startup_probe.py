"""Child process for the start-up and memory benchmarks (run by ``measure.py``, one fresh process a run).

Usage: python startup_probe.py MODE [DATA_DIR]

- ``bare``: a bare PySide6 + pyqtgraph window with one PlotWidget (the first-paint floor)
- ``app``: RehabTrack started the way ``rehabtrack`` starts it (``ui.app.run_app``), until its first paint
- ``floor``: the bare window, then ``import sqlmodel``, one query of DATA_DIR's database and its points
  plotted: the stack's floor for data on screen
- ``dashboard``: ``run_app`` on DATA_DIR until the dashboard tab shows the first patient's charts
- ``memory``: as ``dashboard``, then every chart group shown, at "All" (the peak of a browsing session)

The child prints one JSON line and ends at once (``os._exit``, so tearing down is never timed):
``{"t": time.time() at the milestone, "maxrss_mb": peak RSS so far (VmHWM), ...}``. The parent takes the
time just before starting the child, so a figure runs from process start to the milestone.

Milestones are detected the same way in every mode: "painted" is the first ``Expose`` of the
top-level window (Qt paints the whole window while handling it) plus one turn of the event loop,
so the time is taken once that paint is finished; "data shown" is the first ``Paint`` of a chart
that shows the data, plus one turn of the event loop.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WINDOW_SIZE = (1200, 820)  # MainWindow's own default size


def report(**fields: Any) -> None:
    """Print the milestone and leave without tearing down (that is not part of any figure)."""
    fields.setdefault("t", time.time())
    fields["maxrss_mb"] = peak_rss_mb()
    print(json.dumps(fields), flush=True)
    sys.stderr.flush()
    os._exit(0)


def peak_rss_mb() -> float:
    """This process's peak resident set size. On Linux that is VmHWM: ``getrusage().ru_maxrss`` of a
    child also counts its parent's size at fork (kept across exec), so it reads ~280 MB for a bare
    window started from a benchmark process that has Qt and the data set loaded."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux; elsewhere: rough


def when(accept: Callable[[Any, Any], bool], then: Callable[[], None]) -> None:
    """Call ``then`` one event-loop turn after the first event that ``accept(obj, event)`` accepts.

    The filter sits on the application (so it is there before any window exists) and removes
    itself at the first accepted event, so it costs nothing afterwards.
    """
    from PySide6.QtCore import QObject, QTimer
    from PySide6.QtWidgets import QApplication

    found = QApplication.instance()
    assert found is not None
    app = found

    class Watcher(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 (Qt's name)
            if accept(obj, event):
                app.removeEventFilter(self)
                QTimer.singleShot(0, then)
            return False

    watcher = Watcher(app)
    app.installEventFilter(watcher)


def when_a_chart_paints_data(then: Callable[[], None]) -> None:
    """Call ``then`` one event-loop turn after the first paint of a chart that shows data.

    Charts are made when the Dashboard tab is clicked, so each new chart's viewport is watched from the
    moment it is made: a filter on the whole application would run Python for every event of the
    click and slow down what is measured.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    from rehabtrack.charts import marker_chart

    made = marker_chart.MarkerChart.__init__
    fired = [False]

    class Watcher(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 (Qt's name)
            if not fired[0] and event.type() == QEvent.Type.Paint and obj.parent().plotted_points()[0]:
                fired[0] = True
                QTimer.singleShot(0, then)
            return False

    watcher = Watcher()

    def watched_init(chart: Any, *args: Any, **kwargs: Any) -> None:
        made(chart, *args, **kwargs)
        chart.viewport().installEventFilter(watcher)

    marker_chart.MarkerChart.__init__ = watched_init  # type: ignore[method-assign, assignment]


def first_expose(obj: Any, event: Any) -> bool:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QWindow

    return event.type() == QEvent.Type.Expose and isinstance(obj, QWindow) and obj.isExposed()


def bare_window() -> Any:
    import pyqtgraph as pg
    from PySide6.QtWidgets import QMainWindow

    window: Any = QMainWindow()
    window.plot = pg.PlotWidget()
    window.setCentralWidget(window.plot)
    window.resize(*WINDOW_SIZE)
    return window


def run_bare(data_dir: str | None, with_data: bool) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    window = bare_window()

    def painted() -> None:
        if not with_data:
            report(mode="bare")
        import sqlmodel
        from sqlalchemy import text

        engine = sqlmodel.create_engine(f"sqlite:///{data_dir}/rehabtrack.db")
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT week, pain FROM weekly_entry WHERE patient_id = 1 ORDER BY week")
            ).fetchall()
        import datetime as dt

        xs = [dt.date.fromisoformat(str(w)).toordinal() * 86400.0 for w, _ in rows]
        ys = [float(v) for _, v in rows]
        viewport = window.plot.viewport()
        when(
            lambda obj, event: obj is viewport and event.type() == QEvent.Type.Paint,
            lambda: report(mode="floor", points=len(rows)),
        )
        window.plot.plot(xs, ys)

    when(first_expose, painted)
    window.show()
    assert app is not None
    app.exec()


def run_rehabtrack(data_dir: str | None, mode: str) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # run_app reuses it; the watcher needs it before any window exists
    from rehabtrack.ui.shell import app as rehabtrack_app

    if mode == "app":
        when(first_expose, lambda: report(mode="app"))
        rehabtrack_app.run_app(data_dir)
        return

    from rehabtrack.ui.shell.main_window import MainWindow

    original_load = MainWindow.load

    def load_then_dashboard(window: Any) -> None:
        """What the user does: wait for the records, then click the Dashboard tab.

        The milestone is the first paint of a chart that shows data, plus one event-loop turn (Qt paints
        the other charts on screen in the same pass): the floor's rule.
        """
        original_load(window)
        dashboard = window.dashboard
        if mode == "memory":
            window.tabs.setCurrentWidget(dashboard)
            QApplication.processEvents()
            for name in list(dashboard.data.chart_groups):
                dashboard.group_list.setCurrentRow(list(dashboard.data.chart_groups).index(name))
                dashboard.set_range("All")
                window.tabs.setCurrentWidget(dashboard)
                dashboard.repaint()
            report(mode=mode, groups=len(dashboard.data.chart_groups))

        def shown() -> None:
            page = dashboard._pages[dashboard.visible_group()]
            charts = [page.chart(i) for i in sorted(page.drawn)]
            report(
                mode=mode,
                patient=window.patient.display_name,
                charts=len(charts),
                points=sum(len(chart.plotted_points()[0]) for chart in charts),
                weeks=len(dashboard.data.entries),
                dashboard_shown=window.tabs.currentWidget() is dashboard,
            )

        when_a_chart_paints_data(shown)
        window.tabs.setCurrentWidget(dashboard)

    MainWindow.load = load_then_dashboard  # type: ignore[method-assign, assignment]
    rehabtrack_app.run_app(data_dir)
    del app


def main() -> None:
    mode = sys.argv[1]
    data_dir = sys.argv[2] if len(sys.argv) > 2 else None
    if mode in ("bare", "floor"):
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])
        run_bare(data_dir, with_data=mode == "floor")
        del app
    elif mode in ("app", "dashboard", "memory"):
        run_rehabtrack(data_dir, mode)
    else:
        raise SystemExit(f"unknown mode {mode!r}: bare, floor, app, dashboard or memory")


if __name__ == "__main__":
    main()
