"""Shared fixtures: paths to the tiny test files, a CLI runner, and stand-in bundled assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.resources

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
