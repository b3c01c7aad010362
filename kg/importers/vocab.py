"""What importers read from the bundled ontology and shapes: concepts by notation, cardinalities."""

from __future__ import annotations

from functools import lru_cache

from rdflib import RDF, SH, SKOS, Literal, URIRef

from kg.graph.io import load
from kg.resources import ontology_files, shape_files

__all__ = [
    "concept",
    "notations",
    "single_valued_properties",
]


def concept(scheme_class: URIRef, notation: str) -> URIRef | None:
    """Find the concept of a class whose ``skos:notation`` is a registry code.

    :param scheme_class: The concept's class, for example ``kgo:Phase``.
    :param notation: The code, for example ``"PHASE1|PHASE2"``.
    :returns: The concept, or ``None`` if the ontology has no such notation for the class.

    >>> from kg.namespaces import KGO
    >>> concept(KGO.Phase, "PHASE1|PHASE2") == KGO.Phase1Phase2
    True
    >>> concept(KGO.Phase, "PHASE7") is None
    True
    """
    return _concepts().get((scheme_class, notation))


def notations(scheme_class: URIRef) -> frozenset[str]:
    """List the notations of a class's concepts.

    :param scheme_class: The concepts' class, for example ``kgo:Masking``.
    :returns: Every ``skos:notation`` of a concept typed with that class.

    >>> from kg.namespaces import KGO
    >>> sorted(notations(KGO.EnrollmentKind))
    ['ACTUAL', 'ESTIMATED']
    """
    return frozenset(code for cls, code in _concepts() if cls == scheme_class)


@lru_cache(maxsize=1)
def single_valued_properties() -> frozenset[URIRef]:
    """List the properties that a bundled shape allows at most once (``sh:maxCount 1``).

    Shapes are per class, but a property limited to one value anywhere is treated as
    single-valued everywhere; that is what the importers' merge rule needs.

    :returns: The ``sh:path`` IRIs of every property shape with ``sh:maxCount 1``.

    >>> from kg.namespaces import KGO
    >>> KGO.phase in single_valued_properties(), KGO.arm in single_valued_properties()
    (True, False)
    """
    shapes = load(*shape_files())
    found = set()
    for shape, count in shapes.subject_objects(SH.maxCount):
        path = shapes.value(shape, SH.path)
        if isinstance(count, Literal) and count.toPython() == 1 and isinstance(path, URIRef):
            found.add(path)
    return frozenset(found)


@lru_cache(maxsize=1)
def _concepts() -> dict[tuple[URIRef, str], URIRef]:
    """Index the ontology's concepts by (class, notation)."""
    ontology = load(*ontology_files())
    index: dict[tuple[URIRef, str], URIRef] = {}
    for node, code in ontology.subject_objects(SKOS.notation):
        if not isinstance(node, URIRef):
            continue
        for cls in ontology.objects(node, RDF.type):
            if isinstance(cls, URIRef):
                index[(cls, str(code))] = node
    return index
