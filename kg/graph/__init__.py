"""The graph: reading files, stores, the Oxigraph bridge, SPARQL servers, export.

- :mod:`kg.graph.io`: read Turtle and other RDF files into a graph, naming the bad line
- :mod:`kg.graph.oxigraph`: the Oxigraph store under an rdflib graph, and its terms in rdflib
- :mod:`kg.graph.stores`: store descriptors (``oxigraph-memory``, ``memory``, ``oxigraph:PATH``,
  ``sparql:URL``): open one, or fill it
- :mod:`kg.graph.auth`, :mod:`kg.graph.endpoints`: SPARQL servers, with their credentials
- :mod:`kg.graph.remote`: replace a graph on a SPARQL server, all or nothing
- :mod:`kg.graph.export`: write the graph as Turtle, N-Triples, JSON-LD, RDF/XML or GraphML
- :mod:`kg.graph.network`: the graph as a networkx graph of its entities

Modules here import only the modules at the package's root (errors, namespaces, resources,
progress) and each other.
"""

from __future__ import annotations

__all__: list[str] = []
