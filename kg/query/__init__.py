"""Querying: the stored queries, their parameters, running SPARQL, typed results.

- :mod:`kg.query.registry`: the stored queries (``queries/*.rq``) and their metadata
- :mod:`kg.query.parameters`: a stored query's parameters, checked and bound
- :mod:`kg.query.sparql`: run SPARQL or a stored query on a graph; rows in a fixed order
- :mod:`kg.query.values`, :mod:`kg.query.results`: answers as Python values, rows, DataFrames
- :mod:`kg.query.formats`: rows as a table, JSON, CSV or TSV
- :mod:`kg.query.catalogue`: the stored queries published as RDF
- :mod:`kg.query.timelimit`: run a query with a time limit

Modules here import :mod:`kg.graph` and the package's root, never the packages above.
"""

from __future__ import annotations

__all__: list[str] = []
