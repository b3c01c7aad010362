"""Import ClinicalTrials.gov records (API v2 JSON or legacy XML) into als-kg RDF graphs.

Each record becomes the trial it resolves to in the target graph (by NCT id, other registry
id, or acronym and therapy; see :mod:`kg.importers.resolve`), else ``kgr:<NCT id>``, with the
record version's source ``kgr:src-ctgov-<NCT id>-<last update date>``. Versions of one record
are ordered by their last-update date: the newest is merged first, and what older versions
said differently is kept as claims with their ``kgo:asOf``. A batch is all or nothing: every
file is read and mapped first; if any fails, one :class:`BatchImportError` lists them all and
nothing is added. See :mod:`kg.importers.ctgov.rdf` for the mapping rules and
:mod:`kg.importers.merge` for what happens to values the target graph already has.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from rdflib import PROV, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError
from kg.importers.ctgov.json_records import parse_json_study
from kg.importers.ctgov.model import Study
from kg.importers.ctgov.rdf import (
    MappedStudy,
    map_study,
    registry_url,
    source_iri,
    study_graph,
)
from kg.importers.ctgov.xml_records import parse_xml, parse_xml_study
from kg.importers.iris import local_name
from kg.importers.limits import check_json
from kg.importers.merge import claim_iri, merge_record
from kg.importers.resolve import Resolver
from kg.importers.vocab import single_valued_properties
from kg.namespaces import KGO, bind_prefixes
from kg.progress import progress as progress_bar

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

#: The file suffixes that :func:`import_files` picks up inside folders.
RECORD_SUFFIXES = (".json", ".xml")

_CLAIM_PREFIX = "claim-ctgov-"
_THERAPY_NAMES = (RDFS.label, KGO.genericName, KGO.brandName, KGO.codeName, SKOS.altLabel)


class BatchImportError(InputError):
    """Files of a batch that could not be imported; because of them, nothing was.

    :param failures: One error per failed file, in the order the files were read.

    >>> str(BatchImportError([InputError("a.json", "bad"), InputError("b.xml", "worse")]))
    '2 files failed, nothing imported: a.json: bad; b.xml: worse'
    >>> str(BatchImportError([InputError("a.json", "bad")]))
    'a.json: bad'
    """

    def __init__(self, failures: Sequence[InputError]) -> None:
        """Create the error; see the class docstring for the parameter."""
        if not failures:
            raise ValueError("a BatchImportError needs at least one failure")
        self.failures = tuple(failures)
        first = self.failures[0]
        super().__init__(first.path, first.detail, line=first.line)

    def __str__(self) -> str:
        """One line: the only failure as it is, or a count and every failure."""
        if len(self.failures) == 1:
            return str(self.failures[0])
        listed = "; ".join(str(failure) for failure in self.failures)
        return f"{len(self.failures)} files failed, nothing imported: {listed}"


def study_to_graph(
    record: Mapping[str, Any],
    *,
    source_path: str | None = None,
    therapies: Mapping[str, URIRef] | None = None,
) -> Graph:
    """Map one API v2 JSON study record to a graph.

    :param record: The parsed JSON of one study (with ``protocolSection``).
    :param source_path: The file it came from; errors name it (else ``<record>``).
    :param therapies: Existing therapies by lower-cased name (see :func:`therapy_names`), so
        that arms can link to them; without it interventions stay words.
    :returns: A new graph: the study, its source, arms, endpoints, enrollment and results.
    :raises InputError: If the record is not a study record or a value is not allowed; the
        message names the file and the path inside the record.

    >>> from kg.namespaces import KGO, KGR
    >>> record = {"protocolSection": {
    ...     "identificationModule": {"nctId": "NCT00000001", "briefTitle": "A small trial"},
    ...     "statusModule": {"overallStatus": "COMPLETED"},
    ...     "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE1", "PHASE2"],
    ...                      "enrollmentInfo": {"count": 12, "type": "ACTUAL"}}}}
    >>> g = study_to_graph(record)
    >>> g.value(KGR.NCT00000001, KGO.phase) == KGO.Phase1Phase2
    True
    >>> g.value(g.value(KGR.NCT00000001, KGO.enrollment), KGO["count"]).toPython()
    12
    >>> record["protocolSection"]["designModule"]["phases"] = ["PHASE7"]
    >>> study_to_graph(record, source_path="NCT00000001.json")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: NCT00000001.json: protocolSection.designModule.phases[0]: unknown phase 'PHASE7'
    """  # noqa: E501
    source = source_path or "<record>"
    return study_graph(parse_json_study(record, source=source), source=source, therapies=therapies)


def xml_study_to_graph(
    xml: str | bytes | Element,
    *,
    source_path: str | None = None,
    therapies: Mapping[str, URIRef] | None = None,
) -> Graph:
    """Map one legacy XML record (``<clinical_study>``) to a graph.

    :param xml: The record's text, or its parsed root element.
    :param source_path: The file it came from; errors name it (else ``<record>``).
    :param therapies: Existing therapies by lower-cased name (see :func:`therapy_names`).
    :returns: A new graph, as :func:`study_to_graph` makes it.
    :raises InputError: If the XML is malformed or not a record, or a value is not allowed.

    >>> from kg.namespaces import KGO, KGR
    >>> g = xml_study_to_graph('''<clinical_study>
    ...   <id_info><nct_id>NCT00000002</nct_id></id_info>
    ...   <brief_title>An old trial</brief_title>
    ...   <overall_status>Active, not recruiting</overall_status>
    ...   <phase>Phase 3</phase>
    ...   <enrollment type="Anticipated">40</enrollment>
    ... </clinical_study>''')
    >>> g.value(KGR.NCT00000002, KGO.status) == KGO.ActiveNotRecruiting
    True
    >>> g.value(g.value(KGR.NCT00000002, KGO.enrollment), KGO.countKind) == KGO.PlannedCount
    True
    """
    source = source_path or "<record>"
    root = xml if isinstance(xml, Element) else parse_xml(xml, source=source)
    return study_graph(parse_xml_study(root, source=source), source=source, therapies=therapies)


def therapy_names(graph: Graph) -> dict[str, URIRef]:
    """Index a graph's therapies by their names, lower-cased, for linking interventions.

    Names are ``rdfs:label``, ``kgo:genericName``, ``kgo:brandName``, ``kgo:codeName`` and
    ``skos:altLabel``. A name that two therapies share is left out (it would be a guess).

    :param graph: A graph with ``kgo:Therapy`` nodes, such as the curated graph.
    :returns: Lower-cased name to therapy IRI.

    >>> from kg.namespaces import KGR
    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix kgo: <https://w3id.org/als-kg/ontology#> .
    ...     @prefix kgr: <https://w3id.org/als-kg/resource/> .
    ...     kgr:riluzole a kgo:Therapy ;
    ...         kgo:genericName "riluzole"@en ; kgo:brandName "Rilutek" .''')
    >>> therapy_names(g) == {"riluzole": KGR.riluzole, "rilutek": KGR.riluzole}
    True
    """
    index: dict[str, URIRef] = {}
    shared: set[str] = set()
    for therapy in graph.subjects(RDF.type, KGO.Therapy, unique=True):
        if not isinstance(therapy, URIRef):
            continue
        for predicate in _THERAPY_NAMES:
            for name in graph.objects(therapy, predicate):
                key = " ".join(str(name).split()).casefold()
                if index.setdefault(key, therapy) != therapy:
                    shared.add(key)
    return {key: therapy for key, therapy in index.items() if key not in shared}


def import_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    into: Graph | None = None,
    progress: bool | None = None,
) -> Graph:
    """Import record files and folders of records; all of them, or none.

    A folder stands for every ``.json`` and ``.xml`` file in it and its sub-folders, in
    sorted order. A file is read as JSON or XML by its content, whatever its name. A JSON file
    may hold one study, a list of studies, or an API response with ``"studies"``.

    Every file is read and mapped before anything is added. If any file fails, one
    :class:`BatchImportError` names every failed file and ``into`` is not changed. The
    records are merged with :func:`kg.importers.merge.merge_record`: a value that ``into``
    already has for a single-valued property (phase, status, a date, a count, ...) stays,
    and the record's different value is recorded as a ``kgo:Claim`` from the registry record.

    :param paths: Files and folders.
    :param into: The graph to add to, for example the curated graph; its therapies are linked
        to by name (see :func:`therapy_names`). By default a new graph is made.
    :param progress: Show a progress bar on stderr: ``None`` (default) only if stderr is a
        terminal, ``True`` always, ``False`` never.
    :returns: ``into`` if given, else the new graph (with the project's prefixes bound).
    :raises BatchImportError: If any path is missing, or any file unreadable or not a valid
        record.

    >>> import json, tempfile
    >>> from kg.namespaces import KGO, KGR
    >>> folder = Path(tempfile.mkdtemp())
    >>> record = {"protocolSection": {
    ...     "identificationModule": {"nctId": "NCT00000003", "briefTitle": "A trial"},
    ...     "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"]}}}
    >>> _ = (folder / "NCT00000003.json").write_text(json.dumps(record))
    >>> g = import_files([folder], progress=False)
    >>> g.value(KGR.NCT00000003, KGO.phase) == KGO.Phase2
    True
    >>> _ = (folder / "notes.xml").write_text("not a record")
    >>> import_files([folder], progress=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.importers.ctgov.importer.BatchImportError: .../notes.xml: neither JSON nor XML: ...
    """
    added = import_changes(paths, base=into, progress=progress)
    if into is None:
        return added
    into += added
    return into


def import_changes(
    paths: Iterable[str | os.PathLike[str]],
    *,
    base: Graph | None = None,
    progress: bool | None = None,
) -> Graph:
    """Return the triples that importing the files into ``base`` would add; ``base`` is unchanged.

    The same import as :func:`import_files`, but the result holds only what is new: the
    records' triples that ``base`` lacks, and claims for values that conflict with ``base``.
    This is what ``kg import ctgov`` writes, with the curated graph as ``base``.

    :param paths: Files and folders (see :func:`import_files`).
    :param base: The graph the records are merged with; by default an empty one.
    :param progress: Show a progress bar (see :func:`import_files`).
    :returns: A new graph with the project's prefixes bound.
    :raises BatchImportError: If any path or file fails (see :func:`import_files`).

    >>> import json, tempfile
    >>> from kg.namespaces import KGO, KGR
    >>> base = Graph().add((KGR.NCT00000004, KGO.phase, KGO.Phase3))
    >>> record = {"protocolSection": {
    ...     "identificationModule": {"nctId": "NCT00000004", "briefTitle": "A trial"},
    ...     "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"]}}}
    >>> path = Path(tempfile.mkdtemp()) / "NCT00000004.json"
    >>> _ = path.write_text(json.dumps(record))
    >>> added = import_changes([path], base=base, progress=False)
    >>> (KGR.NCT00000004, KGO.phase, KGO.Phase2) in added
    False
    >>> claim = KGR["claim-ctgov-nct00000004-phase-phase2"]
    >>> added.value(claim, RDF.object) == KGO.Phase2, len(base)
    (True, 1)
    """
    return import_summary(paths, base=base, progress=progress)[0]


def import_summary(
    paths: Iterable[str | os.PathLike[str]],
    *,
    base: Graph | None = None,
    progress: bool | None = None,
) -> tuple[Graph, ImportSummary]:
    """Do what :func:`import_changes` does, and also say what the import did.

    :param paths: Files and folders (see :func:`import_files`).
    :param base: The graph the records are merged with; by default an empty one.
    :param progress: Show a progress bar (see :func:`import_files`).
    :returns: The triples the import adds, and its :class:`ImportSummary`.
    :raises BatchImportError: If any path or file fails (see :func:`import_files`).

    >>> import json, tempfile
    >>> from kg.namespaces import KGO, KGR
    >>> base = Graph().add((KGR.NCT00000004, KGO.nctId, Literal("NCT00000004")))
    >>> record = {"protocolSection": {
    ...     "identificationModule": {"nctId": "NCT00000004", "briefTitle": "A trial"}}}
    >>> path = Path(tempfile.mkdtemp()) / "NCT00000004.json"
    >>> _ = path.write_text(json.dumps(record))
    >>> added, summary = import_summary([path], base=base, progress=False)
    >>> summary.records, summary.matched, summary.new_trials
    (1, {'NCT00000004': 'nct-id'}, ())
    """
    with _gc_paused():
        return _import(paths, base=base, progress=progress)


@dataclass
class ImportSummary:
    """What an import did.

    :param records: How many records (record versions) were read.
    :param matched: NCT id to how its record matched a trial the target graph had
        (``"nct-id"``, ``"registry-id"`` or ``"acronym"``).
    :param new_trials: NCT ids of trials the target graph did not have.
    :param added: How many triples the import adds.
    :param claims: Registry values recorded as claims because the target graph asserts
        another value.
    :param superseded: Registry values recorded as claims because something newer supersedes
        them (a newer version of the record, an actual date, a later curated event).
    :param verdicts: NCT id to the primary-endpoint verdict derived from posted analyses.
    """

    records: int = 0
    matched: dict[str, str] = field(default_factory=dict)
    new_trials: tuple[str, ...] = ()
    added: int = 0
    claims: int = 0
    superseded: int = 0
    verdicts: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Describe the import in a few lines, for people.

        >>> ImportSummary(records=2, matched={"NCT1": "nct-id"}, new_trials=("NCT2",)).lines()[:2]
        ['Records read: 2', 'Trials matched: 1 (by NCT id: 1)']
        """
        hows = {
            "nct-id": "by NCT id",
            "registry-id": "by other registry id",
            "acronym": "by acronym and therapy",
        }
        counted = Counter(self.matched.values())
        detail = ", ".join(f"{hows[how]}: {counted[how]}" for how in hows if counted[how])
        matched = f"Trials matched: {len(self.matched)}" + (f" ({detail})" if detail else "")
        lines = [f"Records read: {self.records}", matched]
        other = sorted((nct, how) for nct, how in self.matched.items() if how != "nct-id")
        lines += [f"  {nct} {hows[how]}" for nct, how in other]
        lines.append(f"New trials: {len(self.new_trials)}")
        lines.append(f"Triples added: {self.added}")
        lines.append(f"Claims (registry values that differ from the graph's): {self.claims}")
        lines.append(f"Superseded values kept as claims: {self.superseded}")
        for nct, verdict_name in sorted(self.verdicts.items()):
            lines.append(f"Verdict derived from posted primary analyses: {nct} {verdict_name}")
        return lines


_CURRENT_STATE = (
    KGO.status,
    KGO.statusAsOf,
    KGO.estimatedStartDate,
    KGO.estimatedPrimaryCompletionDate,
    KGO.estimatedCompletionDate,
)
_ACTUAL_OF = {
    KGO.estimatedStartDate: KGO.startDate,
    KGO.estimatedPrimaryCompletionDate: KGO.primaryCompletionDate,
    KGO.estimatedCompletionDate: KGO.completionDate,
}
_LATER_EVENTS = (KGO.toplineDate, KGO.completionDate, KGO.primaryCompletionDate, KGO.stopDate)


def _import(
    paths: Iterable[str | os.PathLike[str]], *, base: Graph | None, progress: bool | None
) -> tuple[Graph, ImportSummary]:
    """Do the work of :func:`import_summary`."""
    files, failures = _record_files(paths)
    resolver = Resolver.of(base)
    mapped: list[MappedStudy] = []
    for path in progress_bar(files, label="ctgov", enabled=progress):
        try:
            studies = [
                map_study(study, source=at, resolver=resolver) for study, at in _read_studies(path)
            ]
        except InputError as error:
            failures.append(error)
            continue
        if not failures:  # else nothing will be imported: only look for more failures
            mapped.extend(studies)
    if failures:
        raise BatchImportError(failures)
    staged = bind_prefixes(Graph(store="SimpleMemory", bind_namespaces="core"))
    summary = ImportSummary(records=len(mapped))
    _merge_all(mapped, staged, base, summary)
    if base is not None:
        for triple in [t for t in staged if t in base]:
            staged.remove(triple)
    summary.added = len(staged)
    return staged, summary


def _merge_all(
    mapped: Sequence[MappedStudy], staged: Graph, base: Graph | None, summary: ImportSummary
) -> None:
    """Merge every record, trial by trial: its newest version first, then the older ones."""
    single_valued = single_valued_properties() | {KGO.sponsor}
    graphs = (staged,) if base is None else (staged, base)
    by_nct: dict[str, list[MappedStudy]] = {}
    for study in mapped:
        by_nct.setdefault(study.nct, []).append(study)
    new_trials = []
    for nct in sorted(by_nct):
        versions = sorted(by_nct[nct], key=_version_order)
        newest = versions[-1]
        if newest.how is not None:
            summary.matched[nct] = newest.how
        else:
            new_trials.append(nct)
        if _newer_in(base, newest):  # a newer version was imported before: all are older
            for older in reversed(versions):
                _merge_older(older, newest.trial, staged, graphs, summary)
            continue
        _merge_newest(newest, staged, base, single_valued, summary)
        for older in reversed(versions[:-1]):
            _merge_older(older, newest.trial, staged, graphs, summary)
    summary.new_trials = tuple(new_trials)


def _newer_in(base: Graph | None, study: MappedStudy) -> bool:
    """Whether the graph already has a newer version of the record, imported before.

    Only the importer's own version sources count (``kgr:src-ctgov-<NCT id>-<date>``): a
    curated registry source says what the curators read, not what was imported.
    """
    if base is None or study.date is None:
        return False
    url = URIRef(registry_url(study.nct))
    prefix = str(source_iri(study.nct)) + "-"
    return any(
        _later(date, study.date)
        for source in base.objects(study.trial, PROV.wasDerivedFrom)
        if str(source).startswith(prefix) and (source, KGO.url, url) in base
        for date in base.objects(source, KGO.date)
    )


def _version_order(study: MappedStudy) -> tuple[str, str]:
    """Order a record's versions by last-update date, then (same date) by content."""
    content = "\n".join(sorted(" ".join(term.n3() for term in t) for t in study.triples))
    digest = hashlib.sha1(content.encode("utf-8"), usedforsecurity=False).hexdigest()
    return (str(study.date) if study.date is not None else "", digest)


def _claim_prefix(study: MappedStudy) -> str:
    """Claims are minted per value and source: the record version's date is in their IRI."""
    return f"{_CLAIM_PREFIX}{study.date}-" if study.date is not None else _CLAIM_PREFIX


def _later(event: Node, than: Literal | None) -> bool:
    """Whether a date is later than another, compared at the precision both have."""
    if than is None or not isinstance(event, Literal):
        return False
    first, second = str(event), str(than)
    width = min(len(first), len(second))
    return first[:width] > second[:width]


def _merge_newest(
    study: MappedStudy,
    staged: Graph,
    base: Graph | None,
    single_valued: frozenset[URIRef],
    summary: ImportSummary,
) -> None:
    """Merge a record's newest version: the graph's values win, superseded ones are claims."""
    trial, triples = study.trial, study.triples
    graphs = (staged,) if base is None else (staged, base)
    has_verdict = base is not None and (trial, KGO.primaryEndpointVerdict, None) in base
    if base is not None:  # a broader condition than the curated one adds nothing
        narrower = set(base.objects(trial, KGO.condition))
        triples = [
            t
            for t in triples
            if not (
                t[0] == trial
                and t[1] == KGO.condition
                and any((n, SKOS.broader, t[2]) in base for n in narrower)
            )
        ]
    if has_verdict:
        triples = [t for t in triples if t[1] != KGO.decidingAnalysis]
    elif study.verdict is not None:
        summary.verdicts[study.nct] = local_name(study.verdict[0])
    later_event = base is not None and any(
        _later(date, study.date)
        for predicate in _LATER_EVENTS
        for date in base.objects(trial, predicate)
    )
    if base is not None and (trial, KGO.status, None) in base:
        later_event = later_event or any(
            _later(date, study.date) for date in base.objects(trial, KGO.statusAsOf)
        )
    superseded = set()
    for triple in triples:
        subject, predicate, _ = triple
        if subject != trial or predicate not in _CURRENT_STATE:
            continue
        actual = _ACTUAL_OF.get(predicate)
        has_actual = actual is not None and (
            any((trial, actual, None) in g for g in graphs)
            or any(t[0] == trial and t[1] == actual for t in triples)
        )
        if later_event or has_actual:
            superseded.add(triple)
    forced = sum(1 for t in superseded if not any(t in g for g in graphs))
    claims = merge_record(
        triples,
        staged,
        source=study.source,
        single_valued=single_valued,
        claim_prefix=_claim_prefix(study),
        also=() if base is None else (base,),
        as_claims=superseded,
    )
    summary.superseded += forced
    summary.claims += claims - forced


def _merge_older(
    study: MappedStudy,
    trial: URIRef,
    staged: Graph,
    graphs: Sequence[Graph],
    summary: ImportSummary,
) -> None:
    """Merge an older version of the record of ``trial``: what differs is kept as claims."""
    swap = {study.trial: trial}
    triples = [
        (swap.get(s, s), p, swap.get(o, o))  # type: ignore[arg-type]
        for s, p, o in study.triples
    ]
    known = {s for s, _, _ in triples if any((s, None, None) in g for g in graphs)}
    as_of = study.date
    prefix = _claim_prefix(study)
    plain = []
    for subject, predicate, obj in triples:
        if any((subject, predicate, obj) in g for g in graphs):
            continue
        if subject not in known or subject == study.source:
            plain.append((subject, predicate, obj, staged))
        elif predicate in (RDF.type, PROV.wasDerivedFrom, KGO.decidingAnalysis):
            continue
        elif isinstance(subject, URIRef) and isinstance(predicate, URIRef):
            node = claim_iri(subject, predicate, obj, prefix=prefix)
            if (node, RDF.type, KGO.Claim) not in staged:
                summary.superseded += 1
            staged.add((node, RDF.type, KGO.Claim))
            staged.add((node, RDF.subject, subject))
            staged.add((node, RDF.predicate, predicate))
            staged.add((node, RDF.object, obj))
            staged.add((node, PROV.wasDerivedFrom, study.source))
            if as_of is not None:
                staged.add((node, KGO.asOf, as_of))
    staged.addN(plain)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch.

    A batch makes millions of small, acyclic rdflib objects, which the collector would scan
    again and again (about 40% of the time for 3,000 records). It is switched back on after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _record_files(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[list[Path], list[InputError]]:
    """Expand folders into their record files; note paths that do not exist."""
    files: dict[Path, None] = {}
    failures: list[InputError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RECORD_SUFFIXES),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            if not found:
                failures.append(InputError(path, "no .json or .xml record in this folder"))
            files.update(dict.fromkeys(found))
        elif path.is_file():
            files[path] = None
        else:
            failures.append(InputError(path, "file not found"))
    return list(files), failures


def _read_studies(path: Path) -> list[tuple[Study, str]]:
    """Read a file's studies (JSON or XML, told apart by the first character)."""
    source = str(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from None
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return _json_studies(content, source)
    if start == b"<":
        root = parse_xml(content, source=source)
        return [(parse_xml_study(root, source=source), source)]
    if not start:
        raise InputError(path, "file is empty")
    raise InputError(
        path,
        "neither JSON nor XML: expected a ClinicalTrials.gov API v2 JSON or legacy XML record",
    )


def _json_studies(content: bytes, source: str) -> list[tuple[Study, str]]:
    """Read one study, a list of studies, or an API response's ``studies`` from JSON."""
    check_json(content, source=source)  # before json.loads can recurse too deep
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(source, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise InputError(source, f"JSON syntax error: {error.msg}", line=error.lineno) from None
    if isinstance(data, Mapping) and isinstance(data.get("studies"), list):
        data = data["studies"]
    if isinstance(data, list):
        found = []
        for index, item in enumerate(data):
            where = f"{source} studies[{index}]"
            found.append((parse_json_study(item, source=where), where))
        return found
    return [(parse_json_study(data, source=source), source)]
