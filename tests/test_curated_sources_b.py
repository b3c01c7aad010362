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
from rdflib.namespace import PROV, XSD

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
