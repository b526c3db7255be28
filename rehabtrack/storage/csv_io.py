"""CSV export and all-or-nothing import of weekly entries.

The file is UTF-8 text. Layout: one row per patient-week. Columns (any order, each once):
- ``patient``: display name (may be left out on import when a patient is named on the command line)
- ``week``: the Monday of the ISO week, YYYY-MM-DD
- one column per weekly marker, named by its key (``pain``, ``sleep_hours``, …); a blank cell is not in
  the file: importing it never erases a stored value (``Store.import_histories`` merges)
- ``notes``
- ``rom:<joint>:<side>:<movement>:<mode>``: degrees, e.g. ``rom:knee:right:flexion:active``
- ``activity:<PT|OT>:<name>``: the 0–10 rating of one of the patient's activities
- ``minutes:<PT|OT>:<name>``: minutes tolerated for that activity
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rehabtrack.core.imports import History, ImportReport, OnConflict
from rehabtrack.core.markers import NOTES_MAX_CHARS, WEEKLY_MARKERS
from rehabtrack.core.model import Activity, ActivityRating, Discipline, Patient, WeeklyEntry, name_key
from rehabtrack.core.numbers import data_text
from rehabtrack.core.rom import RomMode, RomReading, Side
from rehabtrack.core.validation import InvalidInput, Problem
from rehabtrack.storage.files import write_text_atomically
from rehabtrack.storage.store import Store

MARKER_COLUMNS = [m.key for m in WEEKLY_MARKERS]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PREFIXED = (*FORMULA_STARTS, "'")  # a cell that already starts with the prefix is prefixed too
SAVE_AS = "save it as CSV UTF-8 (comma delimited)"


@dataclass(frozen=True)
class CsvProblem:
    row: int  # line number in the file, the header being line 1
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        parts = [f"row {self.row}"] if self.row else []
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.value:
            parts.append(f"value '{self.value if len(self.value) <= 40 else self.value[:39] + '…'}'")
        return f"{', '.join(parts)}: {self.reason}" if parts else self.reason


class CsvImportError(ValueError):
    """Nothing was imported. One problem is said on one line; several get a line each."""

    def __init__(self, problems: list[CsvProblem], path: Path | None = None) -> None:
        self.problems = problems
        self.path = path
        where = path if path is not None else "the file"
        if len(problems) == 1:
            said = str(problems[0]).rstrip(".")  # a reason that ends its sentence gets one full stop
            message = f"Nothing was imported: {path if path is not None else 'the file'} {said}."
        else:
            lines = "\n".join(f"  {p}" for p in problems)
            message = f"Nothing was imported: {len(problems)} problem(s) in {where}.\n{lines}"
        super().__init__(message)


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
    write_text_atomically(out, buffer.getvalue())
    return len(rows)


# The written forms of a number: ASCII digits, one decimal point or comma, an optional exponent (as exported).
# Python's float() also takes "1_0", "nan", "infinity" and other scripts' digits; a data file must not.
_NUMBER = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?")


def _parse_float(text: str) -> float:
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        raise ValueError(text)
    return float(text.replace(",", "."))


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (with or without a byte-order mark), else CsvImportError saying where."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CsvImportError(
            [CsvProblem(0, "", "", f"cannot be read ({exc.strerror or exc})")], path
        ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvImportError([CsvProblem(0, "", "", f"is UTF-16 text; {SAVE_AS}")], path)
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise CsvImportError([CsvProblem(row, "", "", f"holds binary data, not text; {SAVE_AS}")], path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        reason = f"byte 0x{byte:02X} is not UTF-8 (Latin-1 or Windows text?); {SAVE_AS}"
        raise CsvImportError([CsvProblem(row, "", "", reason)], path) from exc


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every record, the header being row 1; a record the csv module cannot
    read raises CsvImportError naming its row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):  # noqa: B007  # the row is needed after the loop
            yield row, cells
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            limit = csv.field_size_limit()
            reason = f"a cell is longer than {limit} characters (notes hold at most {NOTES_MAX_CHARS})"
        elif "unexpected end of data" in str(exc):
            reason = 'a cell opened with " is never closed (is the file cut short?)'
        else:
            reason = f"is not valid CSV ({exc})"
        raise CsvImportError([CsvProblem(row + 1, "", "", reason)]) from exc


def _check_header(header: list[str], patient: str | None) -> list[CsvProblem]:
    if len(header) == 1 and ";" in header[0]:
        return [CsvProblem(1, "", "", f"the columns are separated by ';', not ','; {SAVE_AS}")]
    problems: list[CsvProblem] = []
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not name:
            problems.append(CsvProblem(1, "", "", f"column {number} has no name in the header"))
            continue
        known = name in ("patient", "week", "notes", *MARKER_COLUMNS)
        if not known and name.split(":", 1)[0] not in ("rom", "activity", "minutes"):
            problems.append(CsvProblem(1, name, name, "unknown column"))
        if name in seen:
            problems.append(CsvProblem(1, name, name, "the column appears twice in the header; keep one"))
        seen.add(name)
    if "week" not in header:
        problems.append(CsvProblem(1, "week", "", "the 'week' column is required"))
    if "patient" not in header and not patient:
        problems.append(CsvProblem(1, "patient", "", "no 'patient' column; name the patient to import into"))
    if patient is not None:
        problems += [CsvProblem(0, "--patient", patient, p.message) for p in _name_problems(patient)]
    return problems


def _name_problems(name: str) -> list[Problem]:
    try:
        Patient(name).validate()
    except InvalidInput as exc:
        return exc.problems
    return []


def parse_csv(text: str, patient: str | None = None) -> list[History]:
    """Parse and validate every row; raise CsvImportError listing every bad row, else the histories.

    A blank cell is a value the file does not hold (an import never erases with it). Rows of one
    patient are grouped by name, compared without case or outer spaces."""
    text = text.removeprefix("\ufeff")
    records = _rows(text)
    first = next(records, None)
    if first is None:
        raise CsvImportError(
            [CsvProblem(0, "", "", "is empty; its first row names the columns (week, pain, …)")]
        )
    header = [h.strip() for h in first[1]]
    problems = _check_header(header, patient)
    if problems:
        raise CsvImportError(problems)

    histories: dict[str, tuple[str, list[Activity], list[WeeklyEntry]]] = {}
    seen: set[tuple[str, date]] = set()
    named_first: dict[str, str] = {}  # the first patient the file's own column names
    for line, cells in records:
        if len(cells) > len(header):
            reason = f"has {len(cells)} cells but the header names {len(header)} columns"
            problems.append(CsvProblem(line, "", "", reason))
            continue
        row = dict(zip(header, cells, strict=False))
        if not any(v.strip() for v in row.values()):
            continue
        named = _restore(row.get("patient", "").strip())
        first_named = named_first.setdefault("name", named) if named else ""
        if patient and named and name_key(named) != name_key(first_named):
            reason = (
                f"the file holds rows of more than one patient ('{first_named}' first); "
                "--patient would put them all into one, so leave --patient out"
            )
            problems.append(CsvProblem(line, "patient", named, reason))
            continue
        name = patient or named
        if not name:
            problems.append(CsvProblem(line, "patient", "", "patient name is empty"))
            continue
        name_wrong = _name_problems(name)
        if name_wrong:
            problems += [CsvProblem(line, "patient", name, p.message) for p in name_wrong]
            continue
        _, activities, entries = histories.setdefault(name_key(name), (name.strip(), [], []))
        week_text = row.get("week", "").strip()
        try:
            week = date.fromisoformat(week_text)
        except ValueError:
            problems.append(CsvProblem(line, "week", week_text, "must be a date written YYYY-MM-DD"))
            continue
        if (name_key(name), week) in seen:
            problems.append(
                CsvProblem(line, "week", week_text, "this patient's week appears twice in the file")
            )
        seen.add((name_key(name), week))
        values: dict[str, float] = {}
        rom: list[RomReading] = []
        rom_columns: list[str] = []
        ratings: dict[int, ActivityRating] = {}
        rating_columns: dict[int, str] = {}
        for column, raw in row.items():
            cell = raw.strip()
            if column in ("patient", "week", "notes") or not cell:
                continue
            try:
                number = _parse_float(cell)
            except ValueError:
                problems.append(CsvProblem(line, column, cell, "must be a number written like 4 or 7.5"))
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
    return [
        History(Patient(name), activities=activities, entries=entries)
        for name, activities, entries in histories.values()
    ]


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


def import_csv(
    store: Store,
    path: Path,
    patient: str | None = None,
    on_conflict: OnConflict = OnConflict.KEEP,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Import a CSV file all-or-nothing (see ``Store.import_histories``); says what it added and kept."""
    try:
        histories = parse_csv(read_text(path), patient)  # line breaks inside notes stay as they are
        return store.import_histories(histories, on_conflict, dry_run=dry_run)
    except CsvImportError as exc:
        raise CsvImportError(exc.problems, path) from None
    except InvalidInput as exc:
        raise CsvImportError([CsvProblem(0, p.field, "", p.message) for p in exc.problems], path) from exc
