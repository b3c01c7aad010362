"""Limits on a registry record's size and nesting, checked before it is parsed.

Python's JSON parser recurses once per level of nesting: a record nested a few thousand
levels deep (``{"protocolSection": {"protocolSection": ...}}``) would end in a
``RecursionError`` half-way through an import. These checks run on the raw bytes first, so
such a file is refused with a clear :class:`~kg.errors.InputError` naming it.

================  ===============================  ==========================================
limit             value                            real records (``shared/data/ctgov*``)
================  ===============================  ==========================================
nesting depth     :data:`MAX_DEPTH` (64 levels)    at most 11 (JSON and XML)
file size         :data:`MAX_BYTES` (256 MiB)      at most 175 kB a record; an API page holds
                                                   up to 1,000 records
================  ===============================  ==========================================
"""

from __future__ import annotations

import os
import re
from xml.parsers import expat

from kg.errors import InputError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "check_json",
    "check_size",
    "check_xml",
]

#: The deepest nesting a record may have: JSON objects and arrays, or XML elements.
MAX_DEPTH = 64
#: The largest record file, in bytes.
MAX_BYTES = 256 * 2**20

# A JSON string (skipped whole, so brackets inside it do not count) or one bracket.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def check_size(size: int, *, source: str | os.PathLike[str], limit: int = MAX_BYTES) -> None:
    """Refuse a record file larger than ``limit`` bytes.

    >>> check_size(10, source="x.json")
    >>> check_size(2**40, source="x.json")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: x.json: too large: 1099511627776 bytes (the limit is 268435456)
    """
    if size > limit:
        raise InputError(source, f"too large: {size} bytes (the limit is {limit})")


def check_json(
    content: bytes, *, source: str | os.PathLike[str], max_depth: int = MAX_DEPTH
) -> None:
    """Refuse JSON nested deeper than ``max_depth`` (or larger than :data:`MAX_BYTES`).

    Only brackets outside strings count; a syntax error is left to the JSON parser, which
    names its line.

    >>> check_json(b'{"a": [1, {"b": "[[[["}]}', source="x.json", max_depth=3)
    >>> check_json(b'[' * 5 + b']' * 5, source="x.json", max_depth=3)
    Traceback (most recent call last):
    ...
    kg.errors.InputError: x.json, line 1: nested deeper than 3 levels (objects and arrays)
    """
    check_size(len(content), source=source)
    depth = 0
    for token in _JSON_TOKEN.finditer(content):
        bracket = token.group()
        if bracket in (b"{", b"["):
            depth += 1
            if depth > max_depth:
                line = content.count(b"\n", 0, token.start()) + 1
                raise InputError(
                    source,
                    f"nested deeper than {max_depth} levels (objects and arrays)",
                    line=line,
                )
        elif bracket in (b"}", b"]"):
            depth -= 1


def check_xml(
    content: bytes, *, source: str | os.PathLike[str], max_depth: int = MAX_DEPTH
) -> None:
    """Refuse XML whose elements nest deeper than ``max_depth`` (or larger than :data:`MAX_BYTES`).

    A syntax error is left to the XML parser, which names its line.

    >>> check_xml(b"<a><b><c/></b></a>", source="x.xml", max_depth=3)
    >>> check_xml(b"<a>" * 5, source="x.xml", max_depth=3)
    Traceback (most recent call last):
    ...
    kg.errors.InputError: x.xml, line 1: elements nested deeper than 3 levels
    """
    check_size(len(content), source=source)
    parser = expat.ParserCreate()
    depth = 0

    def start(_name: str, _attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise InputError(
                source,
                f"elements nested deeper than {max_depth} levels",
                line=parser.CurrentLineNumber,
            )

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(content, True)
    except expat.ExpatError:
        pass  # the XML parser proper reports it, with its line
    except LookupError as error:  # <?xml encoding="..."?> that Python does not know
        raise InputError(source, f"XML in an unknown encoding: {error}", line=1) from None
