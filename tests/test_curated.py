"""The bundled content: every file parses, and the curated graph conforms to the shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg

BUNDLED = [*kg.ontology_files(), *kg.shape_files(), *kg.data_files()]


def test_something_is_bundled() -> None:
    assert kg.ontology_files()
    assert kg.shape_files()
    assert kg.data_files()


@pytest.mark.parametrize(
    "path", BUNDLED, ids=[p.relative_to(p.parent.parent).as_posix() for p in BUNDLED]
)
def test_bundled_file_parses(path: Path) -> None:
    assert len(kg.read_graph(path)) > 0


def test_curated_graph_conforms() -> None:
    report = kg.validate(kg.load_curated(ontology=False))
    assert not report.fails(), report.text()
