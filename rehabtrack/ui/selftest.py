"""``rehabtrack self-test``: open every view on demo data without a screen, draw every chart once.

Packagers and support staff run it to prove a build works; it exits non-zero with the reason.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path


def run_self_test(screenshots: Path | None = None) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from rehabtrack.core.resources import ResourceProblem

    try:
        return _run(screenshots)
    except ResourceProblem as exc:  # a broken installation: the file's name says it all
        print(f"self-test FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception:  # the reason goes to the person running the test
        print("self-test FAILED:\n" + traceback.format_exc(), file=sys.stderr)
        return 1


def _run(screenshots: Path | None) -> int:
    from rehabtrack.ui.app import make_application

    app = make_application()
    from rehabtrack.storage.paths import open_data
    from rehabtrack.ui.main_window import MainWindow

    window = MainWindow(lambda: open_data(demo=True))
    window.resize(1280, 900)
    window.show()
    window.load()
    app.processEvents()
    if window.patient is None:
        print("self-test FAILED: the demo patient did not load", file=sys.stderr)
        return 1
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.widget(index)
        app.processEvents()
        check = getattr(page, "self_check", None)
        if callable(check):
            problems.extend(check())
        name = window.tabs.tabText(index).replace("&", "").lower().replace(" ", "-")
        if screenshots is not None:
            path = screenshots / f"{index + 1:02d}-{name}.png"
            if not window.grab().save(str(path)):
                problems.append(f"could not save {path}")
        print(f"ok: {window.tabs.tabText(index).replace('&', '')}")
    problems.extend(_check_report(window))
    window.close()
    if problems:
        print("self-test FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"self-test passed: {window.tabs.count()} views")
    return 0


def _check_report(window) -> list[str]:  # type: ignore[no-untyped-def]
    """Write the demo patient's progress report in memory: the PDF code and its fonts work here too."""
    from rehabtrack.report.content import build_content
    from rehabtrack.report.pdf import render_pdf

    data, pages = render_pdf(build_content(window.store, window.patient.id))
    if pages < 1 or not data.startswith(b"%PDF"):
        return ["progress report: no PDF was written"]
    print(f"ok: progress report ({pages} pages, {len(data) // 1024} KB)")
    return []
