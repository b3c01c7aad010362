"""Benchmark the ClinicalTrials.gov importer on N synthetic records (not a test).

The records vary the real API v2 JSON records in ``../shared/data/ctgov/`` (or the test
fixture ``tests/fixtures/ctgov/`` when that folder is missing): each copy gets a new NCT id,
and its phase, status, enrollment count, conditions, arm order and p-values are drawn, with a
fixed seed, from the values the real records use. They are written to a temporary folder and
imported with :func:`kg.importers.import_files`, which is timed. Peak memory is the process's
maximum resident set size (``resource.getrusage``); ``--tracemalloc`` also reports the peak of
Python allocations during the import (slower).

Usage::

    python benchmarks/bench_ctgov_import.py              # 10,000 records
    python benchmarks/bench_ctgov_import.py -n 1000 --tracemalloc
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.importers import import_files

__all__ = ["main", "synthesise"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "ctgov"
FIXTURES = ROOT / "tests" / "fixtures" / "ctgov"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print one summary line; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--records", type=int, default=10_000, help="how many (10,000)")
    parser.add_argument("--seed", type=int, default=20240611, help="random seed")
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations")
    parser.add_argument("--progress", action="store_true", help="show the progress bar")
    args = parser.parse_args(argv)

    bases = _base_records()
    with tempfile.TemporaryDirectory(prefix="bench-ctgov-") as folder:
        synthesise(bases, args.records, Path(folder), seed=args.seed)
        rss_before = _max_rss_mib()
        if args.tracemalloc:
            tracemalloc.start()
        start = time.perf_counter()
        graph = import_files([folder], progress=args.progress or None)
        elapsed = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
        tracemalloc.stop()
    rate = args.records / elapsed if elapsed else float("inf")
    line = (
        f"imported {args.records} records ({len(graph)} triples) in {elapsed:.2f} s: "
        f"{rate:.0f} records/s; peak memory {_max_rss_mib():.0f} MiB max RSS "
        f"({rss_before:.0f} MiB before the import)"
    )
    if traced is not None:
        line += f", {traced:.0f} MiB traced Python allocations"
    sys.stdout.write(line + "\n")
    return 0


def synthesise(bases: Sequence[dict[str, Any]], count: int, folder: Path, *, seed: int) -> None:
    """Write ``count`` varied copies of the base records as ``NCT9xxxxxxx.json`` files."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    pools = _pools(bases)
    for index in range(count):
        record = copy.deepcopy(bases[index % len(bases)])
        nct = f"NCT{90_000_000 + index:08d}"
        protocol = record["protocolSection"]
        protocol["identificationModule"]["nctId"] = nct
        protocol["identificationModule"]["briefTitle"] += f" (synthetic {index})"
        protocol.setdefault("statusModule", {})["overallStatus"] = rng.choice(pools["statuses"])
        design = protocol.setdefault("designModule", {})
        if design.get("studyType") == "INTERVENTIONAL":
            design["phases"] = list(rng.choice(pools["phases"]))
        if "enrollmentInfo" in design:
            design["enrollmentInfo"]["count"] = rng.randint(0, 1000)
        conditions = protocol.setdefault("conditionsModule", {}).get("conditions", [])
        rng.shuffle(conditions)
        arms = protocol.get("armsInterventionsModule", {}).get("armGroups", [])
        rng.shuffle(arms)
        measures = record.get("resultsSection", {}).get("outcomeMeasuresModule", {})
        for measure in measures.get("outcomeMeasures", []):
            for analysis in measure.get("analyses", []):
                if "pValue" in analysis:
                    analysis["pValue"] = rng.choice(pools["p_values"])
        (folder / f"{nct}.json").write_text(json.dumps(record), encoding="utf-8")


def _base_records() -> list[dict[str, Any]]:
    """Read the real API v2 JSON records (the shared folder, else the test fixture)."""
    folder = SHARED if SHARED.is_dir() else FIXTURES
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    if not records:
        raise SystemExit(f"no JSON records in {folder}")
    return records


def _pools(bases: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Collect the values the real records use, to draw varied ones from."""
    statuses: set[Any] = set()
    phases: set[Any] = set()
    p_values: set[Any] = set()
    for record in bases:
        protocol = record["protocolSection"]
        statuses.add(protocol.get("statusModule", {}).get("overallStatus", "COMPLETED"))
        found = protocol.get("designModule", {}).get("phases")
        if found:
            phases.add(tuple(found))
        measures = record.get("resultsSection", {}).get("outcomeMeasuresModule", {})
        for measure in measures.get("outcomeMeasures", []):
            p_values.update(a["pValue"] for a in measure.get("analyses", []) if "pValue" in a)
    return {
        "statuses": sorted(statuses | {"COMPLETED", "TERMINATED", "RECRUITING"}),
        "phases": sorted(phases | {("PHASE1", "PHASE2"), ("PHASE3",)}),
        "p_values": sorted(p_values | {"<0.001", "0.03", "0.41"}),
    }


def _max_rss_mib() -> float:
    """Return the process's peak resident set size so far, in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


if __name__ == "__main__":
    raise SystemExit(main())
