"""What the two seed documents state about Neuronata-R is in the graph, as stated and sourced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV, XSD

import kg
from kg.namespaces import KGO, KGR

ALSUMMIT = KGR["NCT04745299"]
PHASE_2 = KGR["NCT01363401"]
SEPT_RELEASE = KGR["src-pr-2025-09-22"]
ALLIANCE = KGR["src-alliance-neuronata-r"]


@pytest.fixture(scope="module")
def g() -> Graph:
    """The curated graph."""
    return kg.load_curated()


def test_alsummit_has_three_arms(g: Graph) -> None:
    """Two lenzumestrocel groups and a placebo group."""
    roles = sorted(str(g.value(arm, KGO.armRole)) for arm in g.objects(ALSUMMIT, KGO.arm))
    assert roles == [str(KGO.ExperimentalArm)] * 2 + [str(KGO.PlaceboComparatorArm)]


def test_alsummit_missed_its_primary_endpoint(g: Graph) -> None:
    """The overall CAFS result is not met; the trial's verdict is missed."""
    assert g.value(ALSUMMIT, KGO.primaryEndpointVerdict) == KGO.PrimaryMissed
    overall = KGR["NCT04745299-res-cafs-overall"]
    assert g.value(overall, KGO.verdict) == KGO.NotMet
    endpoints = set(g.objects(overall, KGO.ofEndpoint))
    assert {g.value(e, KGO.measure) for e in endpoints} == {KGO.CAFS}
    assert {g.value(e, KGO.endpointRole) for e in endpoints} == {KGO.PrimaryEndpoint}
    assert g.value(g.value(overall, KGO.population), KGO.populationKind) == KGO.OverallPopulation


def test_slow_progressor_alsfrsr_is_a_post_hoc_subgroup_result(g: Graph) -> None:
    """31.2 vs 26.4, p = 0.001, in the slow-progressor subgroup: post hoc, from the release."""
    result = KGR["NCT04745299-res-slow-alsfrsr"]
    treated = g.value(result, KGO.treatmentGroup)
    placebo = g.value(result, KGO.comparatorGroup)
    assert g.value(treated, KGO.value).toPython() == Decimal("31.2")
    assert g.value(placebo, KGO.value).toPython() == Decimal("26.4")
    assert g.value(result, KGO.pValue).toPython() == Decimal("0.001")
    assert str(g.value(result, KGO.pValueModifier)) == "="
    assert g.value(result, KGO.analysisKind) == KGO.PostHocSubgroupAnalysis
    assert g.value(g.value(result, KGO.population), KGO.populationKind) == KGO.Subgroup
    assert g.value(g.value(result, KGO.ofEndpoint), KGO.endpointRole) == KGO.NotPreSpecifiedEndpoint
    assert set(g.objects(result, PROV.wasDerivedFrom)) == {SEPT_RELEASE}
    assert g.value(SEPT_RELEASE, KGO.sourceKind) == KGO.PressRelease


@pytest.mark.parametrize(
    ("suffix", "value", "lower", "upper", "p", "modifier"),
    [("m4", "2.98", "1.48", "4.47", "0.001", "<"), ("m6", "3.38", "1.23", "5.54", "0.003", "=")],
)
def test_phase_2_alsfrsr_differences_met(
    g: Graph, suffix: str, value: str, lower: str, upper: str, p: str, modifier: str
) -> None:
    """The phase 2's ALSFRS-R differences with their 95% CIs, pre-specified and met."""
    result = KGR[f"NCT01363401-res-alsfrsr-{suffix}"]
    assert g.value(result, KGO.resultOf) == PHASE_2
    assert g.value(result, KGO.effectEstimate).toPython() == Decimal(value)
    assert g.value(result, KGO.ciLower).toPython() == Decimal(lower)
    assert g.value(result, KGO.ciUpper).toPython() == Decimal(upper)
    assert g.value(result, KGO.ciLevel).toPython() == Decimal("0.95")
    assert g.value(result, KGO.pValue).toPython() == Decimal(p)
    assert str(g.value(result, KGO.pValueModifier)) == modifier
    assert g.value(result, KGO.verdict) == KGO.Met
    assert g.value(result, KGO.analysisKind) == KGO.PreSpecifiedAnalysis
    assert g.value(PHASE_2, KGO.primaryEndpointVerdict) == KGO.PrimaryMet


def test_mfds_conditional_approval_with_both_years(g: Graph) -> None:
    """The Korean approval is conditional; the 2013 and 2014 claims are both kept."""
    event = KGR["event-lenzumestrocel-mfds-conditional-approval"]
    assert g.value(event, KGO.eventKind) == KGO.ConditionalApproval
    assert g.value(event, KGO.agency) == KGR["org-mfds"]
    assert g.value(event, KGO.jurisdiction) == KGR["place-KR"]
    claimed = {
        str(g.value(claim, RDF.object))
        for claim in g.subjects(RDF.subject, event)
        if g.value(claim, RDF.predicate) == KGO.date
    }
    assert {"2013", "2014-07"} <= claimed


def test_bla_is_planned_not_submitted(g: Graph) -> None:
    """The BLA is a planned submission for 2026 with no occurrence date, citing tofersen."""
    bla = KGR["event-lenzumestrocel-fda-bla"]
    assert g.value(bla, KGO.eventStatus) == KGO.Planned
    assert g.value(bla, KGO.date) is None
    assert g.value(bla, KGO.expectedDate) == Literal("2026", datatype=XSD.gYear)
    assert g.value(bla, KGO.targetsPathway) == KGO.AcceleratedApproval
    assert g.value(bla, KGO.citesPrecedent) == KGR["event-tofersen-fda-accelerated-approval"]
    meeting = KGR["event-lenzumestrocel-fda-type-c-meeting"]
    assert g.value(meeting, KGO.eventStatus) == KGO.Planned
    assert g.value(meeting, KGO.datePrecision) == KGO.Quarter


def test_tofersen_precedent_approval(g: Graph) -> None:
    """The precedent itself: the FDA's accelerated approval of tofersen on 2023-04-25."""
    event = KGR["event-tofersen-fda-accelerated-approval"]
    assert g.value(event, KGO.eventKind) == KGO.AcceleratedApproval
    assert g.value(event, KGO.date) == Literal("2023-04-25", datatype=XSD.date)


def test_alliance_nct_error_is_kept_as_an_unaccepted_claim(g: Graph) -> None:
    """The Alliance gives NCT01363401 for ALSummit: recorded with its source, not asserted."""
    assert str(g.value(ALSUMMIT, KGO.nctId)) == "NCT04745299"
    claim = KGR["claim-alsummit-nct-alliance"]
    assert g.value(claim, RDF.object) == Literal("NCT01363401")
    assert g.value(claim, KGO.accepted) == Literal(False)
    assert g.value(claim, PROV.wasDerivedFrom) == ALLIANCE


def test_dose_administration_and_storage(g: Graph) -> None:
    """1.0 x 10^6 cells/kg intrathecally, two injections four weeks apart, stored at 2-8 °C."""
    therapy = KGR["lenzumestrocel"]
    dosing = g.value(therapy, KGO.dosing)
    assert g.value(dosing, KGO.dose).toPython() == Decimal("1000000")
    assert g.value(therapy, KGO.route) == KGO.Intrathecal
    assert "2 and 8" in str(g.value(therapy, KGO.storage))
    assert "4.0 x 10^7 cells in 4 mL" in str(g.value(therapy, KGO.presentation))


def test_biomarkers_and_presentation(g: Graph) -> None:
    """NfL and MCP-1 reductions are biomarker results; the results were shown at PACTALS 2025."""
    for name, measure in (("nfl", KGO.NfL), ("mcp1", KGO.MCP1)):
        result = KGR[f"NCT04745299-res-{name}"]
        assert g.value(g.value(result, KGO.ofEndpoint), KGO.measure) == measure
        assert (measure, RDF.type, KGO.BiomarkerMeasure) in g
    talk = KGR["presentation-pactals-2025-alsummit"]
    assert str(g.value(talk, KGO.congress)) == "PACTALS 2025"


def test_every_result_and_event_has_a_source(g: Graph) -> None:
    """No result or regulatory event lacks prov:wasDerivedFrom."""
    for cls in (KGO.Result, KGO.RegulatoryEvent):
        unsourced = [
            node for node in g.subjects(RDF.type, cls) if g.value(node, PROV.wasDerivedFrom) is None
        ]
        assert not unsourced, unsourced


def test_studies_of_the_seeds(g: Graph) -> None:
    """Phase 1, phase 2, ALSummit and the 2023 survival study against PRO-ACT controls."""
    studies = set(g.subjects(KGO.tests, KGR["lenzumestrocel"]))
    assert {
        KGR["trial-lenzumestrocel-phase-1"],
        PHASE_2,
        ALSUMMIT,
        KGR["study-lenzumestrocel-survival-2023"],
    } <= studies
    survival = KGR["study-lenzumestrocel-survival-2023"]
    assert (survival, RDF.type, KGO.ObservationalStudy) in g
    assert g.value(survival, KGO.controlType) == KGO.ExternalControl
    assert isinstance(survival, URIRef)
