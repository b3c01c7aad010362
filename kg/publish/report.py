"""A static HTML report of the graph: the pipeline and a page per therapy, for offline reading."""

from __future__ import annotations

import datetime
import html
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import PROV, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.analysis.conflicts import Conflict, conflicting_claims
from kg.analysis.provenance import source_kind, source_url, sources_of
from kg.analysis.stats import data_date
from kg.analysis.timeline import TimelineItem, timeline, verdict_text
from kg.dates import date_text
from kg.errors import KgError
from kg.graph.network import local_name, node_label
from kg.graph.oxigraph import triple_count
from kg.namespaces import KGO
from kg.publish.pictures import evidence_svg, timeline_svg
from kg.query.sparql import Row, result_rows, run_query

__all__ = [
    "MARKER_FILE",
    "GlossaryEntry",
    "authorisations",
    "build_report",
    "glossary",
    "therapy_slug",
]

#: The file ``kg report`` leaves in a folder it wrote: the names of the files it wrote there.
MARKER_FILE = ".kg-report"

# Links from a therapy's trials to the parts whose claims and sources the page shows.
_PARTS = (
    KGO.arm,
    KGO.endpoint,
    KGO.enrollment,
    KGO.result,
    KGO.treatmentGroup,
    KGO.comparatorGroup,
    KGO.population,
    KGO.dosing,
)
_VERDICT_CLASSES: dict[Node, str] = {KGO.PrimaryMet: "met", KGO.PrimaryMissed: "missed"}

# How a result's own verdict reads: for a pre-specified analysis, and for any other.
_PRE_SPECIFIED_WORDS: dict[Node, str] = {
    KGO.Met: "met",
    KGO.NotMet: "not met",
    KGO.Descriptive: "descriptive (no test)",
    KGO.NotReported: "no test reported",
}
_OTHER_WORDS: dict[Node, str] = {
    KGO.Met: "nominally significant",
    KGO.NotMet: "not significant",
    KGO.Descriptive: "descriptive (no test)",
    KGO.NotReported: "no test reported",
}
# Analyses that are not a pre-specified test of an endpoint in the whole trial population.
_APART = {KGO.PostHocAnalysis, KGO.PostHocSubgroupAnalysis, KGO.PreSpecifiedSubgroupAnalysis}

# An abbreviation: one word of letters, digits and hyphens with two capitals or more.
_ABBREVIATION = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9][A-Za-z0-9-]{1,11}$")


@dataclass(frozen=True)
class GlossaryEntry:
    """An abbreviation, what it stands for, and (when the graph has one) its definition."""

    abbreviation: str
    expansion: str
    definition: str


@dataclass(frozen=True)
class Authorisation:
    """A marketing authorisation or withdrawal in one jurisdiction: kind, date, withdrawn.

    ``condition`` names the condition it covers where that is not ALS/MND itself.
    """

    jurisdiction: str
    kind: str
    when: str
    withdrawal: bool
    condition: str = ""

    def text(self) -> str:
        """Say it in words: ``United States (accelerated approval, 2023-04-25)``.

        >>> Authorisation("Japan", "approval", "2024-09", False, "another disease").text()
        'Japan (approval for another disease, 2024-09)'
        """
        kind = f"{self.kind} for {self.condition}" if self.condition else self.kind
        details = ", ".join(part for part in (kind, self.when) if part)
        return f"{self.jurisdiction} ({details})" if details else self.jurisdiction


def therapy_slug(therapy: Node) -> str:
    """Return the file name stem of a therapy's page: its IRI's local name, made safe.

    >>> from kg.namespaces import KGR
    >>> therapy_slug(KGR["lenzumestrocel"]), therapy_slug(KGR["Edaravone (oral)"])
    ('lenzumestrocel', 'edaravone-oral')
    """
    return re.sub(r"[^a-z0-9]+", "-", local_name(therapy).lower()).strip("-") or "therapy"


def glossary(graph: Graph) -> dict[str, GlossaryEntry]:
    """Return the abbreviations the graph explains, by abbreviation.

    A node explains an abbreviation when one of its labels (``rdfs:label``, ``skos:prefLabel``,
    ``skos:altLabel``) is an abbreviation (one word, two capitals or more: ``ALSFRS-R``,
    ``NfL``) and another is not: that one is the expansion (its ``rdfs:label`` first, then
    ``skos:prefLabel``, then the first ``skos:altLabel``). The definition is the node's
    ``skos:definition``. Vocabulary terms (``kgo:``) and regulatory agencies count; names of
    trials, companies and therapies do not. Where two nodes explain the same abbreviation the
    first by IRI wins, so the glossary does not change from run to run.

    >>> from kg.graph.io import load_curated
    >>> terms = glossary(load_curated())
    >>> terms["ALSFRS-R"].expansion, terms["FDA"].expansion
    ('ALS Functional Rating Scale-Revised', 'U.S. Food and Drug Administration')
    """
    candidates = {
        node
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        for node in graph.subjects(prop, None)
        if isinstance(node, URIRef)
        and (str(node).startswith(str(KGO)) or (node, RDF.type, KGO.RegulatoryAgency) in graph)
    }
    found: dict[str, GlossaryEntry] = {}
    for node in sorted(candidates, key=str):
        labels = {
            prop: sorted(
                str(value)
                for value in graph.objects(node, prop)
                if isinstance(value, Literal) and (value.language or "en").startswith("en")
            )
            for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        }
        every = [label for values in labels.values() for label in values]
        expansions = [label for label in every if not _ABBREVIATION.match(label) and " " in label]
        if not expansions:
            continue
        definition = graph.value(node, SKOS.definition)
        for abbreviation in sorted({label for label in every if _ABBREVIATION.match(label)}):
            found.setdefault(
                abbreviation,
                GlossaryEntry(
                    abbreviation=abbreviation,
                    expansion=expansions[0],
                    definition="" if definition is None else str(definition),
                ),
            )
    return found


def authorisations(graph: Graph, therapy: Node) -> list[Authorisation]:
    """Return where a therapy was authorised (any kind) or withdrawn, by date and jurisdiction.

    Only events that occurred count (a planned approval is not an approval). The kind is the
    event kind's short label (``accelerated approval``); the date is at its precision; an
    authorisation for another condition than ALS/MND (``kgo:forCondition``) names it.

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> [a.text() for a in authorisations(load_curated(), KGR["tofersen"])][:1]
    ['United States (accelerated approval, 2023-04-25)']
    """
    kinds = set(graph.transitive_subjects(SKOS.broader, KGO.MarketingAuthorisation))
    kinds.add(KGO.MarketWithdrawal)
    found: dict[tuple[str, str, bool, str], list[tuple[str, str]]] = {}
    for event in graph.subjects(KGO.therapy, therapy):
        kind = graph.value(event, KGO.eventKind)
        if kind is None or kind not in kinds:
            continue
        if (event, KGO.eventStatus, KGO.Occurred) not in graph:
            continue
        value = graph.value(event, KGO.date)
        precision = graph.value(event, KGO.datePrecision)
        when = date_text(value, None if precision is None else node_label(graph, precision))
        kind_label = str(graph.value(kind, SKOS.prefLabel) or node_label(graph, kind))
        places = {node_label(graph, place) for place in graph.objects(event, KGO.jurisdiction)}
        condition = _joined(graph, event, KGO.forCondition)
        for place in places or {"jurisdiction not stated"}:
            key = (place, kind_label, kind == KGO.MarketWithdrawal, condition)
            found.setdefault(key, []).append((str(value or ""), when))
    # One entry per jurisdiction and kind, its dates joined; entries in order of first date.
    return [
        Authorisation(
            jurisdiction=place,
            kind=kind_label,
            when=", ".join(when for _, when in sorted(set(dates)) if when),
            withdrawal=withdrawal,
            condition=condition,
        )
        for (place, kind_label, withdrawal, condition), dates in sorted(
            found.items(), key=lambda item: (min(item[1]), item[0])
        )
    ]


def build_report(
    graph: Graph, out_dir: str | os.PathLike[str], *, today: datetime.date | None = None
) -> Path:
    """Write the report: ``index.html``, a ``<slug>.html`` per therapy, its pictures, a stylesheet.

    The index lists the pipeline (therapy, sponsor, modality, status, where approved or
    withdrawn, last event; status and last event as the stored query ``pipeline-status``
    gives them). Each therapy page shows its trials (what was pre-specified and what happened
    first, post hoc and subgroup analyses apart), its regulatory timeline (a chart and a
    table; planned events are marked "planned"), its evidence picture, the claims sources
    disagree on (in a box of their own), its sources as a numbered list that the page's
    ``[n]`` markers point to, and a glossary of the abbreviations it uses. The pages need no
    network: no scripts, no web fonts, only local SVG pictures and one stylesheet. The index
    says the graph's data date, each therapy page the day its file was last reviewed, and both
    list what needs checking as of ``today`` (the stored query ``needs-checking``), each with
    its reason; an overdue plan is marked "overdue", not "planned".

    The report is built in a temporary folder next to ``out_dir`` and moved into place. The
    folder must be new, empty, or one this function wrote before (it leaves a
    :data:`MARKER_FILE` listing the files it wrote); anything else stops it with a
    :class:`kg.errors.KgError` before a file is touched.

    :param graph: the graph, such as :func:`kg.graph.io.load_curated`'s
    :param out_dir: the folder to write
    :param today: the day to check overdue and stale records for; the system's date by default
    :returns: the path of ``index.html``
    :raises KgError: when ``out_dir`` holds files this function did not write

    >>> import tempfile
    >>> from kg.graph.io import load
    >>> from kg.resources import asset_dir, ontology_files
    >>> graph = load(*ontology_files(), asset_dir("data") / "tofersen.ttl")
    >>> site = Path(tempfile.mkdtemp()) / "site"
    >>> index = build_report(graph, site, today=datetime.date(2026, 12, 5))
    >>> "tofersen.html" in index.read_text(encoding="utf-8")
    True
    """
    target = Path(out_dir).resolve()
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        written = _write_site(graph, staging, today or datetime.date.today())
        (staging / MARKER_FILE).write_text(
            "".join(f"{name}\n" for name in sorted(written)), encoding="utf-8"
        )
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target / "index.html"


def _check_target(target: Path) -> None:
    """Refuse a folder that holds anything the report did not write there."""
    if target.exists() and not target.is_dir():
        raise KgError(f"{target}: not a folder; kg report writes a folder of pages")
    if not target.is_dir():
        return
    present = sorted(path.name for path in target.iterdir())
    marker = target / MARKER_FILE
    ours = set(marker.read_text(encoding="utf-8").split("\n")) if marker.is_file() else set()
    foreign = [name for name in present if name != MARKER_FILE and name not in ours]
    if foreign:
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        shown = ", ".join(foreign[:5]) + more
        raise KgError(
            f"{target}: the folder holds files kg report did not write ({shown}); "
            "choose a new or empty folder (nothing was changed)"
        )


def _write_site(graph: Graph, folder: Path, today: datetime.date) -> list[str]:
    """Write every file of the report into a folder; return the names written."""
    environment = Environment(
        loader=PackageLoader("kg.publish", "report_assets"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    stylesheet = files("kg.publish") / "report_assets" / "style.css"
    (folder / "style.css").write_text(stylesheet.read_text(encoding="utf-8"), encoding="utf-8")
    written = ["style.css"]
    reviewed = data_date(graph)
    checks = _needs_checking(graph, today)
    common = {
        "triples": triple_count(graph),
        "data_date": None if reviewed is None else reviewed.isoformat(),
        "checked_on": today.isoformat(),
    }
    terms = glossary(graph)
    conflicts = conflicting_claims(graph)  # once for the site, not once per page
    pipeline = _pipeline(graph, today)
    for row in pipeline:
        therapy = row["node"]
        slug = therapy_slug(therapy)
        page = _therapy_page(graph, therapy, row, conflicts)
        numbers = {str(entry["node"]): n for n, entry in enumerate(page["sources"], start=1)}
        drawn = (
            timeline_svg(graph, therapy, folder / f"{slug}-timeline.svg"),
            evidence_svg(graph, therapy, folder / f"{slug}-evidence.svg", source_numbers=numbers),
        )
        pictures = {
            name: picture.name
            for name, picture in zip(("timeline", "evidence"), drawn, strict=True)
            if picture is not None
        }
        written.extend(pictures.values())
        _render(
            environment,
            "therapy.html.j2",
            folder / f"{slug}.html",
            terms,
            **common,
            **page,
            pictures=pictures,
            checks=[check for check in checks if check["therapy"] == str(therapy)],
            overdue={check["item"] for check in checks if check["check"] == "overdue plan"},
            last_reviewed=_last_reviewed(graph, therapy),
        )
        written.append(f"{slug}.html")
    index = folder / "index.html"
    _render(
        environment, "index.html.j2", index, terms, **common, therapies=pipeline, checks=checks
    )
    written.append("index.html")
    return written


def _needs_checking(graph: Graph, today: datetime.date) -> list[Row]:
    """Return the rows of the stored query ``needs-checking`` as of ``today``."""
    return result_rows(run_query(graph, "needs-checking", {"asOf": today.isoformat()}))


def _last_reviewed(graph: Graph, therapy: Node) -> str | None:
    """Return the day the therapy's file was last reviewed (``kgo:lastReviewed``), if stated."""
    dates = sorted(str(value) for value in graph.objects(therapy, KGO.lastReviewed))
    return dates[-1] if dates else None


def _render(
    environment: Environment,
    template: str,
    path: Path,
    terms: dict[str, GlossaryEntry],
    **data: Any,
) -> None:
    """Render a page, add the glossary of the abbreviations it uses, and mark them ``<abbr>``."""
    page = environment.get_template(template)
    used: list[str] = []
    while True:  # the glossary's own definitions may use more abbreviations: explain those too
        text = page.render(**data, glossary=[terms[name] for name in used])
        now = _abbreviations_in(text, terms)
        if now == used:
            break
        used = now
    path.write_text(_mark_abbreviations(text, {name: terms[name] for name in used}), "utf-8")


def _text_parts(page: str) -> list[tuple[bool, str]]:
    """Split a page into (readable, piece): readable is text outside tags, title and abbr."""
    parts: list[tuple[bool, str]] = []
    skip = 0
    for piece in re.split(r"(<[^>]*>)", page):
        if piece.startswith("<"):
            name = re.match(r"</?([a-zA-Z0-9]+)", piece)
            tag = name.group(1).lower() if name else ""
            if tag in ("title", "abbr", "style"):
                skip += -1 if piece.startswith("</") else 1
            parts.append((False, piece))
        else:
            parts.append((skip == 0, piece))
    return parts


def _pattern(abbreviations: list[str]) -> re.Pattern[str]:
    """Match any of the abbreviations as a whole word (not inside ``SOD1-ALS`` or a URL)."""
    words = "|".join(re.escape(word) for word in sorted(abbreviations, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![\w./-])(?:{words})(?![\w/-]|\.\w)")


def _abbreviations_in(page: str, terms: dict[str, GlossaryEntry]) -> list[str]:
    """Return the glossary's abbreviations that a page's readable text uses, sorted."""
    if not terms:
        return []
    pattern = _pattern(list(terms))
    found = {
        match.group(0)
        for readable, piece in _text_parts(page)
        if readable
        for match in pattern.finditer(html.unescape(piece))
    }
    return sorted(found, key=str.casefold)


def _mark_abbreviations(page: str, terms: dict[str, GlossaryEntry]) -> str:
    """Wrap each use of an abbreviation in ``<abbr title="expansion">``."""
    if not terms:
        return page
    pattern = _pattern(list(terms))

    def mark(match: re.Match[str]) -> str:
        title = html.escape(terms[match.group(0)].expansion, quote=True)
        return f'<abbr title="{title}">{match.group(0)}</abbr>'

    return "".join(
        pattern.sub(mark, piece) if readable else piece for readable, piece in _text_parts(page)
    )


def _replace(staging: Path, target: Path) -> None:
    """Move a finished folder into place, replacing the old one only once the new one is ready."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _pipeline(graph: Graph, today: datetime.date) -> list[dict[str, Any]]:
    """Return the index rows: therapy, brands, developers, modality, status, approvals, last event.

    Status and latest event are the stored query ``pipeline-status``'s, so the report and a
    pipeline page built from the query agree (the query needs a therapy's name, which the
    shapes require). A therapy the query gives more than one row gets one index row with the
    values joined. Brands, developers and modality are the therapy's own, sorted.
    """
    columns = ("status", "statusAsOf", "latestDate", "latestEvent")
    found: dict[str, dict[str, list[str]]] = {}
    for answer in result_rows(run_query(graph, "pipeline-status", today=today)):
        values = found.setdefault(str(answer["therapy"]), {})
        for column in columns:
            value = answer[column]
            if value and value not in values.setdefault(column, []):
                values[column].append(value)
    rows: list[dict[str, Any]] = []
    for therapy in set(graph.subjects(RDF.type, KGO.Therapy)):
        values = found.get(str(therapy), {})
        decisions = authorisations(graph, therapy)
        rows.append(
            {
                "node": therapy,
                "label": node_label(graph, therapy),
                "brands": _joined(graph, therapy, KGO.brandName),
                "developers": _joined(graph, therapy, KGO.developer),
                "modality": _joined(graph, therapy, KGO.modality),
                **{column: ", ".join(values.get(column, [])) for column in columns},
                "approved": [item.text() for item in decisions if not item.withdrawal],
                "withdrawn": [item.text() for item in decisions if item.withdrawal],
                "page": f"{therapy_slug(therapy)}.html",
            }
        )
    return sorted(rows, key=lambda row: str(row["label"]).casefold())


def _joined(graph: Graph, node: Node, prop: Node) -> str:
    """Return the labels (or text) of a property's values, sorted and joined with commas."""
    return ", ".join(
        sorted(
            {
                node_label(graph, value) if not isinstance(value, Literal) else str(value)
                for value in graph.objects(node, prop)
            }
        )
    )


class _Numbering:
    """The page's Sources list, and the number of each source on it (1 is the first entry)."""

    def __init__(self, graph: Graph, sources: list[dict[str, Any]]) -> None:
        self.graph = graph
        self.entries = sources
        self.numbers = {entry["node"]: index for index, entry in enumerate(sources, start=1)}

    def marks(self, sources: list[Node]) -> list[dict[str, Any]]:
        """Return the markers of sources, each its entry number and title, in number order."""
        for source in sources:
            if source not in self.numbers:  # not reached by the page's parts: list it too
                self.entries.append(_source_entry(self.graph, source))
                self.numbers[source] = len(self.entries)
        return sorted(
            (
                {"number": self.numbers[source], "title": node_label(self.graph, source)}
                for source in set(sources)
            ),
            key=lambda mark: mark["number"],
        )

    def marks_for_urls(self, urls: object) -> list[dict[str, Any]]:
        """Return markers for sources given by address (a conflict's sides)."""
        if not isinstance(urls, list):
            return []
        nodes = [
            source
            for url in urls
            for source in sorted(
                {
                    *self.graph.subjects(KGO.url, URIRef(url)),
                    *self.graph.subjects(KGO.url, Literal(url)),
                },
                key=lambda node: (node not in self.numbers, str(node)),
            )[:1]
        ]
        return self.marks(nodes)


def _therapy_page(
    graph: Graph, therapy: Node, row: dict[str, Any], conflicts: list[Conflict]
) -> dict[str, Any]:
    """Collect what a therapy's page shows."""
    trials = sorted(graph.subjects(KGO.tests, therapy), key=lambda t: node_label(graph, t))
    events = list(graph.subjects(KGO.therapy, therapy))
    nodes = _parts(graph, [therapy, *trials, *events])
    numbering = _Numbering(graph, _sources(graph, nodes))
    mechanism = graph.value(therapy, KGO.mechanism)
    items = timeline(graph, therapy)
    return {
        "therapy": {**row, "mechanism": None if mechanism is None else str(mechanism)},
        "trials": [_trial(graph, trial, numbering) for trial in trials],
        "events": [
            {
                "when": item.when,
                "planned": item.planned,
                "iri": item.iri,
                "label": item.label,
                "kind": item.detail,
                "sources": numbering.marks(sources_of(graph, URIRef(item.iri))),
            }
            for item in items
            if item.kind == "event"
        ],
        "timeline_items": [
            {"when": item.when, "kind": item.kind, "words": _timeline_words(item)}
            for item in items
        ],
        "evidence_steps": _evidence_steps(graph, therapy, numbering),
        "conflicts": _conflicts(conflicts, nodes, numbering),
        "sources": numbering.entries,
    }


def _timeline_words(item: TimelineItem) -> str:
    """Say a timeline item in words, for the picture's text alternative.

    >>> import datetime
    >>> day = datetime.date(2023, 3, 31)
    >>> _timeline_words(TimelineItem("urn:t", "readout", "X", day, detail="missed", when="2023"))
    '2023: X read out: missed'
    """
    if item.kind == "trial":
        until = f", until {item.end.isoformat()}" if item.end else ""
        estimated = " (dates partly estimated)" if item.estimated else ""
        return f"{item.when}: {item.label} started{until}{estimated}"
    if item.kind == "readout":
        return f"{item.when}: {item.label} read out: {item.detail}"
    planned = "planned: " if item.planned else ""
    kind = f" ({item.detail})" if item.detail else ""
    return f"{item.when}: {planned}{item.label}{kind}"


def _evidence_steps(graph: Graph, therapy: Node, numbering: _Numbering) -> list[dict[str, Any]]:
    """Return the evidence picture in words: each event and what it rests on, with sources."""
    from kg.analysis.evidence import evidence_graph

    chain = evidence_graph(graph, therapy)
    steps = []
    for node, data in chain.nodes(data=True):
        if data.get("kind") != "RegulatoryEvent":
            continue
        rests = [
            {
                "label": chain.nodes[child].get("label", child),
                "sources": numbering.marks(
                    [
                        URIRef(leaf)
                        for leaf in chain.successors(child)
                        if chain.nodes[leaf].get("kind") == "Source"
                    ]
                ),
            }
            for child in chain.successors(node)
            if chain.nodes[child].get("kind") != "Source"
        ]
        steps.append(
            {
                "label": data.get("label", node),
                "planned": data.get("status") == "planned",
                "rests": sorted(rests, key=lambda rest: str(rest["label"])),
            }
        )
    return sorted(steps, key=lambda step: str(step["label"]))


def _trial(graph: Graph, trial: Node, numbering: _Numbering) -> dict[str, Any]:
    """Collect a trial's card: what was pre-specified and what happened, then the rest apart."""
    verdict = graph.value(trial, KGO.primaryEndpointVerdict)
    dates = [
        f"{label} {graph.value(trial, prop)}"
        for prop, label in (
            (KGO.startDate, "started"),
            (KGO.estimatedStartDate, "expected to start"),
            (KGO.toplineDate, "readout"),
            (KGO.stopDate, "stopped"),
            (KGO.completionDate, "completed"),
            (KGO.estimatedCompletionDate, "expected completion (estimated)"),
        )
        if graph.value(trial, prop) is not None
    ]
    results = [
        _result(graph, result, numbering)
        for result in sorted(
            set(graph.subjects(KGO.resultOf, trial)) | set(graph.objects(trial, KGO.result)),
            key=lambda result: node_label(graph, result),
        )
    ]
    primary = sorted(
        node_label(graph, endpoint)
        for endpoint in graph.objects(trial, KGO.endpoint)
        if (endpoint, KGO.endpointRole, KGO.PrimaryEndpoint) in graph
    )
    phase = graph.value(trial, KGO.phase)
    status = graph.value(trial, KGO.status)
    return {
        "label": node_label(graph, trial),
        "phase": "" if phase is None else node_label(graph, phase),
        "status": "" if status is None else node_label(graph, status),
        "dates": ", ".join(dates),
        "primary_endpoints": primary,
        "verdict": "" if verdict is None else verdict_text(graph, verdict),
        "verdict_class": _VERDICT_CLASSES.get(verdict, "other") if verdict is not None else "",
        "sources": numbering.marks(sources_of(graph, trial)),
        "pre_specified": [result for result in results if result["group"] == "pre-specified"],
        "apart": [result for result in results if result["group"] == "apart"],
        "unstated": [result for result in results if result["group"] == "unstated"],
    }


def _result(graph: Graph, result: Node, numbering: _Numbering) -> dict[str, Any]:
    """Collect one row of a trial's results: which group it belongs in, and how it reads."""
    endpoints = list(graph.objects(result, KGO.ofEndpoint))
    roles = {role for endpoint in endpoints for role in graph.objects(endpoint, KGO.endpointRole)}
    kinds = set(graph.objects(result, KGO.analysisKind))
    subgroup = any(
        (population, KGO.populationKind, KGO.Subgroup) in graph
        for population in graph.objects(result, KGO.population)
    )
    if kinds & _APART or subgroup or KGO.NotPreSpecifiedEndpoint in roles:
        group = "apart"
    elif not kinds or KGO.AnalysisKindNotStated in kinds:
        group = "unstated"
    else:
        group = "pre-specified"
    words = _PRE_SPECIFIED_WORDS if group == "pre-specified" else _OTHER_WORDS
    verdicts = sorted(
        words.get(verdict, node_label(graph, verdict))
        for verdict in graph.objects(result, KGO.verdict)
    )
    p_value = graph.value(result, KGO.pValue)
    modifier = graph.value(result, KGO.pValueModifier)
    return {
        "group": group,
        "resultLabel": node_label(graph, result),
        "endpoint": ", ".join(sorted(node_label(graph, endpoint) for endpoint in endpoints)),
        "endpointRole": ", ".join(sorted(node_label(graph, role) for role in roles)),
        "population": _joined(graph, result, KGO.population),
        "analysisKind": _joined(graph, result, KGO.analysisKind),
        "pValue": "" if p_value is None else f"p{modifier or '='}{p_value}",
        "verdict": ", ".join(verdicts),
        "source_links": numbering.marks(sources_of(graph, result)),
    }


def _parts(graph: Graph, roots: list[Node]) -> set[Node]:
    """Return the roots and every part reachable from them (arms, endpoints, results, ...)."""
    found: set[Node] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in found:
            continue
        found.add(node)
        for prop in _PARTS:
            todo.extend(graph.objects(node, prop))
        todo.extend(graph.subjects(KGO.resultOf, node))
    return found


def _conflicts(
    conflicts: list[Conflict], nodes: set[Node], numbering: _Numbering
) -> list[dict[str, Any]]:
    """Return the conflicting claims about the page's nodes, with markers for their sources."""
    iris = {str(node) for node in nodes}
    return [
        {
            **conflict,
            "links1": numbering.marks_for_urls(conflict["sources1"]),
            "links2": numbering.marks_for_urls(conflict["sources2"]),
        }
        for conflict in conflicts
        if conflict["subject"] in iris
    ]


def _sources(graph: Graph, nodes: set[Node]) -> list[dict[str, Any]]:
    """Return every source of the page's nodes and of the claims about them, sorted by title."""
    found: set[Node] = set()
    for node in nodes:
        found.update(sources_of(graph, node))
        for claim in graph.subjects(RDF.subject, node):
            found.update(graph.objects(claim, PROV.wasDerivedFrom))
    listed = [_source_entry(graph, source) for source in found]
    # Title first; the rest breaks ties, so the page does not change with set order.
    return sorted(
        listed,
        key=lambda s: (
            s["title"].casefold(),
            *(str(s[k] or "") for k in sorted(s) if k != "node"),
            str(s["node"]),
        ),
    )


def _source_entry(graph: Graph, source: Node) -> dict[str, Any]:
    """Return one entry of the Sources list.

    The entry has the document's own address, its DOI and PubMed id when the graph has them,
    and the addresses of the copies that were read, apart, where they differ.
    """
    publisher = graph.value(source, DCTERMS.publisher)
    date = graph.value(source, KGO.date)
    doi = graph.value(source, KGO.doi)
    pmid = graph.value(source, KGO.pmid)
    url = source_url(graph, source) or str(source)
    copies = sorted(str(copy) for copy in graph.objects(source, KGO.copyReadAt))
    return {
        "node": source,
        "title": node_label(graph, source),
        "url": url,
        "kind": source_kind(graph, source),
        "publisher": None if publisher is None else node_label(graph, publisher),
        "date": None if date is None else str(date),
        "doi": None if doi is None else str(doi),
        "pmid": None if pmid is None else str(pmid),
        "copies": [copy for copy in copies if copy != url],
    }
