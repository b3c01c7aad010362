"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a graph, with a page to query it.

=========================  ===============================================================
path                       what it answers
=========================  ===============================================================
``/``                      the web page: write and run SPARQL, run the stored queries
``/sparql``                SPARQL 1.1 Protocol queries (GET ``?query=``, POST form or
                           ``application/sparql-query``); updates are refused with 403
``/queries``               the stored queries, their parameters and columns, as JSON
``/queries/NAME?p=v``      one stored query run with its parameters
=========================  ===============================================================

SELECT and ASK results are SPARQL JSON (or XML or CSV, by ``Accept`` or ``format=``);
CONSTRUCT and DESCRIBE give Turtle (or N-Triples or JSON-LD). Each query runs in a forked
process that is killed at the time limit (see :mod:`kg.timelimit`), answering 503.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.query import Result

from kg.endpoints import EndpointError
from kg.errors import KgError
from kg.queries import QueryRegistry, StoredQuery, UnknownQueryError, default_registry
from kg.sparql import run_query, sparql
from kg.timelimit import TimeLimitError, call_with_time_limit

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_TIME_LIMIT",
    "SparqlServer",
    "make_server",
    "query_catalogue",
]

#: The port ``kg serve`` listens on when none is given.
DEFAULT_PORT = 8000
#: Seconds a query may run before it is stopped.
DEFAULT_TIME_LIMIT = 30.0

#: (status, content type, body): what a worker sends back for one request.
Answer = tuple[int, str, bytes]

_RESULT_FORMATS = {  # rdflib result serializer by media type, for SELECT and ASK
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
}
_GRAPH_FORMATS = {  # rdflib graph serializer by media type, for CONSTRUCT and DESCRIBE
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
_FORMAT_ALIASES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
_STATIC = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
_READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"


class SparqlServer(ThreadingHTTPServer):
    """A threaded HTTP server that holds the graph, the stored queries and the time limit."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        graph: Graph,
        *,
        registry: QueryRegistry,
        time_limit: float,
    ) -> None:
        """Listen on ``address`` and answer queries on ``graph``."""
        super().__init__(address, _Handler)
        self.graph = graph
        self.registry = registry
        self.time_limit = time_limit

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
) -> SparqlServer:
    """Make (but do not start) a SPARQL endpoint over a graph; call ``serve_forever()`` on it.

    :param graph: the graph to query
    :param host: the address to listen on; the default takes connections from this machine only
    :param port: the port; 0 picks a free one
    :param time_limit: seconds a query may run before it is stopped
    :param registry: the stored queries offered; the bundled ones by default
    :returns: the server, bound and listening
    :raises KgError: if the port is taken or the address cannot be used

    >>> server = make_server(Graph(), port=0)
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.server_close()
    """
    if time_limit <= 0:
        raise KgError(f"the time limit must be more than 0 seconds, not {time_limit:g}")
    try:
        return SparqlServer(
            (host, port),
            graph,
            registry=registry if registry is not None else default_registry(),
            time_limit=time_limit,
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

    def do_GET(self) -> None:
        """Answer the page, its files, the catalogue, stored queries and SPARQL queries."""
        url = urlsplit(self.path)
        fields = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = unquote(url.path)
        if path in ("/", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/") and path[len("/static/") :] in _STATIC:
            self._static(path[len("/static/") :])
        elif path == "/queries":
            body = json.dumps(query_catalogue(self.server.registry), indent=1).encode()
            self._send(HTTPStatus.OK, "application/json", body)
        elif path.startswith("/queries/"):
            accept = _accept(self.headers.get("Accept"), fields.pop("format", None))
            self._run(_answer_stored, path[len("/queries/") :], fields, accept)
        elif path == "/sparql":
            self._sparql(fields.get("query"), fields.get("format"))
        else:
            self._text(HTTPStatus.NOT_FOUND, f"nothing at {path}; try / or /sparql")

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
        if _is_update(text):
            self._text(HTTPStatus.FORBIDDEN, _READ_ONLY)
            return
        self._run(_answer_sparql, text, _accept(self.headers.get("Accept"), fmt))

    def _run(self, worker: Any, *args: Any) -> None:
        try:
            status, content_type, body = call_with_time_limit(
                worker,
                self.server.graph,
                self.server.registry,
                *args,
                seconds=self.server.time_limit,
            )
        except TimeLimitError:
            limit = self.server.time_limit
            self._text(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the query was stopped after {limit:g} s, this endpoint's time limit "
                "(kg serve --timeout); make it more selective or raise the limit",
            )
            return
        except KgError as error:
            self._text(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {error}")
            return
        self._send(status, content_type, body)

    def _static(self, name: str) -> None:
        body = (files("kg") / "web" / name).read_bytes()
        self._send(HTTPStatus.OK, _STATIC[name], body)

    def _text(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)


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


def _accept(header: str | None, fmt: str | None) -> list[str]:
    """List the media types the client wants, best first (``format=`` wins over ``Accept``)."""
    if fmt:
        return [_FORMAT_ALIASES.get(fmt, fmt)]
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        media, *params = (item.strip() for item in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(ranked) if media]


def _answer_sparql(graph: Graph, registry: QueryRegistry, text: str, accept: list[str]) -> Answer:
    """In the worker: run SPARQL text and serialize the result."""
    return _answer(lambda: sparql(graph, text), accept)


def _answer_stored(
    graph: Graph,
    registry: QueryRegistry,
    name: str,
    params: Mapping[str, str],
    accept: list[str],
) -> Answer:
    """In the worker: run a stored query with its parameters and serialize the result."""
    return _answer(lambda: run_query(graph, name, params, registry=registry), accept)


def _answer(run: Any, accept: list[str]) -> Answer:
    try:
        result: Result = run()
        return _serialize(result, accept)
    except UnknownQueryError as error:
        return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", f"{error}\n".encode()
    except EndpointError as error:
        return HTTPStatus.BAD_GATEWAY, "text/plain; charset=utf-8", f"{error}\n".encode()
    except KgError as error:
        return HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", f"{error}\n".encode()


def _serialize(result: Result, accept: list[str]) -> Answer:
    if result.type in ("SELECT", "ASK"):
        media = next((m for m in accept if m in _RESULT_FORMATS), "application/sparql-results+json")
        body = result.serialize(format=_RESULT_FORMATS[media], encoding="utf-8")
        return HTTPStatus.OK, f"{media}; charset=utf-8", body or b""
    media = next((m for m in accept if m in _GRAPH_FORMATS), "text/turtle")
    graph = result.graph if result.graph is not None else Graph()
    body = graph.serialize(format=_GRAPH_FORMATS[media], encoding="utf-8")
    return HTTPStatus.OK, f"{media}; charset=utf-8", body
