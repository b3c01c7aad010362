"""The precedent network: which regulatory events cite which earlier events as precedents."""

from __future__ import annotations

import networkx as nx
from rdflib import Graph
from rdflib.term import Node

from kg.graph.network import node_label
from kg.namespaces import KGO
from kg.query.sparql import Row

__all__ = [
    "PRECEDENT_COLUMNS",
    "precedent_network",
    "precedent_rows",
]

#: The columns of :func:`precedent_rows`, in order.
PRECEDENT_COLUMNS = (
    "citing",
    "citingLabel",
    "citingTherapy",
    "citingStatus",
    "precedent",
    "precedentLabel",
    "precedentTherapy",
    "precedentDate",
)


def precedent_network(graph: Graph) -> nx.DiGraph[str]:
    """Build the directed graph of precedents: an edge from each citing event to its precedent.

    Nodes are event IRIs with the string attributes ``label``, ``therapy`` (its therapy's
    name), ``status`` (occurred or planned) and ``date`` (its date, or expected date); only
    events that cite or are cited appear. A precedent's in-degree says how often it is cited.

    :param graph: the graph
    :returns: a new directed graph

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> network = precedent_network(load_curated())
    >>> network.has_edge(str(KGR["event-lenzumestrocel-fda-bla"]),
    ...                  str(KGR["event-tofersen-fda-accelerated-approval"]))
    True
    """
    network: nx.DiGraph[str] = nx.DiGraph()
    for citing, precedent in sorted(graph.subject_objects(KGO.citesPrecedent), key=str):
        for event in (citing, precedent):
            network.add_node(str(event), **_event_attributes(graph, event))
        network.add_edge(str(citing), str(precedent), relation="cites precedent")
    return network


def precedent_rows(graph: Graph) -> list[Row]:
    """List every citation of a precedent, one row per citing event and precedent.

    :param graph: the graph
    :returns: rows with the columns of :data:`PRECEDENT_COLUMNS`, sorted by precedent and
        citing event

    >>> from kg.graph.io import load_curated
    >>> rows = precedent_rows(load_curated())
    >>> any(row["citingTherapy"] == "lenzumestrocel" and row["precedentTherapy"] == "tofersen"
    ...     for row in rows)
    True
    """
    network = precedent_network(graph)
    rows: list[Row] = []
    for citing, precedent in network.edges:
        source, target = network.nodes[citing], network.nodes[precedent]
        rows.append(
            {
                "citing": citing,
                "citingLabel": source["label"],
                "citingTherapy": source["therapy"],
                "citingStatus": source["status"],
                "precedent": precedent,
                "precedentLabel": target["label"],
                "precedentTherapy": target["therapy"],
                "precedentDate": target["date"],
            }
        )
    return sorted(rows, key=lambda row: (row["precedentLabel"] or "", row["citingLabel"] or ""))


def _event_attributes(graph: Graph, event: Node) -> dict[str, str]:
    """Return the string attributes of an event node."""
    therapy = graph.value(event, KGO.therapy)
    status = graph.value(event, KGO.eventStatus)
    date = graph.value(event, KGO.date) or graph.value(event, KGO.expectedDate)
    return {
        "label": node_label(graph, event),
        "therapy": "" if therapy is None else node_label(graph, therapy),
        "status": "" if status is None else node_label(graph, status),
        "date": "" if date is None else str(date),
    }
