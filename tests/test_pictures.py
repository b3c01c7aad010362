"""SVG pictures of a therapy: evidence graph and timeline."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.graph.io import load_curated
from kg.namespaces import KGR
from kg.publish.pictures import evidence_svg, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
Draw = Callable[[Graph, URIRef, Path], Path | None]


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


def _texts(path: Path) -> list[str]:
    """Return the picture's text, as the browser shows it (the SVG keeps text as text)."""
    root = ET.parse(path).getroot()  # noqa: S314 - our own file
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("draw", [evidence_svg, timeline_svg])
def test_pictures_are_svg_with_text(curated: Graph, tmp_path: Path, draw: Draw) -> None:
    path = draw(curated, KGR["lenzumestrocel"], tmp_path / "picture.svg")
    assert path is not None
    assert ET.parse(path).getroot().tag == f"{SVG}svg"  # noqa: S314
    assert [p.name for p in tmp_path.iterdir()] == ["picture.svg"]
    assert _texts(path)


def test_evidence_labels_are_wrapped_not_cut(curated: Graph, tmp_path: Path) -> None:
    path = evidence_svg(curated, KGR["lenzumestrocel"], tmp_path / "e.svg")
    assert path is not None
    text = " ".join(" ".join(_texts(path)).split())
    assert "…" not in text
    # A long label is whole, over several lines.
    label = "Application to MFDS to change Neuronata-R's conditional approval"
    assert label.split()[0] in text and "slow-progressor subgroup" in text
    lines = _texts(path)
    assert max(len(line) for line in lines) <= 40


def test_legends_are_words(curated: Graph, tmp_path: Path) -> None:
    for draw in (evidence_svg, timeline_svg):
        path = draw(curated, KGR["lenzumestrocel"], tmp_path / f"{draw.__name__}.svg")
        assert path is not None
        text = " ".join(_texts(path))
        assert "regulatory event" in text
        assert not re.search(r"\b(RegulatoryEvent|ClinicalTrial|Result|Source)\b", text)


@pytest.mark.parametrize("draw", [evidence_svg, timeline_svg])
def test_nothing_to_draw_writes_nothing(tmp_path: Path, draw: Draw) -> None:
    graph = Graph().parse(
        data="<urn:x> a <https://w3id.org/als-kg/ontology#Therapy> .", format="turtle"
    )
    assert draw(graph, URIRef("urn:x"), tmp_path / "empty.svg") is None
    assert list(tmp_path.iterdir()) == []


def test_timeline_axis_spans_its_events(tmp_path: Path) -> None:
    """Two events a month apart: the axis covers about that month, not a year."""
    graph = Graph().parse(
        data="""
        @prefix kgo: <https://w3id.org/als-kg/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:t> a kgo:Therapy .
        <urn:e1> kgo:therapy <urn:t> ; kgo:eventStatus kgo:Occurred ;
            kgo:date "2023-04-03"^^xsd:date ; <http://www.w3.org/2000/01/rdf-schema#label> "one" .
        <urn:e2> kgo:therapy <urn:t> ; kgo:eventStatus kgo:Occurred ;
            kgo:date "2023-05-08"^^xsd:date ; <http://www.w3.org/2000/01/rdf-schema#label> "two" .
        """,
        format="turtle",
    )
    path = timeline_svg(graph, URIRef("urn:t"), tmp_path / "t.svg")
    assert path is not None
    ticks = " ".join(_texts(path))
    assert "2023" in ticks and "2022" not in ticks and "2024" not in ticks
    assert not re.search(r"\b(Jan|Feb|Jul|Aug|Sep|Oct|Nov|Dec)\b", ticks), ticks


def test_same_picture_same_bytes(curated: Graph, tmp_path: Path) -> None:
    one = evidence_svg(curated, KGR["tofersen"], tmp_path / "a.svg")
    two = evidence_svg(curated, KGR["tofersen"], tmp_path / "b.svg")
    assert one is not None and two is not None
    assert one.read_bytes() == two.read_bytes()


def test_sources_as_page_numbers(curated: Graph, tmp_path: Path) -> None:
    """Given the page's numbers, sources are numbers in their evidence's box, not boxes."""
    from kg.analysis.evidence import evidence_graph

    chain = evidence_graph(curated, KGR["tofersen"])
    sources = sorted(n for n, d in chain.nodes(data=True) if d.get("kind") == "Source")
    numbers = {iri: index for index, iri in enumerate(sources, start=1)}
    path = evidence_svg(curated, KGR["tofersen"], tmp_path / "e.svg", source_numbers=numbers)
    assert path is not None
    text = " ".join(_texts(path))
    assert "source document" not in text
    for node in chain.nodes:
        cited = sorted(numbers[s] for s in chain.successors(node) if s in numbers)
        if cited:
            assert "sources " + " ".join(f"[{n}]" for n in cited) in text, node
