"""Open the graph on a store named by a short descriptor: memory, Oxigraph, or a SPARQL server.

=====================================  ======================================================
descriptor                             store
=====================================  ======================================================
``oxigraph-memory`` or ``oxigraph:``   Oxigraph in memory, through oxrdflib (the default)
``memory``                             rdflib's own in-memory store
``oxigraph:PATH``                      a persistent Oxigraph (RocksDB) store in folder PATH
``sparql:URL``                         a SPARQL 1.1 server (:meth:`Endpoint.parse`)
=====================================  ======================================================

Every descriptor gives a plain :class:`rdflib.Graph`, so every stored query runs unchanged.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import InputError, KgError
from kg.graph.endpoints import DEFAULT_TIMEOUT, Endpoint, EndpointStore
from kg.graph.io import (
    DEFAULT_STORE,
    OXIGRAPH_FORMATS,
    GraphSource,
    guess_format,
    load,
    load_curated,
    oxigraph_read_error,
    read_graph,
)
from kg.graph.oxigraph import new_oxigraph_graph, oxigraph_store
from kg.graph.remote import DEFAULT_GRAPH, PUSH_TIMEOUT, push
from kg.namespaces import bind_prefixes
from kg.progress import progress as progress_bar
from kg.resources import data_files, ontology_files, sorted_files

__all__ = [
    "DEFAULT_STORE",
    "StoreError",
    "bulk_load",
    "load_into_store",
    "open_graph",
    "read_store",
]

_IN_MEMORY = frozenset({"memory", "oxigraph:", "oxigraph-memory"})
_KINDS = "memory, oxigraph-memory, oxigraph:PATH or sparql:URL"
# The Oxigraph stores this process has opened for writing, by folder, each with the load lock
# (a file descriptor) it holds: RocksDB lets one handle hold a folder, so every graph opened
# on it here shares that handle, and both are kept until exit, so no load swaps it away.
_OPEN_STORES: dict[str, tuple[Any, int]] = {}
#: N-Triples lines per bulk load into a persistent store: Oxigraph's bulk loader holds a whole
#: call's input in memory (2M triples at once peaked at 1.4 GB; in 250k-line calls 0.3 GB).
#: An in-memory store holds it all anyway, and takes a file in one call (1.2x faster at 1M).
_BULK_LINES = 250_000
# renameat2(2): the current folder, and the flag that swaps two paths at once.
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class StoreError(KgError):
    """A store descriptor is malformed, or the store it names cannot be opened."""


def open_graph(
    descriptor: str = DEFAULT_STORE, *, create: bool = True, timeout: float = DEFAULT_TIMEOUT
) -> Graph:
    """Open a graph on the store that ``descriptor`` names (see the module's table).

    In-memory stores start empty; ``oxigraph:PATH`` and ``sparql:`` give what the store
    holds. The project's prefixes are bound.

    A graph on ``oxigraph:PATH`` is open for writing until the process exits, and holds the
    lock a load takes: no load swaps the store away under it (it fails with "in use"), and it
    cannot be opened while a load is filling PATH. Read with :func:`read_store` to take no lock.

    :param descriptor: ``memory``, ``oxigraph-memory``, ``oxigraph:PATH`` or ``sparql:URL``
    :param create: make a new Oxigraph store when PATH holds none (otherwise fail)
    :param timeout: seconds to wait for a SPARQL server's answers
    :returns: a plain rdflib graph on that store
    :raises StoreError: if the descriptor is malformed or the store cannot be opened (missing,
        locked by another process, unreadable), naming the path
    :raises kg.graph.endpoints.EndpointError: if a ``sparql:`` URL is malformed

    >>> len(open_graph("memory"))
    0
    >>> open_graph("oxigraph-memory").store.__class__.__name__
    'KgOxigraphStore'
    >>> open_graph("tape:/dev/st0")
    Traceback (most recent call last):
    ...
    kg.graph.stores.StoreError: unknown store 'tape:/dev/st0'; expected memory, oxigraph-memory, oxigraph:PATH or sparql:URL
    """  # noqa: E501
    kind, colon, rest = descriptor.partition(":")
    if descriptor == "memory":
        return bind_prefixes(Graph(bind_namespaces="core"))
    if descriptor in _IN_MEMORY:
        return new_oxigraph_graph(_oxigraph(descriptor).Store())
    if kind == "oxigraph" and colon:
        return new_oxigraph_graph(_open_oxigraph(Path(rest), create=create))
    if kind == "sparql" and rest:
        endpoint = Endpoint.parse(rest)
        identifier = URIRef(endpoint.graph) if endpoint.graph else DATASET_DEFAULT_GRAPH_ID
        store = EndpointStore(endpoint, timeout=timeout)
        return bind_prefixes(Graph(store=store, identifier=identifier, bind_namespaces="core"))
    raise StoreError(f"unknown store {descriptor!r}; expected {_KINDS}")


def read_store(descriptor: str = DEFAULT_STORE, *, timeout: float = DEFAULT_TIMEOUT) -> Graph:
    """Return the graph that commands read from a store.

    An in-memory store is filled with the curated graph (ontology and data); a persistent or
    remote store gives what was loaded into it (with :func:`load_into_store` or ``kg push``).

    :param descriptor: a store descriptor (see :func:`open_graph`)
    :param timeout: seconds to wait for a SPARQL server's answers
    :returns: the graph
    :raises StoreError: if the store cannot be opened, or an Oxigraph PATH holds no store

    >>> len(read_store("memory")) == len(read_store("oxigraph-memory"))
    True
    """
    if descriptor in _IN_MEMORY:
        return load_curated(store=descriptor)
    kind, _, rest = descriptor.partition(":")
    if kind == "oxigraph":  # read-only: no lock, so a load can swap in a new store meanwhile
        return new_oxigraph_graph(_open_oxigraph(Path(rest), create=False, read_only=True))
    return open_graph(descriptor, create=False, timeout=timeout)


def load_into_store(
    descriptor: str,
    *sources: GraphSource,
    curated: bool = True,
    timeout: float | None = None,
    progress: bool | None = None,
) -> Graph:
    """Fill a store with the curated graph and the given files, replacing what it held.

    Oxigraph stores are filled through Oxigraph's bulk loader. A persistent store
    (``oxigraph:PATH``) is never changed in place: once every file has been checked (parsed
    as a stream, so memory stays small), a new store is filled in a folder beside PATH and
    swapped in at once (Linux's ``renameat2`` exchange). So a bad file, a full disk or a
    killed load leaves the store as it was, and a reader sees the old graph or the new one,
    never half of it; a reader that opened the store before the swap keeps reading the old
    graph from its open files. A second load of the same PATH meanwhile fails at once with
    "in use" (a lock file ``.NAME.kg-lock`` beside the folder), as does a load while a graph
    from :func:`open_graph` has PATH open for writing (its writes would be lost in the swap).
    A new in-memory store is filled at once: a bad file raises before the graph is handed
    back. A ``sparql:`` store is filled with :func:`kg.graph.remote.push` into its named graph
    (:data:`kg.graph.remote.DEFAULT_GRAPH` if the descriptor names none).

    :param descriptor: a store descriptor (see :func:`open_graph`)
    :param sources: more files, folders of ``*.ttl`` files, or graphs to add
    :param curated: start from the curated graph (ontology and data)
    :param timeout: seconds to wait for a SPARQL server (by default that of
        :func:`kg.graph.remote.push`)
    :param progress: show progress bars on stderr, one step per file checked and loaded into
        an Oxigraph store: ``None`` (default) only if stderr is a terminal, ``True`` always,
        ``False`` never
    :returns: a graph on the filled store
    :raises InputError: if a file cannot be read (naming the file and line)
    :raises StoreError: if the store cannot be opened, or another load is filling it ("in use")

    >>> len(load_into_store("oxigraph-memory", progress=False)) == len(load_curated())
    True
    """
    files: list[GraphSource] = [*ontology_files(), *data_files()] if curated else []
    files.extend(sources)
    kind, _, rest = descriptor.partition(":")
    if kind == "sparql" and rest:
        endpoint = Endpoint.parse(rest)
        target = endpoint.graph or DEFAULT_GRAPH
        push(load(*files), endpoint, graph_iri=target, timeout=timeout or PUSH_TIMEOUT)
        return open_graph(endpoint.reading(target).descriptor(), timeout=timeout or DEFAULT_TIMEOUT)
    if not (descriptor in _IN_MEMORY - {"memory"} or kind == "oxigraph"):
        return load(*files, into=open_graph(descriptor))
    ox = _oxigraph(descriptor)
    if descriptor in _IN_MEMORY:  # a new store is nobody's until it is returned
        graph = open_graph(descriptor)
        for source in progress_bar(files, label="loading", enabled=progress):
            _stage(ox, oxigraph_store(graph), source, sliced=False)
        return graph
    path = Path(rest)
    with _writing(path):
        _check_target(path)
        # Check that every file parses first, streaming (nothing is held in memory, so a
        # 10M-triple file loads in little memory); then fill a new store beside the old one.
        for source in progress_bar(files, label="checking", enabled=progress):
            _check(ox, source)
        _replace(ox, path, files, progress=progress)
    return read_store(descriptor)  # read-only: holds no lock, writes nothing


def _oxigraph(descriptor: str) -> Any:
    """Import pyoxigraph, or say how to install it."""
    try:
        import oxrdflib  # noqa: F401 - registers the "Oxigraph" rdflib store
        import pyoxigraph
    except ImportError as error:
        raise StoreError(
            f"{descriptor}: Oxigraph stores need pyoxigraph and oxrdflib: "
            "pip install 'als-kg[oxigraph]'"
        ) from error
    return pyoxigraph


def _open_oxigraph(path: Path, *, create: bool, read_only: bool = False) -> Any:
    """Open (or create) the pyoxigraph store in a folder, explaining why it cannot be."""
    ox = _oxigraph(f"oxigraph:{path}")
    _check_target(path)
    if not (path / "CURRENT").is_file() and not create:
        raise StoreError(
            f"{path}: no Oxigraph store here; fill one first with: kg load --store oxigraph:{path}"
        )
    key = str(path.resolve())
    if key in _OPEN_STORES:  # a read-write handle reads too
        return _OPEN_STORES[key][0]
    try:
        if read_only:
            return _open_read_only(ox, path)
        path.mkdir(parents=True, exist_ok=True)
        lock = _lock(path)
        try:
            store = ox.Store(str(path))
        except BaseException:
            os.close(lock)
            raise
        _OPEN_STORES[key] = (store, lock)
        return store
    except (OSError, RuntimeError) as error:  # RocksDB reports corruption as RuntimeError
        message = str(error)
        if "lock" in message.lower():
            raise StoreError(
                f"{path}: the Oxigraph store is in use: another process (a running kg serve "
                "or kg load?) has it open for writing"
            ) from error
        raise StoreError(f"{path}: cannot open the Oxigraph store: {message}") from error


def _open_read_only(ox: Any, path: Path, *, attempts: int = 5) -> Any:
    """Open a store read-only, again if a load swapped a new store in while it was opening.

    RocksDB opens a store's files one by one by name, so a swap in the middle can pair the
    old store's manifest with the new store's tables (it then reports corruption). The
    folder's inode tells a swap apart from a store that is really damaged.
    """
    for _ in range(attempts - 1):
        before = path.stat().st_ino
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError):
            if path.exists() and path.stat().st_ino == before:
                raise  # not swapped: the store itself is unreadable
    return ox.Store.read_only(str(path))


def _check_target(path: Path) -> None:
    """Refuse a PATH that cannot hold an Oxigraph store: empty, a file, another folder."""
    if not str(path):
        raise StoreError("oxigraph:PATH needs a folder (use oxigraph-memory for a store in memory)")
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: is a file, not the folder of an Oxigraph store")
    if path.is_dir() and not (path / "CURRENT").is_file() and any(path.iterdir()):
        raise StoreError(f"{path}: the folder is not empty and holds no Oxigraph store")
    if path.is_dir() and not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise StoreError(f"{path}: cannot open the Oxigraph store: permission denied")


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Hold the lock that lets one load at a time fill PATH; fail at once if it is taken."""
    if str(path.resolve()) in _OPEN_STORES:
        raise StoreError(
            f"{path}: the Oxigraph store is open for writing in this process (open_graph); "
            "a load would swap it away and lose that graph's writes: load it first"
        )
    handle = _lock(path)
    try:
        yield
    finally:
        os.close(handle)  # releases the lock


def _lock(path: Path) -> int:
    """Take the lock beside PATH (``.NAME.kg-lock``) that a load and a writer each hold.

    A load fills a new store and swaps it in, so it must not run while a graph is open for
    writing on the old one: its writes would go to the store the swap throws away.
    """
    lock_file = path.parent / f".{path.name}.kg-lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StoreError(f"{path}: cannot lock the Oxigraph store: {error.strerror}") from error
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(handle)
        raise StoreError(
            f"{path}: the Oxigraph store is in use: a kg load is filling it, or another "
            "process has it open for writing (open_graph); try again when it has finished"
        ) from error
    return handle


def _replace(ox: Any, path: Path, files: list[GraphSource], *, progress: bool | None) -> None:
    """Fill a new store beside PATH, then swap it in at once; the old one is removed."""
    for stale in path.parent.glob(f".{path.name}.kg-new-*"):  # a killed load's, ours to drop
        shutil.rmtree(stale, ignore_errors=True)
    staging = path.parent / f".{path.name}.kg-new-{uuid.uuid4().hex}"
    try:
        store = ox.Store(str(staging))
        for source in progress_bar(files, label="loading", enabled=progress):
            _stage(ox, store, source, sliced=True)
        store.flush()
        del store  # closes it: the swapped-in folder must not be open for writing here
        _swap(staging, path)  # no handle of this process is open on PATH (see _writing)
    except OSError as error:
        raise StoreError(f"oxigraph:{path}: cannot write to the Oxigraph store: {error}") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the old store, or the unfinished new one


def _swap(staging: Path, path: Path) -> None:
    """Put the store in ``staging`` at ``path`` at once; ``staging`` then holds what was there."""
    if not path.exists():
        staging.rename(path)
        return
    if path.is_dir() and not any(path.iterdir()):
        path.rmdir()
        staging.rename(path)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    exchange = getattr(libc, "renameat2", None)
    if exchange is not None:
        done = exchange(_AT_FDCWD, bytes(staging), _AT_FDCWD, bytes(path), _RENAME_EXCHANGE)
        if done == 0:
            return
    # No atomic exchange (not Linux): two renames, with a moment where PATH is missing.
    aside = staging.with_name(staging.name + "-old")
    path.rename(aside)
    staging.rename(path)
    aside.rename(staging)


def bulk_load(store: Any, source: GraphSource) -> None:
    """Bulk-load a file, a folder of Turtle files or an rdflib graph into a pyoxigraph store.

    Files go through Oxigraph's own parser; a file it cannot read is re-read with
    :func:`kg.graph.io.read_graph`, so the error names the file and the line.

    :param store: a :class:`pyoxigraph.Store`
    :param source: a path, a folder or an rdflib graph
    :raises InputError: if a file is missing, empty, not RDF or malformed

    >>> import pyoxigraph
    >>> from rdflib import Graph
    >>> store = pyoxigraph.Store()
    >>> bulk_load(store, Graph().parse(data="<urn:a> <urn:p> 1 .", format="turtle"))
    >>> len(store)
    1
    """
    import pyoxigraph

    _stage(pyoxigraph, store, source, sliced=False)


def _check(ox: Any, source: GraphSource) -> None:
    """Parse a source without keeping it, raising kg.graph.io's errors for a bad file."""
    _feed(ox, source, into=None)


def _stage(ox: Any, staged: Any, source: GraphSource, *, sliced: bool) -> None:
    """Bulk-load one source into a store, with kg.graph.io's errors for bad files."""
    _feed(ox, source, into=staged, sliced=sliced)


def _feed(ox: Any, source: GraphSource, *, into: Any | None, sliced: bool = False) -> None:
    """Run a source through Oxigraph's parser: into a store, or (``into=None``) only to check.

    Folders give their ``*.ttl`` files; formats Oxigraph does not read, empty and missing
    files go through :func:`kg.graph.io.read_graph`, whose errors name the file and the line.
    """
    if isinstance(source, Graph):
        if into is not None:
            data = source.serialize(format="nt", encoding="utf-8")
            into.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
        return
    path = Path(source)
    if path.is_dir():
        found = sorted_files(path, "*.ttl", recursive=True)
        if not found:
            raise InputError(path, "folder holds no *.ttl file")
        for file in found:
            _feed(ox, file, into=into, sliced=sliced)
        return
    rdf_format = guess_format(path)
    if rdf_format not in OXIGRAPH_FORMATS or not path.is_file() or path.stat().st_size == 0:
        _feed(ox, read_graph(path, format=rdf_format), into=into)  # named graphs, errors
        return
    _feed_file(ox, path, rdf_format, into=into, sliced=sliced)


def _feed_file(ox: Any, path: Path, rdf_format: str, *, into: Any | None, sliced: bool) -> None:
    """Run one file Oxigraph reads through its parser (see :func:`_feed`)."""
    ox_format = getattr(ox.RdfFormat, OXIGRAPH_FORMATS[rdf_format])
    base = path.resolve().as_uri()
    try:
        if into is None:  # streams: nothing is kept
            for _quad in ox.parse(path=str(path), format=ox_format, base_iri=base):
                pass
        elif sliced and rdf_format == "nt":  # one triple a line: slices bound the memory
            with path.open("rb") as lines:
                while chunk := b"".join(itertools.islice(lines, _BULK_LINES)):
                    into.bulk_load(chunk, format=ox_format)
        else:
            into.bulk_load(path=str(path), format=ox_format, base_iri=base)
    except (SyntaxError, OSError, ValueError) as error:
        raise oxigraph_read_error(path, rdf_format, error) from error
