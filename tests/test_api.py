"""The public surface: every name in every ``__all__`` exists, and the package re-exports them."""

from __future__ import annotations

from types import ModuleType

import pytest

import kg
import kg.cli
import kg.errors
import kg.io
import kg.namespaces
import kg.resources
import kg.validation

MODULES = [kg, kg.cli, kg.errors, kg.io, kg.namespaces, kg.resources, kg.validation]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_names_exist(module: ModuleType) -> None:
    assert module.__doc__
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name


@pytest.mark.parametrize(
    "name",
    [
        "InputError",
        "KgError",
        "ValidationReport",
        "Violation",
        "load",
        "load_curated",
        "read_graph",
        "validate",
    ],
)
def test_top_level_api(name: str) -> None:
    assert name in kg.__all__
