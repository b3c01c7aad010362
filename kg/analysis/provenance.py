"""Where a fact comes from: an entity's sources, their kinds, and which are company material."""

from __future__ import annotations

from rdflib import PROV, SKOS, Graph, URIRef
from rdflib.term import Node

from kg.graph.network import node_label
from kg.namespaces import KGO

__all__ = [
    "COMPANY_MATERIAL",
    "is_company_material",
    "source_kind",
    "source_url",
    "sources_of",
]

#: The broader source kind of every document the therapy's developer issued.
COMPANY_MATERIAL = KGO.CompanyMaterial


def sources_of(graph: Graph, node: Node) -> list[Node]:
    """Return the sources a node is derived from (``prov:wasDerivedFrom``), sorted by IRI.

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> [str(s).rsplit("/", 1)[1] for s in sources_of(load_curated(), KGR["NCT02623699-res-nfl"])]
    ['src-nejm-2022-valor-summary']
    """
    return sorted(set(graph.objects(node, PROV.wasDerivedFrom)), key=str)


def source_kind(graph: Graph, source: Node) -> str | None:
    """Return the label of a source's kind (``press release``, ...), or None if not stated.

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> source_kind(load_curated(), KGR["src-biogen-pr-2023-04-25"])
    'press release'
    """
    kinds = sorted(node_label(graph, kind) for kind in graph.objects(source, KGO.sourceKind))
    return "; ".join(kinds) if kinds else None


def source_url(graph: Graph, source: Node) -> str | None:
    """Return a source's own address (``kgo:url``: the document, not the copy read), or None.

    The copy that was read, where it differs, is ``kgo:copyReadAt``. A source with several
    addresses gives the first in sorted order, so pages and tables built from it do not change
    from run to run.

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> source_url(load_curated(), KGR["src-ema-epar-qalsody"])
    'https://www.ema.europa.eu/en/medicines/human/EPAR/qalsody'
    """
    urls = sorted(str(url) for url in graph.objects(source, KGO.url))
    return urls[0] if urls else None


def is_company_material(graph: Graph, source: Node) -> bool:
    """Tell whether a source is company material: a kind at or below ``kgo:CompanyMaterial``.

    Press releases, company websites and company filings are company material.

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> graph = load_curated()
    >>> is_company_material(graph, KGR["src-biogen-pr-2023-04-25"])
    True
    >>> is_company_material(graph, KGR["src-nejm-2022-valor-summary"])
    False
    """
    for kind in graph.objects(source, KGO.sourceKind):
        if isinstance(kind, URIRef) and COMPANY_MATERIAL in graph.transitive_objects(
            kind, SKOS.broader
        ):
            return True
    return False
