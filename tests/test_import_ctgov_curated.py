"""Registry records merged into the curated graph the way a curator would (issue 15).

The records are the real legacy-XML records of ALS trials in ``shared/data/ctgov-als/``
(``records/``, and two versions of VALOR in ``versions/``; SOURCES.md there says where each
came from). Expected values are read from the record files here, independently of the
importer; the tests are skipped when the shared folder is missing (see
:mod:`tests.shared_data`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kg
from kg.cli import main
from kg.importers import import_changes, import_summary
from kg.namespaces import KGO, KGR, PROV
from kg.query.registry import default_registry
from kg.query.sparql import result_rows, run_query
from tests.shared_data import needs, shared_path

ALS = shared_path("data", "ctgov-als")
RECORDS = ALS / "records"
VERSIONS = ALS / "versions"
VALOR_2018 = VERSIONS / "NCT02623699-2018-05-14.xml"
VALOR_2020 = VERSIONS / "NCT02623699-2020-07-23.xml"
OZANEZUMAB = RECORDS / "NCT01753076.xml"

pytestmark = needs("data", "ctgov-als", "records")

_KGR = str(KGR)
_MONTHS = "%B %d, %Y", "%B %Y"


# --- reading the records independently -----------------------------------------------------


def record_files() -> list[Path]:
    return sorted(RECORDS.glob("*.xml")) if RECORDS.is_dir() else []


def root_of(path: Path) -> ElementTree.Element:
    return ElementTree.parse(path).getroot()  # noqa: S314 - shared, checked test data


def nct_of(path: Path) -> str:
    return root_of(path).findtext("id_info/nct_id") or ""


def iso(text: str) -> str:
    for pattern in _MONTHS:
        try:
            parsed = datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m-%d" if pattern == _MONTHS[0] else "%Y-%m")
    raise AssertionError(f"not a registry date: {text!r}")


def concept_of(ontology: Graph, cls: URIRef, code: str) -> URIRef:
    for node in ontology.subjects(SKOS.notation, Literal(code)):
        if (node, RDF.type, cls) in ontology and isinstance(node, URIRef):
            return node
    raise AssertionError(f"no {cls} with notation {code!r}")


def code_of(words: str) -> str:
    """The API v2 code of a classic-site word: "Active, not recruiting" is ACTIVE_NOT_RECRUITING."""
    code = re.sub(r"[^A-Z0-9]+", "_", words.split("(")[0].strip().upper()).strip("_")
    return {"UNKNOWN_STATUS": "UNKNOWN", "N_A": "NA", "NONE_OPEN_LABEL": "NONE"}.get(code, code)


def registry_values(path: Path, ontology: Graph) -> dict[URIRef, object]:
    """Phase, status, masking and actual dates as the record states them."""
    root = root_of(path)
    values: dict[URIRef, object] = {}
    phase = root.findtext("phase")
    if phase:
        parts = [re.sub(r"PHASE_(\d)", r"PHASE\1", code_of(p)) for p in phase.split("/")]
        values[KGO.phase] = concept_of(ontology, KGO.Phase, "|".join(parts))
    status = root.findtext("overall_status")
    if status:
        values[KGO.status] = concept_of(ontology, KGO.TrialStatus, code_of(status))
    masking = root.findtext("study_design_info/masking")
    if masking:
        values[KGO.masking] = concept_of(ontology, KGO.Masking, code_of(masking))
    for tag, actual in (
        ("start_date", KGO.startDate),
        ("primary_completion_date", KGO.primaryCompletionDate),
        ("completion_date", KGO.completionDate),
    ):
        element = root.find(tag)
        if element is not None and element.get("type", "Actual") == "Actual" and element.text:
            values[actual] = iso(element.text)
    return values


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def curated() -> Graph:
    return kg.load_curated()


@pytest.fixture(scope="module")
def imported(curated: Graph) -> tuple[Graph, object]:
    """What importing every record and both VALOR versions into the curated graph adds."""
    return import_summary([RECORDS, VERSIONS], base=curated, progress=False)


@pytest.fixture(scope="module")
def merged(curated: Graph, imported: tuple[Graph, object]) -> Graph:
    return union(curated, imported[0])


_CONFLICTS: dict[int, list[dict[str, str | None]]] = {}


def conflict_rows(graph: Graph) -> list[dict[str, str | None]]:
    """The rows of conflicting-claims on a graph, computed once per graph."""
    if id(graph) not in _CONFLICTS:
        _CONFLICTS[id(graph)] = rows(graph, "conflicting-claims")
    return _CONFLICTS[id(graph)]


def union(*graphs: Graph) -> Graph:
    merged = Graph()
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    return merged


def curated_ncts(curated: Graph) -> set[str]:
    return {str(n) for n in curated.objects(None, KGO.nctId)}


def matched_records() -> Iterator[Path]:
    graph = kg.load_curated(ontology=False)
    known = curated_ncts(graph)
    return (path for path in record_files() if nct_of(path) in known)


def rows(
    graph: Graph, name: str, params: dict[str, str] | None = None
) -> list[dict[str, str | None]]:
    return result_rows(run_query(graph, name, params))


def entity_key(row: dict[str, str | None]) -> tuple[str, ...]:
    """What a row is about: its als-kg nodes, a date, a conflict's property and values.

    A node's name is left out (a node with two names, or a trial with two sponsors, would be
    listed twice), except what an event's label says after its last ": " (the milestone,
    "started" or "completed", which tells two events of one study apart), and a needs-checking
    row's check and reason (one study can need checking for several reasons on one date).
    """
    key = []
    for column, value in sorted(row.items()):
        if not value:
            continue
        if value.startswith(_KGR) or column in (
            "property",
            "value1",
            "value2",
            "date",
            "check",
            "reason",
        ):
            key.append(f"{column}={value}")
        elif column == "eventLabel" and ": " in value:
            key.append(f"{column}=...{value.rsplit(': ', 1)[1]}")
    return tuple(key)


def repeated(rows_: list[dict[str, str | None]]) -> set[tuple[str, ...]]:
    """Rows about the same nodes given more than once (a node listed twice)."""
    counts = Counter(entity_key(row) for row in rows_)
    return {key for key, count in counts.items() if count > 1 and key}


# --- the whole batch -----------------------------------------------------------------------


def stored_query_runs(graph: Graph, curated: Graph) -> Iterator[tuple[str, dict[str, str]]]:
    """Every stored query: those without parameters, the others per matched trial/therapy."""
    registry = default_registry()
    trials = sorted(str(t) for t in curated.subjects(KGO.nctId, None) if str(t).startswith(_KGR))
    therapies = sorted({str(t) for t in curated.subjects(RDF.type, KGO.Therapy)})
    for name in registry:
        query = registry[name]
        required = [p.name for p in query.params if p.required]
        if not required:
            yield name, {}
        elif required == ["trial"]:
            for trial in trials:
                yield name, {"trial": trial}
        elif required == ["therapy"]:
            for therapy in therapies:
                yield name, {"therapy": therapy}
        elif required == ["entity"]:
            for trial in trials:
                yield name, {"entity": trial}


def test_no_trial_appears_twice_in_any_stored_query(curated: Graph, merged: Graph) -> None:
    ran = 0
    for name, params in stored_query_runs(merged, curated):
        before = repeated(rows(curated, name, params))
        after = repeated(rows(merged, name, params))
        assert after <= before, (name, params, sorted(after - before)[:3])
        ran += 1
    assert ran > 40
    # one node per registry id, and the trial lists give each trial once
    ids = Counter(str(n) for n in merged.objects(None, KGO.nctId))
    assert all(count == 1 for count in ids.values()), [i for i, c in ids.items() if c > 1]
    for name in ("trials-met-primary-endpoint", "trials-missed-primary-endpoint"):
        listed = Counter(row["trial"] for row in rows(merged, name))
        assert max(listed.values()) == 1, name


def test_trial_count_grows_only_by_new_trials(curated: Graph, merged: Graph) -> None:
    def studies(graph: Graph) -> set[URIRef]:
        return {
            s
            for cls in (
                KGO.ClinicalStudy,
                KGO.ClinicalTrial,
                KGO.ObservationalStudy,
                KGO.PlatformTrial,
            )
            for s in graph.subjects(RDF.type, cls)
            if isinstance(s, URIRef)
        }

    new = {nct_of(p) for p in record_files()} | {"NCT02623699"}
    new -= curated_ncts(curated)
    assert len(new) == 18  # SOURCES.md: 36 records, 18 of them curated (VALOR is curated too)
    assert studies(merged) - studies(curated) == {KGR[n] for n in new}


def test_no_condition_node_beside_the_curated_als_term(curated: Graph, merged: Graph) -> None:
    added = set(merged.subjects(RDF.type, KGO.Condition)) - set(
        curated.subjects(RDF.type, KGO.Condition)
    )
    labels = [str(merged.value(c, RDFS.label)).casefold() for c in added]
    assert not [
        lab for lab in labels if "amyotrophic" in lab or lab in ("als", "motor neuron disease")
    ]
    als = URIRef("http://purl.obolibrary.org/obo/MONDO_0004976")
    for path in record_files():
        trial = next(merged.subjects(KGO.nctId, Literal(nct_of(path))))
        conditions = set(merged.objects(trial, KGO.condition))
        assert conditions & {als, URIRef("http://purl.obolibrary.org/obo/MONDO_0007103")}, path.name


def test_sponsors_are_the_curated_organisations(curated: Graph, merged: Graph) -> None:
    for path in matched_records():
        trial = next(curated.subjects(KGO.nctId, Literal(nct_of(path))))
        curated_sponsors = set(curated.objects(trial, KGO.sponsor))
        if curated_sponsors:
            assert set(merged.objects(trial, KGO.sponsor)) == curated_sponsors, path.name
    # the registry's lead sponsor of the HEALEY regimen C is its sponsor-investigator: a claim
    healey = KGR.NCT04414345
    claims = [
        c
        for c in merged.subjects(RDF.subject, healey)
        if merged.value(c, RDF.predicate) == KGO.sponsor
    ]
    assert [str(merged.value(merged.value(c, RDF.object), RDFS.label)) for c in claims] == [
        "Merit E. Cudkowicz, MD"
    ]
    # an alias spelled differently resolves to the curated node ("Eisai Co., Ltd." for JETALS)
    assert (KGR.NCT03548311, KGO.collaborator, KGR["org-eisai"]) in merged


def test_background_drugs_are_never_tested(curated: Graph, merged: Graph) -> None:
    for path in record_files():
        root = root_of(path)
        arms = {
            a.findtext("arm_group_label") or "": a.findtext("arm_group_type")
            for a in root.iter("arm_group")
        }
        if not any(kind in ("Placebo Comparator", "Sham Comparator") for kind in arms.values()):
            continue
        trial = next(merged.subjects(KGO.nctId, Literal(nct_of(path))))
        for intervention in root.iter("intervention"):
            given = {e.text for e in intervention.iter("arm_group_label")}
            if given < set(arms):
                continue
            names = [intervention.findtext("intervention_name") or ""]
            names += [e.text or "" for e in intervention.iter("other_name")]
            for name in names:
                word = re.sub(r"\s*(\(.*\)|\d+\s*mg.*)$", "", name, flags=re.IGNORECASE).casefold()
                for therapy in merged.subjects(RDFS.label, None):
                    labels = {str(o).casefold() for o in merged.objects(therapy, RDFS.label)}
                    if word in labels and (therapy, RDF.type, KGO.Therapy) in merged:
                        assert (trial, KGO.tests, therapy) not in merged or (
                            trial,
                            KGO.tests,
                            therapy,
                        ) in curated, (path.name, name)
    # riluzole in every arm of AB10015, MN-166 and CY 4024: background; masitinib is tested
    for nct in ("NCT02588677", "NCT02238626", "NCT01378676"):
        trial = next(merged.subjects(KGO.nctId, Literal(nct)))
        assert (trial, KGO.tests, KGR.riluzole) not in merged
        assert (None, KGO.backgroundTherapy, KGR.riluzole) in merged
    assert (KGR.NCT02588677, KGO.tests, KGR.masitinib) in merged
    latest = {r["therapy"]: r["latestEvent"] for r in rows(curated, "pipeline-status")}
    after = {r["therapy"]: r["latestEvent"] for r in rows(merged, "pipeline-status")}
    assert after[str(KGR.riluzole)] == latest[str(KGR.riluzole)]


def test_merged_graph_validates(merged: Graph) -> None:
    report = kg.validate(merged)
    assert not report.fails(), report.text()


def test_order_and_repetition_do_not_matter(curated: Graph, imported: tuple[Graph, object]) -> None:
    files = [*record_files(), VALOR_2018, VALOR_2020]
    backwards = import_changes(list(reversed(files)), base=curated, progress=False)
    assert isomorphic(backwards, imported[0])
    again = Graph()
    for graph in (curated, imported[0]):
        for triple in graph:
            again.add(triple)
    assert len(import_changes([RECORDS, VERSIONS], base=again, progress=False)) == 0


@needs("data", "ctgov-als", "versions")
def test_valor_versions_either_way(curated: Graph) -> None:
    forward = import_changes([VALOR_2018, VALOR_2020], base=curated, progress=False)
    backward = import_changes([VALOR_2020, VALOR_2018], base=curated, progress=False)
    assert isomorphic(forward, backward)
    # the older version imported later, in a second run, adds what the batch would
    newer_first = import_changes([VALOR_2020], base=curated, progress=False)
    then_older = import_changes([VALOR_2018], base=union(curated, newer_first), progress=False)
    assert isomorphic(union(newer_first, then_older), forward)
    alone = import_changes([VALOR_2018, VALOR_2020], progress=False)
    assert isomorphic(alone, import_changes([VALOR_2020, VALOR_2018], progress=False))
    assert not kg.validate([curated, forward]).fails()
    valor = KGR.NCT02623699
    # the newer version's values are asserted; the older version's are claims as of 2018
    assert (valor, KGO.sponsorStudyId, Literal("233AS101")) in forward
    old_phase = [
        c
        for c in forward.subjects(RDF.object, KGO.Phase1)
        if forward.value(c, RDF.subject) == valor
    ]
    assert len(old_phase) == 1
    assert forward.value(old_phase[0], KGO.asOf) == Literal("2018-05-14", datatype=XSD_DATE)
    # each claim has one source and one date: claims are minted per value and source
    for claim in forward.subjects(RDF.type, KGO.Claim):
        assert len(set(forward.objects(claim, KGO.asOf))) == 1
        assert len(set(forward.objects(claim, PROV.wasDerivedFrom))) == 1
    # a stale status and estimated completion (topline came in October 2021): claims, not facts
    assert (valor, KGO.status, None) not in forward
    assert (valor, KGO.estimatedCompletionDate, None) not in forward
    recruiting = {
        str(forward.value(c, KGO.asOf))
        for c in forward.subjects(RDF.object, KGO.Recruiting)
        if forward.value(c, RDF.subject) == valor
    }
    assert recruiting == {"2018-05-14", "2020-07-23"}


XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def test_no_estimated_date_beside_an_actual_one(merged: Graph) -> None:
    for estimated, actual in (
        (KGO.estimatedStartDate, KGO.startDate),
        (KGO.estimatedPrimaryCompletionDate, KGO.primaryCompletionDate),
        (KGO.estimatedCompletionDate, KGO.completionDate),
    ):
        both = {s for s in merged.subjects(estimated, None) if (s, actual, None) in merged}
        assert not both, (estimated, both)


def test_no_empty_results_and_own_populations(
    curated: Graph, imported: tuple[Graph, object]
) -> None:
    added = imported[0]
    results = set(added.subjects(RDF.type, KGO.Result))
    assert results
    for result in results:
        values = [
            added.value(g, KGO.value)
            for p in (KGO.treatmentGroup, KGO.comparatorGroup)
            for g in added.objects(result, p)
        ]
        stats = [added.value(result, p) for p in (KGO.pValue, KGO.effectEstimate, KGO.ciLower)]
        assert any(v is not None for v in values + stats), result
        population = added.value(result, KGO.population)
        assert (population, None, None) not in curated, result
    # the TUDCA pilot posted seven outcomes without data: endpoints, not results
    root = root_of(RECORDS / "NCT00877604.xml")
    with_data = [
        o.findtext("title")
        for o in root.iter("outcome")
        if any(m.get("value") for m in o.iter("measurement"))
    ]
    assert len(list(root.iter("outcome"))) - len(with_data) == 7
    tudca = KGR.NCT00877604
    imported_results = [r for r in results if added.value(r, KGO.resultOf) == tudca]
    titles = {
        str(added.value(added.value(r, KGO.ofEndpoint), RDFS.label)) for r in imported_results
    }
    assert titles == {" ".join((t or "").split()) for t in with_data}


@needs("data", "ctgov-als", "records", "NCT01753076.xml")
def test_ozanezumab_missed_its_primary_endpoint(curated: Graph, merged: Graph) -> None:
    [row] = [
        r for r in rows(merged, "trials-missed-primary-endpoint") if r["nctId"] == "NCT01753076"
    ]
    root = root_of(OZANEZUMAB)
    primary = [o for o in root.iter("outcome") if o.findtext("type") == "Primary"]
    [title] = [o.findtext("title") for o in primary if o.find("analysis_list") is not None]
    assert row["decidingAnalyses"] is not None
    assert " ".join((title or "").split()) in row["decidingAnalyses"]
    trial = KGR.NCT01753076
    [deciding] = merged.objects(trial, KGO.decidingAnalysis)
    assert merged.value(deciding, KGO.pValue) == Literal("0.120", datatype=XSD_DECIMAL)
    assert merged.value(deciding, KGO.verdict) == KGO.NotMet
    assert row["sources"] == "https://clinicaltrials.gov/study/NCT01753076"
    # a curated verdict is never replaced by a derived one
    for path in matched_records():
        curated_trial = next(merged.subjects(KGO.nctId, Literal(nct_of(path))))
        if (curated_trial, KGO.primaryEndpointVerdict, None) in curated:
            assert (curated_trial, KGO.decidingAnalysis, None) not in merged


XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


def test_summary_says_what_happened(curated: Graph, imported: tuple[Graph, object]) -> None:
    summary = imported[1]
    lines = summary.lines()  # type: ignore[attr-defined]
    ncts = {nct_of(p) for p in record_files()} | {"NCT02623699"}
    known = ncts & curated_ncts(curated)
    assert lines[0] == f"Records read: {len(record_files()) + 2}"
    assert lines[1] == f"Trials matched: {len(known)} (by NCT id: {len(known)})"
    assert f"New trials: {len(ncts - known)}" in lines
    assert any(line.startswith("Superseded values kept as claims: ") for line in lines)
    assert "Verdict derived from posted primary analyses: NCT01753076 PrimaryMissed" in lines


# --- per matched trial ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [*list(matched_records()), VALOR_2020], ids=lambda p: p.stem)
def test_matched_trial_keeps_curation_and_surfaces_disagreements(
    path: Path, curated: Graph, merged: Graph
) -> None:
    nct = nct_of(path)
    trial = next(curated.subjects(KGO.nctId, Literal(nct)))
    # nothing curated is lost or overwritten
    for predicate, obj in curated.predicate_objects(trial):
        assert (trial, predicate, obj) in merged
    for predicate in (
        KGO.phase,
        KGO.status,
        KGO.masking,
        KGO.startDate,
        KGO.completionDate,
        KGO.primaryCompletionDate,
        KGO.sponsor,
        KGO.primaryEndpointVerdict,
        RDFS.label,
    ):
        if (trial, predicate, None) in curated:
            assert set(merged.objects(trial, predicate)) == set(curated.objects(trial, predicate))
    # each registry value that disagrees with a curated one is a conflict, with both sources
    conflicts = [r for r in conflict_rows(merged) if r["subject"] == str(trial)]
    registry_url = f"https://clinicaltrials.gov/study/{nct}"
    curated_urls = {
        str(u)
        for s in curated.objects(trial, PROV.wasDerivedFrom)
        for u in curated.objects(s, KGO.url)
    }
    expected = 0
    for predicate, value in registry_values(path, curated).items():
        asserted = set(curated.objects(trial, predicate))
        if not asserted:
            continue
        [mine] = asserted
        if isinstance(value, URIRef):
            if value == mine or (mine, SKOS.broader, value) in curated:
                continue  # the same, or the curated concept narrows it (phase 2b in phase 2)
            shown = str(curated.value(value, RDFS.label))
        else:
            text = str(value)
            if str(mine).startswith(text) or text.startswith(str(mine)):
                continue  # a refinement (a day within the month), not a disagreement
            shown = text
        expected += 1
        label = str(curated.value(predicate, RDFS.label) or predicate.split("#")[-1])
        found = [
            r for r in conflicts if r["property"] == label and shown in (r["value1"], r["value2"])
        ]
        assert found, (nct, label, shown, conflicts)
        sources = " ".join(f"{r['sources1']} {r['sources2']}" for r in found)
        assert registry_url in sources
        assert curated_urls & set(sources.split()), (nct, label)
    if nct == "NCT04414345":
        assert expected >= 2  # status and masking, at least: the test can fail


# --- resolution of curated trials without an NCT id ----------------------------------------


def test_acronym_and_therapy_find_a_trial_without_nct_id(tmp_path: Path, curated: Graph) -> None:
    """A record (made up for the test, NCT09999990) of FORTITUDE-ALS, curated without an id."""
    record = tmp_path / "NCT09999990.xml"
    record.write_text(
        """<clinical_study><id_info><nct_id>NCT09999990</nct_id></id_info>
        <brief_title>A test record</brief_title><acronym>FORTITUDE-ALS</acronym>
        <phase>Phase 2</phase><study_type>Interventional</study_type>
        <arm_group><arm_group_label>Drug</arm_group_label>
        <arm_group_type>Experimental</arm_group_type></arm_group>
        <arm_group><arm_group_label>Placebo</arm_group_label>
        <arm_group_type>Placebo Comparator</arm_group_type></arm_group>
        <intervention><intervention_type>Drug</intervention_type>
        <intervention_name>Reldesemtiv (300 mg)</intervention_name>
        <arm_group_label>Drug</arm_group_label></intervention>
        </clinical_study>""",
        encoding="utf-8",
    )
    added, summary = import_summary([record], base=curated, progress=False)
    fortitude = KGR["trial-reldesemtiv-fortitude-als"]
    assert (fortitude, KGO.nctId, Literal("NCT09999990")) in added
    assert (KGR.NCT09999990, None, None) not in added
    assert summary.matched == {"NCT09999990": "acronym"}
    assert not kg.validate([curated, added]).fails()


def test_other_registry_id_finds_a_trial_without_nct_id(tmp_path: Path) -> None:
    base = Graph().parse(
        format="turtle",
        data="""@prefix kgo: <https://w3id.org/als-kg/ontology#> .
        @prefix kgr: <https://w3id.org/als-kg/resource/> .
        kgr:trial-x a kgo:ClinicalTrial ; kgo:otherRegistryId "EudraCT 2011-006119-70" .""",
    )
    record = tmp_path / "r.xml"
    record.write_text(
        """<clinical_study><id_info><nct_id>NCT09999991</nct_id>
        <secondary_id>EUDRA CT #: 2011-006119-70</secondary_id></id_info>
        <brief_title>A test record</brief_title></clinical_study>""",
        encoding="utf-8",
    )
    added, summary = import_summary([record], base=base, progress=False)
    assert (KGR["trial-x"], KGO.nctId, Literal("NCT09999991")) in added
    assert summary.matched == {"NCT09999991": "registry-id"}


# --- command line --------------------------------------------------------------------------


def test_cli_prints_a_summary_and_its_output_validates(tmp_path: Path, curated: Graph) -> None:
    out = tmp_path / "new.ttl"
    result = CliRunner().invoke(main, ["import", "ctgov", str(RECORDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ncts = {nct_of(p) for p in record_files()}
    known = ncts & curated_ncts(curated)
    assert f"Records read: {len(record_files())}" in result.stderr
    assert f"Trials matched: {len(known)} (by NCT id: {len(known)})" in result.stderr
    assert f"New trials: {len(ncts - known)}" in result.stderr
    assert re.search(r"Claims \(registry values that differ from the graph's\): \d+", result.stderr)
    written = Graph().parse(out, format="turtle")
    assert not kg.validate([curated, written]).fails()
