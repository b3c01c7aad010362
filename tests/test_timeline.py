"""A therapy's timeline."""

from __future__ import annotations

import datetime

import pytest
from rdflib import Graph

from kg.analysis.timeline import timeline
from kg.graph.io import load_curated
from kg.namespaces import KGR


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


def test_neuronata_timeline(curated: Graph) -> None:
    items = timeline(curated, KGR["lenzumestrocel"])
    alsummit = [item for item in items if item.iri == str(KGR["NCT04745299"])]
    bar = next(item for item in alsummit if item.kind == "trial")
    assert bar.start == datetime.date(2021, 3, 23)
    assert bar.end == datetime.date(2024, 12, 1)  # the readout
    readout = next(item for item in alsummit if item.kind == "readout")
    assert readout.detail == "missed primary endpoint"
    bla = next(item for item in items if item.iri == str(KGR["event-lenzumestrocel-fda-bla"]))
    assert bla.planned and bla.when == "2026"
    meeting = next(i for i in items if i.iri == str(KGR["event-lenzumestrocel-fda-type-c-meeting"]))
    assert meeting.planned and meeting.when == "Q4 2025"
    assert [item.start for item in items] == sorted(item.start for item in items)


def test_estimated_dates_are_marked(curated: Graph) -> None:
    atlas = next(
        item
        for item in timeline(curated, KGR["tofersen"])
        if item.iri == str(KGR["NCT04856982"]) and item.kind == "trial"
    )
    assert atlas.estimated and atlas.end == datetime.date(2027, 8, 7)
