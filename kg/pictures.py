"""Pictures of a therapy: its evidence graph and its timeline, as PNG files (matplotlib, Agg)."""

from __future__ import annotations

import datetime
import os
import tempfile
import textwrap
from pathlib import Path

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from rdflib import Graph
from rdflib.term import Node

from kg.evidence import evidence_graph
from kg.timeline import timeline

__all__ = [
    "evidence_png",
    "timeline_png",
]

# Colours and columns of the evidence picture, by node kind.
_LAYERS = {"RegulatoryEvent": 0, "ClinicalTrial": 1, "Result": 1, "Source": 2}
_COLOURS = {
    "RegulatoryEvent": "#1f77b4",
    "ClinicalTrial": "#2ca02c",
    "Result": "#ff7f0e",
    "Source": "#7f7f7f",
}
_OTHER = "#9467bd"


def evidence_png(graph: Graph, therapy: str | Node, path: str | os.PathLike[str]) -> Path:
    """Draw a therapy's (or one event's) evidence chain as a PNG: events, evidence, sources.

    Regulatory events are on the left, the trials and results they rest on in the middle, the
    sources on the right; planned events are drawn hollow with a dashed outline.

    :param graph: the graph
    :param therapy: a therapy or an event, as for :func:`kg.evidence.events_of`
    :param path: the PNG file to write (replaced atomically)
    :returns: the path written

    >>> import tempfile
    >>> from kg.io import load_curated
    >>> target = evidence_png(load_curated(), "tofersen", Path(tempfile.mkdtemp()) / "e.png")
    >>> target.read_bytes()[1:4]
    b'PNG'
    """
    chain = evidence_graph(graph, therapy)
    for _, data in chain.nodes(data=True):
        data["layer"] = _LAYERS.get(data.get("kind", ""), 1)
    rows = max([1, *(_count_layer(chain, layer) for layer in range(3))])
    figure = Figure(figsize=(16, max(4.0, 0.45 * rows + 1.5)))
    axes = figure.add_subplot()
    axes.set_axis_off()
    if chain.number_of_nodes() == 0:
        axes.text(0.5, 0.5, "No regulatory events recorded", ha="center", va="center")
        return _save(figure, path)
    positions = _layered_positions(chain)
    nx.draw_networkx_edges(
        chain, positions, ax=axes, edge_color="#bbbbbb", arrows=True, arrowsize=8, width=0.8
    )
    for node, data in chain.nodes(data=True):
        x, y = positions[node]
        planned = data.get("status") == "planned"
        colour = _COLOURS.get(data.get("kind", ""), _OTHER)
        axes.text(
            x,
            y,
            _short(data.get("label", node)) + (" (planned)" if planned else ""),
            ha="center",
            va="center",
            fontsize=7,
            bbox={
                "boxstyle": "round,pad=0.3",
                "facecolor": "white" if planned else colour,
                "edgecolor": colour,
                "linestyle": "--" if planned else "-",
                "alpha": 0.9,
            },
            color=colour if planned else "white",
        )
    axes.set_xlim(-0.35, 2.35)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.legend(
        handles=[
            Line2D([], [], marker="s", linestyle="", color=colour, label=kind)
            for kind, colour in _COLOURS.items()
        ],
        loc="upper center",
        ncol=4,
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, 1.02),
    )
    return _save(figure, path)


def timeline_png(graph: Graph, therapy: Node, path: str | os.PathLike[str]) -> Path:
    """Draw a therapy's timeline as a PNG: trial bars, readouts and regulatory events.

    Each trial is a bar from its start to its readout (or stop, or completion), hatched when a
    date is the registry's estimate; a readout is a diamond labelled with the primary-endpoint
    verdict; a regulatory event is a dot, and a planned event a hollow dot with a dashed
    line, labelled "planned".

    :param graph: the graph
    :param therapy: the therapy's IRI
    :param path: the PNG file to write (replaced atomically)
    :returns: the path written

    >>> import tempfile
    >>> from kg.io import load_curated
    >>> from kg.namespaces import KGR
    >>> folder = Path(tempfile.mkdtemp())
    >>> timeline_png(load_curated(), KGR["lenzumestrocel"], folder / "t.png").stat().st_size > 0
    True
    """
    items = timeline(graph, therapy)
    figure = Figure(figsize=(12, max(2.5, 0.38 * len(items) + 1.2)))
    axes = figure.add_subplot()
    if not items:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "No dated trials or events recorded", ha="center", va="center")
        return _save(figure, path)
    today = datetime.date.today()
    for row, item in enumerate(reversed(items)):
        start = _day_number(item.start)
        label = _short(item.label, 60)
        if item.kind == "trial":
            end = _day_number(item.end or today)
            axes.barh(
                row,
                max(end - start, 20.0),
                left=start,
                height=0.5,
                color="#2ca02c",
                alpha=0.35 if item.estimated or item.end is None else 0.8,
                hatch="//" if item.estimated else None,
                edgecolor="#2ca02c",
            )
            note = " (estimated dates)" if item.estimated else ""
            axes.text(start, row + 0.32, f"{label}{note}", fontsize=7, va="bottom")
        elif item.kind == "readout":
            axes.plot(start, row, marker="D", color="#ff7f0e", markersize=7)
            axes.text(start, row + 0.3, f"{label}: {item.detail}", fontsize=7, va="bottom")
        else:
            colour = "#1f77b4"
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
            prefix = "planned: " if item.planned else ""
            axes.text(start, row + 0.3, f"{prefix}{label} ({item.when})", fontsize=7, va="bottom")
    axes.set_yticks([])
    axes.set_ylim(-0.8, len(items) - 0.2)
    first = _day_number(items[0].start)
    last = max(_day_number(item.end or item.start) for item in items)
    span = max(last - first, 365.0)
    axes.set_xlim(first - 0.03 * span, last + 0.45 * span)
    axes.xaxis_date()
    axes.grid(axis="x", alpha=0.3)
    axes.legend(
        handles=[
            Line2D([], [], color="#2ca02c", linewidth=6, label="trial (start to readout)"),
            Line2D([], [], marker="D", color="#ff7f0e", linestyle="", label="readout"),
            Line2D([], [], marker="o", color="#1f77b4", linestyle="", label="regulatory event"),
            Line2D(
                [],
                [],
                marker="o",
                markerfacecolor="white",
                markeredgecolor="#1f77b4",
                linestyle="--",
                color="#1f77b4",
                label="planned",
            ),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=4,
        fontsize=7,
        frameon=False,
    )
    figure.tight_layout()
    return _save(figure, path)


def _day_number(day: datetime.date) -> float:
    """Return matplotlib's number for a date: days since 1970-01-01 (its default epoch)."""
    return float((day - datetime.date(1970, 1, 1)).days)


def _count_layer(chain: nx.DiGraph[str], layer: int) -> int:
    """Count the nodes in one column of the evidence picture."""
    return sum(1 for _, data in chain.nodes(data=True) if data.get("layer") == layer)


def _layered_positions(chain: nx.DiGraph[str]) -> dict[str, tuple[float, float]]:
    """Place nodes in three columns (events, evidence, sources), top to bottom in order."""
    columns: dict[int, list[str]] = {}
    for node in chain.nodes:
        columns.setdefault(int(chain.nodes[node]["layer"]), []).append(node)
    rows = max(len(nodes) for nodes in columns.values())
    positions: dict[str, tuple[float, float]] = {}
    for layer, nodes in columns.items():
        step = rows / len(nodes)
        for index, node in enumerate(nodes):
            positions[node] = (float(layer), rows - 1 - (index + 0.5) * step + 0.5)
    return positions


def _short(text: str, width: int = 34) -> str:
    """Shorten a label and wrap it onto at most two lines."""
    return "\n".join(textwrap.wrap(text, width=width, max_lines=2, placeholder="…"))


def _save(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Render a figure to PNG next to the target and move it into place."""
    target = Path(path)
    FigureCanvasAgg(figure)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".png", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            figure.savefig(stream, format="png", dpi=110)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
