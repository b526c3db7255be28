"""Every bad file, and a full disk, through the real command: exit 2, one plain line naming the file, the row
or field and the allowed form, no traceback, and the database file not changed by a single byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

TODAY = date(2026, 11, 24)  # as in conftest: the demo patient's weeks end here

NEXT_YEAR_END = f"{date.today().year + 1}-12-31"


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str
    content: Callable[[dict[str, object]], bytes]  # given a good bundle of the demo patient
    says: str  # a piece of the one line on stderr
    args: tuple[str, ...] = ("--patient", "margaret demo")  # bundles ignore it


def _csv(text: str, encoding: str = "utf-8") -> Callable[[dict[str, object]], bytes]:
    return lambda _bundle: text.encode(encoding)


def _bundle(change: Callable[[dict[str, object]], None]) -> Callable[[dict[str, object]], bytes]:
    def make(bundle: dict[str, object]) -> bytes:
        data = json.loads(json.dumps(bundle))
        change(data)
        return json.dumps(data).encode()

    return make


def _first_week(data: dict[str, object], **changes: object) -> None:
    data["entries"][0].update(changes)  # type: ignore[index]


def _raw_bundle(fragment: str) -> Callable[[dict[str, object]], bytes]:
    """A bundle whose first week's pain is written as ``fragment`` (JSON that json.dumps cannot write)."""

    def make(bundle: dict[str, object]) -> bytes:
        data = json.loads(json.dumps(bundle))
        data["entries"][0]["values"]["pain"] = "@PAIN@"  # type: ignore[index]
        return json.dumps(data).replace('"@PAIN@"', fragment).encode()

    return make


def _nested(depth: int) -> Callable[[dict[str, object]], bytes]:
    text = (
        '{"format": "rehabtrack-patient-bundle", "version": 2, "patient": ' + "[" * depth + "]" * depth + "}"
    )
    return lambda _bundle: text.encode()


LONG_NAME = "A" * 121
CASES = [
    Case(
        "csv in UTF-16",
        "weeks.csv",
        _csv("week,pain\n2026-11-16,4\n", "utf-16"),
        "is UTF-16 text; save it as CSV UTF-8",
    ),
    Case(
        "csv in Latin-1",
        "weeks.csv",
        _csv("week,pain,notes\n2026-11-16,4,caf\u00e9\n", "latin-1"),
        "row 2: byte 0xE9 is not UTF-8",
    ),
    Case("binary file", "weeks.csv", lambda _b: bytes(range(256)) * 8, "row 1: holds binary data, not text"),
    Case(
        "a 1 MB cell",
        "weeks.csv",
        _csv("week,pain,notes\n2026-11-16,4," + "x" * 1_000_000 + "\n"),
        "row 2: a cell is longer than",
    ),
    Case(
        "row with extra fields",
        "weeks.csv",
        _csv("week,pain\n2026-11-16,4,5\n"),
        "row 2: has 3 cells but the header names 2",
    ),
    Case(
        "patient name over 120 characters",
        "weeks.csv",
        _csv(f"patient,week,pain\n{LONG_NAME},2026-11-16,4\n"),
        "row 2, column 'patient'",
        (),
    ),
    Case(
        "--patient with a file of two patients",
        "weeks.csv",
        _csv("patient,week,pain\nMargaret Demo,2026-11-09,4\nAnn Other,2026-11-16,4\n"),
        "row 3, column 'patient', value 'Ann Other': the file holds rows of more than one patient "
        "('Margaret Demo' first); --patient would put them all into one, so leave --patient out",
    ),
    Case(
        "--patient over 120 characters",
        "weeks.csv",
        _csv("week,pain\n2026-11-16,4\n"),
        "column '--patient'",
        ("--patient", LONG_NAME),
    ),
    Case(
        "duplicate header",
        "weeks.csv",
        _csv("week,pain,pain\n2026-11-16,4,5\n"),
        "column 'pain', value 'pain': the column appears twice",
    ),
    Case(
        "csv week 0001-01-01",
        "weeks.csv",
        _csv("week,pain\n0001-01-01,4\n"),
        f"row 2, column 'week', value '0001-01-01': Week must be from 1900-01-01 to {NEXT_YEAR_END}",
    ),
    Case("an empty file", "weeks.csv", _csv(""), "is empty; its first row names the columns (week, pain, …)"),
    Case("missing file", "absent.csv", lambda _b: b"", "cannot be read (No such file or directory)"),
    Case("a folder", "folder.csv", lambda _b: b"", "cannot be read (Is a directory)"),
    Case(
        "a NUL byte in row 3",
        "weeks.csv",
        _csv("week,pain\n2026-11-09,4\n2026-11-16,\x00\n"),
        "row 3: holds binary data",
    ),
    Case(
        "a Tuesday",
        "weeks.csv",
        _csv("week,pain\n2026-11-17,4\n"),
        "row 2, column 'week', value '2026-11-17': Week must start on a Monday",
    ),
    Case(
        "a quoted cell never closed (a file cut short)",
        "weeks.csv",
        _csv('week,pain,notes\n2026-11-09,4,fine\n2026-11-16,5,"knee sore\n'),
        'row 3: a cell opened with " is never closed',
    ),
    Case(
        "semicolon-separated",
        "weeks.csv",
        _csv("week;pain\n2026-11-16;4\n"),
        "row 1: the columns are separated by ';', not ','",
    ),
    Case("a column with no name", "weeks.csv", _csv("week,,pain\n2026-11-16,,4\n"), "column 2 has no name"),
    *(
        Case(
            f"sleep written {text}",
            "weeks.csv",
            _csv(f"week,sleep_hours\n2026-11-16,{text}\n"),
            f"row 2, column 'sleep_hours', value '{text}': must be a number written like 4 or 7.5",
        )
        for text in ("1_0", "\u0664", "0x4", "infinity")
    ),
    Case(
        "three problems in the header",
        "weeks.csv",
        _csv("Week,Pain\n2026-11-16,4\n"),
        "3 problem(s) in {path}: row 1, column 'Week', value 'Week': unknown column; row 1, column 'Pain'",
    ),
    Case(
        "pain 11 in 30 rows",
        "weeks.csv",
        _csv("week,pain\n" + "".join(f"{date(2026, 11, 16) - timedelta(weeks=n)},11\n" for n in range(30))),
        "30 problem(s) in {path}: row 2, column 'pain', value '11': Pain (weekly average) must be from 0 "
        "to 10 (got 11); row 3,",
    ),
    Case(
        "pain 1e400",
        "weeks.csv",
        _csv("week,pain\n2026-11-16,1e400\n"),
        "row 2, column 'pain', value '1e400'",
    ),
    Case(
        "notes over 4000 characters",
        "weeks.csv",
        _csv("week,notes\n2026-11-16," + "n" * 5000 + "\n"),
        "row 2, column 'notes'",
    ),
    Case(
        "a bundle that is a list", "list.rtbundle", lambda _b: b"[1, 2]", "is not a RehabTrack patient bundle"
    ),
    Case(
        "a bundle from a newer RehabTrack",
        "new.rtbundle",
        _bundle(lambda d: d.update(version=99)),
        "newer RehabTrack (bundle version 99)",
    ),
    Case(
        "a bundle with an unknown field",
        "p.rtbundle",
        _bundle(lambda d: d["patient"].update(archieved=True)),  # type: ignore[attr-defined]
        "patient.archieved: is not part of a patient bundle",
    ),
    Case(
        "bundle with a field twice",
        "p.rtbundle",
        lambda b: json.dumps(b).replace('"uid": ', '"uid": "x", "uid": ', 1).encode(),
        "is damaged: the field 'uid' appears twice in one object",
    ),
    Case(
        "bundle goal on another database's activity id",
        "p.rtbundle",
        _bundle(lambda d: d["goals"][0].update(marker="activity/PT/Juggle")),  # type: ignore[index]
        'goals[1].marker: an activity goal names its activity: {"activity": "<name>"}',
    ),
    Case(
        "bundle goal on an unknown marker",
        "p.rtbundle",
        _bundle(lambda d: d["goals"][0].update(marker="nonsense")),  # type: ignore[index]
        "goals[1] marker: Choose what the goal is measured by",
    ),
    Case(
        "bundle goal on an activity not in the bundle",
        "p.rtbundle",
        _bundle(lambda d: d["goals"][0].update(marker={"activity": "Juggle"})),  # type: ignore[index]
        "goals[1]: activity 'Juggle' is not in the bundle's activities",
    ),
    Case(
        "bundle goal target off the scale",
        "p.rtbundle",
        _bundle(lambda d: d["goals"][0].update(marker="pain", target=50, direction="lower")),  # type: ignore[index]
        "goals[1] target: Target must be from 0 to 10",
    ),
    Case(
        "bundle threshold of an unknown marker",
        "p.rtbundle",
        _bundle(lambda d: d.update(thresholds={"painn": 2})),
        "thresholds painn: 'painn' is not a marker RehabTrack keeps a meaningful change for",
    ),
    Case(
        "bundle nested 100 000 deep",
        "deep.rtbundle",
        _nested(100_000),
        "not valid JSON: recursion limit exceeded",
    ),
    Case(
        "bundle with 10**400",
        "big.rtbundle",
        _raw_bundle("1" + "0" * 400),
        "entries[1].values.pain: must be a number",
    ),
    Case(
        "bundle with a 5000-digit number",
        "digits.rtbundle",
        _raw_bundle("7" * 5000),
        "not valid JSON: number out of range",
    ),
    Case(
        "bundle archived as a string",
        "p.rtbundle",
        _bundle(lambda d: d["patient"].update(archived="false")),  # type: ignore[attr-defined]
        'patient.archived: must be true or false (without quotes) (got "false")',
    ),
    Case(
        "bundle version as a string",
        "p.rtbundle",
        _bundle(lambda d: d.update(version="2")),
        'version: must be a whole number from 1 to 3, without quotes (got "2")',
    ),
    Case(
        "bundle week 0001-01-01",
        "p.rtbundle",
        _bundle(lambda d: _first_week(d, week="0001-01-01")),
        f"entries[1].week: must be from 1900-01-01 to {NEXT_YEAR_END}",
    ),
    Case(
        "bundle name over 120 characters",
        "p.rtbundle",
        _bundle(lambda d: d["patient"].update(display_name=LONG_NAME)),  # type: ignore[attr-defined]
        "display_name: Name must be at most 120 characters (got 121)",
    ),
]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehabtrack", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A data folder with the demo patient, and a good bundle of them (made once for the module)."""
    from rehabtrack.storage.bundle import bundle_data
    from rehabtrack.storage.demo import seed_demo
    from rehabtrack.storage.store import open_store

    folder = tmp_path_factory.mktemp("seeded") / "data"
    store = open_store(folder)
    seed_demo(store, TODAY)
    [patient] = store.patients()
    assert patient.id is not None
    bundle = bundle_data(store, patient.id)
    store.close()
    return folder, bundle


@pytest.fixture
def data_folder(seeded: tuple[Path, dict[str, object]], tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    shutil.copytree(seeded[0], folder)
    yield folder


def _database_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("rehabtrack.db")}


def _one_plain_line(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_file_is_one_plain_line_and_leaves_the_database_as_it_was(
    case: Case, seeded: tuple[Path, dict[str, object]], data_folder: Path, tmp_path: Path
) -> None:
    path = tmp_path / case.file_name
    if case.name == "a folder":
        path.mkdir()
    elif case.name != "missing file":
        path.write_bytes(case.content(seeded[1]))
    before = _database_bytes(data_folder)
    out = _run("--data-dir", str(data_folder), "import", str(path), *case.args)
    line = _one_plain_line(out)
    assert str(path) in line and "Nothing was imported" in line
    assert case.says.replace("{path}", str(path)) in line
    assert not line.endswith("..") and len(line) < 1500
    assert _database_bytes(data_folder) == before


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB file system, filled up (needs root to mount; skipped elsewhere)."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.decode().strip()}")
    try:
        (mount / "kept.pdf").write_bytes(b"%PDF- an earlier report")
        with (mount / "filler").open("wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError:
                pass
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize(
    ("what", "args"),
    [
        ("csv", ("export", "--format", "csv", "--out", "{out}")),
        ("bundle", ("export", "--format", "bundle", "--patient", "Margaret Demo", "--out", "{out}")),
        ("report", ("report", "--out", "{out}")),
    ],
)
def test_writing_to_a_full_disk_leaves_no_empty_file_and_keeps_the_old_one(
    what: str, args: tuple[str, ...], data_folder: Path, full_disk: Path
) -> None:
    for target in (full_disk / f"new.{what}", full_disk / "kept.pdf"):
        before = {p.name: p.read_bytes() for p in full_disk.iterdir() if p.name != "filler"}
        out = _run("--data-dir", str(data_folder), *(a.replace("{out}", str(target)) for a in args))
        line = _one_plain_line(out)
        assert str(target) in line and "No space left on device" in line and "nothing was written" in line
        assert {p.name: p.read_bytes() for p in full_disk.iterdir() if p.name != "filler"} == before


@pytest.mark.parametrize(
    ("what", "args"),
    [
        ("csv", ("export", "--format", "csv", "--out", "{out}")),
        ("bundle", ("export", "--format", "bundle", "--patient", "Margaret Demo", "--out", "{out}")),
        ("report", ("report", "--out", "{out}")),
    ],
)
def test_a_read_only_file_is_not_replaced(
    what: str, args: tuple[str, ...], data_folder: Path, tmp_path: Path
) -> None:
    """The rename that makes a write whole would replace a read-only file (even keeping none of its
    protection): the user made it read-only, so it is left as it was."""
    target = tmp_path / f"kept.{what}"
    target.write_bytes(b"an earlier file")
    target.chmod(0o444)
    out = _run("--data-dir", str(data_folder), *(a.replace("{out}", str(target)) for a in args))
    line = _one_plain_line(out)
    assert str(target) in line and "the file is read-only" in line and "nothing was written" in line
    assert target.read_bytes() == b"an earlier file" and target.stat().st_mode & 0o777 == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", target.name]


def test_a_header_without_rows_says_so_and_changes_nothing(data_folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "weeks.csv"
    path.write_text("week,pain\n\n")
    before = _database_bytes(data_folder)
    out = _run("--data-dir", str(data_folder), "import", str(path), "--patient", "Margaret Demo")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"Nothing to import: {path} holds no rows below its header."
    assert _database_bytes(data_folder) == before
