"""A static HTML report of the graph: the pipeline and a page per therapy, for offline reading."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import PROV, RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.conflicts import Conflict, conflicting_claims
from kg.namespaces import KGO
from kg.network import local_name, node_label
from kg.pictures import evidence_png, timeline_png
from kg.provenance import source_kind, source_url, sources_of
from kg.sparql import Row, result_rows, run_query
from kg.stats import data_date
from kg.stores import triple_count
from kg.timeline import timeline, verdict_text

__all__ = [
    "build_report",
    "therapy_slug",
]

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


def therapy_slug(therapy: Node) -> str:
    """Return the file name stem of a therapy's page: its IRI's local name, made safe.

    >>> from kg.namespaces import KGR
    >>> therapy_slug(KGR["lenzumestrocel"]), therapy_slug(KGR["Edaravone (oral)"])
    ('lenzumestrocel', 'edaravone-oral')
    """
    return re.sub(r"[^a-z0-9]+", "-", local_name(therapy).lower()).strip("-") or "therapy"


def build_report(
    graph: Graph, out_dir: str | os.PathLike[str], *, today: datetime.date | None = None
) -> Path:
    """Write the report: ``index.html``, a ``<slug>.html`` per therapy, its pictures, a stylesheet.

    The index lists the pipeline (therapy, sponsor, modality, status, last event; status and
    last event as the stored query ``pipeline-status`` gives them). Each therapy page shows
    its trials with their primary-endpoint verdicts and results, its regulatory timeline (a
    chart and a table; planned events are marked "planned"), its evidence picture, the claims
    sources disagree on (in a box of their own) and every source as a link. The pages need no
    network: no scripts, no web fonts, only local images and one stylesheet. The index says the
    graph's data date, each therapy page the day its file was last reviewed, and both list
    what needs checking as of ``today`` (the stored query ``needs-checking``), each with its
    reason; an overdue plan is marked "overdue", not "planned".

    The report is built in a temporary folder next to ``out_dir`` and then moved into place,
    replacing any earlier report there.

    :param graph: the graph, such as :func:`kg.io.load_curated`'s
    :param out_dir: the folder to write (created, or replaced)
    :param today: the day to check overdue and stale records for; the system's date by default
    :returns: the path of ``index.html``

    >>> import tempfile
    >>> from kg.io import load
    >>> from kg.resources import asset_dir, ontology_files
    >>> graph = load(*ontology_files(), asset_dir("data") / "tofersen.ttl")
    >>> site = Path(tempfile.mkdtemp()) / "site"
    >>> index = build_report(graph, site, today=datetime.date(2026, 12, 5))
    >>> "tofersen.html" in index.read_text(encoding="utf-8")
    True
    """
    target = Path(out_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        _write_site(graph, staging, today or datetime.date.today())
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target / "index.html"


def _write_site(graph: Graph, folder: Path, today: datetime.date) -> None:
    """Write every file of the report into a folder."""
    environment = Environment(
        loader=PackageLoader("kg", "report_assets"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    stylesheet = files("kg") / "report_assets" / "style.css"
    (folder / "style.css").write_text(stylesheet.read_text(encoding="utf-8"), encoding="utf-8")
    reviewed = data_date(graph)
    checks = _needs_checking(graph, today)
    common = {
        "triples": triple_count(graph),
        "data_date": None if reviewed is None else reviewed.isoformat(),
        "checked_on": today.isoformat(),
    }
    conflicts = conflicting_claims(graph)  # once for the site, not once per page
    pipeline = _pipeline(graph, today)
    for row in pipeline:
        therapy = row["node"]
        slug = therapy_slug(therapy)
        timeline_png(graph, therapy, folder / f"{slug}-timeline.png")
        evidence_png(graph, therapy, folder / f"{slug}-evidence.png")
        page = environment.get_template("therapy.html.j2").render(
            **common,
            **_therapy_page(graph, therapy, row, conflicts),
            checks=[check for check in checks if check["therapy"] == str(therapy)],
            overdue={check["item"] for check in checks if check["check"] == "overdue plan"},
            last_reviewed=_last_reviewed(graph, therapy),
            timeline_png=f"{slug}-timeline.png",
            evidence_png=f"{slug}-evidence.png",
        )
        (folder / f"{slug}.html").write_text(page, encoding="utf-8")
    index = environment.get_template("index.html.j2").render(
        **common, therapies=pipeline, checks=checks
    )
    (folder / "index.html").write_text(index, encoding="utf-8")


def _needs_checking(graph: Graph, today: datetime.date) -> list[Row]:
    """Return the rows of the stored query ``needs-checking`` as of ``today``."""
    return result_rows(run_query(graph, "needs-checking", {"asOf": today.isoformat()}))


def _last_reviewed(graph: Graph, therapy: Node) -> str | None:
    """Return the day the therapy's file was last reviewed (``kgo:lastReviewed``), if stated."""
    dates = sorted(str(value) for value in graph.objects(therapy, KGO.lastReviewed))
    return dates[-1] if dates else None


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
    """Return the index rows: therapy, brands, developers, modality, status and last event.

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
        rows.append(
            {
                "node": therapy,
                "label": node_label(graph, therapy),
                "brands": _joined(graph, therapy, KGO.brandName),
                "developers": _joined(graph, therapy, KGO.developer),
                "modality": _joined(graph, therapy, KGO.modality),
                **{column: ", ".join(values.get(column, [])) for column in columns},
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


def _therapy_page(
    graph: Graph, therapy: Node, row: dict[str, Any], conflicts: list[Conflict]
) -> dict[str, Any]:
    """Collect what a therapy's page shows."""
    trials = sorted(graph.subjects(KGO.tests, therapy), key=lambda t: node_label(graph, t))
    events = list(graph.subjects(KGO.therapy, therapy))
    nodes = _parts(graph, [therapy, *trials, *events])
    mechanism = graph.value(therapy, KGO.mechanism)
    return {
        "therapy": {**row, "mechanism": None if mechanism is None else str(mechanism)},
        "trials": [_trial(graph, trial) for trial in trials],
        "events": [
            {
                "when": item.when,
                "planned": item.planned,
                "iri": item.iri,
                "label": item.label,
                "kind": item.detail,
                "sources": _links(graph, sources_of(graph, URIRef(item.iri))),
            }
            for item in timeline(graph, therapy)
            if item.kind == "event"
        ],
        "conflicts": _conflicts(conflicts, nodes),
        "sources": _sources(graph, nodes),
    }


def _trial(graph: Graph, trial: Node) -> dict[str, Any]:
    """Collect a trial's card: phase, status, dates, verdict and results with their sources."""
    verdict = graph.value(trial, KGO.primaryEndpointVerdict)
    verdict_words = "" if verdict is None else verdict_text(graph, verdict)
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
        _result(graph, result)
        for result in sorted(
            set(graph.subjects(KGO.resultOf, trial)) | set(graph.objects(trial, KGO.result)),
            key=lambda result: node_label(graph, result),
        )
    ]
    phase = graph.value(trial, KGO.phase)
    status = graph.value(trial, KGO.status)
    return {
        "label": node_label(graph, trial),
        "phase": "" if phase is None else node_label(graph, phase),
        "status": "" if status is None else node_label(graph, status),
        "dates": ", ".join(dates),
        "verdict": verdict_words,
        "verdict_class": _VERDICT_CLASSES.get(verdict, "other") if verdict is not None else "",
        "sources": _links(graph, sources_of(graph, trial)),
        "results": results,
    }


def _result(graph: Graph, result: Node) -> dict[str, Any]:
    """Collect one row of a trial's results table."""
    roles = {
        node_label(graph, role)
        for endpoint in graph.objects(result, KGO.ofEndpoint)
        for role in graph.objects(endpoint, KGO.endpointRole)
    }
    p_value = graph.value(result, KGO.pValue)
    modifier = graph.value(result, KGO.pValueModifier)
    return {
        "resultLabel": node_label(graph, result),
        "endpointRole": ", ".join(sorted(roles)),
        "population": _joined(graph, result, KGO.population),
        "analysisKind": _joined(graph, result, KGO.analysisKind),
        "pValue": "" if p_value is None else f"p{modifier or '='}{p_value}",
        "verdict": _joined(graph, result, KGO.verdict),
        "source_links": _links(graph, sources_of(graph, result)),
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


def _conflicts(conflicts: list[Conflict], nodes: set[Node]) -> list[dict[str, Any]]:
    """Return the conflicting claims about the page's nodes, with link data for their sources."""
    iris = {str(node) for node in nodes}
    return [
        {
            **conflict,
            "links1": _url_links(conflict["sources1"]),
            "links2": _url_links(conflict["sources2"]),
        }
        for conflict in conflicts
        if conflict["subject"] in iris
    ]


def _sources(graph: Graph, nodes: set[Node]) -> list[dict[str, str | None]]:
    """Return every source of the page's nodes and of the claims about them, sorted by title."""
    found: set[Node] = set()
    for node in nodes:
        found.update(sources_of(graph, node))
        for claim in graph.subjects(RDF.subject, node):
            found.update(graph.objects(claim, PROV.wasDerivedFrom))
    listed = []
    for source in found:
        publisher = graph.value(source, DCTERMS.publisher)
        date = graph.value(source, KGO.date)
        listed.append(
            {
                "title": node_label(graph, source),
                "url": source_url(graph, source) or str(source),
                "kind": source_kind(graph, source),
                "publisher": None if publisher is None else node_label(graph, publisher),
                "date": None if date is None else str(date),
            }
        )
    # Title first; the rest breaks ties, so the page does not change with set order.
    return sorted(
        listed,
        key=lambda s: ((s["title"] or "").casefold(), *(s[k] or "" for k in sorted(s))),
    )


def _links(graph: Graph, sources: list[Node]) -> list[dict[str, str]]:
    """Return link data (address and title) for sources."""
    return [
        {"url": source_url(graph, source) or str(source), "title": node_label(graph, source)}
        for source in sources
    ]


def _url_links(urls: object) -> list[dict[str, str]]:
    """Return link data for a list of addresses."""
    return [{"url": url, "title": url} for url in urls] if isinstance(urls, list) else []
