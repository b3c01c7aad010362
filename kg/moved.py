"""Old module names, still importable: ``kg.stores`` is now :mod:`kg.graph.stores`, and so on.

Release 0.1 kept every module flat in ``kg/``; each now lives in the subpackage that owns its
job (see the README's layout table). Importing an old name gives the module at its new place
and a :class:`DeprecationWarning` naming it, so code written against the flat layout keeps
working while it moves. ``kg.sparql`` is the function :func:`kg.sparql`, no longer a module:
import :mod:`kg.query.sparql` for the module.

>>> import importlib, warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore", DeprecationWarning)
...     old = importlib.import_module("kg.stores")
>>> old is importlib.import_module(MOVED["kg.stores"]), old.__name__
(True, 'kg.graph.stores')
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType

__all__ = [
    "MOVED",
    "install",
]

#: Each old module name and where the module is now.
MOVED: dict[str, str] = {
    "kg.analysis_commands": "kg.cli.analysis",
    "kg.auth": "kg.graph.auth",
    "kg.catalogue": "kg.query.catalogue",
    "kg.cli_options": "kg.cli.options",
    "kg.conflicts": "kg.analysis.conflicts",
    "kg.dataset": "kg.publish.dataset",
    "kg.endpoints": "kg.graph.endpoints",
    "kg.evidence": "kg.analysis.evidence",
    "kg.export": "kg.graph.export",
    "kg.fastvalidate": "kg.validation.compiled",
    "kg.formats": "kg.query.formats",
    "kg.importers.ctgov_json": "kg.importers.ctgov.json_records",
    "kg.importers.ctgov_model": "kg.importers.ctgov.model",
    "kg.importers.ctgov_rdf": "kg.importers.ctgov.rdf",
    "kg.importers.ctgov_xml": "kg.importers.ctgov.xml_records",
    "kg.io": "kg.graph.io",
    "kg.network": "kg.graph.network",
    "kg.oxigraph": "kg.graph.oxigraph",
    "kg.parameters": "kg.query.parameters",
    "kg.paths": "kg.analysis.paths",
    "kg.pictures": "kg.publish.pictures",
    "kg.precedents": "kg.analysis.precedents",
    "kg.provenance": "kg.analysis.provenance",
    "kg.queries": "kg.query.registry",
    "kg.remote": "kg.graph.remote",
    "kg.report": "kg.publish.report",
    "kg.results": "kg.query.results",
    "kg.server": "kg.publish.server",
    "kg.source_hosts": "kg.analysis.source_hosts",
    "kg.source_load": "kg.analysis.source_load",
    "kg.stats": "kg.analysis.stats",
    "kg.stores": "kg.graph.stores",
    "kg.timelimit": "kg.query.timelimit",
    "kg.timeline": "kg.analysis.timeline",
    "kg.unsourced": "kg.analysis.unsourced",
}


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Find an old module name and load it as the module at its new place."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """Answer for the old names only; every other import goes on as usual."""
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """Import the module at its new place, with a warning naming it."""
        warnings.warn(f"{spec.name} is now {MOVED[spec.name]}", DeprecationWarning, stacklevel=2)
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module at the new place is already loaded."""


def install() -> None:
    """Let the old module names be imported (once per process; :mod:`kg` calls it).

    >>> install()
    >>> sum(isinstance(finder, _MovedFinder) for finder in sys.meta_path)
    1
    """
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
