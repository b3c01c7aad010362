"""How much each source carries: the facts per source, and facts resting on one press release."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import PROV, RDF, Graph
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.analysis.provenance import source_kind, source_url
from kg.graph.network import local_name, node_label
from kg.namespaces import KGO
from kg.query.sparql import Row

__all__ = [
    "SINGLE_PRESS_RELEASE_COLUMNS",
    "SOURCE_COLUMNS",
    "SourceLoad",
    "source_load",
]

#: The columns of :attr:`SourceLoad.sources`, in order.
SOURCE_COLUMNS = ("source", "title", "kind", "publisher", "date", "claims", "alone", "url")
#: The columns of :attr:`SourceLoad.single_press_release`, in order.
SINGLE_PRESS_RELEASE_COLUMNS = ("claim", "claimLabel", "claimKind", "source", "title", "url")


@dataclass(frozen=True)
class SourceLoad:
    """What :func:`source_load` finds: rows per source, and the facts one press release carries.

    :param sources: one row per source, with the columns of :data:`SOURCE_COLUMNS`; ``claims``
        counts the facts derived from the source and ``alone`` those derived from it only
    :param single_press_release: one row per fact whose only source is one press release
    """

    sources: list[Row] = field(default_factory=list)
    single_press_release: list[Row] = field(default_factory=list)


def source_load(graph: Graph) -> SourceLoad:
    """Count the facts each source supports, and find the facts that rest on one press release.

    A fact (a "claim" here) is any node that states facts with ``prov:wasDerivedFrom``: a
    therapy, a trial, an endpoint, a result, a regulatory event, an enrollment count or a
    :class:`kgo:Claim`. Sources are sorted by the number of facts they carry, most first.

    :param graph: the graph
    :returns: a :class:`SourceLoad`

    >>> from kg.graph.io import load_curated
    >>> load = source_load(load_curated())
    >>> top = load.sources[0]
    >>> int(top["claims"]) >= int(load.sources[-1]["claims"])
    True
    >>> any(row["claim"].endswith("NCT04745299-res-slow-alsfrsr")
    ...     for row in load.single_press_release)
    True
    """
    claims: dict[Node, set[Node]] = defaultdict(set)
    sources_by_claim: dict[Node, set[Node]] = defaultdict(set)
    for claim, source in graph.subject_objects(PROV.wasDerivedFrom):
        claims[source].add(claim)
        sources_by_claim[claim].add(source)
    for source in graph.subjects(KGO.sourceKind, None):
        claims.setdefault(source, set())
    rows = [_source_row(graph, source, facts, sources_by_claim) for source, facts in claims.items()]
    rows.sort(key=lambda row: (-int(row["claims"] or 0), row["title"] or "", row["source"] or ""))
    single = [
        _single_row(graph, claim, next(iter(sources)))
        for claim, sources in sources_by_claim.items()
        if len(sources) == 1 and (next(iter(sources)), KGO.sourceKind, KGO.PressRelease) in graph
    ]
    single.sort(key=lambda row: (row["title"] or "", row["claimLabel"] or ""))
    return SourceLoad(sources=rows, single_press_release=single)


def _source_row(
    graph: Graph, source: Node, facts: set[Node], sources_by_claim: dict[Node, set[Node]]
) -> Row:
    """Make one row of :attr:`SourceLoad.sources`."""
    publisher = graph.value(source, DCTERMS.publisher)
    date = graph.value(source, KGO.date)
    return {
        "source": str(source),
        "title": node_label(graph, source),
        "kind": source_kind(graph, source),
        "publisher": None if publisher is None else node_label(graph, publisher),
        "date": None if date is None else str(date),
        "claims": str(len(facts)),
        "alone": str(sum(1 for fact in facts if len(sources_by_claim[fact]) == 1)),
        "url": source_url(graph, source),
    }


def _single_row(graph: Graph, claim: Node, source: Node) -> Row:
    """Make one row of :attr:`SourceLoad.single_press_release`."""
    kinds = sorted(local_name(cls) for cls in graph.objects(claim, RDF.type))
    return {
        "claim": str(claim),
        "claimLabel": node_label(graph, claim),
        "claimKind": ", ".join(kinds) or None,
        "source": str(source),
        "title": node_label(graph, source),
        "url": source_url(graph, source),
    }
