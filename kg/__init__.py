"""als-kg: an open knowledge graph (RDF) of therapies for amyotrophic lateral sclerosis.

The package loads the curated graph and the files users bring, checks them against the
project's SHACL shapes, runs the stored and your own SPARQL queries, and exports the graph.
Every function takes and returns plain :class:`rdflib.Graph` objects.

>>> import kg
>>> g = kg.load_curated()
>>> rows = kg.result_rows(kg.run_query(g, "trials-missed-primary-endpoint"))
>>> "NCT04745299" in {row["nctId"] for row in rows}
True

For analyses, :func:`kg.rows` and :func:`kg.dataframe` give typed values (numbers, booleans,
ISO dates) of a stored query or your own SPARQL; ``kg.sparql(graph, text)`` (also
``kg.run_sparql``) gives rdflib's result.
"""

from __future__ import annotations

from kg.analysis.stats import graph_stats
from kg.errors import InputError, KgError
from kg.graph.endpoints import Endpoint, EndpointError
from kg.graph.export import EXPORT_FORMATS, serialize, write_graph
from kg.graph.io import FORMATS, GraphSource, guess_format, load, load_curated, read_graph
from kg.graph.remote import push
from kg.graph.stores import StoreError, load_into_store, open_graph, read_store
from kg.moved import install as _install_moved_names
from kg.namespaces import KGO, KGR, OBO, SCHEMA, WD, WDT, bind_prefixes
from kg.query.parameters import AmbiguousParameterError, ParameterError
from kg.query.registry import QueryRegistry, StoredQuery, UnknownQueryError, default_registry
from kg.query.results import dataframe, rows
from kg.query.sparql import QueryError, result_rows, run_query, sparql
from kg.query.sparql import sparql as run_sparql
from kg.release import VERSION as __version__  # noqa: N811 - the version, in one place
from kg.resources import (
    AssetNotFoundError,
    asset_dir,
    data_files,
    ontology_files,
    query_files,
    shape_files,
)
from kg.validation import Severity, ValidationReport, Violation, validate

_install_moved_names()  # kg.stores and the other flat names of release 0.1 still import

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "KGO",
    "KGR",
    "OBO",
    "SCHEMA",
    "WD",
    "WDT",
    "AmbiguousParameterError",
    "AssetNotFoundError",
    "Endpoint",
    "EndpointError",
    "GraphSource",
    "InputError",
    "KgError",
    "ParameterError",
    "QueryError",
    "QueryRegistry",
    "Severity",
    "StoreError",
    "StoredQuery",
    "UnknownQueryError",
    "ValidationReport",
    "Violation",
    "__version__",
    "asset_dir",
    "bind_prefixes",
    "data_files",
    "dataframe",
    "default_registry",
    "graph_stats",
    "guess_format",
    "load",
    "load_curated",
    "load_into_store",
    "ontology_files",
    "open_graph",
    "push",
    "query_files",
    "read_graph",
    "read_store",
    "result_rows",
    "rows",
    "run_query",
    "run_sparql",
    "serialize",
    "shape_files",
    "sparql",
    "validate",
    "write_graph",
]
