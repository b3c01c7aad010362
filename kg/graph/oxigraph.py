"""The bridge to pyoxigraph: the Oxigraph store under an rdflib graph, and its terms in rdflib.

An rdflib graph on an Oxigraph store (oxrdflib) answers every rdflib call, but each call
goes through oxrdflib's conversions. The modules that move many rows
(:mod:`kg.query.sparql`, :mod:`kg.graph.export`, :mod:`kg.graph.remote`,
:mod:`kg.validation.compiled`) use this bridge to talk to pyoxigraph directly and convert only
what they hand back.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Identifier

__all__ = [
    "TermConverter",
    "graph_name",
    "new_oxigraph_graph",
    "oxigraph_store",
    "query_store",
    "to_rdflib",
    "triple_count",
]

_XSD_STRING = str(XSD.string)
_XSD_DATE = str(XSD.date)
_XSD_DATE_IRI = URIRef(_XSD_DATE)  # XSD.date is looked up by name on each use (18 µs)


def oxigraph_store(graph: Graph) -> Any | None:
    """Return the :class:`pyoxigraph.Store` an rdflib graph lives on, or None.

    >>> from rdflib import Graph
    >>> oxigraph_store(Graph()) is None
    True
    >>> from kg.graph.stores import open_graph
    >>> type(oxigraph_store(open_graph("oxigraph-memory"))).__name__
    'Store'
    """
    return getattr(graph.store, "_inner", None)  # oxrdflib keeps its pyoxigraph.Store there


def new_oxigraph_graph(store: Any | None = None) -> Graph:
    """Put an rdflib graph (oxrdflib) over a pyoxigraph store's default graph.

    :param store: a :class:`pyoxigraph.Store`; by default a new one in memory
    :returns: the graph, with the project's prefixes bound

    >>> graph = new_oxigraph_graph()
    >>> type(graph.store).__name__, len(graph), dict(graph.namespaces())["kgo"]
    ('KgOxigraphStore', 0, rdflib.term.URIRef('https://w3id.org/als-kg/ontology#'))
    """
    import pyoxigraph
    from oxrdflib import OxigraphStore

    from kg.namespaces import bind_prefixes

    graph = Graph(
        store=_store_class(OxigraphStore)(store=pyoxigraph.Store() if store is None else store),
        identifier=DATASET_DEFAULT_GRAPH_ID,
        bind_namespaces="core",
    )
    return bind_prefixes(graph)


_STORE_CLASS: list[type] = []


def _store_class(base: type) -> type:
    """Make (once) oxrdflib's store with kg's term conversion and a streaming count.

    oxrdflib hands ``xsd:string`` literals back with the datatype spelled out (rdflib then
    treats ``"x"^^xsd:string`` and ``"x"`` as two values), builds a new rdflib graph object
    for every triple it returns, counts a graph with ``COUNT(DISTINCT ...)``, and refuses
    ``graph.query(..., initNs={"xsd": XSD})`` (rdflib's namespaces of terms are classes).
    This store gives the terms rdflib's own parsers give (:func:`to_rdflib`), counts one
    graph's triples as a stream, and takes any namespace as a prefix.
    """
    if _STORE_CLASS:
        return _STORE_CLASS[0]

    class KgOxigraphStore(base):  # type: ignore[misc]
        """oxrdflib's store, with kg's terms (see :func:`_store_class`)."""

        def triples(self, triple_pattern: Any, context: Graph | None = None) -> Any:
            from oxrdflib._converter import to_ox_quad_pattern

            convert = TermConverter()
            try:
                quads = self._inner.quads_for_pattern(
                    *to_ox_quad_pattern(triple_pattern, context)
                )
            except (TypeError, ValueError):  # a pattern Oxigraph cannot hold matches nothing
                return iter(())
            if context is not None:  # every quad is in that graph
                contexts = (context,)
                return (
                    ((convert(q.subject), convert(q.predicate), convert(q.object)), iter(contexts))
                    for q in quads
                )
            return (
                (
                    (convert(q.subject), convert(q.predicate), convert(q.object)),
                    iter((self._context(q.graph_name),)),
                )
                for q in quads
            )

        def query(self, query: Any, initNs: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N803
            # rdflib's DefinedNamespaces (XSD, RDF, ...) are classes, not strings: pyoxigraph
            # refuses them as prefixes, where rdflib's own store takes them.
            names = {prefix: str(namespace) for prefix, namespace in initNs.items()}
            return super().query(query, names, *args, **kwargs)

        def _context(self, name: Any) -> Graph:
            from oxrdflib._converter import from_ox_graph_name

            return from_ox_graph_name(name, self)

        def __len__(self, context: Graph | None = None) -> int:
            if context is None:
                return int(super().__len__(context))
            return _count(self._inner, graph_name(context))

    _STORE_CLASS.append(KgOxigraphStore)
    return KgOxigraphStore


def graph_name(graph: Graph) -> Any:
    """Return the pyoxigraph graph name an rdflib graph on Oxigraph stands for.

    A graph on the store's default graph gives :class:`pyoxigraph.DefaultGraph`; any other
    graph gives its identifier as a :class:`pyoxigraph.NamedNode`.

    >>> from kg.graph.stores import open_graph
    >>> graph_name(open_graph("oxigraph-memory"))
    <DefaultGraph>
    """
    import pyoxigraph

    if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
        return pyoxigraph.DefaultGraph()
    return pyoxigraph.NamedNode(str(graph.identifier))


def to_rdflib(term: Any) -> Identifier:
    """Convert a pyoxigraph term into the rdflib term the same Turtle would give.

    An ``xsd:string`` literal comes back plain, as rdflib's parsers give it (RDF 1.1: the
    same term), so results from Oxigraph and from rdflib's own store compare equal.

    >>> import pyoxigraph
    >>> to_rdflib(pyoxigraph.Literal("ALSummit"))
    rdflib.term.Literal('ALSummit')
    >>> to_rdflib(pyoxigraph.Literal("Riluzol", language="de"))
    rdflib.term.Literal('Riluzol', lang='de')
    >>> to_rdflib(pyoxigraph.NamedNode("https://w3id.org/als-kg/resource/NCT04745299"))
    rdflib.term.URIRef('https://w3id.org/als-kg/resource/NCT04745299')
    """
    import pyoxigraph

    return _build(term, pyoxigraph.NamedNode, pyoxigraph.Literal, {})


def _build(
    term: Any, iri_kind: type, literal_kind: type, parsed: dict[Any, Literal]
) -> Identifier:
    """Convert a pyoxigraph term, given pyoxigraph's IRI and literal classes (see to_rdflib).

    Literals that rdflib must parse are remembered in ``parsed``, and built once each.
    """
    kind = type(term)
    if kind is iri_kind:
        return _checked_iri(term.value)
    if kind is literal_kind:
        language = term.language
        if language:
            return _checked_string(term.value, language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return _checked_string(term.value, None)
        if datatype == _XSD_DATE:
            date = _checked_date(term.value)
            if date is not None:
                return date
        known = parsed.get(term)
        if known is None:
            known = parsed[term] = Literal(term.value, datatype=datatype, normalize=False)
        return known
    import pyoxigraph  # blank nodes are rare in answers

    if kind is pyoxigraph.BlankNode:
        return BNode(term.value)
    raise TypeError(f"rdflib has no term for Oxigraph's {term!r} (an RDF-star triple?)")


# Oxigraph has already checked every IRI and language tag it hands back. rdflib's
# constructors would check them again (a regular expression per IRI and per language tag)
# and try to normalise a string's value: 1.7 µs for a language-tagged name against 0.3 µs
# here, and 4.5 µs for a date against 0.7 µs. Together that was most of the cost of turning
# a large answer into rdflib terms. The builders below give the very objects rdflib's
# constructors give; tests/test_oxigraph.py compares every slot, so a change in rdflib's
# Literal shows there.


def _checked_iri(value: str) -> URIRef:
    """Build the URIRef ``URIRef(value)`` gives, for an IRI Oxigraph has checked."""
    return str.__new__(URIRef, value)


def _checked_string(value: str, language: str | None) -> Literal:
    """Build the plain or language-tagged literal ``Literal(value, lang=language)`` gives."""
    return _literal(value, language=language, datatype=None, value=value, ill_typed=None)


def _checked_date(value: str) -> Literal | None:
    """Build the literal ``Literal(value, datatype=XSD.date)`` gives, for a plain date.

    Only the form ``YYYY-MM-DD`` of a real day is built here; anything else (a time zone,
    an ill-formed value) returns None and is left to rdflib's constructor.
    """
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    if day.isoformat() != value:  # Python also reads forms XSD does not, such as 2025-W20-1
        return None
    return _literal(value, language=None, datatype=_XSD_DATE_IRI, value=day, ill_typed=False)


def _literal(
    lexical: str,
    *,
    language: str | None,
    datatype: URIRef | None,
    value: Any,
    ill_typed: bool | None,
) -> Literal:
    """Fill a Literal's four slots as its constructor would, without its checks."""
    literal = str.__new__(Literal, lexical)
    literal._language = language
    literal._datatype = datatype
    literal._value = value
    literal._ill_typed = ill_typed
    return literal


class TermConverter:
    """Convert pyoxigraph terms to rdflib, parsing each distinct typed literal once.

    Query results repeat terms (the same phase, value or year on many rows). rdflib parses
    the value of a typed literal when it builds one (4 µs or more), so the converter
    remembers those. IRIs, strings and plain dates are built directly (under 1 µs), which
    costs less than looking them up.

    >>> import pyoxigraph
    >>> convert = TermConverter()
    >>> convert(pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode(str(XSD.integer))))
    rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """

    def __init__(self) -> None:
        """Start with nothing remembered."""
        import pyoxigraph

        self._iri_kind = pyoxigraph.NamedNode
        self._literal_kind = pyoxigraph.Literal
        self._parsed: dict[Any, Literal] = {}

    def __call__(self, term: Any) -> Identifier:
        """Return the rdflib term for a pyoxigraph term."""
        return _build(term, self._iri_kind, self._literal_kind, self._parsed)


def triple_count(graph: Graph) -> int:
    """Count a graph's triples without holding them: cheap on every store.

    ``len()`` of an rdflib graph over Oxigraph (oxrdflib) asks for ``COUNT(DISTINCT ...)`` of
    every triple, which holds them all in memory (about 4 GB at 10M triples); a graph is a
    set, so a plain count is the same number and streams.

    :param graph: a graph on any store
    :returns: the number of triples

    >>> from kg.graph.io import load_curated
    >>> graph = load_curated()
    >>> triple_count(graph) == len(set(graph))
    True
    """
    inner = oxigraph_store(graph)
    if inner is None:
        return len(graph)
    return _count(inner, graph_name(graph))


def _count(store: Any, name: Any) -> int:
    """Count the triples of one graph of a pyoxigraph store, streaming."""
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=name)
    return int(next(iter(rows))[0].value)


def query_store(store: Any, graph: Graph, text: str, *, prefixes: Mapping[str, str]) -> Any:
    """Run SPARQL on the pyoxigraph store under ``graph``, over that graph's triples.

    The query sees the graph's own triples, or every graph's for a graph that stands for
    their union (``default_union``), as rdflib would evaluate it on that graph.

    :param store: the pyoxigraph store under ``graph`` (:func:`oxigraph_store`)
    :param graph: the rdflib graph the query is about
    :param text: the SPARQL text
    :param prefixes: prefixes the text may use without declaring them
    :returns: pyoxigraph's answer (solutions, a boolean or triples)

    >>> from kg.graph.io import load_curated
    >>> graph = load_curated()
    >>> bool(query_store(oxigraph_store(graph), graph, "ASK { ?s a kgo:Therapy }",
    ...                  prefixes={"kgo": "https://w3id.org/als-kg/ontology#"}))
    True
    """
    return store.query(
        text,
        prefixes=prefixes,
        use_default_graph_as_union=graph.default_union,
        default_graph=None if graph.default_union else graph_name(graph),
    )
