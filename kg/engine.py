"""A faster evaluator of rdflib's SPARQL algebra, for SELECT and ASK on rdflib's own stores.

rdflib's engine spends most of a query's time on bookkeeping per solution rather than on
matching triples: every solution is a ``FrozenBindings`` copied item by item through the
``Mapping`` interface at each step, each optional match opens a new ``QueryContext``, and
algebra nodes are read through ``__getattr__`` on every row. This module evaluates the algebra
rdflib itself parsed and translated, in the same way as rdflib's ``evaluate.py`` (the same
order of triple patterns, the same substitution of bound values into joined and optional
parts, the same scope for FILTER and BIND), but holds solutions as plain dicts and reads each
algebra node once. Expressions, aggregates and ordering keys are rdflib's own functions, so
they give what rdflib gives.

Where it differs from rdflib on purpose: the right side of a join that cannot be evaluated
lazily keeps duplicate solutions (rdflib put them in a set, losing SPARQL's multiset
semantics), and an unmatched OPTIONAL with no filter is not evaluated a second time when the
second evaluation would have the same bindings as the first.

A query of another form (CONSTRUCT, DESCRIBE), with FROM, or with a graph-pattern node not
in :data:`SUPPORTED` (GRAPH, SERVICE, REDUCED) is not for this module: :func:`supports`
says so, and the caller leaves it to rdflib.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rdflib import BNode, Graph, Variable
from rdflib.plugins.sparql.aggregates import Aggregator
from rdflib.plugins.sparql.evalutils import _ebv, _eval, _val
from rdflib.plugins.sparql.parserutils import CompValue, value
from rdflib.plugins.sparql.processor import SPARQLResult
from rdflib.plugins.sparql.sparql import FrozenBindings, Query, QueryContext, SPARQLError
from rdflib.query import Result
from rdflib.term import Identifier

__all__ = [
    "SUPPORTED",
    "evaluate",
    "supports",
]

#: The graph-pattern nodes of rdflib's algebra this module evaluates, under SELECT or ASK.
SUPPORTED = frozenset({
    "AggregateJoin",
    "BGP",
    "Distinct",
    "Extend",
    "Filter",
    "Group",
    "Join",
    "LeftJoin",
    "Minus",
    "OrderBy",
    "Project",
    "Slice",
    "ToMultiSet",
    "Union",
    "values",
})

#: One solution: variable to term. Never changed once yielded; a step that binds more
#: makes a new dict.
_Row = dict[Identifier, Identifier]
_Plan = Callable[[_Row], Iterable[_Row]]
#: A triple pattern, and whether each of its terms is a variable.
_Pattern = tuple[Any, Any, Any, bool, bool, bool]

#: The children of a graph pattern node (expressions are rdflib's to evaluate).
_CHILDREN = ("p", "p1", "p2")


def supports(query: Query) -> bool:
    """Tell whether :func:`evaluate` can run a parsed query.

    >>> from rdflib.plugins.sparql import prepareQuery
    >>> supports(prepareQuery("SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } }"))
    True
    >>> supports(prepareQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    False
    >>> supports(prepareQuery("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"))
    False
    """
    main = query.algebra
    if main.name not in ("SelectQuery", "AskQuery") or main.datasetClause:
        return False
    return _known(main.p)


def _known(node: CompValue) -> bool:
    if node.name not in SUPPORTED:
        return False
    if node.name == "values":
        return True
    return all(
        _known(child)
        for child in (node.get(key) for key in _CHILDREN)
        if isinstance(child, CompValue)
    )


def evaluate(graph: Graph, query: Query) -> Result:
    """Run a parsed SELECT or ASK query on a graph in rdflib's store, as rdflib would.

    :param graph: the graph (rdflib's own store; a Dataset's default graph as rdflib takes it)
    :param query: a query :func:`supports`
    :returns: rdflib's result, its rows read lazily as rdflib's are
    :raises ValueError: if the query is not one :func:`supports`

    >>> from rdflib import Graph
    >>> from rdflib.plugins.sparql import prepareQuery
    >>> g = Graph().parse(data="<urn:a> <urn:p> 1, 2 .", format="turtle")
    >>> query = prepareQuery("SELECT (SUM(?o) AS ?total) WHERE { ?s <urn:p> ?o }")
    >>> [int(row.total) for row in evaluate(g, query)]
    [3]
    """
    if not supports(query):
        raise ValueError("this query needs rdflib's own engine")
    main = query.algebra
    context = QueryContext(graph, initBindings={})
    context.prologue = query.prologue
    plan = _Planner(context).plan(main.p)
    if main.name == "AskQuery":
        return SPARQLResult({"type_": "ASK", "askAnswer": any(True for _ in plan({}))})
    return SPARQLResult({"type_": "SELECT", "vars_": main.PV, "bindings": iter(plan({}))})


def _is_variable(term: Any) -> bool:
    return isinstance(term, (Variable, BNode))  # in a pattern, a blank node is a variable


def _forget(row: _Row, before: _Row, keep: Any) -> _Row:
    """Keep the bindings made since ``before``, and those in ``keep`` (rdflib's ``forget``)."""
    if not before:
        return row
    return {k: v for k, v in row.items() if k not in before or (keep and k in keep)}


def _match(triples: Any, row: _Row, patterns: list[_Pattern]) -> Iterator[_Row]:
    """Match triple patterns in turn, each with the bindings of those before it."""
    if not patterns:
        yield row
        return
    s, p, o, s_var, p_var, o_var = patterns[0]
    rest = patterns[1:]
    qs = row.get(s) if s_var else s
    qp = row.get(p) if p_var else p
    qo = row.get(o) if o_var else o
    if qs is not None and qp is not None and qo is not None:
        for _ in triples((qs, qp, qo)):  # a path may match more than once
            yield from _match(triples, row, rest)
        return
    for ts, tp, to in triples((qs, qp, qo)):
        new = dict(row)
        if qs is None:
            new[s] = ts
        if qp is None:
            if new.get(p, tp) != tp:  # the same variable twice in one pattern
                continue
            new[p] = tp
        if qo is None:
            if new.get(o, to) != to:
                continue
            new[o] = to
        yield from _match(triples, new, rest)


def _no_filter(expr: Any) -> bool:
    """Tell rdflib's stand-in for "no filter" (an OPTIONAL without FILTER) from a filter."""
    return isinstance(expr, CompValue) and expr.name == "TrueFilter"


def _compatible(a: _Row, b: _Row) -> bool:
    return all(a[key] == b[key] for key in a.keys() & b.keys())


class _Planner:
    """Turns algebra nodes into functions from the bindings so far to solutions."""

    def __init__(self, context: QueryContext) -> None:
        self.context = context
        assert context.graph is not None  # noqa: S101 - QueryContext was given a graph
        self.triples = context.graph.triples

    def frozen(self, row: _Row, full: _Row | None = None) -> FrozenBindings:
        """Give a solution as rdflib's expression functions take it.

        ``row`` is what the expression may see; ``full`` the whole solution it came from.
        When ``row`` is empty, rdflib's EXISTS falls back to the bindings of the context the
        solution was made in, so an EXISTS still sees the outer variables; ``full`` stands in
        for that context.
        """
        if not row and full:
            return FrozenBindings(self.context.clone(list(full.items())), row)
        return FrozenBindings(self.context, row)

    def ebv(self, expr: Any, row: _Row, full: _Row | None = None) -> bool:
        if _no_filter(expr):
            return True
        return bool(_ebv(expr, self.frozen(row, full)))

    def plan(self, node: CompValue) -> _Plan:
        build: Callable[[CompValue], _Plan] = getattr(self, "_" + node.name)
        return build(node)

    # Query parts, in the order rdflib's evaluate.py has them.

    def _BGP(self, node: CompValue) -> _Plan:  # noqa: N802 - the algebra's own names
        patterns = [
            (s, p, o, _is_variable(s), _is_variable(p), _is_variable(o))
            for s, p, o in node.triples
        ]
        triples = self.triples

        def unbound(pattern: _Pattern, row: _Row) -> int:
            return sum(
                1 for term, var in zip(pattern[:3], pattern[3:], strict=True)
                if var and term not in row
            )

        def run(row: _Row) -> Iterator[_Row]:
            # Patterns with more bound terms first, as rdflib orders them (a stable sort).
            order = sorted(patterns, key=lambda pattern: unbound(pattern, row))
            return _match(triples, row, order)

        return run

    def _Filter(self, node: CompValue) -> _Plan:  # noqa: N802
        child, expr, keep = self.plan(node.p), node.expr, node._vars
        isolated = not node.no_isolated_scope

        def run(row: _Row) -> Iterator[_Row]:
            for solution in child(row):
                if self.ebv(expr, _forget(solution, row, keep) if isolated else solution, solution):
                    yield solution

        return run

    def _Join(self, node: CompValue) -> _Plan:  # noqa: N802
        left, right = self.plan(node.p1), self.plan(node.p2)
        if node.lazy:  # bindings from the left are pushed into the right

            def lazy(row: _Row) -> Iterator[_Row]:
                for a in left(row):
                    for b in right(a or row):
                        yield {**b, **a}

            return lazy

        def eager(row: _Row) -> Iterator[_Row]:
            rights = list(right(row))
            for a in left(row):
                for b in rights:
                    if _compatible(a, b):
                        yield {**a, **b}

        return eager

    def _LeftJoin(self, node: CompValue) -> _Plan:  # noqa: N802
        left, right, expr = self.plan(node.p1), self.plan(node.p2), node.expr
        left_vars = node.p1._vars
        no_filter = _no_filter(expr)

        def run(row: _Row) -> Iterator[_Row]:
            for a in left(row):
                matched = False
                for b in right(a or row):
                    if no_filter or self.ebv(expr, _forget(b, row, None), b):
                        matched = True
                        yield {**b, **a}
                if matched:
                    continue
                if left_vars is None:
                    yield a
                    continue
                # rdflib checks again with only the left side's own bindings (those from
                # outside the OPTIONAL may not be seen inside it). With no filter and no
                # binding to drop, that is the evaluation just done.
                remembered = {k: v for k, v in a.items() if k in left_vars}
                if no_filter and remembered and len(remembered) == len(a):
                    yield a
                    continue
                again = right(remembered or row)
                if not any(self.ebv(expr, b) for b in again):
                    yield a

        return run

    def _Union(self, node: CompValue) -> _Plan:  # noqa: N802
        first, second = self.plan(node.p1), self.plan(node.p2)

        def run(row: _Row) -> Iterator[_Row]:
            yield from first(row)
            yield from second(row)

        return run

    def _Minus(self, node: CompValue) -> _Plan:  # noqa: N802
        left, right = self.plan(node.p1), self.plan(node.p2)

        def run(row: _Row) -> Iterator[_Row]:
            rights = list(right(row))
            for a in left(row):
                if all(not _compatible(a, b) or not a.keys() & b.keys() for b in rights):
                    yield a

        return run

    def _Extend(self, node: CompValue) -> _Plan:  # noqa: N802
        child, expr, var, keep = self.plan(node.p), node.expr, node.var, node._vars
        if isinstance(expr, Variable):  # BIND (?x AS ?y), and each aggregate's result
            return self._rename(child, expr, var, keep)

        def run(row: _Row) -> Iterator[_Row]:
            for solution in child(row):
                try:
                    result = _eval(expr, self.frozen(_forget(solution, row, keep), solution))
                    if isinstance(result, SPARQLError):
                        raise result
                except SPARQLError:  # an error leaves the variable unbound
                    yield solution
                    continue
                yield {**solution, var: result}

        return run

    @staticmethod
    def _rename(child: _Plan, source: Variable, var: Variable, keep: Any) -> _Plan:
        """Bind one variable to another's value: what ``_eval`` gives, without the call."""

        def run(row: _Row) -> Iterator[_Row]:
            for solution in child(row):
                result = solution.get(source)
                if result is None or (source in row and not (keep and source in keep)):
                    yield solution  # unbound, or bound outside and forgotten: an error
                else:
                    yield {**solution, var: result}

        return run

    def _values(self, node: CompValue) -> _Plan:
        table = node.res

        def run(row: _Row) -> Iterator[_Row]:
            for entry in table:
                new = dict(row)
                for var, term in entry.items():
                    if term != "UNDEF":
                        if new.get(var, term) != term:
                            break
                        new[var] = term
                else:
                    yield new

        return run

    def _ToMultiSet(self, node: CompValue) -> _Plan:  # noqa: N802
        return self.plan(node.p)

    def _Group(self, node: CompValue) -> _Plan:  # noqa: N802
        return self.plan(node.p)

    def _AggregateJoin(self, node: CompValue) -> _Plan:  # noqa: N802
        child, keys, aggregations = self.plan(node.p), node.p.expr, node.A

        def run(row: _Row) -> Iterator[_Row]:
            groups: dict[Any, Aggregator] = {}
            if keys is None:  # one group, even over no solutions (COUNT gives 0)
                groups[True] = Aggregator(aggregations=aggregations)
            for solution in child(row):
                frozen = self.frozen(solution)
                key = True if keys is None else tuple(_eval(e, frozen, False) for e in keys)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = Aggregator(aggregations=aggregations)
                group.update(frozen)
            for group in groups.values():
                yield dict(group.get_bindings().items())
            if not groups:  # GROUP BY over nothing: rdflib's one empty solution
                yield {}

        return run

    def _OrderBy(self, node: CompValue) -> _Plan:  # noqa: N802
        child, conditions = self.plan(node.p), list(node.expr)

        def key(condition: CompValue) -> Callable[[_Row], Any]:
            expr = condition.expr
            if isinstance(expr, Variable):  # unbound sorts as the variable itself
                return lambda row: _val(row.get(expr, expr))
            return lambda row: _val(value(self.frozen(row), expr, variables=True))

        def run(row: _Row) -> list[_Row]:
            rows = list(child(row))
            for condition in reversed(conditions):
                rows.sort(key=key(condition), reverse=condition.order == "DESC")
            return rows

        return run

    def _Distinct(self, node: CompValue) -> _Plan:  # noqa: N802
        child = self.plan(node.p)

        def run(row: _Row) -> Iterator[_Row]:
            seen: set[frozenset[tuple[Identifier, Identifier]]] = set()
            for solution in child(row):
                items = frozenset(solution.items())
                if items not in seen:
                    seen.add(items)
                    yield solution

        return run

    def _Slice(self, node: CompValue) -> _Plan:  # noqa: N802
        child, start, length = self.plan(node.p), node.start, node.length
        stop = None if length is None else start + length
        return lambda row: itertools.islice(child(row), start, stop)

    def _Project(self, node: CompValue) -> _Plan:  # noqa: N802
        child, variables = self.plan(node.p), set(node.PV)

        def run(row: _Row) -> Iterator[_Row]:
            for solution in child(row):
                yield {k: v for k, v in solution.items() if k in variables}

        return run
