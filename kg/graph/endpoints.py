"""Talking to SPARQL 1.1 endpoints over HTTP: their addresses, requests, and clear errors."""

from __future__ import annotations

import socket
from dataclasses import dataclass, replace
from io import BytesIO
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.query import Result
from rdflib.term import BNode

from kg.errors import KgError
from kg.graph import auth

__all__ = [
    "DEFAULT_TIMEOUT",
    "Endpoint",
    "EndpointError",
    "EndpointStore",
    "request",
]

#: Seconds to wait for an endpoint's answer before giving up.
DEFAULT_TIMEOUT = 60.0

_RESULT_TYPES = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


class EndpointError(KgError):
    """A SPARQL endpoint is unreachable, answered with an HTTP error, or took too long."""


@dataclass(frozen=True)
class Endpoint:
    """The addresses of one SPARQL server.

    :param query: the SPARQL 1.1 query endpoint
    :param update: the SPARQL 1.1 update endpoint, if the server takes updates
    :param store: the SPARQL 1.1 Graph Store HTTP protocol endpoint, if the server has one
    :param graph: the named graph that queries read (sent as ``default-graph-uri``); None for
        the server's default graph
    """

    query: str
    update: str | None = None
    store: str | None = None
    graph: str | None = None

    @classmethod
    def parse(cls, text: str) -> Endpoint:
        """Read an endpoint from ``QUERY_URL[,UPDATE_URL[,STORE_URL]]``.

        A lone URL without a path is an Oxigraph server (``/query``, ``/update``, ``/store``);
        a lone URL with a path takes both queries and updates (Virtuoso, QLever). A
        ``default-graph-uri`` parameter on the query URL names the graph that queries read.

        :param text: the URLs, separated by commas
        :returns: the endpoint
        :raises EndpointError: if a URL is not an absolute http(s) URL

        >>> Endpoint.parse("http://127.0.0.1:7878").store
        'http://127.0.0.1:7878/store'
        >>> e = Endpoint.parse("http://h/sparql?default-graph-uri=https://ex.org/g")
        >>> e.query, e.update, e.graph
        ('http://h/sparql', 'http://h/sparql', 'https://ex.org/g')
        """
        urls = [url.strip() for url in text.split(",")]
        if not 1 <= len(urls) <= 3:
            raise EndpointError(
                f"{text!r}: give one to three URLs (query, update, Graph Store), comma-separated"
            )
        for url in urls:
            parts = urlsplit(url)
            if "@" in parts.netloc:  # user:password@host: secrets on the command line
                raise EndpointError(
                    f"{_without_userinfo(url)!r}: credentials do not go in the URL; set "
                    f"{auth.USER_VARIABLE} and {auth.PASSWORD_VARIABLE}, or "
                    f"{auth.TOKEN_VARIABLE}, or use ~/.netrc"
                )
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise EndpointError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        query, graph = _split_graph(urls[0])
        if len(urls) == 1 and urlsplit(query).path in ("", "/"):
            base = query.rstrip("/")
            return cls(f"{base}/query", f"{base}/update", f"{base}/store", graph)
        update = urls[1] if len(urls) > 1 else query
        store = urls[2] if len(urls) > 2 else None
        return cls(query, update, store, graph)

    def reading(self, graph: str | None) -> Endpoint:
        """Return the same endpoint, with queries reading another named graph.

        >>> Endpoint.parse("http://h:1").reading("urn:g").descriptor()
        'sparql:http://h:1/query?default-graph-uri=urn%3Ag,http://h:1/update,http://h:1/store'
        """
        return replace(self, graph=graph)

    def descriptor(self) -> str:
        """Return the ``sparql:`` store descriptor that opens this endpoint.

        >>> Endpoint.parse("http://h/sparql").descriptor()
        'sparql:http://h/sparql,http://h/sparql'
        """
        query = self.query
        if self.graph:
            query += "?" + urlencode({"default-graph-uri": self.graph})
        urls = [query, *(url for url in (self.update, self.store) if url)]
        return "sparql:" + ",".join(urls)


def request(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[str, bytes]:
    """Send one HTTP request and return the answer's content type and body.

    :param url: the address
    :param method: the HTTP method
    :param data: the request body
    :param headers: request headers
    :param timeout: seconds to wait for the server
    :returns: the ``Content-Type`` (without parameters) and the body
    :raises EndpointError: naming the URL, if the server cannot be reached, answers with an
        HTTP error (its status and the first line of its message), or does not answer in time

    >>> request("http://127.0.0.1:9/sparql", timeout=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.graph.endpoints.EndpointError: cannot reach the SPARQL endpoint ...
    """
    prepared = Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
    shown = url.split("?", 1)[0]  # messages name the endpoint, not the query or graph sent
    credentials = auth.credentials_for(url)
    if data and auth.answers_challenges(credentials):
        _learn_challenge(url, credentials, timeout)  # not with the body: servers hang up
    auth.prepare(prepared, credentials)
    try:
        try:
            return _send(prepared, timeout)
        except HTTPError as error:
            if error.code != 401 or not auth.answer_challenge(prepared, error.headers, credentials):
                raise
            error.close()
        return _send(prepared, timeout)  # once more, answering the server's challenge
    except HTTPError as error:
        body = error.read().decode("utf-8", "replace").strip()
        first = body.splitlines()[0][:300] if body else error.reason
        if error.code == 401:
            first = _unauthorized(credentials)
        raise EndpointError(
            f"the SPARQL endpoint {shown} answered HTTP {error.code} {error.reason}: {first}"
        ) from error
    except TimeoutError as error:
        raise _timed_out(shown, timeout) from error
    except URLError as error:
        if data and isinstance(error.reason, ConnectionError):  # hung up on the upload: why?
            _learn_challenge(url, credentials, timeout)  # raises if it wants credentials
        raise _unreachable(shown, error, timeout) from error
    except (ConnectionError, OSError) as error:  # reset or closed while talking
        reason = error.strerror or str(error) or type(error).__name__
        raise EndpointError(
            f"the SPARQL endpoint {shown} broke off the connection: {reason}"
        ) from error


def _unreachable(shown: str, error: URLError, timeout: float) -> EndpointError:
    if isinstance(error.reason, TimeoutError | socket.timeout):
        return _timed_out(shown, timeout)
    reason = getattr(error.reason, "strerror", None) or str(error.reason)
    return EndpointError(
        f"cannot reach the SPARQL endpoint {shown}: {reason.lower()} (is the server running?)"
    )


def _send(prepared: Request, timeout: float) -> tuple[str, bytes]:
    with urlopen(prepared, timeout=timeout) as answer:  # noqa: S310 - http(s) checked
        return answer.headers.get_content_type(), answer.read()


def _learn_challenge(url: str, credentials: auth.Credentials | None, timeout: float) -> None:
    """Ask a server how it wants credentials (its ``401``) with a GET, before sending a body.

    A server refusing an upload hangs up before reading it all, so the upload would break
    off. The bodiless GET learns the challenge, and a second one, answering it, finds out
    whether the server takes the credentials.

    :raises EndpointError: if the server refuses the credentials, or wants some and
        there are none
    """
    probe = Request(url, method="GET")  # noqa: S310 - http(s) checked
    for attempt in ("challenge", "answer"):
        try:
            _send(probe, timeout)
            return
        except HTTPError as error:
            error.close()
            if error.code != 401:
                return
            if attempt == "answer" or not auth.answer_challenge(probe, error.headers, credentials):
                raise EndpointError(
                    f"the SPARQL endpoint {url.split('?', 1)[0]} answered HTTP 401 "
                    f"{error.reason}: {_unauthorized(credentials)}"
                ) from None
        except (URLError, OSError):
            return  # the request itself will say what is wrong


def _unauthorized(credentials: auth.Credentials | None) -> str:
    """Say why a server refused a request with ``401``, never showing a secret."""
    if credentials is None:
        return (
            f"it needs credentials: set {auth.USER_VARIABLE} and {auth.PASSWORD_VARIABLE} "
            f"(Basic or Digest) or {auth.TOKEN_VARIABLE} (bearer), or add the host to ~/.netrc"
        )
    return f"it refused {credentials.describe()}"


class EndpointStore(SPARQLUpdateStore):
    """rdflib's SPARQL store, talking HTTP through :func:`request` (timeouts, clear errors).

    rdflib's own connector has no timeout and hides why a request failed. Open it through
    :func:`kg.graph.stores.open_graph` with a ``sparql:`` descriptor rather than directly.

    >>> store = EndpointStore(Endpoint.parse("http://127.0.0.1:9"), timeout=2)
    >>> store.query_endpoint
    'http://127.0.0.1:9/query'
    """

    def __init__(self, endpoint: Endpoint, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Connect to ``endpoint``; every request waits at most ``timeout`` seconds."""
        super().__init__(
            query_endpoint=endpoint.query,
            update_endpoint=endpoint.update,
            returnFormat="json",
            autocommit=True,
        )
        self.endpoint = endpoint
        self.timeout = timeout

    def _query(self, *args: Any, **kwargs: Any) -> Result:
        """Send a query (rdflib calls it with the text and an optional default graph)."""
        text = str(args[0] if args else kwargs["query"])
        fields = {"query": text}
        default_graph = kwargs.get("default_graph")
        if isinstance(default_graph, BNode) or default_graph == DATASET_DEFAULT_GRAPH_ID:
            default_graph = None  # rdflib's name for "the endpoint's own default graph"
        default_graph = default_graph or self.endpoint.graph
        if default_graph:
            fields["default-graph-uri"] = str(default_graph)
        content_type, body = request(
            self.endpoint.query,
            method="POST",
            data=urlencode(fields).encode("utf-8"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": f"{_RESULT_TYPES}, {_GRAPH_TYPES}",
            },
            timeout=self.timeout,
        )
        return Result.parse(BytesIO(body), content_type=content_type)

    def _update(self, update: str) -> None:
        """Send an update."""
        if not self.endpoint.update:
            raise EndpointError(f"the SPARQL endpoint {self.endpoint.query} takes no updates")
        request(
            self.endpoint.update,
            method="POST",
            data=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=UTF-8"},
            timeout=self.timeout,
        )


def _split_graph(url: str) -> tuple[str, str | None]:
    """Take a ``default-graph-uri`` parameter off a query URL."""
    parts = urlsplit(url)
    fields = parse_qsl(parts.query, keep_blank_values=True)
    graphs = [value for key, value in fields if key == "default-graph-uri"]
    rest = urlencode([(key, value) for key, value in fields if key != "default-graph-uri"])
    return urlunsplit(parts._replace(query=rest)), (graphs[0] if graphs else None)


def _without_userinfo(url: str) -> str:
    """Drop the ``user:password@`` part of a URL, so that messages never show it.

    >>> _without_userinfo("http://ann:s3cret@h:8890/sparql")
    'http://***@h:8890/sparql'
    """
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def _timed_out(url: str, timeout: float) -> EndpointError:
    return EndpointError(f"the SPARQL endpoint {url} did not answer within {timeout:g} s")
