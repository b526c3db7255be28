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

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

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


CHUNK_BYTES = 1 << 20  # the file is read a megabyte at a time
BATCH_ROWS = 2000  # rows checked and handed to the store at a time: memory stays bounded


def _cannot_read(path: Path, exc: OSError) -> CsvImportError:
    return CsvImportError([CsvProblem(0, "", "", f"cannot be read ({exc.strerror or exc})")], path)


def text_lines(path: Path) -> Iterator[str]:
    """The file's lines as text, read a chunk at a time: UTF-8 (with or without a byte-order mark),
    line ends kept as they are; else CsvImportError naming the row where it stops being text."""
    try:
        file = Path(path).open("rb")  # noqa: SIM115  # closed by the with below, once open
    except OSError as exc:
        raise _cannot_read(path, exc) from exc
    with file:
        decoder = codecs.getincrementaldecoder("utf-8")()
        rows_before = 0  # line breaks in the chunks already read
        pending = ""  # text after the last line break so far
        first = True
        while True:
            try:
                chunk = file.read(max(CHUNK_BYTES, 4) if first else CHUNK_BYTES)  # a whole byte-order mark
            except OSError as exc:
                raise _cannot_read(path, exc) from exc
            if first:
                if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise CsvImportError([CsvProblem(0, "", "", f"is UTF-16 text; {SAVE_AS}")], path)
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
                first = False
            if b"\x00" in chunk:
                row = rows_before + chunk.count(b"\n", 0, chunk.index(b"\x00")) + 1
                raise CsvImportError(
                    [CsvProblem(row, "", "", f"holds binary data, not text; {SAVE_AS}")], path
                )
            held = len(decoder.getstate()[0])  # the start of a character cut off by the last chunk
            try:
                pending += decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                row = rows_before + chunk.count(b"\n", 0, max(exc.start - held, 0)) + 1
                byte = exc.object[exc.start]
                reason = f"byte 0x{byte:02X} is not UTF-8 (Latin-1 or Windows text?); {SAVE_AS}"
                raise CsvImportError([CsvProblem(row, "", "", reason)], path) from exc
            if not chunk:
                break
            rows_before += chunk.count(b"\n")
            # Whole lines only: a final \r may be the first half of \r\n.
            cut = max(pending.rfind("\n"), pending.rfind("\r", 0, len(pending) - 1)) + 1
            if cut:
                yield from io.StringIO(pending[:cut], newline="")
                pending = pending[cut:]
        if pending:
            yield from io.StringIO(pending, newline="")


def read_header(path: Path) -> list[str]:
    """The column names of the file's first row (stripped), reading no further than that row."""
    return [h.strip() for h in next(csv.reader(text_lines(path)), [])]


def _rows(lines: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every record, the header being row 1; a record the csv module cannot
    read raises CsvImportError naming its row."""
    reader = csv.reader(lines, strict=True)
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


ROM_FORMAT = "ROM columns are rom:<joint>:<left|right|none>:<movement>:<active|passive>"
ACTIVITY_FORMAT = "activity columns are activity:<PT|OT>:<name> or minutes:<PT|OT>:<name>"


class _Kind(Enum):
    MARKER = "marker"
    ROM = "rom"
    RATING = "activity"
    MINUTES = "minutes"
    BAD = "bad"  # a number in it is a problem (the spec is the reason)


class _Column(NamedTuple):
    """What a value column holds, worked out once from its name in the header."""

    at: int  # its place in a row
    name: str
    kind: _Kind
    spec: Any  # marker key, (joint, side, movement, mode), the Activity, or the reason it is wrong


def _value_columns(header: list[str]) -> list[_Column]:
    columns = []
    for index, name in enumerate(header):
        if name in ("patient", "week", "notes"):
            continue
        parts = name.split(":")
        if parts[0] in ("activity", "minutes"):
            parts = name.split(":", 2)  # an activity's name may itself contain ':'
        if name in MARKER_COLUMNS:
            column = _Column(index, name, _Kind.MARKER, name)
        elif parts[0] == "rom" and len(parts) == 5:
            try:
                spec = (parts[1], Side(parts[2]), parts[3], RomMode(parts[4]))
                column = _Column(index, name, _Kind.ROM, spec)
            except ValueError:
                column = _Column(index, name, _Kind.BAD, ROM_FORMAT)
        elif parts[0] in ("activity", "minutes") and len(parts) == 3 and parts[1] in ("PT", "OT"):
            kind = _Kind.RATING if parts[0] == "activity" else _Kind.MINUTES
            column = _Column(index, name, kind, Activity(parts[2], Discipline(parts[1])))
        else:
            column = _Column(index, name, _Kind.BAD, ACTIVITY_FORMAT)
        columns.append(column)
    return columns


@dataclass
class _PatientRows:
    """One patient's rows so far: activities in the order the file first rates them."""

    name: str  # as the file first spells it
    activities: list[Activity] = field(default_factory=list)
    index: dict[Activity, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # index → name, for the messages
    by_column: dict[int, int] = field(default_factory=dict)  # column → index, once rated
    weeks: set[int] = field(default_factory=set)  # ordinals of the weeks read (a week twice is wrong)
    entries: list[WeeklyEntry] = field(default_factory=list)  # this batch's

    def activity(self, activity: Activity) -> int:
        found = self.index.get(activity)
        if found is None:
            found = self.index[activity] = len(self.activities)
            self.activities.append(activity)
            self.names[found] = activity.name
        return found


class _Reader:
    """Checks the rows one at a time and keeps the weeks of the current batch (the problems of all)."""

    def __init__(self, header: list[str], patient: str | None) -> None:
        self.header = header
        self.patient = patient
        self.patient_at = header.index("patient") if "patient" in header else None
        self.week_at = header.index("week")
        self.notes_at = header.index("notes") if "notes" in header else None
        self.columns = _value_columns(header)
        self.patients: dict[str, _PatientRows] = {}
        self.problems: list[CsvProblem] = []
        self.first_named = ""  # the first patient the file's own column names
        self.name_checked: dict[str, list[Problem]] = {}
        self.pending = 0  # weeks in the batch

    def _name_problems(self, name: str) -> list[Problem]:
        found = self.name_checked.get(name)
        if found is None:
            found = self.name_checked[name] = _name_problems(name)
        return found

    def add(self, line: int, cells: list[str]) -> None:
        """Check one record; keep its week for the batch, or its problems."""
        problems, n = self.problems, len(cells)
        if n > len(self.header):
            reason = f"has {n} cells but the header names {len(self.header)} columns"
            problems.append(CsvProblem(line, "", "", reason))
            return
        if not "".join(cells).strip():
            return
        at = self.patient_at
        named = _restore(cells[at].strip()) if at is not None and at < n else ""
        if named and not self.first_named:
            self.first_named = named
        if self.patient and named and name_key(named) != name_key(self.first_named):
            reason = (
                f"the file holds rows of more than one patient ('{self.first_named}' first); "
                "--patient would put them all into one, so leave --patient out"
            )
            problems.append(CsvProblem(line, "patient", named, reason))
            return
        name = self.patient or named
        if not name:
            problems.append(CsvProblem(line, "patient", "", "patient name is empty"))
            return
        name_wrong = self._name_problems(name)
        if name_wrong:
            problems += [CsvProblem(line, "patient", name, p.message) for p in name_wrong]
            return
        key = name_key(name)
        rows = self.patients.get(key)
        if rows is None:
            rows = self.patients[key] = _PatientRows(name.strip())
        week_text = cells[self.week_at].strip() if self.week_at < n else ""
        try:
            week = date.fromisoformat(week_text)
        except ValueError:
            problems.append(CsvProblem(line, "week", week_text, "must be a date written YYYY-MM-DD"))
            return
        if week.toordinal() in rows.weeks:
            problems.append(
                CsvProblem(line, "week", week_text, "this patient's week appears twice in the file")
            )
        rows.weeks.add(week.toordinal())
        entry, rom_columns, rating_columns = self._entry(line, cells, week, rows)
        wrong = entry.problems(rows.names)
        if wrong:
            row = dict(zip(self.header, cells, strict=False))
            problems += [_locate(line, p, row, rom_columns, rating_columns) for p in wrong]
        if not problems:  # once the import has failed, the weeks are no longer kept
            rows.entries.append(entry)
            self.pending += 1

    def _entry(
        self, line: int, cells: list[str], week: date, rows: _PatientRows
    ) -> tuple[WeeklyEntry, list[str], dict[int, str]]:
        n = len(cells)
        values: dict[str, float] = {}
        rom: list[RomReading] = []
        rom_columns: list[str] = []
        rating_columns: dict[int, str] = {}
        scores: dict[int, list[float | None]] = {}  # activity → [rating, minutes]
        problems, fullmatch = self.problems, _NUMBER.fullmatch
        marker, reading, bad, rating = _Kind.MARKER, _Kind.ROM, _Kind.BAD, _Kind.RATING  # looked up once
        for at, name, kind, spec in self.columns:
            if at >= n:
                break
            cell = cells[at].strip()
            if not cell:
                continue
            if not fullmatch(cell):
                problems.append(CsvProblem(line, name, cell, "must be a number written like 4 or 7.5"))
                continue
            number = float(cell.replace(",", ".") if "," in cell else cell)
            if kind is marker:
                values[spec] = number
            elif kind is reading:
                joint, side, movement, mode = spec
                rom.append(RomReading(joint, side, movement, number, mode))
                rom_columns.append(name)
            elif kind is bad:
                problems.append(CsvProblem(line, name, cell, spec))
            else:
                index = rows.by_column.get(at)
                if index is None:
                    index = rows.by_column[at] = rows.activity(spec)
                pair = scores.get(index)
                if pair is None:
                    pair = scores[index] = [None, None]
                if kind is rating:
                    pair[0] = number
                    rating_columns[index] = name
                else:
                    pair[1] = number
        ratings = []
        for index, (score, minutes) in scores.items():
            if score is None:
                activity = rows.activities[index]
                column = f"activity:{activity.discipline}:{activity.name}"
                problems.append(CsvProblem(line, column, "", "minutes given without a rating"))
            else:
                ratings.append(ActivityRating(index, score, minutes))
        notes = _restore(cells[self.notes_at]) if self.notes_at is not None and self.notes_at < n else ""
        entry = WeeklyEntry(week, values, tuple(rom), tuple(ratings), notes)
        return entry, rom_columns, rating_columns

    def batch(self) -> Iterator[History]:
        """Each patient's weeks read since the last batch."""
        for rows in self.patients.values():
            if rows.entries:
                yield History(Patient(rows.name), activities=list(rows.activities), entries=rows.entries)
                rows.entries = []
        self.pending = 0


def read_csv(path: Path, patient: str | None = None, batch_rows: int | None = None) -> Iterator[History]:
    """Read and check the file a batch of ``batch_rows`` rows at a time, yielding each patient's weeks
    of the batch. Every row is checked; after a bad one nothing more is yielded, and at the end of the
    file CsvImportError lists every bad row (the importer then writes nothing).

    A blank cell is a value the file does not hold (an import never erases with it). Rows of one
    patient are grouped by name, compared without case or outer spaces."""
    records = _rows(text_lines(path))
    first = next(records, None)
    if first is None:
        raise CsvImportError(
            [CsvProblem(0, "", "", "is empty; its first row names the columns (week, pain, …)")]
        )
    header = [h.strip() for h in first[1]]
    problems = _check_header(header, patient)
    if problems:
        raise CsvImportError(problems)
    reader = _Reader(header, patient)
    batch = batch_rows or BATCH_ROWS
    for line, cells in records:
        reader.add(line, cells)
        if reader.pending >= batch and not reader.problems:
            yield from reader.batch()
    if reader.problems:
        raise CsvImportError(reader.problems)
    yield from reader.batch()


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
    batch_rows: int | None = None,
) -> ImportReport:
    """Import a CSV file all-or-nothing (see ``Store.import_histories``); says what it added and kept.
    The file is read, checked and written ``batch_rows`` (default ``BATCH_ROWS``) rows at a time inside
    one transaction: a bad row at its end, or a crash half-way, leaves the database as it was."""
    try:  # read a batch at a time; line breaks inside notes stay as they are
        return store.import_histories(read_csv(path, patient, batch_rows), on_conflict, dry_run=dry_run)
    except CsvImportError as exc:
        raise CsvImportError(exc.problems, path) from None
    except InvalidInput as exc:
        raise CsvImportError([CsvProblem(0, p.field, "", p.message) for p in exc.problems], path) from exc
