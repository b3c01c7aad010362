"""Conflicting claims: facts that two sources state differently (same subject and property).

The stored query ``conflicting-claims`` defines what a conflict is; this module gives its rows
to Python callers (the report) with each side's sources as a list.
"""

from __future__ import annotations

from rdflib import Graph

from kg.query.sparql import result_rows, run_query

__all__ = [
    "Conflict",
    "conflicting_claims",
]

#: One disagreement: what it is about, and each side's value, acceptance and sources.
Conflict = dict[str, str | list[str] | None]


def conflicting_claims(graph: Graph) -> list[Conflict]:
    """Pair the ``kgo:Claim`` nodes that give different values for the same subject and property.

    The rows of the stored query ``conflicting-claims``: each pair once, the claim with the
    smaller IRI first, claims of one value on one side merged. ``accepted1`` and ``accepted2``
    are ``"true"``, ``"false"`` or None (not stated); ``sources1`` and ``sources2`` list the
    addresses of each side's sources.

    :param graph: the graph
    :returns: dicts with ``subject``, ``subjectLabel``, ``property``, ``value1``, ``accepted1``,
        ``sources1``, ``value2``, ``accepted2``, ``sources2``; sorted by subject label,
        property and values

    >>> from kg.graph.io import load_curated
    >>> conflicts = conflicting_claims(load_curated())
    >>> any(c["subjectLabel"] == "ALSummit (NCT04745299)" and c["property"] == "status"
    ...     for c in conflicts)
    True
    """
    return [
        {
            **row,
            "sources1": sorted((row["sources1"] or "").split()),
            "sources2": sorted((row["sources2"] or "").split()),
        }
        for row in result_rows(run_query(graph, "conflicting-claims"))
    ]
