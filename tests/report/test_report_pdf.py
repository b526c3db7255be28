"""The demo patient's progress PDF, read back with pypdf and poppler: what a clinician must find in it."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pypdf import PdfReader

from rehabtrack import __version__
from rehabtrack.core.model import Goal, Patient
from rehabtrack.core.progress import format_value, progress_toward, summarise_change
from rehabtrack.core.series import series_for
from rehabtrack.core.weeks import weeks_between
from rehabtrack.report.content import ReportContent, build_content, format_day
from rehabtrack.report.pdf import MARGIN_MM, default_paper, print_report, write_report
from rehabtrack.storage.store import Store

SHOTS = Path("/tmp/rehabtrack-shots")
MM_TO_PT = 72 / 25.4

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdftotext(pdf: Path, *args: str) -> str:
    out = subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return out.stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@dataclass
class Written:
    path: Path
    content: ReportContent
    pages: int
    reader: PdfReader
    texts: list[str]  # pypdf, one per page, whitespace squashed
    layout: list[str]  # pdftotext -layout, one per page

    @property
    def text(self) -> str:
        return " ".join(self.texts)


def write_and_read(path: Path, content: ReportContent, paper: str = "a4") -> Written:
    pages = write_report(content, path, paper)
    reader = PdfReader(path)
    texts = [squash(p.extract_text()) for p in reader.pages]
    layout = [p for p in pdftotext(path, "-layout").split("\f") if p.strip()]
    return Written(path, content, pages, reader, texts, layout)


@pytest.fixture(scope="module")
def demo_report(
    demo_data: tuple[Store, Patient], tmp_path_factory: pytest.TempPathFactory, qapp: Any, today: date
) -> Written:
    store, patient = demo_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    return write_and_read(tmp_path_factory.mktemp("report") / "demo.pdf", content)


@pytest.fixture(scope="module")
def long_report(
    long_data: tuple[Store, Patient], tmp_path_factory: pytest.TempPathFactory, qapp: Any, today: date
) -> Written:
    store, patient = long_data
    assert patient.id is not None
    content = build_content(store, patient.id, today=today)
    return write_and_read(tmp_path_factory.mktemp("report") / "long.pdf", content)


def core_percent(store: Store, patient_id: int, goal: Goal, end: date, as_of: date) -> str:
    """The goal's percent of the way, straight from core, rounded the way core's goal sentence does."""
    entries = [e for e in store.entries(patient_id) if e.week <= end]
    series = series_for(goal.marker, entries, store.activities(patient_id, include_archived=True))
    progress = progress_toward(goal, series, as_of)
    assert progress.percent is not None
    return format_value(progress.percent, "%", whole=True)


# -- header, goals, summary ----------------------------------------------------------------------


def test_header_fields_are_on_page_one(demo_report: Written, demo_data: tuple[Store, Patient]) -> None:
    _, patient = demo_data
    first = demo_report.texts[0]
    expected = [
        patient.display_name,
        patient.condition,
        patient.affected_side,
        format_day(patient.rehab_start),
        patient.pt_clinician,
        patient.ot_clinician,
        demo_report.content.period_text,
        "24 of 26 weeks in the period",
        f"RehabTrack {__version__}",
    ]
    for value in expected:
        assert value in first, value
    layout = demo_report.layout[0]
    for label in ("Condition", "Affected side or area", "Rehab start", "PT clinician", "OT clinician"):
        assert label in layout
    assert "Summary of change" in layout and "Physical therapy (PT) goals" in layout


def test_every_goal_shows_the_percent_core_computes(
    demo_report: Written, demo_data: tuple[Store, Patient]
) -> None:
    store, patient = demo_data
    assert patient.id is not None
    goals = store.goals(patient.id)
    assert len(goals) == 7
    content = demo_report.content
    text = demo_report.text
    layout_lines = "\n".join(demo_report.layout).splitlines()
    titles = [g.title for g in goals]
    for goal in goals:
        percent = core_percent(store, patient.id, goal, content.period_end, content.as_of)
        start = text.index(goal.title)
        ends = [text.find(t, start + 1) for t in titles if t != goal.title] + [text.find("As of", start)]
        row = text[start : min(e for e in ends if e > start)]
        assert percent in row.split(), (goal.title, percent, row)
        # and on one printed line with the start of the title, as a reader sees it
        head = " ".join(goal.title.split()[:2])
        assert any(head in line and percent in line.split() for line in layout_lines), (goal.title, percent)


def test_pt_and_ot_goals_are_in_separate_labelled_tables(demo_report: Written) -> None:
    text = demo_report.text
    pt_at = text.index("Physical therapy (PT) goals")
    ot_at = text.index("Occupational therapy (OT) goals")
    for row in demo_report.content.pt_goals:
        assert pt_at < text.index(row.title) < ot_at
    for row in demo_report.content.ot_goals:
        assert text.index(row.title) > ot_at


def test_summary_of_change_prints_cores_judgement(demo_report: Written) -> None:
    content = demo_report.content
    assert content.changes
    text = demo_report.text
    for row in content.changes:
        series = next(c.series for c in content.charts if c.key == row.key)
        change = summarise_change(series, 4, 4)
        assert change is not None
        marked = " (clinic convention)" if change.meaningful and not change.threshold.published else ""
        assert row.judgement == change.direction + marked
        assert f"{row.measure} {row.first} {row.last} {row.change}" in text


# -- pages ---------------------------------------------------------------------------------------


def test_page_numbers_and_patient_name_on_every_page(demo_report: Written) -> None:
    n = demo_report.pages
    assert 3 <= n <= 12
    assert len(demo_report.reader.pages) == n == len(demo_report.layout)
    for i, (text, layout) in enumerate(zip(demo_report.texts, demo_report.layout, strict=True), start=1):
        assert f"Page {i} of {n}" in layout
        assert "Margaret Demo" in text
    assert "Page 1 of" in demo_report.layout[0]
    assert f"Page {n} of {n}" in demo_report.layout[-1]


def test_nothing_is_drawn_outside_the_margins(demo_report: Written, long_report: Written) -> None:
    margin = MARGIN_MM * MM_TO_PT
    for written in (demo_report, long_report):
        html = pdftotext(written.path, "-bbox")
        pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
        assert len(pages) == written.pages
        for width, height, body in pages:
            words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', body)
            assert words
            for x0, y0, x1, y1 in ((float(v) for v in w) for w in words):
                assert x0 >= margin - 1 and y0 >= margin - 1
                assert x1 <= float(width) - margin + 1 and y1 <= float(height) - margin + 1


def test_metadata_says_what_it_is_and_nothing_about_the_patient(
    demo_report: Written, demo_data: tuple[Store, Patient]
) -> None:
    _, patient = demo_data
    meta = demo_report.reader.metadata
    assert meta is not None
    assert meta.title == "RehabTrack progress report"
    assert meta.creator == f"RehabTrack {__version__}"
    assert meta.subject and "progress" in meta.subject
    root: Any = demo_report.reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    values = " ".join(str(v) for v in meta.values()) + xmp
    for private in (
        patient.display_name,
        patient.condition,
        "knee",
        patient.affected_side,
        patient.pt_clinician,
        patient.ot_clinician,
    ):
        assert private.lower() not in values.lower(), private


def _xobjects(resources: Any) -> list[Any]:
    found = []
    xobjects = resources.get("/XObject") if resources is not None else None
    for ref in (xobjects or {}).values():
        obj = ref.get_object()
        found.append(obj)
        if obj.get("/Subtype") == "/Form":
            found += _xobjects(obj.get("/Resources"))
    return found


def test_charts_are_vectors_and_fonts_are_embedded(demo_report: Written) -> None:
    for page in demo_report.reader.pages:
        images = [x for x in _xobjects(page.get("/Resources")) if x.get("/Subtype") == "/Image"]
        assert images == []
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # every chart is there, titled, with its axis text as real text
    for chart in demo_report.content.charts:
        assert chart.title in demo_report.text
    chart_pages = [i for i, t in enumerate(demo_report.texts) if "Charts" in t or "weeks logged" in t]
    content = demo_report.reader.pages[chart_pages[0]].get_contents()
    assert content is not None
    paths = len(re.findall(rb"\s[lc]\n", content.get_data()))
    assert paths > 500  # lines and curves: the charts are drawn, not pasted
    assert demo_report.path.stat().st_size < 1_500_000


def test_each_page_renders_and_is_not_blank(demo_report: Written, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(demo_report.path), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pngs = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    assert len(pngs) == demo_report.pages
    for png in pngs:
        image = QImage(str(png)).convertToFormat(QImage.Format.Format_Grayscale8)
        assert not image.isNull()
        raw = np.frombuffer(image.constBits(), dtype=np.uint8)  # type: ignore[call-overload]
        pixels = raw.reshape(image.height(), image.bytesPerLine())[:, : image.width()]
        inked = float((pixels < 200).mean())
        assert inked > 0.01, png.name
        assert float(pixels.std()) > 10, png.name
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pngs[0], SHOTS / "report-page1.png")
    shutil.copy(pngs[1], SHOTS / "report-page2.png")


# -- long periods, paper, printing ---------------------------------------------------------------


def test_a_two_year_weekly_table_spans_pages_with_its_header_repeated(long_report: Written) -> None:
    content = long_report.content
    assert content.weeks_in_period == 104
    text = long_report.text
    table = content.weekly_tables[0]
    on_pages = [i for i, t in enumerate(long_report.texts) if table.title in t]
    assert len(on_pages) >= 2
    for i in on_pages[1:]:
        page = long_report.texts[i]
        assert f"{table.title} (continued)" in page
        assert f"Week of {table.columns[1]}" in page  # the header row again, before the rows
    for monday in weeks_between(content.period_start, content.period_end):
        # once per weekly table: no week lost or doubled at a page break
        assert text.count(format_day(monday) + " ") >= len(content.weekly_tables), monday
    assert "(cont.)" in text  # the very long note was split into rows that fit a page
    assert 4 <= long_report.pages <= 20


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size(paper: str, size: tuple[int, int], demo_report: Written, tmp_path: Path) -> None:
    path = tmp_path / f"{paper}.pdf"
    pages = write_report(demo_report.content, path, paper)
    reader = PdfReader(path)
    assert len(reader.pages) == pages
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
    last = pdftotext(path, "-layout").split("\f")[pages - 1]
    assert f"Page {pages} of {pages}" in last


def test_default_paper_follows_the_locale() -> None:
    from PySide6.QtCore import QLocale

    assert default_paper(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == "letter"
    assert default_paper(QLocale(QLocale.Language.French, QLocale.Country.Canada)) == "letter"
    assert default_paper(QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "a4"
    assert default_paper(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)) == "a4"


def test_unknown_paper_is_refused(demo_report: Written, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="paper"):
        write_report(demo_report.content, tmp_path / "x.pdf", "a5")
    assert not (tmp_path / "x.pdf").exists()


def test_printing_uses_the_same_pages(demo_report: Written, tmp_path: Path) -> None:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    assert printer.resolution() > 96
    pages = print_report(demo_report.content, printer)
    assert pages == demo_report.pages
    printed = pdftotext(tmp_path / "printed.pdf", "-layout").split("\f")
    assert f"Page 1 of {pages}" in printed[0]
    assert "Margaret Demo" in printed[0]
