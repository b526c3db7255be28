"""CSV export and all-or-nothing import of weekly entries.

Layout: one row per patient-week. Columns (any order):
- ``patient``: display name (may be left out on import when a patient is named on the command line)
- ``week``: the Monday of the ISO week, YYYY-MM-DD
- one column per weekly marker, named by its key (``pain``, ``sleep_hours``, …), blank = not logged
- ``notes``
- ``rom:<joint>:<side>:<movement>:<mode>``: degrees, e.g. ``rom:knee:right:flexion:active``
- ``activity:<PT|OT>:<name>``: the 0–10 rating of one of the patient's activities
- ``minutes:<PT|OT>:<name>``: minutes tolerated for that activity
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rehabtrack.core.markers import WEEKLY_MARKERS
from rehabtrack.core.model import Activity, ActivityRating, Discipline, WeeklyEntry
from rehabtrack.core.numbers import data_text
from rehabtrack.core.rom import RomMode, RomReading, Side
from rehabtrack.core.validation import Problem
from rehabtrack.storage.engine import write_private_text
from rehabtrack.storage.store import Store

MARKER_COLUMNS = [m.key for m in WEEKLY_MARKERS]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PREFIXED = (*FORMULA_STARTS, "'")  # a cell that already starts with the prefix is prefixed too


@dataclass(frozen=True)
class CsvProblem:
    row: int  # line number in the file, the header being line 1
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column '{self.column}', value '{self.value}': {self.reason}"


class CsvImportError(ValueError):
    def __init__(self, problems: list[CsvProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"Nothing was imported: {len(problems)} problem(s) in the file.\n{lines}")


def neutralise(text: str) -> str:
    """Stop a spreadsheet from running a text cell as a formula."""
    return "'" + text if text.startswith(_PREFIXED) else text


def _restore(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_PREFIXED) else text


def _number(value: float | None) -> str:
    """Every digit that was stored (never rounded): whole numbers without a decimal point."""
    if value is None:
        return ""
    return data_text(value)


def export_csv(store: Store, out: Path, patient_ids: list[int]) -> int:
    """Write the patients' entries to ``out`` (readable by the user only); returns rows written."""
    rows: list[dict[str, str]] = []
    extra: dict[str, None] = {}
    for pid in patient_ids:
        patient = store.patient(pid)
        activities = {a.id: a for a in store.activities(pid, include_archived=True)}
        for entry in store.entries(pid):
            row = {
                "patient": neutralise(patient.display_name),
                "week": entry.week.isoformat(),
                "notes": neutralise(entry.notes),
            }
            row.update({k: _number(entry.values.get(k)) for k in MARKER_COLUMNS})
            for r in entry.rom:
                row[f"rom:{r.joint}:{Side(r.side).value}:{r.movement}:{RomMode(r.mode).value}"] = _number(
                    r.degrees
                )
            for rating in entry.activities:
                act = activities[rating.activity_id]
                row[f"activity:{act.discipline}:{act.name}"] = _number(rating.rating)
                if rating.minutes is not None:
                    row[f"minutes:{act.discipline}:{act.name}"] = _number(rating.minutes)
            extra.update(dict.fromkeys(k for k in row if ":" in k))
            rows.append(row)
    header = ["patient", "week", *MARKER_COLUMNS, "notes", *extra]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, restval="")  # \r\n: a lone \r in notes gets quoted
    writer.writeheader()
    writer.writerows(rows)
    write_private_text(out, buffer.getvalue())
    return len(rows)


def _parse_float(text: str) -> float:
    return float(text.strip().replace(",", "."))


def parse_csv(text: str, patient: str | None = None) -> dict[str, tuple[list[Activity], list[WeeklyEntry]]]:
    """Parse and validate every row; raise CsvImportError listing every bad row, else the histories."""
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    problems: list[CsvProblem] = []
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    for name in header:
        known = name in ("patient", "week", "notes", *MARKER_COLUMNS)
        if not known and name.split(":", 1)[0] not in ("rom", "activity", "minutes"):
            problems.append(CsvProblem(1, name, name, "unknown column"))
    if "week" not in header:
        problems.append(CsvProblem(1, "week", "", "the 'week' column is required"))
    if "patient" not in header and not patient:
        problems.append(CsvProblem(1, "patient", "", "no 'patient' column; name the patient to import into"))
    if problems:
        raise CsvImportError(problems)

    histories: dict[str, tuple[list[Activity], list[WeeklyEntry]]] = {}
    seen: set[tuple[str, date]] = set()
    for line, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue
        name = patient or _restore((row.get("patient") or "").strip())
        if not name:
            problems.append(CsvProblem(line, "patient", "", "patient name is empty"))
            continue
        activities, entries = histories.setdefault(name, ([], []))
        week_text = (row.get("week") or "").strip()
        try:
            week = date.fromisoformat(week_text)
        except ValueError:
            problems.append(CsvProblem(line, "week", week_text, "must be a date written YYYY-MM-DD"))
            continue
        if (name, week) in seen:
            problems.append(
                CsvProblem(line, "week", week_text, "this patient's week appears twice in the file")
            )
        seen.add((name, week))
        values: dict[str, float] = {}
        rom: list[RomReading] = []
        rom_columns: list[str] = []
        ratings: dict[int, ActivityRating] = {}
        rating_columns: dict[int, str] = {}
        for column, raw in row.items():
            cell = (raw or "").strip()
            if column in ("patient", "week", "notes") or not cell:
                continue
            try:
                number = _parse_float(cell)
            except ValueError:
                problems.append(CsvProblem(line, column, cell, "must be a number"))
                continue
            parts = column.split(":")
            if parts[0] in ("activity", "minutes"):
                parts = column.split(":", 2)  # an activity's name may itself contain ':'
            if column in MARKER_COLUMNS:
                values[column] = number
            elif parts[0] == "rom" and len(parts) == 5:
                try:
                    rom.append(RomReading(parts[1], Side(parts[2]), parts[3], number, RomMode(parts[4])))
                    rom_columns.append(column)
                except ValueError:
                    problems.append(
                        CsvProblem(
                            line,
                            column,
                            cell,
                            "ROM columns are rom:<joint>:<left|right|none>:<movement>:<active|passive>",
                        )
                    )
            elif parts[0] in ("activity", "minutes") and len(parts) == 3 and parts[1] in ("PT", "OT"):
                activity = Activity(parts[2], Discipline(parts[1]))
                if activity not in activities:
                    activities.append(activity)
                index = activities.index(activity)
                current = ratings.get(index, ActivityRating(index, -1))
                if parts[0] == "activity":
                    ratings[index] = ActivityRating(index, number, current.minutes)
                    rating_columns[index] = column
                else:
                    ratings[index] = ActivityRating(index, current.rating, number)
            else:
                problems.append(
                    CsvProblem(
                        line,
                        column,
                        cell,
                        "activity columns are activity:<PT|OT>:<name> or minutes:<PT|OT>:<name>",
                    )
                )
        for index, rating in list(ratings.items()):
            if rating.rating == -1:
                problems.append(
                    CsvProblem(
                        line,
                        f"activity:{activities[index].discipline}:{activities[index].name}",
                        "",
                        "minutes given without a rating",
                    )
                )
                del ratings[index]
        entry = WeeklyEntry(
            week, values, tuple(rom), tuple(ratings.values()), _restore(row.get("notes") or "")
        )
        names = {i: a.name for i, a in enumerate(activities)}
        for problem in entry.problems(names):
            problems.append(_locate(line, problem, row, rom_columns, rating_columns))
        entries.append(entry)
    if problems:
        raise CsvImportError(problems)
    return histories


def _locate(
    line: int, problem: Problem, row: dict[str, str], rom_columns: list[str], rating_columns: dict[int, str]
) -> CsvProblem:
    """Name the CSV column a core validation problem came from."""
    column = problem.field
    if column.startswith("rom/"):
        column = rom_columns[int(column.split("/")[1])]
    elif column.startswith("activity/"):
        index = int(column.split("/")[1])
        column = rating_columns.get(index, column)
        if problem.field.endswith("/minutes"):
            column = "minutes:" + column.split(":", 1)[1]
    return CsvProblem(line, column, (row.get(column) or "").strip(), problem.message)


def import_csv(store: Store, path: Path, patient: str | None = None) -> int:
    """Import a CSV file all-or-nothing; returns the number of weeks written."""
    with path.open(encoding="utf-8-sig", newline="") as f:  # keep line breaks inside notes as they are
        text = f.read()
    return store.import_weeks(parse_csv(text, patient))
