"""Issue 18, batch B: sources that name the document, and the modelling slips fixed on the way.

Each test pins one correction in the curated graph (ontology plus every data file) to what the
stored material shows (docs/CURATION.md, "Canonical identifiers: batch B", says where each
identifier was seen): the paper behind a page that only reproduced its abstract, a subgroup that
was typed as the overall population, a time point that disagreed with its endpoint, group sizes
copied from another visit, and a planned size that the published protocol revised.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

import kg
from kg import KGO, KGR

PROV_DERIVED = PROV.wasDerivedFrom


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The curated graph: the bundled ontology and every bundled data file."""
    return kg.load_curated()


def test_valor_rests_on_the_nejm_paper_not_the_page_that_reproduced_it(graph: Graph) -> None:
    """Every VALOR fact cites the NEJM paper by DOI and PMID; the abstract page is the copy read."""
    paper = KGR["src-nejm-2022-valor-summary"]
    assert (paper, KGO.sourceKind, KGO.PeerReviewedPaper) in graph
    assert (paper, KGO.doi, Literal("10.1056/NEJMoa2204705")) in graph
    assert (paper, KGO.pmid, Literal("36129998")) in graph
    assert (paper, KGO.url, URIRef("https://doi.org/10.1056/NEJMoa2204705")) in graph
    copy = "https://healthadviserpro.com/trial-of-antisense-oligonucleotide-tofersen-for-sod1-als-nejm/"
    assert (paper, KGO.copyReadAt, URIRef(copy)) in graph
    assert (paper, KGO.url, URIRef(copy)) not in graph
    assert (KGR["NCT02623699-res-alsfrsr"], PROV_DERIVED, paper) in graph


def test_valor_primary_result_is_on_a_prespecified_subgroup(graph: Graph) -> None:
    """VALOR's primary analysis was on the faster-progression subgroup, not all participants."""
    result = KGR["NCT02623699-res-alsfrsr"]
    population = graph.value(result, KGO.population)
    assert population == KGR["NCT02623699-pop-faster"]
    assert (population, KGO.populationKind, KGO.Subgroup) in graph
    assert (population, KGO.definition, None) in graph
    assert (result, KGO.analysisKind, KGO.PreSpecifiedSubgroupAnalysis) in graph
    # The values are unchanged: -6.98 vs -8.14, difference 1.2, P=0.97.
    assert (result, KGO.pValue, Literal("0.97", datatype=XSD.decimal)) in graph
    everyone = KGR["NCT02623699-pop-all"]
    assert (everyone, KGO.populationKind, KGO.OverallPopulation) in graph


def test_alsummit_result_time_point_agrees_with_its_endpoint(graph: Graph) -> None:
    """Every ALSummit result with its own time point is of an endpoint at that time point."""
    trial = KGR["NCT04745299"]
    checked = 0
    for result in graph.objects(trial, KGO.result):
        time_point = graph.value(result, KGO.timePoint)
        if time_point is None:
            continue
        for endpoint in graph.objects(result, KGO.ofEndpoint):
            assert graph.value(endpoint, KGO.timePoint) == time_point, (result, endpoint)
            checked += 1
    assert checked >= 4
    # Group 2's slow-progressor CAFS (24.78 vs 17.92) is reported at month 6, which is not
    # Group 2's pre-specified month-12 primary endpoint.
    g2 = KGR["NCT04745299-res-slow-cafs-g2"]
    endpoint = graph.value(g2, KGO.ofEndpoint)
    assert endpoint == KGR["NCT04745299-ep-cafs-m6-g2"]
    assert (endpoint, KGO.endpointRole, KGO.NotPreSpecifiedEndpoint) in graph
    assert (endpoint, KGO.comparison, Literal("Group 2 vs placebo")) in graph
    assert (trial, KGO.endpoint, endpoint) in graph
    assert (KGR["NCT04745299-ep-cafs-m12-g2"], KGO.timePoint, Literal("month 12")) in graph


def test_lenzumestrocel_phase_2_six_month_result_has_its_own_groups(graph: Graph) -> None:
    """The six-month result does not reuse the four-month group nodes or their sizes."""
    m4 = KGR["NCT01363401-res-alsfrsr-m4"]
    m6 = KGR["NCT01363401-res-alsfrsr-m6"]
    m4_groups = {graph.value(m4, KGO.treatmentGroup), graph.value(m4, KGO.comparatorGroup)}
    m6_groups = {graph.value(m6, KGO.treatmentGroup), graph.value(m6, KGO.comparatorGroup)}
    assert None not in m6_groups
    assert not m4_groups & m6_groups
    for group in m6_groups:
        assert (group, KGO.participants, None) not in graph
        assert (group, KGO.groupArm, None) in graph
    # The four-month sizes stay where the source gives them.
    assert (KGR["NCT01363401-res-alsfrsr-m4-treated"], KGO.participants, Literal(32)) in graph
    assert (KGR["NCT01363401-res-alsfrsr-m4-control"], KGO.participants, Literal(27)) in graph


@pytest.mark.parametrize(
    ("source", "doi"),
    [
        ("src-oh-2015", "10.5966/sctm.2014-0212"),
        ("src-oh-2018", "10.1002/ana.25302"),
        ("src-nam-2022", "10.1186/s13063-022-06327-4"),
        ("src-nam-2023", "10.3389/fnagi.2023.1148444"),
    ],
)
def test_lenzumestrocel_papers_are_cited_at_doi_org(graph: Graph, source: str, doi: str) -> None:
    """Each Neuronata-R paper's address is its DOI; a PMC or publisher copy is only the copy."""
    node = KGR[source]
    assert (node, KGO.doi, Literal(doi)) in graph
    assert list(graph.objects(node, KGO.url)) == [URIRef(f"https://doi.org/{doi}")]


def test_alsummit_registry_sources_name_clinicaltrials_gov(graph: Graph) -> None:
    """ALSummit's registry sources name ClinicalTrials.gov or CRIS; mirrors are copies read."""
    record = URIRef("https://clinicaltrials.gov/study/NCT04745299")
    sources = set(graph.subjects(KGO.url, record))
    assert {
        KGR["src-ctgov-mirror-nct04745299"],
        KGR["src-ctgov-snapshot-2026-nct04745299"],
        KGR["src-clinicaltrialexchange-nct04745299"],
    } <= sources
    for source in sources:
        assert (source, KGO.copyReadAt, None) in graph
    cris = KGR["src-cris-kct0005954"]
    cris_page = URIRef("https://cris.nih.go.kr/cris/search/detailSearch.do/20674")
    assert (cris, KGO.url, cris_page) in graph
    assert (cris, KGO.addressIsCopy, Literal(True)) not in graph
    (copy,) = graph.objects(cris, KGO.copyReadAt)
    assert "trial.medpath.com" in str(copy)


def test_ab10015_primary_result_is_on_a_prespecified_subgroup(graph: Graph) -> None:
    """AB10015's primary analysis was on normal progressors, a subset, not all randomised."""
    result = KGR["NCT02588677-res-alsfrsr-w48"]
    population = graph.value(result, KGO.population)
    assert population == KGR["NCT02588677-pop-normal"]
    assert (population, KGO.populationKind, KGO.Subgroup) in graph
    assert (population, KGO.definition, None) in graph
    assert (result, KGO.analysisKind, KGO.PreSpecifiedSubgroupAnalysis) in graph
    assert (result, KGO.pValue, Literal("0.016", datatype=XSD.decimal)) in graph
    broad = KGR["NCT02588677-pop-broad"]
    assert (broad, KGO.populationKind, KGO.OverallPopulation) in graph


def test_mora_2020_is_cited_by_doi_and_pmid(graph: Graph) -> None:
    """The AB10015 paper names its DOI and PMID; the TogoWS copy of PubMed is the copy read."""
    paper = KGR["src-mora-2020"]
    assert (paper, KGO.doi, Literal("10.1080/21678421.2019.1632346")) in graph
    assert (paper, KGO.pmid, Literal("31280619")) in graph
    assert (paper, KGO.url, URIRef("https://doi.org/10.1080/21678421.2019.1632346")) in graph
    togows = URIRef("http://togows.dbcls.jp/entry/ncbi-pubmed/31280619")
    assert (paper, KGO.copyReadAt, togows) in graph


def test_nurown_phase_3_paper_is_cited_by_doi_and_pmid(graph: Graph) -> None:
    """Cudkowicz 2022 names its DOI and PMID; the repository and PMC pages are the copies read."""
    paper = KGR["src-cudkowicz-2022"]
    assert (paper, KGO.doi, Literal("10.1002/mus.27472")) in graph
    assert (paper, KGO.pmid, Literal("34890069")) in graph
    assert list(graph.objects(paper, KGO.url)) == [URIRef("https://doi.org/10.1002/mus.27472")]
    assert len(set(graph.objects(paper, KGO.copyReadAt))) == 2


@pytest.mark.parametrize(
    ("source", "nct"),
    [
        ("src-meddatax-nct04856982", "NCT04856982"),
        ("src-agiltrace-nct03280056", "NCT03280056"),
        ("src-meddatax-nct06973629", "NCT06973629"),
        ("src-veeva-nct06973629", "NCT06973629"),
        ("src-medpath-nct03127267", "NCT03127267"),
        ("src-meddatax-nct03127267", "NCT03127267"),
    ],
)
def test_registry_mirrors_became_copies_of_the_registry_record(
    graph: Graph, source: str, nct: str
) -> None:
    """A registry record read at a mirror names the ClinicalTrials.gov record of a curated trial."""
    node = KGR[source]
    assert (node, KGO.url, URIRef(f"https://clinicaltrials.gov/study/{nct}")) in graph
    assert (node, KGO.copyReadAt, None) in graph
    assert (None, KGO.nctId, Literal(nct)) in graph


def test_tudca_als_planned_size_revised_by_the_published_protocol(graph: Graph) -> None:
    """TUDCA-ALS planned 440 at the start; the published protocol (Front Neurol 2022) says 320."""
    trial = KGR["NCT03800524"]
    protocol = KGR["src-albanese-2022-protocol"]
    assert (protocol, KGO.doi, Literal("10.3389/fneur.2022.1009113")) in graph
    assert (protocol, KGO.url, URIRef("https://doi.org/10.3389/fneur.2022.1009113")) in graph
    assert (protocol, KGO.sourceKind, KGO.PeerReviewedPaper) in graph
    planned = [
        node
        for node in graph.objects(trial, KGO.enrollment)
        if (node, KGO.countKind, KGO.PlannedCount) in graph
    ]
    assert len(planned) == 1
    (node,) = planned
    assert graph.value(node, KGO["count"]) == Literal(320)
    assert (node, PROV_DERIVED, protocol) in graph
    claims = {
        graph.value(claim, RDF.object): claim
        for claim in graph.subjects(RDF.subject, node)
        if (claim, RDF.predicate, KGO["count"]) in graph
    }
    assert set(claims) == {Literal(440), Literal(320)}
    original, revised = claims[Literal(440)], claims[Literal(320)]
    assert (original, KGO.accepted, Literal(False)) in graph
    assert (revised, KGO.accepted, Literal(True)) in graph
    assert (revised, PROV_DERIVED, protocol) in graph
    assert {
        KGR["src-tudcaeu-first-participant"],
        KGR["src-alsbe-tudca"],
        KGR["src-ctgov-nct03800524-2020"],
    } <= set(graph.objects(original, PROV_DERIVED))
    # The original claim is older than the revision.
    assert graph.value(original, KGO.asOf).toPython() < graph.value(revised, KGO.asOf).toPython()


def test_elia_2016_is_one_source_with_both_copies_read(graph: Graph) -> None:
    """The ALS Research Foundation's abstract is a copy of Elia 2016, not a paper of its own."""
    paper = KGR["src-elia-2016"]
    assert (paper, KGO.url, URIRef("https://doi.org/10.1111/ene.12664")) in graph
    copies = {str(copy) for copy in graph.objects(paper, KGO.copyReadAt)}
    assert any("alsresearchfoundation.org" in copy for copy in copies)
    assert (KGR["src-alsrf-elia-2016"], None, None) not in graph


@pytest.mark.parametrize(
    ("source", "doi", "copy_host"),
    [
        ("src-oki-2022", "10.1001/jamaneurol.2022.0901", "pmc.ncbi.nlm.nih.gov"),
        ("src-kaji-2019", "10.1136/jnnp-2018-319294", "47.251.13.51:8081"),
        ("src-bensimon-1994", "10.1056/NEJM199403033300901", "pubmed.ncbi.nlm.nih.gov"),
        ("src-lacomblez-1996", "10.1016/S0140-6736(96)91680-3", "kiphub.com"),
        ("src-miller-2008-riluzole-table", "10.1016/S1474-4422(08)70165-0", "pmc.ncbi.nlm.nih.gov"),
        ("src-elia-2016", "10.1111/ene.12664", "pmc.ncbi.nlm.nih.gov"),
    ],
)
def test_papers_read_at_a_copy_name_their_doi(
    graph: Graph, source: str, doi: str, copy_host: str
) -> None:
    """A paper read at PMC, PubMed or a mirror is cited at doi.org; the copy is kept apart."""
    node = KGR[source]
    assert list(graph.objects(node, KGO.url)) == [URIRef(f"https://doi.org/{doi}")]
    assert any(copy_host in str(copy) for copy in graph.objects(node, KGO.copyReadAt))


@pytest.mark.parametrize(
    ("source", "doi", "pmid"),
    [
        ("src-miller-2022", "10.1002/mus.27511", "35098554"),
        ("src-treg-phase-2a-paper", "10.1212/NXI.0000000000200019", "36038262"),
        ("src-northwestern-nuedexta-review", "10.1007/s40120-014-0018-5", None),
    ],
)
def test_more_papers_name_their_identifiers(
    graph: Graph, source: str, doi: str, pmid: str | None
) -> None:
    """NP001, Treg and Nuedexta papers: one address, at doi.org; the copies read kept apart."""
    node = KGR[source]
    assert (node, KGO.doi, Literal(doi)) in graph
    if pmid is not None:
        assert (node, KGO.pmid, Literal(pmid)) in graph
    assert list(graph.objects(node, KGO.url)) == [URIRef(f"https://doi.org/{doi}")]
    assert (node, KGO.copyReadAt, None) in graph


def test_cytokinetics_release_is_cited_at_cytokinetics(graph: Graph) -> None:
    """The COURAGE-ALS futility release names Cytokinetics' own address, not ResearchPool's copy."""
    release = KGR["src-cytokinetics-2023-03-31"]
    own = "https://ir.cytokinetics.com/news-releases/news-release-details/"
    (url,) = graph.objects(release, KGO.url)
    assert str(url).startswith(own)
    (copy,) = graph.objects(release, KGO.copyReadAt)
    assert "researchpool.com" in str(copy)


def test_copies_left_as_addresses_say_so(graph: Graph) -> None:
    """Each source in batch B still at a republisher or summary site is flagged and explained."""
    left = [
        "src-pr-2025-09-22",
        "src-pr-2025-05-29",
        "src-advfn-2023-12-paradigm-topline",
        "src-checkorphan-pridopidine-als",
        "src-eisai-launch-2024-11",
    ]
    for name in left:
        node = KGR[name]
        assert (node, KGO.addressIsCopy, Literal(True)) in graph, name
        comment = " ".join(str(c) for c in graph.objects(node, RDFS.comment))
        assert "found" in comment and "searched" in comment, name
