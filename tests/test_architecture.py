"""The package's layout: subpackages that each own one job, imports running one way.

Every ``import`` in ``kg/`` is read from the source (including imports inside functions), so
a lazy import cannot hide an arrow that runs back up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"

#: The layers, lowest first. A module imports only from its own layer's package and the
#: layers before it. "kg" is the package's root modules (errors, namespaces, resources, ...).
LAYERS = (
    "kg",
    "kg.graph",
    "kg.query",
    "kg.validation",
    "kg.importers",
    "kg.analysis",
    "kg.publish",
    "kg.cli",
)
#: The public face: kg/__init__.py and ``python -m kg`` may import from anywhere.
FACE = frozenset({"kg", "kg.__main__"})


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Yield the kg modules a module imports (``from kg.x import y`` names kg.x.y if a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                yield target


ARROWS = sorted(
    {(name, target) for name, path in MODULES.items() for target in _imports(name, path)}
)


def _layer(module: str) -> int:
    """The index in LAYERS of the package a module belongs to."""
    owner = max(
        (layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), key=len
    )
    if owner == "kg" and module.count(".") > 1:
        raise AssertionError(f"{module} is in a subpackage not listed in LAYERS")
    return LAYERS.index(owner)


def test_the_reader_sees_every_import() -> None:
    # The AST reader must find arrows that exist: kg.graph.stores imports kg.graph.io.
    assert ("kg.graph.stores", "kg.graph.io") in ARROWS
    assert ("kg.cli", "kg.cli.validate") in ARROWS


def test_at_most_ten_modules_beside_the_subpackages() -> None:
    flat = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(flat) <= 10, flat


def test_every_subpackage_is_a_layer() -> None:
    subpackages = {f"kg.{path.parent.name}" for path in PACKAGE.glob("*/__init__.py")}
    assert subpackages == set(LAYERS) - {"kg"}


@pytest.mark.parametrize(("module", "target"), ARROWS, ids=[f"{a}->{b}" for a, b in ARROWS])
def test_imports_run_down(module: str, target: str) -> None:
    if module in FACE:
        return
    assert _layer(target) <= _layer(module), f"{module} imports {target}, a layer above it"
    assert target not in FACE, f"{module} imports the package's face ({target})"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Find import circles by depth-first search: each as the modules around it."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1  # on the current trail
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2  # done

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return cycles


def test_the_circle_finder_finds_circles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for module, target in ARROWS:
        if module not in FACE:
            graph[module].add(target)
    assert not _cycles(graph)


def test_the_readme_names_every_subpackage() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    missing = [layer for layer in LAYERS[1:] if f"| `{layer.replace('.', '/')}/` |" not in readme]
    assert not missing, f"README's layout table lacks {missing}"
