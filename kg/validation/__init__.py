"""Validating: check a graph against the SHACL shapes and report in curators' words.

- :mod:`kg.validation.report`: the report, its results, and a SHACL validation report graph
- :mod:`kg.validation.shacl`: pySHACL, the reference engine
- :mod:`kg.validation.compiled`: the shapes compiled to SPARQL on Oxigraph; what it cannot
  compile is handed to pySHACL in the same run
- :mod:`kg.validation.validator`: :func:`validate`, which runs the engine asked for
"""

from __future__ import annotations

from kg.validation.report import (
    Severity,
    ValidationReport,
    Violation,
    as_written,
    report_graph,
    severity_name,
)
from kg.validation.shacl import load_shapes
from kg.validation.validator import validate

__all__ = [
    "Severity",
    "ValidationReport",
    "Violation",
    "as_written",
    "load_shapes",
    "report_graph",
    "severity_name",
    "validate",
]
