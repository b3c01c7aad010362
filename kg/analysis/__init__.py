"""Analysing: evidence chains, precedents, paths, timelines, conflicts, sources, statistics.

Each module answers one question about the graph with stored queries or the graph's
network view (:mod:`kg.graph.network`), and returns rows or plain values.
"""

from __future__ import annotations

__all__: list[str] = []
