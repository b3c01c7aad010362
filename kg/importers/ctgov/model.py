"""The format-neutral form of a ClinicalTrials.gov record that both record parsers produce.

The JSON (API v2) and the legacy XML parser each read a record into a :class:`Study`; one
mapper (:mod:`kg.importers.ctgov.rdf`) turns a :class:`Study` into RDF. Every value that the
mapper may reject carries the path where it was read, so an error can name it. Enumerations
hold the API v2 code (``PHASE1``, ``ACTUAL``, ``PLACEBO_COMPARATOR``...), whatever the format.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Analysis",
    "Arm",
    "DateValue",
    "Enrollment",
    "Group",
    "InterventionRef",
    "Measurement",
    "Outcome",
    "OutcomeResult",
    "Row",
    "SecondaryId",
    "Sponsor",
    "Study",
    "Value",
]


@dataclass(frozen=True)
class Value:
    """A string read from a record, with the path it was read from.

    :param text: The value, stripped; enumerations are API v2 codes.
    :param path: Where in the record it was read, for example
        ``protocolSection.designModule.phases[0]`` or ``clinical_study/phase``.

    >>> Value("PHASE2", "protocolSection.designModule.phases[0]").text
    'PHASE2'
    """

    text: str
    path: str


@dataclass(frozen=True)
class DateValue:
    """A registry date and its type (``ACTUAL``, ``ESTIMATED``, or none given)."""

    date: Value
    type: Value | None = None


@dataclass(frozen=True)
class SecondaryId:
    """A secondary identifier and its kind (``EUDRACT_NUMBER``, ``NIH``, ``REGISTRY``...)."""

    id: Value
    kind: Value | None = None


@dataclass(frozen=True)
class Sponsor:
    """A lead sponsor or collaborator and its agency class (``INDUSTRY``, ``NIH``...)."""

    name: Value
    agency_class: Value | None = None


@dataclass(frozen=True)
class Enrollment:
    """The enrollment count and its type (``ACTUAL`` or ``ESTIMATED``)."""

    count: Value
    type: Value | None = None


@dataclass(frozen=True)
class InterventionRef:
    """An intervention given in an arm.

    :param display: The registry's ``Type: Name`` form, for example ``Drug: Dupilumab``.
    :param names: The intervention's name followed by its other names.
    """

    display: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Arm:
    """An arm (arm group) of the study."""

    label: Value
    type: Value | None = None
    description: Value | None = None
    interventions: tuple[InterventionRef, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """A registered outcome: role (``PRIMARY``, ``SECONDARY``, ``OTHER_PRE_SPECIFIED``)."""

    role: Value
    measure: Value
    time_frame: Value | None = None
    description: Value | None = None


@dataclass(frozen=True)
class Group:
    """A group of a posted outcome measure (``OG000`` in JSON, ``O1`` in XML)."""

    id: str
    title: Value
    description: Value | None = None


@dataclass(frozen=True)
class Measurement:
    """The value one group has in one row of a posted outcome measure."""

    group_id: str
    value: Value | None = None


@dataclass(frozen=True)
class Row:
    """One row (class and category) of a posted outcome measure; untitled if it is the only one."""

    title: str | None
    measurements: tuple[Measurement, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """A statistical analysis of a posted outcome measure, as registered (strings unparsed)."""

    path: str
    group_ids: tuple[str, ...] = ()
    p_value: Value | None = None
    method: Value | None = None
    param_type: Value | None = None
    param_value: Value | None = None
    ci_percent: Value | None = None
    ci_sides: Value | None = None
    ci_lower: Value | None = None
    ci_upper: Value | None = None
    group_description: Value | None = None
    estimate_comment: Value | None = None


@dataclass(frozen=True)
class OutcomeResult:
    """A posted outcome measure: groups, per-group rows and participants, and analyses."""

    path: str
    role: Value
    title: Value
    time_frame: Value | None = None
    description: Value | None = None
    reporting_status: Value | None = None
    param_type: Value | None = None
    unit: Value | None = None
    groups: tuple[Group, ...] = ()
    participants: tuple[tuple[str, Value], ...] = ()
    rows: tuple[Row, ...] = ()
    analyses: tuple[Analysis, ...] = ()


@dataclass(frozen=True)
class Study:
    """A whole ClinicalTrials.gov record, in the form the mapper reads.

    :param nct_id: The NCT number.
    :param record_format: A short description of the format read, kept on the source node
        (for example ``"ClinicalTrials.gov API v2 JSON"``).
    """

    nct_id: Value
    record_format: str
    brief_title: Value | None = None
    official_title: Value | None = None
    acronym: Value | None = None
    org_study_id: Value | None = None
    secondary_ids: tuple[SecondaryId, ...] = ()
    overall_status: Value | None = None
    status_verified: Value | None = None
    why_stopped: Value | None = None
    start: DateValue | None = None
    primary_completion: DateValue | None = None
    completion: DateValue | None = None
    last_update: Value | None = None
    lead_sponsor: Sponsor | None = None
    collaborators: tuple[Sponsor, ...] = ()
    conditions: tuple[Value, ...] = ()
    study_type: Value | None = None
    phases: tuple[Value, ...] = ()
    allocation: Value | None = None
    masking: Value | None = None
    intervention_model: Value | None = None
    primary_purpose: Value | None = None
    observational_model: Value | None = None
    time_perspective: Value | None = None
    enrollment: Enrollment | None = None
    arms: tuple[Arm, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    site_count: int = 0
    results: tuple[OutcomeResult, ...] = ()
