"""``kg serve``: a read-only SPARQL endpoint and page over the graph."""

from __future__ import annotations

import click

from kg.cli.options import store_option
from kg.graph.stores import read_store
from kg.publish.server import DEFAULT_PORT, DEFAULT_TIME_LIMIT, DEFAULT_WORKERS, make_server

__all__ = [
    "serve_command",
]


@click.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=int, default=DEFAULT_PORT, show_default=True, help="The port; 0 picks one."
)
@click.option(
    "--timeout",
    type=float,
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    help="Seconds a query may run before it is stopped (HTTP 503).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Worker processes answering requests in parallel (0: threads of one process, "
    "each query in a process forked for it).",
)
def serve_command(store: str, host: str, port: int, timeout: float, workers: int) -> None:
    """Serve the graph as a read-only SPARQL endpoint, with a page to query it.

    The page (at /) runs your SPARQL and the stored queries, each with a permalink;
    programs send SPARQL 1.1 Protocol requests to /sparql (results as JSON, XML, CSV or
    TSV, graphs as Turtle, N-Triples, RDF/XML or JSON-LD, by Accept; CORS allowed), and
    GET /sparql alone gives the service and dataset description. The graph's IRIs resolve:
    /resource/tofersen is a page to a browser and RDF to a client. On an in-memory store
    the dataset's description and the stored queries (as sh:SPARQLExecutable) are loaded
    beside the data, so SPARQL finds them. Updates are refused. Ctrl+C stops the server.
    Requests are answered by worker processes forked once the graph is loaded (sharing it);
    a query still running at the time limit is answered 503 and its worker replaced.

    \b
    Example:
        kg serve
        kg serve --store oxigraph:als-kg.db --port 8080 --timeout 10
    """
    in_memory = store in ("memory", "oxigraph-memory", "oxigraph:")  # ours to add to
    server = make_server(
        read_store(store),
        host=host,
        port=port,
        time_limit=timeout,
        publish=in_memory,
        workers=workers,
    )
    if not in_memory:
        click.echo(
            f"Note: {store} is served as it is; its description and the stored queries are at "
            "/sparql and /queries, not in the graph.",
            err=True,
        )
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}, so other machines can query it.", err=True)
    click.echo(f"Serving {store} at {server.url} (SPARQL endpoint {server.url}sparql)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
