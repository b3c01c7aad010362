"""A networkx view of the knowledge graph: entities as nodes, links between them as edges.

Nodes are the graph's entities (therapies, trials, results, regulatory events, sources,
organisations, claims, ...), keyed by their full IRI. Ontology terms (classes, properties) and
the members of concept schemes (phases, statuses, event kinds, ...) are not nodes: a link to
a concept becomes a node attribute holding the concept's label (``phase="phase 3"``), a link to
an ontology term an attribute holding its CURIE, and a link to an outside address (a source's
``kgo:url``) an attribute holding the address. Every attribute is a string, so the graph can
be written to GraphML as it is (:func:`write_graphml`).
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, NamespaceManager
from rdflib.term import Node

from kg.namespaces import KGO, KGR, bind_prefixes

__all__ = [
    "entity_nodes",
    "local_name",
    "node_label",
    "to_networkx",
    "write_graphml",
]

# Classes whose instances are vocabulary, never entities.
_META_CLASSES = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        RDF.Property,
        RDFS.Class,
        SKOS.Concept,
        SKOS.ConceptScheme,
    }
)
# Attribute names that GraphML readers treat specially, or that we set ourselves.
_RESERVED = frozenset({"id", "iri", "kind", "label", "key", "source", "target"})


def local_name(iri: Node) -> str:
    """Return the part of an IRI after its last ``#`` or ``/``.

    >>> local_name(KGO.ClinicalTrial)
    'ClinicalTrial'
    >>> local_name(URIRef("https://w3id.org/als-kg/resource/tofersen"))
    'tofersen'
    """
    text = str(iri)
    for separator in ("#", "/"):
        if separator in text.rstrip(separator):
            text = text.rstrip(separator).rsplit(separator, 1)[1]
    return text


def node_label(graph: Graph, node: Node) -> str:
    """Return a readable label: ``rdfs:label``, ``skos:prefLabel``, a title, or the local name.

    English labels win over others; a node without any label is shown by its local name.

    >>> from kg.graph.io import load_curated
    >>> node_label(load_curated(), KGO.Phase3)
    'phase 3'
    >>> node_label(Graph(), KGR["no-label"])
    'no-label'
    """
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title, KGO.acronym):
        values = [value for value in graph.objects(node, prop) if isinstance(value, Literal)]
        if values:
            english = [value for value in values if (value.language or "en").startswith("en")]
            return str(sorted(english or values)[0])
    return local_name(node)


def entity_nodes(graph: Graph) -> set[Node]:
    """Return the entities of a graph: the nodes that :func:`to_networkx` keeps as nodes.

    An entity is a resource (``kgr:``) IRI, or any IRI or blank node typed with a class
    that is neither a vocabulary class (``owl:Class``, ``skos:Concept``, ...) nor a
    concept-scheme class (a subclass of ``skos:Concept``, such as ``kgo:Phase``).

    >>> from kg.graph.io import load_curated
    >>> entities = entity_nodes(load_curated())
    >>> KGR["tofersen"] in entities, KGO.Phase3 in entities, KGO.Therapy in entities
    (True, False, False)
    """
    concept_classes = _concept_classes(graph)
    entities: set[Node] = set()
    for subject, cls in graph.subject_objects(RDF.type):
        if cls in _META_CLASSES or cls in concept_classes:
            continue
        if isinstance(subject, URIRef | BNode):
            entities.add(subject)
    for node in graph.all_nodes():
        if isinstance(node, URIRef) and str(node).startswith(str(KGR)):
            entities.add(node)
    vocabulary = {
        node
        for cls in (*_META_CLASSES, *concept_classes)
        for node in graph.subjects(RDF.type, cls)
    }
    return entities - vocabulary


def to_networkx(graph: Graph) -> nx.MultiDiGraph[str]:
    """Build a networkx multigraph of the entities of an RDF graph and the links between them.

    Each node is keyed by its IRI (``_:id`` for a blank node) and carries string attributes:
    ``iri``, ``label`` (its ``rdfs:label``, or its title), ``kind`` (the local name of its
    most specific class, several joined by ``", "``), one attribute per literal-valued
    property named by the property's local name (``date``, ``nctId``, ``title``, ...), and one
    per link to a concept (its label), an ontology term (its CURIE) or an outside IRI (the IRI).
    Several values are joined with ``"; "``. Each link between two entities is an edge keyed by
    the property's CURIE, with the attributes ``predicate`` (the CURIE) and ``label`` (the
    property's label).

    :param graph: An RDF graph, such as :func:`kg.graph.io.load_curated`'s.
    :returns: A new :class:`networkx.MultiDiGraph`; every attribute value is a ``str``.

    >>> from kg.graph.io import load_curated
    >>> network = to_networkx(load_curated())
    >>> valor = network.nodes["https://w3id.org/als-kg/resource/NCT02623699"]
    >>> valor["label"], valor["kind"], valor["phase"], valor["acronym"]
    ('VALOR (NCT02623699)', 'ClinicalTrial', 'phase 3', 'VALOR')
    >>> edge = network.edges[str(KGR["NCT02623699"]), str(KGR["tofersen"]), "kgo:tests"]
    >>> edge["predicate"], edge["label"]
    ('kgo:tests', 'tests')
    """
    names = bind_prefixes(Graph()).namespace_manager
    for prefix, namespace in graph.namespaces():
        names.bind(prefix, namespace, override=False)
    entities = entity_nodes(graph)
    concept_classes = _concept_classes(graph)
    network: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in sorted(entities, key=str):
        network.add_node(_key(node), iri=_key(node), label=node_label(graph, node))
    attributes: dict[Node, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[Node, list[Node]] = defaultdict(list)
    for subject, predicate, obj in sorted(graph, key=lambda triple: tuple(map(str, triple))):
        if subject not in entities or predicate == RDFS.label:
            continue
        if predicate == RDF.type:
            kinds[subject].append(obj)
        elif obj in entities:
            curie = _curie(names, predicate)
            label = node_label(graph, predicate)
            network.add_edge(_key(subject), _key(obj), key=curie, predicate=curie, label=label)
        else:
            values = attributes[subject][_attribute_name(predicate)]
            text = _value_text(graph, obj, names, concept_classes)
            if text not in values:
                values.append(text)
    for node in entities:
        data = network.nodes[_key(node)]
        for name, values in attributes[node].items():
            data[name] = "; ".join(values)
        data["kind"] = ", ".join(
            sorted(local_name(cls) for cls in _most_specific(graph, kinds[node]))
        )
    return network


def write_graphml(graph: Graph | nx.Graph[str], path: str | os.PathLike[str]) -> Path:
    """Write a graph as GraphML (for Gephi, Cytoscape, yEd), replacing the file atomically.

    The file is written next to ``path`` under a temporary name and then moved into place,
    so a reader never sees half a file. Attributes that are not strings, numbers or booleans
    are written as text; ``None`` values are dropped.

    :param graph: An RDF graph (converted with :func:`to_networkx`) or a networkx graph.
    :param path: The GraphML file to write.
    :returns: The path written.

    >>> import tempfile
    >>> network = nx.MultiDiGraph()
    >>> network.add_edge("a", "b", key="kgo:tests", predicate="kgo:tests")
    'kgo:tests'
    >>> target = write_graphml(network, Path(tempfile.mkdtemp()) / "g.graphml")
    >>> sorted(nx.read_graphml(target).nodes)
    ['a', 'b']
    """
    network = to_networkx(graph) if isinstance(graph, Graph) else graph
    target = Path(path)
    safe = network.copy()
    safe.graph = {
        name: _scalar(value) for name, value in network.graph.items() if value is not None
    }
    for _, data in safe.nodes(data=True):
        _make_scalar(data)
    for *_, data in safe.edges(data=True):
        _make_scalar(data)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "wb") as stream:
            nx.write_graphml(safe, stream)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _value_text(
    graph: Graph, value: Node, names: NamespaceManager, concept_classes: set[Node]
) -> str:
    """Return the attribute text for a non-entity value: literal, concept label, CURIE or IRI."""
    if isinstance(value, Literal):
        return str(value)
    if _is_concept(graph, value, concept_classes):
        return node_label(graph, value)
    if _is_vocabulary(graph, value):
        return _curie(names, value)
    return str(value)


def _scalar(value: object) -> str | int | float | bool:
    """Return a GraphML-writable value: strings, numbers and booleans as they are, else text."""
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Iterable):
        return "; ".join(str(item) for item in value)
    return str(value)


def _make_scalar(data: dict[str, object]) -> None:
    """Make every attribute of a node or an edge GraphML-writable, in place."""
    for name in list(data):
        if data[name] is None:
            del data[name]
        else:
            data[name] = _scalar(data[name])


def _key(node: Node) -> str:
    """Return the networkx key of an entity: its IRI, or ``_:id`` for a blank node."""
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _curie(names: NamespaceManager, iri: Node) -> str:
    """Return the CURIE of an IRI with the bound prefixes, or the IRI when none fits."""
    try:
        return names.curie(str(iri), generate=False)
    except (KeyError, ValueError):
        return str(iri)


def _attribute_name(predicate: Node) -> str:
    """Return the attribute name for a property: its local name, kept clear of reserved names."""
    name = local_name(predicate)
    return f"{name}_" if name in _RESERVED else name


def _concept_classes(graph: Graph) -> set[Node]:
    """Return the classes whose instances are concepts: ``skos:Concept`` and its subclasses."""
    return {
        cls
        for cls in graph.transitive_subjects(RDFS.subClassOf, SKOS.Concept)
        if cls is not None
    }


def _is_concept(graph: Graph, node: Node, concept_classes: set[Node]) -> bool:
    """Tell whether a node is a member of a concept scheme."""
    if (node, SKOS.inScheme, None) in graph:
        return True
    return any(cls in concept_classes for cls in graph.objects(node, RDF.type))


def _is_vocabulary(graph: Graph, node: Node) -> bool:
    """Tell whether a node is an ontology term (a class, a property, the ontology itself)."""
    return any(cls in _META_CLASSES for cls in graph.objects(node, RDF.type))


def _most_specific(graph: Graph, classes: list[Node]) -> list[Node]:
    """Drop the classes of a list that are superclasses of another class in it."""
    unique = set(classes)
    broader = {
        parent
        for cls in unique
        for parent in graph.transitive_objects(cls, RDFS.subClassOf)
        if parent != cls
    }
    return sorted(unique - broader, key=str) or sorted(unique, key=str)
