"""als-kg: an open knowledge graph (RDF) of therapies for amyotrophic lateral sclerosis.

The package loads the curated graph and the files users bring, and checks them against the
project's SHACL shapes. Every function takes and returns plain :class:`rdflib.Graph` objects.

>>> import kg
>>> kg.KGR["riluzole"]
rdflib.term.URIRef('https://w3id.org/als-kg/resource/riluzole')
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kg.endpoints import Endpoint, EndpointError
from kg.errors import InputError, KgError
from kg.io import FORMATS, GraphSource, guess_format, load, load_curated, read_graph
from kg.namespaces import KGO, KGR, OBO, SCHEMA, WD, WDT, bind_prefixes
from kg.remote import push
from kg.resources import (
    AssetNotFoundError,
    asset_dir,
    data_files,
    ontology_files,
    query_files,
    shape_files,
)
from kg.stores import StoreError, load_into_store, open_graph, read_store
from kg.validation import Severity, ValidationReport, Violation, validate

__all__ = [
    "FORMATS",
    "KGO",
    "KGR",
    "OBO",
    "SCHEMA",
    "WD",
    "WDT",
    "AssetNotFoundError",
    "Endpoint",
    "EndpointError",
    "GraphSource",
    "InputError",
    "KgError",
    "Severity",
    "StoreError",
    "ValidationReport",
    "Violation",
    "__version__",
    "asset_dir",
    "bind_prefixes",
    "data_files",
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
    "shape_files",
    "validate",
]

try:
    __version__ = version("als-kg")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"
