"""Stored SPARQL queries: one query per ``.rq`` file, with grlc-style ``#+`` metadata lines.

A stored query file stays plain SPARQL that any tool runs; its header is YAML behind ``#+``::

    #+ summary: Trials that missed their primary endpoint
    #+ tags: [trials, verdicts]
    #+ params:
    #+   trial: {type: resource, class: kgo:ClinicalStudy, example: ALSummit}
    #+ columns:
    #+   trial: the study IRI
    #+   sources: addresses of the sources
    #+ lists:
    #+   sources: " "

``lists`` names the columns that hold several values joined by a ``GROUP_CONCAT``, with the
separator the query joins them by. SPARQL leaves the order inside a ``GROUP_CONCAT`` free (it
changes with the store and the hash seed), so :func:`kg.query.sparql.run_query` sorts the values of
these columns, and the machine formats (:mod:`kg.query.results`) give them as lists.

The file name (without ``.rq``) is the query's name. Parameters are the query's ``?_name``
(required) and ``?__name`` (optional) variables, in the BASIL convention; the header describes
them, and the two must agree.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from rdflib import Variable
from rdflib.plugins.sparql import prepareQuery

from kg.errors import InputError, KgError
from kg.resources import asset_dir, sorted_files

__all__ = [
    "PARAMETER_TYPES",
    "Parameter",
    "QueryForm",
    "QueryRegistry",
    "StoredQuery",
    "UnknownQueryError",
    "default_registry",
    "describe_query",
    "parse_query_file",
    "parse_query_text",
    "query_body",
    "query_text",
]

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

#: The kinds of value a parameter takes. ``resource`` is resolved by name, registry id or IRI
#: to exactly one node of the graph (of ``class``, when given); the others are plain literals,
#: or ``iri`` for an IRI taken as it is.
PARAMETER_TYPES = ("resource", "iri", "string", "integer", "decimal", "date")

_HEADER = re.compile(r"^#\+ ?(.*)$")
_PARAMETER_VARIABLE = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9_]*)")
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class UnknownQueryError(KgError):
    """No stored query has the requested name; the message lists the valid names."""


@dataclass(frozen=True)
class Parameter:
    """A parameter of a stored query.

    :param name: the name users give (``trial`` for the variable ``?_trial``)
    :param type: one of :data:`PARAMETER_TYPES`
    :param description: what to give, in words
    :param example: an example value
    :param required: whether the query needs it (``?_name``) or can run without (``?__name``)
    :param resource_class: for ``resource`` parameters, the class the value must resolve to,
        as a CURIE or IRI (for example ``kgo:ClinicalStudy``)
    :param default: the value used when none is given, as typed; ``today`` for a ``date``
        parameter means the day the query runs (see :func:`kg.query.parameters.bind_parameters`)
    """

    name: str
    type: str = "string"
    description: str = ""
    example: str | None = None
    required: bool = True
    resource_class: str | None = None
    default: str | None = None

    @property
    def variable(self) -> str:
        """The SPARQL variable that carries the parameter.

        >>> Parameter("trial").variable, Parameter("agency", required=False).variable
        ('?_trial', '?__agency')
        """
        return f"?{'_' if self.required else '__'}{self.name}"


@dataclass(frozen=True)
class StoredQuery:
    """A stored SPARQL query with its metadata.

    :param name: the file stem, used to run it (``kg query NAME``)
    :param title: one line saying what it answers
    :param description: more detail
    :param tags: keywords
    :param params: its parameters, in header order
    :param columns: the result columns with their descriptions (SELECT queries)
    :param text: the SPARQL text, header included (still runnable by any SPARQL tool)
    :param form: SELECT, ASK, CONSTRUCT or DESCRIBE
    :param path: the file it was read from, if any
    :param lists: the columns that hold several values, with the separator between them
    :param order: the columns its ORDER BY sorts on, when each condition is a column (or
        ``STR`` of one): rows that tie on them are put in one fixed order by
        :func:`kg.query.sparql.run_query`; ``()`` without ORDER BY; None when a condition is an
        expression kg cannot follow
    """

    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Parameter, ...]
    columns: tuple[tuple[str, str], ...]
    text: str
    form: QueryForm
    path: Path | None = None
    lists: tuple[tuple[str, str], ...] = ()
    order: tuple[str, ...] | None = None

    def parameter(self, name: str) -> Parameter:
        """Return the parameter called ``name``.

        :raises KeyError: if the query has no such parameter
        """
        for parameter in self.params:
            if parameter.name == name:
                return parameter
        raise KeyError(name)


def parse_query_text(text: str, *, name: str, path: Path | None = None) -> StoredQuery:
    """Parse a stored query's text: its ``#+`` header and its SPARQL.

    :param text: the file's content
    :param name: the query's name
    :param path: the file, for error messages
    :returns: the parsed query
    :raises InputError: if the header is not YAML, the SPARQL does not parse, or the header's
        parameters and columns disagree with the query

    >>> q = parse_query_text('''#+ summary: Labels of one thing
    ... #+ params:
    ... #+   thing: {type: iri, description: the thing}
    ... SELECT ?label WHERE { ?_thing <http://www.w3.org/2000/01/rdf-schema#label> ?label }
    ... ''', name="labels")
    >>> q.title, q.form, [p.variable for p in q.params], q.columns
    ('Labels of one thing', 'SELECT', ['?_thing'], (('label', ''),))
    """
    where = str(path or name)
    header = _parse_header(text, where)
    try:
        prepared = prepareQuery(text)
    except Exception as error:  # rdflib raises pyparsing errors and others
        raise InputError(where, f"the SPARQL does not parse: {error}") from error
    form = _FORMS.get(prepared.algebra.name, "SELECT")
    params = _parse_params(header.get("params") or {}, where)
    _check_params_match_text(params, text, where)
    variables = prepared.algebra["PV"] if form == "SELECT" else []
    projection = [str(variable) for variable in variables]
    declared = header.get("columns") or {}
    if not isinstance(declared, dict):
        raise InputError(where, "'columns' in the header must map column names to descriptions")
    unknown = sorted(set(declared) - set(projection))
    if unknown:
        raise InputError(where, f"header columns not in the query's SELECT: {', '.join(unknown)}")
    hidden = sorted({p.variable.lstrip("?") for p in params} & set(projection))
    if hidden:
        raise InputError(where, f"parameters must not be projected: {', '.join(hidden)}")
    lists = _parse_lists(header.get("lists") or {}, projection, where)
    tags = header.get("tags") or []
    return StoredQuery(
        name=name,
        title=str(header.get("summary") or name),
        description=str(header.get("description") or "").strip(),
        tags=tuple(str(tag) for tag in tags),
        params=params,
        columns=tuple((column, str(declared.get(column, ""))) for column in projection),
        text=text,
        form=form,
        path=path,
        lists=lists,
        order=_order_columns(prepared.algebra, projection) if form == "SELECT" else None,
    )


def parse_query_file(path: str | Path) -> StoredQuery:
    """Read one stored query file; its name is the file stem.

    :param path: a ``.rq`` file
    :returns: the parsed query
    :raises InputError: if the file cannot be read or parsed

    >>> from kg.resources import query_files
    >>> parse_query_file(query_files()[0]).form
    'SELECT'
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(file, f"cannot read the query file: {error}") from error
    return parse_query_text(text, name=file.stem, path=file)


class QueryRegistry(Mapping[str, StoredQuery]):
    """The stored queries of one or more folders, by name.

    >>> registry = default_registry()
    >>> "trials-missed-primary-endpoint" in registry
    True
    """

    def __init__(self, queries: Mapping[str, StoredQuery]) -> None:
        """Hold the given queries (use :meth:`from_directory` to read a folder)."""
        self._queries = dict(sorted(queries.items()))

    @classmethod
    def from_directory(cls, *folders: str | Path) -> QueryRegistry:
        """Read every ``*.rq`` file in the folders; a later folder's query overrides an earlier one.

        :param folders: folders of ``.rq`` files
        :returns: the registry
        :raises InputError: if a folder is missing or a query file is malformed
        """
        queries: dict[str, StoredQuery] = {}
        for folder in map(Path, folders):
            if not folder.is_dir():
                raise InputError(folder, "no such folder of stored queries")
            for file in sorted_files(folder, "*.rq"):
                query = parse_query_file(file)
                queries[query.name] = query
        return cls(queries)

    def __getitem__(self, name: str) -> StoredQuery:
        """Return the query called ``name``.

        :raises UnknownQueryError: naming the valid choices, if there is none
        """
        try:
            return self._queries[name]
        except KeyError:
            choices = ", ".join(self._queries) or "(none)"
            raise UnknownQueryError(
                f"no stored query named {name!r}; choose one of: {choices}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        """Iterate over the query names, sorted."""
        return iter(self._queries)

    def __len__(self) -> int:
        """Return the number of queries."""
        return len(self._queries)


def default_registry() -> QueryRegistry:
    """Return the registry of the stored queries shipped with kg.

    The files are read and parsed once per process (parsing all of them takes a good part
    of a second); the registry is immutable, so sharing it is safe.

    >>> len(default_registry()) >= 17
    True
    >>> default_registry() is default_registry()
    True
    """
    return _registry_of(asset_dir("queries"))


def query_body(query: StoredQuery) -> str:
    """Return a stored query's SPARQL without its ``#+`` metadata header.

    >>> query_body(default_registry()["trial-results"]).startswith("PREFIX kgo:")
    True
    """
    lines = query.text.splitlines()
    start = 0
    while start < len(lines) and _HEADER.match(lines[start]):
        start += 1
    return "\n".join(lines[start:]).strip() + "\n"


def describe_query(query: StoredQuery) -> dict[str, Any]:
    """Describe a stored query as JSON-ready data: what ``kg queries --format json`` prints.

    >>> described = describe_query(default_registry()["trial-results"])
    >>> described["params"][0]["name"], described["sparql"].startswith("PREFIX")
    ('trial', True)
    """
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "description": p.description,
                "example": p.example,
                "default": p.default,
            }
            for p in query.params
        ],
        "columns": [name for name, _ in query.columns],
        "lists": [name for name, _ in query.lists],
        "sparql": query_body(query),
    }


def query_text(query: StoredQuery) -> str:
    """Describe a stored query for people: what it answers, its parameters, columns and SPARQL.

    >>> text = query_text(default_registry()["trial-results"])
    >>> "kg query trial-results -p trial=ALSummit" in text and "SELECT DISTINCT" in text
    True
    """
    lines = [f"{query.name}: {query.title}", ""]
    if query.description:
        lines += [textwrap.fill(query.description, width=96), ""]
    if query.params:
        lines.append("Parameters:")
        for p in query.params:
            kind = p.type + (f" ({p.resource_class})" if p.resource_class else "")
            need = "required" if p.required else "optional"
            example = f"; example: {p.example}" if p.example is not None else ""
            lines.append(f"  {p.name}: {p.description} [{kind}, {need}{example}]")
        lines.append("")
    if query.columns:
        lists = dict(query.lists)
        lines.append("Columns:")
        for name, description in query.columns:
            several = " (a list)" if name in lists else ""
            lines.append(f"  {name}: {description}{several}")
        lines.append("")
    examples = " ".join(
        f"-p {p.name}={_quoted(p.example)}" for p in query.params if p.required and p.example
    )
    lines += [f"Run it with: kg query {query.name} {examples}".rstrip(), "", "SPARQL:", ""]
    return "\n".join(lines) + query_body(query)


def _quoted(value: str) -> str:
    return value if re.fullmatch(r"[\w.:/-]+", value) else f"'{value}'"


@functools.cache
def _registry_of(folder: Path) -> QueryRegistry:
    return QueryRegistry.from_directory(folder)


def _parse_header(text: str, where: str) -> dict[str, Any]:
    lines = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            lines.append(match.group(1))
        elif line.strip() and not line.startswith("#"):
            break
    try:
        header = yaml.safe_load("\n".join(lines)) if lines else {}
    except yaml.YAMLError as error:
        raise InputError(where, f"the '#+' header is not valid YAML: {error}") from error
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise InputError(where, "the '#+' header must be a YAML mapping (key: value lines)")
    return header


def _parse_params(spec: Any, where: str) -> tuple[Parameter, ...]:
    if not isinstance(spec, dict):
        raise InputError(where, "'params' in the header must map parameter names to settings")
    params = []
    for name, settings in spec.items():
        settings = settings or {}
        if not isinstance(settings, dict):
            raise InputError(where, f"parameter {name!r}: settings must be a mapping")
        kind = str(settings.get("type", "string"))
        if kind not in PARAMETER_TYPES:
            choices = ", ".join(PARAMETER_TYPES)
            raise InputError(where, f"parameter {name!r}: unknown type {kind!r} ({choices})")
        example = settings.get("example")
        default = settings.get("default")
        params.append(
            Parameter(
                name=str(name),
                type=kind,
                description=str(settings.get("description", "")),
                example=None if example is None else str(example),
                required=bool(settings.get("required", True)),
                resource_class=settings.get("class"),
                default=None if default is None else str(default),
            )
        )
    return tuple(params)


def _order_columns(algebra: Any, projection: list[str]) -> tuple[str, ...] | None:
    """Name the projected columns an ORDER BY sorts on (see ``StoredQuery.order``)."""
    node = algebra
    while node is not None and getattr(node, "name", None) not in ("OrderBy", "ToMultiSet"):
        node = node.get("p") if hasattr(node, "get") else None
    if node is None or node.name != "OrderBy":
        return ()
    columns = []
    for condition in node.expr:
        expression = condition.get("expr") if condition.name == "OrderCondition" else condition
        if getattr(expression, "name", None) == "Builtin_STR":
            expression = expression.get("arg")
        if not isinstance(expression, Variable) or str(expression) not in projection:
            return None
        columns.append(str(expression))
    return tuple(columns)


def _parse_lists(spec: Any, projection: list[str], where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(spec, dict) or not all(
        isinstance(separator, str) and separator for separator in spec.values()
    ):
        raise InputError(where, "'lists' in the header must map column names to separators")
    unknown = sorted(set(spec) - set(projection))
    if unknown:
        raise InputError(where, f"'lists' names columns not in the SELECT: {', '.join(unknown)}")
    return tuple((str(column), separator) for column, separator in spec.items())


def _check_params_match_text(params: tuple[Parameter, ...], text: str, where: str) -> None:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    in_text = {f"?{'_' * len(m.group(1))}{m.group(2)}" for m in _PARAMETER_VARIABLE.finditer(body)}
    declared = {parameter.variable for parameter in params}
    if in_text != declared:
        missing = sorted(in_text - declared)
        extra = sorted(declared - in_text)
        detail = []
        if missing:
            detail.append(f"used in the query but not in the header: {', '.join(missing)}")
        if extra:
            detail.append(f"in the header but not used in the query: {', '.join(extra)}")
        raise InputError(where, "parameters disagree; " + "; ".join(detail))
