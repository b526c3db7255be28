"""Lay out a ReportContent as a paged clinical document, into a PDF file or onto a printer.

The layout is worked out first (every block measured with the same ``QTextLayout`` that later draws
it), so the page count is known before anything is painted and every footer can say "Page n of m".
All coordinates are in 1/96 inch, the resolution the PDF writer is set to; a printer with another
resolution gets a scaled painter, so the same code draws both.

Tables break between rows and repeat their header row; a chart row, a table row and a heading with
what follows it are never split across a page edge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QBuffer, QIODevice, QLocale, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtPrintSupport import QPrinter

from rehabtrack import __version__
from rehabtrack.charts.fonts import without_ligatures
from rehabtrack.core.model import Discipline
from rehabtrack.core.progress import COMPARE_WEEKS, NO_TREND_LINE, clear_trend
from rehabtrack.report.content import ChartSpec, GoalRow, ReportContent
from rehabtrack.storage.files import write_atomically

Paper = Literal["a4", "letter"]
DPI = 96
MARGIN_MM = 15.0
FOOTER_HEIGHT = 26.0
SECTION_GAP = 18.0
CELL_PAD_X = 4.0
CELL_PAD_Y = 3.0
CHART_GAP = 14.0
CHART_HEIGHT = 190.0
NOTE_CHUNK_CHARS = 900
WEEKLY_COLUMN_MAX = 14.0  # percent of the page width: a 2-column table stays compact

BLACK = QColor("#000000")
GREY_TEXT = QColor("#444444")
RULE = QColor("#808080")
HEADER_FILL = QColor("#DDDDDD")
STRIPE_FILL = QColor("#F3F3F3")
BAND_FILL = QColor("#E6E6E6")  # the print theme's translucent band as it looks on white paper

# Countries whose printers default to US Letter (Qt's own QPageSize has no locale default).
LETTER_TERRITORIES = frozenset(
    {
        QLocale.Country.UnitedStates,
        QLocale.Country.Canada,
        QLocale.Country.Mexico,
        QLocale.Country.Philippines,
        QLocale.Country.Chile,
        QLocale.Country.Colombia,
        QLocale.Country.Venezuela,
        QLocale.Country.CostaRica,
        QLocale.Country.Guatemala,
        QLocale.Country.Panama,
        QLocale.Country.DominicanRepublic,
        QLocale.Country.ElSalvador,
        QLocale.Country.PuertoRico,
        QLocale.Country.Nicaragua,
        QLocale.Country.Honduras,
    }
)
PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "a4": QPageSize.PageSizeId.A4,
    "letter": QPageSize.PageSizeId.Letter,
}


def default_paper(locale: QLocale | None = None) -> Paper:
    """ "letter" in the US, Canada and the other Letter countries, else "a4"."""
    territory = (locale or QLocale()).territory()
    return "letter" if territory in LETTER_TERRITORIES else "a4"


# -- text ------------------------------------------------------------------------------------------


def _font(pixels: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"])
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(round(pixels))
    font.setBold(bold)
    font.setItalic(italic)
    # Unhinted metrics are the same on screen, in the PDF and on a printer, so measuring = drawing.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return without_ligatures(font)


class Fonts:
    title = _font(22, bold=True)
    name = _font(17, bold=True)
    h1 = _font(15, bold=True)
    h2 = _font(12.5, bold=True)
    body = _font(11.5)
    bold = _font(11.5, bold=True)
    small = _font(10.5)
    small_bold = _font(10.5, bold=True)
    note = _font(10, italic=True)


class Text:
    """A block of wrapped text, laid out once: its height is exactly what ``draw`` covers."""

    def __init__(
        self,
        text: str,
        font: QFont,
        width: float,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        colour: QColor = BLACK,
    ) -> None:
        self.colour = colour
        self.layout = QTextLayout(text, font)
        option = QTextOption(align)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.layout.setTextOption(option)
        self.layout.beginLayout()
        y = 0.0
        while True:
            line = self.layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(width, 1.0))
            line.setPosition(QPointF(0, y))
            y += line.height()
        self.layout.endLayout()
        self.height = y

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        painter.setPen(self.colour)
        self.layout.draw(painter, QPointF(x, y))


# -- page flow -------------------------------------------------------------------------------------

Paint = Callable[[QPainter], None]


class Flow:
    """Places blocks top to bottom, starting a new page when the next block would not fit."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.pages: list[list[Paint]] = [[]]
        self.y = 0.0

    @property
    def left(self) -> float:
        return self.height - self.y

    def new_page(self) -> None:
        self.pages.append([])
        self.y = 0.0

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` fits in what is left of this one (or it is empty)."""
        if self.y > 0 and height > self.left + 0.01:
            self.new_page()

    def place(self, height: float, paint: Callable[[QPainter, float], None]) -> None:
        """Put a block of ``height`` at the current position; ``paint(painter, top)`` draws it."""
        self.ensure(height)
        top = self.y
        self.pages[-1].append(lambda p: paint(p, top))
        self.y += height

    def skip(self, height: float) -> None:
        """Vertical space; at the top of a page it is dropped."""
        if self.y > 0:
            self.y = min(self.y + height, self.height)


# -- tables ----------------------------------------------------------------------------------------

Cell = str | tuple[str, str]  # plain text, or (main line, smaller grey line below)
LEFT = Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignRight
CENTER = Qt.AlignmentFlag.AlignHCenter


@dataclass(frozen=True)
class Column:
    title: str
    share: float  # of the table width
    align: Qt.AlignmentFlag = LEFT


class _Row:
    def __init__(
        self,
        cells: Sequence[Cell],
        lefts: list[float],
        widths: list[float],
        columns: Sequence[Column],
        font: QFont,
        sub_font: QFont,
        header: bool = False,
    ) -> None:
        self.lefts = lefts
        self.widths = widths
        self.header = header
        self.blocks: list[list[Text]] = []
        for cell, width, column in zip(cells, widths, columns, strict=True):
            inner = width - 2 * CELL_PAD_X
            align = LEFT if header and column.align == LEFT else column.align
            if isinstance(cell, tuple):
                main, sub = cell
                parts = [Text(main, font, inner, align)]
                if sub:
                    parts.append(Text(sub, sub_font, inner, align, GREY_TEXT))
            else:
                parts = [Text(cell, font, inner, align)]
            self.blocks.append(parts)
        self.height = max(sum(t.height for t in parts) for parts in self.blocks) + 2 * CELL_PAD_Y

    def draw(self, painter: QPainter, top: float, stripe: bool) -> None:
        width = sum(self.widths)
        rect = QRectF(self.lefts[0], top, width, self.height)
        if self.header:
            painter.fillRect(rect, HEADER_FILL)
        elif stripe:
            painter.fillRect(rect, STRIPE_FILL)
        for parts, left in zip(self.blocks, self.lefts, strict=True):
            y = top + CELL_PAD_Y
            for text in parts:
                text.draw(painter, left + CELL_PAD_X, y)
                y += text.height
        painter.setPen(QPen(RULE, 0.6))
        painter.drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()))
        if self.header:
            painter.setPen(QPen(BLACK, 1.0))
            painter.drawLine(QPointF(rect.left(), rect.top()), QPointF(rect.right(), rect.top()))
            painter.drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()))


def _min_width(title: str, font: QFont) -> float:
    """The width the longest word of a column title needs, so no title word is broken."""
    metrics = QFontMetricsF(font)
    return max((metrics.horizontalAdvance(w) for w in title.split()), default=0.0) + 2 * CELL_PAD_X + 1


def fit_widths(widths: list[float], mins: list[float]) -> list[float]:
    """Widen columns below their minimum, taking the room from the others in proportion to their slack.

    The total stays the same; if every column is at its minimum already, the widths are left as they are.
    """
    out = list(widths)
    need = sum(max(0.0, m - w) for w, m in zip(out, mins, strict=True))
    slack = [max(0.0, w - m) for w, m in zip(out, mins, strict=True)]
    spare = sum(slack)
    if need <= 0 or spare <= 0:
        return out
    take = min(1.0, need / spare)
    out = [m if w < m else w - s * take for w, m, s in zip(out, mins, slack, strict=True)]
    total, wanted = sum(out), sum(widths)
    return out if total <= wanted else [w * wanted / total for w in out]  # never wider than asked


def place_table(
    flow: Flow,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    font: QFont | None = None,
    level: int = 2,
    keep_together: bool = False,
    note: str = "",
    stretch: bool = True,
    intro: str = "",
) -> None:
    """A titled table that breaks between rows; each page repeats the title "(continued)" and header.

    ``keep_together``: start it on a new page rather than split it, when it fits on one page.
    ``note``: a small paragraph under the table, never parted from its last row.
    ``stretch``: shares are of the whole width (else percent of the page width, for narrow tables).
    ``intro``: a bold line between the title and the table, kept with both.
    """
    font = font or Fonts.body
    total = sum(c.share for c in columns) if stretch else max(100.0, sum(c.share for c in columns))
    header_font = Fonts.small_bold
    widths = [flow.width * c.share / total for c in columns]
    widths = fit_widths(widths, [_min_width(c.title, header_font) for c in columns])
    lefts = [sum(widths[:i]) for i in range(len(widths))]
    header = _Row([c.title for c in columns], lefts, widths, columns, header_font, Fonts.small, header=True)
    body = [_Row(r, lefts, widths, columns, font, Fonts.small) for r in rows]
    head_font = Fonts.h1 if level == 1 else Fonts.h2
    heading = Text(title, head_font, flow.width)
    lead = Text(intro, Fonts.bold, flow.width) if intro else None
    lead_h = lead.height + 4 if lead is not None else 0.0
    more = Text(f"{title} (continued)", Fonts.h2, flow.width, colour=GREY_TEXT)
    first_row = body[0].height if body else 0.0
    flow.ensure(heading.height + 4 + lead_h + header.height + first_row)
    after = Text(note, Fonts.note, flow.width, colour=GREY_TEXT) if note else None
    after_h = after.height + 4 if after is not None else 0.0
    whole = heading.height + 4 + lead_h + header.height + sum(r.height for r in body) + after_h
    if keep_together and whole <= flow.height:
        flow.ensure(whole)
    flow.place(heading.height + 4, lambda p, top: heading.draw(p, 0, top))
    if lead is not None:
        flow.place(lead_h, lambda p, top: lead.draw(p, 0, top))
    flow.place(header.height, lambda p, top: header.draw(p, top, False))
    for i, row in enumerate(body):
        if row.height + (after_h if i == len(body) - 1 else 0.0) > flow.left:
            flow.new_page()
            flow.place(more.height + 4, lambda p, top: more.draw(p, 0, top))
            flow.place(header.height, lambda p, top: header.draw(p, top, False))

        def draw_row(p: QPainter, top: float, row: _Row = row, stripe: bool = i % 2 == 1) -> None:
            row.draw(p, top, stripe)

        flow.place(row.height, draw_row)
    if after is not None:
        flow.place(after_h, lambda p, top: after.draw(p, 0, top + 2))


def place_paragraph(flow: Flow, text: str, font: QFont | None = None, colour: QColor = GREY_TEXT) -> None:
    block = Text(text, font or Fonts.small, flow.width, colour=colour)
    flow.place(block.height + 4, lambda p, top: block.draw(p, 0, top))


def place_heading(flow: Flow, text: str, keep_with: float, font: QFont | None = None) -> None:
    block = Text(text, font or Fonts.h1, flow.width)
    flow.ensure(block.height + 6 + keep_with)
    flow.place(block.height + 6, lambda p, top: block.draw(p, 0, top))


# -- sections --------------------------------------------------------------------------------------


def _header(flow: Flow, content: ReportContent) -> None:
    title = Text(f"RehabTrack {content.title.lower()}", Fonts.title, flow.width)
    name = Text(content.patient_name, Fonts.name, flow.width)
    fields = [f for f in content.header if f.label != "Patient"]
    half = (len(fields) + 1) // 2
    col_w = (flow.width - 24) / 2
    label_w = 128.0
    cols: list[list[tuple[Text, Text]]] = [[], []]
    for i, f in enumerate(fields):
        column = 0 if i < half else 1
        cols[column].append(
            (
                Text(f.label, Fonts.small_bold, label_w - 6, colour=GREY_TEXT),
                Text(f.value, Fonts.body, col_w - label_w),
            )
        )
    heights = [sum(max(lab.height, val.height) + 3 for lab, val in column) for column in cols]
    grid_h = max(heights)
    total = title.height + 2 + name.height + 8 + grid_h + 10

    def paint(p: QPainter, top: float) -> None:
        title.draw(p, 0, top)
        y = top + title.height + 2
        name.draw(p, 0, y)
        y += name.height + 6
        p.setPen(QPen(BLACK, 1.4))
        p.drawLine(QPointF(0, y), QPointF(flow.width, y))
        y += 4
        for c, column in enumerate(cols):
            x = c * (col_w + 24)
            yy = y
            for lab, val in column:
                lab.draw(p, x, yy + (val.layout.lineAt(0).ascent() - lab.layout.lineAt(0).ascent()))
                val.draw(p, x + label_w, yy)
                yy += max(lab.height, val.height) + 3
        bottom = y + grid_h + 3
        p.setPen(QPen(RULE, 0.8))
        p.drawLine(QPointF(0, bottom), QPointF(flow.width, bottom))

    flow.place(total, paint)


def _summary(flow: Flow, content: ReportContent) -> None:
    flow.skip(SECTION_GAP)
    columns = [
        Column("Measure", 25),
        Column(f"First {COMPARE_WEEKS} weeks (mean)", 10, RIGHT),
        Column(f"Last {COMPARE_WEEKS} weeks (mean)", 10, RIGHT),
        Column("Change", 18, RIGHT),
        Column("Meaningful change", 15, RIGHT),
        Column("Beyond it?", 8, CENTER),
        Column("In words", 14),
    ]
    rows = [
        [r.measure, r.first, r.last, r.change, r.threshold, r.meaningful, r.judgement]
        for r in content.changes
    ]
    if not rows:
        place_heading(flow, "Summary of change", 20)
        place_paragraph(flow, "Nothing was logged in this period.")
        return
    note = (
        f"Mean of the first {COMPARE_WEEKS} logged weeks against the last {COMPARE_WEEKS} in the period "
        f"(fewer when under {2 * COMPARE_WEEKS} weeks were logged). "
        "A change smaller than the meaningful-change threshold is within normal variation: "
        "week-to-week noise, neither better nor worse. " + content.summary_sources
    ).strip()
    place_table(flow, "Summary of change", columns, rows, Fonts.small, level=1, note=note)


def _goal_cells(row: GoalRow) -> list[Cell]:
    return [
        (row.title, row.measure),
        row.baseline,
        row.current,
        row.target,
        row.percent,
        row.target_date,
        row.projected,
        row.status,
    ]


GOAL_COLUMNS = [
    Column("Goal (measured by)", 25),
    Column("Baseline", 9, RIGHT),
    Column("Current", 9, RIGHT),
    Column("Target", 8, RIGHT),
    Column("% of the way", 9, RIGHT),
    Column("Target date", 12, RIGHT),
    Column("Projected", 12, RIGHT),
    Column("Status", 16),
]


def _goals(flow: Flow, content: ReportContent) -> None:
    note = (
        f"As of {content.as_of.day} {content.as_of:%b %Y}. Baseline: set by the therapist, else the mean of "
        "the first two logged weeks since the goal started. Current: the middle value of the last three "
        "logged weeks. Projected: a range of dates from the trend of the last 12 weeks and its 90 % "
        "confidence interval, only when the trend is clear and larger than the measurement error; for an "
        "achieved goal, the week it was reached. A status needs five logged weeks."
    )
    sections = (
        ("Physical therapy (PT) goals", content.pt_goals, Discipline.PT),
        ("Occupational therapy (OT) goals", content.ot_goals, Discipline.OT),
    )
    for n, (name, rows, discipline) in enumerate(sections):
        flow.skip(SECTION_GAP if n else SECTION_GAP / 2)
        last = n == len(sections) - 1
        if not rows:
            place_heading(flow, name, 20)
            place_paragraph(flow, "No goals set." + (f" {note}" if last else ""), Fonts.note)
            continue
        cells = [_goal_cells(r) for r in rows]
        place_table(
            flow,
            name,
            GOAL_COLUMNS,
            cells,
            Fonts.small,
            level=1,
            keep_together=True,
            note=note if last else "",
            intro=content.verdict(discipline),
        )


def _questionnaires(flow: Flow, content: ReportContent) -> None:
    """Questionnaire scores over time, first against latest per instrument, and the recurrence watch."""
    if not (content.measures or content.maintenance or content.recurrence):
        return
    flow.skip(SECTION_GAP)
    if content.measures:
        columns = [
            Column("Questionnaire", 17),
            Column("Scores over time", 37),
            Column("First → latest", 16, RIGHT),
            Column("Meaningful change", 11, RIGHT),
            Column("Beyond it?", 19),
        ]
        rows: list[list[Cell]] = [
            [(r.name, r.scale), r.scores, r.change, r.threshold, (r.meaningful, r.judgement)]
            for r in content.measures
        ]
        note = (
            "Scored exactly as published (sources in the app's Questionnaires view). First → latest compares "
            "the first and the latest score in the period; a change smaller than the meaningful change is "
            "within normal variation. QuickDASH and ODI: higher is worse, so a fall is an improvement. PSFS: "
            "the mean of the weekly activity ratings (the same items, not asked twice). "
            + content.measure_sources
        ).strip()
        place_table(flow, "Questionnaire scores", columns, rows, Fonts.small, level=1, note=note)
    else:
        place_heading(flow, "Questionnaire scores", 20)
        place_paragraph(flow, "No questionnaire filled in during this period.")
    if content.maintenance or content.recurrence:
        flow.skip(SECTION_GAP / 2)
        place_heading(flow, "Recurrence watch", 30, Fonts.h2)
        if content.maintenance:
            place_paragraph(flow, content.maintenance, Fonts.body, BLACK)
        for message in content.recurrence:
            place_paragraph(flow, message, Fonts.bold, BLACK)
        if content.maintenance and not content.recurrence:
            place_paragraph(
                flow,
                "No marker has been worse than at discharge by at least its meaningful change for two "
                "check-ins in a row.",
                Fonts.body,
                BLACK,
            )


def _legend(flow: Flow) -> None:
    from rehabtrack.charts.theme import PRINT

    def line(colour: str, width: float, style: Qt.PenStyle) -> Callable[[QPainter, float, float], None]:
        def draw(p: QPainter, x: float, y: float) -> None:
            pen = QPen(QColor(colour), width)
            pen.setStyle(style)
            p.setPen(pen)
            p.drawLine(QPointF(x, y), QPointF(x + 22, y))

        return draw

    def dots(p: QPainter, x: float, y: float) -> None:
        line(PRINT.data, PRINT.data_width, Qt.PenStyle.SolidLine)(p, x, y)
        p.setBrush(QColor(PRINT.data))
        p.setPen(Qt.PenStyle.NoPen)
        for dx in (3, 11, 19):
            p.drawEllipse(QPointF(x + dx, y), 2.6, 2.6)
        p.setBrush(Qt.BrushStyle.NoBrush)

    def band(p: QPainter, x: float, y: float) -> None:
        p.fillRect(QRectF(x, y - 5, 22, 10), BAND_FILL)

    items = [
        ("weekly value", dots),
        ("4-week average", line(PRINT.rolling_mean, PRINT.mean_width, Qt.PenStyle.SolidLine)),
        ("trend, 12 weeks, when clear", line(PRINT.trend, PRINT.trend_width, Qt.PenStyle.DashLine)),
        ("PT goal", line(PRINT.pt.colour, PRINT.goal_width, PRINT.pt.pen_style)),
        ("OT goal", line(PRINT.ot.colour, PRINT.goal_width, PRINT.ot.pen_style)),
        ("event", line(PRINT.event, PRINT.event_width, Qt.PenStyle.DotLine)),
        ("meaningful change", band),
    ]
    texts = [Text(label, Fonts.small, 200) for label, _ in items]
    widths = [t.layout.maximumWidth() for t in texts]
    x, rows = 0.0, 1
    positions = []
    for w in widths:
        if x + 28 + w > flow.width:
            x, rows = 0.0, rows + 1
        positions.append((x, rows - 1))
        x += 28 + w + 14
    line_h = texts[0].height + 4

    def paint(p: QPainter, top: float) -> None:
        for (_, sample), text, (x, r) in zip(items, texts, positions, strict=True):
            y = top + r * line_h
            sample(p, x, y + text.height / 2)
            text.draw(p, x + 28, y)

    flow.place(rows * line_h + 4, paint)
    place_paragraph(
        flow,
        "A missed week is a gap in the line, never bridged. Goal lines carry the goal; its target date is "
        "the hollow square (PT) or triangle (OT). Events are named above each chart. Gaps, goals and events "
        "are drawn as in the app.",
        Fonts.note,
    )


def _charts(flow: Flow, content: ReportContent, painters: list[ChartPainter]) -> None:
    if not content.charts:
        return
    flow.skip(SECTION_GAP)
    chart_w = (flow.width - CHART_GAP) / 2
    specs = list(content.charts)
    titles = [Text(s.title, Fonts.bold, chart_w) for s in specs]
    subs = [Text(_chart_subtitle(s), Fonts.small, chart_w, colour=GREY_TEXT) for s in specs]
    first_row_h = CHART_HEIGHT + max(t.height + s.height for t, s in zip(titles[:2], subs[:2], strict=True))
    place_heading(flow, "Charts", first_row_h + 40)
    _legend(flow)
    for i in range(0, len(specs), 2):
        pair = list(range(i, min(i + 2, len(specs))))
        head = max(titles[j].height + subs[j].height for j in pair)
        height = head + 2 + CHART_HEIGHT + CHART_GAP

        def paint(p: QPainter, top: float, pair: list[int] = pair, head: float = head) -> None:
            for n, j in enumerate(pair):
                x = n * (chart_w + CHART_GAP)
                titles[j].draw(p, x, top)
                subs[j].draw(p, x, top + titles[j].height)
                rect = QRectF(x, top + head + 2, chart_w, CHART_HEIGHT)
                for painter_fn in painters:
                    painter_fn(p, rect, specs[j], content)
                p.setPen(QPen(RULE, 0.6))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(rect)

        flow.place(height, paint)


def _chart_subtitle(spec: ChartSpec) -> str:
    if not spec.goals:
        if not spec.series.points:
            return "nothing logged in period"
        text = f"{len(spec.series.points)} weeks logged"
    else:
        text = "; ".join(f"{g.discipline} goal: {g.title}" for g in spec.goals)
    if spec.series.points and clear_trend(spec.series.points, spec.series.key) is None:
        text += f" \u00b7 {NO_TREND_LINE}"  # the chart draws no dashed line: say why
    return text


def _weekly(flow: Flow, content: ReportContent) -> None:
    for n, table in enumerate(content.weekly_tables):
        flow.skip(SECTION_GAP)
        if n == 0:
            place_heading(flow, "Weekly data", 120)
        data = len(table.columns) - 1
        shares = [13.0] + [min(87.0 / max(data, 1), WEEKLY_COLUMN_MAX)] * data
        columns = [
            Column(t, s, LEFT if i == 0 else RIGHT)
            for i, (t, s) in enumerate(zip(table.columns, shares, strict=True))
        ]
        place_table(flow, table.title, columns, table.rows, Fonts.small, stretch=False)


def _chunks(text: str, size: int = NOTE_CHUNK_CHARS) -> list[str]:
    """Split a long note at word boundaries so no single table row is taller than a page."""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind(" ", 0, size)
        cut = cut if cut > size // 2 else size
        out.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    out.append(text)
    return out


def _events_and_notes(flow: Flow, content: ReportContent) -> None:
    flow.skip(SECTION_GAP)
    place_heading(flow, "Events and notes", 80)
    if content.events:
        columns = [Column("Date", 14), Column("Kind", 24), Column("What happened", 62)]
        rows = [[e.day, e.kind, e.text] for e in content.events]
        place_table(flow, "Events", columns, rows, Fonts.small, keep_together=len(rows) <= 12)
    else:
        place_paragraph(flow, "No events recorded.")
    flow.skip(SECTION_GAP / 2)
    if content.notes:
        rows = []
        for note in content.notes:
            for k, part in enumerate(_chunks(note.text)):
                rows.append([note.week if k == 0 else f"{note.week} (cont.)", part])
        place_table(flow, "Patient's notes", [Column("Week of", 14), Column("Note", 86)], rows, Fonts.small)
    else:
        place_paragraph(flow, "No weekly notes in this period.")


# -- charts ----------------------------------------------------------------------------------------

ChartPainter = Callable[[QPainter, QRectF, ChartSpec, ReportContent], None]


def paint_chart(painter: QPainter, rect: QRectF, spec: ChartSpec, content: ReportContent) -> None:
    """Draw one chart with the app's own chart code, as vectors."""
    from rehabtrack.charts.render import make_print_chart, render_chart_to

    chart = make_print_chart(
        spec.series,
        spec.goals,
        content.chart_events,
        spec.x_range,
        spec.band,
        (round(rect.width()), round(rect.height())),
    )
    try:
        render_chart_to(painter, rect, chart)
    finally:
        chart.close()
        chart.deleteLater()


# -- document --------------------------------------------------------------------------------------


def layout_pages(
    content: ReportContent, width: float, height: float, charts: bool = True
) -> list[list[Paint]]:
    """Every page's paint calls, for a body ``width`` × ``height`` (1/96 inch, footer excluded)."""
    flow = Flow(width, height)
    _header(flow, content)
    _goals(flow, content)  # page 1 answers "is this patient getting there?" on its own
    _summary(flow, content)
    _questionnaires(flow, content)
    _charts(flow, content, [paint_chart] if charts else [])
    _weekly(flow, content)
    _events_and_notes(flow, content)
    if not flow.pages[-1]:
        flow.pages.pop()
    return flow.pages


def _footer(painter: QPainter, content: ReportContent, width: float, top: float, n: int, total: int) -> None:
    painter.setPen(QPen(RULE, 0.8))
    painter.drawLine(QPointF(0, top + 6), QPointF(width, top + 6))
    left = Text(f"{content.patient_name} · Progress report, {content.period_text}", Fonts.small, width * 0.75)
    right = Text(f"Page {n} of {total}", Fonts.small, width * 0.25, RIGHT)
    left.draw(painter, 0, top + 10)
    right.draw(painter, width * 0.75, top + 10)


Progress = Callable[[int, int], None]  # (pages done, pages in all), called after each page


def paint_document(
    painter: QPainter, device: QPagedPaintDevice, content: ReportContent, progress: Progress | None = None
) -> int:
    """Paint every page onto an active painter on ``device``; returns the number of pages.

    ``progress`` lets a window show how far it is and keep repainting while a long report is written."""
    scale = device.logicalDpiX() / DPI
    width = device.width() / scale
    height = device.height() / scale
    body = height - FOOTER_HEIGHT
    pages = layout_pages(content, width, body)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    for n, page in enumerate(pages, start=1):
        if n > 1:
            device.newPage()
        painter.save()
        try:
            painter.scale(scale, scale)
            for paint in page:
                paint(painter)
            _footer(painter, content, width, body, n, len(pages))
        finally:
            painter.restore()
        if progress is not None:
            progress(n, len(pages))
    return len(pages)


def _page_layout(paper: str) -> QPageLayout:
    try:
        size_id = PAGE_SIZES[paper.lower()]
    except KeyError:
        raise ValueError(f"paper must be one of {', '.join(PAGE_SIZES)} (got {paper!r})") from None
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    return QPageLayout(
        QPageSize(size_id), QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter
    )


def render_pdf(
    content: ReportContent, paper: str = "a4", progress: Progress | None = None
) -> tuple[bytes, int]:
    """The report as PDF bytes, and its page count."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(_page_layout(paper))
    writer.setTitle(f"RehabTrack {content.title.lower()}")
    writer.setCreator(f"RehabTrack {__version__}")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("could not start the PDF writer")
    try:
        pages = paint_document(painter, writer, content, progress)
    finally:
        painter.end()
    data = bytes(buffer.data().data())
    buffer.close()
    return _with_subject(data, content.subject), pages


def write_report(
    content: ReportContent, path: Path | str, paper: str = "a4", progress: Progress | None = None
) -> int:
    """Write the report to ``path`` (replaced whole, or left untouched on failure); returns pages."""
    data, pages = render_pdf(content, paper, progress)
    write_atomically(Path(path), data)
    return pages


def print_report(content: ReportContent, printer: QPrinter) -> int:
    """Print the report through ``printer`` (set up by QPrintDialog); returns pages."""
    printer.setDocName(f"RehabTrack {content.title.lower()}")
    printer.setCreator(f"RehabTrack {__version__}")
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("could not start printing")
    try:
        return paint_document(painter, printer, content)
    finally:
        painter.end()


# -- metadata --------------------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte-order mark, as a hex string."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _with_subject(data: bytes, subject: str) -> bytes:
    """Add /Subject to the document information, which QPdfWriter has no setter for.

    Appends a standard incremental update (a new information dictionary, an xref section for it and a
    trailer pointing back to Qt's), so Qt's bytes are kept as they are.
    """
    trailer = data.rfind(b"trailer")
    startxref = re.search(rb"startxref\s+(\d+)", data[trailer:])
    info = re.search(rb"/Info\s+(\d+)\s+0\s+R", data[trailer:])
    root = re.search(rb"/Root\s+(\d+)\s+0\s+R", data[trailer:])
    size = re.search(rb"/Size\s+(\d+)", data[trailer:])
    if trailer < 0 or not (startxref and info and root and size):
        return data  # not the layout we know: keep Qt's file rather than risk breaking it
    obj = re.search(rb"(?:^|\n)" + info.group(1) + rb" 0 obj\s*<<(.*?)>>\s*endobj", data, re.S)
    if obj is None:
        return data
    number = int(size.group(1))
    body = obj.group(1).rstrip() + b"\n/Subject " + _pdf_text(subject) + b"\n"
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offset = len(out)
    out += b"%d 0 obj\n<<" % number + body + b">>\nendobj\n"
    xref = len(out)
    out += b"xref\n%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<<\n/Size %d\n/Info %d 0 R\n/Root %s 0 R\n/Prev %s\n>>\n" % (
        number + 1,
        number,
        root.group(1),
        startxref.group(1),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
