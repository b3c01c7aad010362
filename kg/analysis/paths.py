"""The shortest path between two entities of the graph, link by link."""

from __future__ import annotations

import networkx as nx
from rdflib import Graph, URIRef

from kg.errors import KgError
from kg.graph.network import to_networkx
from kg.query.parameters import AmbiguousParameterError, ParameterError, resolve
from kg.query.sparql import Row

__all__ = [
    "PATH_COLUMNS",
    "NoPathError",
    "resolve_entity",
    "shortest_path",
]

#: The columns of :func:`shortest_path`'s rows, in order.
PATH_COLUMNS = ("step", "node", "label", "kind", "relation", "direction")


_PREFERRED_CLASSES = (
    "kgo:Therapy",
    "kgo:ClinicalStudy",
    "kgo:RegulatoryEvent",
    "kgo:Result",
    "kgo:Source",
)


class NoPathError(KgError):
    """Two entities are not connected in the graph."""


def shortest_path(graph: Graph, a: str, b: str) -> list[Row]:
    """Find a shortest chain of links between two entities, in either direction.

    Links are followed both ways (a trial ``tests`` a therapy, so the therapy reaches the trial
    too); concepts such as phases are attributes, not nodes (see
    :func:`kg.graph.network.to_networkx`), so paths never run through them.

    :param graph: the graph
    :param a: the first entity: an IRI, CURIE, registry id or name (see
        :func:`kg.query.parameters.resolve`)
    :param b: the second entity, likewise
    :returns: one row per node on the path, from ``a`` to ``b``, with the columns of
        :data:`PATH_COLUMNS`; ``relation`` is the property (CURIE) of the link that leads to the
        node, and ``direction`` says whether it was followed forwards (``->``) or backwards
        (``<-``); both are None on the first row
    :raises kg.query.parameters.ParameterError: if a name matches no node or several
    :raises NoPathError: if the two are not connected

    >>> from kg.graph.io import load_curated
    >>> rows = shortest_path(load_curated(), "VALOR", "tofersen")
    >>> [(row["label"], row["relation"], row["direction"]) for row in rows]
    [('VALOR (NCT02623699)', None, None), ('tofersen', 'kgo:tests', '->')]
    """
    start, end = resolve_entity(graph, a), resolve_entity(graph, b)
    network = to_networkx(graph)
    undirected = network.to_undirected(as_view=True)
    for wanted in (start, end):
        if str(wanted) not in network:
            raise NoPathError(f"{wanted} is not an entity of the graph (a concept or a term?)")
    try:
        nodes: list[str] = nx.shortest_path(undirected, str(start), str(end))
    except nx.NetworkXNoPath:
        raise NoPathError(f"no path links {a!r} and {b!r}") from None
    rows: list[Row] = []
    for step, node in enumerate(nodes):
        relation: str | None = None
        direction: str | None = None
        if step:
            previous = nodes[step - 1]
            if network.has_edge(previous, node):
                relation, direction = _first_key(network, previous, node), "->"
            else:
                relation, direction = _first_key(network, node, previous), "<-"
        data = network.nodes[node]
        rows.append(
            {
                "step": str(step),
                "node": node,
                "label": data.get("label"),
                "kind": data.get("kind"),
                "relation": relation,
                "direction": direction,
            }
        )
    return rows


def resolve_entity(graph: Graph, value: str) -> URIRef:
    """Resolve a name to one node, preferring a main entity when the name is ambiguous.

    When :func:`kg.query.parameters.resolve` finds several nodes, the name is tried again for a
    therapy, a study, a regulatory event, a result and a source, in that order; the first
    class that it names exactly one node of wins.

    :param graph: the graph
    :param value: an IRI, CURIE, registry id or name
    :returns: the node
    :raises kg.query.parameters.ParameterError: if nothing matches, or the ambiguity remains

    >>> from kg.graph.io import load_curated
    >>> resolve_entity(load_curated(), "tofersen")  # also the label of a VALOR group value
    rdflib.term.URIRef('https://w3id.org/als-kg/resource/tofersen')
    """
    try:
        return resolve(graph, value)
    except AmbiguousParameterError:
        for resource_class in _PREFERRED_CLASSES:
            try:
                return resolve(graph, value, resource_class=resource_class)
            except ParameterError:
                continue
        raise


def _first_key(network: nx.MultiDiGraph[str], start: str, end: str) -> str:
    """Return the first (sorted) property linking two nodes in that direction."""
    return str(sorted(network[start][end])[0])
