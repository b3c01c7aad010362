"""The RDF namespaces of the ALS knowledge graph and its neighbours, in one place."""

from __future__ import annotations

from rdflib import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, Graph, Namespace

__all__ = [
    "DCTERMS",
    "KGO",
    "KGR",
    "OBO",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "WD",
    "WDT",
    "XSD",
    "bind_prefixes",
]

#: The als-kg ontology: classes and properties (``kgo:``).
KGO = Namespace("https://w3id.org/als-kg/ontology#")
#: The als-kg resources: therapies, trials, results and other individuals (``kgr:``).
KGR = Namespace("https://w3id.org/als-kg/resource/")
#: OBO Foundry ontologies (MONDO, CHEBI, HP, ...).
OBO = Namespace("http://purl.obolibrary.org/obo/")
#: schema.org, in its canonical ``https`` form.
SCHEMA = Namespace("https://schema.org/")
#: Wikidata entities.
WD = Namespace("http://www.wikidata.org/entity/")
#: Wikidata direct (truthy) properties.
WDT = Namespace("http://www.wikidata.org/prop/direct/")

#: Every prefix that :func:`bind_prefixes` binds, in the order it binds them.
PREFIXES: dict[str, Namespace] = {
    "kgo": KGO,
    "kgr": KGR,
    "obo": OBO,
    "schema": SCHEMA,
    "prov": Namespace(str(PROV)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "sh": Namespace(str(SH)),
    "wd": WD,
    "wdt": WDT,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on a graph, replacing other bindings of the same prefix.

    :param graph: The graph whose namespace manager gets the prefixes; it is changed in place.
    :returns: The same graph, so that calls can be chained.

    >>> g = bind_prefixes(Graph())
    >>> g.namespace_manager.curie(KGR["riluzole"])
    'kgr:riluzole'
    >>> str(dict(g.namespaces())["kgo"]) == str(KGO)
    True
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
