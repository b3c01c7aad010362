"""Every source names the document itself; the copy that was read is kept apart (issue 18).

The acceptance figures are computed from the curated graph and printed (run with ``-s`` to see
them): papers with a DOI or PMID, registry records at ClinicalTrials.gov, and sources whose
address is a mirror or aggregator (:data:`kg.analysis.source_hosts.COPY_HOSTS` or
``kgo:addressIsCopy``).
"""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD

import kg
from kg.analysis.source_hosts import COPY_HOSTS, copy_host, source_figures
from kg.namespaces import KGO, KGR


@pytest.fixture(scope="module")
def curated() -> Graph:
    """The curated graph, loaded once."""
    return kg.load_curated()


def _sources(graph: Graph) -> list[URIRef]:
    return sorted(
        (s for s in set(graph.subjects(RDF.type, KGO.Source)) if isinstance(s, URIRef)), key=str
    )


def test_acceptance_figures_are_printed(curated: Graph) -> None:
    """The three figures of issue 18, printed so that every run shows where the data stands."""
    figures = source_figures(curated)
    print("\n" + "\n".join(figures.lines()))  # noqa: T201 - the issue asks for them printed
    assert 0 <= figures.copy_share <= 1


def test_registry_records_are_at_the_registry(curated: Graph) -> None:
    """At least 95% of registry-record sources point at clinicaltrials.gov."""
    assert source_figures(curated).registry_share >= 0.95


def test_papers_carry_a_doi_or_pmid(curated: Graph) -> None:
    """At least 90% of peer-reviewed-paper sources carry a DOI or PMID."""
    assert source_figures(curated).paper_id_share >= 0.90


@pytest.mark.xfail(
    strict=True,
    reason="issue 18 open: about 13% of sources (28 of 223) are still cited at a copy "
    "(republished press releases, summary pages) whose original address was not found in "
    "stored material",
)
def test_few_sources_are_cited_at_a_copy(curated: Graph) -> None:
    """At most 10% of all sources have a mirror or aggregator as their address."""
    assert source_figures(curated).copy_share <= 0.10


def test_a_source_at_a_copy_host_says_so(curated: Graph) -> None:
    """The host list and the flag agree: a source cited at a listed host is marked as a copy."""
    unmarked = [
        f"{s} at {url} ({copy_host(str(url))}: {COPY_HOSTS[copy_host(str(url)) or '']})"
        for s in _sources(curated)
        for url in curated.objects(s, KGO.url)
        if copy_host(str(url)) and (s, KGO.addressIsCopy, Literal(True)) not in curated
    ]
    assert not unmarked, "\n".join(unmarked)


def test_a_copy_says_what_was_searched(curated: Graph) -> None:
    """A source whose address is still a copy explains itself in a comment."""
    silent = [
        str(s)
        for s in curated.subjects(KGO.addressIsCopy, Literal(True))
        if curated.value(s, RDFS.comment) is None
    ]
    assert not silent


def test_copy_read_differs_from_the_address(curated: Graph) -> None:
    """kgo:copyReadAt is only kept where it is not the document's own address."""
    same = [
        str(s)
        for s in _sources(curated)
        if set(curated.objects(s, KGO.copyReadAt)) & set(curated.objects(s, KGO.url))
    ]
    assert not same


def test_a_paper_with_an_identifier_is_cited_by_it(curated: Graph) -> None:
    """A paper with a DOI has kgo:url at doi.org (else with a PMID, at PubMed)."""
    wrong = []
    for s in _sources(curated):
        urls = {str(u) for u in curated.objects(s, KGO.url)}
        doi = curated.value(s, KGO.doi)
        pmid = curated.value(s, KGO.pmid)
        if doi is not None:
            expected = f"https://doi.org/{doi}"
        elif pmid is not None:
            expected = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        else:
            continue
        if expected not in urls:
            wrong.append(f"{s}: {sorted(urls)} (expected {expected})")
    assert not wrong, "\n".join(wrong)


def test_figures_count_what_they_say() -> None:
    """On a small graph: a paper with a PMID, one without; a record at the registry, one at a
    mirror; a news article marked as a copy."""
    graph = Graph()
    rows = [
        ("p1", KGO.PeerReviewedPaper, "https://pubmed.ncbi.nlm.nih.gov/1/", {KGO.pmid: "1"}),
        ("p2", KGO.PeerReviewedPaper, "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/", {}),
        ("r1", KGO.RegistryRecord, "https://clinicaltrials.gov/study/NCT00000001", {}),
        ("r2", KGO.RegistryRecord, "https://meddatax.com/clinical-trials/NCT00000002", {}),
        ("n1", KGO.NewsArticle, "https://example.org/a", {KGO.addressIsCopy: True}),
    ]
    for name, kind, url, extra in rows:
        node = KGR[f"src-{name}"]
        graph.add((node, RDF.type, KGO.Source))
        graph.add((node, KGO.sourceKind, kind))
        graph.add((node, KGO.url, URIRef(url)))
        for prop, value in extra.items():
            graph.add((node, prop, Literal(value)))
    figures = source_figures(graph)
    assert (figures.papers, figures.papers_with_id) == (2, 1)
    assert (figures.registry_records, figures.registry_at_ctgov) == (2, 1)
    assert (figures.sources, figures.copies) == (5, 3)


def _source_graph() -> Graph:
    """The ontology and three sources that each deserve one warning."""
    graph = kg.load(*kg.ontology_files())
    org = KGR["org-test"]
    graph.add((org, RDF.type, KGO.Publisher))
    graph.add((org, RDFS.label, Literal("Test publisher")))
    for name, kind, url in [
        ("paper", KGO.PeerReviewedPaper, "https://example.org/paper"),
        ("record", KGO.RegistryRecord, "https://meddatax.com/clinical-trials/NCT00000001"),
        ("copy", KGO.PressRelease, "https://advfn.com/x"),
    ]:
        node = KGR[f"src-test-{name}"]
        graph.add((node, RDF.type, KGO.Source))
        graph.add((node, DCTERMS.title, Literal(name)))
        graph.add((node, DCTERMS.publisher, org))
        graph.add((node, KGO.date, Literal("2024", datatype=XSD.gYear)))
        graph.add((node, KGO.sourceKind, kind))
        graph.add((node, KGO.url, URIRef(url)))
    graph.add((KGR["src-test-copy"], KGO.addressIsCopy, Literal(True)))
    return graph


@pytest.mark.parametrize("engine", ["pyshacl", "oxigraph"])
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("paper", "without DOI or PMID"),
        ("record", "not its record at ClinicalTrials.gov"),
        ("copy", "is a copy of the document"),
    ],
)
def test_shapes_warn_about_uncitable_sources(engine: str, name: str, message: str) -> None:
    """Each kind of uncitable source is a warning: it does not fail the check."""
    report = kg.validate(_source_graph(), engine=engine)  # type: ignore[arg-type]
    assert not report.fails(), report.text()
    hits = [v for v in report.violations if v.focus == KGR[f"src-test-{name}"]]
    assert [v.severity for v in hits if message in v.message] == ["Warning"], report.text()


def test_a_citable_paper_gets_no_warning() -> None:
    """A paper at doi.org with its DOI draws no warning of the canonical-source shape."""
    graph = _source_graph()
    paper = KGR["src-test-paper"]
    graph.set((paper, KGO.url, URIRef("https://doi.org/10.1000/test")))
    graph.add((paper, KGO.doi, Literal("10.1000/test")))
    report = kg.validate(graph)
    assert not [v for v in report.violations if v.focus == paper]


@pytest.mark.parametrize(
    ("event", "date", "meeting", "meeting_source"),
    [
        (
            "event-amx0035-chmp-negative-opinion",
            "2023-06-23",
            "19-22 June 2023",
            "src-ema-chmp-highlights-2023-06",
        ),
        (
            "event-amx0035-chmp-reexamination",
            "2023-10-13",
            "9-12 October 2023",
            "src-citeline-albrioza-reexamination",
        ),
    ],
)
def test_amx0035_chmp_dates_say_which_date_they_are(
    curated: Graph, event: str, date: str, meeting: str, meeting_source: str
) -> None:
    """The two CHMP dates for AMX0035 are the days the opinions were made public; the note says
    so and names the committee meeting, with the source that gives the meeting's dates."""
    node = KGR[event]
    assert curated.value(node, KGO.date) == Literal(date, datatype=XSD.date)
    note = str(curated.value(node, KGO.curationNote))
    assert "not the day" in note and "adopted" in note and meeting in note
    assert (node, PROV.wasDerivedFrom, KGR[meeting_source]) in curated
    said = " ".join(str(c) for c in curated.objects(KGR[meeting_source], RDFS.comment))
    said += str(curated.value(KGR[meeting_source], DCTERMS.title))
    assert meeting.split()[0] in said
