"""PNG pictures of a therapy: evidence graph and timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.io import load_curated
from kg.namespaces import KGR
from kg.pictures import evidence_png, timeline_png

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


@pytest.mark.parametrize("draw", [evidence_png, timeline_png])
def test_pictures_are_pngs(curated: Graph, tmp_path: Path, draw: object) -> None:
    path = draw(curated, KGR["lenzumestrocel"], tmp_path / "picture.png")  # type: ignore[operator]
    assert path.read_bytes()[:8] == PNG
    assert [p.name for p in tmp_path.iterdir()] == ["picture.png"]


@pytest.mark.parametrize("draw", [evidence_png, timeline_png])
def test_a_therapy_without_anything_still_gets_a_picture(tmp_path: Path, draw: object) -> None:
    graph = Graph().parse(
        data="<urn:x> a <https://w3id.org/als-kg/ontology#Therapy> .", format="turtle"
    )
    from rdflib import URIRef

    path = draw(graph, URIRef("urn:x"), tmp_path / "empty.png")  # type: ignore[operator]
    assert path.read_bytes()[:8] == PNG
