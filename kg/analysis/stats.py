"""Counting what a graph holds: therapies, trials, results, regulatory events, sources."""

from __future__ import annotations

import datetime

from rdflib import Graph

from kg.dates import to_date
from kg.graph.oxigraph import triple_count
from kg.query.sparql import sparql

__all__ = [
    "data_date",
    "graph_stats",
]

_COUNTS = """
PREFIX kgo: <https://w3id.org/als-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT
  (COUNT(DISTINCT ?therapy) AS ?therapies)
  (COUNT(DISTINCT ?study) AS ?trials)
  (COUNT(DISTINCT ?result) AS ?results)
  (COUNT(DISTINCT ?event) AS ?regulatoryEvents)
  (COUNT(DISTINCT ?source) AS ?sources)
  (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {
  { ?therapy a kgo:Therapy }
  UNION { ?study a ?studyClass . ?studyClass rdfs:subClassOf* kgo:ClinicalStudy }
  UNION { ?result a kgo:Result }
  UNION { ?event a kgo:RegulatoryEvent }
  UNION { ?source a kgo:Source }
  UNION { ?claim a kgo:Claim }
}
"""


def graph_stats(graph: Graph) -> dict[str, int]:
    """Count therapies, studies, results, regulatory events, sources, claims and triples.

    Studies are counted through the ontology's subclasses of ``kgo:ClinicalStudy``, so the
    ontology should be in the graph (as it is in :func:`kg.load_curated`).

    :param graph: the graph
    :returns: counts by name, ``triples`` last

    >>> import kg
    >>> stats = graph_stats(kg.load_curated())
    >>> stats["therapies"] > 0 and stats["triples"] > 1000
    True
    """
    result = sparql(graph, _COUNTS)
    binding = result.bindings[0]
    counts = {str(variable): int(binding[variable]) for variable in result.vars or []}
    counts["triples"] = triple_count(graph)
    return counts


_DATA_DATE = """
PREFIX kgo: <https://w3id.org/als-kg/ontology#>
SELECT (MAX(STR(?reviewed)) AS ?dataDate) WHERE { ?record kgo:lastReviewed ?reviewed }
"""


def data_date(graph: Graph) -> datetime.date | None:
    """Return the graph's data date: the latest ``kgo:lastReviewed`` of its records.

    Each therapy file states the day its facts were last reviewed against their sources (the
    date of the last commit that changed them), so the latest of these says how current the
    whole graph is.

    :param graph: the graph
    :returns: the date, or None if no record says when it was reviewed

    >>> import kg
    >>> data_date(kg.load_curated()) >= datetime.date(2026, 1, 1)
    True
    >>> data_date(Graph()) is None
    True
    """
    for row in sparql(graph, _DATA_DATE):
        return to_date(row[0])  # type: ignore[index]
    return None
