"""Reading the graph's dates, whose datatype gives their precision: day, month or year."""

from __future__ import annotations

import datetime
import re

from rdflib.term import Node

__all__ = [
    "date_text",
    "to_date",
]

_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def to_date(value: Node | str | None) -> datetime.date | None:
    """Return the first day a date stands for: ``2024-12`` is 1 December 2024, ``2026`` 1 January.

    :param value: an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal, or its text
    :returns: the date, or None for None or text that is not a date

    >>> to_date("2024-12")
    datetime.date(2024, 12, 1)
    >>> to_date("2026"), to_date("2023-04-25"), to_date("soon")
    (datetime.date(2026, 1, 1), datetime.date(2023, 4, 25), None)
    """
    if value is None:
        return None
    match = _DATE.match(str(value).strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def date_text(value: Node | str | None, precision: str | None = None) -> str:
    """Return a date as people read it, at its precision; a quarter is shown as ``Q4 2025``.

    :param value: the date literal or text
    :param precision: the ``kgo:datePrecision`` label (``day``, ``month``, ``quarter``,
        ``year``), if stated
    :returns: the text, or ``""`` for None

    >>> date_text("2025-10", "quarter"), date_text("2024-12"), date_text(None)
    ('Q4 2025', '2024-12', '')
    """
    if value is None:
        return ""
    text = str(value)
    parsed = to_date(text)
    if precision == "quarter" and parsed is not None:
        return f"Q{(parsed.month - 1) // 3 + 1} {parsed.year}"
    return text
