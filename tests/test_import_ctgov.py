"""The ClinicalTrials.gov importer (kg.importers) and ``kg import ctgov``.

The nine real records are read from ``../shared/data/ctgov/`` beside the repository (their
provenance is in SOURCES.md there); tests that need them are skipped when that folder is
missing. One small record, ``tests/fixtures/ctgov/NCT00973089.json`` (a byte-for-byte copy
from that folder, itself a test fixture of ctti-clinicaltrials/aact), keeps the basic tests
running without it. Expected values are read from the record files themselves.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg import validate
from kg.cli import main
from kg.errors import InputError
from kg.graph.io import load
from kg.importers import (
    BatchImportError,
    import_changes,
    import_files,
    study_to_graph,
    xml_study_to_graph,
)
from kg.namespaces import KGO, KGR, PROV
from kg.resources import ontology_files
from tests.shared_data import shared_path

ROOT = Path(__file__).resolve().parent.parent
SHARED = shared_path("data", "ctgov")
LOCAL = Path(__file__).resolve().parent / "fixtures" / "ctgov" / "NCT00973089.json"
#: The records in ../shared/data/ctgov/, as listed in its SOURCES.md.
RECORD_NAMES = (
    "NCT00734539.xml",
    "NCT00763412.json",
    "NCT00973089.json",
    "NCT01642004.xml",
    "NCT02210780.json",
    "NCT02552212.json",
    "NCT03418623.json",
    "NCT05594173.json",
    "NCT06171568.json",
)
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"no shared ClinicalTrials.gov records in {SHARED} (clone shared/ beside the "
    "repository, or set ALS_KG_SHARED)",
)


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load(*ontology_files())


def shared_record(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is missing (clone shared/ beside main/)")
    return path


def trial(path: Path) -> URIRef:
    return KGR[path.name.split(".")[0]]


def phase_concept(ontology: Graph, code: str) -> URIRef:
    """The kgo:Phase whose notation is a registry code, looked up in the ontology itself."""
    for node in ontology.subjects(SKOS.notation, Literal(code)):
        if (node, RDF.type, KGO.Phase) in ontology and isinstance(node, URIRef):
            return node
    raise AssertionError(f"no phase with notation {code!r}")


def read_expected(path: Path) -> dict[str, Any]:
    """What the record file says, read independently of the importer."""
    if path.suffix == ".json":
        record = json.loads(path.read_text(encoding="utf-8"))
        protocol = record["protocolSection"]
        design = protocol.get("designModule", {})
        enrollment = design.get("enrollmentInfo")
        registered = [
            (key.removesuffix("Outcomes"), outcome["measure"])
            for key, outcomes in protocol.get("outcomesModule", {}).items()
            for outcome in outcomes
        ]
        measures = record.get("resultsSection", {}).get("outcomeMeasuresModule", {})
        posted = [
            (m["type"].split("_")[0].lower(), m["title"])
            for m in measures.get("outcomeMeasures", [])
        ]
        p_values = [
            a["pValue"]
            for m in measures.get("outcomeMeasures", [])
            for a in m.get("analyses", [])
            if "pValue" in a
        ]
        return {
            "phase": "|".join(design.get("phases", [])) or "NA",
            "enrollment": (enrollment["count"], enrollment["type"]) if enrollment else None,
            "registered": registered,
            "posted": posted,
            "p_values": p_values,
        }
    root = ElementTree.parse(path).getroot()  # noqa: S314 - our own test fixture
    phase = root.findtext("phase") or "N/A"
    enrollment = root.find("enrollment")
    kinds = {"Actual": "ACTUAL", "Anticipated": "ESTIMATED"}
    return {
        "phase": re.sub(r"Phase (\d)", r"PHASE\1", phase).replace("/", "|").replace("N|A", "NA"),
        "enrollment": None
        if enrollment is None
        else (int(enrollment.text or ""), kinds[enrollment.get("type", "")]),
        "registered": [
            (tag.split("_")[0], element.findtext("measure") or "")
            for tag in ("primary_outcome", "secondary_outcome", "other_outcome")
            for element in root.iterfind(tag)
        ],
        "posted": [
            ((o.findtext("type") or "").split()[0].lower(), o.findtext("title") or "")
            for o in root.iterfind("clinical_results/outcome_list/outcome")
        ],
        "p_values": [p.text or "" for p in root.iterfind(".//analysis/p_value")],
    }


def parse_p(text: str) -> tuple[str, Decimal]:
    match = re.fullmatch(r"\s*([<>]=?|=)?\s*([\d.]+)\s*", text)
    assert match, text
    return match.group(1) or "=", Decimal(match.group(2))


def one_line(text: str) -> str:
    return " ".join(text.split())


def record_with(**changes: Any) -> dict[str, Any]:
    """A small API v2 record; keyword arguments replace top-level protocol modules."""
    record: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09999999", "briefTitle": "A small trial"},
            "statusModule": {
                "overallStatus": "COMPLETED",
                "startDateStruct": {"date": "2015-09", "type": "ACTUAL"},
                "completionDateStruct": {"date": "2016-02-29", "type": "ESTIMATED"},
                "lastUpdatePostDateStruct": {"date": "2020-01-02", "type": "ACTUAL"},
            },
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE2"],
                "enrollmentInfo": {"count": 40, "type": "ACTUAL"},
            },
            "armsInterventionsModule": {
                "armGroups": [
                    {
                        "label": "Riluzole",
                        "type": "EXPERIMENTAL",
                        "interventionNames": ["Drug: Riluzole"],
                    },
                    {"label": "Placebo", "type": "PLACEBO_COMPARATOR"},
                ],
                "interventions": [
                    {"type": "DRUG", "name": "Riluzole", "armGroupLabels": ["Riluzole"]},
                ],
            },
            "outcomesModule": {
                "primaryOutcomes": [{"measure": "ALSFRS-R", "timeFrame": "Week 24"}]
            },
        }
    }
    record["protocolSection"].update(changes)
    return record


def with_analysis(**analysis: str) -> dict[str, Any]:
    """The small record, with one posted primary outcome measure and one analysis."""
    record = record_with()
    record["resultsSection"] = {
        "outcomeMeasuresModule": {
            "outcomeMeasures": [
                {
                    "type": "PRIMARY",
                    "title": "ALSFRS-R",
                    "paramType": "MEAN",
                    "unitOfMeasure": "points",
                    "groups": [
                        {"id": "OG000", "title": "Riluzole"},
                        {"id": "OG001", "title": "Placebo"},
                    ],
                    "denoms": [
                        {
                            "units": "Participants",
                            "counts": [
                                {"groupId": "OG000", "value": "20"},
                                {"groupId": "OG001", "value": "19"},
                            ],
                        }
                    ],
                    "classes": [
                        {
                            "categories": [
                                {
                                    "measurements": [
                                        {"groupId": "OG000", "value": "-4.5"},
                                        {"groupId": "OG001", "value": "-6.0"},
                                    ]
                                }
                            ]
                        }
                    ],
                    "analyses": [{"groupIds": ["OG000", "OG001"], **analysis}],
                }
            ]
        }
    }
    return record


def only_result(graph: Graph) -> URIRef:
    """The one result a record with one posted analysis gives."""
    [result] = [r for r in graph.subjects(RDF.type, KGO.Result) if isinstance(r, URIRef)]
    return result


def registry_source(graph: Graph, nct: str) -> URIRef:
    """The source node of the (one) record version of a trial in a graph."""
    url = URIRef(f"https://clinicaltrials.gov/study/{nct}")
    [source] = [s for s in graph.subjects(KGO.url, url) if isinstance(s, URIRef)]
    return source


def arm_named(graph: Graph, study: URIRef, label: str) -> URIRef:
    """The arm of a study with this label."""
    [arm] = [
        a for a in graph.objects(study, KGO.arm) if str(graph.value(a, RDFS.label)) == label
    ]
    assert isinstance(arm, URIRef)
    return arm


def write_json(folder: Path, name: str, record: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


# --- every real record ---------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("name", RECORD_NAMES)
def test_record_imports_and_conforms(name: str) -> None:
    graph = import_files([shared_record(name)], progress=False)
    report = validate(graph)
    assert not report.fails(), report.text()
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


@needs_shared
@pytest.mark.parametrize("name", RECORD_NAMES)
def test_record_fields_match_the_file(name: str, ontology: Graph) -> None:
    path = shared_record(name)
    expected = read_expected(path)
    graph = import_files([path], progress=False)
    study = trial(path)

    assert graph.value(study, KGO.phase) == phase_concept(ontology, expected["phase"])

    enrollment = graph.value(study, KGO.enrollment)
    if expected["enrollment"] is None:
        assert enrollment is None
    else:
        count, kind = expected["enrollment"]
        assert graph.value(enrollment, KGO["count"]) == Literal(count)
        assert (graph.value(enrollment, KGO.countKind), SKOS.notation, Literal(kind)) in ontology

    registered = {(role, one_line(measure)) for role, measure in expected["registered"]}
    unmatched = {(r, one_line(t)) for r, t in expected["posted"]} - registered
    endpoints = set(graph.objects(study, KGO.endpoint))
    assert len(endpoints) == len(expected["registered"]) + len(unmatched)
    labels = {str(graph.value(e, RDFS.label)) for e in endpoints}
    assert {measure for _, measure in registered} <= labels

    found = Counter(
        (str(graph.value(r, KGO.pValueModifier)), Decimal(str(graph.value(r, KGO.pValue))))
        for r in graph.objects(study, KGO.result)
        if graph.value(r, KGO.pValue) is not None
    )
    assert found == Counter(parse_p(text) for text in expected["p_values"])


@needs_shared
def test_known_values_of_a_json_record() -> None:
    path = shared_record("NCT02552212.json")
    graph = import_files([path], progress=False)
    study = trial(path)
    assert graph.value(study, KGO.phase) == KGO.Phase3
    assert graph.value(study, KGO.otherRegistryId) == Literal("2015-001894-41")
    assert graph.value(graph.value(study, KGO.enrollment), KGO["count"]) == Literal(317)
    # the first analysis: "pValue": "<0.001", odds ratio 15.231 (7.336 to 31.623)
    [first] = graph.subjects(KGO.effectEstimate, Literal("15.231", datatype=XSD.decimal))
    assert graph.value(first, KGO.pValue) == Literal("0.001", datatype=XSD.decimal)
    assert graph.value(first, KGO.pValueModifier) == Literal("<")
    assert graph.value(first, KGO.effectType) == KGO.OddsRatio
    assert graph.value(first, KGO.effectEstimate).toPython() == Decimal("15.231")  # type: ignore[union-attr]
    assert graph.value(first, KGO.ciLevel).toPython() == Decimal("0.95")  # type: ignore[union-attr]
    assert graph.value(first, KGO.verdict) == KGO.Met
    comparator = graph.value(first, KGO.comparatorGroup)
    assert graph.value(comparator, RDFS.label) == Literal("Placebo (FAS)", lang="en")
    assert graph.value(comparator, KGO.participants) == Literal(158)
    # "pValue": "=0.247" on uveitis flares: not met
    flares = next(r for r in graph.subjects(KGO.pValue, Literal("0.247", datatype=XSD.decimal)))
    assert graph.value(flares, KGO.pValueModifier) == Literal("=")
    assert graph.value(flares, KGO.verdict) == KGO.NotMet
    source = registry_source(graph, "NCT02552212")
    assert source == KGR["src-ctgov-NCT02552212-2022-08-18"]
    assert graph.value(source, KGO.url) == URIRef("https://clinicaltrials.gov/study/NCT02552212")
    assert graph.value(source, KGO.date) == Literal("2022-08-18", datatype=XSD.date)
    assert graph.value(source, KGO.sourceKind) == KGO.RegistryRecord


@needs_shared
def test_known_values_of_an_xml_record() -> None:
    path = shared_record("NCT01642004.xml")
    graph = import_files([path], progress=False)
    study = trial(path)
    assert graph.value(study, KGO.status) == KGO.ActiveNotRecruiting
    assert graph.value(study, KGO.masking) == KGO.OpenLabel
    assert graph.value(study, KGO.estimatedCompletionDate) == Literal(
        "2018-12-29", datatype=XSD.date
    )
    assert graph.value(study, KGO.startDate) == Literal("2012-09-26", datatype=XSD.date)
    # the primary overall-survival analysis: p 0.0002, hazard ratio 0.59, 96.85% CI 0.43-0.81
    result = next(graph.subjects(KGO.pValue, Literal("0.0002", datatype=XSD.decimal)))
    assert graph.value(result, KGO.pValueModifier) == Literal("=")
    assert graph.value(result, KGO.effectType) == KGO.HazardRatio
    assert graph.value(result, KGO.ciLevel).toPython() == Decimal("0.9685")  # type: ignore[union-attr]
    assert graph.value(result, KGO.verdict) == KGO.Met
    assert graph.value(registry_source(graph, "NCT01642004"), KGO.date) == Literal(
        "2018-04-10", datatype=XSD.date
    )


@needs_shared
def test_whole_folder_imports_once() -> None:
    graph = import_files([SHARED], progress=False)
    assert len(set(graph.subjects(KGO.nctId, None))) == len(RECORD_NAMES)
    size = len(graph)
    import_files([SHARED], into=graph, progress=False)
    assert len(graph) == size


# --- the local record (always runs) --------------------------------------------------------


def test_local_record_conforms() -> None:
    graph = import_files([LOCAL], progress=False)
    assert not validate(graph).fails()
    study = trial(LOCAL)
    record = json.loads(LOCAL.read_text(encoding="utf-8"))["protocolSection"]
    assert graph.value(study, KGO.status) == KGO.Withdrawn
    assert str(graph.value(study, KGO.whyStopped)) == record["statusModule"]["whyStopped"]
    enrollment = graph.value(study, KGO.enrollment)
    assert graph.value(enrollment, KGO["count"]) == Literal(
        record["designModule"]["enrollmentInfo"]["count"]
    )
    assert graph.value(enrollment, KGO.countKind) == KGO.EnrolledCount
    source = registry_source(graph, "NCT00973089")
    assert (study, PROV.wasDerivedFrom, source) in graph
    assert (enrollment, PROV.wasDerivedFrom, source) in graph


def test_reimport_changes_nothing() -> None:
    first = import_files([LOCAL], progress=False)
    again = import_files([LOCAL], into=import_files([LOCAL], progress=False), progress=False)
    assert set(again) == set(first)
    twice_in_one_batch = import_files([LOCAL, LOCAL.parent], progress=False)
    assert set(twice_in_one_batch) == set(first)
    record = json.loads(LOCAL.read_text(encoding="utf-8"))
    assert isomorphic(study_to_graph(record), study_to_graph(copy.deepcopy(record)))


def curated_trial(nct: str, phase: str) -> Graph:
    """A tiny curated file: the trial with its own phase, status, label and paper source."""
    return Graph().parse(
        format="turtle",
        data=f"""
        @prefix kgo: <https://w3id.org/als-kg/ontology#> .
        @prefix kgr: <https://w3id.org/als-kg/resource/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        kgr:{nct} a kgo:ClinicalTrial ;
            rdfs:label "The curated name ({nct})"@en ;
            kgo:nctId "{nct}" ;
            kgo:phase kgo:{phase} ;
            kgo:status kgo:Suspended ;
            prov:wasDerivedFrom kgr:src-paper .
        kgr:src-paper a kgo:Source ;
            dcterms:title "A paper about {nct}"@en ;
            kgo:url <https://example.org/paper> ;
            kgo:sourceKind kgo:PeerReviewedPaper ;
            dcterms:publisher kgr:org-clinicaltrials-gov .
        kgr:org-clinicaltrials-gov a kgo:Publisher .
        """,
    )


@pytest.mark.parametrize(
    ("path", "curated_phase"),
    [
        pytest.param(LOCAL, "Phase2", id="NCT00973089-local"),
        pytest.param(SHARED / "NCT02552212.json", "Phase2", id="NCT02552212", marks=needs_shared),
    ],
)
def test_curated_trial_and_record_become_one_trial(path: Path, curated_phase: str) -> None:
    study = trial(path)
    curated = curated_trial(study.split("/")[-1], curated_phase)
    merged = import_files(
        [path], into=curated_trial(study.split("/")[-1], curated_phase), progress=False
    )
    registry = registry_source(merged, study.split("/")[-1])

    # one trial, both sources
    assert set(merged.subjects(KGO.nctId, None)) == {study}
    assert set(merged.objects(study, PROV.wasDerivedFrom)) == {KGR["src-paper"], registry}
    # the curated single values stay; the registry's different values become claims
    imported = import_files([path], progress=False)
    for prop in (KGO.phase, KGO.status):
        assert set(merged.objects(study, prop)) == set(curated.objects(study, prop))
        registry_value = imported.value(study, prop)
        claim = merged.value(predicate=RDF.object, object=registry_value)
        assert claim is not None, prop
        assert (claim, RDF.type, KGO.Claim) in merged
        assert merged.value(claim, RDF.subject) == study
        assert merged.value(claim, RDF.predicate) == prop
        assert merged.value(claim, PROV.wasDerivedFrom) == registry
        assert merged.value(claim, KGO.asOf) == imported.value(registry, KGO.date)
    # the curated name stays the label; the registry's title becomes an alternative label
    assert set(merged.objects(study, RDFS.label)) == set(curated.objects(study, RDFS.label))
    assert imported.value(study, RDFS.label) in set(merged.objects(study, SKOS.altLabel))
    # the registry's other facts are added
    assert merged.value(study, KGO.enrollment) == imported.value(study, KGO.enrollment)

    report = validate(merged)
    assert not report.fails(), report.text()
    size = len(merged)
    import_files([path], into=merged, progress=False)
    assert len(merged) == size


def test_changes_hold_only_what_is_new() -> None:
    base = curated_trial("NCT00973089", "Phase2")
    before = set(base)
    added = import_changes([LOCAL], base=base, progress=False)
    assert set(base) == before
    assert not set(added) & before
    assert set(import_files([LOCAL], into=base, progress=False)) == before | set(added)


def test_interventions_link_only_to_existing_therapies() -> None:
    record = record_with()
    alone = study_to_graph(record)
    assert not list(alone.objects(None, KGO.intervention))
    riluzole_arm = arm_named(alone, KGR.NCT09999999, "Riluzole")
    assert (riluzole_arm, KGO.regimen, Literal("Drug: Riluzole", lang="en")) in alone
    linked = study_to_graph(record, therapies={"riluzole": KGR.riluzole})
    assert linked.value(riluzole_arm, KGO.intervention) == KGR.riluzole
    assert linked.value(KGR.NCT09999999, KGO.tests) == KGR.riluzole
    assert linked.value(arm_named(linked, KGR.NCT09999999, "Placebo"), KGO.intervention) is None


def test_dates_are_typed_by_their_shape() -> None:
    graph = study_to_graph(record_with())
    study = KGR.NCT09999999
    assert graph.value(study, KGO.startDate) == Literal("2015-09", datatype=XSD.gYearMonth)
    assert graph.value(study, KGO.estimatedCompletionDate) == Literal(
        "2016-02-29", datatype=XSD.date
    )
    assert graph.value(study, KGO.completionDate) is None


def test_observational_study() -> None:
    design = {"studyType": "OBSERVATIONAL", "enrollmentInfo": {"count": 400, "type": "ESTIMATED"}}
    graph = study_to_graph(record_with(designModule=design))
    assert (KGR.NCT09999999, RDF.type, KGO.ObservationalStudy) in graph
    assert graph.value(KGR.NCT09999999, KGO.phase) == KGO.PhaseNotApplicable
    enrollment = graph.value(KGR.NCT09999999, KGO.enrollment)
    assert graph.value(enrollment, KGO.countKind) == KGO.PlannedCount


P_VALUE_CASES = [
    ({"pValue": "<0.001"}, "<", "0.001", KGO.Met),
    ({"pValue": "0.0004"}, "=", "0.0004", KGO.Met),
    ({"pValue": "=0.247"}, "=", "0.247", KGO.NotMet),
    ({"pValue": "0.05"}, "=", "0.05", KGO.NotMet),
    ({"pValue": "≤0.01"}, "<=", "0.01", KGO.Met),
    ({"pValue": ">0.05"}, ">", "0.05", KGO.NotMet),
]


@pytest.mark.parametrize(("analysis", "modifier", "number", "verdict"), P_VALUE_CASES)
def test_p_value_and_verdict(
    analysis: dict[str, str], modifier: str, number: str, verdict: URIRef
) -> None:
    graph = study_to_graph(with_analysis(**analysis))
    result = only_result(graph)
    assert graph.value(result, KGO.pValueModifier) == Literal(modifier)
    assert graph.value(result, KGO.pValue) == Literal(number, datatype=XSD.decimal)
    assert graph.value(result, KGO.verdict) == verdict


CI_CASES = [
    ("Hazard Ratio (HR)", "0.47", "0.81", "95", KGO.Met),
    ("Hazard Ratio (HR)", "0.47", "1.02", "95", KGO.NotMet),
    ("Mean Difference (Final Values)", "0.2", "1.9", "95", KGO.Met),
    ("Mean Difference (Final Values)", "0.2", "1.9", "90", KGO.NotReported),
    ("Slope", "0.2", "1.9", "95", KGO.NotReported),
]


@pytest.mark.parametrize(("param", "lower", "upper", "level", "verdict"), CI_CASES)
def test_verdict_from_the_interval(
    param: str, lower: str, upper: str, level: str, verdict: URIRef
) -> None:
    analysis = {
        "paramType": param,
        "paramValue": "0.6",
        "ciPctValue": level,
        "ciNumSides": "TWO_SIDED",
        "ciLowerLimit": lower,
        "ciUpperLimit": upper,
    }
    graph = study_to_graph(with_analysis(**analysis))
    result = only_result(graph)
    assert graph.value(result, KGO.pValue) is None
    assert graph.value(result, KGO.verdict) == verdict
    assert not validate(graph).fails()


def test_group_values_and_comparator() -> None:
    graph = study_to_graph(with_analysis(pValue="0.03", statisticalMethod="ANCOVA"))
    result = only_result(graph)
    treated = graph.value(result, KGO.treatmentGroup)
    placebo = graph.value(result, KGO.comparatorGroup)
    assert graph.value(treated, KGO.value) == Literal("-4.5", datatype=XSD.decimal)
    assert graph.value(placebo, KGO.participants) == Literal(19)
    assert graph.value(placebo, KGO.groupArm) == arm_named(graph, KGR.NCT09999999, "Placebo")
    [endpoint] = graph.objects(KGR.NCT09999999, KGO.endpoint)
    assert graph.value(result, KGO.ofEndpoint) == endpoint
    assert graph.value(result, KGO.statisticalMethod) == Literal("ANCOVA")


def test_measure_without_analysis_is_descriptive() -> None:
    record = with_analysis()
    del record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]["analyses"]
    graph = study_to_graph(record)
    result = only_result(graph)
    assert graph.value(result, KGO.verdict) == KGO.Descriptive
    assert len(list(graph.objects(result, KGO.treatmentGroup))) == 1
    assert not validate(graph).fails()


def test_json_file_with_several_studies(tmp_path: Path) -> None:
    second = record_with()
    second["protocolSection"]["identificationModule"]["nctId"] = "NCT09999998"
    path = write_json(tmp_path, "search.json", {"studies": [record_with(), second]})
    graph = import_files([path], progress=False)
    assert set(graph.subjects(KGO.nctId, None)) == {KGR.NCT09999999, KGR.NCT09999998}


def test_xml_record_from_text() -> None:
    graph = xml_study_to_graph(
        """<clinical_study><id_info><nct_id>NCT09999997</nct_id></id_info>
        <phase>Phase 1/Phase 2</phase><study_type>Interventional</study_type>
        <arm_group><arm_group_label>A</arm_group_label>
        <arm_group_type>Sham Comparator</arm_group_type></arm_group></clinical_study>"""
    )
    assert graph.value(KGR.NCT09999997, KGO.phase) == KGO.Phase1Phase2
    assert graph.value(arm_named(graph, KGR.NCT09999997, "A"), KGO.armRole) == KGO.ShamComparatorArm
    assert graph.value(KGR.NCT09999997, KGO.controlType) == KGO.ShamControl


# --- bad input -----------------------------------------------------------------------------


def _local(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    record = json.loads(LOCAL.read_text(encoding="utf-8"))
    change(record)
    return record


def _set_phase(record: dict[str, Any]) -> None:
    record["protocolSection"]["designModule"]["phases"] = ["PHASE7"]


def _drop_protocol(record: dict[str, Any]) -> None:
    del record["protocolSection"]


def _bad_status(record: dict[str, Any]) -> None:
    record["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED"


def _bad_date(record: dict[str, Any]) -> None:
    record["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "2010-13"


def _wrong_type(record: dict[str, Any]) -> None:
    record["protocolSection"]["designModule"]["phases"] = "PHASE2"


_XML_PHASE_7 = (
    "<clinical_study><id_info><nct_id>NCT09999997</nct_id></id_info>"
    "<phase>Phase 7</phase></clinical_study>"
)

BAD_INPUTS = [
    pytest.param("x.json", "hello, world", "neither JSON nor XML", id="neither-json-nor-xml"),
    pytest.param("x.json", "", "file is empty", id="empty"),
    pytest.param("x.json", '{"protocolSection": ', "JSON syntax error", id="json-syntax"),
    pytest.param("x.xml", "<clinical_study>", "XML syntax error", id="xml-syntax"),
    pytest.param(
        "x.xml",
        '<!DOCTYPE x [<!ENTITY a "a">]><clinical_study/>',
        "XML with a DTD",
        id="xml-dtd",
    ),
    pytest.param("x.xml", "<rss/>", "<rss>: not a ClinicalTrials.gov record", id="xml-other-root"),
    pytest.param(
        "x.json",
        _local(_drop_protocol),
        "protocolSection: missing (not a ClinicalTrials.gov API v2 study record)",
        id="no-protocol-section",
    ),
    pytest.param(
        "NCT00973089.json",
        _local(_set_phase),
        "protocolSection.designModule.phases[0]: unknown phase 'PHASE7'",
        id="unknown-phase",
    ),
    pytest.param(
        "x.json",
        _local(_bad_status),
        "protocolSection.statusModule.overallStatus: unknown overall status 'PAUSED'",
        id="unknown-status",
    ),
    pytest.param(
        "x.json",
        _local(_bad_date),
        "protocolSection.statusModule.startDateStruct.date: not a date: '2010-13'",
        id="bad-date",
    ),
    pytest.param(
        "x.json",
        _local(_wrong_type),
        "protocolSection.designModule.phases: expected a list, got a string",
        id="wrong-json-type",
    ),
    pytest.param(
        "x.json",
        with_analysis(pValue="p = 0.o5"),
        "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].analyses[0].pValue: "
        "p-value 'p = 0.o5' does not parse",
        id="bad-p-value",
    ),
    pytest.param(
        "x.json",
        with_analysis(pValue="1.7"),
        "pValue: p-value '1.7' is not between 0 and 1",
        id="p-value-above-one",
    ),
    pytest.param(
        "x.json",
        with_analysis(ciLowerLimit="2.0", ciUpperLimit="1.0"),
        "ciLowerLimit: lower confidence limit 2.0 is above the upper limit 1.0",
        id="interval-upside-down",
    ),
    pytest.param(
        "x.xml", _XML_PHASE_7, "clinical_study/phase: unknown phase 'PHASE7'", id="xml-phase"
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUTS)
def test_bad_input_is_named(tmp_path: Path, name: str, content: Any, message: str) -> None:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_files([path], progress=False)
    assert str(caught.value).startswith(f"{path}")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_phase_message_is_exact(tmp_path: Path) -> None:
    path = write_json(tmp_path, "NCT00973089.json", _local(_set_phase))
    with pytest.raises(InputError) as caught:
        import_files([path], progress=False)
    assert (
        str(caught.value)
        == f"{path}: protocolSection.designModule.phases[0]: unknown phase 'PHASE7'"
    )


def test_batch_is_all_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_bytes(LOCAL.read_bytes())
    bad_phase = write_json(tmp_path, "bad-phase.json", _local(_set_phase))
    not_a_record = tmp_path / "notes.xml"
    not_a_record.write_text("just words", encoding="utf-8")
    into = curated_trial("NCT00973089", "Phase2")
    before = set(into)
    with pytest.raises(BatchImportError) as caught:
        import_files([tmp_path, tmp_path / "missing.json"], into=into, progress=False)
    assert set(into) == before
    message = str(caught.value)
    assert message.startswith("3 files failed, nothing imported: ")
    for failed in (bad_phase, not_a_record, tmp_path / "missing.json"):
        assert str(failed) in message
    assert "good.json" not in message
    assert len(caught.value.failures) == 3


# --- progress ------------------------------------------------------------------------------


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    import_files([LOCAL], progress=None)  # stderr is captured: not a terminal
    assert capsys.readouterr().err == ""
    import_files([LOCAL], progress=True)
    assert "ctgov [##############################] 1/1 100%" in capsys.readouterr().err


# --- command line --------------------------------------------------------------------------


def test_cli_help_has_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["import", "ctgov", "--help"])
    assert result.exit_code == 0
    assert "\n  Example:\n      kg import ctgov " in result.output


def test_cli_writes_turtle(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "imported.ttl"
    result = runner.invoke(main, ["import", "ctgov", str(LOCAL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = Graph().parse(out, format="turtle")
    assert (KGR.NCT00973089, KGO.nctId, Literal("NCT00973089")) in written
    # only what the record adds to the curated graph: not ClinicalTrials.gov's own description
    assert set(written) <= set(import_files([LOCAL], progress=False))
    assert (KGR["org-clinicaltrials-gov"], RDF.type, KGO.Publisher) not in written


def test_cli_prints_turtle(runner: CliRunner) -> None:
    result = runner.invoke(main, ["import", "ctgov", str(LOCAL)])
    assert result.exit_code == 0, result.output
    printed = Graph().parse(data=result.stdout, format="turtle")
    assert (KGR.NCT00973089, KGO.status, KGO.Withdrawn) in printed


def test_cli_failing_batch_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    bad = write_json(tmp_path, "NCT00973089.json", _local(_set_phase))
    out = tmp_path / "imported.ttl"
    result = runner.invoke(main, ["import", "ctgov", str(LOCAL), str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".imported")]
    assert result.stderr.strip() == (
        f"Error: {bad}: protocolSection.designModule.phases[0]: unknown phase 'PHASE7'"
    )


def test_cli_keeps_an_existing_file_on_failure(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "imported.ttl"
    out.write_text("# earlier import\n", encoding="utf-8")
    result = runner.invoke(
        main, ["import", "ctgov", str(tmp_path / "missing.json"), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "# earlier import\n"


# --- benchmark smoke run -------------------------------------------------------------------


def test_benchmark_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_ctgov_import", ROOT / "benchmarks" / "bench_ctgov_import.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--records", "20", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"imported 20 records .* records/s", out), out
    assert "peak memory" in out
