"""ClinicalTrials.gov records (API v2 JSON, legacy XML) into als-kg RDF graphs.

- :mod:`kg.importers.ctgov.json_records`, :mod:`kg.importers.ctgov.xml_records`: read a
  record into a :class:`~kg.importers.ctgov.model.Study`
- :mod:`kg.importers.ctgov.rdf`: a study as RDF in the graph's vocabulary
- :mod:`kg.importers.ctgov.importer`: import files and folders, resolve and merge them

>>> from kg.importers.ctgov import import_files, study_to_graph
"""

from __future__ import annotations

from kg.importers.ctgov.importer import (
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
