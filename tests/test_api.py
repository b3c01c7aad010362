"""The public surface: every name in every ``__all__`` exists, and the package re-exports them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from types import ModuleType

import pytest

import kg
from kg.moved import MOVED

MODULES = [kg] + [
    importlib.import_module(info.name)
    for info in pkgutil.walk_packages(kg.__path__, "kg.")
    if info.name != "kg.__main__"
]
#: Modules of click commands: their examples live in --help (tests/test_docs.py).
CLI_MODULES = {module.__name__ for module in MODULES if module.__name__.startswith("kg.cli")}


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


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_public_functions_have_runnable_examples(module: ModuleType) -> None:
    """Every public function of the library has a docstring with a doctest."""
    if module.__name__ in CLI_MODULES:
        pytest.skip("click commands are documented by their --help")
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            assert ">>>" in (obj.__doc__ or ""), f"{module.__name__}.{name} has no example"


@pytest.mark.parametrize(
    "name", ["run_query", "result_rows", "default_registry", "write_graph", "open_graph"]
)
def test_query_and_export_api_at_top_level(name: str) -> None:
    """Querying and exporting need no submodule imports."""
    assert name in kg.__all__


def test_no_export_shadows_a_module() -> None:
    """A re-exported name never hides a module of the same name (kg.sparql is the function)."""
    modules = {info.name.rsplit(".", 1)[-1] for info in pkgutil.iter_modules(kg.__path__)}
    assert not modules & set(kg.__all__)


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_old_module_names_still_import(old: str, new: str) -> None:
    """Code written for the flat layout of release 0.1 keeps working, warned."""
    with pytest.warns(DeprecationWarning, match=f"{old} is now {new}"):
        module = importlib.import_module(old) if old not in sys.modules else _reimport(old)
    assert module is importlib.import_module(new)


def _reimport(name: str) -> ModuleType:
    del sys.modules[name]
    return importlib.import_module(name)
