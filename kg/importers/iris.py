"""Deterministic IRI pieces for imported nodes: slugs of names and local names of IRIs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.namespaces import KGR

__all__ = [
    "local_name",
    "slug",
]

_MAX = 60


def slug(text: str) -> str:
    """Turn a name into a short, lower-case, ASCII IRI piece; equal names give equal slugs.

    Accents are dropped, every run of other characters becomes ``-``. A long slug is cut and
    ends with a hash of the whole text, so two long names that share a beginning still differ.
    A name with no letter or digit becomes its hash.

    :param text: Any name, for example a sponsor or a condition.
    :returns: A string of ``a-z``, ``0-9`` and ``-``.

    >>> slug("Assistance Publique - Hôpitaux de Paris")
    'assistance-publique-hopitaux-de-paris'
    >>> slug("Caries, Dental")
    'caries-dental'
    >>> len(slug("x" * 200)) <= 60
    True
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    core = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    if not core:
        return digest
    if len(core) > _MAX:
        return core[: _MAX - 9].rstrip("-") + "-" + digest
    return core


def local_name(iri: URIRef) -> str:
    """Return the part of an IRI after the ``kgr:`` namespace, or after its last ``#`` or ``/``.

    >>> local_name(KGR["NCT02552212-arm-1"])
    'NCT02552212-arm-1'
    >>> local_name(URIRef("https://w3id.org/als-kg/ontology#phase"))
    'phase'
    """
    text = str(iri)
    if text.startswith(str(KGR)):
        return text[len(str(KGR)) :]
    return re.split(r"[#/]", text.rstrip("/#"))[-1]
