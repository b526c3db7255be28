"""The FHIR export of 10 years against its floor: ``fhir.resources`` validating the same Bundle.

Shared by ``test_fhir_benchmark.py`` and ``run_all.py``. The app side is the whole
``export_fhir`` (read the patient's records from the store, build the Bundle, validate it with the
R4B models, write the file); the floor is ``Bundle.model_validate`` of the same Bundle, built
beforehand as plain dicts. Pairs are interleaved (floor, export, floor, export …) and the figure is
the median of the per-pair ratios, so a busy machine slows both sides alike.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import measure  # type: ignore[import-not-found]

FHIR_EXPORT_RATIO = 1.5


def fhir_export(
    runner: measure.Runner = measure.plain_runner, *, data_dir: Path, rounds: int = 3
) -> measure.Figure:
    from fhir.resources.R4B.bundle import Bundle

    from rehabtrack.fhir.export import export_fhir, record_of
    from rehabtrack.fhir.mapping import Options, bundle_from
    from rehabtrack.storage.store import open_store

    with tempfile.TemporaryDirectory(prefix="rehabtrack-bench-fhir-") as tmp:
        store = open_store(measure.copy_data(data_dir, Path(tmp)))
        try:
            [patient, *_] = store.patients()
            assert patient.id is not None
            pid = patient.id
            ready = bundle_from(
                record_of(store, pid), Options(now=datetime.now(UTC), app_version="benchmark")
            )
            warm = dict(ready, entry=ready["entry"][:300])  # every resource class loaded before timing
            Bundle.model_validate(warm)
            floors: list[float] = []

            def floor() -> None:
                start = time.perf_counter()
                Bundle.model_validate(ready)
                floors.append(time.perf_counter() - start)

            out = Path(tmp) / "ten-years.fhir.json"
            times = runner(lambda: export_fhir(store, pid, out), floor, rounds, 0)
            size = out.stat().st_size
        finally:
            store.close()
    ratios = [a / f for a, f in zip(times, floors[-len(times) :], strict=True)]
    ratio = measure.median(ratios)
    return measure.Figure(
        "FHIR export, 10 years of one patient",
        f"`export_fhir` (read, build, validate with the R4B models, write) vs `Bundle.model_validate` "
        f"of the same {len(ready['entry'])} resources from ready-made dicts, interleaved, median of "
        f"{len(times)}",
        f"{ratio:.2f}× ({measure.median(times):.1f} s vs floor {measure.median(floors):.1f} s)",
        f"≤ {FHIR_EXPORT_RATIO}×",
        ratio <= FHIR_EXPORT_RATIO,
        {
            "ratios": ratios,
            "export_s": times,
            "floor_s": floors,
            "resources": len(ready["entry"]),
            "bytes": size,
        },
    )
