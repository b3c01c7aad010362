"""The dataset's description in VoID and DCAT: what it is, its licence, version, dates and size.

``kg export`` writes it with the graph and ``kg serve`` serves it, so that catalogues and
clients (and people) read from the data itself what they may do with it and how fresh it is:

=========================  ===================================================================
property                   value
=========================  ===================================================================
``dcterms:title``,         the dataset's name and what it holds
``dcterms:description``
``dcterms:license``        CC BY 4.0 (:data:`kg.release.DATA_LICENSE`)
``dcat:version``,          the release (:data:`kg.release.VERSION`)
``owl:versionInfo``
``dcterms:issued``         the data's release date (:data:`kg.release.DATA_RELEASED`)
``dcterms:modified``       the latest ``kgo:lastReviewed`` date in the graph, the day a curator
                           last checked a record against its sources; the release date when no
                           record carries one
``void:triples``,          counted on the graph described (without this description)
``void:entities``,
``void:classes``,
``void:properties``,
``void:classPartition``
``void:vocabulary``        the vocabularies whose terms the graph uses
``void:exampleResource``   a therapy, a trial and a regulatory decision, where the graph has them
``void:sparqlEndpoint``,   the endpoint, when served
``dcat:accessService``
=========================  ===================================================================
"""

from __future__ import annotations

import re

from rdflib import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD, BNode, Graph, Literal, URIRef, Variable

from kg.dates import to_date
from kg.graph.oxigraph import triple_count
from kg.namespaces import KGO, KGR, PREFIXES, bind_prefixes
from kg.query.sparql import sparql
from kg.release import DATA_LICENSE, DATA_RELEASED, VERSION

__all__ = [
    "DATASET",
    "describe_dataset",
    "modified_date",
]

#: The IRI of the dataset als-kg.
DATASET = URIRef("https://w3id.org/als-kg/dataset")

_DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3, newer than rdflib's DCAT namespace
_TITLE = "als-kg: a sourced knowledge graph of ALS/MND therapies"
_DESCRIPTION = (
    "Therapies for amyotrophic lateral sclerosis (ALS/MND), the trials that test them, their "
    "endpoints and results, and the regulatory decisions about them, each statement with its "
    "source. Where sources disagree, each claim is kept with its own source; planned events are "
    "kept apart from those that occurred."
)
_KEYWORDS = ("amyotrophic lateral sclerosis", "clinical trials", "regulatory decisions", "RDF")
#: Resources a newcomer can start from, shown where the graph has them.
_EXAMPLES = (
    KGR["tofersen"],
    KGR["NCT04745299"],
    KGR["event-tofersen-fda-accelerated-approval"],
)
_COUNTS = """
SELECT (COUNT(DISTINCT ?s) AS ?entities) (COUNT(DISTINCT ?class) AS ?classes)
WHERE { ?s a ?class FILTER(isIRI(?s)) }
"""
_PROPERTIES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
_PARTITIONS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?entities)
WHERE { ?s a ?class FILTER(isIRI(?s) && isIRI(?class)) }
GROUP BY ?class
"""


def modified_date(graph: Graph) -> Literal:
    """Return the latest ``kgo:lastReviewed`` date in the graph, or the data's release date.

    >>> from rdflib import Graph
    >>> modified_date(Graph()) == Literal(DATA_RELEASED, datatype=XSD.date)
    True
    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix kgo: <https://w3id.org/als-kg/ontology#> .
    ...     @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ...     <urn:a> kgo:lastReviewed "2026-11-22"^^xsd:date .
    ...     <urn:b> kgo:lastReviewed "2026-12-01"^^xsd:date .''')
    >>> str(modified_date(g))
    '2026-12-01'
    """
    reviewed = [
        (day, str(value))
        for value in graph.objects(None, KGO.lastReviewed)
        if (day := to_date(value)) is not None
    ]
    if not reviewed:
        return Literal(DATA_RELEASED, datatype=XSD.date)
    return Literal(max(reviewed)[0].isoformat(), datatype=XSD.date)


def describe_dataset(graph: Graph, *, endpoint: str | None = None) -> Graph:
    """Describe a graph as the dataset als-kg, in VoID and DCAT (see the module's table).

    :param graph: the graph described (its counts, vocabularies and review dates are read)
    :param endpoint: the SPARQL endpoint that serves it, if any
    :returns: a new graph holding only the description

    >>> import kg
    >>> described = describe_dataset(kg.load_curated())
    >>> (DATASET, DCTERMS.license, URIRef(DATA_LICENSE)) in described
    True
    >>> int(described.value(DATASET, VOID.triples)) == len(kg.load_curated())
    True
    """
    out = bind_prefixes(Graph())
    out.bind("void", VOID)
    out.bind("dcat", DCAT)
    out.bind("foaf", FOAF)
    add = out.add
    for kind in (VOID.Dataset, DCAT.Dataset):
        add((DATASET, RDF.type, kind))
    add((DATASET, DCTERMS.title, Literal(_TITLE, lang="en")))
    add((DATASET, DCTERMS.description, Literal(_DESCRIPTION, lang="en")))
    add((DATASET, DCTERMS.license, URIRef(DATA_LICENSE)))
    add((DATASET, _DCAT_VERSION, Literal(VERSION)))
    add((DATASET, OWL.versionInfo, Literal(VERSION)))
    add((DATASET, DCTERMS.issued, Literal(DATA_RELEASED, datatype=XSD.date)))
    add((DATASET, DCTERMS.modified, modified_date(graph)))
    publisher = BNode("als-kg-authors")
    add((DATASET, DCTERMS.publisher, publisher))
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Literal("The als-kg authors")))
    for keyword in _KEYWORDS:
        add((DATASET, DCAT.keyword, Literal(keyword, lang="en")))
    add((DATASET, VOID.uriSpace, Literal(str(KGR))))
    add((DATASET, VOID.triples, Literal(triple_count(graph))))
    counts = sparql(graph, _COUNTS).bindings[0]
    for name in ("entities", "classes"):
        add((DATASET, VOID[name], Literal(int(counts.get(Variable(name)) or 0))))
    p, klass_, entities_ = Variable("p"), Variable("class"), Variable("entities")
    properties = {
        row[p] for row in sparql(graph, _PROPERTIES).bindings if isinstance(row.get(p), URIRef)
    }
    add((DATASET, VOID.properties, Literal(len(properties))))
    partitions = sorted(
        (row[klass_], row[entities_]) for row in sparql(graph, _PARTITIONS).bindings
    )
    classes = []
    for klass, entities in partitions:
        classes.append(klass)
        partition = BNode("class-" + re.sub(r"[^A-Za-z0-9]", "-", str(klass)))
        add((DATASET, VOID.classPartition, partition))
        add((partition, VOID["class"], klass))
        add((partition, VOID.entities, Literal(int(entities))))
    used = {str(term) for term in (*properties, *classes)}
    for namespace in sorted({str(ns) for ns in PREFIXES.values()}):
        if namespace != str(KGR) and any(term.startswith(namespace) for term in used):
            add((DATASET, VOID.vocabulary, URIRef(namespace)))
    for example in _EXAMPLES:
        if (example, None, None) in graph:
            add((DATASET, VOID.exampleResource, example))
    if endpoint:
        add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
        service = BNode("sparql-service")
        add((DATASET, DCAT.accessService, service))
        add((service, RDF.type, DCAT.DataService))
        add((service, DCAT.endpointURL, URIRef(endpoint)))
        add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    return out
