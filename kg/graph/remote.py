"""Push a graph into a named graph of a SPARQL 1.1 server, all or nothing."""

from __future__ import annotations

import re
from urllib.parse import urlencode
from uuid import uuid4

from rdflib import Graph

from kg.graph import endpoints
from kg.graph.endpoints import Endpoint, EndpointError
from kg.graph.export import serialize
from kg.graph.oxigraph import triple_count

__all__ = [
    "DEFAULT_GRAPH",
    "PUSH_TIMEOUT",
    "push",
]

#: The named graph that ``kg push`` fills when none is given.
DEFAULT_GRAPH = "https://w3id.org/als-kg/graph"
#: Seconds to wait for each of the server's answers while pushing.
PUSH_TIMEOUT = 600.0

_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|^`\\]*$')


def push(
    graph: Graph,
    endpoint: str | Endpoint,
    *,
    graph_iri: str = DEFAULT_GRAPH,
    timeout: float = PUSH_TIMEOUT,
) -> int:
    """Replace a named graph on a SPARQL server with ``graph``, or leave it as it was.

    The triples go as N-Triples into a new temporary named graph (by a Graph Store protocol
    ``PUT``, or one ``INSERT DATA`` when the server has no Graph Store endpoint). Only when
    the server holds all of them does one SPARQL update, ``MOVE``, swap them into
    ``graph_iri``. A failure before that (server down, error midway) leaves the previous
    ``graph_iri`` untouched; on a transactional server (Oxigraph, GraphDB, Fuseki) the
    ``MOVE`` itself is all or nothing too.

    :param graph: the triples to push
    :param endpoint: the server, as an :class:`~kg.graph.endpoints.Endpoint` or its URLs
        (see :meth:`~kg.graph.endpoints.Endpoint.parse`)
    :param graph_iri: the named graph to replace
    :param timeout: seconds to wait for each of the server's answers
    :returns: the number of triples pushed
    :raises EndpointError: naming the URL, if the server is unreachable, answers with an
        HTTP error or does not answer in time, or if the graph is empty or the IRI malformed

    >>> push(Graph(), "http://127.0.0.1:9")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.graph.endpoints.EndpointError: nothing to push to ...: the graph is empty
    """
    server = endpoint if isinstance(endpoint, Endpoint) else Endpoint.parse(endpoint)
    if not _IRI.match(graph_iri):
        raise EndpointError(f"{graph_iri!r} is not an absolute IRI for a named graph")
    if not server.update:
        raise EndpointError(f"the SPARQL endpoint {server.query} takes no updates")
    count = triple_count(graph)
    if count == 0:
        raise EndpointError(f"nothing to push to {server.query}: the graph is empty")
    body = serialize(graph, "nt").encode("utf-8")  # Oxigraph writes it when it holds it
    temporary = f"urn:x-kg-push:{uuid4()}"
    try:
        if server.store:
            endpoints.request(
                f"{server.store}?{urlencode({'graph': temporary})}",
                method="PUT",
                data=body,
                headers={"Content-Type": "application/n-triples"},
                timeout=timeout,
            )
        else:
            _update(
                server, f"INSERT DATA {{ GRAPH <{temporary}> {{\n{body.decode()}\n}} }}", timeout
            )
        _update(server, f"MOVE GRAPH <{temporary}> TO GRAPH <{graph_iri}>", timeout)
    except EndpointError:
        _forget(server, temporary, timeout)
        raise
    return count


def _update(server: Endpoint, text: str, timeout: float) -> None:
    assert server.update is not None  # noqa: S101 - checked by push
    endpoints.request(
        server.update,
        method="POST",
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update; charset=UTF-8"},
        timeout=timeout,
    )


def _forget(server: Endpoint, temporary: str, timeout: float) -> None:
    """Drop the temporary graph after a failure, if the server still answers."""
    try:
        _update(server, f"DROP SILENT GRAPH <{temporary}>", min(timeout, 10.0))
    except EndpointError:
        pass
