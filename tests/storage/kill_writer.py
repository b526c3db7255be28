"""Helper for the kill test: save weekly entries through Store in a loop until killed.

    python kill_writer.py DATA_DIR FIRST_WEEK_INDEX

Prints ``ready`` once the store is open, then after each committed save the week index it saved
(flushed), so the parent knows exactly which saves were acknowledged.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from rehabtrack.core.model import Patient, WeeklyEntry
from rehabtrack.core.rom import RomReading, Side
from rehabtrack.storage.store import open_store

FIRST_MONDAY = date(2000, 1, 3)
PATIENT = "Kill Test"


def week(index: int) -> date:
    return FIRST_MONDAY + timedelta(weeks=index)


def entry(index: int) -> WeeklyEntry:
    return WeeklyEntry(
        week(index),
        {"pain": index % 11, "sleep_hours": 6.5},
        (RomReading("knee", Side.RIGHT, "flexion", index % 160),),
        notes=f"saved {index} " + "x" * (index % 500),
    )


def main() -> None:
    store = open_store(Path(sys.argv[1]))
    first = int(sys.argv[2])
    patient = store.patient_named(PATIENT) or store.save_patient(Patient(PATIENT))
    assert patient.id is not None
    print("ready", flush=True)
    index = first
    while True:
        store.save_entry(patient.id, entry(index))
        print(index, flush=True)
        index += 1


if __name__ == "__main__":
    main()
