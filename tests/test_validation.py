"""Validation against tiny shapes: the right results, in a stable order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, SH, XSD, Graph, Literal, URIRef

import kg
from kg import ValidationReport, validate
from kg.cli import main

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


def test_warnings_do_not_conform_but_do_not_fail(fixtures: Path, tiny_assets: Path) -> None:
    """As SHACL says, any result (a warning too) means the data does not conform."""
    report = validate(fixtures / "warnings_only.ttl")
    assert not report.conforms
    assert not report.fails()
    assert report.fails(fail_on="Warning")
    assert [v.severity for v in report.violations] == ["Warning"]
    assert report.text().startswith("Does not conform: ")
    assert "no violations, 1 warning" in report.text()
    assert "[Warning]" not in report.text(severity="Violation")


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


def broken_shapes(folder: Path) -> Path:
    """A shapes file pySHACL rejects (sh:minCount "many")."""
    shapes = folder / "broken-shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <http://example.org/als-kg-test/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:Drug ;\n"
        '    sh:property [ sh:path ex:p ; sh:minCount "many" ] .\n'
    )
    return shapes


def test_unusable_shapes(fixtures: Path, tmp_path: Path) -> None:
    """Shapes that pySHACL rejects give a KgError with pySHACL's reason."""
    shapes = broken_shapes(tmp_path)
    with pytest.raises(kg.KgError, match="cannot validate with these shapes"):
        validate(fixtures / "warnings_only.ttl", shapes=shapes, ontology=False)


PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""


def _report(tmp_path: Path, data: str, shapes: str, engine: str = "pyshacl") -> ValidationReport:
    (tmp_path / "data.ttl").write_text(PREFIXES + data, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(PREFIXES + shapes, encoding="utf-8")
    return validate(
        tmp_path / "data.ttl", shapes=tmp_path / "shapes.ttl", ontology=False,
        engine=engine,  # type: ignore[arg-type]
        progress=False,
    )


@pytest.mark.parametrize("engine", ["pyshacl", "oxigraph"])
def test_custom_severity_is_kept(tmp_path: Path, engine: str) -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity ex:Blocker ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity ex:Blocker ] ."""
    report = _report(tmp_path, "ex:a ex:q 1 .", shapes, engine)
    assert [v.severity for v in report.violations] == ["http://example.org/Blocker"]
    assert report.fails()  # a custom severity fails a check like a violation
    assert (None, SH.resultSeverity, URIRef("http://example.org/Blocker")) in report.results_graph


def test_details_are_nested_not_counted(tmp_path: Path) -> None:
    """sh:detail results stay under their parent; only top-level results count."""
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:node ex:T ] .
        ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ."""
    report = _report(tmp_path, "ex:a ex:p ex:b .", shapes)
    assert len(report.violations) == 1
    graph = report.results_graph
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 1 + len(
        report.violations[0].details
    )
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(list(graph.objects(reports[0], SH.result))) == 1


@pytest.mark.parametrize("engine", ["pyshacl", "oxigraph"])
def test_turtle_and_json_reports(tmp_path: Path, engine: str) -> None:
    """The turtle output is a W3C report graph; json carries the same results."""
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:datatype xsd:integer ; sh:message "an integer"@en ] ."""
    report = _report(tmp_path, 'ex:a ex:p "01"^^xsd:integer, "x"^^xsd:integer .', shapes, engine)
    graph = Graph().parse(data=report.turtle(), format="turtle")
    results = list(graph.objects(None, SH.result))
    assert len(results) == 1
    assert graph.value(results[0], SH.value) == Literal("x", datatype=XSD.integer)
    assert graph.value(results[0], SH.resultMessage) == Literal("an integer", lang="en")
    document = json.loads(report.json())
    assert document["conforms"] is False
    assert document["counts"] == {"Violation": 1}
    assert [r["value"] for r in document["results"]] == [f'"x"^^<{XSD.integer}>']


# --- the command ---------------------------------------------------------------------------


COMPARATOR_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/als-kg-test/> .
ex:ComparatorShape a sh:NodeShape ; sh:targetClass ex:Drug ;
    sh:property [ sh:path ex:comparator ; sh:class ex:Drug ] .
"""
NEW_DRUG = """
@prefix ex: <http://example.org/als-kg-test/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:newdrug a ex:Drug ; rdfs:label "New" ; ex:description "New." ; ex:comparator ex:riluzole .
"""


@pytest.mark.parametrize("engine", ["pyshacl", "oxigraph"])
def test_command_checks_files_with_the_curated_graph(
    runner: CliRunner, tmp_path: Path, tiny_assets: Path, engine: str
) -> None:
    """Without --alone, a reference to a curated entity resolves; with it, it does not."""
    (tmp_path / "shapes.ttl").write_text(COMPARATOR_SHAPES, encoding="utf-8")
    (tmp_path / "new.ttl").write_text(NEW_DRUG, encoding="utf-8")
    args = ["validate", str(tmp_path / "new.ttl"), "--shapes", str(tmp_path / "shapes.ttl"),
            "--engine", engine]
    together = runner.invoke(main, args)
    assert together.exit_code == 0, together.output
    assert together.output.startswith("Conforms: ")
    alone = runner.invoke(main, [*args, "--alone", "--format", "json"])
    assert alone.exit_code == 1
    results = json.loads(alone.output)["results"]
    assert [(r["focus"], r["component"]) for r in results] == [
        ("<http://example.org/als-kg-test/newdrug>", f"<{SH.ClassConstraintComponent}>")
    ]


def test_command_severity_and_fail_on(runner: CliRunner, fixtures: Path, tiny_assets: Path) -> None:
    """--severity hides results from the text; --fail-on decides the exit code."""
    file = str(fixtures / "warnings_only.ttl")
    shown = runner.invoke(main, ["validate", file])
    assert shown.exit_code == 0 and "[Warning]" in shown.output
    hidden = runner.invoke(main, ["validate", file, "--severity", "violation"])
    assert hidden.exit_code == 0 and "[Warning]" not in hidden.output
    assert hidden.output.startswith("Does not conform: ")
    strict = runner.invoke(main, ["validate", file, "--fail-on", "warning"])
    assert strict.exit_code == 1


@pytest.mark.parametrize("engine", ["pyshacl", "oxigraph"])
def test_command_refuses_invalid_shapes(
    runner: CliRunner, fixtures: Path, tmp_path: Path, engine: str
) -> None:
    """Shapes that are not valid SHACL: one line on stderr, exit code 2, no report."""
    shapes = broken_shapes(tmp_path)
    result = runner.invoke(
        main,
        ["validate", str(fixtures / "warnings_only.ttl"), "--shapes", str(shapes), "--alone",
         "--format", "turtle", "--engine", engine],
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: cannot validate with these shapes")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("engine", ["pyshacl", "oxigraph"])
def test_context_results_are_left_out(
    fixtures: Path, tmp_path: Path, tiny_assets: Path, engine: str
) -> None:
    """Context data resolves references, but its own results are not the data's."""
    (tmp_path / "new.ttl").write_text(NEW_DRUG, encoding="utf-8")
    context = [fixtures / "violations.ttl"]  # three violations and a warning of its own
    report = validate(
        tmp_path / "new.ttl", context=context, engine=engine,  # type: ignore[arg-type]
        progress=False,
    )
    assert report.violations == () and report.conforms
    whole = validate([tmp_path / "new.ttl", *context], engine=engine)  # type: ignore[arg-type]
    assert len(whole.violations) == 4
