"""Formatting result rows for people and programs: a table, JSON, CSV or TSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

__all__ = [
    "ROW_FORMATS",
    "RowFormat",
    "format_rows",
]

RowFormat = Literal["table", "json", "csv", "tsv"]
ROW_FORMATS: tuple[RowFormat, ...] = ("table", "json", "csv", "tsv")


def format_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: RowFormat = "table",
    *,
    max_width: int = 60,
) -> str:
    """Render rows (dicts keyed by column) in one of :data:`ROW_FORMATS`.

    ``json`` is one array of objects keyed by column name (unbound values are null); ``table``
    is a readable text table whose cells are cut at ``max_width`` characters. Values may be
    text or typed (:mod:`kg.query.results`): csv and tsv write numbers as Python writes them,
    booleans as ``true``/``false`` and an unbound value as an empty cell.

    :param rows: the rows
    :param columns: the column order
    :param fmt: table, json, csv or tsv
    :param max_width: the widest a table cell may be
    :returns: the text, ending with a newline

    >>> rows = [{"trial": "ALSummit", "p": "0.001"}, {"trial": "VALOR", "p": None}]
    >>> print(format_rows(rows, ["trial", "p"]), end="")
    trial     p
    --------  -----
    ALSummit  0.001
    VALOR
    >>> import json
    >>> json.loads(format_rows(rows, ["trial", "p"], "json"))[1]
    {'trial': 'VALOR', 'p': None}
    """
    if fmt == "json":
        ordered = [{column: row.get(column) for column in columns} for row in rows]
        return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(row.get(column)) for column in columns] for row in rows])
        return buffer.getvalue()
    return _table(rows, columns, max_width)


def _cell(value: Any) -> str:
    """Write one value for csv and tsv: ``true``/``false``, numbers as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(map(_cell, value))
    return str(value)


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], max_width: int) -> str:
    def cell(value: Any) -> str:
        text = " ".join(_cell(value).split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(row.get(column)) for column in columns] for row in rows]
    widths = [
        max([len(column), *(len(line[i]) for line in cells)]) for i, column in enumerate(columns)
    ]
    lines = [
        "  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True)),
        "  ".join("-" * width for width in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"
