"""Map a format-neutral ClinicalTrials.gov Study to als-kg RDF, one graph per record.

Decisions (see also the README section on importing):

- Every IRI is minted from the NCT id and content that stays the same across versions of a
  record (an arm's or group's title, an outcome's normalised title, an analysis's groups and
  method), never from positions; imported children carry ``-ctgov-`` (``kgr:NCT…-ctgov-arm-…``,
  ``-ctgov-ep-…``, ``-ctgov-res-…``, ``-ctgov-pop-overall``) so they never collide with curated
  nodes. There are no blank nodes.
- Each record version is its own source, ``kgr:src-ctgov-<NCT>-<last update date>``.
- Names are resolved (see :mod:`kg.importers.resolve`): the trial, sponsors, collaborators,
  conditions and interventions become the curated nodes they stand for.
- Interventions stay words unless they resolve: the registry gives no modality, which a
  ``kgo:Therapy`` must have, so an arm lists its interventions as ``kgo:regimen`` ("Drug:
  Dupilumab"). A resolved therapy is the arm's ``kgo:intervention``, and the study
  ``kgo:tests`` it if it is given in an experimental arm (or, in a study without one, in an
  arm beside a placebo or sham arm). A therapy given in every arm, placebo or sham arm
  included, is background therapy (``kgo:backgroundTherapy`` of each arm), never tested.
- An outcome the registry lists without data is an endpoint, not a result. Imported results
  have their own overall population node.
- Verdict of an analysis: ``kgo:Met`` if the p-value shows p < 0.05, ``kgo:NotMet`` if it
  shows p >= 0.05; without a decisive p-value, a two-sided confidence interval of at least
  95% that excludes the null (1 for ratios, 0 for differences) is ``kgo:Met``, one that
  includes it ``kgo:NotMet``; otherwise ``kgo:NotReported``. An outcome measure without an
  analysis gives a ``kgo:Descriptive`` result with its group values. The registry does not
  state the trial's own alpha, so 0.05 is a convention, not the trial's threshold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rdflib import DCTERMS, PROV, RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.errors import InputError
from kg.importers.ctgov.model import (
    Analysis,
    Arm,
    DateValue,
    Group,
    OutcomeResult,
    Row,
    Sponsor,
    Study,
    Value,
)
from kg.importers.iris import local_name, slug
from kg.importers.resolve import Resolver, org_key
from kg.importers.vocab import concept, notations
from kg.namespaces import KGO, KGR, bind_prefixes

__all__ = [
    "ALPHA",
    "PUBLISHER",
    "MappedStudy",
    "map_study",
    "primary_verdict",
    "registry_url",
    "source_iri",
    "study_graph",
    "study_triples",
    "verdict",
]

#: A triple as the mapper makes it (its terms are always IRIs or literals).
Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: The significance level of the verdict rule (p < ALPHA is met).
ALPHA = Decimal("0.05")
#: ClinicalTrials.gov as a publisher (described in ``data/common.ttl``).
PUBLISHER = KGR["org-clinicaltrials-gov"]

_NCT = re.compile(r"NCT\d{8}")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_P_VALUE = re.compile(r"(?:p\s*)?(<=|>=|≤|≥|<|>|=)?\s*(\d*\.?\d+(?:[eE][+-]?\d+)?)", re.IGNORECASE)
_ABSENT = frozenset({"NA", "N/A", "NR", "NOT APPLICABLE", "-", "—"})
_MODIFIERS = {"≤": "<=", "≥": ">="}
_PHASE_ORDER = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")
_STUDY_CLASSES = {
    "INTERVENTIONAL": KGO.ClinicalTrial,
    "OBSERVATIONAL": KGO.ObservationalStudy,
    "EXPANDED_ACCESS": KGO.ClinicalStudy,
}
_REGISTRY_ID_KINDS = frozenset({"EUDRACT_NUMBER", "CTIS", "REGISTRY"})
_EUDRACT = re.compile(r"\d{4}-\d{6}-\d{2}")
_CONTROLS = {
    KGO.PlaceboComparatorArm: KGO.PlaceboControl,
    KGO.ShamComparatorArm: KGO.ShamControl,
    KGO.ActiveComparatorArm: KGO.ActiveControl,
    KGO.NoInterventionArm: KGO.StandardOfCareControl,
}
_PLACEBO_ROLES = frozenset({"PLACEBO_COMPARATOR", "SHAM_COMPARATOR"})
_COMPARATOR_WORDS = re.compile(r"\b(placebo|sham|vehicle|control)\b", re.IGNORECASE)
#: Registry estimation parameters (case and spacing ignored) and the effect types they are.
_EFFECT_TYPES = {
    "hazard ratio (hr)": KGO.HazardRatio,
    "hazard ratio": KGO.HazardRatio,
    "cox proportional hazard": KGO.HazardRatio,
    "odds ratio (or)": KGO.OddsRatio,
    "odds ratio": KGO.OddsRatio,
    "risk ratio (rr)": KGO.RelativeRisk,
    "risk ratio": KGO.RelativeRisk,
    "relative risk": KGO.RelativeRisk,
    "rate ratio": KGO.RateRatio,
    "incidence rate ratio": KGO.RateRatio,
    "mean difference (final values)": KGO.MeanDifference,
    "mean difference (net)": KGO.MeanDifference,
    "mean difference": KGO.MeanDifference,
    "ls mean difference": KGO.MeanDifference,
    "least squares mean difference": KGO.MeanDifference,
    "difference in ls means": KGO.MeanDifference,
    "difference in least squares means": KGO.MeanDifference,
    "percentage difference": KGO.PercentDifference,
    "percent difference": KGO.PercentDifference,
}
_POPULATION_LABEL = "Overall population (as posted on ClinicalTrials.gov)"
_ESTIMATED_PRIMARY = KGO.estimatedPrimaryCompletionDate
_RATIOS = frozenset({KGO.HazardRatio, KGO.OddsRatio, KGO.RelativeRisk, KGO.RateRatio})


def registry_url(nct_id: str) -> str:
    """Return the address of a study on ClinicalTrials.gov.

    >>> registry_url("NCT02552212")
    'https://clinicaltrials.gov/study/NCT02552212'
    """
    return f"https://clinicaltrials.gov/study/{nct_id}"


def source_iri(nct_id: str, last_update: str | None = None) -> URIRef:
    """Return the IRI of the source node for one version of a registry record.

    A version is named by the record's last-update date; a record without one is the NCT id.

    >>> source_iri("NCT02552212", "2022-08-18").n3()
    '<https://w3id.org/als-kg/resource/src-ctgov-NCT02552212-2022-08-18>'
    >>> source_iri("NCT02552212").n3()
    '<https://w3id.org/als-kg/resource/src-ctgov-NCT02552212>'
    """
    return KGR[f"src-ctgov-{nct_id}" + (f"-{last_update}" if last_update else "")]


@dataclass(frozen=True)
class MappedStudy:
    """One record mapped to triples, with what the merge needs to know about it.

    :param nct: The NCT id.
    :param trial: The trial node: a curated trial the record resolved to, else ``kgr:<NCT>``.
    :param how: How the trial was matched (see :class:`~kg.importers.resolve.TrialMatch`), or
        ``None`` for a trial the target graph did not have.
    :param source: The source node of this record version.
    :param date: The record's last-update date, if it gives one.
    :param triples: The triples, each once.
    :param verdict: The primary-endpoint verdict derived from the posted primary analyses and
        the analyses that decided it (see :func:`primary_verdict`), or ``None``.
    """

    nct: str
    trial: URIRef
    how: str | None
    source: URIRef
    date: Literal | None
    triples: list[Triple]
    verdict: tuple[URIRef, tuple[URIRef, ...]] | None = None


def map_study(study: Study, *, source: str, resolver: Resolver | None = None) -> MappedStudy:
    """Map one study to triples, resolving its names against ``resolver``'s graph.

    :param study: The record, as a parser read it.
    :param source: The file name (or another label) that errors name.
    :param resolver: The target graph's indexes; by default nothing resolves.
    :returns: The mapped study.
    :raises InputError: As :func:`study_graph`.

    >>> from kg.importers.ctgov.model import Study, Value
    >>> mapped = map_study(Study(Value("NCT00000001", "nctId"), "test",
    ...     last_update=Value("2020-01-02", "x")), source="x")
    >>> mapped.trial == KGR.NCT00000001, mapped.how, mapped.date.toPython().year
    (True, None, 2020)
    """
    mapper = _Mapper(study, source, resolver or Resolver())
    triples = mapper.triples()
    return MappedStudy(
        nct=mapper.nct,
        trial=mapper.trial,
        how=mapper.how,
        source=mapper.src,
        date=mapper.record_date,
        triples=triples,
        verdict=mapper.verdict,
    )


def study_graph(
    study: Study, *, source: str, therapies: Mapping[str, URIRef] | None = None
) -> Graph:
    """Map one study to a new graph (the project's prefixes bound).

    :param study: The record, as a parser read it.
    :param source: The file name (or another label) that errors name.
    :param therapies: Existing therapies by lower-cased name, to link interventions to.
    :returns: A graph of the study, its source, arms, endpoints, enrollment and results.
    :raises InputError: If a value is not what the registry allows: an unknown code (phase,
        status, masking, ...), a date, count, p-value or number that does not parse.

    >>> from kg.importers.ctgov.model import Study, Value
    >>> g = study_graph(Study(Value("NCT00000001", "nctId"), "test",
    ...     brief_title=Value("A trial", "briefTitle"),
    ...     phases=(Value("PHASE1", "phases[0]"), Value("PHASE2", "phases[1]"))), source="x")
    >>> g.value(KGR.NCT00000001, KGO.phase) == KGO.Phase1Phase2
    True
    >>> study_graph(Study(Value("NCT00000001", "nctId"), "test",
    ...     phases=(Value("PHASE7", "phases[0]"),)), source="x.json")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: x.json: phases[0]: unknown phase 'PHASE7'
    """
    graph = bind_prefixes(Graph(bind_namespaces="core"))
    graph.addN(
        (s, p, o, graph) for s, p, o in study_triples(study, source=source, therapies=therapies)
    )
    return graph


def study_triples(
    study: Study, *, source: str, therapies: Mapping[str, URIRef] | None = None
) -> list[Triple]:
    """Map one study to its triples, without building a graph (faster for batches).

    :param study: The record, as a parser read it.
    :param source: The file name (or another label) that errors name.
    :param therapies: Existing therapies by lower-cased name, to link interventions to.
    :returns: The triples of :func:`study_graph`, each once, in the order they were made.
    :raises InputError: As :func:`study_graph`.

    >>> from kg.importers.ctgov.model import Study, Value
    >>> triples = study_triples(Study(Value("NCT00000001", "nctId"), "test"), source="x")
    >>> (KGR.NCT00000001, KGO.phase, KGO.PhaseNotApplicable) in triples
    True
    """
    return _Mapper(study, source, Resolver.of_therapies(therapies or {})).triples()


class _Mapper:
    """The state of mapping one study: its IRIs, arms and endpoints seen so far."""

    def __init__(self, study: Study, source: str, resolver: Resolver) -> None:
        self.study = study
        self.source = source
        self.resolver = resolver
        self.made: dict[Triple, None] = {}
        nct = study.nct_id.text
        if not _NCT.fullmatch(nct):
            raise self.fail(study.nct_id.path, f"not an NCT number: {nct!r}")
        self.nct = nct
        self.record_date = None if study.last_update is None else self.date(study.last_update)
        version = None if self.record_date is None else str(self.record_date)
        self.src = source_iri(nct, version)
        arm_therapies = self._arm_therapies()
        tested, self.background = _tested_and_background(study.arms, arm_therapies)
        self.arm_therapies = arm_therapies
        self.tested = tested
        match = resolver.trial(
            nct,
            registry_ids=[s.id.text for s in study.secondary_ids],
            acronym=study.acronym.text if study.acronym else None,
            therapies=tested,
        )
        self.trial = match.iri if match else KGR[nct]
        self.how = match.how if match else None
        self.arms: dict[str, tuple[URIRef, URIRef]] = {}
        self.endpoints: dict[tuple[URIRef, str], URIRef] = {}
        self.endpoint_keys: dict[str, URIRef] = {}  # title -> role of its first endpoint
        self.population: URIRef | None = None
        self.primary_results: list[tuple[URIRef, URIRef]] = []
        self.verdict: tuple[URIRef, tuple[URIRef, ...]] | None = None

    def fail(self, path: str, detail: str) -> InputError:
        """Make the error for a bad value."""
        return InputError(self.source, f"{path}: {detail}")

    def add(self, subject: URIRef, predicate: URIRef, obj: URIRef | Literal) -> None:
        """Add one triple."""
        self.made[(subject, predicate, obj)] = None

    def words(
        self, subject: URIRef, predicate: URIRef, value: Value | str | None, *, lang: bool = True
    ) -> None:
        """Add a text (English unless ``lang`` is false) if there is one."""
        if value is None:
            return
        text = value.text if isinstance(value, Value) else value
        self.add(subject, predicate, Literal(text, lang="en" if lang else None))

    def coded(self, scheme_class: URIRef, value: Value, what: str) -> URIRef:
        """Return the concept with a code as notation, or fail naming the value."""
        found = concept(scheme_class, value.text)
        if found is None:
            raise self.fail(value.path, f"unknown {what} {value.text!r}")
        return found

    def child(self, kind: str, text: str) -> URIRef:
        """Return the IRI of an imported child node (arm, endpoint, ...) named by its content."""
        return KGR[f"{self.nct}-ctgov-{kind}-{slug(_key(text))}"]

    # --- the graph ------------------------------------------------------------------------

    def triples(self) -> list[Triple]:
        """Map everything."""
        self._source()
        self._study()
        self._design()
        self._enrollment()
        self._arms()
        self._endpoints()
        self._results()
        self.verdict = primary_verdict(self.primary_results)
        if self.verdict is not None:
            verdict_, deciding = self.verdict
            self.add(self.trial, KGO.primaryEndpointVerdict, verdict_)
            for result in deciding:
                self.add(self.trial, KGO.decidingAnalysis, result)
        return list(self.made)

    def _source(self) -> None:
        study, src = self.study, self.src
        title = _one_line((study.brief_title or study.official_title or study.nct_id).text)
        named = f"{title} ({self.nct})" if title != self.nct else title
        if self.record_date is not None:
            named = f"{named}, ClinicalTrials.gov record as last updated {self.record_date}"
        self.add(src, RDF.type, KGO.Source)
        self.words(src, DCTERMS.title, named)
        self.add(src, KGO.url, URIRef(registry_url(self.nct)))
        self.add(src, KGO.sourceKind, KGO.RegistryRecord)
        self.add(src, DCTERMS.publisher, PUBLISHER)
        self.add(PUBLISHER, RDF.type, KGO.Publisher)
        if self.record_date is not None:
            self.add(src, KGO.date, self.record_date)
        self.words(src, KGO.accessedVia, study.record_format, lang=False)

    def _study(self) -> None:
        study, trial = self.study, self.trial
        cls = KGO.ClinicalStudy
        kind = study.study_type
        if kind is not None:
            if kind.text not in _STUDY_CLASSES:
                raise self.fail(kind.path, f"unknown study type {kind.text!r}")
            cls = _STUDY_CLASSES[kind.text]
        self.add(trial, RDF.type, cls)
        name = study.brief_title or study.official_title
        self.words(trial, RDFS.label, _one_line(name.text) if name else self.nct)
        self.words(trial, KGO.nctId, self.nct, lang=False)
        self.words(trial, KGO.sponsorStudyId, study.org_study_id, lang=False)
        for secondary in study.secondary_ids:
            id_kind = secondary.kind.text if secondary.kind else None
            registry = id_kind in _REGISTRY_ID_KINDS or (
                id_kind is None and _EUDRACT.search(secondary.id.text) is not None
            )
            predicate = KGO.otherRegistryId if registry else KGO.identifier
            self.words(trial, predicate, secondary.id, lang=False)
        self.words(trial, KGO.acronym, study.acronym, lang=False)
        self.words(trial, KGO.officialTitle, study.official_title)
        self._status()
        if study.lead_sponsor is not None:
            self.add(trial, KGO.sponsor, self.organisation(study.lead_sponsor))
        for collaborator in study.collaborators:
            self.add(trial, KGO.collaborator, self.organisation(collaborator))
        for condition in study.conditions:
            node = self.resolver.condition(condition.text)
            if node is None:
                node = KGR[f"condition-{slug(_key(condition.text))}"]
                self.add(node, RDF.type, KGO.Condition)
                self.words(node, RDFS.label, _one_line(condition.text))
            self.add(trial, KGO.condition, node)
        if study.site_count > 0:
            self.add(trial, KGO.siteCount, Literal(study.site_count))
        self.add(trial, PROV.wasDerivedFrom, self.src)

    def _status(self) -> None:
        study, trial = self.study, self.trial
        if study.overall_status is not None:
            status = self.coded(KGO.TrialStatus, study.overall_status, "overall status")
            self.add(trial, KGO.status, status)
            if study.status_verified is not None:
                self.add(trial, KGO.statusAsOf, self.date(study.status_verified))
        self.words(trial, KGO.whyStopped, study.why_stopped)
        for when, actual, estimated in (
            (study.start, KGO.startDate, KGO.estimatedStartDate),
            (study.primary_completion, KGO.primaryCompletionDate, _ESTIMATED_PRIMARY),
            (study.completion, KGO.completionDate, KGO.estimatedCompletionDate),
        ):
            if when is not None:
                self.add(trial, self.date_property(when, actual, estimated), self.date(when.date))

    def _design(self) -> None:
        study, trial = self.study, self.trial
        self.add(trial, KGO.phase, self.phase(study.phases))
        if study.allocation is not None:
            allocation = self.coded(KGO.Allocation, study.allocation, "allocation")
            self.add(trial, KGO.allocation, allocation)
        if study.masking is not None:
            self.add(trial, KGO.masking, self.coded(KGO.Masking, study.masking, "masking"))
        parts = [
            f"{name}: {value.text.lower().replace('_', ' ')}"
            for name, value in (
                ("intervention model", study.intervention_model),
                ("primary purpose", study.primary_purpose),
                ("observational model", study.observational_model),
                ("time perspective", study.time_perspective),
            )
            if value is not None
        ]
        if parts:
            self.words(trial, KGO.design, "; ".join(parts).capitalize())

    def _enrollment(self) -> None:
        enrollment = self.study.enrollment
        if enrollment is None or enrollment.type is None:
            return  # a count without its kind cannot be stated (kgo:countKind is required)
        count = enrollment.count
        if not count.text.isdigit():
            raise self.fail(count.path, f"enrollment count {count.text!r} is not a whole number")
        kind = self.coded(KGO.EnrollmentKind, enrollment.type, "enrollment type")
        node = KGR[f"{self.nct}-ctgov-enrollment-{slug(local_name(kind))}"]
        self.add(node, RDF.type, KGO.Enrollment)
        self.add(node, KGO["count"], Literal(int(enrollment.count.text)))
        self.add(node, KGO.countKind, kind)
        self.add(node, PROV.wasDerivedFrom, self.src)
        self.add(self.trial, KGO.enrollment, node)

    def _arm_therapies(self) -> list[set[URIRef]]:
        """Resolve each arm's interventions to therapies."""
        found = []
        for arm in self.study.arms:
            therapies = set()
            for intervention in arm.interventions:
                therapy = self.resolver.therapy(intervention.names)
                if therapy is not None:
                    therapies.add(therapy)
            found.append(therapies)
        return found

    def _arms(self) -> None:
        roles = set()
        for arm, therapies in zip(self.study.arms, self.arm_therapies, strict=True):
            curated_arm = self.resolver.arm(self.trial, arm.label.text)
            node = curated_arm or self.child("arm", arm.label.text)
            role = KGO.OtherArm
            if arm.type is not None:
                role = self.coded(KGO.ArmRole, arm.type, "arm type")
            roles.add(role)
            self.add(node, RDF.type, KGO.Arm)
            self.words(node, RDFS.label, _one_line(arm.label.text))
            self.add(node, KGO.armRole, role)
            self.words(node, KGO.regimen, arm.description)
            for intervention in arm.interventions:
                self.words(node, KGO.regimen, intervention.display)
            for therapy in sorted(therapies):
                background = therapy in self.background
                self.add(node, KGO.backgroundTherapy if background else KGO.intervention, therapy)
            self.add(node, PROV.wasDerivedFrom, self.src)
            self.add(self.trial, KGO.arm, node)
            self.arms.setdefault(_arm_key(arm.label.text), (node, role))
        for therapy in sorted(self.tested):
            self.add(self.trial, KGO.tests, therapy)
        controls = {_CONTROLS[role] for role in roles if role in _CONTROLS}
        model = self.study.intervention_model
        if not controls and model is not None and model.text == "SINGLE_GROUP":
            controls.add(KGO.NoControl)
        for control in sorted(controls):
            self.add(self.trial, KGO.controlType, control)

    def _endpoints(self) -> None:
        for outcome in self.study.outcomes:
            self.endpoint(
                self.coded(KGO.EndpointRole, outcome.role, "outcome type"),
                outcome.measure,
                outcome.time_frame,
                outcome.description,
            )

    def endpoint(
        self, role: URIRef, measure: Value, time_frame: Value | None, description: Value | None
    ) -> URIRef:
        """Add an endpoint, named by its normalised title, and index it by role and title."""
        title = _key(measure.text)
        node = self.child("ep", measure.text)
        if self.endpoint_keys.setdefault(title, role) != role:
            # the same title again in another role: tell them apart by role and time frame
            extra = local_name(role) + (f" {time_frame.text}" if time_frame else "")
            node = self.child("ep", f"{measure.text} {extra}")
        self.add(node, RDF.type, KGO.Endpoint)
        self.words(node, RDFS.label, _one_line(measure.text))
        self.add(node, KGO.endpointRole, role)
        if time_frame is not None:
            self.words(node, KGO.timePoint, _one_line(time_frame.text), lang=False)
        self.words(node, RDFS.comment, description)
        self.add(node, PROV.wasDerivedFrom, self.src)
        self.add(self.trial, KGO.endpoint, node)
        self.endpoints.setdefault((role, title), node)
        return node

    # --- results --------------------------------------------------------------------------

    def _results(self) -> None:
        for measure in self.study.results:
            status = measure.reporting_status
            if status is None or status.text != "NOT_POSTED":
                self._measure(measure)

    def _measure(self, measure: OutcomeResult) -> None:
        """Add the results of one posted outcome measure: one per analysis, or descriptive.

        A measure with neither an analysis nor a single number is only an endpoint.
        """
        role = self.coded(KGO.EndpointRole, measure.role, "outcome type")
        endpoint = self.endpoints.get((role, _key(measure.title.text)))
        if endpoint is None:  # posted without having been registered (or renamed)
            endpoint = self.endpoint(role, measure.title, measure.time_frame, measure.description)
        if not measure.analyses and not _has_values(measure):
            return
        kind = KGO.PreSpecifiedAnalysis
        if role == KGO.NotPreSpecifiedEndpoint:
            kind = KGO.PostHocAnalysis
        base = f"{self.nct}-ctgov-res-{local_name(endpoint).split('-ctgov-ep-', 1)[-1]}"
        self._analyses(measure, base, endpoint, kind, primary=role == KGO.PrimaryEndpoint)
        title = _one_line(measure.title.text)
        if len(measure.rows) <= 1 and not measure.analyses:
            node = self.result(KGR[base], title, endpoint, kind)
            self.add(node, KGO.verdict, KGO.Descriptive)
            self.group_values(node, measure, None, measure.rows)
        elif len(measure.rows) > 1:
            for index, row in enumerate(measure.rows, 1):
                if not any(_lenient_number(m.value) is not None for m in row.measurements):
                    continue
                row_title = _one_line(row.title) if row.title else f"row {index}"
                label = f"{title} — {row_title}"
                row_node = KGR[f"{base}-row-{slug(_key(row_title))}"]
                node = self.result(row_node, label, endpoint, kind)
                self.add(node, KGO.verdict, KGO.Descriptive)
                self.group_values(node, measure, None, (row,))

    def _analyses(
        self, measure: OutcomeResult, base: str, endpoint: URIRef, kind: URIRef, *, primary: bool
    ) -> None:
        """Add one result per registered analysis, named by what it compares and how."""
        title = _one_line(measure.title.text)
        single_row = len(measure.rows) <= 1
        groups = {group.id: group for group in measure.groups}
        names = [_analysis_name(a, groups) for a in measure.analyses]
        for index, analysis in enumerate(measure.analyses, 1):
            label = title
            if len(measure.analyses) > 1:
                label = f"{title} (analysis {index} of {len(measure.analyses)})"
                note = analysis.group_description
                if note is not None and len(note.text) <= 100:
                    label = f"{label[:-1]}: {_one_line(note.text)})"
            suffix = names[index - 1]
            if names.count(suffix) > 1:  # the same groups and method twice: tell them apart
                suffix = f"{suffix}-{index}"
            node = self.result(KGR[f"{base}-analysis-{suffix}"], label, endpoint, kind)
            verdict_ = self.statistics(node, analysis)
            if primary and kind == KGO.PreSpecifiedAnalysis:
                self.primary_results.append((node, verdict_))
            if single_row:
                known = [group for group in analysis.group_ids if group in groups]
                self.group_values(node, measure, known or None, measure.rows[:1])

    def result(self, node: URIRef, label: str, endpoint: URIRef, kind: URIRef) -> URIRef:
        """Add the parts every result has."""
        if self.population is None:
            self.population = KGR[f"{self.nct}-ctgov-pop-overall"]
            self.add(self.population, RDF.type, KGO.Population)
            self.words(self.population, RDFS.label, _POPULATION_LABEL)
            self.add(self.population, KGO.populationKind, KGO.OverallPopulation)
            self.add(self.population, KGO.subgroupOf, self.trial)
        self.add(node, RDF.type, KGO.Result)
        self.words(node, RDFS.label, label)
        self.add(node, KGO.resultOf, self.trial)
        self.add(self.trial, KGO.result, node)
        self.add(node, KGO.ofEndpoint, endpoint)
        self.add(node, KGO.population, self.population)
        self.add(node, KGO.analysisKind, kind)
        self.add(node, PROV.wasDerivedFrom, self.src)
        return node

    def statistics(self, node: URIRef, analysis: Analysis) -> URIRef:
        """Add an analysis's p-value, estimate, interval, method and verdict; return the verdict."""
        p_value = self.p_value(analysis.p_value)
        if p_value is not None:
            self.add(node, KGO.pValue, _decimal(p_value[1]))
            self.add(node, KGO.pValueModifier, Literal(p_value[0]))
        param = analysis.param_type.text if analysis.param_type else ""
        effect_type = _EFFECT_TYPES.get(_key(param))
        if effect_type is not None:
            self.add(node, KGO.effectType, effect_type)
        elif param:
            self.words(node, RDFS.comment, f"Estimation parameter as registered: {param}")
        estimate = self.number(analysis.param_value, "estimate")
        if estimate is not None:
            self.add(node, KGO.effectEstimate, _decimal(estimate))
        interval = self.interval(analysis)
        if interval is not None:
            lower, upper, level = interval
            self.add(node, KGO.ciLower, _decimal(lower))
            self.add(node, KGO.ciUpper, _decimal(upper))
            if level is not None:
                self.add(node, KGO.ciLevel, _decimal(level))
        self.words(node, KGO.statisticalMethod, analysis.method, lang=False)
        for note, about in (
            (analysis.estimate_comment, "the estimate"),
            (analysis.group_description, "the comparison"),
        ):
            if note is not None:
                self.words(node, RDFS.comment, f"Registry note on {about}: {note.text}")
        sides = analysis.ci_sides.text if analysis.ci_sides else None
        null = _null_value(effect_type, param)
        found = verdict(p_value, interval, sides, null)
        self.add(node, KGO.verdict, found)
        return found

    def interval(self, analysis: Analysis) -> tuple[Decimal, Decimal, Decimal | None] | None:
        """Return the confidence interval (both limits, level as a fraction) if it has both."""
        lower = self.number(analysis.ci_lower, "confidence limit")
        upper = self.number(analysis.ci_upper, "confidence limit")
        percent = self.number(analysis.ci_percent, "confidence level")
        level = None
        if percent is not None and analysis.ci_percent is not None:
            level = percent / 100
            if not 0 < level < 1:
                text = analysis.ci_percent.text
                detail = f"confidence level {text!r}% is not between 0 and 100"
                raise self.fail(analysis.ci_percent.path, detail)
        if lower is None or upper is None or analysis.ci_lower is None:
            return None
        if lower > upper:
            detail = f"lower confidence limit {lower} is above the upper limit {upper}"
            raise self.fail(analysis.ci_lower.path, detail)
        return lower, upper, level

    def group_values(
        self,
        result: URIRef,
        measure: OutcomeResult,
        group_ids: list[str] | None,
        rows: Iterable[Row],
    ) -> None:
        """Add one group value per group (of ``group_ids``, or all) for a result of one row."""
        groups = [g for g in measure.groups if group_ids is None or g.id in group_ids]
        row = next(iter(rows), None)
        measured = {m.group_id: m.value for m in row.measurements} if row else {}
        if row is not None and measure.rows and len(measure.rows) > 1:
            groups = [g for g in groups if g.id in measured]
        participants = dict(measure.participants)
        comparator = self.comparator(groups)
        unit = _unit(measure)
        titles = [_key(g.title.text) for g in groups]
        for group in groups:
            name = _key(group.title.text)
            if titles.count(name) > 1:  # two groups of one title: the registry's ids apart
                name = f"{name} {group.id}"
            node = KGR[f"{local_name(result)}-{slug(name)}"]
            arm = self.arms.get(_arm_key(group.title.text))
            self.add(node, RDF.type, KGO.GroupValue)
            self.words(node, RDFS.label, _one_line(group.title.text))
            value = _lenient_number(measured.get(group.id))
            if value is not None:
                self.add(node, KGO.value, _decimal(value))
            if unit and value is not None:
                self.words(node, KGO.unit, unit, lang=False)
            count = participants.get(group.id)
            if count is not None and count.text.isdigit():
                self.add(node, KGO.participants, Literal(int(count.text)))
            if arm is not None:
                self.add(node, KGO.groupArm, arm[0])
            self.add(node, PROV.wasDerivedFrom, self.src)
            role = KGO.comparatorGroup if group.id == comparator else KGO.treatmentGroup
            self.add(result, role, node)

    def comparator(self, groups: list[Group]) -> str | None:
        """Pick the one comparator group: by its arm's role, else by a placebo/sham/control name."""
        if len(groups) < 2:
            return None
        by_arm = [
            g.id
            for g in groups
            if (arm := self.arms.get(_arm_key(g.title.text))) and arm[1] in _CONTROLS
        ]
        if by_arm:
            return by_arm[0] if len(by_arm) == 1 else None
        by_name = [g.id for g in groups if _COMPARATOR_WORDS.search(g.title.text)]
        return by_name[0] if len(by_name) == 1 else None

    # --- values ---------------------------------------------------------------------------

    def phase(self, phases: tuple[Value, ...]) -> URIRef:
        """Return the phase concept of a list of phase codes (none means not applicable)."""
        known = {part for code in notations(KGO.Phase) for part in code.split("|")}
        for value in phases:
            if value.text not in known:
                raise self.fail(value.path, f"unknown phase {value.text!r}")
        codes = sorted({v.text for v in phases}, key=_PHASE_ORDER.index) or ["NA"]
        combined = "|".join(codes)
        found = concept(KGO.Phase, combined)
        if found is None:
            raise self.fail(phases[0].path, f"unknown phase combination {combined!r}")
        return found

    def date(self, value: Value) -> Literal:
        """Type a registry date by its shape: xsd:date, xsd:gYearMonth or xsd:gYear."""
        text = value.text
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                date.fromisoformat(text)
                return Literal(text, datatype=XSD.date)
            if re.fullmatch(r"\d{4}-\d{2}", text) and 1 <= int(text[5:]) <= 12:
                return Literal(text, datatype=XSD.gYearMonth)
            if re.fullmatch(r"\d{4}", text):
                return Literal(text, datatype=XSD.gYear)
        except ValueError:
            pass
        raise self.fail(value.path, f"not a date: {text!r} (expected YYYY-MM-DD or YYYY-MM)")

    def date_property(self, when: DateValue, actual: URIRef, estimated: URIRef) -> URIRef:
        """Choose the actual or estimated date property by the date's type (none is actual)."""
        if when.type is None or when.type.text == "ACTUAL":
            return actual
        if when.type.text == "ESTIMATED":
            return estimated
        detail = f"unknown date type {when.type.text!r} (expected ACTUAL or ESTIMATED)"
        raise self.fail(when.type.path, detail)

    def organisation(self, sponsor: Sponsor) -> URIRef:
        """Return the organisation a sponsor or collaborator names: a known one, or a new node."""
        known = self.resolver.organisation(sponsor.name.text)
        if known is not None:
            return known
        node = KGR[f"org-ctgov-{slug(org_key(sponsor.name.text) or sponsor.name.text)}"]
        industry = sponsor.agency_class is not None and sponsor.agency_class.text == "INDUSTRY"
        self.add(node, RDF.type, KGO.Company if industry else KGO.Organisation)
        self.words(node, RDFS.label, _one_line(sponsor.name.text))
        return node

    def number(self, value: Value | None, what: str) -> Decimal | None:
        """Parse a registry number; placeholders such as ``NA`` are no number."""
        if value is None or value.text.upper() in _ABSENT:
            return None
        if not _NUMBER.fullmatch(value.text):
            raise self.fail(value.path, f"{what} {value.text!r} is not a number")
        return Decimal(value.text)

    def p_value(self, value: Value | None) -> tuple[str, Decimal] | None:
        """Parse a p-value such as ``<0.001`` into its modifier and number."""
        if value is None or value.text.upper() in _ABSENT:
            return None
        match = _P_VALUE.fullmatch(value.text.strip())
        if match is None:
            detail = f"p-value {value.text!r} does not parse (expected a number like 0.03, <0.001)"
            raise self.fail(value.path, detail)
        modifier = _MODIFIERS.get(match.group(1) or "=", match.group(1) or "=")
        number = Decimal(match.group(2))
        if not 0 <= number <= 1:
            raise self.fail(value.path, f"p-value {value.text!r} is not between 0 and 1")
        return modifier, number


def verdict(
    p_value: tuple[str, Decimal] | None,
    interval: tuple[Decimal, Decimal, Decimal | None] | None,
    sides: str | None,
    null: Decimal | None,
) -> URIRef:
    """Judge one analysis: met, not met, or not reported (see the module docstring).

    :param p_value: The modifier and number, for example ``("<", Decimal("0.001"))``.
    :param interval: Lower and upper limit and the level (a fraction), if both limits are given.
    :param sides: ``TWO_SIDED``, ``ONE_SIDED`` or ``None``.
    :param null: The no-effect value of the estimate (1 for ratios, 0 for differences).
    :returns: ``kgo:Met``, ``kgo:NotMet`` or ``kgo:NotReported``.

    >>> verdict(("<", Decimal("0.001")), None, None, None) == KGO.Met
    True
    >>> verdict(("=", Decimal("0.247")), None, None, None) == KGO.NotMet
    True
    >>> ci = (Decimal("0.47"), Decimal("1.02"), Decimal("0.95"))
    >>> verdict(None, ci, "TWO_SIDED", Decimal(1)) == KGO.NotMet
    True
    >>> verdict(None, ci, "TWO_SIDED", None) == KGO.NotReported
    True
    """
    if p_value is not None:
        modifier, number = p_value
        if (modifier == "=" and number < ALPHA) or (modifier == "<" and number <= ALPHA):
            return KGO.Met
        if modifier == "<=" and number < ALPHA:
            return KGO.Met
        if modifier in ("=", ">", ">=") and number >= ALPHA:
            return KGO.NotMet
    if interval is not None and null is not None and sides == "TWO_SIDED":
        lower, upper, level = interval
        if level is not None and level >= 1 - ALPHA:
            return KGO.Met if lower > null or upper < null else KGO.NotMet
    return KGO.NotReported


def primary_verdict(
    results: Sequence[tuple[URIRef, URIRef]],
) -> tuple[URIRef, tuple[URIRef, ...]] | None:
    """Derive a trial's primary-endpoint verdict from its posted primary analyses.

    The rule: only pre-specified analyses of primary outcomes in the overall population count
    (the caller passes those), and of them only the ones that decide (``kgo:Met`` or
    ``kgo:NotMet`` by :func:`verdict`: a p-value, else a two-sided interval of 95% or more
    against the null). All met is ``kgo:PrimaryMet``, none met ``kgo:PrimaryMissed``, some
    of each ``kgo:PrimaryMixed``; with no deciding analysis there is no verdict. The deciding
    analyses are returned with it, sorted.

    :param results: Result node and verdict of each primary analysis.
    :returns: The trial verdict and the analyses that decided it, or ``None``.

    >>> from kg.namespaces import KGR
    >>> primary_verdict([(KGR.a, KGO.NotMet), (KGR.b, KGO.NotReported)]) == (
    ...     KGO.PrimaryMissed, (KGR.a,))
    True
    >>> primary_verdict([(KGR.a, KGO.Met), (KGR.b, KGO.NotMet)])[0] == KGO.PrimaryMixed
    True
    >>> primary_verdict([(KGR.b, KGO.NotReported)]) is None
    True
    """
    deciding = sorted((node, found) for node, found in results if found in (KGO.Met, KGO.NotMet))
    if not deciding:
        return None
    verdicts = {found for _, found in deciding}
    if verdicts == {KGO.Met}:
        trial_verdict = KGO.PrimaryMet
    elif verdicts == {KGO.NotMet}:
        trial_verdict = KGO.PrimaryMissed
    else:
        trial_verdict = KGO.PrimaryMixed
    return trial_verdict, tuple(node for node, _ in deciding)


def _tested_and_background(
    arms: Sequence[Arm], therapies: Sequence[set[URIRef]]
) -> tuple[set[URIRef], set[URIRef]]:
    """Split an arm's resolved therapies into those the study tests and background therapy.

    Background: given in every arm, and the arms include a placebo or sham arm. Tested: the
    other therapies of experimental arms; in a study without an experimental arm, those of
    arms beside a placebo or sham arm (registries often call such an arm "active comparator").
    """
    roles = [_arm_role_code(arm) for arm in arms]
    controlled = any(role in _PLACEBO_ROLES for role in roles)
    common = set.intersection(*therapies) if therapies else set()
    background = common if controlled and len(arms) > 1 else set()
    experimental = [t for t, role in zip(therapies, roles, strict=True) if role == "EXPERIMENTAL"]
    if not experimental and controlled:
        experimental = [
            t for t, role in zip(therapies, roles, strict=True) if role not in _PLACEBO_ROLES
        ]
    tested = set().union(*experimental) - background if experimental else set()
    return tested, background


def _arm_role_code(arm: Arm) -> str:
    """Return an arm's type code, or a placebo/sham role read from a title without type."""
    if arm.type is not None:
        return arm.type.text
    if re.search(r"\b(placebo|sham)\b", arm.label.text, re.IGNORECASE):
        return "PLACEBO_COMPARATOR"
    return "OTHER"


def _has_values(measure: OutcomeResult) -> bool:
    """Whether a posted measure gives at least one number for a group."""
    values = (m.value for row in measure.rows for m in row.measurements)
    return any(_lenient_number(value) is not None for value in values)


def _analysis_name(analysis: Analysis, groups: Mapping[str, Group]) -> str:
    """Name an analysis by what it compares and how, not by its position."""
    titles = sorted(_key(groups[g].title.text) if g in groups else g for g in analysis.group_ids)
    parts = [*titles]
    for value in (analysis.method, analysis.param_type, analysis.group_description):
        if value is not None:
            parts.append(_key(value.text))
    text = "|".join(parts)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]


def _null_value(effect_type: URIRef | None, param: str) -> Decimal | None:
    """Return the no-effect value of an estimate: 1 for ratios, 0 for differences."""
    words = param.casefold()
    if effect_type in _RATIOS or ("ratio" in words and "log" not in words):
        return Decimal(1)
    if effect_type is not None or "difference" in words or ("ratio" in words and "log" in words):
        return Decimal(0)
    return None


def _unit(measure: OutcomeResult) -> str | None:
    """Describe a measure's values: its unit, and the statistic unless it is a plain number."""
    unit = measure.unit.text if measure.unit else None
    param = measure.param_type.text if measure.param_type else None
    statistic = param.lower().replace("_", " ") if param and param != "NUMBER" else None
    if unit and statistic:
        return f"{unit} ({statistic})"
    return unit or statistic


def _decimal(number: Decimal) -> Literal:
    """Write a number as an xsd:decimal whose lexical form keeps a decimal point."""
    text = format(number, "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def _lenient_number(value: Value | None) -> Decimal | None:
    """Parse a measurement; anything but a plain number (``NA``, ``<0.1``) is no value."""
    if value is None or not _NUMBER.fullmatch(value.text):
        return None
    return Decimal(value.text)


def _one_line(text: str) -> str:
    """Collapse runs of white space (newlines too) into single spaces."""
    return " ".join(text.split())


def _key(text: str) -> str:
    """Normalise a title for matching: case and white space ignored."""
    return _one_line(text).casefold()


def _arm_key(text: str) -> str:
    """Normalise a group or arm name for matching, ignoring a trailing "(FAS)"-like note."""
    return _key(re.sub(r"(\s*\([^()]*\))+\s*$", "", text))
