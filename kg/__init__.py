"""als-kg: an open knowledge graph (RDF) of therapies for amyotrophic lateral sclerosis.

The package loads the curated graph and the files users bring, and checks them against the
project's SHACL shapes. Every function takes and returns plain :class:`rdflib.Graph` objects.

>>> import kg
>>> kg.KGR["riluzole"]
rdflib.term.URIRef('https://w3id.org/als-kg/resource/riluzole')
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kg.errors import InputError, KgError
from kg.io import FORMATS, GraphSource, guess_format, load, load_curated, read_graph
from kg.namespaces import KGO, KGR, OBO, SCHEMA, WD, WDT, bind_prefixes
from kg.resources import (
    AssetNotFoundError,
    asset_dir,
    data_files,
    ontology_files,
    query_files,
    shape_files,
)
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
    "GraphSource",
    "InputError",
    "KgError",
    "Severity",
    "ValidationReport",
    "Violation",
    "__version__",
    "asset_dir",
    "bind_prefixes",
    "data_files",
    "guess_format",
    "load",
    "load_curated",
    "ontology_files",
    "query_files",
    "read_graph",
    "shape_files",
    "validate",
]

try:
    __version__ = version("als-kg")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"
