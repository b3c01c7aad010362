"""The W3C SPARQL 1.1 and 1.0 evaluation tests, every SELECT/ASK default-graph case through kg.

Each of the 459 cases (chosen and judged as :mod:`tests.sparql_suite` says) loads its data
into an in-memory Oxigraph store through kg and runs its query with :func:`kg.run_sparql`,
in forked processes under a time limit (:func:`kg.query.timelimit.call_with_time_limit`; see
:func:`verdicts`), so a runaway query costs :data:`CASE_SECONDS` at most. At least
:data:`MINIMUM_PASSES` must pass (issue 17). The cases known to fail are listed, one a line
with the reason, in ``tests/fixtures/sparql-known-failures.txt``; a case not listed that
fails, or a listed case that passes, fails the test, so the list stays true.

rdflib's own Memory store, through the same ``kg`` calls, is run for comparison: its figure
is printed (``pytest -s``) and only held to the floor below.

The suite lives in ``shared/conformance/sparql/`` beside the repository (or where
``ALS_KG_SHARED`` points); without it the tests are skipped, saying where it was looked for.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import XSD, Graph, Literal, Variable
from rdflib.query import Result

import kg
from kg.query.timelimit import call_with_time_limit
from kg.validation import as_written
from tests.shared_data import needs
from tests.sparql_suite import (
    SUITE,
    Case,
    Expected,
    Solution,
    expected,
    judge,
    match,
    suite,
    term_key,
)

pytest.importorskip("pyoxigraph")

KNOWN_FAILURES = Path(__file__).resolve().parent / "fixtures" / "sparql-known-failures.txt"
#: The acceptance floor of issue 17 (of 459 cases).
MINIMUM_PASSES = 430
#: rdflib's Memory store (rdflib's own engine) passes 398; this floor only says the
#: comparison still runs.
MEMORY_FLOOR = 390
#: How long one case (load, query, judgement) may run.
CASE_SECONDS = 20.0
#: How many cases run in one child process.
BATCH = 25
#: The number of cases the selection gives (see tests/sparql_suite.py).
CASES = 459

#: How a case's data is loaded, per store: kg.load's default (Oxigraph in memory) and
#: rdflib's own Memory store.
STORES: dict[str, Callable[[tuple[Path, ...]], Graph]] = {
    "oxigraph": lambda data: kg.load(*data),
    "memory": lambda data: kg.load(*data, store="memory"),
}

needs_suite = needs("conformance", "sparql", "sparql11", "manifest-all.ttl")


def run_case(case: Case, store: str) -> str:
    """Load one case's data into a store through kg, run its query, judge the answer."""
    want = expected(case)
    try:
        graph = STORES[store](case.data)
        got = kg.run_sparql(graph, case.query_text())
    except kg.KgError as error:
        return f"error: {error}"
    return judge(case, want, got)


def bounded(case: Case, store: str) -> str:
    """:func:`run_case` in a child process, stopped after :data:`CASE_SECONDS`."""
    try:
        return call_with_time_limit(run_case, case, store, seconds=CASE_SECONDS)
    except kg.KgError as error:  # the time limit, or the child died
        return f"error: {error}"


def run_cases(cases: list[Case], store: str) -> list[str]:
    """:func:`run_case` for several cases, in order."""
    return [run_case(case, store) for case in cases]


def verdicts(store: str, cases: list[Case] | None = None) -> dict[str, str]:
    """Each case's verdict on a store (of all cases, or those given), by name.

    The cases run :data:`BATCH` at a time in a forked child (a fork per case cost more than
    the cases). A batch that does not finish within :data:`CASE_SECONDS`, or fails, is run
    again one case at a time, each under that limit; so no case runs longer than the limit.
    """
    cases = suite()[0] if cases is None else cases
    found: dict[str, str] = {}
    for start in range(0, len(cases), BATCH):
        batch = cases[start : start + BATCH]
        try:
            answers = call_with_time_limit(run_cases, batch, store, seconds=CASE_SECONDS)
        except kg.KgError:
            answers = [bounded(case, store) for case in batch]
        found.update(zip((case.name for case in batch), answers, strict=True))
    return found


def known_failures() -> dict[str, str]:
    """Case name -> reason, from the known-failures file (``NAME<TAB>REASON`` lines)."""
    known: dict[str, str] = {}
    for number, line in enumerate(KNOWN_FAILURES.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            name, tab, reason = line.partition("\t")
            assert tab and reason.strip(), f"{KNOWN_FAILURES.name}:{number}: NAME<TAB>REASON"
            assert name not in known, f"{KNOWN_FAILURES.name}:{number}: {name} twice"
            known[name] = reason
    return known


@needs_suite
def test_selection() -> None:
    """The selection gives the 459 cases issue 17 counted, with unique names."""
    cases, left_out = suite()
    print(f"\nSPARQL suite: {len(cases)} cases; left out: {dict(left_out)}")  # noqa: T201
    assert len(cases) == CASES
    assert len({case.name for case in cases}) == CASES
    assert {case.form for case in cases} == {"SELECT", "ASK"}


@needs_suite
def test_oxigraph_through_kg() -> None:
    """At least 430 pass on Oxigraph; the failures are exactly the listed ones."""
    found = verdicts("oxigraph")
    failing = {name: verdict for name, verdict in found.items() if verdict != "pass"}
    known = known_failures()
    passes = len(found) - len(failing)
    print(f"\nW3C SPARQL on Oxigraph through kg: {passes} of {len(found)} pass")  # noqa: T201
    unlisted = {name: verdict for name, verdict in failing.items() if name not in known}
    stale = sorted(name for name in known if found.get(name) == "pass")
    assert (unlisted, stale) == ({}, []), (
        f"failing but not in {KNOWN_FAILURES.name}: {unlisted}; "
        f"listed there but passing now (take them out): {stale}"
    )
    assert passes >= MINIMUM_PASSES, (
        f"{passes} of {len(found)} pass, fewer than the {MINIMUM_PASSES} issue 17 asks; the "
        f"known failures marked 'kg only' pass on raw pyoxigraph"
    )


@needs_suite
def test_rdflib_memory_for_comparison() -> None:
    """rdflib's Memory store through the same kg calls: the figure, printed."""
    found = verdicts("memory")
    passes = sum(verdict == "pass" for verdict in found.values())
    kinds = Counter(verdict.split(":")[0] for verdict in found.values() if verdict != "pass")
    print(  # noqa: T201 - the issue asks for the figure
        f"\nW3C SPARQL on rdflib Memory through kg: {passes} of {len(found)} pass; {kinds}"
    )
    assert passes >= MEMORY_FLOOR


def test_known_failures_name_real_cases() -> None:
    """Every listed failure names a case of the selection and gives a reason."""
    known = known_failures()
    assert known
    if (SUITE / "sparql11" / "manifest-all.ttl").exists():
        assert set(known) <= {case.name for case in suite()[0]}


def same(a: Literal, b: Literal) -> bool:
    return term_key(a) == term_key(b)


def test_numbers_count_when_lexically_equal() -> None:
    """Numbers of one datatype match by canonical form; other literals as written."""
    with as_written():  # else rdflib itself rewrites "0"^^xsd:boolean as "false"
        assert same(Literal("01", datatype=XSD.integer), Literal("1", datatype=XSD.integer))
        assert same(Literal("1.50", datatype=XSD.decimal), Literal("+1.5", datatype=XSD.decimal))
        assert same(Literal("1E0", datatype=XSD.double), Literal("1.0e0", datatype=XSD.double))
        assert same(Literal("a", lang="EN"), Literal("a", lang="en"))
        assert same(Literal("a"), Literal("a", datatype=XSD.string))
        assert not same(Literal("1", datatype=XSD.integer), Literal("1.0", datatype=XSD.decimal))
        assert not same(Literal("0", datatype=XSD.boolean), Literal("false", datatype=XSD.boolean))
        duration = XSD.dayTimeDuration
        assert not same(Literal("PT0S", datatype=duration), Literal("P0D", datatype=duration))
        assert not same(Literal("a", lang="en"), Literal("a"))


def test_blank_nodes_match_one_to_one() -> None:
    """Blank nodes match through one consistent mapping; counts matter unless lax."""
    def row(*pairs: tuple[str, str]) -> Solution:
        return tuple(sorted((name, ("bnode", label)) for name, label in pairs))

    same_twice = [row(("x", "a"), ("y", "a"))]
    assert match(same_twice, [row(("x", "r"), ("y", "r"))], lax=False) == {"r": "a"}
    assert match(same_twice, [row(("x", "r"), ("y", "s"))], lax=False) is None
    two = [row(("x", "a")), row(("x", "b"))]
    assert match(two, [row(("x", "r")), row(("x", "r"))], lax=False) is None
    ground: list[Solution] = [(("v", ("iri", "urn:a")),)] * 2
    assert match(ground, ground[:1], lax=False) is None
    assert match(ground, ground[:1], lax=True) == {}


def _answer(rows: list[dict[str, str]]) -> Result:
    result = Result("SELECT")
    result.vars = [Variable("x"), Variable("y")]
    result.bindings = [
        {Variable(name): Literal(value) for name, value in row.items()} for row in rows
    ]
    return result


def test_order_is_checked_on_the_sort_keys_only() -> None:
    """With ORDER BY ?x, the ?x column must come in order; ties may swap their other columns."""
    case = Case(
        name="made-up#order", query=Path("q.rq"), data=(), result=Path("r.srx"), form="SELECT",
        order=("x",), lax=False, approval="",
    )
    rows = [{"x": "a", "y": "1"}, {"x": "a", "y": "2"}, {"x": "b", "y": "3"}]
    want = Expected(None, tuple({k: Literal(v) for k, v in row.items()} for row in rows), True)
    assert judge(case, want, _answer(rows)) == "pass"
    assert judge(case, want, _answer([rows[1], rows[0], rows[2]])) == "pass"
    assert judge(case, want, _answer([rows[2], rows[0], rows[1]])) == "wrong order of ?x"
    assert judge(case, want, _answer(rows[:2])).startswith("wrong: 2 solutions, expected 3")
    unordered = dataclasses.replace(case, order=())
    assert judge(unordered, want, _answer([rows[2], rows[0], rows[1]])) == "pass"


@needs_suite
def test_a_runaway_case_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case that runs past the limit is stopped and reported; the others still run."""
    first, *others = suite()[0]
    stall = first.data
    cases = [first, *[case for case in others if case.data != stall][:3]]
    oxigraph = STORES["oxigraph"]

    def stalling(data: tuple[Path, ...]) -> Graph:
        if data == stall:
            time.sleep(60)
        return oxigraph(data)

    monkeypatch.setitem(STORES, "stalling", stalling)
    monkeypatch.setattr(sys.modules[__name__], "CASE_SECONDS", 1.0)
    found = verdicts("stalling", cases)
    assert found[cases[0].name] == "error: stopped after 1 s, the time limit"
    assert {found[case.name] for case in cases[1:]} == {"pass"}
