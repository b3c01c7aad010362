"""How much each source carries."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.analysis.source_load import SOURCE_COLUMNS, source_load
from kg.graph.io import load_curated
from kg.namespaces import KGR


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


def test_counts_per_source(curated: Graph) -> None:
    rows = {row["source"]: row for row in source_load(curated).sources}
    nejm = rows[str(KGR["src-nejm-2022-valor-summary"])]
    assert set(nejm) == set(SOURCE_COLUMNS)
    assert nejm["kind"] == "peer-reviewed paper"
    # VALOR, its enrollment, its two endpoints and two results at least
    assert int(nejm["claims"] or 0) >= 6
    assert int(nejm["alone"] or 0) <= int(nejm["claims"] or 0)


def test_sorted_by_load(curated: Graph) -> None:
    counts = [int(row["claims"] or 0) for row in source_load(curated).sources]
    assert counts == sorted(counts, reverse=True)


def test_slow_progressor_alsfrsr_rests_on_one_press_release(curated: Graph) -> None:
    single = source_load(curated).single_press_release
    row = next(r for r in single if r["claim"] == str(KGR["NCT04745299-res-slow-alsfrsr"]))
    assert row["source"] == str(KGR["src-pr-2025-09-22"])
    assert row["claimKind"] == "Result"
    assert str(KGR["NCT02623699-res-nfl"]) not in {r["claim"] for r in single}
