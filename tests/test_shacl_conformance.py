"""The W3C SHACL test suite, every case through both engines via ``kg validate``.

Each case runs as ``kg validate DATA --shapes SHAPES --alone --format turtle --engine E``,
in-process through the command's entry point (fast), plus a few real subprocess runs. A case
passes when the printed ``sh:ValidationReport`` has the expected ``sh:conforms`` and the same
set of (focus node, path, component, severity, value) as the expected report; an
``sht:Failure`` case passes when the command refuses the shapes with exit code 2 and a
one-line error. Blank nodes are compared by kind (a path by its structure).

The suite lives in ``shared/conformance/shacl/`` beside the repository (or where the
``ALS_KG_SHARED`` environment variable points). Cases known to fail are listed, with the reason,
in ``tests/fixtures/shacl-known-failures.txt``; a listed case that starts passing fails the
test, so the list stays true.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, SH, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.cli import main
from kg.validation import as_written
from tests.shared_data import shared_path

pytest.importorskip("pyoxigraph")

ROOT = Path(__file__).resolve().parent.parent
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
ENGINES = ("pyshacl", "oxigraph")
KNOWN_FAILURES = Path(__file__).resolve().parent / "fixtures" / "shacl-known-failures.txt"
#: The acceptance floor: at least as many passes as pySHACL's own 118 of 120.
MINIMUM_PASSES = 118

Key = tuple[str, str, str, str, str]


SUITE = shared_path("conformance", "shacl")
needs_suite = pytest.mark.skipif(
    not (SUITE / "manifest.ttl").exists(),
    reason=f"no W3C SHACL test suite in {SUITE} (clone shared/ beside the repository)",
)


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry of the suite."""

    name: str  # the file's path under shacl/, without .ttl
    data: Path
    shapes: Path
    failure: bool  # the expected result is sht:Failure
    conforms: bool
    results: frozenset[Key]


def _file(node: Node | None) -> Path:
    assert isinstance(node, URIRef) and node.startswith("file://"), node
    return Path(str(node).removeprefix("file://"))


def _path_text(graph: Graph, path: Node | None) -> str:
    """A SHACL path written out, so blank-node paths compare by structure."""
    if path is None:
        return ""
    if not isinstance(path, BNode):
        return str(path)
    if graph.value(path, RDF.first) is not None:
        return "(" + " / ".join(_path_text(graph, step) for step in Collection(graph, path)) + ")"
    for key in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        inner = graph.value(path, key)
        if inner is not None:
            return f"{key.fragment}({_path_text(graph, inner)})"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(_path_text(graph, a) for a in Collection(graph, alternatives)) + ")"
    return "[unknown path]"


def _term(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "[blank node]"
    assert isinstance(node, URIRef | Literal)
    return node.n3()


def result_keys(graph: Graph, report: Node) -> frozenset[Key]:
    """The (focus, path, component, severity, value) of each top-level result of a report."""
    return frozenset(
        (
            _term(graph.value(result, SH.focusNode)),
            _path_text(graph, graph.value(result, SH.resultPath)),
            _term(graph.value(result, SH.sourceConstraintComponent)),
            _term(graph.value(result, SH.resultSeverity)),
            _term(graph.value(result, SH.value)),
        )
        for result in graph.objects(report, SH.result)
    )


def _entries(manifest: Path) -> list[Case]:
    with as_written():
        graph = Graph().parse(manifest, format="turtle")
    cases: list[Case] = []
    for included in sorted(graph.objects(None, MF.include), key=str):
        cases += _entries(_file(included))
    for entries in graph.objects(None, MF.entries):
        for entry in Collection(graph, entries):
            cases.append(_case(_file(entry).with_suffix(".ttl"), entry))
    return cases


def _case(path: Path, entry: Node) -> Case:
    with as_written():  # the expected values as written, ill-formed literals included
        graph = Graph().parse(path, format="turtle")
    action = graph.value(entry, MF.action)
    result = graph.value(entry, MF.result)
    assert result is not None, entry
    conforms = graph.value(result, SH.conforms)
    return Case(
        name=str(path.relative_to(SUITE).with_suffix("")),
        data=_file(graph.value(action, SHT.dataGraph)),
        shapes=_file(graph.value(action, SHT.shapesGraph)),
        failure=result == SHT.Failure,
        conforms=isinstance(conforms, Literal) and conforms.toPython() is True,
        results=frozenset() if result == SHT.Failure else result_keys(graph, result),
    )


def suite_cases() -> list[Case]:
    """Every case of the suite, in manifest order."""
    return _entries(SUITE / "manifest.ttl")


def known_failures() -> dict[tuple[str, str], str]:
    """(engine, case) -> reason, from the known-failures file."""
    known: dict[tuple[str, str], str] = {}
    for line in KNOWN_FAILURES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            engine, name, reason = line.split(maxsplit=2)
            known[engine, name] = reason
    return known


def arguments(case: Case, engine: str) -> list[str]:
    """The ``kg`` arguments that check one case with one engine."""
    return [
        "validate", str(case.data), "--shapes", str(case.shapes), "--alone",
        "--format", "turtle", "--engine", engine,
    ]


def verdict(case: Case, exit_code: int, stdout: str, stderr: str) -> str:
    """``"pass"``, or what is wrong with one run (a wrong answer, a crash, a bad refusal)."""
    if "Traceback" in stdout + stderr:
        return "traceback"
    if exit_code == 2:
        message = stderr.strip()
        if "\n" in message or not message.startswith("Error: "):
            return f"refusal without a one-line error: {message!r}"
        return "pass" if case.failure else f"refused: {message}"
    if case.failure:
        return "wrong: a report where the shapes must be refused"
    if exit_code not in (0, 1):
        return f"exit code {exit_code}"
    with as_written():
        graph = Graph().parse(data=stdout, format="turtle")
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    if len(reports) != 1:
        return f"{len(reports)} sh:ValidationReport in the output"
    conforms = graph.value(reports[0], SH.conforms)
    if not isinstance(conforms, Literal) or conforms.toPython() is not case.conforms:
        return f"wrong: conforms {conforms}, expected {case.conforms}"
    # by default warnings and infos do not fail the command; violations and custom do
    mild = (SH.Warning.n3(), SH.Info.n3())
    violation = any(key[3] not in mild for key in case.results)
    if exit_code != (1 if violation else 0):
        return f"exit code {exit_code} with{'' if violation else 'out'} a violation"
    found = result_keys(graph, reports[0])
    if found != case.results:
        missing = sorted(case.results - found)
        extra = sorted(found - case.results)
        return f"wrong: missing {missing}, extra {extra}"
    return "pass"


def run_in_process(case: Case, engine: str) -> str:
    """Run one case through the command's entry point; return its verdict."""
    result = CliRunner().invoke(main, arguments(case, engine))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"traceback: {result.exception!r}"
    return verdict(case, result.exit_code, result.stdout, result.stderr)


@needs_suite
@pytest.mark.parametrize("engine", ENGINES)
def test_suite(engine: str) -> None:
    """Zero wrong answers or tracebacks; known failures are exactly the listed ones."""
    cases = suite_cases()
    assert len(cases) == 120
    known = {name: reason for (e, name), reason in known_failures().items() if e == engine}
    verdicts = {case.name: run_in_process(case, engine) for case in cases}
    failing = {name: v for name, v in verdicts.items() if v != "pass"}
    wrong = {name: v for name, v in failing.items() if v.startswith(("wrong", "traceback"))}
    assert wrong == {}
    assert sorted(failing) == sorted(known), failing
    assert len(cases) - len(failing) >= MINIMUM_PASSES


@needs_suite
@pytest.mark.parametrize(
    ("name", "engine"),
    [
        ("core/property/datatype-ill-formed", "oxigraph"),
        ("sparql/pre-binding/pre-binding-006", "oxigraph"),
        ("core/path/path-complex-002", "pyshacl"),
    ],
)
def test_real_process(name: str, engine: str) -> None:
    """A few cases as real ``python -m kg`` runs: the same verdict as in-process."""
    case = next(c for c in suite_cases() if c.name == name)
    done = subprocess.run(
        [sys.executable, "-m", "kg", *arguments(case, engine)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert verdict(case, done.returncode, done.stdout, done.stderr) == "pass"


def test_known_failures_name_real_cases() -> None:
    """Every listed known failure names an engine and a case of the suite, with a reason."""
    known = known_failures()
    for (engine, name), reason in known.items():
        assert engine in ENGINES
        assert reason
        assert (SUITE / f"{name}.ttl").exists() or not SUITE.exists()
