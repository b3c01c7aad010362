"""Shared fixtures: tiny test files, a CLI runner, stand-in bundled assets, a graph per store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

import kg.resources
from kg.graph.stores import open_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of tiny test files."""
    return FIXTURES


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner."""
    return CliRunner()


@pytest.fixture
def tiny_assets(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make kg use tests/fixtures/assets/* as its bundled ontology, shapes and data."""
    root = FIXTURES / "assets"
    monkeypatch.setattr(kg.resources, "asset_dir", lambda kind: root / kind)
    return root


@pytest.fixture(params=["memory", "oxigraph-memory"])
def empty_graph(request: pytest.FixtureRequest) -> Graph:
    """An empty graph on rdflib's store, then on Oxigraph (skipped without pyoxigraph)."""
    if request.param != "memory":
        pytest.importorskip("pyoxigraph")
        pytest.importorskip("oxrdflib")
    return open_graph(request.param)
