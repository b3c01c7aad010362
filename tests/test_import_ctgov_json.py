"""The API v2 JSON path follows the same merge rules as the legacy XML one (issue 15).

The real records are the JSON records in ``shared/data/ctgov/`` (see SOURCES.md there); they
are not ALS trials, so they merge into the curated graph as new trials. Where a test needs a
second version of a record, or an ALS record, it changes a copy in ``tmp_path`` and says so:
those copies are test input, not facts.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kg
from kg.importers import import_changes, import_summary
from kg.namespaces import KGO, KGR
from kg.query.sparql import result_rows, run_query
from tests.shared_data import needs, shared_path
from tests.test_import_ctgov_curated import union

CTGOV = shared_path("data", "ctgov")
ALS = URIRef("http://purl.obolibrary.org/obo/MONDO_0004976")

pytestmark = needs("data", "ctgov")


def json_records() -> list[Path]:
    return sorted(CTGOV.glob("*.json")) if CTGOV.is_dir() else []


@pytest.fixture(scope="module")
def curated() -> Graph:
    return kg.load_curated()


@pytest.fixture(scope="module")
def added(curated: Graph) -> Graph:
    return import_changes(json_records(), base=curated, progress=False)


def write(folder: Path, name: str, record: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_json_records_merge_validate_and_repeat(curated: Graph, added: Graph) -> None:
    assert len(json_records()) == 7
    report = kg.validate(union(curated, added))
    assert not report.fails(), report.text()
    backwards = import_changes(list(reversed(json_records())), base=curated, progress=False)
    assert isomorphic(backwards, added)
    again = import_changes(json_records(), base=union(curated, added), progress=False)
    assert len(again) == 0


def test_json_results_are_never_empty_and_have_own_populations(
    curated: Graph, added: Graph
) -> None:
    results = set(added.subjects(RDF.type, KGO.Result))
    assert results
    for result in results:
        groups = [
            g for p in (KGO.treatmentGroup, KGO.comparatorGroup) for g in added.objects(result, p)
        ]
        values = [added.value(g, KGO.value) for g in groups]
        stats = [added.value(result, p) for p in (KGO.pValue, KGO.effectEstimate, KGO.ciLower)]
        assert any(v is not None for v in values + stats), result
        population = added.value(result, KGO.population)
        assert (population, None, None) not in curated
        assert "-ctgov-pop-" in str(population)


def test_json_verdict_from_primary_analyses(curated: Graph, added: Graph) -> None:
    path = CTGOV / "NCT02552212.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    measures = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    primary = [
        a["pValue"] for m in measures if m["type"] == "PRIMARY" for a in m.get("analyses", [])
    ]
    assert primary == ["<0.001", "<0.001"]  # as posted: every primary analysis met
    trial = KGR.NCT02552212
    assert added.value(trial, KGO.primaryEndpointVerdict) == KGO.PrimaryMet
    deciding = set(added.objects(trial, KGO.decidingAnalysis))
    assert len(deciding) == len(primary)
    assert {added.value(r, KGO.pValue) for r in deciding} == {
        Literal("0.001", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))
    }
    rows = result_rows(run_query(union(curated, added), "trials-met-primary-endpoint"))
    [row] = [r for r in rows if r["nctId"] == "NCT02552212"]
    assert row["decidingAnalyses"]
    assert row["sources"] == "https://clinicaltrials.gov/study/NCT02552212"


def older_version(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of a record as an earlier version might read: other date, status and order."""
    older = copy.deepcopy(record)
    status = older["protocolSection"]["statusModule"]
    status["lastUpdatePostDateStruct"] = {"date": "2016-01-04", "type": "ACTUAL"}
    status["overallStatus"] = "RECRUITING"
    outcomes = older["protocolSection"]["outcomesModule"]
    for key in outcomes:
        outcomes[key] = list(reversed(outcomes[key]))
    arms = older["protocolSection"]["armsInterventionsModule"]["armGroups"]
    arms.reverse()
    older.pop("resultsSection", None)
    return older


def test_json_versions_in_any_order(tmp_path: Path) -> None:
    record = json.loads((CTGOV / "NCT02210780.json").read_text(encoding="utf-8"))
    newer = write(tmp_path, "new.json", record)
    older = write(tmp_path, "old.json", older_version(record))
    forward = import_changes([older, newer], progress=False)
    backward = import_changes([newer, older], progress=False)
    assert isomorphic(forward, backward)
    trial = KGR.NCT02210780
    assert forward.value(trial, KGO.status) == KGO.Completed
    [claim] = [
        c
        for c in forward.subjects(RDF.object, KGO.Recruiting)
        if forward.value(c, RDF.subject) == trial
    ]
    assert forward.value(claim, KGO.asOf) == Literal(
        "2016-01-04", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")
    )
    # arms and endpoints are named by content: the other order gives the same nodes
    alone_new = import_changes([newer], progress=False)
    alone_old = import_changes([older], progress=False)
    for predicate in (KGO.arm, KGO.endpoint):
        assert set(alone_new.objects(trial, predicate)) == set(alone_old.objects(trial, predicate))
    assert not kg.validate(forward).fails()


def als_record(**modules: Any) -> dict[str, Any]:
    """A made-up API v2 record (NCT09999999) of an ALS trial, for resolution tests only."""
    protocol: dict[str, Any] = {
        "identificationModule": {"nctId": "NCT09999999", "briefTitle": "A test record"},
        "statusModule": {
            "overallStatus": "COMPLETED",
            "lastUpdatePostDateStruct": {"date": "2020-01-02", "type": "ACTUAL"},
        },
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": "AB Science", "class": "INDUSTRY"}},
        "conditionsModule": {"conditions": ["Amyotrophic Lateral Sclerosis (ALS)"]},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE3"]},
        "armsInterventionsModule": {
            "armGroups": [
                {
                    "label": "Masitinib (4.5) & Riluzole",
                    "type": "EXPERIMENTAL",
                    "interventionNames": ["Drug: Masitinib (4.5)", "Drug: Riluzole"],
                },
                {
                    "label": "Placebo & Riluzole",
                    "type": "PLACEBO_COMPARATOR",
                    "interventionNames": ["Drug: Placebo", "Drug: Riluzole"],
                },
            ],
            "interventions": [
                {"type": "DRUG", "name": "Masitinib (4.5)", "otherNames": ["AB1010"]},
                {"type": "DRUG", "name": "Riluzole", "otherNames": ["Rilutek"]},
                {"type": "DRUG", "name": "Placebo"},
            ],
        },
    }
    protocol.update(modules)
    return {"protocolSection": protocol}


def test_json_names_resolve_to_curated_entities(tmp_path: Path, curated: Graph) -> None:
    path = write(tmp_path, "NCT09999999.json", als_record())
    added, summary = import_summary([path], base=curated, progress=False)
    trial = KGR.NCT09999999
    assert summary.new_trials == ("NCT09999999",)
    assert added.value(trial, KGO.sponsor) == KGR["org-ab-science"]
    assert set(added.objects(trial, KGO.condition)) == {ALS}
    assert set(added.objects(trial, KGO.tests)) == {KGR.masitinib}
    assert (None, KGO.backgroundTherapy, KGR.riluzole) in added
    assert (None, KGO.intervention, KGR.riluzole) not in added
    assert not set(added.subjects(RDF.type, KGO.Condition))
    assert not kg.validate(union(curated, added)).fails()
