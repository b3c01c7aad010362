"""Curated batch A: masitinib, NurOwn, CNM-Au8, pridopidine, the HEALEY platform, CuATSM, ILB,
AstroRx, PrimeC, NP001 and the Treg therapies. Each therapy's key facts are checked in the loaded
curated graph: its developer, a trial with its registry id and verdict, a dated regulatory event
and the Alliance's list placement, plus the conflicts and distinctions the batch records."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

import kg
from kg import KGO, KGR

ALLIANCE_PAGE = KGR["src-alliance-neuronata-r"]
ALLIANCE_AS_OF = Literal("2025-02", datatype=XSD.gYearMonth)


def date(text: str) -> Literal:
    """A date literal typed by its precision: YYYY-MM-DD, YYYY-MM or YYYY."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(text)]
    return Literal(text, datatype=datatype)


@dataclass(frozen=True)
class Case:
    """The key facts of one therapy, as the curated files should state them."""

    therapy: str
    developer: str
    trial: str
    verdict: str | None
    status: str | None
    event: str | None
    event_date: str | None
    alliance_status: str = "InDevelopment"


# fmt: off
CASES = [
    Case("masitinib", "org-ab-science", "NCT02588677", "PrimaryMet", None,
         "event-masitinib-ema-refusal-2018", "2018-07-26"),
    Case("debamestrocel", "org-brainstorm", "NCT03280056", "PrimaryMissed", None,
         "event-debamestrocel-fda-bla-withdrawn", "2023-10-18"),
    Case("cnm-au8", "org-clene", "NCT04098406", "PrimaryMissed", None,
         "event-cnm-au8-fda-feedback-2024", "2024-12"),
    Case("pridopidine", "org-prilenia", "NCT04615923", "PrimaryMissed", None,
         "event-pridopidine-ema-orphan-opinion", "2021-06"),
    Case("cuatsm", "org-cmd", "NCT04082832", "PrimaryNotReported", "Completed",
         None, None, "Discontinued"),
    Case("ilb", "org-tikomed", "NCT03705390", None, "Terminated",
         "event-ilb-mhra-trial-authorisation", "2018"),
    Case("astrorx", "org-kadimastem", "NCT03482050", None, None,
         "event-astrorx-fda-ind-phase-2a", "2023-03"),
    Case("primec", "org-neurosense", "NCT05357950", "PrimaryMet", None,
         "event-primec-fda-type-c-meeting", "2024-11-06"),
    Case("np001", "org-neuvivo", "NCT02794857", "PrimaryMissed", None,
         "event-np001-fda-nda", "2024-10"),
    Case("treg-therapy", "org-houston-methodist", "NCT04055623", None, None, None, None),
]
# fmt: on


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The curated graph: the bundled ontology plus every data file."""
    return kg.load_curated()


def ask(graph: Graph, query: str, **bindings: URIRef | Literal) -> bool:
    """Run a SPARQL ASK query with the kgo/kgr/rdf prefixes and the given bindings."""
    prefixes = (
        f"PREFIX kgo: <{KGO}>\nPREFIX kgr: <{KGR}>\n"
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    )
    return bool(graph.query(prefixes + query, initBindings=bindings).askAnswer)


@pytest.mark.parametrize("case", CASES, ids=[c.therapy for c in CASES])
def test_therapy_key_facts(graph: Graph, case: Case) -> None:
    """A therapy has its developer, a sourced trial with registry id and verdict (or status),
    a dated regulatory event where it has one, and the Alliance's list placement as a claim."""
    therapy, trial = KGR[case.therapy], KGR[case.trial]
    assert (therapy, RDF.type, KGO.Therapy) in graph
    assert (therapy, KGO.developer, KGR[case.developer]) in graph
    developer_types = set(graph.objects(KGR[case.developer], RDF.type))
    assert developer_types & {KGO.Company, KGO.AcademicInstitution}
    assert (therapy, KGO.developmentStatus, None) in graph
    assert (therapy, PROV.wasDerivedFrom, None) in graph

    assert (trial, KGO.tests, therapy) in graph
    assert (trial, KGO.nctId, Literal(case.trial)) in graph
    assert (trial, PROV.wasDerivedFrom, None) in graph
    if case.verdict is not None:
        assert graph.value(trial, KGO.primaryEndpointVerdict) == KGO[case.verdict]
    if case.status is not None:
        assert graph.value(trial, KGO.status) == KGO[case.status]

    if case.event is not None:
        event = KGR[case.event]
        assert graph.value(event, KGO.therapy) == therapy
        assert graph.value(event, KGO.eventStatus) == KGO.Occurred
        assert case.event_date is not None
        assert graph.value(event, KGO.date) == date(case.event_date)

    assert ask(
        graph,
        """
        ASK { ?claim a kgo:Claim ; rdf:subject ?therapy ; rdf:predicate kgo:developmentStatus ;
                     rdf:object ?status ; kgo:asOf ?asOf ; prov:wasDerivedFrom ?page . }""",
        therapy=therapy,
        status=KGO[case.alliance_status],
        asOf=ALLIANCE_AS_OF,
        page=ALLIANCE_PAGE,
    )


def test_healey_regimens_are_part_of_one_platform(graph: Graph) -> None:
    """The HEALEY master protocol is modelled once as a platform trial; regimens C and D are
    trials that are part of it, each testing its own therapy and missing its primary endpoint."""
    master = KGR["NCT04297683"]
    assert (master, RDF.type, KGO.PlatformTrial) in graph
    assert list(graph.subjects(KGO.nctId, Literal("NCT04297683"))) == [master]
    for regimen, therapy in (("NCT04414345", "cnm-au8"), ("NCT04615923", "pridopidine")):
        node = KGR[regimen]
        assert (node, RDF.type, KGO.ClinicalTrial) in graph
        assert (node, KGO.partOf, master) in graph
        assert (node, KGO.tests, KGR[therapy]) in graph
        assert graph.value(node, KGO.primaryEndpointVerdict) == KGO.PrimaryMissed
        assert (node, KGO.arm, None) in graph and (node, KGO.endpoint, None) in graph
        assert (node, KGO.result, None) in graph


def test_cuatsm_alliance_lists_both_ways(graph: Graph) -> None:
    """CuATSM is in two Alliance lists: both claims are kept, Discontinued is accepted and
    asserted, with a curation note; the second claim also cites the Alliance's CuATSM page."""
    cuatsm = KGR["cuatsm"]
    claims = {
        graph.value(c, RDF.object): graph.value(c, KGO.accepted)
        for c in graph.subjects(RDF.subject, cuatsm)
        if graph.value(c, RDF.predicate) == KGO.developmentStatus
    }
    assert claims == {KGO.InDevelopment: Literal(False), KGO.Discontinued: Literal(True)}
    assert graph.value(cuatsm, KGO.developmentStatus) == KGO.Discontinued
    assert (cuatsm, KGO.curationNote, None) in graph
    discontinued = KGR["claim-cuatsm-alliance-list-discontinued"]
    assert (discontinued, PROV.wasDerivedFrom, KGR["src-alliance-cuatsm"]) in graph
    assert (KGR["src-alliance-cuatsm"], RDF.type, KGO.Source) in graph


@pytest.mark.parametrize(
    ("subject", "right", "wrong"),
    [("ilb", "ILB", "Tikomed"), ("org-tikomed", "TikoMed AB", "ILB")],
)
def test_ilb_tikomed_names_are_a_recorded_conflict(
    graph: Graph, subject: str, right: str, wrong: str
) -> None:
    """The Alliance's reversed 'ILB - Tikomed' is kept as a rejected label claim beside the
    accepted one: same subject and predicate, different objects."""
    node = KGR[subject]
    accepted = {
        str(graph.value(c, RDF.object)): graph.value(c, KGO.accepted)
        for c in graph.subjects(RDF.subject, node)
        if graph.value(c, RDF.predicate) == RDFS.label
    }
    assert accepted == {right: Literal(True), wrong: Literal(False)}
    assert str(graph.value(node, RDFS.label)) == right


def test_cnm_au8_nda_is_planned_not_done(graph: Graph) -> None:
    """The CNM-Au8 NDA is a planned event expected in Q3 2026, with no occurred date."""
    nda = KGR["event-cnm-au8-fda-nda"]
    assert graph.value(nda, KGO.eventStatus) == KGO.Planned
    assert graph.value(nda, KGO.expectedDate) == Literal("2026-07", datatype=XSD.gYearMonth)
    assert graph.value(nda, KGO.datePrecision) == KGO.Quarter
    assert graph.value(nda, KGO.date) is None


def test_nurown_fda_history(graph: Graph) -> None:
    """NurOwn's refuse-to-file, advisory committee vote and BLA withdrawal are dated FDA events."""
    kinds = {
        "event-debamestrocel-fda-refuse-to-file": (KGO.RefuseToFile, "2022-11"),
        "event-debamestrocel-fda-adcom": (KGO.AdvisoryCommitteeVote, "2023-09-27"),
        "event-debamestrocel-fda-bla-withdrawn": (KGO.ApplicationWithdrawn, "2023-10-18"),
    }
    for name, (kind, when) in kinds.items():
        event = KGR[name]
        assert graph.value(event, KGO.agency) == KGR["org-fda"]
        assert graph.value(event, KGO.eventKind) == kind
        assert graph.value(event, KGO.date) == date(when)
    assert "17" in str(graph.value(KGR["event-debamestrocel-fda-adcom"], KGO.vote))


@pytest.mark.parametrize(
    ("result", "kind"),
    [
        ("NCT03280056-res-responder-alsfrsr35", KGO.PreSpecifiedSubgroupAnalysis),
        ("NCT04615923-res-posthoc-early", KGO.PostHocSubgroupAnalysis),
        ("NCT02794857-res-age-40-65", KGO.PostHocSubgroupAnalysis),
        ("NCT04098406-res-survival", KGO.AnalysisKindNotStated),
        ("NCT05357950-res-alsfrsr-pp", KGO.AnalysisKindNotStated),
    ],
)
def test_company_subgroup_claims_are_not_primary(graph: Graph, result: str, kind: URIRef) -> None:
    """Subgroup, post hoc, per-protocol and exploratory results carry their analysis kind and
    are never a pre-specified analysis of a primary endpoint in the overall population."""
    node = KGR[result]
    assert graph.value(node, KGO.analysisKind) == kind
    population_kind = graph.value(graph.value(node, KGO.population), KGO.populationKind)
    roles = {graph.value(e, KGO.endpointRole) for e in graph.objects(node, KGO.ofEndpoint)}
    primary_analysis = (
        KGO.PrimaryEndpoint in roles
        and population_kind == KGO.OverallPopulation
        and kind == KGO.PreSpecifiedAnalysis
    )
    assert not primary_analysis


def test_astrorx_counts_kept_apart(graph: Graph) -> None:
    """AstroRx keeps the registered (16) and dosed (10) counts as two enrollment nodes."""
    counts = {
        (graph.value(e, KGO["count"]), graph.value(e, KGO.countKind))
        for e in graph.objects(KGR["NCT03482050"], KGO.enrollment)
    }
    assert counts == {(Literal(16), KGO.EnrolledCount), (Literal(10), KGO.TreatedCount)}


def test_ilb_uk_trial_stopped_by_covid(graph: Graph) -> None:
    """The UK ILB phase 2 is terminated, stopped because of COVID-19."""
    trial = KGR["NCT03705390"]
    assert graph.value(trial, KGO.status) == KGO.Terminated
    assert graph.value(trial, KGO.stopReason) == KGO.Covid19
    assert graph.value(trial, KGO.whyStopped) is not None
