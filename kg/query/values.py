"""A query answer's terms as Python values: numbers, booleans, ISO dates, text.

=================================================  ==========================================
term                                               value
=================================================  ==========================================
``xsd:integer`` (and its kin)                      ``int``
``xsd:decimal``, ``xsd:double``, ``xsd:float``     ``float`` (``33.0`` and ``33`` alike)
``xsd:boolean``                                    ``bool``
``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``    ISO text of the first day (``2024-12-01``)
an IRI or any other literal                        its text
=================================================  ==========================================
"""

from __future__ import annotations

import math
import re
from typing import Any

from rdflib import XSD, Literal
from rdflib.term import Node

__all__ = [
    "precision",
    "typed_value",
]

_INTEGERS = frozenset(
    XSD[name]
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_REALS = frozenset({XSD.decimal, XSD.double, XSD.float})
_PRECISION = {XSD.date: "day", XSD.dateTime: "day", XSD.gYearMonth: "month", XSD.gYear: "year"}
_DATE_TEXT = re.compile(r"^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?")


def typed_value(term: Node | None) -> Any:
    """Return a term as a Python value for programs (see the module's table).

    >>> from rdflib import Literal, URIRef
    >>> typed_value(Literal("5", datatype=XSD.integer)), typed_value(Literal("33.0", datatype=XSD.decimal))
    (5, 33.0)
    >>> typed_value(Literal("true", datatype=XSD.boolean)), typed_value(URIRef("urn:x"))
    (True, 'urn:x')
    >>> typed_value(Literal("2024-12", datatype=XSD.gYearMonth)), typed_value(None)
    ('2024-12-01', None)
    """  # noqa: E501
    if term is None:
        return None
    if not isinstance(term, Literal) or term.datatype is None:
        return str(term)
    datatype = term.datatype
    text = str(term).strip()
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype in _REALS:
            number = float(text)
            return number if math.isfinite(number) else text
    except ValueError:
        return str(term)  # an ill-typed literal stays as written
    if datatype == XSD.boolean:
        return text in ("true", "1") if text in ("true", "false", "1", "0") else str(term)
    if datatype in (XSD.date, XSD.gYearMonth, XSD.gYear):
        match = _DATE_TEXT.match(text)
        if match:
            year, month, day = match.groups()
            return f"{year}-{month or '01'}-{day or '01'}"
    return str(term)


def precision(term: Node | None) -> str | None:
    """Say how precise a date is: ``day``, ``month`` or ``year``; None for anything else.

    >>> from rdflib import Literal
    >>> precision(Literal("2024-12", datatype=XSD.gYearMonth)), precision(Literal("x"))
    ('month', None)
    """
    if isinstance(term, Literal) and term.datatype in _PRECISION:
        return _PRECISION[term.datatype]
    return None
