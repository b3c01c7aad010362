"""Conflicting claims: facts that two sources state differently (same subject and property)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from rdflib import RDF, Graph, Literal
from rdflib.term import Node

from kg.namespaces import KGO
from kg.network import node_label
from kg.provenance import source_url, sources_of

__all__ = [
    "Conflict",
    "conflicting_claims",
]

#: One disagreement: what it is about, and each side's value, acceptance and sources.
Conflict = dict[str, str | list[str] | None]


def conflicting_claims(graph: Graph) -> list[Conflict]:
    """Pair the ``kgo:Claim`` nodes that give different values for the same subject and property.

    Each pair is reported once, the claim with the smaller IRI first. ``accepted1`` and
    ``accepted2`` are ``"true"``, ``"false"`` or None (not stated); ``sources1`` and
    ``sources2`` are the addresses of each claim's sources.

    :param graph: the graph
    :returns: dicts with ``subject``, ``subjectLabel``, ``property``, ``value1``, ``accepted1``,
        ``sources1``, ``value2``, ``accepted2``, ``sources2``; sorted by subject label and
        property

    >>> from kg.io import load_curated
    >>> conflicts = conflicting_claims(load_curated())
    >>> any(c["subjectLabel"] == "ALSummit (NCT04745299)" and c["property"] == "status"
    ...     for c in conflicts)
    True
    """
    groups: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
    for claim in graph.subjects(RDF.type, KGO.Claim):
        subject, predicate = graph.value(claim, RDF.subject), graph.value(claim, RDF.predicate)
        if subject is not None and predicate is not None:
            groups[(subject, predicate)].append(claim)
    conflicts: list[Conflict] = []
    for (subject, predicate), claims in groups.items():
        for first, second in combinations(sorted(claims, key=str), 2):
            value1, value2 = graph.value(first, RDF.object), graph.value(second, RDF.object)
            if value1 == value2:
                continue
            conflicts.append(
                {
                    "subject": str(subject),
                    "subjectLabel": node_label(graph, subject),
                    "property": node_label(graph, predicate),
                    "value1": _value(graph, value1),
                    "accepted1": _accepted(graph, first),
                    "sources1": _urls(graph, first),
                    "value2": _value(graph, value2),
                    "accepted2": _accepted(graph, second),
                    "sources2": _urls(graph, second),
                }
            )
    return sorted(conflicts, key=lambda c: (str(c["subjectLabel"]), str(c["property"])))


def _value(graph: Graph, value: Node | None) -> str | None:
    """Return a claimed value in words: a literal's text, or a node's label."""
    if value is None:
        return None
    return str(value) if isinstance(value, Literal) else node_label(graph, value)


def _accepted(graph: Graph, claim: Node) -> str | None:
    """Return whether the curators accept a claim, as ``"true"``/``"false"``, or None."""
    accepted = graph.value(claim, KGO.accepted)
    return None if accepted is None else str(accepted).lower()


def _urls(graph: Graph, claim: Node) -> list[str]:
    """Return the addresses of a claim's sources."""
    return [source_url(graph, source) or str(source) for source in sources_of(graph, claim)]
