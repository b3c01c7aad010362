"""The W3C SPARQL query-evaluation tests: which cases run, and how an answer is judged.

**The cases.** The manifests of ``shared/conformance/sparql/`` (``sparql11/manifest-all.ttl``,
``sparql10/manifest-evaluation.ttl`` and ``sparql10/extended-manifest-evaluation.ttl``, with
what they include) list ``mf:QueryEvaluationTest`` entries. A case is kept when

- its query (``qt:query``) is a SELECT or an ASK (not CONSTRUCT or DESCRIBE), as rdflib's
  SPARQL parser reads it;
- its dataset is one default graph: no ``qt:graphData`` (named graphs), no ``qt:serviceData``
  (federated query), no ``sd:entailmentRegime`` (entailment), and no ``FROM``/``FROM NAMED``
  in the query. A ``GRAPH`` pattern in the query is kept (it matches nothing). A case without
  ``qt:data`` runs on an empty graph.

That gives 459 cases (the number issue 17 measured): 458 from the main manifests and the one
of ``sparql10/sort/extended-manifest.ttl`` (``dawg-sort-11``, the order of plain literals and
``xsd:string``). Approval is not a filter: no evaluation entry is marked ``dawgt:NotApproved``
or withdrawn (two commented-out lines in ``sparql10/reduced`` are), 17 kept cases are
``dawgt:Proposed`` and 69 carry no approval (tests the community group added after 2013).

**The answer.** The data is loaded into a store through kg (a data file that holds no triples,
as ``aggregates/empty.ttl`` and ``functions/data-empty.nt`` do, is not handed over: kg
refuses an empty file as a likely mistake, and leaving it out gives the same empty graph), and
the query text runs through :func:`kg.run_sparql` with ``BASE <file:///...the query file>``
put before it (the tests resolve relative IRIs against the query's own location;
``kg.run_sparql`` takes no base IRI, and a ``BASE`` of the query itself still wins). Data
files are read with their own file URIs as base, and the expected results are read from their
files with literals as written.

**The judgement.** An ASK answer passes when the boolean is the expected one. A SELECT answer
passes when its solutions are the expected ones as a multiset (an unbound variable is absent
from a solution; the projected variable lists are not compared):

- IRIs compare as strings; blank nodes match through one consistent one-to-one mapping over
  the whole answer (the expected labels are not the engine's);
- literals compare as RDF terms (lexical form, datatype, language tag; a tag is compared in
  lower case, and a literal with neither datatype nor tag is an ``xsd:string``), except that
  *lexically equal numbers count*: two literals of the same numeric XSD datatype (decimal,
  float, double, integer and its derived types) are equal when their lexical forms denote
  the same value, which is when their canonical forms are equal (``"01"`` and ``"1"``,
  ``"1.0"`` and ``"1.00"^^xsd:decimal``, ``"1E0"`` and ``"1.0e0"^^xsd:double``; an
  ``xsd:float`` is rounded to 32 bits). Numbers of different datatypes never count as
  equal (``1`` is not ``1.0``): type promotion is what several tests check;
- a case marked ``mf:LaxCardinality`` (REDUCED) passes with the same distinct solutions,
  each at most as often as expected;
- when the query's outer level has ORDER BY, the expected results are ordered (any results
  file but an RDF result set without ``rs:index``) and the variables the ORDER BY mentions
  include projected ones, the sequence of those variables' values must also be the expected
  one; ties in the sort keys may come in any order, so other columns are not compared in order.
"""

from __future__ import annotations

import math
import struct
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef, Variable
from rdflib.collection import Collection
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result
from rdflib.term import Node

from kg.graph.io import guess_format
from kg.validation import as_written
from tests.shared_data import shared_path

SUITE = shared_path("conformance", "sparql")
MANIFESTS = (
    "sparql11/manifest-all.ttl",
    "sparql10/manifest-evaluation.ttl",
    "sparql10/extended-manifest-evaluation.ttl",
)
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
_RS_INDEX = RS["index"]  # RS.index is str.index
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

_INTEGERS = {
    XSD[name]
    for name in (
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
}
#: How many partial blank-node mappings a comparison may try before it gives up.
_MATCH_BUDGET = 100_000

#: A term as compared: a tuple whose first item says what kind of term it is.
Key = tuple[str, ...]
#: One solution as compared: (variable, term key) pairs, sorted by variable.
Solution = tuple[tuple[str, Key], ...]


@dataclass(frozen=True)
class Case:
    """One kept ``mf:QueryEvaluationTest``."""

    name: str  # the manifest's folder under sparql/, '#', the entry's local name
    query: Path
    data: tuple[Path, ...]  # the data files, those without triples left out
    result: Path
    form: str  # SELECT or ASK
    order: tuple[str, ...]  # the variables the outer ORDER BY mentions, in order
    lax: bool  # mf:LaxCardinality: REDUCED may drop duplicates
    approval: str  # Approved, Proposed, or '' when the manifest says nothing

    def query_text(self) -> str:
        """The query as run: ``BASE`` the query file's URI, then the file's text."""
        text = self.query.read_text(encoding="utf-8")
        return f"BASE <{self.query.resolve().as_uri()}>\n{text}"


@dataclass(frozen=True)
class Expected:
    """The expected answer: a boolean, or solutions (in the file's order)."""

    boolean: bool | None
    solutions: tuple[dict[str, Node], ...]
    ordered: bool  # the solutions' order means something


def _file(node: Node | None) -> Path:
    assert isinstance(node, URIRef) and node.startswith("file://"), node
    return Path(str(node).removeprefix("file://"))


def _entries(manifest: Path) -> Iterator[tuple[Graph, Path, Node]]:
    """Each (manifest graph, manifest file, entry) reachable from a manifest, in order."""
    graph = Graph().parse(manifest, format="turtle")
    for includes in graph.objects(None, MF.include):
        for included in Collection(graph, includes):
            yield from _entries(_file(included))
    for entries in graph.objects(None, MF.entries):
        for entry in Collection(graph, entries):
            yield graph, manifest, entry


@lru_cache(maxsize=1)
def suite() -> tuple[list[Case], Counter[str]]:
    """The kept cases, in manifest order, and how many evaluation tests were left out, why."""
    cases: list[Case] = []
    left_out: Counter[str] = Counter()
    for manifest in MANIFESTS:
        for graph, path, entry in _entries(SUITE / manifest):
            if graph.value(entry, RDF.type) != MF.QueryEvaluationTest:
                continue
            reason, case = _case(graph, path, entry)
            if case is None:
                left_out[reason] += 1
            else:
                cases.append(case)
    return cases, left_out


def _case(graph: Graph, manifest: Path, entry: Node) -> tuple[str, Case | None]:
    """The case an entry makes, or why it is left out."""
    action = graph.value(entry, MF.action)
    if (action, QT.graphData, None) in graph:
        return "named graphs (qt:graphData)", None
    if (action, QT.serviceData, None) in graph:
        return "federated query (qt:serviceData)", None
    if (action, SD.entailmentRegime, None) in graph:
        return "an entailment regime", None
    query = _file(graph.value(action, QT.query))
    parsed = parseQuery(query.read_text(encoding="utf-8"))[1]
    form = parsed.name.removesuffix("Query").upper()
    if form not in ("SELECT", "ASK"):
        return f"a {form} query", None
    if "datasetClause" in parsed:
        return "FROM or FROM NAMED in the query", None
    order = tuple(dict.fromkeys(_variables(parsed["orderby"]))) if "orderby" in parsed else ()
    approval = graph.value(entry, DAWGT.approval)
    folder = manifest.parent.relative_to(SUITE)
    local = str(entry).rpartition("#")[2]
    return "", Case(
        name=f"{folder}#{local}",
        query=query,
        data=tuple(
            path
            for path in sorted((_file(data) for data in graph.objects(action, QT.data)), key=str)
            if _holds_triples(path)
        ),
        result=_file(graph.value(entry, MF.result)),
        form=form,
        order=order,
        lax=(entry, MF.resultCardinality, MF.LaxCardinality) in graph,
        approval=str(approval).rpartition("#")[2] if approval is not None else "",
    )


@cache
def _holds_triples(path: Path) -> bool:
    """Tell whether a data file holds at least one triple (rdflib reads it)."""
    with as_written():
        return len(Graph().parse(path, format=guess_format(path))) > 0


def _variables(node: Any) -> Iterator[str]:
    """The variables in a piece of rdflib's parse tree, in the order written."""
    if isinstance(node, Variable):
        yield str(node)
    elif isinstance(node, dict):
        for value in dict.values(node):
            yield from _variables(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for value in node:
            yield from _variables(value)


# --- the expected results ----------------------------------------------------------------

_RESULT_FORMATS = {".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}


def expected(case: Case) -> Expected:
    """Read a case's expected results: SPARQL XML, JSON, TSV/CSV, or an RDF result set."""
    suffix = case.result.suffix
    with as_written():
        if suffix in _RESULT_FORMATS:
            with case.result.open("rb") as source:
                result = Result.parse(source, format=_RESULT_FORMATS[suffix])
            if result.type == "ASK":
                return Expected(bool(result.askAnswer), (), ordered=False)
            solutions: tuple[dict[str, Node], ...] = tuple(
                {str(name): term for name, term in row.items() if term is not None}
                for row in result.bindings
            )
            return Expected(None, solutions, ordered=True)
        graph = Graph().parse(case.result, format="xml" if suffix == ".rdf" else "turtle")
    return _result_set(graph)


def _result_set(graph: Graph) -> Expected:
    """Read an ``rs:ResultSet`` graph (the DAWG result-set vocabulary)."""
    result_set = next(graph.subjects(RDF.type, RS.ResultSet))
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        assert isinstance(boolean, Literal)
        return Expected(boolean.toPython() is True or str(boolean) == "true", (), ordered=False)
    rows: list[tuple[int, dict[str, Node]]] = []
    for solution in graph.objects(result_set, RS.solution):
        index = graph.value(solution, _RS_INDEX)
        row: dict[str, Node] = {}
        for binding in graph.objects(solution, RS.binding):
            value = graph.value(binding, RS.value)
            assert value is not None, f"a binding without rs:value in {result_set}"
            row[str(graph.value(binding, RS.variable))] = value
        rows.append((int(str(index)) if index is not None else 0, row))
    ordered = any(graph.objects(None, _RS_INDEX))
    rows.sort(key=lambda pair: pair[0])
    return Expected(None, tuple(row for _, row in rows), ordered=ordered)


# --- the judgement -----------------------------------------------------------------------


def term_key(term: Node) -> Key:
    """What a term is compared by (see the module's docstring).

    >>> term_key(Literal("+1.50", datatype=XSD.decimal))
    ('number', '1.5', 'http://www.w3.org/2001/XMLSchema#decimal')
    >>> term_key(Literal("1", datatype=XSD.integer))
    ('number', '1', 'http://www.w3.org/2001/XMLSchema#integer')
    >>> term_key(Literal("a")) == term_key(Literal("a", datatype=XSD.string))
    True
    """
    if isinstance(term, BNode):
        return ("bnode", str(term))
    if isinstance(term, URIRef):
        return ("iri", str(term))
    assert isinstance(term, Literal), term
    lexical = str(term)
    if term.language:
        return ("literal", lexical, "", term.language.lower())
    datatype = term.datatype or XSD.string
    number = _canonical_number(lexical, datatype)
    return ("number", number, str(datatype)) if number else ("literal", lexical, str(datatype))


def _canonical_number(lexical: str, datatype: URIRef) -> str:
    """The canonical form of a number's lexical form, or '' (not a number, or ill-formed)."""
    text = lexical.strip()
    try:
        if datatype in _INTEGERS:
            return str(int(text)) if text.lstrip("+-").isdigit() else ""
        if datatype == XSD.decimal:
            if not text or any(c not in "+-.0123456789" for c in text):
                return ""
            value = Decimal(text)
            return "0" if value == 0 else str(value.normalize())
        if datatype in (XSD.double, XSD.float):
            if text in ("NaN", "INF", "-INF", "+INF"):
                return text.removeprefix("+")
            if any(c not in "+-.0123456789eE" for c in text):
                return ""
            number = float(text)
            if datatype == XSD.float:
                number = struct.unpack("f", struct.pack("f", number))[0]
            return "0" if number == 0 and not math.copysign(1, number) < 0 else repr(number)
    except (ValueError, InvalidOperation, OverflowError):
        return ""
    return ""


def _solution(row: dict[str, Node]) -> Solution:
    return tuple(sorted((name, term_key(term)) for name, term in row.items()))


def _blank(solution: Solution) -> Solution:
    """A solution with every blank node alike: what a blank-node mapping must preserve."""
    return tuple((name, ("bnode",) if key[0] == "bnode" else key) for name, key in solution)


def judge(case: Case, want: Expected, got: Result) -> str:
    """``"pass"``, or what is wrong with an answer (see the module's docstring)."""
    if want.boolean is not None:
        if got.type != "ASK":
            return f"wrong: a {got.type} answer where a boolean is expected"
        answer = bool(got.askAnswer)
        return "pass" if answer is want.boolean else f"wrong: {answer}, expected {want.boolean}"
    if got.type != "SELECT":
        return f"wrong: a {got.type} answer where solutions are expected"
    strange = [term for row in got.bindings for term in row.values() if not _is_term(term)]
    if strange:
        return f"wrong: a value that is not an RDF term: {strange[0]!r}"
    actual = [
        _solution({str(name): term for name, term in row.items() if term is not None})
        for row in got.bindings
    ]
    wanted = [_solution(row) for row in want.solutions]
    mapping = match(wanted, actual, lax=case.lax)
    if mapping is None:
        return f"wrong: {_difference(wanted, actual)}"
    if case.order and want.ordered and not case.lax:
        keys = [name for name in case.order if any(name in row for row in want.solutions)]
        if keys and _column(wanted, keys, {}) != _column(actual, keys, mapping):
            return f"wrong order of {', '.join('?' + key for key in keys)}"
    return "pass"


def _is_term(term: object) -> bool:
    return term is None or isinstance(term, URIRef | BNode | Literal)


def _column(solutions: Sequence[Solution], names: list[str], rename: dict[str, str]) -> list[Any]:
    """The values of some variables, solution by solution, with blank nodes renamed."""
    def value(solution: Solution, name: str) -> Key | None:
        key = dict(solution).get(name)
        if key is not None and key[0] == "bnode":
            return ("bnode", rename.get(key[1], key[1]))
        return key

    return [tuple(value(solution, name) for name in names) for solution in solutions]


def _difference(wanted: list[Solution], actual: list[Solution]) -> str:
    """A short account of how two answers differ."""
    want, got = Counter(map(_blank, wanted)), Counter(map(_blank, actual))
    missing, extra = list((want - got).elements()), list((got - want).elements())
    if not missing and not extra:
        return "the blank nodes do not map one to one"
    return (
        f"{len(actual)} solutions, expected {len(wanted)}; "
        f"missing {_show(missing)}, unexpected {_show(extra)}"
    )


def _show(solutions: list[Solution]) -> str:
    shown = ["{" + ", ".join(f"{n}={'/'.join(k)}" for n, k in s) + "}" for s in solutions[:2]]
    more = f" and {len(solutions) - 2} more" if len(solutions) > 2 else ""
    return ("[" + "; ".join(shown) + "]" + more)[:300]


def match(wanted: list[Solution], actual: list[Solution], *, lax: bool) -> dict[str, str] | None:
    """A blank-node mapping (actual label -> expected label) under which two answers agree.

    ``None`` when there is none. With ``lax`` (REDUCED), the distinct solutions must agree
    and each may come fewer times than expected, at least once.

    >>> a = [(("x", ("bnode", "a")),), (("x", ("bnode", "b")),)]
    >>> b = [(("x", ("bnode", "r1")),), (("x", ("bnode", "r2")),)]
    >>> match(a, b, lax=False) is not None, match(a, b[:1], lax=False)
    (True, None)
    """
    if lax:
        want, got = Counter(wanted), Counter(actual)
        if any(got[solution] > want[solution] for solution in got):
            return None
        wanted, actual = list(want), list(got)
    if Counter(map(_blank, wanted)) != Counter(map(_blank, actual)):
        return None
    ground = [s for s in wanted if all(k[0] != "bnode" for _, k in s)]
    if Counter(ground) != Counter(s for s in actual if all(k[0] != "bnode" for _, k in s)):
        return None
    rest = [s for s in wanted if s not in set(ground)]
    others = [s for s in actual if any(k[0] == "bnode" for _, k in s)]
    budget = [_MATCH_BUDGET]
    return _map(rest, others, {}, {}, set(), budget)


def _map(
    wanted: list[Solution],
    actual: list[Solution],
    forward: dict[str, str],
    backward: dict[str, str],
    used: set[int],
    budget: list[int],
) -> dict[str, str] | None:
    """Depth-first search for a one-to-one blank-node mapping (actual -> expected)."""
    if len(used) == len(wanted):
        return dict(forward)
    target = wanted[len(used)]
    for index, candidate in enumerate(actual):
        if index in used or _blank(candidate) != _blank(target):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            return None
        added = _extend(target, candidate, forward, backward)
        if added is None:
            continue
        used.add(index)
        found = _map(wanted, actual, forward, backward, used, budget)
        used.discard(index)
        for label in added:
            del backward[forward.pop(label)]
        if found is not None:
            return found
    return None


def _extend(
    target: Solution, candidate: Solution, forward: dict[str, str], backward: dict[str, str]
) -> list[str] | None:
    """Map the candidate's blank nodes onto the target's; the labels newly mapped, or None."""
    added: list[str] = []
    for (_, want), (_, got) in zip(target, candidate, strict=True):
        if want[0] != "bnode":
            continue
        mine, theirs = got[1], want[1]
        if forward.get(mine, theirs) != theirs or backward.get(theirs, mine) != mine:
            for label in added:
                del backward[forward.pop(label)]
            return None
        if mine not in forward:
            forward[mine] = theirs
            backward[theirs] = mine
            added.append(mine)
    return added
