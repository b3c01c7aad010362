"""Writing a graph to a file or a string: Turtle, JSON-LD, N-Triples or GraphML."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from rdflib import OWL, RDF, Graph

from kg.errors import KgError
from kg.graph.oxigraph import graph_name, oxigraph_store
from kg.namespaces import KGO, bind_prefixes

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "jsonld_context",
    "serialize",
    "write_graph",
]

ExportFormat = Literal["turtle", "json-ld", "nt", "graphml"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("turtle", "json-ld", "nt", "graphml")


def jsonld_context(graph: Graph) -> dict[str, Any]:
    """Build a JSON-LD context in which the ontology's terms read as words.

    Each ``kgo:`` property gets its local name as key (``nctId``, ``phase``); object
    properties are marked ``"@type": "@id"``; the usual prefixes are kept for the rest.

    :param graph: a graph holding the ontology (its ``owl:ObjectProperty`` and
        ``owl:DatatypeProperty`` declarations)
    :returns: the context

    >>> import kg
    >>> context = jsonld_context(kg.load_curated())
    >>> context["phase"]
    {'@id': 'kgo:phase', '@type': '@id'}
    """
    context: dict[str, Any] = {
        prefix: str(namespace) for prefix, namespace in bind_prefixes(Graph()).namespaces()
    }
    for kind, coerce in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
        for prop in graph.subjects(RDF.type, kind):
            if str(prop).startswith(str(KGO)):
                name = str(prop)[len(str(KGO)) :]
                term: dict[str, str] = {"@id": f"kgo:{name}"}
                if coerce:
                    term["@type"] = "@id"
                context[name] = term
    return context


def serialize(graph: Graph, fmt: ExportFormat = "turtle", *, extra: Graph | None = None) -> str:
    """Serialize a graph as text in one of :data:`EXPORT_FORMATS`.

    A graph on an Oxigraph store is written by Oxigraph itself in Turtle and N-Triples
    (rdflib's writers would read every triple back through oxrdflib, 25 times slower).

    :param graph: the graph
    :param fmt: turtle, json-ld, nt or graphml (the networkx view of :mod:`kg.graph.network`)
    :param extra: more triples to write with the graph, such as its dataset description
        (:func:`kg.publish.dataset.describe_dataset`); the graph itself is not changed, and GraphML
        (a network of the data) leaves them out
    :returns: the text
    :raises KgError: for an unknown format

    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<urn:a> <urn:p> 1 .", format="turtle")
    >>> print(serialize(g, "nt").strip())
    <urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
    """
    if extra is not None and len(extra) and fmt != "graphml":
        if _oxigraph_format(graph, fmt) is not None:  # Oxigraph writes the graph, rdflib the rest
            return serialize(graph, fmt) + serialize(extra, fmt)
        combined = bind_prefixes(Graph())
        for namespace in (graph, extra):
            for prefix, iri in namespace.namespaces():
                combined.bind(prefix, iri, override=False)
        combined += graph
        combined += extra
        return serialize(combined, fmt)
    if fmt == "graphml":
        import networkx as nx

        from kg.graph.network import to_networkx

        return "\n".join(nx.generate_graphml(to_networkx(graph))) + "\n"
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=jsonld_context(graph), indent=2)
    written_by_oxigraph = _oxigraph_format(graph, fmt)
    if written_by_oxigraph is not None:
        dumped: bytes = _dump_oxigraph(graph, written_by_oxigraph)
        return dumped.decode("utf-8")
    if fmt == "nt":  # rdflib writes its store's order, which follows the hash seed: sorted
        lines = bind_prefixes(graph).serialize(format=fmt).splitlines(keepends=True)
        return "".join(sorted(line for line in lines if line.strip()))
    if fmt == "turtle":
        return bind_prefixes(graph).serialize(format=fmt)
    raise KgError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")


def _oxigraph_format(graph: Graph, fmt: ExportFormat) -> Literal["turtle", "nt"] | None:
    """Return ``fmt`` if Oxigraph writes ``graph`` in it (Turtle, N-Triples), else None."""
    if fmt in ("turtle", "nt") and oxigraph_store(graph) is not None:
        return fmt
    return None


def _dump_oxigraph(graph: Graph, fmt: Literal["turtle", "nt"], output: Path | None = None) -> Any:
    """Write a graph on Oxigraph with Oxigraph's writer (to ``output``, or as bytes)."""
    import pyoxigraph

    bind_prefixes(graph)
    ox_format = pyoxigraph.RdfFormat.TURTLE if fmt == "turtle" else pyoxigraph.RdfFormat.N_TRIPLES
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    store: Any = oxigraph_store(graph)
    return store.dump(output, format=ox_format, from_graph=graph_name(graph), prefixes=prefixes)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_graph(
    graph: Graph,
    path: str | os.PathLike[str],
    fmt: ExportFormat = "turtle",
    *,
    extra: Graph | None = None,
) -> Path:
    """Write a graph to a file, atomically: a failure never leaves a half-written file.

    The text is written to a temporary file beside the target, then moved into place.

    :param graph: the graph
    :param path: the file to write
    :param fmt: turtle, json-ld, nt or graphml
    :param extra: more triples to write with it (see :func:`serialize`)
    :returns: the path written
    :raises KgError: if the folder does not exist or cannot be written

    >>> import tempfile, pathlib
    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<urn:a> <urn:p> 1 .", format="turtle")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.ttl"
    >>> write_graph(g, out).read_text().strip().endswith(".")
    True
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise KgError(f"{target}: the folder {folder} does not exist")
    written_by_oxigraph = _oxigraph_format(graph, fmt)  # Oxigraph streams the file itself
    text = "" if written_by_oxigraph else serialize(graph, fmt, extra=extra)
    if fmt == "json-ld":
        json.loads(text)  # refuse to write JSON that does not parse
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if written_by_oxigraph is not None:
            os.close(handle)
            _dump_oxigraph(graph, written_by_oxigraph, Path(temporary))
            if extra is not None and len(extra):
                with open(temporary, "a", encoding="utf-8") as stream:
                    stream.write(serialize(extra, fmt))
        else:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes the file private (0600)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise KgError(f"{target}: cannot write the file: {error}") from error
    return target
