"""The stored queries as RDF, in the shape of SIB's sparql-examples, to load beside the data.

SIB's endpoints (UniProt, Rhea, Bgee, ...) publish their example queries as RDF so that a
client discovers them with SPARQL on the endpoint itself; the same shape describes ours::

    <https://w3id.org/als-kg/.well-known/sparql-examples/trial-results>
        a sh:SPARQLExecutable, sh:SPARQLSelectExecutable ;
        rdfs:label "Every endpoint result of one trial"@en ;
        rdfs:comment "All results of a trial, ..."@en ;
        sh:select "PREFIX kgo: ... SELECT ..." ;
        sh:prefixes <https://w3id.org/als-kg/.well-known/sparql-examples/prefixes> ;
        schema:keywords "trials", "results" ;
        schema:target <http://127.0.0.1:8000/sparql> .   # where it is served

``sh:select`` (``sh:ask``, ``sh:construct``, or ``spex:describe`` for DESCRIBE) holds the
query without its ``#+`` header. A parameter stays a ``?_name`` (or optional ``?__name``)
variable, as in the file, and is declared as SHACL declares the parameters of its SPARQL-based
functions: ``sh:parameter [ sh:path ex:param-_trial ; sh:name "trial" ; sh:optional false ;
sh:nodeKind sh:IRI ; sh:class kgo:ClinicalStudy ; skos:example "ALSummit" ]`` (the local name
of ``sh:path`` after ``param-`` is the variable's name).
"""

from __future__ import annotations

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from kg.namespaces import PREFIXES, SCHEMA, bind_prefixes
from kg.query.registry import Parameter, QueryRegistry, StoredQuery, query_body

__all__ = [
    "EXAMPLES",
    "SPEX",
    "queries_graph",
    "query_iri",
]

#: Where the stored queries' IRIs live (SIB's convention: ``/.well-known/sparql-examples/``).
EXAMPLES = Namespace("https://w3id.org/als-kg/.well-known/sparql-examples/")
#: SIB's sparql-examples ontology (for DESCRIBE queries, which SHACL has no property for).
SPEX = Namespace("https://purl.expasy.org/sparql-examples/ontology#")

_TEXT_PROPERTY = {
    "SELECT": (SH.select, SH.SPARQLSelectExecutable),
    "ASK": (SH.ask, SH.SPARQLAskExecutable),
    "CONSTRUCT": (SH.construct, SH.SPARQLConstructExecutable),
    "DESCRIBE": (SPEX.describe, SPEX.DescribeSPARQLExecutable),
}


def query_iri(query: StoredQuery) -> URIRef:
    """Return the IRI that names a stored query.

    >>> from kg.query.registry import default_registry
    >>> str(query_iri(default_registry()["trial-results"]))
    'https://w3id.org/als-kg/.well-known/sparql-examples/trial-results'
    """
    return EXAMPLES[query.name]


def queries_graph(registry: QueryRegistry, *, endpoint: str | None = None) -> Graph:
    """Describe every stored query as a ``sh:SPARQLExecutable`` (SIB's sparql-examples shape).

    :param registry: the stored queries
    :param endpoint: the SPARQL endpoint they run on (``schema:target``), when known
    :returns: a graph with one ``sh:SPARQLExecutable`` per query, and the prefixes they use

    >>> from kg.query.registry import default_registry
    >>> g = queries_graph(default_registry(), endpoint="http://127.0.0.1:8000/sparql")
    >>> len(set(g.subjects(RDF.type, SH.SPARQLExecutable))) == len(default_registry())
    True
    """
    graph = bind_prefixes(Graph())
    graph.bind("sh", SH)
    graph.bind("ex", EXAMPLES)
    graph.bind("spex", SPEX)
    prefixes = EXAMPLES["prefixes"]
    for prefix, namespace in sorted(bind_prefixes(Graph()).namespaces()):
        declaration = BNode(f"prefix-{prefix or 'default'}")
        graph.add((prefixes, SH.declare, declaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(str(namespace), datatype=XSD.anyURI)))
    for query in registry.values():
        node = query_iri(query)
        text_property, kind = _TEXT_PROPERTY[query.form]
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        graph.add((node, RDF.type, kind))
        graph.add((node, RDFS.label, Literal(query.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(query.description or query.title, lang="en")))
        graph.add((node, text_property, Literal(query_body(query))))
        graph.add((node, SH.prefixes, prefixes))
        graph.add((node, SCHEMA.identifier, Literal(query.name)))
        for tag in query.tags:
            graph.add((node, SCHEMA.keywords, Literal(tag)))
        if endpoint:
            graph.add((node, SCHEMA.target, URIRef(endpoint)))
        for parameter in query.params:
            _add_parameter(graph, node, query, parameter)
    return graph


_DATATYPES = {
    "string": XSD.string,
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "date": XSD.date,
}


def _add_parameter(graph: Graph, node: URIRef, query: StoredQuery, parameter: Parameter) -> None:
    described = BNode(f"{query.name}-{parameter.name}")
    graph.add((node, SH.parameter, described))
    graph.add((described, SH.path, EXAMPLES[f"param-{parameter.variable.lstrip('?')}"]))
    graph.add((described, SH.name, Literal(parameter.name)))
    graph.add((described, SH.optional, Literal(not parameter.required)))
    if parameter.type in _DATATYPES:
        graph.add((described, SH.datatype, _DATATYPES[parameter.type]))
    else:  # iri, resource
        graph.add((described, SH.nodeKind, SH.IRI))
    if parameter.resource_class:
        graph.add((described, SH["class"], _expand(parameter.resource_class)))
    if parameter.description:
        graph.add((described, SH.description, Literal(parameter.description, lang="en")))
    if parameter.example is not None:
        graph.add((described, SKOS.example, Literal(parameter.example)))


def _expand(curie: str) -> URIRef:
    prefix, colon, local = curie.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix][local]
    return URIRef(curie)
