"""One CSV import in a fresh process, for ``measure.csv_import`` and ``measure.csv_import_large``.

    python csv_probe.py app|floor|flat FILE.csv DATA_DIR

``app``: ``import_csv`` into a new RehabTrack database (every check, the merge rules, the backup
before a changing import). ``floor``: the same file read with ``csv`` and its rows inserted with
``sqlite3.executemany`` into the same tables of a new RehabTrack database (same schema, indexes and
constraints), under the same pragmas (WAL, synchronous=FULL, foreign keys), in one transaction,
with no checks at all. ``flat``: for comparison only, the rows as text into one table of the
file's columns. Each is timed from just before the import to its commit; the database is
created (untimed) before. Prints one JSON line: seconds, weeks, peak memory (VmHWM) in MB.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def floor(csv_path: Path, database: Path) -> int:
    """``csv`` + ``sqlite3.executemany`` into the app's tables: patients, their activities, weeks, ROM
    readings and activity ratings, as the file has them."""
    from rehabtrack.core.markers import WEEKLY_MARKERS

    markers = [m.key for m in WEEKLY_MARKERS]
    con = sqlite3.connect(database, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    con.execute("BEGIN")
    with csv_path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        header = next(reader)
        at = {name: i for i, name in enumerate(header)}
        marker_at = [at.get(key) for key in markers]
        rom_at = [(i, name.split(":")[1:]) for i, name in enumerate(header) if name.startswith("rom:")]
        activity_at = [
            (i, name.split(":", 2)[1:]) for i, name in enumerate(header) if name.startswith("activity:")
        ]
        minutes_at = {
            name.split(":", 1)[1]: i for i, name in enumerate(header) if name.startswith("minutes:")
        }
        patients: dict[str, int] = {}
        activities: dict[tuple[int, str], int] = {}
        entries: list[tuple[object, ...]] = []
        children: list[tuple[int, str, list[str]]] = []  # (patient, week, cells)
        for cells in reader:
            name = cells[at["patient"]].strip()
            pid = patients.get(name)
            if pid is None:
                pid = con.execute(
                    "INSERT INTO patient (display_name, condition, affected_side, pt_clinician, ot_clinician,"
                    " archived, created_at, updated_at, uid) VALUES (?, '', '', '', '', 0, ?, ?, ?)",
                    (name, now, now, f"floor-{len(patients)}"),
                ).lastrowid
                assert pid is not None
                patients[name] = pid
                for position, (_, (discipline, activity)) in enumerate(activity_at):
                    activities[(pid, activity)] = (
                        con.execute(
                            "INSERT INTO activity (patient_id, name, discipline, archived, position)"
                            " VALUES (?, ?, ?, 0, ?)",
                            (pid, activity, discipline, position),
                        ).lastrowid
                        or 0
                    )
            week = cells[at["week"]]
            values = [float(cells[i]) if i is not None and cells[i] else None for i in marker_at]
            entries.append((pid, week, *values, cells[at["notes"]], now))
            children.append((pid, week, cells))
        columns = ", ".join(markers)
        con.executemany(
            f"INSERT INTO weekly_entry (patient_id, week, {columns}, notes, updated_at)"
            f" VALUES ({', '.join('?' * (len(markers) + 4))})",
            entries,
        )
        ids = {
            (pid, week): i for i, pid, week in con.execute("SELECT id, patient_id, week FROM weekly_entry")
        }
        rom = []
        ratings = []
        for pid, week, cells in children:
            entry_id = ids[(pid, week)]
            for i, (joint, side, movement, mode) in rom_at:
                if cells[i]:
                    rom.append((entry_id, pid, joint, side, movement, float(cells[i]), mode))
            for i, (discipline, activity) in activity_at:
                if cells[i]:
                    j = minutes_at.get(f"{discipline}:{activity}")
                    minutes = int(cells[j]) if j is not None and cells[j] else None
                    ratings.append((entry_id, pid, activities[(pid, activity)], int(cells[i]), minutes))
        con.executemany(
            "INSERT INTO rom_measurement (entry_id, patient_id, joint, side, movement, degrees, mode)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rom,
        )
        con.executemany(
            "INSERT INTO activity_rating (entry_id, patient_id, activity_id, rating, minutes)"
            " VALUES (?, ?, ?, ?, ?)",
            ratings,
        )
    con.execute("COMMIT")
    con.close()
    return len(entries)


def flat_floor(csv_path: Path, database: Path) -> int:
    """The file's rows as they are (text cells) into one table of its columns: the pace of the disk
    and ``csv`` alone, for comparison (the app stores a week in three tables)."""
    con = sqlite3.connect(database, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("BEGIN")
    with csv_path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        header = next(reader)
        columns = ", ".join(f'"c{i}"' for i in range(len(header)))
        con.execute(f"CREATE TABLE csv_rows ({columns})")
        con.executemany(f"INSERT INTO csv_rows VALUES ({', '.join('?' * len(header))})", reader)
    rows = con.execute("SELECT count(*) FROM csv_rows").fetchone()[0]
    con.execute("COMMIT")
    con.close()
    return int(rows)


def main() -> int:
    mode, csv_path, data_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    from rehabtrack.storage.csv_io import import_csv
    from rehabtrack.storage.store import open_store

    store = open_store(data_dir)
    if mode == "app":
        start = time.perf_counter()
        weeks = import_csv(store, csv_path).weeks_added
        seconds = time.perf_counter() - start
        store.close()
    else:
        database = store.path
        store.close()
        start = time.perf_counter()
        weeks = (floor if mode == "floor" else flat_floor)(csv_path, database)
        seconds = time.perf_counter() - start
    print(json.dumps({"mode": mode, "seconds": seconds, "weeks": weeks, "peak_mb": peak_mb()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
