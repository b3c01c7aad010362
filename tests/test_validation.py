"""Validation against tiny shapes: the right results, in a stable order."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import SH, Graph, URIRef

import kg
from kg import ValidationReport, validate

EX = "http://example.org/als-kg-test/"


def summary(report: ValidationReport) -> list[tuple[str, str, str]]:
    """Reduce a report to (severity, focus local name, component local name) triples."""
    return [
        (v.severity, str(v.focus).removeprefix(EX), str(v.component).removeprefix(str(SH)))
        for v in report.violations
    ]


def test_violations(fixtures: Path, tiny_assets: Path) -> None:
    report = validate(fixtures / "violations.ttl")
    assert not report.conforms
    assert summary(report) == [
        ("Violation", "edaravone", "MinCountConstraintComponent"),
        ("Violation", "placebo-loop", "SPARQLConstraintComponent"),
        ("Violation", "tofersen", "DatatypeConstraintComponent"),
        ("Warning", "tofersen", "MinCountConstraintComponent"),
    ]
    tofersen = report.violations[2]
    assert tofersen.path == URIRef(EX + "approvalYear")
    assert str(tofersen.value) == "2023"
    assert tofersen.focus_label == "Tofersen"
    assert report.violations[1].message == "A drug cannot be its own comparator"


def test_subclass_targets_need_the_ontology(fixtures: Path, tiny_assets: Path) -> None:
    """Without the ontology, ex:SmallMolecule is not known to be an ex:Drug."""
    report = validate(fixtures / "violations.ttl", ontology=False)
    assert "edaravone" not in {str(v.focus).removeprefix(EX) for v in report.violations}


def test_warnings_do_not_fail(fixtures: Path, tiny_assets: Path) -> None:
    report = validate(fixtures / "warnings_only.ttl")
    assert report.conforms
    assert [v.severity for v in report.violations] == ["Warning"]
    assert report.text().startswith("Conforms: ")
    assert "1 warning" in report.text()


def test_good_data_conforms(tiny_assets: Path) -> None:
    report = validate(kg.load_curated(ontology=False))
    assert report.conforms
    assert report.violations == ()
    assert report.text() == f"Conforms: {report.triples} triples checked, no violations."


def test_accepts_graphs_paths_and_lists(fixtures: Path) -> None:
    """The same input given as a path, a graph or a list gives the same results."""
    shapes = fixtures / "assets" / "shapes" / "tiny-shapes.ttl"
    files = [fixtures / "violations.ttl", fixtures / "assets" / "ontology"]
    as_list = validate(files, shapes=shapes, ontology=False)
    as_graph = validate(kg.load(*files), shapes=[Graph().parse(shapes)], ontology=False)
    assert summary(as_list) == summary(as_graph)
    assert len(as_list.violations) == 4


def test_caller_graph_is_not_changed(fixtures: Path, tiny_assets: Path) -> None:
    data = kg.read_graph(fixtures / "violations.ttl")
    before = set(data)
    validate(data)
    assert set(data) == before


def test_text_report(fixtures: Path, tiny_assets: Path) -> None:
    text = validate(fixtures / "violations.ttl").text()
    assert text.splitlines()[0] == (
        "Does not conform: 14 triples checked, 3 violations, 1 warning."
    )
    assert '[Violation] ex:tofersen ("Tofersen")' in text
    assert "  path:      ex:approvalYear" in text
    assert '  value:     "2023"' in text
    assert "  shape:     ex:DrugShape" in text
    assert "[blank node]" not in text
    assert text == validate(fixtures / "violations.ttl").text()  # deterministic


def test_bad_shapes_file(fixtures: Path) -> None:
    with pytest.raises(kg.InputError, match=r"missing_dot\.ttl, line 6: "):
        validate(fixtures / "warnings_only.ttl", shapes=fixtures / "bad" / "missing_dot.ttl")


def test_no_shapes(fixtures: Path) -> None:
    with pytest.raises(kg.KgError, match="no SHACL shapes"):
        validate(fixtures / "warnings_only.ttl", shapes=[], ontology=False)


def test_unusable_shapes(fixtures: Path, tmp_path: Path) -> None:
    """Shapes that pySHACL rejects give a KgError with pySHACL's reason."""
    shapes = tmp_path / "broken-shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <http://example.org/als-kg-test/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:Drug ;\n"
        '    sh:property [ sh:path ex:p ; sh:minCount "many" ] .\n'
    )
    with pytest.raises(kg.KgError, match="cannot validate with these shapes"):
        validate(fixtures / "warnings_only.ttl", shapes=shapes, ontology=False)
