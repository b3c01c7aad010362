"""Importers that turn records of external registries into als-kg RDF graphs.

>>> from kg.importers import import_files, study_to_graph, xml_study_to_graph
"""

from __future__ import annotations

from kg.importers.ctgov import (
    RECORD_SUFFIXES,
    BatchImportError,
    ImportSummary,
    import_changes,
    import_files,
    import_summary,
    study_to_graph,
    therapy_names,
    xml_study_to_graph,
)

__all__ = [
    "RECORD_SUFFIXES",
    "BatchImportError",
    "ImportSummary",
    "import_changes",
    "import_files",
    "import_summary",
    "study_to_graph",
    "therapy_names",
    "xml_study_to_graph",
]
