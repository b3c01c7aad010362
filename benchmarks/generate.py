"""Generate a synthetic als-kg graph, shaped like the curated data, as N-Triples with a fixed seed.

The graph uses the real ontology terms (trials with enrollment nodes, arms, endpoints and
populations; results with statistics and group values; regulatory events; sources; a few
conflicting claims). It starts with the bundled ontology and ``data/common.ttl`` (agencies,
jurisdictions), then repeats one "programme" (a therapy with a few trials) until the target
triple count is reached. One programme in 20 (about 0.5 % of the entities) carries one
deliberate violation, of a kind taken in turn from :data:`VIOLATION_KINDS`, so every size
breaks several shapes.

The first programme is fixed so that the stored queries' example parameters resolve:
therapy "Neuronata-R", trial "ALSummit" (NCT04745299). Output streams to the file, so 10M
triples need no more memory than 10k.

Usage::

    python benchmarks/generate.py 100k benchmarks/data/100k.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["VIOLATION_KINDS", "generate", "parse_size"]

SEED = 20240611
KGO = "https://w3id.org/als-kg/ontology#"
KGR = "https://w3id.org/als-kg/resource/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
ROOT = Path(__file__).resolve().parent.parent

#: The deliberate violations, injected in this order (one per affected programme).
VIOLATION_KINDS = (
    "malformed-nct-id",
    "p-value-above-one",
    "result-without-source",
    "negative-enrollment",
    "occurred-event-without-date",
    "two-phases",
    "start-date-plain-string",
    "arm-without-role",
    "bad-p-value-modifier",
    "ci-lower-above-upper",
    "source-url-literal",
    "subgroup-without-definition",
    "duplicate-nct-id",
    "therapy-without-modality",
    "bad-drugbank-id",
)
#: One programme in this many holds a violation: about 0.5 % of its ~10 records.
VIOLATION_EVERY = 20

PHASES = ("Phase1", "Phase1Phase2", "Phase2", "Phase2Phase3", "Phase3", "Phase4")
STATUSES = ("Completed", "Completed", "Terminated", "Recruiting", "ActiveNotRecruiting")
MODALITIES = ("SmallMolecule", "AntisenseOligonucleotide", "CellTherapy", "Biologic")
ROUTES = ("Oral", "Intravenous", "Intrathecal", "Subcutaneous")
MEASURES = ("ALSFRSR", "CAFS", "SVC", "Survival", "NfL", "ECAS")
SOURCE_KINDS = ("PressRelease", "PeerReviewedPaper", "RegistryRecord", "NewsArticle")
AGENCIES = (
    ("org-fda", "place-US"),
    ("org-ema", "place-EU"),
    ("org-mfds", "place-KR"),
    ("org-health-canada", "place-CA"),
)
EVENT_KINDS = ("Approval", "AcceleratedApproval", "ConditionalApproval", "OrphanDesignation")


def parse_size(text: str) -> int:
    """Read a size such as ``10k``, ``1M`` or ``2500`` as a number of triples."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def _iri(local: str) -> str:
    return f"<{KGR}{local}>"


def _kgo(local: str) -> str:
    return f"<{KGO}{local}>"


def _lit(text: str, datatype: str | None = None, *, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{XSD}{datatype}>'
    return f'"{escaped}"'


class _Writer:
    """Write triples to a stream and count them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{s} {p} {o} .\n")
        self.count += 1

    def a(self, s: str, cls: str) -> None:
        self.t(s, f"<{RDF_TYPE}>", _kgo(cls))

    def p(self, s: str, local: str, o: str) -> None:
        self.t(s, _kgo(local), o)

    def label(self, s: str, text: str) -> None:
        self.t(s, f"<{LABEL}>", _lit(text, lang="en"))


def _static_triples() -> Iterator[str]:
    """Yield the ontology and ``data/common.ttl`` as N-Triples lines (parsed once, small)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(ROOT / "ontology" / "als-kg.ttl", format="turtle")
    graph.parse(ROOT / "data" / "common.ttl", format="turtle")
    text = graph.serialize(format="nt")
    yield from (line for line in text.splitlines() if line.strip())


def generate(target: int, out: TextIO, *, seed: int = SEED) -> dict[str, int]:
    """Write about ``target`` triples to ``out``; return counts of what was written."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not security
    w = _Writer(out)
    for line in _static_triples():
        out.write(line + "\n")
        w.count += 1
    stats = {"programmes": 0, "trials": 0, "results": 0, "events": 0, "violations": 0}
    injected = 0
    n = 0
    while w.count < target:
        violation: str | None = None
        if n % VIOLATION_EVERY == VIOLATION_EVERY // 2:
            violation = VIOLATION_KINDS[injected % len(VIOLATION_KINDS)]
            injected += 1
        _programme(w, rng, n, violation, stats)
        n += 1
    stats["programmes"] = n
    stats["violations"] = injected
    stats["triples"] = w.count
    return stats


def _source(
    w: _Writer, rng: random.Random, local: str, title: str, *, bad_url: bool = False
) -> str:
    s = _iri(local)
    w.a(s, "Source")
    w.t(s, f"<{DCT}title>", _lit(title, lang="en"))
    url = f"https://example.org/{local}"
    w.p(s, "url", _lit(url) if bad_url else f"<{url}>")
    w.p(s, "sourceKind", _kgo(rng.choice(SOURCE_KINDS)))
    w.t(s, f"<{DCT}publisher>", _iri("org-clinicaltrials-gov"))
    day = f"{rng.randint(2005, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    w.p(s, "date", _lit(day, "date"))
    return s


def _programme(  # noqa: C901 - one long recipe, read top to bottom
    w: _Writer, rng: random.Random, n: int, violation: str | None, stats: dict[str, int]
) -> None:
    """One therapy, its developer, 1-3 trials with arms, endpoints and results, and events."""
    first = n == 0
    therapy = _iri("therapy-neuronata-r" if first else f"therapy-{n}")
    org = _iri(f"org-sponsor-{n % 97}")
    if n < 97:
        w.a(org, "Company")
        w.label(org, f"Sponsor {n % 97}")
    src = _source(w, rng, f"src-therapy-{n}", f"Programme {n} overview")
    w.a(therapy, "Therapy")
    w.label(therapy, "Neuronata-R" if first else f"Therapy {n}")
    if violation != "therapy-without-modality":
        w.p(therapy, "modality", _kgo(rng.choice(MODALITIES)))
    w.p(therapy, "route", _kgo(rng.choice(ROUTES)))
    w.p(therapy, "developer", org)
    w.p(therapy, "developmentStatus", _kgo(rng.choice(("InDevelopment", "ApprovedSomewhere"))))
    drugbank = "DB12" if violation == "bad-drugbank-id" else f"DB{n % 100000:05d}"
    w.p(therapy, "drugbankId", _lit(drugbank))
    w.t(therapy, f"<{DERIVED}>", src)

    results: list[str] = []
    trials: list[str] = []
    for k in range(1 if first else rng.randint(1, 3)):
        trial = _iri("trial-alsummit" if first else f"trial-{n}-{k}")
        trials.append(trial)
        stats["trials"] += 1
        tsrc = _source(w, rng, f"src-ctgov-{n}-{k}", f"Registry record {n}-{k}")
        w.a(trial, "ClinicalTrial")
        w.label(trial, "ALSummit" if first else f"Trial {n}-{k}")
        number = 4745299 if first else 10_000_000 + n * 4 + k
        nct = f"NCT{number:08d}"
        if violation == "malformed-nct-id" and k == 0:
            nct = f"NCT{number}X"
        if violation == "duplicate-nct-id" and k == 0:
            nct = "NCT04745299"
        w.p(trial, "nctId", _lit(nct))
        w.p(trial, "phase", _kgo("Phase3" if first else rng.choice(PHASES)))
        if violation == "two-phases" and k == 0:
            w.p(trial, "phase", _kgo("Phase4"))
        status = "Completed" if first else rng.choice(STATUSES)
        w.p(trial, "status", _kgo(status))
        w.p(trial, "tests", therapy)
        w.p(trial, "sponsor", org)
        w.p(trial, "allocation", _kgo("Randomised"))
        w.p(trial, "masking", _kgo("DoubleBlind"))
        start = rng.randint(2008, 2022)
        if violation == "start-date-plain-string" and k == 0:
            w.p(trial, "startDate", _lit(f"{start}-03-01"))
        else:
            w.p(trial, "startDate", _lit(f"{start}-03-01", "date"))
        w.p(trial, "completionDate", _lit(f"{start + 2}-06", "gYearMonth"))
        w.t(trial, f"<{DERIVED}>", tsrc)
        enrollment = _iri(f"trial-{n}-{k}-enrollment")
        w.p(trial, "enrollment", enrollment)
        w.a(enrollment, "Enrollment")
        count = -5 if violation == "negative-enrollment" and k == 0 else rng.randint(20, 600)
        w.p(enrollment, "count", _lit(str(count), "integer"))
        w.p(enrollment, "countKind", _kgo("EnrolledCount"))
        arms = []
        for j, role in enumerate(("ExperimentalArm", "PlaceboComparatorArm")):
            arm = _iri(f"trial-{n}-{k}-arm-{j}")
            arms.append(arm)
            w.p(trial, "arm", arm)
            w.a(arm, "Arm")
            w.label(arm, f"Arm {j} of trial {n}-{k}")
            if not (violation == "arm-without-role" and k == 0 and j == 0):
                w.p(arm, "armRole", _kgo(role))
            if j == 0:
                w.p(arm, "intervention", therapy)
            w.p(arm, "participants", _lit(str(rng.randint(10, 300)), "integer"))
        overall = _iri(f"trial-{n}-{k}-overall")
        w.a(overall, "Population")
        w.label(overall, "overall population")
        w.p(overall, "populationKind", _kgo("OverallPopulation"))
        completed = status in ("Completed", "Terminated")
        verdicts = []
        for e in range(rng.randint(1, 3)):
            endpoint = _iri(f"trial-{n}-{k}-endpoint-{e}")
            w.p(trial, "endpoint", endpoint)
            w.a(endpoint, "Endpoint")
            measure = "ALSFRSR" if e == 0 else rng.choice(MEASURES)
            w.label(endpoint, f"Change in {measure} (endpoint {e})")
            role = "PrimaryEndpoint" if e == 0 else "SecondaryEndpoint"
            w.p(endpoint, "endpointRole", _kgo(role))
            w.p(endpoint, "measure", _kgo(measure))
            if not completed:
                continue
            result = _iri(f"trial-{n}-{k}-result-{e}")
            results.append(result)
            stats["results"] += 1
            met = rng.random() < 0.2
            if e == 0:
                verdicts.append(met)
            w.a(result, "Result")
            w.label(result, f"Result on {measure} in trial {n}-{k}")
            w.p(result, "resultOf", trial)
            w.p(result, "ofEndpoint", endpoint)
            w.p(result, "population", overall)
            w.p(result, "analysisKind", _kgo("PreSpecifiedAnalysis"))
            w.p(result, "verdict", _kgo("Met" if met else "NotMet"))
            p = rng.uniform(0.0005, 0.04) if met else rng.uniform(0.06, 0.9)
            if violation == "p-value-above-one" and e == 0 and k == 0:
                p = 1.7
            w.p(result, "pValue", _lit(f"{p:.4f}", "decimal"))
            modifier = "~" if violation == "bad-p-value-modifier" and e == 0 and k == 0 else "="
            w.p(result, "pValueModifier", _lit(modifier))
            estimate = rng.uniform(-3, 3)
            lower, upper = estimate - 1.5, estimate + 1.5
            if violation == "ci-lower-above-upper" and e == 0 and k == 0:
                lower, upper = upper, lower
            w.p(result, "effectEstimate", _lit(f"{estimate:.3f}", "decimal"))
            w.p(result, "effectType", _kgo("MeanDifference"))
            w.p(result, "ciLower", _lit(f"{lower:.3f}", "decimal"))
            w.p(result, "ciUpper", _lit(f"{upper:.3f}", "decimal"))
            w.p(result, "ciLevel", _lit("0.95", "decimal"))
            for g, arm in enumerate(arms):
                group = _iri(f"trial-{n}-{k}-result-{e}-group-{g}")
                w.p(result, "treatmentGroup" if g == 0 else "comparatorGroup", group)
                w.a(group, "GroupValue")
                w.label(group, f"group {g}")
                w.p(group, "value", _lit(f"{rng.uniform(-10, 0):.2f}", "decimal"))
                w.p(group, "groupArm", arm)
            if not (violation == "result-without-source" and e == 0 and k == 0):
                rsrc = _source(w, rng, f"src-result-{n}-{k}-{e}", f"Results {n}-{k}-{e}",
                               bad_url=violation == "source-url-literal" and e == 0 and k == 0)
                w.t(result, f"<{DERIVED}>", rsrc)
        if verdicts:
            verdict = "PrimaryMet" if verdicts[0] else "PrimaryMissed"
            w.p(trial, "primaryEndpointVerdict", _kgo(verdict))
        if completed and (n % 5 == 0 or (violation == "subgroup-without-definition" and k == 0)):
            sub = _iri(f"trial-{n}-{k}-subgroup")
            w.a(sub, "Population")
            w.label(sub, "fast progressors")
            w.p(sub, "populationKind", _kgo("Subgroup"))
            if violation != "subgroup-without-definition":
                w.p(sub, "definition", _lit("ALSFRS-R slope above 0.8 per month", lang="en"))
            result = _iri(f"trial-{n}-{k}-result-subgroup")
            results.append(result)
            stats["results"] += 1
            w.a(result, "Result")
            w.label(result, f"Subgroup result in trial {n}-{k}")
            w.p(result, "resultOf", trial)
            w.p(result, "ofEndpoint", _iri(f"trial-{n}-{k}-endpoint-0"))
            w.p(result, "population", sub)
            w.p(result, "analysisKind", _kgo("PostHocSubgroupAnalysis"))
            w.p(result, "verdict", _kgo("Descriptive"))
            w.t(result, f"<{DERIVED}>", tsrc)

    if first or n % 3 == 0:
        agency, place = AGENCIES[n % len(AGENCIES)]
        for m, kind in enumerate(("OrphanDesignation", rng.choice(EVENT_KINDS))):
            event = _iri(f"event-{n}-{m}")
            stats["events"] += 1
            planned = m == 1 and n % 2 == 1
            w.a(event, "RegulatoryEvent")
            w.label(event, f"{kind} {n}-{m}")
            w.p(event, "therapy", therapy)
            w.p(event, "agency", _iri(agency))
            w.p(event, "jurisdiction", _iri(place))
            w.p(event, "eventKind", _kgo(kind))
            w.p(event, "eventStatus", _kgo("Planned" if planned else "Occurred"))
            w.p(event, "datePrecision", _kgo("Day"))
            day = f"{rng.randint(2010, 2026)}-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}"
            if planned:
                w.p(event, "expectedDate", _lit(day, "date"))
                w.p(event, "targetsPathway", _kgo("AcceleratedApproval"))
                w.p(event, "citesPrecedent", _iri(f"event-{n}-0"))
            elif not (violation == "occurred-event-without-date" and m == 0):
                w.p(event, "date", _lit(day, "date"))
            if results:
                w.p(event, "restsOn", results[0])
            w.t(event, f"<{DERIVED}>", src)
    if n % 25 == 1:  # two sources disagree on a trial's status
        for c, (status, accepted) in enumerate((("Completed", "true"), ("Terminated", "false"))):
            claim = _iri(f"claim-{n}-{c}")
            w.a(claim, "Claim")
            w.t(claim, f"<{RDF}subject>", trials[0])
            w.t(claim, f"<{RDF}predicate>", _kgo("status"))
            w.t(claim, f"<{RDF}object>", _kgo(status))
            w.p(claim, "accepted", _lit(accepted, "boolean"))
            w.t(claim, f"<{DERIVED}>", src)


def main(argv: list[str] | None = None) -> None:
    """Write a synthetic graph of a given size to a file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", help="target triple count: 10k, 100k, 1M, 10M or a number")
    parser.add_argument("out", type=Path, help="the N-Triples file to write")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        stats = generate(parse_size(args.size), out, seed=args.seed)
    print(" ".join(f"{k}={v}" for k, v in stats.items()), file=sys.stderr)  # noqa: T201


if __name__ == "__main__":
    main()
