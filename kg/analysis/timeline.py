"""A therapy's timeline: its trials from start to readout, their readouts, its regulatory events."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.dates import date_text, to_date
from kg.graph.network import node_label
from kg.namespaces import KGO

__all__ = [
    "TimelineItem",
    "timeline",
    "verdict_text",
]

ItemKind = Literal["trial", "readout", "event"]

# Where a trial's bar ends, best first: (property, estimated?).
_ENDS = (
    (KGO.toplineDate, False),
    (KGO.stopDate, False),
    (KGO.primaryCompletionDate, False),
    (KGO.completionDate, False),
    (KGO.estimatedPrimaryCompletionDate, True),
    (KGO.estimatedCompletionDate, True),
)


@dataclass(frozen=True)
class TimelineItem:
    """One thing on a therapy's timeline.

    :param iri: the trial or event
    :param kind: ``trial`` (a bar from start to end), ``readout`` (a trial's topline results,
        with the primary-endpoint verdict) or ``event`` (a regulatory event)
    :param label: what it is, in words
    :param start: when it starts (the date of a readout or an event)
    :param end: when a trial's bar ends, if known
    :param planned: a planned event (``kgo:Planned``), not known to have happened
    :param estimated: a date that is the registry's estimate, not an actual date
    :param detail: the event's kind, or the readout's verdict (``missed primary endpoint``)
    :param when: the date as people read it, at its precision
    """

    iri: str
    kind: ItemKind
    label: str
    start: datetime.date
    end: datetime.date | None = None
    planned: bool = False
    estimated: bool = False
    detail: str = ""
    when: str = ""


def timeline(graph: Graph, therapy: Node) -> list[TimelineItem]:
    """Collect a therapy's dated trials, readouts and regulatory events, in date order.

    Trials are those that test the therapy (``kgo:tests``); each becomes a bar from its start
    (actual, else estimated) to its readout, stop or completion (actual, else estimated), and
    a readout item when it has a ``kgo:toplineDate``. Regulatory events are those about the
    therapy (``kgo:therapy``), at their date or, when planned, their expected date.
    Undated things are left out.

    :param graph: the graph
    :param therapy: the therapy's IRI
    :returns: the items, sorted by start date and label

    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> items = timeline(load_curated(), KGR["lenzumestrocel"])
    >>> [(i.label, i.detail) for i in items if i.kind == "readout" and "ALSummit" in i.label]
    [('ALSummit (NCT04745299)', 'missed primary endpoint')]
    >>> [i.when for i in items if i.planned and "BLA" in i.label]
    ['2026']
    """
    items: list[TimelineItem] = []
    for trial in graph.subjects(KGO.tests, therapy):
        items += _trial_items(graph, trial)
    for event in graph.subjects(KGO.therapy, therapy):
        item = _event_item(graph, event)
        if item is not None:
            items.append(item)
    return sorted(items, key=lambda item: (item.start, item.kind, item.label))


def _trial_items(graph: Graph, trial: Node) -> list[TimelineItem]:
    """Return a trial's bar and its readout, when dated."""
    label = node_label(graph, trial)
    start_value = graph.value(trial, KGO.startDate)
    estimated_start = start_value is None
    if start_value is None:
        start_value = graph.value(trial, KGO.estimatedStartDate)
    start = to_date(start_value)
    end, estimated_end = None, False
    for prop, estimated in _ENDS:
        end = to_date(graph.value(trial, prop))
        if end is not None:
            estimated_end = estimated
            break
    verdict = graph.value(trial, KGO.primaryEndpointVerdict)
    verdict_words = "" if verdict is None else verdict_text(graph, verdict)
    items: list[TimelineItem] = []
    if start is not None:
        items.append(
            TimelineItem(
                iri=str(trial),
                kind="trial",
                label=label,
                start=start,
                end=end,
                estimated=estimated_start or estimated_end,
                detail=verdict_words,
                when=date_text(start_value),
            )
        )
    topline = graph.value(trial, KGO.toplineDate)
    readout = to_date(topline)
    if readout is not None:
        items.append(
            TimelineItem(
                iri=str(trial),
                kind="readout",
                label=label,
                start=readout,
                detail=verdict_words or "results announced",
                when=date_text(topline),
            )
        )
    return items


def _event_item(graph: Graph, event: Node) -> TimelineItem | None:
    """Return a regulatory event as a timeline item, or None when it is undated."""
    planned = (event, KGO.eventStatus, KGO.Planned) in graph
    value = graph.value(event, KGO.date) or graph.value(event, KGO.expectedDate)
    start = to_date(value)
    if start is None:
        return None
    kind = graph.value(event, KGO.eventKind)
    precision = graph.value(event, KGO.datePrecision)
    return TimelineItem(
        iri=str(event),
        kind="event",
        label=node_label(graph, event),
        start=start,
        planned=planned,
        detail="" if kind is None else node_label(graph, kind),
        when=date_text(value, None if precision is None else node_label(graph, precision)),
    )


def verdict_text(graph: Graph, verdict: Node) -> str:
    """Say a primary-endpoint verdict in words: ``missed primary endpoint`` for PrimaryMissed.

    >>> verdict_text(Graph(), KGO.PrimaryMissed)
    'missed primary endpoint'
    """
    words = {
        KGO.PrimaryMet: "met primary endpoint",
        KGO.PrimaryMissed: "missed primary endpoint",
        KGO.PrimaryMixed: "mixed results on primary endpoints",
        KGO.PrimaryNotReported: "primary endpoint not reported",
    }
    return words.get(URIRef(str(verdict)), node_label(graph, verdict))
