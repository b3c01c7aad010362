"""Add an imported record's graph to a graph that may already hold curated facts about it.

The rule: a triple whose property the shapes allow only once (``sh:maxCount 1``: phase,
status, dates, counts, ...) is added only if its subject has no value for that property yet.
If the subject already has a different value, the imported value is recorded instead as a
``kgo:Claim`` (``rdf:subject``, ``rdf:predicate``, ``rdf:object``), derived from the record's
source and dated ``kgo:asOf`` the source's date; the existing value stays asserted and the
curators decide. A second ``rdfs:label`` becomes a ``skos:altLabel``. Everything else is
added as it is, so sources accumulate and merging the same graph twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence

from rdflib import PROV, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.importers.iris import local_name, slug
from kg.namespaces import KGO, KGR

__all__ = [
    "claim_iri",
    "merge_record",
]


def merge_record(
    record: Graph | Iterable[tuple[Node, Node, Node]],
    into: Graph,
    *,
    source: URIRef,
    single_valued: Collection[URIRef],
    claim_prefix: str = "claim-",
    also: Sequence[Graph] = (),
    as_claims: Collection[tuple[Node, Node, Node]] = (),
) -> int:
    """Add a record's triples to a graph, turning conflicting single values into claims.

    :param record: The triples of one imported record (a graph, or any iterable of triples).
    :param into: The graph to add to; it is changed in place.
    :param source: The record's ``kgo:Source``: claims are derived from it and dated by its
        ``kgo:date`` (if it has one).
    :param single_valued: The properties that allow one value (see
        :func:`kg.importers.vocab.single_valued_properties`).
    :param claim_prefix: How the local names of new claims begin.
    :param also: More graphs whose values count as existing, though nothing is added to them
        (for example the curated graph that ``into``, a staging graph, will later join).
    :param as_claims: Triples of the record to record as claims whatever ``into`` holds (a
        value that something newer supersedes); one that is already asserted stays as it is.
    :returns: How many claims were recorded.

    >>> from rdflib import Graph
    >>> from kg.namespaces import KGO, KGR
    >>> curated = Graph().add((KGR.NCT00000001, KGO.phase, KGO.Phase2))
    >>> imported = Graph().add((KGR.NCT00000001, KGO.phase, KGO.Phase3))
    >>> merge_record(imported, curated, source=KGR["src-x"], single_valued={KGO.phase})
    1
    >>> sorted(str(o).rsplit("#")[-1] for o in curated.objects(KGR.NCT00000001, KGO.phase))
    ['Phase2']
    >>> claim = curated.value(predicate=RDF.object, object=KGO.Phase3)
    >>> curated.value(claim, RDF.subject) == KGR.NCT00000001
    True
    """
    graphs = (into, *also)
    triples = list(record)
    as_of = next((o for s, p, o in triples if s == source and p == KGO.date), None)
    # Only a subject that some graph already describes can conflict: look the others up once.
    known = {s for s in {t[0] for t in triples} if any((s, None, None) in g for g in graphs)}
    claims = 0
    plain: list[tuple[Node, Node, Node, Graph]] = []
    for subject, predicate, obj in triples:
        triple = (subject, predicate, obj)
        if triple in as_claims and isinstance(subject, URIRef) and isinstance(predicate, URIRef):
            if not any(triple in g for g in graphs):
                _claim(into, subject, predicate, obj, source, as_of, claim_prefix)
                claims += 1
            continue
        if subject not in known:
            pass
        elif predicate in single_valued and isinstance(predicate, URIRef):
            existing = {o for g in graphs for o in g.objects(subject, predicate)}
            if existing and obj not in existing and isinstance(subject, URIRef):
                _claim(into, subject, predicate, obj, source, as_of, claim_prefix)
                claims += 1
                continue
        elif predicate == RDFS.label:
            labels = {o for g in graphs for o in g.objects(subject, RDFS.label)}
            if labels and obj not in labels:
                plain.append((subject, SKOS.altLabel, obj, into))
                continue
        plain.append((subject, predicate, obj, into))
    into.addN(plain)
    return claims


def claim_iri(subject: URIRef, predicate: URIRef, obj: Node, *, prefix: str = "claim-") -> URIRef:
    """Return the IRI of the claim that ``subject predicate obj`` (the same triple, the same IRI).

    The value part is the slug of the value's text (of an IRI's local name), or a hash of the
    value when its text is longer than 40 characters.

    >>> from kg.namespaces import KGO, KGR
    >>> claim_iri(KGR.NCT02552212, KGO.phase, KGO.Phase2, prefix="claim-ctgov-").n3()
    '<https://w3id.org/als-kg/resource/claim-ctgov-nct02552212-phase-phase2>'
    """
    text = local_name(obj) if isinstance(obj, URIRef) else str(obj)
    if len(text) <= 40:
        value = slug(text)
    else:  # a long text: its hash keeps the IRI short
        identity = obj.n3() if isinstance(obj, Identifier) else text
        value = hashlib.sha1(identity.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
    return KGR[f"{prefix}{slug(local_name(subject))}-{slug(local_name(predicate))}-{value}"]


def _claim(
    into: Graph,
    subject: URIRef,
    predicate: URIRef,
    obj: Node,
    source: URIRef,
    as_of: Node | None,
    prefix: str,
) -> None:
    """Record one claim."""
    node = claim_iri(subject, predicate, obj, prefix=prefix)
    into.add((node, RDF.type, KGO.Claim))
    into.add((node, RDF.subject, subject))
    into.add((node, RDF.predicate, predicate))
    into.add((node, RDF.object, obj))
    into.add((node, PROV.wasDerivedFrom, source))
    if isinstance(as_of, Literal):
        into.add((node, KGO.asOf, as_of))
