"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a graph, with a page to query it.

=========================  ===============================================================
path                       what it answers
=========================  ===============================================================
``/``                      the web page: write and run SPARQL, run the stored queries;
                           ``/#query=NAME`` is a stored query's permalink
``/sparql``                SPARQL 1.1 Protocol queries (GET ``?query=``, POST form or
                           ``application/sparql-query``); updates are refused with 403;
                           without a query, the SPARQL service description (and the
                           dataset's VoID/DCAT description)
``/queries``               the stored queries, their parameters and columns, as JSON; as
                           RDF (SIB's sparql-examples shape) to a client asking for RDF
``/queries/NAME?p=v``      one stored query run with its parameters
``/resource/X``            the graph's IRI ``https://w3id.org/als-kg/resource/X``: an HTML
                           page to a browser, Turtle, JSON-LD, N-Triples or RDF/XML to a
                           client that asks for it
=========================  ===============================================================

SELECT and ASK results are SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE give Turtle,
N-Triples, RDF/XML or JSON-LD, chosen by ``Accept`` (or ``format=``); a request for anything
else is answered 406 with the types on offer. Every answer allows cross-origin use (CORS),
and OPTIONS answers a browser's preflight.

How it serves: pre-forked workers. Once the graph is loaded, :meth:`SparqlServer.serve_forever`
forks ``workers`` processes (``kg serve --workers``; by default twice the cores, at least 4)
that share the listening socket and the loaded graph (copy-on-write: the fork copies
nothing). Each worker answers one request at a time, whole, in its own process, so requests
run in parallel on every core with no per-request fork and no hand-over between processes.
On a graph on an Oxigraph store, a SELECT or ASK sent to ``/sparql`` goes straight to
pyoxigraph, which serializes the answer itself (no rdflib terms are made); other answers go
through rdflib as before. The time limit: a watchdog thread in each worker (pyoxigraph lets
go of Python's lock while it evaluates, and rdflib's engine yields it every few
milliseconds, so the watchdog runs on time) answers 503 to a request still running at the
limit and ends its worker, which stops the runaway query for good; the parent process sees
the worker gone and forks a fresh one from the loaded graph. A worker that dies any other
way is replaced too. Where ``fork`` does not exist (Windows), or with ``workers=0``, the
server is the former one: a thread per request, each query in a forked process killed at
the limit (see :mod:`kg.query.timelimit`; without fork, a thread abandoned at the limit).
Measured with ``benchmarks/serve.py`` (8 clients x 40 requests of the stored queries, beside
``oxigraph serve-read-only`` on the same store): see the README's ``kg serve`` section.

With ``publish=True`` (what ``kg serve`` does for an in-memory store), the dataset's
description (:mod:`kg.publish.dataset`) and the stored queries as RDF
(:mod:`kg.query.catalogue`) are added to the graph served, so a client finds them by SPARQL:
``SELECT ?q WHERE { ?q a sh:SPARQLExecutable }``.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.query import Result

from kg.errors import KgError
from kg.graph.endpoints import EndpointError
from kg.graph.oxigraph import oxigraph_store, query_store
from kg.namespaces import KGR, bind_prefixes
from kg.publish.dataset import DATASET, describe_dataset
from kg.query.catalogue import queries_graph
from kg.query.registry import QueryRegistry, StoredQuery, UnknownQueryError, default_registry
from kg.query.sparql import graph_result, run_query, sparql
from kg.query.timelimit import TimeLimitError, call_with_time_limit

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "SparqlServer",
    "make_server",
    "negotiate",
    "query_catalogue",
    "resource_page",
]

#: The port ``kg serve`` listens on when none is given.
DEFAULT_PORT = 8000
#: Seconds a query may run before it is stopped.
DEFAULT_TIME_LIMIT = 30.0
#: Worker processes ``kg serve`` forks: twice the cores (a worker answers one request at a
#: time, and part of each request is waiting on the network), at least 4.
DEFAULT_WORKERS = max(4, 2 * (os.cpu_count() or 1))
#: A worker's exit status when its watchdog ended it at the time limit.
_TIMED_OUT = 75

#: (status, content type, body): what a worker sends back for one request.
Answer = tuple[int, str, bytes]

_RESULT_FORMATS = {  # serializer by media type, for SELECT and ASK (the first is the default)
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_FORMATS = {  # rdflib serializer by media type, for CONSTRUCT and DESCRIBE
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_FORMAT_ALIASES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "html": "text/html",
}
#: What a resource's IRI gives, by preference when the client takes any of them.
_RESOURCE_FORMATS = ("text/turtle", "text/html", *list(_GRAPH_FORMATS)[1:])
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
_SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_FORMATS = Namespace("http://www.w3.org/ns/formats/")
_SD_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)
_STATIC = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
_READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"


class SparqlServer(ThreadingHTTPServer):
    """An HTTP server that holds the graph, the stored queries and the time limit.

    :meth:`serve_forever` forks the workers and replaces each one that ends; with no
    workers (or no ``fork``), it serves from threads of this process instead.
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        graph: Graph,
        *,
        registry: QueryRegistry,
        time_limit: float,
        publish: bool = False,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        """Listen on ``address`` and answer queries on ``graph``.

        The dataset's description is made now, from the graph, with this endpoint's address;
        with ``publish``, it and the stored queries as RDF are added to the graph.
        """
        super().__init__(address, _Handler)
        self.graph = graph
        self.registry = registry
        self.time_limit = time_limit
        endpoint = f"{self.url}sparql"
        self.description = describe_dataset(graph, endpoint=endpoint)
        self.catalogue = queries_graph(registry, endpoint=endpoint)
        if publish:
            for extra in (self.description, self.catalogue):
                for triple in extra:
                    graph.add(triple)
        self.service = _service_description(endpoint, self.description)
        self.workers = workers if hasattr(os, "fork") else 0
        #: pyoxigraph's store under the graph (SELECT and ASK go to it directly), or None
        self.oxigraph: Any = oxigraph_store(graph)
        self.prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
        #: process ids of the running workers
        self.children: set[int] = set()
        #: how many workers were replaced since the server started
        self.replaced = 0
        self._watchdog: _Watchdog | None = None  # in a worker: its own
        self._stopping = threading.Event()
        self._stopped = threading.Event()

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Fork the workers, replace each that ends, until :meth:`shutdown` (or Ctrl+C)."""
        if not self.workers:
            super().serve_forever(poll_interval)
            return
        self._stopped.clear()
        gc.collect()
        gc.freeze()  # the collector leaves the loaded graph's objects alone: they stay shared
        try:
            while not self._stopping.is_set():
                for pid in list(self.children):
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        self.children.discard(pid)
                        self.replaced += 1
                        code = os.waitstatus_to_exitcode(status)
                        why = "a query ran past the time limit" if code == _TIMED_OUT else code
                        _log(f"kg serve: worker {pid} ended ({why}); starting another")
                while len(self.children) < self.workers:
                    self.children.add(self._fork())
                self._stopping.wait(0.05)
        finally:
            self._stop_children()
            self._stopping.clear()
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (from another thread) and wait until the workers ended."""
        if not self.workers:
            super().shutdown()
            return
        self._stopping.set()
        self._stopped.wait()

    def _stop_children(self) -> None:
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in self.children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children.clear()

    def _fork(self) -> int:
        """Start a worker; in the child, answer requests until killed, never return."""
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            return pid
        try:  # the child: whatever happens, it must not return into the parent's code
            self._work()
        finally:
            os._exit(1)

    def _work(self) -> None:
        """In a worker: accept connections one at a time and answer them, under the watchdog."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _end_with_parent()
        self._watchdog = _Watchdog(self.time_limit)
        while True:
            try:
                request, address = self.socket.accept()
            except OSError:
                continue
            try:
                self.finish_request(request, address)
            except Exception:  # a broken request must not end the worker
                self.handle_error(request, address)
            finally:
                self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a client that hung up or went quiet; report anything else, as http.server does."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        """The server's base address, such as ``http://127.0.0.1:8000/``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


def make_server(
    graph: Graph,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    time_limit: float = DEFAULT_TIME_LIMIT,
    registry: QueryRegistry | None = None,
    publish: bool = False,
    workers: int = DEFAULT_WORKERS,
) -> SparqlServer:
    """Make (but do not start) a SPARQL endpoint over a graph; call ``serve_forever()`` on it.

    :param graph: the graph to query
    :param host: the address to listen on; the default takes connections from this machine only
    :param port: the port; 0 picks a free one
    :param time_limit: seconds a query may run before it is stopped
    :param registry: the stored queries offered; the bundled ones by default
    :param publish: add the dataset's description and the stored queries (as RDF) to
        ``graph``, so that SPARQL finds them (the graph is changed)
    :param workers: worker processes to fork (see the module's text); 0 serves from
        threads of this process, each query in a process forked for it
    :returns: the server, bound and listening
    :raises KgError: if the port is taken or the address cannot be used

    >>> server = make_server(Graph(), port=0)
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.server_close()
    """
    if time_limit <= 0:
        raise KgError(f"the time limit must be more than 0 seconds, not {time_limit:g}")
    if workers < 0:
        raise KgError(f"the number of workers must be 0 or more, not {workers}")
    try:
        return SparqlServer(
            (host, port),
            graph,
            registry=registry if registry is not None else default_registry(),
            time_limit=time_limit,
            publish=publish,
            workers=workers,
        )
    except OSError as error:
        raise KgError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error


def query_catalogue(registry: QueryRegistry) -> list[dict[str, Any]]:
    """Describe the stored queries as JSON-ready dicts: name, title, parameters, columns, text.

    >>> catalogue = query_catalogue(default_registry())
    >>> [q for q in catalogue if q["name"] == "trial-results"][0]["params"][0]["name"]
    'trial'
    """
    return [_describe(query) for query in registry.values()]


def _describe(query: StoredQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "form": query.form,
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "description": p.description,
                "example": p.example,
                "required": p.required,
                "default": p.default,
            }
            for p in query.params
        ],
        "columns": [{"name": name, "description": text} for name, text in query.columns],
        "text": query.text,
    }


class _Handler(BaseHTTPRequestHandler):
    """Routes requests; every query runs in a worker under the server's time limit."""

    server: SparqlServer
    server_version = "kg-serve"
    #: Seconds a client may stay silent while sending its request or reading the answer: a
    #: worker answers one connection at a time, so an idle one must not hold it for long.
    timeout = 10

    def do_GET(self) -> None:
        """Answer the page, its files, the catalogue, stored queries, resources and SPARQL."""
        url = urlsplit(self.path)
        fields = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = unquote(url.path)
        if path in ("/", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/") and path[len("/static/") :] in _STATIC:
            self._static(path[len("/static/") :])
        elif path == "/queries":
            self._catalogue(fields.get("format"))
        elif path.startswith("/queries/"):
            accept = _accept(self.headers.get("Accept"), fields.pop("format", None))
            self._run(_answer_stored, path[len("/queries/") :], fields, accept)
        elif path == "/sparql" and "query" not in fields:
            self._graph(self.server.service, fields.get("format"))
        elif path == "/sparql":
            self._sparql(fields.get("query"), fields.get("format"))
        elif path.startswith("/resource/") and len(path) > len("/resource/"):
            self._resource(path[len("/resource/") :], fields.get("format"))
        else:
            self._text(HTTPStatus.NOT_FOUND, f"nothing at {path}; try / or /sparql")

    def do_OPTIONS(self) -> None:
        """Answer a browser's CORS preflight: GET, POST and OPTIONS are allowed from anywhere."""
        self.send_response(HTTPStatus.NO_CONTENT)
        for header, value in _CORS.items():
            self.send_header(header, value)
        self.send_header("Allow", "GET, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        """Answer SPARQL queries sent as a form or as ``application/sparql-query``."""
        if urlsplit(self.path).path != "/sparql":
            self._text(HTTPStatus.NOT_FOUND, "POST queries to /sparql")
            return
        length = _content_length(self.headers.get("Content-Length"))
        if length is None:  # int() raised, or a negative length read until the client hung up
            self._text(HTTPStatus.BAD_REQUEST, "Content-Length must be a number of bytes")
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        kind = self.headers.get_content_type()
        query_string = parse_qs(urlsplit(self.path).query)
        fmt = query_string.get("format", [None])[-1]
        if kind == "application/sparql-update":
            self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)
        elif kind == "application/sparql-query":
            self._sparql(body, fmt)
        elif kind == "application/x-www-form-urlencoded":
            form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
            if "update" in form:
                self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)
            else:
                self._sparql(form.get("query"), form.get("format", fmt))
        else:
            self._text(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"send the query as application/sparql-query or a form, not {kind}",
            )

    def do_PUT(self) -> None:
        """Refuse: the endpoint is read-only (no Graph Store protocol)."""
        self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)

    do_DELETE = do_PUT  # noqa: N815
    do_PATCH = do_PUT  # noqa: N815

    def _sparql(self, text: str | None, fmt: str | None) -> None:
        if not text or not text.strip():
            self._text(HTTPStatus.BAD_REQUEST, "give a SPARQL query as ?query=... (see /)")
            return
        if self.server.oxigraph is not None and self.server._watchdog is not None:
            # Straight to pyoxigraph; an update fails to parse as a query, and is told there.
            self._run(_answer_oxigraph, self.server, text, _accept(self.headers.get("Accept"), fmt))
            return
        if _is_update(text):
            self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)
            return
        self._run(_answer_sparql, text, _accept(self.headers.get("Accept"), fmt))

    def _catalogue(self, fmt: str | None) -> None:
        """Send the stored queries: JSON for the page and scripts, RDF to a client asking."""
        accept = _accept(self.headers.get("Accept"), fmt)
        media = negotiate(accept, ("application/json", *_GRAPH_FORMATS))
        if media == "application/json":
            body = json.dumps(query_catalogue(self.server.registry), indent=1).encode()
            self._send(HTTPStatus.OK, "application/json", body)
        else:
            self._graph(self.server.catalogue, fmt)

    def _graph(self, graph: Graph, fmt: str | None) -> None:
        """Send a small graph the server holds (no query runs) in the format asked for."""
        accept = _accept(self.headers.get("Accept"), fmt)
        media = negotiate(accept, tuple(_GRAPH_FORMATS))
        if media is None:
            self._send(*_not_acceptable(accept, tuple(_GRAPH_FORMATS)))
            return
        body = graph.serialize(format=_GRAPH_FORMATS[media], encoding="utf-8")
        self._send(HTTPStatus.OK, f"{media}; charset=utf-8", body)

    def _resource(self, local: str, fmt: str | None) -> None:
        accept = _accept(self.headers.get("Accept"), fmt)
        if negotiate(accept, _RESOURCE_FORMATS) is None:
            self._send(*_not_acceptable(accept, _RESOURCE_FORMATS))
            return
        self._run(_answer_resource, str(KGR) + local, accept)

    def _run(self, worker: Any, *args: Any) -> None:
        """Run a worker function under the time limit and send its answer.

        ``worker(graph, registry, *args)``, or ``worker(*args)`` for :func:`_answer_oxigraph`.
        """
        watchdog = self.server._watchdog
        if watchdog is not None:  # in a worker: run here; the watchdog ends us at the limit
            direct = worker is _answer_oxigraph
            watchdog.arm(self.connection)
            try:
                if direct:
                    status, content_type, body = worker(*args)
                else:
                    status, content_type, body = worker(
                        self.server.graph, self.server.registry, *args
                    )
            except Exception as error:  # the client is told; the worker goes on
                status, content_type, body = _plain(
                    HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {error}"
                )
            finally:
                watchdog.disarm()  # past the limit, this never returns: the worker ends
            self._send(status, content_type, body)
            return
        try:
            status, content_type, body = call_with_time_limit(
                worker,
                self.server.graph,
                self.server.registry,
                *args,
                seconds=self.server.time_limit,
            )
        except TimeLimitError:
            self._send(*_stopped(self.server.time_limit))
            return
        except KgError as error:
            self._text(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {error}")
            return
        self._send(status, content_type, body)

    def _static(self, name: str) -> None:
        body = (files("kg.publish") / "web" / name).read_bytes()
        self._send(HTTPStatus.OK, _STATIC[name], body)

    def _text(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        for header, value in _headers(content_type, body):
            self.send_header(header, value)
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log no line per request (at a thousand requests a second it costs); errors still are."""


def _headers(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """List the headers of every answer: type, length, no caching, no sniffing, CORS."""
    return [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Vary", "Accept"),
        *_CORS.items(),
    ]


def _plain(status: int, message: str) -> Answer:
    r"""Make a plain-text answer.

    >>> _plain(404, "no")
    (404, 'text/plain; charset=utf-8', b'no\n')
    """
    return status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")


def _stopped(limit: float) -> Answer:
    """Make the answer to a query stopped at the time limit (503)."""
    return _plain(
        HTTPStatus.SERVICE_UNAVAILABLE,
        f"the query was stopped after {limit:g} s, this endpoint's time limit "
        "(kg serve --timeout); make it more selective or raise the limit",
    )


class _Watchdog:
    """In a worker: answer 503 to a request still running at the time limit, and end the worker.

    A thread cannot be stopped, and neither can a query inside pyoxigraph, so the process
    that runs it ends (the parent forks a fresh worker). The watchdog thread gets Python's
    lock while the query runs: pyoxigraph releases it while it evaluates, rdflib's engine
    yields it every few milliseconds.
    """

    def __init__(self, seconds: float) -> None:
        """Start the watchdog thread; it sleeps until a request is armed."""
        self.seconds = seconds
        status, content_type, body = _stopped(seconds)
        head = "".join(f"{name}: {value}\r\n" for name, value in _headers(content_type, body))
        self._answer = (
            f"HTTP/1.0 {status} Service Unavailable\r\n{head}Connection: close\r\n\r\n"
        ).encode("latin-1") + body
        self._condition = threading.Condition()
        self._deadline: float | None = None
        self._connection: socket.socket | None = None
        threading.Thread(target=self._watch, name="kg-serve-watchdog", daemon=True).start()

    def arm(self, connection: socket.socket) -> None:
        """Watch the request that starts running on ``connection``."""
        with self._condition:
            self._deadline = time.monotonic() + self.seconds
            self._connection = connection
            self._condition.notify()

    def disarm(self) -> None:
        """Stop watching: the work is done (past the limit, this waits for the end)."""
        with self._condition:
            self._deadline = None
            self._connection = None

    def _watch(self) -> None:
        with self._condition:
            while True:
                if self._deadline is None:
                    self._condition.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._condition.wait(remaining)
                    continue
                if self._connection is not None:
                    with contextlib.suppress(OSError):
                        self._connection.sendall(self._answer)
                        self._connection.shutdown(socket.SHUT_RDWR)
                os._exit(_TIMED_OUT)  # the runaway query ends with its process


def _end_with_parent() -> None:
    """Ask Linux to end this worker when the process that forked it ends (no orphans)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # noqa: T201 - the server's own log


def _content_length(value: str | None) -> int | None:
    """Read a ``Content-Length`` header; None if it is not a number of bytes.

    >>> _content_length("12"), _content_length(None), _content_length("-1"), _content_length("x")
    (12, 0, None, None)
    """
    try:
        length = int(value or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


def _is_update(text: str) -> bool:
    """Whether the text is a SPARQL update (and not a query)."""
    try:
        parseQuery(text)
    except Exception:
        try:
            parseUpdate(text)
        except Exception:
            return False
        return True
    return False


def _accept(header: str | None, fmt: str | None) -> list[tuple[str, float]]:
    """List the media types the client takes with their quality (``format=`` wins)."""
    if fmt:
        return [(_FORMAT_ALIASES.get(fmt, fmt), 1.0)]
    ranges = []
    for part in (header or "*/*").split(","):
        media, *params = (item.strip() for item in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges or [("*/*", 1.0)]


def negotiate(accept: list[tuple[str, float]], offers: tuple[str, ...]) -> str | None:
    """Pick the offer the client prefers, or None if it takes none of them (HTTP 406).

    Each offer gets the quality of the most specific range that matches it (``text/csv``
    before ``text/*`` before ``*/*``); the best quality wins, then the order of ``offers``.

    >>> negotiate([("text/*", 0.5), ("text/csv", 1.0)], ("text/turtle", "text/csv"))
    'text/csv'
    >>> negotiate([("*/*", 0.8), ("text/html", 1.0)], ("text/turtle", "text/html"))
    'text/html'
    >>> negotiate([("image/png", 1.0)], ("text/turtle",)) is None
    True
    """
    best: tuple[float, int, str] | None = None
    for position, offer in enumerate(offers):
        kind = offer.split("/")[0]
        matches = [
            (specificity, quality)
            for media, quality in accept
            for specificity in [
                2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
            ]
            if specificity >= 0
        ]
        if not matches:
            continue
        quality = max(matches)[1]
        if quality > 0 and (best is None or (quality, -position) > (best[0], -best[1])):
            best = (quality, position, offer)
    return None if best is None else best[2]


def _not_acceptable(accept: list[tuple[str, float]], offers: tuple[str, ...]) -> Answer:
    asked = ", ".join(media for media, _ in accept)
    message = f"cannot answer in {asked}; this answer comes as: {', '.join(offers)}\n"
    return HTTPStatus.NOT_ACCEPTABLE, "text/plain; charset=utf-8", message.encode()


def _answer_sparql(
    graph: Graph, registry: QueryRegistry, text: str, accept: list[tuple[str, float]]
) -> Answer:
    """In the worker: run SPARQL text and serialize the result."""
    return _answer(lambda: sparql(graph, text), accept)


def _answer_oxigraph(server: SparqlServer, text: str, accept: list[tuple[str, float]]) -> Answer:
    """Run SPARQL text on the Oxigraph store; pyoxigraph serializes SELECT and ASK answers."""
    import pyoxigraph

    graph, store = server.graph, server.oxigraph
    try:
        answer = query_store(store, graph, text, prefixes=server.prefixes)
        if isinstance(answer, pyoxigraph.QueryTriples):
            return _serialize(graph_result(answer), accept)
        media = negotiate(accept, tuple(_RESULT_FORMATS))
        if media is None:
            return _not_acceptable(accept, tuple(_RESULT_FORMATS))
        name = _RESULT_FORMATS[media].upper()
        body = answer.serialize(format=getattr(pyoxigraph.QueryResultsFormat, name))
    except SyntaxError as error:
        if _is_update(text):
            return _plain(HTTPStatus.FORBIDDEN, _READ_ONLY)
        return _plain(HTTPStatus.BAD_REQUEST, f"the SPARQL query failed: {_first_line(error)}")
    except (OSError, RuntimeError, ValueError) as error:  # pyoxigraph's evaluation errors
        return _plain(HTTPStatus.BAD_REQUEST, f"the SPARQL query failed: {_first_line(error)}")
    return HTTPStatus.OK, f"{media}; charset=utf-8", body


def _first_line(error: BaseException) -> str:
    r"""Give an error's message's first line (or its kind).

    >>> _first_line(ValueError("one\ntwo")), _first_line(ValueError())
    ('one', 'ValueError')
    """
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _answer_stored(
    graph: Graph,
    registry: QueryRegistry,
    name: str,
    params: Mapping[str, str],
    accept: list[tuple[str, float]],
) -> Answer:
    """In the worker: run a stored query with its parameters and serialize the result."""
    return _answer(lambda: run_query(graph, name, params, registry=registry), accept)


def _answer_resource(
    graph: Graph, registry: QueryRegistry, iri: str, accept: list[tuple[str, float]]
) -> Answer:
    """In the worker: describe one of the graph's IRIs, as a page or as RDF."""
    described = sparql(graph, f"DESCRIBE <{iri}>").graph or Graph()
    if not len(described):
        return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", f"no resource <{iri}>\n".encode()
    media = negotiate(accept, _RESOURCE_FORMATS) or "text/turtle"
    bind_prefixes(described)
    if media == "text/html":
        labels = _labels(graph, {o for o in described.objects() if isinstance(o, URIRef)})
        return HTTPStatus.OK, "text/html; charset=utf-8", resource_page(iri, described, labels)
    body = described.serialize(format=_GRAPH_FORMATS[media], encoding="utf-8")
    return HTTPStatus.OK, f"{media}; charset=utf-8", body


def _labels(graph: Graph, nodes: set[URIRef]) -> dict[str, str]:
    if not nodes:
        return {}
    values = " ".join(f"<{node}>" for node in sorted(nodes))
    result = sparql(
        graph,
        "SELECT ?n (SAMPLE(?l) AS ?label) WHERE { VALUES ?n { "
        + values
        + " } ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?n",
    )
    return {str(row[0]): str(row[1]) for row in result}  # type: ignore[index]


def resource_page(iri: str, described: Graph, labels: Mapping[str, str]) -> bytes:
    """Render a resource's triples as a small HTML page, its links kept on this server.

    >>> from rdflib import Graph, Literal, RDFS
    >>> g = Graph()
    >>> _ = g.add((KGR.x, RDFS.label, Literal("X <b>")))
    >>> b"<h1>X &lt;b&gt;</h1>" in resource_page(str(KGR.x), g, {})
    True
    """
    subject = URIRef(iri)
    title = str(described.value(subject, RDFS.label) or iri)

    def show(node: Any) -> str:
        if isinstance(node, URIRef):
            text = labels.get(str(node)) or described.namespace_manager.normalizeUri(node)
            href = str(node)
            if href.startswith(str(KGR)):
                href = "/resource/" + href[len(str(KGR)) :]
            return f'<a href="{escape(href)}">{escape(text)}</a>'
        return escape(str(node))

    rows = "".join(
        f"<tr><th>{show(p)}</th><td>{show(o)}</td></tr>\n"
        for p, o in sorted(described.predicate_objects(subject))
    )
    local = escape(iri[len(str(KGR)) :] if iri.startswith(str(KGR)) else iri)
    return (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/style.css">'
        f'<link rel="alternate" type="text/turtle" href="/resource/{local}?format=turtle">'
        f'<link rel="alternate" type="application/ld+json" href="/resource/{local}?format=jsonld">'
        f"</head>\n<body>\n<h1>{escape(title)}</h1>\n<p><code>{escape(iri)}</code></p>\n"
        f'<table class="resource">\n{rows}</table>\n'
        f'<p>As <a href="/resource/{local}?format=turtle">Turtle</a> or '
        f'<a href="/resource/{local}?format=jsonld">JSON-LD</a>; '
        '<a href="/">query the graph</a>.</p>\n</body>\n</html>\n'
    ).encode()


def _answer(run: Any, accept: list[tuple[str, float]]) -> Answer:
    try:
        result: Result = run()
        return _serialize(result, accept)
    except UnknownQueryError as error:
        return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", f"{error}\n".encode()
    except EndpointError as error:
        return HTTPStatus.BAD_GATEWAY, "text/plain; charset=utf-8", f"{error}\n".encode()
    except KgError as error:
        return HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", f"{error}\n".encode()


def _serialize(result: Result, accept: list[tuple[str, float]]) -> Answer:
    if result.type in ("SELECT", "ASK"):
        media = negotiate(accept, tuple(_RESULT_FORMATS))
        if media is None:
            return _not_acceptable(accept, tuple(_RESULT_FORMATS))
        fmt = _RESULT_FORMATS[media]
        if fmt == "tsv":
            body = _tsv(result)
        elif fmt == "csv" and result.type == "ASK":
            body = b"true\n" if result.askAnswer else b"false\n"
        else:
            body = result.serialize(format=fmt, encoding="utf-8") or b""
        return HTTPStatus.OK, f"{media}; charset=utf-8", body
    media = negotiate(accept, tuple(_GRAPH_FORMATS))
    if media is None:
        return _not_acceptable(accept, tuple(_GRAPH_FORMATS))
    graph = result.graph if result.graph is not None else Graph()
    body = bind_prefixes(graph).serialize(format=_GRAPH_FORMATS[media], encoding="utf-8")
    return HTTPStatus.OK, f"{media}; charset=utf-8", body


def _tsv(result: Result) -> bytes:
    r"""SPARQL 1.1 TSV results: ``?name`` headers, terms in Turtle syntax.

    >>> from rdflib import Graph
    >>> g = Graph().parse(data='<urn:a> <urn:p> "x\ty" .', format="turtle")
    >>> _tsv(g.query("SELECT ?s ?o WHERE { ?s ?p ?o }")).decode()
    '?s\t?o\n<urn:a>\t"x\\ty"\n'
    """
    if result.type == "ASK":
        return b"true\n" if result.askAnswer else b"false\n"
    variables = list(result.vars or [])
    lines = ["\t".join(f"?{variable}" for variable in variables)]
    for binding in result.bindings:
        cells = []
        for variable in variables:
            term = binding.get(variable)
            cells.append("" if term is None else term.n3().replace("\t", "\\t"))
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _service_description(endpoint: str, description: Graph) -> Graph:
    """Describe the endpoint (SPARQL 1.1 Service Description), with the dataset's description."""
    graph = bind_prefixes(Graph())
    graph.bind("sd", _SD)
    graph.bind("formats", _FORMATS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, _SD.Service))
    graph.add((service, _SD.endpoint, service))
    graph.add((service, _SD.supportedLanguage, _SD.SPARQL11Query))
    for name in _SD_FORMATS:
        graph.add((service, _SD.resultFormat, _FORMATS[name]))
    graph.add((service, _SD.defaultDataset, DATASET))
    graph.add((DATASET, RDF.type, _SD.Dataset))
    default = BNode("default-graph")
    graph.add((DATASET, _SD.defaultGraph, default))
    graph.add((default, RDF.type, _SD.Graph))
    for triple in description:
        graph.add(triple)
    return graph
