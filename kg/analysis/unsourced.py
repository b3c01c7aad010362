"""Trials and results with no source, or with only the developer's own material as sources."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph
from rdflib.term import Node

from kg.analysis.provenance import is_company_material, source_kind, source_url, sources_of
from kg.graph.network import local_name, node_label
from kg.namespaces import KGO
from kg.query.sparql import Row

__all__ = [
    "UNSOURCED_COLUMNS",
    "unsourced",
]

#: The columns of :func:`unsourced`'s rows, in order.
UNSOURCED_COLUMNS = ("entity", "label", "kind", "trial", "problem", "sourceKinds", "sources")

_NO_SOURCE = "no source"
_COMPANY_ONLY = "company sources only"


def unsourced(graph: Graph) -> list[Row]:
    """List the trials and results that rest on no source, or only on company material.

    Company material is every source whose kind is ``kgo:CompanyMaterial`` or narrower
    (press releases, company websites, company filings).

    :param graph: the graph
    :returns: one row per trial or result, with the columns of :data:`UNSOURCED_COLUMNS`;
        ``problem`` is ``"no source"`` or ``"company sources only"``, ``trial`` is the trial a
        result belongs to, ``sources`` the sources' addresses separated by spaces. Rows are
        sorted by problem, trial and label.

    >>> from kg.graph.io import load_curated
    >>> rows = unsourced(load_curated())
    >>> {row["problem"] for row in rows} <= {"no source", "company sources only"}
    True
    """
    rows: list[Row] = []
    for entity in sorted(_trials_and_results(graph), key=str):
        sources = sources_of(graph, entity)
        if sources and not all(is_company_material(graph, source) for source in sources):
            continue
        trial = graph.value(entity, KGO.resultOf)
        kinds = sorted({source_kind(graph, source) or "" for source in sources} - {""})
        urls = [source_url(graph, source) or str(source) for source in sources]
        rows.append(
            {
                "entity": str(entity),
                "label": node_label(graph, entity),
                "kind": ", ".join(sorted(local_name(c) for c in graph.objects(entity, RDF.type))),
                "trial": None if trial is None else node_label(graph, trial),
                "problem": _COMPANY_ONLY if sources else _NO_SOURCE,
                "sourceKinds": "; ".join(kinds) or None,
                "sources": " ".join(urls) or None,
            }
        )
    rows.sort(key=lambda row: (row["problem"] or "", row["trial"] or "", row["label"] or ""))
    return rows


def _trials_and_results(graph: Graph) -> set[Node]:
    """Return every study (of ``kgo:ClinicalStudy`` or a subclass) and every result."""
    found: set[Node] = set(graph.subjects(RDF.type, KGO.Result))
    for cls in graph.transitive_subjects(RDFS.subClassOf, KGO.ClinicalStudy):
        found.update(graph.subjects(RDF.type, cls))
    return found
