"""Validate a graph with the engine asked for: pySHACL (the reference) or the compiled shapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from kg.graph.io import GraphSource, load, source_list
from kg.validation.compiled import validate_fast
from kg.validation.report import ValidationReport, as_written
from kg.validation.shacl import validate_pyshacl

__all__ = [
    "validate",
]


def validate(
    data: GraphSource | Sequence[GraphSource],
    *,
    shapes: GraphSource | Sequence[GraphSource] | None = None,
    context: Sequence[GraphSource] = (),
    ontology: bool = True,
    engine: Literal["pyshacl", "oxigraph"] = "pyshacl",
    progress: bool | None = None,
) -> ValidationReport:
    """Validate RDF data against SHACL shapes (`SHACL <https://www.w3.org/TR/shacl/>`_).

    pySHACL runs with SHACL-SPARQL constraints enabled (``advanced=True``) and without
    RDFS inference. Class targets still reach subclasses, because the ontology, and with
    it every ``rdfs:subClassOf``, is merged into a copy of the data before validating.
    The caller's graphs are never changed. Files are read with their literals as written
    (an ill-formed ``"abc"^^xsd:integer`` is a ``sh:datatype`` result, not rewritten).

    :param data: A graph, a file, a folder of ``*.ttl`` files, or a list of these.
    :param shapes: The shapes to use (same kinds of input); by default every bundled
        shapes file (:func:`kg.resources.shape_files`).
    :param context: More data (the curated graph, say) checked together with ``data``, so
        that references into it resolve; only results on a node that ``data`` mentions (as
        subject or object) are reported, not the context's own.
    :param ontology: Merge the bundled ontology into the data before validating.
    :returns: The report; see :class:`ValidationReport`.
    :raises kg.errors.InputError: If a data or shapes file cannot be read.
    :param engine: ``"pyshacl"`` (the reference) or ``"oxigraph"``: the shapes compiled to
        SPARQL and run on pyoxigraph, with the same results, many times faster on large
        graphs; what it does not compile is handed to pySHACL in the same run
        (:func:`kg.validation.compiled.validate_fast`).
    :param progress: Show a progress bar on stderr: ``None`` (default) only if stderr is a
        terminal, ``True`` always, ``False`` never. One step per phase with pySHACL (data,
        shapes, validation), one per compiled check with ``"oxigraph"``.
    :raises KgError: If there are no shapes, or the shapes are not valid SHACL (for
        example a SHACL-SPARQL query that the specification forbids).

    >>> from rdflib import Graph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:NameShape a sh:NodeShape ; sh:targetClass ex:Drug ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ] .''')
    >>> data = Graph().parse(format="turtle", data='''
    ...     @prefix ex: <http://example.org/> .
    ...     ex:a a ex:Drug ; ex:name "A" .
    ...     ex:b a ex:Drug .''')
    >>> report = validate(data, shapes=shapes, ontology=False, progress=False)
    >>> report.conforms
    False
    >>> [(str(v.focus), v.severity) for v in report.violations]
    [('http://example.org/b', 'Violation')]
    """
    if context:
        whole = validate(
            [*source_list(data), *context],
            shapes=shapes,
            ontology=ontology,
            engine=engine,
            progress=progress,
        )
        with as_written():
            given = load(*source_list(data))
        return whole.about({*given.subjects(unique=True), *given.objects(unique=True)})
    if engine == "oxigraph":
        return validate_fast(data, shapes=shapes, ontology=ontology, progress=progress)
    return validate_pyshacl(data, shapes=shapes, ontology=ontology, progress=progress)
