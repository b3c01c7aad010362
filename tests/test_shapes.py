"""Each SHACL shape catches what it is for, with its own message for curators.

Every case starts from a small valid graph (the Neuronata-R file and what it refers to), breaks
one thing, and checks that validation reports exactly that shape's message on that node.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import DCTERMS, PROV, XSD

import kg
from kg.namespaces import KGO, KGR
from kg.resources import asset_dir

BASE_FILES = ["common.ttl", "lenzumestrocel.ttl", "riluzole.ttl", "tofersen.ttl"]

ALSUMMIT = KGR["NCT04745299"]
SLOW_ALSFRS = KGR["NCT04745299-res-slow-alsfrsr"]
BLA = KGR["event-lenzumestrocel-fda-bla"]
MFDS = KGR["event-lenzumestrocel-mfds-conditional-approval"]
PHASE2_M4 = KGR["NCT01363401-res-alsfrsr-m4"]


@pytest.fixture(scope="module")
def base() -> Graph:
    """The Neuronata-R graph and what it refers to; it conforms."""
    data = asset_dir("data")
    graph = kg.load(*(data / name for name in BASE_FILES))
    assert not kg.validate(graph).fails()
    return graph


def _set(node, prop, value):  # type: ignore[no-untyped-def]
    def change(g: Graph) -> None:
        g.set((node, prop, value))

    return change


def _drop(node, prop):  # type: ignore[no-untyped-def]
    def change(g: Graph) -> None:
        g.remove((node, prop, None))

    return change


def _add(node, prop, value):  # type: ignore[no-untyped-def]
    def change(g: Graph) -> None:
        g.add((node, prop, value))

    return change


#: (shape, how to break it, the node that must be reported, a fragment of the shape's message)
CASES: list[tuple[str, Callable[[Graph], None], str, str]] = [
    ("SourcedShape", _drop(ALSUMMIT, PROV.wasDerivedFrom), ALSUMMIT, "No source"),
    ("SourceLinkShape", _add(ALSUMMIT, PROV.wasDerivedFrom, KGR["org-fda"]), ALSUMMIT,
     "is not a kgo:Source"),
    ("DateShape", _set(MFDS, KGO.date, Literal("July 2014")), MFDS, "A date must be one"),
    ("TherapyShape", _drop(KGR["lenzumestrocel"], KGO.modality), KGR["lenzumestrocel"],
     "needs a modality"),
    ("DosingShape", _set(KGR["lenzumestrocel-dosing"], KGO.dose, Literal(Decimal("-1"))),
     KGR["lenzumestrocel-dosing"], "A dose is one positive"),
    ("DoseUnitShape", _drop(KGR["lenzumestrocel-dosing"], KGO.doseUnit),
     KGR["lenzumestrocel-dosing"], "needs its unit"),
    ("ClinicalStudyShape", _add(ALSUMMIT, KGO.phase, KGO.Phase2), ALSUMMIT,
     "exactly one phase"),
    ("ClinicalStudyShape", _set(ALSUMMIT, KGO.nctId, Literal("NCT0474529")), ALSUMMIT,
     "followed by eight digits"),
    ("UniqueRegistryIdShape", _set(ALSUMMIT, KGO.nctId, Literal("NCT01363401")), ALSUMMIT,
     "given for two different studies"),
    ("EnrollmentShape", _drop(KGR["NCT04745299-randomised"], KGO.countKind),
     KGR["NCT04745299-randomised"], "Say what the count counts"),
    ("ArmShape", _drop(KGR["NCT04745299-arm-group-3"], KGO.armRole),
     KGR["NCT04745299-arm-group-3"], "An arm has exactly one role"),
    ("EndpointShape", _drop(KGR["NCT04745299-ep-cafs-m6-g1"], KGO.endpointRole),
     KGR["NCT04745299-ep-cafs-m6-g1"], "An endpoint has exactly one role"),
    ("ResultShape", _drop(SLOW_ALSFRS, KGO.ofEndpoint), SLOW_ALSFRS, "must name the endpoint"),
    ("ResultShape", _drop(SLOW_ALSFRS, KGO.population), SLOW_ALSFRS, "exactly one population"),
    ("ResultShape", _drop(SLOW_ALSFRS, KGO.analysisKind), SLOW_ALSFRS, "what kind of analysis"),
    ("ResultShape", _set(SLOW_ALSFRS, KGO.pValue, Literal(Decimal("1.5"))), SLOW_ALSFRS,
     "between 0 and 1"),
    ("ResultShape", _set(PHASE2_M4, KGO.ciLower, Literal(Decimal("9.9"))), PHASE2_M4,
     "no greater than the upper limit"),
    ("PValueModifierShape", _drop(SLOW_ALSFRS, KGO.pValueModifier), SLOW_ALSFRS,
     "needs its modifier"),
    ("ConfidenceIntervalShape", _drop(PHASE2_M4, KGO.ciUpper), PHASE2_M4, "needs both limits"),
    ("SubgroupAnalysisShape", _set(SLOW_ALSFRS, KGO.analysisKind, KGO.PostHocAnalysis),
     SLOW_ALSFRS, "computed on a subgroup"),
    ("SubgroupAnalysisShape",
     _set(SLOW_ALSFRS, KGO.analysisKind, KGO.PreSpecifiedSubgroupAnalysis), SLOW_ALSFRS,
     "cannot be a pre-specified analysis"),
    ("GroupValueShape", _drop(KGR["NCT04745299-res-slow-alsfrsr-placebo"], RDFS.label),
     KGR["NCT04745299-res-slow-alsfrsr-placebo"], "needs the group's name"),
    ("PopulationShape", _drop(KGR["NCT04745299-pop-slow"], KGO.populationKind),
     KGR["NCT04745299-pop-slow"], "either the overall population or a subgroup"),
    ("SubgroupDefinitionShape", _drop(KGR["NCT04745299-pop-slow"], KGO.definition),
     KGR["NCT04745299-pop-slow"], "needs its definition"),
    ("RegulatoryEventShape", _drop(MFDS, KGO.agency), MFDS, "exactly one agency"),
    ("RegulatoryEventShape", _drop(MFDS, KGO.datePrecision), MFDS, "needs its date precision"),
    ("EventDateShape", _add(BLA, KGO.date, Literal("2026", datatype=XSD.gYear)), BLA,
     "dated as if it had occurred"),
    ("EventDateShape", _drop(BLA, KGO.expectedDate), BLA, "the date it is expected"),
    ("EventDateShape", _drop(MFDS, KGO.date), MFDS, "An event that occurred needs its date"),
    ("EventDateShape", _set(MFDS, KGO.datePrecision, KGO.Day), MFDS,
     "does not match its precision"),
    ("SourceShape", _drop(KGR["src-oh-2018"], KGO.url), KGR["src-oh-2018"], "web address"),
    ("SourceShape", _drop(KGR["src-oh-2018"], KGO.sourceKind), KGR["src-oh-2018"],
     "exactly one kind"),
    ("SourceShape", _drop(KGR["src-oh-2018"], DCTERMS.title), KGR["src-oh-2018"],
     "needs a title"),
    ("ClaimShape", _drop(KGR["claim-alsummit-nct-alliance"], RDF.object),
     KGR["claim-alsummit-nct-alliance"], "exactly one value"),
]


@pytest.mark.parametrize(
    ("shape", "change", "focus", "message"),
    CASES,
    ids=[f"{case[0]}-{case[3][:24]}" for case in CASES],
)
def test_shape_catches_its_case(
    base: Graph, shape: str, change: Callable[[Graph], None], focus: str, message: str
) -> None:
    """Breaking the record makes validation fail with that shape's message on that node."""
    graph = kg.load(base)
    change(graph)
    report = kg.validate(graph)
    assert not report.conforms
    hits = [v for v in report.violations if v.focus == focus and message in v.message]
    assert hits, f"{shape}: no '{message}' on {focus}:\n{report.text()}"
    assert all(v.severity == "Violation" for v in hits)


def test_shared_registry_id_names_both_trials(base: Graph) -> None:
    """The seed's error (the phase 2's number given for ALSummit) is caught, naming both trials."""
    graph = kg.load(base)
    graph.set((ALSUMMIT, KGO.nctId, Literal("NCT01363401")))
    messages = [v.message for v in kg.validate(graph).violations]
    assert any(
        "ALSummit (NCT04745299)" in m and "Lenzumestrocel phase 2 (NCT01363401)" in m
        for m in messages
    )


@pytest.mark.parametrize(
    ("node", "prop", "message"),
    [
        (KGR["NCT04745299-ep-nfl"], KGO.measure, "names no measure"),
        (KGR["src-oh-2018"], KGO.date, "has no date"),
    ],
)
def test_warnings_do_not_fail(base: Graph, node: str, prop: str, message: str) -> None:
    """Missing details a curator should add are warnings: reported, but the graph conforms."""
    graph = kg.load(base)
    graph.remove((node, prop, None))  # type: ignore[arg-type]
    report = kg.validate(graph)
    assert not report.fails()  # warnings do not fail a check
    assert any(v.focus == node and message in v.message for v in report.violations)
