"""Curated batch B: tofersen, riluzole, edaravone (IV and oral), Nuedexta, methylcobalamin,
AMX0035, reldesemtiv, arimoclomol and TUDCA.

Each therapy's key facts are checked in the loaded curated graph (ontology plus every data file):
its company, one trial with its registry id and primary-endpoint verdict, one regulatory event
with its date, and the Alliance-list claim about its development status. Further tests pin the
facts that are easiest to get wrong: the kind of each approval, withdrawals superseding
approvals, futility stops, and counts that differ by source.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, SKOS, XSD
from rdflib.term import Identifier, Node

import kg
from kg import KGO, KGR

PROV_DERIVED = PROV.wasDerivedFrom
ALLIANCE_PAGE = KGR["src-alliance-neuronata-r"]
ALLIANCE_AS_OF = Literal("2025-02", datatype=XSD.gYearMonth)


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The curated graph: the bundled ontology and every bundled data file."""
    return kg.load_curated()


def ask(graph: Graph, query: str, **bindings: Identifier) -> bool:
    """Run a SPARQL ASK query with the project prefixes and the given variable bindings."""
    result = graph.query(
        query,
        initNs={"kgo": KGO, "kgr": KGR, "xsd": XSD, "rdf": RDF, "prov": PROV},
        initBindings=bindings,
    )
    return bool(result.askAnswer)


# ---------------------------------------------------------------------------------------------
# One case per therapy
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TherapyCase:
    """The key facts checked for one therapy."""

    therapy: str
    company: str
    trial: str
    registry_id: str | None
    verdict: str
    alliance_status: str
    event: str | None = None
    event_kind: str | None = None
    event_date: Literal | None = None


def day(value: str) -> Literal:
    """An xsd:date literal."""
    return Literal(value, datatype=XSD.date)


def month(value: str) -> Literal:
    """An xsd:gYearMonth literal."""
    return Literal(value, datatype=XSD.gYearMonth)


CASES = [
    TherapyCase(
        therapy="tofersen",
        company="org-biogen",
        trial="NCT02623699",
        registry_id="NCT02623699",
        verdict="PrimaryMissed",
        alliance_status="ApprovedSomewhere",
        event="event-tofersen-fda-accelerated-approval",
        event_kind="AcceleratedApproval",
        event_date=day("2023-04-25"),
    ),
    TherapyCase(
        therapy="riluzole",
        company="org-itf-pharma",
        trial="trial-riluzole-bensimon-1994",
        registry_id=None,
        verdict="PrimaryMixed",
        alliance_status="ApprovedSomewhere",
        event="event-riluzole-fda-approval",
        event_kind="Approval",
        event_date=month("1995-12"),
    ),
    TherapyCase(
        therapy="edaravone-iv",
        company="org-mitsubishi-tanabe",
        trial="NCT01492686",
        registry_id="NCT01492686",
        verdict="PrimaryMet",
        alliance_status="ApprovedSomewhere",
        event="event-edaravone-iv-fda-approval",
        event_kind="Approval",
        event_date=day("2017-05-05"),
    ),
    TherapyCase(
        therapy="edaravone-oral",
        company="org-mitsubishi-tanabe",
        trial="NCT04569084",
        registry_id="NCT04569084",
        verdict="PrimaryMissed",
        alliance_status="InDevelopment",
        event="event-edaravone-oral-fda-approval",
        event_kind="Approval",
        event_date=day("2022-05-12"),
    ),
    TherapyCase(
        therapy="dextromethorphan-quinidine",
        company="org-avanir",
        trial="trial-dextromethorphan-quinidine-star",
        registry_id=None,
        verdict="PrimaryMet",
        alliance_status="ApprovedSomewhere",
        event="event-dextromethorphan-quinidine-fda-approval",
        event_kind="Approval",
        event_date=day("2010-10-29"),
    ),
    TherapyCase(
        therapy="methylcobalamin",
        company="org-eisai",
        trial="NCT03548311",
        registry_id="NCT03548311",
        verdict="PrimaryMet",
        alliance_status="ApprovedSomewhere",
        event="event-methylcobalamin-japan-approval",
        event_kind="Approval",
        event_date=day("2024-09-24"),
    ),
    TherapyCase(
        therapy="amx0035",
        company="org-amylyx",
        trial="NCT05021536",
        registry_id="NCT05021536",
        verdict="PrimaryMissed",
        alliance_status="Discontinued",
        event="event-amx0035-fda-approval",
        event_kind="Approval",
        event_date=day("2022-09-29"),
    ),
    # No regulatory event of its own.
    TherapyCase(
        therapy="reldesemtiv",
        company="org-cytokinetics",
        trial="NCT04944784",
        registry_id="NCT04944784",
        verdict="PrimaryMissed",
        alliance_status="Discontinued",
    ),
    TherapyCase(
        therapy="arimoclomol",
        company="org-orphazyme",
        trial="NCT03491462",
        registry_id="NCT03491462",
        verdict="PrimaryMissed",
        alliance_status="Discontinued",
        event="event-arimoclomol-fda-npc-approval",
        event_kind="Approval",
        event_date=day("2024-09-20"),
    ),
    # No regulatory event of its own.
    TherapyCase(
        therapy="tudca",
        company="org-humanitas",
        trial="NCT03800524",
        registry_id="NCT03800524",
        verdict="PrimaryMissed",
        alliance_status="Discontinued",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.therapy for c in CASES])
def test_therapy_key_facts(graph: Graph, case: TherapyCase) -> None:
    """Company, one trial (registry id and verdict), one dated event and the Alliance claim."""
    therapy = KGR[case.therapy]
    company = KGR[case.company]
    trial = KGR[case.trial]

    assert (therapy, RDF.type, KGO.Therapy) in graph
    assert (company, KGO.country, None) in graph, "the company needs its country"
    assert (therapy, KGO.developer, company) in graph or (trial, KGO.sponsor, company) in graph

    assert (trial, KGO.tests, therapy) in graph
    if case.registry_id is not None:
        assert (trial, KGO.nctId, Literal(case.registry_id)) in graph
    assert (trial, KGO.primaryEndpointVerdict, KGO[case.verdict]) in graph

    if case.event is not None:
        event = KGR[case.event]
        assert (event, KGO.therapy, therapy) in graph
        assert (event, KGO.eventKind, KGO[str(case.event_kind)]) in graph
        assert (event, KGO.eventStatus, KGO.Occurred) in graph
        assert (event, KGO.date, case.event_date) in graph

    assert ask(
        graph,
        """ASK {
            ?claim a kgo:Claim ;
                rdf:subject ?therapy ; rdf:predicate kgo:developmentStatus ; rdf:object ?status ;
                kgo:asOf ?asOf ; prov:wasDerivedFrom ?page .
        }""",
        therapy=therapy,
        status=KGO[case.alliance_status],
        asOf=ALLIANCE_AS_OF,
        page=ALLIANCE_PAGE,
    ), f"no Alliance-list claim that {case.therapy} is {case.alliance_status}"


@pytest.mark.parametrize("case", CASES, ids=[c.therapy for c in CASES])
def test_therapy_has_status_and_sources(graph: Graph, case: TherapyCase) -> None:
    """Every therapy states one development status with its date, and its sources."""
    therapy = KGR[case.therapy]
    assert len(list(graph.objects(therapy, KGO.developmentStatus))) == 1
    assert (therapy, KGO.statusAsOf, None) in graph
    assert all(
        (source, RDF.type, KGO.Source) in graph for source in graph.objects(therapy, PROV_DERIVED)
    )
    assert list(graph.objects(therapy, PROV_DERIVED))


# ---------------------------------------------------------------------------------------------
# Approval kinds, withdrawals and superseding
# ---------------------------------------------------------------------------------------------


def test_tofersen_fda_accelerated_and_eu_exceptional(graph: Graph) -> None:
    """Qalsody: FDA accelerated approval on 25 April 2023; EU authorisation under exceptional
    circumstances, after the CHMP positive opinion of 22 February 2024."""
    fda = KGR["event-tofersen-fda-accelerated-approval"]
    assert (fda, KGO.eventKind, KGO.AcceleratedApproval) in graph
    assert (fda, KGO.date, day("2023-04-25")) in graph
    assert (fda, KGO.agency, KGR["org-fda"]) in graph

    eu = KGR["event-tofersen-ema-exceptional"]
    assert (eu, KGO.eventKind, KGO.ExceptionalCircumstancesApproval) in graph
    assert (eu, KGO.jurisdiction, KGR["place-EU"]) in graph
    assert (eu, PROV_DERIVED, KGR["src-zacks-biogen-eu-qalsody"]) in graph

    chmp = KGR["event-tofersen-chmp-positive-opinion"]
    assert (chmp, KGO.eventKind, KGO.PositiveOpinion) in graph
    assert (chmp, KGO.date, day("2024-02-22")) in graph
    assert (chmp, KGO.targetsPathway, KGO.ExceptionalCircumstancesApproval) in graph


def test_tofersen_advisory_committee_and_atlas(graph: Graph) -> None:
    """The FDA advisory committee (22 March 2023) and the confirmatory ATLAS trial."""
    adcomm = KGR["event-tofersen-fda-advisory-committee"]
    assert (adcomm, KGO.eventKind, KGO.AdvisoryCommitteeVote) in graph
    assert (adcomm, KGO.date, day("2023-03-22")) in graph
    assert (adcomm, KGO.vote, None) in graph
    atlas = KGR["NCT04856982"]
    assert (atlas, KGO.acronym, Literal("ATLAS")) in graph
    assert (atlas, KGO.tests, KGR["tofersen"]) in graph


def test_relyvrio_regular_approval_then_withdrawal(graph: Graph) -> None:
    """Relyvrio: a regular (not accelerated) FDA approval on 29 September 2022, superseded by the
    market withdrawal of 4 April 2024; Albrioza's Canadian NOC/c likewise."""
    approval = KGR["event-amx0035-fda-approval"]
    assert (approval, KGO.eventKind, KGO.Approval) in graph
    assert (approval, KGO.eventKind, KGO.AcceleratedApproval) not in graph
    assert (approval, KGO.date, day("2022-09-29")) in graph

    canada = KGR["event-amx0035-health-canada-noc-c"]
    assert (canada, KGO.eventKind, KGO.ConditionalApproval) in graph

    for withdrawal, superseded, place in [
        ("event-amx0035-us-market-withdrawal", approval, "place-US"),
        ("event-amx0035-canada-market-withdrawal", canada, "place-CA"),
    ]:
        event = KGR[withdrawal]
        assert (event, KGO.eventKind, KGO.MarketWithdrawal) in graph
        assert (event, KGO.date, day("2024-04-04")) in graph
        assert (event, KGO.supersedes, superseded) in graph
        assert (event, KGO.jurisdiction, KGR[place]) in graph

    assert (KGR["amx0035"], KGO.developmentStatus, KGO.WithdrawnFromMarket) in graph


def test_no_accelerated_approval_in_batch_except_tofersen(graph: Graph) -> None:
    """Of this batch's therapies, only tofersen has an accelerated approval."""
    therapies = {KGR[c.therapy] for c in CASES}
    accelerated = {
        therapy
        for event in graph.subjects(KGO.eventKind, KGO.AcceleratedApproval)
        for therapy in graph.objects(event, KGO.therapy)
        if therapy in therapies
    }
    assert accelerated == {KGR["tofersen"]}


def test_amx0035_advisory_committee_votes(graph: Graph) -> None:
    """Two FDA advisory committee votes on AMX0035: against in March, for in September 2022."""
    votes = {
        str(graph.value(event, KGO.date)): str(graph.value(event, KGO.vote))
        for event in graph.subjects(KGO.eventKind, KGO.AdvisoryCommitteeVote)
        if (event, KGO.therapy, KGR["amx0035"]) in graph
    }
    assert votes == {"2022-03-30": "6 no, 4 yes", "2022-09-07": "7 yes, 2 no"}


def test_edaravone_iv_eu_application_withdrawn(graph: Graph) -> None:
    """The EU application for Radicava was withdrawn on 24 May 2019, after an orphan designation."""
    withdrawn = KGR["event-edaravone-iv-ema-maa-withdrawn"]
    assert (withdrawn, KGO.eventKind, KGO.ApplicationWithdrawn) in graph
    assert (withdrawn, KGO.date, day("2019-05-24")) in graph
    assert (KGR["event-edaravone-iv-ema-orphan"], KGO.eventKind, KGO.OrphanDesignation) in graph


def test_edaravone_iv_and_oral_are_two_therapies(graph: Graph) -> None:
    """Oral and intravenous edaravone are distinct therapy nodes with their own routes."""
    assert (KGR["edaravone-iv"], KGO.route, KGO.Intravenous) in graph
    assert (KGR["edaravone-oral"], KGO.route, KGO.Oral) in graph
    assert KGR["edaravone-iv"] != KGR["edaravone-oral"]


def test_arimoclomol_npc_approval_is_labelled_another_indication(graph: Graph) -> None:
    """The Niemann-Pick C approval names its own condition, not ALS.

    Arimoclomol's development status for ALS stays discontinued.
    """
    npc = KGR["condition-niemann-pick-disease-type-c"]
    assert (npc, RDF.type, KGO.Condition) in graph
    assert (KGR["arimoclomol"], KGO.indication, npc) in graph
    event = KGR["event-arimoclomol-fda-npc-approval"]
    assert "Niemann-Pick" in str(graph.value(event, KGO.indicationText))
    assert (KGR["arimoclomol"], KGO.developmentStatus, KGO.Discontinued) in graph


def test_nuedexta_indication_is_pseudobulbar_affect(graph: Graph) -> None:
    """Nuedexta treats pseudobulbar affect, a local condition node without external ids."""
    pba = KGR["condition-pseudobulbar-affect"]
    assert (KGR["dextromethorphan-quinidine"], KGO.indication, pba) in graph
    assert (pba, SKOS.exactMatch, None) not in graph


def test_methylcobalamin_japan_milestones(graph: Graph) -> None:
    """Rozebalamin in Japan: orphan designation May 2022, filing January 2024, approval
    24 September 2024."""
    expected = {
        "event-methylcobalamin-japan-orphan": (KGO.OrphanDesignation, month("2022-05")),
        "event-methylcobalamin-japan-nda": (KGO.Submission, month("2024-01")),
        "event-methylcobalamin-japan-approval": (KGO.Approval, day("2024-09-24")),
    }
    for name, (kind, date) in expected.items():
        event = KGR[name]
        assert (event, KGO.agency, KGR["org-mhlw"]) in graph
        assert (event, KGO.eventKind, kind) in graph
        assert (event, KGO.date, date) in graph


# ---------------------------------------------------------------------------------------------
# Trials: missed verdicts, futility stops, counts by source
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trial", "acronym"),
    [
        ("NCT02623699", "VALOR"),
        ("NCT05021536", "PHOENIX"),
        ("NCT03800524", "TUDCA-ALS"),
        ("NCT03491462", "ORARIALS-01"),
        ("NCT04944784", "COURAGE-ALS"),
        ("NCT04569084", "MT-1186-A02"),
    ],
)
def test_primary_endpoint_missed(graph: Graph, trial: str, acronym: str) -> None:
    """These trials missed their primary endpoint (a futility stop counts as missed)."""
    study = KGR[trial]
    assert (study, KGO.acronym, Literal(acronym)) in graph
    assert (study, KGO.nctId, Literal(trial)) in graph
    assert (study, KGO.primaryEndpointVerdict, KGO.PrimaryMissed) in graph
    assert ask(
        graph,
        """ASK {
            ?result kgo:resultOf ?study ; kgo:verdict kgo:NotMet ;
                    kgo:ofEndpoint/kgo:endpointRole kgo:PrimaryEndpoint .
        }""",
        study=study,
    )


@pytest.mark.parametrize(
    ("trial", "stop_date"),
    [("NCT04944784", "2023-03-31"), ("NCT04569084", "2023-07-31")],
    ids=["COURAGE-ALS", "MT-1186-A02"],
)
def test_futility_stops(graph: Graph, trial: str, stop_date: str) -> None:
    """Trials stopped for futility: terminated, with the stop reason, date and words."""
    study = KGR[trial]
    assert (study, KGO.status, KGO.Terminated) in graph
    assert (study, KGO.stopReason, KGO.Futility) in graph
    assert (study, KGO.stopDate, day(stop_date)) in graph
    assert (study, KGO.whyStopped, None) in graph


def test_tudca_als_enrollment_differs_by_source(graph: Graph) -> None:
    """TUDCA-ALS: 320, 334 and 336 enrolled, each count with its own source."""
    counts: dict[Node | None, set[Node]] = {}
    for node in graph.objects(KGR["NCT03800524"], KGO.enrollment):
        if (node, KGO.countKind, KGO.EnrolledCount) in graph:
            counts[graph.value(node, KGO["count"])] = set(graph.objects(node, PROV_DERIVED))
    assert set(counts) == {Literal(320), Literal(334), Literal(336)}
    sources = list(counts.values())
    assert all(len(s) == 1 for s in sources)
    assert len(set().union(*sources)) == 3


def test_tudca_pilot_positive(graph: Graph) -> None:
    """The TUDCA pilot phase 2 met its primary endpoint (responders 87% vs 43%)."""
    pilot = KGR["NCT00877604"]
    assert (pilot, KGO.phase, KGO.Phase2) in graph
    assert (pilot, KGO.primaryEndpointVerdict, KGO.PrimaryMet) in graph
    result = KGR["NCT00877604-res-responders"]
    assert (result, KGO.verdict, KGO.Met) in graph
    assert graph.value(result, KGO.pValue) == Literal(Decimal("0.021"))


def test_jetals_and_centaur_results(graph: Graph) -> None:
    """JETALS and CENTAUR met their primary endpoints, with the published statistics."""
    jetals = KGR["NCT03548311-res-alsfrsr"]
    assert graph.value(jetals, KGO.effectEstimate) == Literal(Decimal("1.97"))
    centaur = KGR["NCT03127514-res-alsfrsr"]
    assert graph.value(centaur, KGO.effectEstimate) == Literal(Decimal("2.32"))
    assert graph.value(centaur, KGO.ciLower) == Literal(Decimal("0.18"))
    assert graph.value(centaur, KGO.ciUpper) == Literal(Decimal("4.47"))
    for result in (jetals, centaur):
        assert (result, KGO.verdict, KGO.Met) in graph


def test_unaccepted_alliance_claims(graph: Graph) -> None:
    """Where the Alliance list contradicts an approval, the claim is kept but not accepted."""
    for claim in ("claim-edaravone-oral-alliance-list", "claim-methylcobalamin-alliance-sidebar"):
        node = KGR[claim]
        assert (node, RDF.object, KGO.InDevelopment) in graph
        assert (node, KGO.accepted, Literal(False)) in graph


def test_paradigm_alsfrsr_is_a_secondary_endpoint(graph: Graph) -> None:
    """NeuroSense's topline release names ALSFRS-R among PARADIGM's secondary endpoints."""
    endpoint = KGR["NCT05357950-ep-alsfrsr"]
    assert (endpoint, KGO.endpointRole, KGO.SecondaryEndpoint) in graph
    assert (endpoint, PROV.wasDerivedFrom, KGR["src-advfn-2023-12-paradigm-topline"]) in graph
