"""Evidence chains: from a regulatory event back through trials and results to their sources."""

from __future__ import annotations

import networkx as nx
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from kg.analysis.provenance import source_kind, source_url, sources_of
from kg.graph.network import local_name, node_label
from kg.namespaces import KGO
from kg.query.parameters import AmbiguousParameterError, ParameterError, resolve
from kg.query.sparql import Row

__all__ = [
    "EVIDENCE_COLUMNS",
    "events_of",
    "evidence_chain",
    "evidence_graph",
]

#: The columns of :func:`evidence_chain`'s rows, in order.
EVIDENCE_COLUMNS = (
    "event",
    "eventLabel",
    "from",
    "fromLabel",
    "relation",
    "to",
    "toLabel",
    "toKind",
    "url",
)


def events_of(graph: Graph, therapy_or_event: str | Node) -> list[Node]:
    """Return the regulatory events a therapy has, or the one event given, sorted by date.

    :param graph: the graph
    :param therapy_or_event: a therapy or a regulatory event: an IRI, or a name, registry id or
        CURIE that :func:`kg.query.parameters.resolve` finds
    :returns: the events (a therapy without events gives an empty list)
    :raises ParameterError: if the name matches nothing or is neither a therapy nor an event

    >>> from kg.graph.io import load_curated
    >>> [local_name(e) for e in events_of(load_curated(), "Qalsody")][:2]
    ['event-tofersen-fda-advisory-committee', 'event-tofersen-fda-accelerated-approval']
    """
    node = (
        therapy_or_event
        if isinstance(therapy_or_event, URIRef)
        else _resolve(graph, str(therapy_or_event))
    )
    if _is_a(graph, node, KGO.RegulatoryEvent):
        return [node]
    if not _is_a(graph, node, KGO.Therapy):
        raise ParameterError(f"{node_label(graph, node)!r} is neither a therapy nor an event")
    events = set(graph.subjects(KGO.therapy, node))
    return sorted(events, key=lambda event: (_event_date(graph, event), str(event)))


def evidence_chain(graph: Graph, therapy_or_event: str | Node) -> list[Row]:
    """List the links from regulatory events back to the evidence they rest on and its sources.

    For each event (the one given, or every event of the therapy given): the trials and
    results it rests on (``kgo:restsOn``), the trial each result belongs to (``kgo:resultOf``),
    the events it cites as precedents (``kgo:citesPrecedent``), and the sources of the event,
    of those trials and of those results (``prov:wasDerivedFrom``). One row per link, with the
    columns of :data:`EVIDENCE_COLUMNS`; ``url`` is the address of a source, else None.

    :param graph: the graph
    :param therapy_or_event: a therapy or a regulatory event, as for :func:`events_of`
    :returns: the rows, event by event in date order
    :raises ParameterError: if the name matches nothing or is neither a therapy nor an event

    >>> from kg.graph.io import load_curated
    >>> rows = evidence_chain(load_curated(), "kgr:event-tofersen-fda-accelerated-approval")
    >>> [row["toLabel"] for row in rows if row["relation"] == "rests on"]
    ['VALOR (NCT02623699)', 'VALOR: plasma NfL reduced with tofersen']
    """
    rows: list[Row] = []
    for event in events_of(graph, therapy_or_event):
        seen: set[tuple[Node, str, Node]] = set()
        evidence = sorted(graph.objects(event, KGO.restsOn), key=str)
        sourced: list[Node] = [event, *evidence]
        links: list[tuple[Node, str, Node]] = [(event, "rests on", node) for node in evidence]
        links += [
            (event, "cites precedent", precedent)
            for precedent in sorted(graph.objects(event, KGO.citesPrecedent), key=str)
        ]
        for node in evidence:
            for trial in sorted(graph.objects(node, KGO.resultOf), key=str):
                links.append((node, "result of", trial))
                sourced.append(trial)
        for node in sourced:
            links += [(node, "derived from", source) for source in sources_of(graph, node)]
        for link in links:
            if link not in seen:
                seen.add(link)
                rows.append(_row(graph, event, *link))
    return rows


def evidence_graph(graph: Graph, therapy_or_event: str | Node) -> nx.DiGraph[str]:
    """Build the evidence chain as a directed graph, for drawing or further analysis.

    Nodes are IRIs with the attributes ``label`` and ``kind`` (``RegulatoryEvent``,
    ``ClinicalTrial``, ``Result``, ``Source``, ...); edges carry ``relation``. Sources also
    carry ``url`` and ``sourceKind``; events carry ``status`` (occurred or planned).

    :param graph: the graph
    :param therapy_or_event: a therapy or a regulatory event, as for :func:`events_of`
    :returns: a new directed graph (empty for a therapy without events)

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> chain = evidence_graph(load_curated(), "tofersen")
    >>> import networkx as nx
    >>> nx.has_path(chain, str(KGR["event-tofersen-fda-accelerated-approval"]),
    ...             str(KGR["src-nejm-2022-valor-summary"]))
    True
    """
    chain: nx.DiGraph[str] = nx.DiGraph()
    for row in evidence_chain(graph, therapy_or_event):
        for end in ("from", "to"):
            iri = row[end] or ""
            if iri not in chain:
                chain.add_node(iri, **_node_attributes(graph, URIRef(iri)))
        chain.add_edge(row["from"] or "", row["to"] or "", relation=row["relation"] or "")
    return chain


def _resolve(graph: Graph, value: str) -> URIRef:
    """Resolve a name to a therapy, else to a regulatory event, else report what it names."""
    for resource_class in ("kgo:Therapy", "kgo:RegulatoryEvent"):
        try:
            return resolve(graph, value, resource_class=resource_class)
        except AmbiguousParameterError:
            raise
        except ParameterError:
            continue
    return resolve(graph, value)


def _row(graph: Graph, event: Node, start: Node, relation: str, end: Node) -> Row:
    """Make one row of :func:`evidence_chain`."""
    return {
        "event": str(event),
        "eventLabel": node_label(graph, event),
        "from": str(start),
        "fromLabel": node_label(graph, start),
        "relation": relation,
        "to": str(end),
        "toLabel": node_label(graph, end),
        "toKind": _kind(graph, end),
        "url": source_url(graph, end) if relation == "derived from" else None,
    }


def _node_attributes(graph: Graph, node: URIRef) -> dict[str, str]:
    """Return the drawing attributes of a node in the evidence graph."""
    attributes = {"label": node_label(graph, node), "kind": _kind(graph, node)}
    if attributes["kind"] == "Source":
        attributes["url"] = source_url(graph, node) or ""
        attributes["sourceKind"] = source_kind(graph, node) or ""
    status = graph.value(node, KGO.eventStatus)
    if status is not None:
        attributes["status"] = node_label(graph, status)
    return attributes


def _kind(graph: Graph, node: Node) -> str:
    """Return the local name of a node's class in the ontology (the first, sorted)."""
    kinds = sorted(local_name(cls) for cls in graph.objects(node, RDF.type))
    return kinds[0] if kinds else ""


def _is_a(graph: Graph, node: Node, wanted: Node) -> bool:
    """Tell whether a node is an instance of a class or of one of its subclasses."""
    return any(
        wanted in graph.transitive_objects(cls, RDFS.subClassOf)
        for cls in graph.objects(node, RDF.type)
    )


def _event_date(graph: Graph, event: Node) -> str:
    """Return an event's date or expected date as text, for sorting ('' when undated)."""
    date = graph.value(event, KGO.date) or graph.value(event, KGO.expectedDate)
    return "" if date is None else str(date)
