"""Read RDF files into rdflib graphs, with errors that name the file and the line."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

from rdflib import XSD, Dataset, Graph, Literal
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from kg.errors import InputError
from kg.graph.oxigraph import graph_name, new_oxigraph_graph, oxigraph_store
from kg.namespaces import bind_prefixes
from kg.resources import data_files, ontology_files, sorted_files

__all__ = [
    "DEFAULT_STORE",
    "FORMATS",
    "GraphSource",
    "guess_format",
    "load",
    "load_curated",
    "oxigraph_read_error",
    "read_graph",
    "source_list",
]

#: rdflib parser names by file suffix.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".trig": "trig",
}

#: What :func:`load` accepts: a file, a folder of ``*.ttl`` files, or a graph.
GraphSource = str | os.PathLike[str] | Graph

#: The store a new graph is put on when none is named: Oxigraph, in memory (through oxrdflib).
DEFAULT_STORE = "oxigraph-memory"
#: The in-memory stores :func:`load` can put a new graph on: Oxigraph's (two spellings) and
#: rdflib's own (``memory``).
IN_MEMORY_STORES = ("oxigraph-memory", "oxigraph:", "memory")

# rdflib parser names (FORMATS) that pyoxigraph bulk-loads as a triple format.
OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML"}
# A prefix declaration at the start of a line, in Turtle's two spellings (found only where
# the bytes "refix" or "REFIX" occur, so a file without any is not scanned by a pattern).
_PREFIX_LINE = re.compile(
    rb"(?im)^[ \t]*(?:@prefix|prefix)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>"
)
# How much of a file's beginning is checked for binary data.
_HEAD = 8192

# Formats that can hold named graphs: parsed into a Dataset, then flattened.
_QUAD_FORMATS = frozenset({"trig", "nquads", "json-ld"})
_FORMAT_NAMES = {
    "turtle": "Turtle",
    "nt": "N-Triples",
    "nquads": "N-Quads",
    "json-ld": "JSON-LD",
    "xml": "RDF/XML",
    "trig": "TriG",
}
_EMPTY = "file is empty: no RDF triples"


def guess_format(path: str | os.PathLike[str]) -> str:
    """Return the rdflib parser name for a file, from its suffix.

    :param path: A file name; only its suffix is looked at (case does not matter).
    :returns: An rdflib format name such as ``"turtle"``.
    :raises InputError: If the suffix is not one of :data:`FORMATS`.

    >>> guess_format("data/therapies.ttl")
    'turtle'
    >>> guess_format("ontology.OWL")
    'xml'
    >>> guess_format("table.csv")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: table.csv: unsupported file type '.csv' (expected .jsonld, .nq, .nt, .owl, .rdf, .trig, .ttl, .xml)
    """  # noqa: E501
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        expected = ", ".join(sorted(FORMATS))
        shown = repr(suffix) if suffix else "(no suffix)"
        raise InputError(path, f"unsupported file type {shown} (expected {expected})") from None


def read_graph(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    into: Graph | None = None,
) -> Graph:
    r"""Parse one RDF file into a graph, or explain in one line why it cannot be read.

    The file is parsed into a fresh graph first and only then added to ``into``, so a
    file that fails to parse never leaves ``into`` half-filled. Named graphs (TriG,
    N-Quads, JSON-LD) are merged into one graph.

    :param path: The file to read.
    :param format: An rdflib parser name; by default it is guessed from the suffix
        with :func:`guess_format`.
    :param into: A graph to add the triples to; by default a new graph is made, with the
        project's prefixes bound (:func:`kg.namespaces.bind_prefixes`).
    :returns: The graph that holds the triples: ``into`` if given, otherwise the new graph.
    :raises InputError: If the file is missing, empty, not RDF, or has a syntax error
        (the message names the file and, when known, the line).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "ok.ttl").write_text("<urn:x:a> <urn:x:b> <urn:x:c> .")
    >>> len(read_graph(folder / "ok.ttl"))
    1
    >>> _ = (folder / "bad.ttl").write_text("# comment\n<urn:x:a> <urn:x:b> .")
    >>> read_graph(folder / "bad.ttl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.InputError: .../bad.ttl, line 2: Turtle syntax error: ...
    """
    path = Path(path)
    rdf_format = format or guess_format(path)
    content = _read_bytes(path)
    fresh = _parse(path, content, rdf_format)
    if len(fresh) == 0:
        raise InputError(path, _EMPTY)
    if into is None:
        return bind_prefixes(fresh)
    _merge(fresh, into)
    return into


def load(
    *sources: GraphSource, into: Graph | None = None, store: str = DEFAULT_STORE
) -> Graph:
    """Load files, folders and graphs into one graph.

    A folder stands for every ``*.ttl`` file inside it, sub-folders included, in sorted
    order. Graphs are copied, never changed. Everything is read into a fresh graph
    before anything is added to ``into``, so one bad file leaves ``into`` untouched.

    A new graph is an :class:`rdflib.Graph` on an in-memory Oxigraph store (oxrdflib) by
    default: Turtle, N-Triples and RDF/XML files go through Oxigraph's bulk loader, and
    queries run on Oxigraph (:func:`kg.sparql`). ``store="memory"`` gives a graph on
    rdflib's own in-memory store instead, parsed and queried by rdflib. A file Oxigraph
    cannot read is read again by rdflib for the error, so the message names the file and
    the line the same way on both stores.

    :param sources: Files (any suffix of :data:`FORMATS`), folders, or rdflib graphs.
    :param into: A graph to add the triples to; by default a new graph is made, with the
        project's prefixes bound (and the prefixes the files declare).
    :param store: The store of a new graph: ``oxigraph-memory`` (the default; also spelled
        ``oxigraph:``) or ``memory``. With ``into``, the triples go to ``into``'s store.
    :returns: The graph that holds the triples: ``into`` if given, otherwise the new graph.
    :raises InputError: If a file cannot be read (see :func:`read_graph`) or a folder
        holds no ``*.ttl`` file.
    :raises ValueError: If ``store`` is not an in-memory store's name.

    >>> from rdflib import URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:x:a"), URIRef("urn:x:b"), URIRef("urn:x:c")))
    >>> merged = load(g, g)
    >>> len(merged), merged is g, type(merged.store).__name__
    (1, False, 'KgOxigraphStore')
    >>> type(load(g, store="memory").store).__name__
    'Memory'
    """
    if store not in IN_MEMORY_STORES:
        known = ", ".join(IN_MEMORY_STORES)
        raise ValueError(f"unknown in-memory store {store!r}; expected one of {known}")
    on_oxigraph = store != "memory" if into is None else oxigraph_store(into) is not None
    fresh = new_oxigraph_graph() if on_oxigraph else bind_prefixes(Graph(bind_namespaces="core"))
    for source in sources:
        if isinstance(source, Graph):
            _merge(source, fresh)
            continue
        path = Path(source)
        for file in _files_in(path) if path.is_dir() else [path]:
            if on_oxigraph:
                _bulk_load(file, fresh)
            else:
                read_graph(file, into=fresh)
    if into is None:
        return bind_prefixes(fresh)
    _merge(fresh, into)
    return into


def load_curated(*, ontology: bool = True, store: str = DEFAULT_STORE) -> Graph:
    """Load the curated knowledge graph: the bundled ontology plus every bundled data file.

    :param ontology: Include the ontology (classes, properties, concept schemes); with
        ``False`` only the data files are loaded.
    :param store: The store of the graph: ``oxigraph-memory`` (the default) or ``memory``
        (rdflib's own); see :func:`load`.
    :returns: A new graph with the project's prefixes bound.
    :raises InputError: If a bundled file cannot be read.
    :raises kg.resources.AssetNotFoundError: If the bundled folders cannot be found.

    >>> len(load_curated()) > 0
    True
    """
    files = [*ontology_files(), *data_files()] if ontology else data_files()
    return load(*files, store=store)


def source_list(sources: GraphSource | Sequence[GraphSource]) -> list[GraphSource]:
    """Turn what a caller has, one source or a sequence of them, into a list of sources.

    A string is one path, not a sequence of characters.

    >>> source_list("data/")
    ['data/']
    >>> source_list(["trials.ttl", "results.ttl"])
    ['trials.ttl', 'results.ttl']
    >>> len(source_list(Graph()))
    1
    """
    if isinstance(sources, Graph | str) or not isinstance(sources, Sequence):
        return [sources]
    return list(sources)


def _bulk_load(path: Path, graph: Graph) -> None:
    """Add one file to a graph on Oxigraph through Oxigraph's bulk loader, with its prefixes.

    Formats Oxigraph does not bulk-load here (named graphs, JSON-LD) are read by
    :func:`read_graph` and copied in. A file Oxigraph rejects is read by rdflib for the
    error (its messages are the ones :func:`read_graph` gives); where rdflib reads it after
    all, Oxigraph's own message is given, with its line.
    """
    import pyoxigraph

    rdf_format = guess_format(path)
    if rdf_format not in OXIGRAPH_FORMATS:
        _merge(read_graph(path, format=rdf_format), graph)
        return
    _check_file(path)
    ox_format = getattr(pyoxigraph.RdfFormat, OXIGRAPH_FORMATS[rdf_format])
    base = path.resolve().as_uri()
    try:
        first = next(iter(pyoxigraph.parse(path=str(path), format=ox_format, base_iri=base)), None)
        if first is None:
            raise InputError(path, _EMPTY)
        store: Any = oxigraph_store(graph)
        store.bulk_load(
            path=str(path), format=ox_format, base_iri=base, to_graph=graph_name(graph)
        )
    except (SyntaxError, OSError, ValueError) as error:
        raise oxigraph_read_error(path, rdf_format, error) from error
    if rdf_format == "turtle":
        _bind_missing(graph, _declared_prefixes(path.read_bytes()))


def oxigraph_read_error(path: Path, rdf_format: str, error: Exception) -> InputError:
    """Say why Oxigraph could not read a file, as :func:`read_graph` would have said it.

    rdflib reads the file again for its message, which names the file and line (it raises
    that :class:`InputError` itself); where rdflib reads it after all, the error returned
    gives Oxigraph's own message, with its line.

    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "bad.ttl"
    >>> _ = bad.write_text("<urn:x:a> <urn:x:b> .")
    >>> oxigraph_read_error(bad, "turtle", SyntaxError("expected an object"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.InputError: .../bad.ttl, line 1: Turtle syntax error: ...
    >>> good = bad.with_name("good.ttl")
    >>> _ = good.write_text("<urn:x:a> <urn:x:b> 1 .")
    >>> str(oxigraph_read_error(good, "turtle", SyntaxError("odd")))  # doctest: +ELLIPSIS
    '.../good.ttl: Turtle syntax error: odd'
    """
    read_graph(path, format=rdf_format)  # raises InputError naming the file and line
    format_name = _FORMAT_NAMES.get(rdf_format, rdf_format)
    detail = getattr(error, "msg", None) or str(error)
    detail = re.sub(r"^Parser error at line \d+ column \d+: ", "", detail)
    line = getattr(error, "lineno", None)
    return InputError(path, f"{format_name} syntax error: {detail}", line=line)


def _declared_prefixes(content: bytes) -> list[tuple[str, str]]:
    r"""Find the prefixes a Turtle file declares (at the start of a line), in order.

    rdflib binds the prefixes a file declares; Oxigraph's bulk loader does not report them.
    Only a file holding ``refix`` or ``REFIX`` is scanned by the pattern.

    >>> _declared_prefixes(b"@prefix ex: <urn:ex:> .\nPREFIX : <urn:base:>\n<urn:a> <urn:b> 1 .")
    [('ex', 'urn:ex:'), ('', 'urn:base:')]
    """
    if b"refix" not in content and b"REFIX" not in content:
        return []
    return [
        ((prefix or b"").decode("utf-8", "replace"), namespace.decode("utf-8", "replace"))
        for prefix, namespace in _PREFIX_LINE.findall(content)
    ]


def _bind_missing(graph: Graph, prefixes: Sequence[tuple[str, Node | str]]) -> None:
    """Bind each prefix the graph does not bind yet (keeping the graph's own bindings)."""
    bound = {prefix for prefix, _ in graph.namespaces()}
    for prefix, namespace in prefixes:
        if prefix not in bound:
            graph.bind(prefix, namespace, override=False)
            bound.add(prefix)


def _check_file(path: Path) -> None:
    """Fail clearly on a missing, unreadable, blank or binary file (reading its beginning)."""
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not a file")
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD)
    except OSError as error:
        raise InputError(path, f"cannot read the file: {error.strerror or error}") from error
    if not head.strip() and path.stat().st_size <= _HEAD:
        raise InputError(path, _EMPTY)
    if b"\x00" in head:
        raise InputError(path, "not an RDF file: it holds binary data")


def _files_in(folder: Path) -> list[Path]:
    """List the ``*.ttl`` files under a folder, sorted, or fail if there are none."""
    found = sorted_files(folder, "*.ttl", recursive=True)
    if not found:
        raise InputError(folder, "folder holds no *.ttl file")
    return found


def _read_bytes(path: Path) -> bytes:
    """Read a file that should hold RDF, failing clearly on missing, empty or binary files."""
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not a file")
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the file: {error.strerror or error}") from error
    if not content.strip():
        raise InputError(path, _EMPTY)
    if b"\x00" in content[:8192]:
        raise InputError(path, "not an RDF file: it holds binary data")
    return content


def _parse(path: Path, content: bytes, rdf_format: str) -> Graph:
    """Parse file content into a new graph, turning any parser error into an InputError."""
    base = path.resolve().as_uri()
    graph = Graph(bind_namespaces="core")
    try:
        if rdf_format in _QUAD_FORMATS:
            dataset = Dataset()
            dataset.namespace_manager = NamespaceManager(dataset, "core")
            dataset.parse(data=content, format=rdf_format, publicID=base)
            _merge(dataset, graph)
        else:
            graph.parse(data=content, format=rdf_format, publicID=base)
    except MemoryError:  # not the file's fault
        raise
    except Exception as error:  # rdflib's parsers raise many unrelated exception types
        line, detail = _describe(error, content)
        name = _FORMAT_NAMES.get(rdf_format, rdf_format)
        raise InputError(path, f"{name} syntax error: {detail}", line=line) from error
    return graph


def _describe(error: Exception, content: bytes) -> tuple[int | None, str]:
    """Dig the 1-based line number and a one-line reason out of a parser's exception."""
    if isinstance(error, UnicodeDecodeError):
        line = content[: error.start].count(b"\n") + 1
        return line, f"not UTF-8 text (byte 0x{content[error.start]:02x}); is this really RDF?"
    if isinstance(error, SAXParseException):
        return error.getLineNumber(), str(error.getMessage())
    if isinstance(error, json.JSONDecodeError):
        return error.lineno, error.msg
    text = str(error)
    reason = getattr(error, "_why", None)  # rdflib's BadSyntax (Turtle, TriG, N3)
    if not isinstance(reason, str):
        match = re.search(r"Bad syntax \((.*?)\) at \^", text)
        reason = match.group(1) if match else _first_line(text)
    lines = getattr(error, "lines", None)  # BadSyntax counts lines from 0
    if isinstance(lines, int):
        return lines + 1, reason
    return _line_from_text(text, content), reason


def _line_from_text(text: str, content: bytes) -> int | None:
    """Find a line number in an error message, or the line that it quotes."""
    match = re.search(r"\bline (\d+)", text)
    if match:
        return int(match.group(1))
    quoted = re.match(r"Invalid line: (.+)", text)  # rdflib's N-Triples parser
    if quoted:
        wanted = quoted.group(1).strip()
        for number, line in enumerate(content.decode("utf-8", "replace").splitlines(), 1):
            if line.strip() == wanted:
                return number
    return None


def _first_line(text: str) -> str:
    """Return the first non-blank line of a message, or a placeholder."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "unreadable input")


def _plain(term: Node) -> Node:
    """Write an ``xsd:string`` literal as the plain literal it is (RDF 1.1: the same term).

    Oxigraph hands such literals to rdflib with the datatype spelled out, and rdflib would
    then treat ``"<"^^xsd:string`` and ``"<"`` as two values (doubling triples, failing
    ``sh:in``).
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _merge(source: Graph, target: Graph) -> None:
    """Add a graph's triples and prefixes to another graph (keeping the target's prefixes).

    The named graphs of a dataset are merged into the target's single graph. Between two
    graphs on Oxigraph the triples go from store to store, without rdflib terms.
    """
    if oxigraph_store(source) is not None and oxigraph_store(target) is not None:
        _copy_on_oxigraph(source, target)
    elif isinstance(source, ConjunctiveGraph):  # Dataset too: its iterator yields quads
        target.addN(
            (s, p, _plain(o), target) for s, p, o, _ in source.quads((None, None, None, None))
        )
    else:
        target.addN((s, p, _plain(o), target) for s, p, o in source)
    _bind_missing(target, list(source.namespaces()))


def _copy_on_oxigraph(source: Graph, target: Graph) -> None:
    """Copy the triples of a graph on Oxigraph into another graph on Oxigraph."""
    import pyoxigraph

    source_store: Any = oxigraph_store(source)
    target_store: Any = oxigraph_store(target)
    every_graph = isinstance(source, ConjunctiveGraph) or source.default_union
    into = graph_name(target)
    quads = (
        pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, into)
        for quad in source_store.quads_for_pattern(
            None, None, None, None if every_graph else graph_name(source)
        )
    )
    target_store.extend(list(quads) if source_store is target_store else quads)
