"""Pictures of a therapy: its evidence graph and its timeline, as SVG files (matplotlib).

The pictures are vector drawings with their text kept as text, so they stay sharp at any
width a page shows them; labels are wrapped, never cut; the legends say what each mark is in
words. Where there is nothing to draw the functions write nothing and return None, so the
page can say so in words instead of showing an empty picture.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

import matplotlib
import networkx as nx
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from rdflib import Graph
from rdflib.term import Node

from kg.analysis.evidence import evidence_graph
from kg.analysis.timeline import TimelineItem, timeline

__all__ = [
    "evidence_svg",
    "timeline_svg",
]

#: The width pictures are drawn at, in inches (at 96 px an inch, the report's column width).
WIDTH = 11.0

# Column, colour and words of each kind of node in the evidence picture.
_LAYERS = {"RegulatoryEvent": 0, "ClinicalTrial": 1, "Result": 1, "Source": 2}
_KINDS = {
    "RegulatoryEvent": ("#1a5f96", "regulatory event"),
    "ClinicalTrial": ("#1e7e45", "trial"),
    "Result": ("#9c4f00", "trial result"),
    "Source": ("#555555", "source document"),
}
_OTHER = ("#6b3fa0", "other evidence")
_WRAP = 34  # characters a line in the evidence picture's boxes
_LINE = 0.19  # inches a line of 8.5 pt text takes, with its spacing


def evidence_svg(
    graph: Graph,
    therapy: str | Node,
    path: str | os.PathLike[str],
    *,
    source_numbers: Mapping[str, int] | None = None,
) -> Path | None:
    """Draw a therapy's (or one event's) evidence chain as SVG: events, evidence, sources.

    Regulatory events are on the left, the trials and results they rest on in the middle,
    the sources on the right, each column ordered to keep links from crossing; planned
    events are drawn hollow with a dashed outline. Labels are wrapped onto as many lines as
    they need. With no regulatory event there is nothing to draw: no file, and None.

    Given ``source_numbers`` (a source IRI's number in a page's Sources list), the sources
    are not drawn as boxes: each trial or result box ends with its sources' numbers
    (``sources [3] [7]``), so the picture has far fewer crossing links and matches the page.

    :param graph: the graph
    :param therapy: a therapy or an event, as for :func:`kg.analysis.evidence.events_of`
    :param path: the SVG file to write (replaced atomically)
    :param source_numbers: the page's numbers of the sources, to show them as numbers
    :returns: the path written, or None when there was nothing to draw

    >>> import tempfile
    >>> from kg.graph.io import load_curated
    >>> folder = Path(tempfile.mkdtemp())
    >>> evidence_svg(load_curated(), "tofersen", folder / "e.svg").read_text()[:5]
    '<?xml'
    >>> from kg.namespaces import KGO
    >>> from rdflib import RDF, URIRef
    >>> alone = Graph()
    >>> _ = alone.add((URIRef("urn:x"), RDF.type, KGO.Therapy))
    >>> evidence_svg(alone, URIRef("urn:x"), folder / "none.svg") is None
    True
    """
    chain = evidence_graph(graph, therapy)
    if chain.number_of_nodes() == 0:
        return None
    notes: dict[str, str] = {}
    if source_numbers is not None:
        chain = _numbered_sources(chain, source_numbers, notes)
    columns = _ordered_columns(chain)
    last = max(layer for layer, nodes in enumerate(columns) if nodes)
    width = {0: 60, 1: 48}.get(last, _WRAP)  # fewer columns, wider boxes
    lines = {
        node: _wrap(_node_text(chain, node), width)
        + (f"\n{notes[node]}" if node in notes else "")
        for node in chain.nodes
    }
    heights = {node: len(text.split("\n")) * _LINE + 0.16 for node, text in lines.items()}
    gap = 0.14
    column_heights = [sum(heights[node] + gap for node in nodes) for nodes in columns]
    total = max(column_heights)
    figure = Figure(figsize=(WIDTH, total + 0.9))
    axes = figure.add_axes((0.0, 0.0, 1.0, total / (total + 0.9)))
    axes.set_axis_off()
    axes.set_xlim(-0.5, last + 0.5)
    axes.set_ylim(total, 0.0)
    positions: dict[str, tuple[float, float]] = {}
    for layer, nodes in enumerate(columns):
        y = (total - column_heights[layer]) / 2
        for node in nodes:
            positions[node] = (float(layer), y + (heights[node] + gap) / 2)
            y += heights[node] + gap
    for start, end in sorted(chain.edges):
        (x1, y1), (x2, y2) = positions[start], positions[end]
        if x1 != x2:
            axes.plot([x1, x2], [y1, y2], color="#9a9a9a", linewidth=0.8, zorder=1)
            continue
        # Two nodes of one column (a precedent cited, a trial's result): a curve on the
        # column's outer side, clear of the boxes between them.
        outward = -1.0 if x1 < last / 2 or last == 0 else 1.0
        bend = -0.8 * outward * (1.0 if y2 > y1 else -1.0)
        axes.add_patch(
            FancyArrowPatch(
                (x1, y1),
                (x2, y2),
                connectionstyle=f"arc3,rad={bend}",
                arrowstyle="-",
                color="#9a9a9a",
                linewidth=0.8,
                zorder=1,
            )
        )
    for node in sorted(chain.nodes):
        data = chain.nodes[node]
        planned = data.get("status") == "planned"
        colour, _ = _KINDS.get(data.get("kind", ""), _OTHER)
        axes.text(
            *positions[node],
            lines[node],
            ha="center",
            va="center",
            fontsize=8.5,
            zorder=2,
            color=colour if planned else "white",
            bbox={
                "boxstyle": "round,pad=0.35",
                "facecolor": "white" if planned else colour,
                "edgecolor": colour,
                "linestyle": "--" if planned else "-",
            },
        )
    kinds = sorted({chain.nodes[node].get("kind", "") for node in chain.nodes}, key=_kind_order)
    handles = [
        Patch(facecolor=_KINDS.get(kind, _OTHER)[0], label=_KINDS.get(kind, _OTHER)[1])
        for kind in kinds
    ]
    if any(chain.nodes[node].get("status") == "planned" for node in chain.nodes):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=_KINDS["RegulatoryEvent"][0],
                linestyle="--",
                label="planned regulatory event",
            )
        )
    figure.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False)
    return _save(figure, path)


def timeline_svg(graph: Graph, therapy: Node, path: str | os.PathLike[str]) -> Path | None:
    """Draw a therapy's timeline as SVG: trial bars, readouts and regulatory events.

    Each trial is a bar from its start to its readout (or stop, or completion; an open
    trial runs to today), hatched when a date is the registry's estimate; a readout is a
    diamond labelled with the primary-endpoint verdict; a regulatory event is a dot, and a
    planned one a hollow dot with a dashed line, labelled "planned". The axis spans the
    items' own dates. With fewer than two dated items there is no time line to draw: no
    file, and None.

    :param graph: the graph
    :param therapy: the therapy's IRI
    :param path: the SVG file to write (replaced atomically)
    :returns: the path written, or None when there was nothing to draw

    >>> import tempfile
    >>> from kg.graph.io import load_curated
    >>> from kg.namespaces import KGR
    >>> folder = Path(tempfile.mkdtemp())
    >>> timeline_svg(load_curated(), KGR["lenzumestrocel"], folder / "t.svg").stat().st_size > 0
    True
    """
    items = timeline(graph, therapy)
    if len(items) < 2:
        return None
    today = datetime.date.today()
    first = _day_number(items[0].start)
    last = max(_day_number(_end(item, today)) for item in items)
    span = max(last - first, 30.0)
    low, high = first - 0.04 * span, last + 0.04 * span
    rows = 0.42 * len(items)
    height = rows + 1.3
    figure = Figure(figsize=(WIDTH, height))
    axes = figure.add_axes((0.02, 0.55 / height, 0.96, (rows + 0.15) / height))
    for row, item in enumerate(reversed(items)):
        _draw_item(axes, row, item, today, low=low, high=high)
    axes.set_yticks([])
    axes.set_ylim(-0.6, len(items) - 0.1)
    axes.set_xlim(low, high)
    locator = AutoDateLocator(minticks=3, maxticks=9)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.grid(axis="x", alpha=0.3)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    figure.legend(
        handles=[
            Line2D([], [], color="#1e7e45", linewidth=6, label="trial, start to readout"),
            Patch(facecolor="white", edgecolor="#1e7e45", hatch="//", label="estimated dates"),
            Line2D([], [], marker="D", color="#9c4f00", linestyle="", label="readout"),
            Line2D([], [], marker="o", color="#1a5f96", linestyle="", label="regulatory event"),
            Line2D(
                [],
                [],
                marker="o",
                markerfacecolor="white",
                markeredgecolor="#1a5f96",
                linestyle="--",
                color="#1a5f96",
                label="planned event",
            ),
        ],
        loc="upper center",
        ncol=5,
        frameon=False,
    )
    return _save(figure, path)


def _draw_item(
    axes: matplotlib.axes.Axes,
    row: int,
    item: TimelineItem,
    today: datetime.date,
    *,
    low: float,
    high: float,
) -> None:
    """Draw one timeline row, its label on the side of the mark with more room."""
    start = _day_number(item.start)
    if item.kind == "trial":
        end = _day_number(_end(item, today))
        axes.barh(
            row,
            max(end - start, 0.004 * (high - low)),
            left=start,
            height=0.45,
            color="#1e7e45",
            alpha=0.35 if item.estimated or item.end is None else 0.85,
            hatch="//" if item.estimated else None,
            edgecolor="#1e7e45",
        )
        text = item.label + (" (estimated dates)" if item.estimated else "")
    elif item.kind == "readout":
        axes.plot(start, row, marker="D", color="#9c4f00", markersize=7)
        text = f"{item.label}: {item.detail}"
    else:
        colour = "#1a5f96"
        axes.plot(
            start,
            row,
            marker="o",
            markersize=8,
            markerfacecolor="white" if item.planned else colour,
            markeredgecolor=colour,
            linestyle="",
        )
        if item.planned:
            axes.axvline(start, color=colour, linestyle="--", linewidth=0.8, alpha=0.6)
        text = f"{'planned: ' if item.planned else ''}{item.label} ({item.when})"
    right_side = start < (low + high) / 2
    anchor = start if right_side or item.kind != "trial" else _day_number(_end(item, today))
    axes.text(
        anchor,
        row + 0.3,
        textwrap.fill(text, width=95),
        fontsize=8,
        va="bottom",
        ha="left" if right_side else "right",
    )


def _end(item: TimelineItem, today: datetime.date) -> datetime.date:
    """Return where an item's mark ends: a trial's end (today while it runs), else its date."""
    if item.kind == "trial":
        return item.end or max(today, item.start)
    return item.start


def _day_number(day: datetime.date) -> float:
    """Return matplotlib's number for a date: days since 1970-01-01 (its default epoch)."""
    return float((day - datetime.date(1970, 1, 1)).days)


def _kind_order(kind: str) -> tuple[int, str]:
    """Sort node kinds as the columns go: events, trials, results, sources, the rest."""
    order = list(_KINDS)
    return (order.index(kind) if kind in order else len(order), kind)


def _node_text(chain: nx.DiGraph[str], node: str) -> str:
    """Return a node's label, with "(planned)" for a planned event."""
    data = chain.nodes[node]
    planned = " (planned)" if data.get("status") == "planned" else ""
    return f"{data.get('label', node)}{planned}"


def _wrap(text: str, width: int = _WRAP) -> str:
    """Wrap a label onto as many lines as it needs; nothing is cut."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def _mean_place(
    neighbours: Iterable[str], place: Mapping[str, int], node: str
) -> tuple[float, str]:
    """Return the mean place of a node's neighbours in the next column (last if none)."""
    found = [place[other] for other in neighbours if other in place]
    return (sum(found) / len(found) if found else float(len(place)), node)


def _numbered_sources(
    chain: nx.DiGraph[str], numbers: Mapping[str, int], notes: dict[str, str]
) -> nx.DiGraph[str]:
    """Return the chain without its source nodes; note each node's source numbers instead."""
    sources = [node for node in chain.nodes if chain.nodes[node].get("kind") == "Source"]
    for node in chain.nodes:
        cited = sorted(
            {numbers[child] for child in chain.successors(node) if child in numbers}
        )
        if cited and node not in sources:
            notes[node] = "sources " + " ".join(f"[{number}]" for number in cited)
    kept = chain.copy()
    kept.remove_nodes_from(sources)
    return kept


def _ordered_columns(chain: nx.DiGraph[str]) -> list[list[str]]:
    """Put nodes in three columns, each ordered by its neighbours' places to the left.

    A trial or result goes where the events resting on it sit (the mean of their places),
    then each event where what it rests on sits, then the middle column again, and a source
    where the evidence it supports sits. This keeps most links from crossing.
    """
    columns: list[list[str]] = [[], [], []]
    for node in chain.nodes:
        columns[_LAYERS.get(chain.nodes[node].get("kind", ""), 1)].append(node)
    columns[0].sort(key=lambda node: (str(chain.nodes[node].get("label", "")), node))
    for layer in (1, 0, 1, 2):
        if layer == 0:  # events again, by where what they rest on sits: fewer crossings
            place = {node: index for index, node in enumerate(columns[1])}
            columns[0].sort(key=lambda node: _mean_place(chain.successors(node), place, node))
            continue
        place = {node: index for index, node in enumerate(columns[layer - 1])}

        def centre(node: str, place: dict[str, int] = place) -> tuple[float, str, str]:
            parents = [place[parent] for parent in chain.predecessors(node) if parent in place]
            mean = sum(parents) / len(parents) if parents else float(len(place))
            return (mean, str(chain.nodes[node].get("label", "")), node)

        columns[layer].sort(key=centre)
    return columns


def _save(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Render a figure to SVG next to the target and move it into place.

    The SVG keeps text as text and carries no date, and its element ids are salted with a
    fixed string, so the same picture gives the same bytes.
    """
    target = Path(path)
    FigureCanvasSVG(figure)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".svg", dir=target.parent)
    try:
        with (
            os.fdopen(handle, "wb") as stream,
            matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "als-kg"}),
        ):
            figure.savefig(stream, format="svg", metadata={"Date": None})
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
