"""Map a format-neutral ClinicalTrials.gov Study to als-kg RDF, one graph per record.

Decisions (see also the README section on importing):

- Every IRI is minted from the NCT id and positions in the record, so mapping the same record
  twice gives the same triples; there are no blank nodes.
- Interventions stay words: the registry gives no modality, which a ``kgo:Therapy`` must have,
  so an arm lists its interventions as ``kgo:regimen`` ("Drug: Dupilumab") next to the arm's
  description. An arm links ``kgo:intervention`` (and an experimental arm's study
  ``kgo:tests``) only to a therapy that already exists under exactly that name, passed in as
  ``therapies``.
- Verdict of an analysis: ``kgo:Met`` if the p-value shows p < 0.05, ``kgo:NotMet`` if it
  shows p >= 0.05; without a decisive p-value, a two-sided confidence interval of at least
  95% that excludes the null (1 for ratios, 0 for differences) is ``kgo:Met``, one that
  includes it ``kgo:NotMet``; otherwise ``kgo:NotReported``. An outcome measure without an
  analysis gives a ``kgo:Descriptive`` result with its group values. The registry does not
  state the trial's own alpha, so 0.05 is a convention, not the trial's threshold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from rdflib import DCTERMS, PROV, RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.errors import InputError
from kg.importers.ctgov_model import (
    Analysis,
    DateValue,
    Group,
    OutcomeResult,
    Row,
    Sponsor,
    Study,
    Value,
)
from kg.importers.iris import local_name, slug
from kg.importers.vocab import concept, notations
from kg.namespaces import KGO, KGR, bind_prefixes

__all__ = [
    "ALPHA",
    "PUBLISHER",
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


def source_iri(nct_id: str) -> URIRef:
    """Return the IRI of the source node for a registry record.

    >>> source_iri("NCT02552212").n3()
    '<https://w3id.org/als-kg/resource/src-ctgov-NCT02552212>'
    """
    return KGR[f"src-ctgov-{nct_id}"]


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

    >>> from kg.importers.ctgov_model import Study, Value
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

    >>> from kg.importers.ctgov_model import Study, Value
    >>> triples = study_triples(Study(Value("NCT00000001", "nctId"), "test"), source="x")
    >>> (KGR.NCT00000001, KGO.phase, KGO.PhaseNotApplicable) in triples
    True
    """
    return _Mapper(study, source, therapies or {}).triples()


class _Mapper:
    """The state of mapping one study: its IRIs, arms and endpoints seen so far."""

    def __init__(self, study: Study, source: str, therapies: Mapping[str, URIRef]) -> None:
        self.study = study
        self.source = source
        self.therapies = therapies
        self.made: dict[Triple, None] = {}
        nct = study.nct_id.text
        if not _NCT.fullmatch(nct):
            raise self.fail(study.nct_id.path, f"not an NCT number: {nct!r}")
        self.nct = nct
        self.trial = KGR[nct]
        self.src = source_iri(nct)
        self.arms: dict[str, tuple[URIRef, URIRef]] = {}
        self.endpoints: dict[tuple[URIRef, str], URIRef] = {}
        self.endpoint_count = 0
        self.population: URIRef | None = None

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
        return list(self.made)

    def _source(self) -> None:
        study, src = self.study, self.src
        title = _one_line((study.brief_title or study.official_title or study.nct_id).text)
        self.add(src, RDF.type, KGO.Source)
        self.words(src, DCTERMS.title, f"{title} ({self.nct})" if title != self.nct else title)
        self.add(src, KGO.url, URIRef(registry_url(self.nct)))
        self.add(src, KGO.sourceKind, KGO.RegistryRecord)
        self.add(src, DCTERMS.publisher, PUBLISHER)
        self.add(PUBLISHER, RDF.type, KGO.Publisher)
        if study.last_update is not None:
            self.add(src, KGO.date, self.date(study.last_update))
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
                id_kind is None and _EUDRACT.fullmatch(secondary.id.text) is not None
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
            node = KGR[f"condition-{slug(condition.text)}"]
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
        node = KGR[f"{self.nct}-enrollment"]
        self.add(node, RDF.type, KGO.Enrollment)
        self.add(node, KGO["count"], Literal(int(enrollment.count.text)))
        self.add(node, KGO.countKind, kind)
        self.add(node, PROV.wasDerivedFrom, self.src)
        self.add(self.trial, KGO.enrollment, node)

    def _arms(self) -> None:
        roles = set()
        for number, arm in enumerate(self.study.arms, 1):
            node = KGR[f"{self.nct}-arm-{number}"]
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
                therapy = next(
                    (t for n in intervention.names if (t := self.therapies.get(n.casefold()))), None
                )
                if therapy is not None:
                    self.add(node, KGO.intervention, therapy)
                    if role == KGO.ExperimentalArm:
                        self.add(self.trial, KGO.tests, therapy)
            self.add(node, PROV.wasDerivedFrom, self.src)
            self.add(self.trial, KGO.arm, node)
            self.arms.setdefault(_arm_key(arm.label.text), (node, role))
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
        """Add an endpoint and index it by role and measure."""
        self.endpoint_count += 1
        node = KGR[f"{self.nct}-ep-{self.endpoint_count}"]
        self.add(node, RDF.type, KGO.Endpoint)
        self.words(node, RDFS.label, _one_line(measure.text))
        self.add(node, KGO.endpointRole, role)
        if time_frame is not None:
            self.words(node, KGO.timePoint, _one_line(time_frame.text), lang=False)
        self.words(node, RDFS.comment, description)
        self.add(node, PROV.wasDerivedFrom, self.src)
        self.add(self.trial, KGO.endpoint, node)
        self.endpoints.setdefault((role, _key(measure.text)), node)
        return node

    # --- results --------------------------------------------------------------------------

    def _results(self) -> None:
        for number, measure in enumerate(self.study.results, 1):
            status = measure.reporting_status
            if status is None or status.text != "NOT_POSTED":
                self._measure(f"{self.nct}-res-{number}", measure)

    def _measure(self, base: str, measure: OutcomeResult) -> None:
        """Add the results of one posted outcome measure: one per analysis, or descriptive."""
        role = self.coded(KGO.EndpointRole, measure.role, "outcome type")
        endpoint = self.endpoints.get((role, _key(measure.title.text)))
        if endpoint is None:  # posted without having been registered (or renamed)
            endpoint = self.endpoint(role, measure.title, measure.time_frame, measure.description)
        kind = KGO.PreSpecifiedAnalysis
        if role == KGO.NotPreSpecifiedEndpoint:
            kind = KGO.PostHocAnalysis
        title = _one_line(measure.title.text)
        single_row = len(measure.rows) <= 1
        groups = {group.id for group in measure.groups}
        for index, analysis in enumerate(measure.analyses, 1):
            label = title
            if len(measure.analyses) > 1:
                label = f"{title} (analysis {index} of {len(measure.analyses)})"
                note = analysis.group_description
                if note is not None and len(note.text) <= 100:
                    label = f"{label[:-1]}: {_one_line(note.text)})"
            node = self.result(KGR[f"{base}-analysis-{index}"], label, endpoint, kind)
            self.statistics(node, analysis)
            if single_row:
                known = [group for group in analysis.group_ids if group in groups]
                self.group_values(node, measure, known or None, measure.rows[:1])
        if single_row and not measure.analyses:
            node = self.result(KGR[base], title, endpoint, kind)
            self.add(node, KGO.verdict, KGO.Descriptive)
            self.group_values(node, measure, None, measure.rows)
        elif not single_row:
            for index, row in enumerate(measure.rows, 1):
                label = f"{title} — {_one_line(row.title) if row.title else f'row {index}'}"
                node = self.result(KGR[f"{base}-row-{index}"], label, endpoint, kind)
                self.add(node, KGO.verdict, KGO.Descriptive)
                self.group_values(node, measure, None, (row,))

    def result(self, node: URIRef, label: str, endpoint: URIRef, kind: URIRef) -> URIRef:
        """Add the parts every result has."""
        if self.population is None:
            self.population = KGR[f"{self.nct}-pop-overall"]
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

    def statistics(self, node: URIRef, analysis: Analysis) -> None:
        """Add an analysis's p-value, estimate, interval, method and verdict."""
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
        self.add(node, KGO.verdict, verdict(p_value, interval, sides, null))

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
        for group in groups:
            node = KGR[f"{local_name(result)}-{slug(group.id)}"]
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
        """Add a sponsor or collaborator as an organisation node and return it."""
        node = KGR[f"org-ctgov-{slug(sponsor.name.text)}"]
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
