"""Read a legacy ClinicalTrials.gov XML record (``<clinical_study>``) into a format-neutral Study.

The classic site's XML writes enumerations in words ("Phase 1/Phase 2", "Active, not
recruiting", "Anticipated") and dates in English ("September 26, 2012"); this module turns
them into the API v2 codes and ISO dates that the mapper expects, keeping the XML path of
every value so that errors can name it.
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError, fromstring

from kg.errors import InputError
from kg.importers.ctgov.model import (
    Analysis,
    Arm,
    DateValue,
    Enrollment,
    Group,
    InterventionRef,
    Measurement,
    Outcome,
    OutcomeResult,
    Row,
    SecondaryId,
    Sponsor,
    Study,
    Value,
)
from kg.importers.limits import check_xml

__all__ = [
    "XML_FORMAT",
    "parse_xml",
    "parse_xml_study",
]

#: How a study read by :func:`parse_xml_study` names its format.
XML_FORMAT = "ClinicalTrials.gov legacy XML"

_ROOT = "clinical_study"
_OUTCOME_TAGS = (
    ("primary_outcome", "PRIMARY"),
    ("secondary_outcome", "SECONDARY"),
    ("other_outcome", "OTHER_PRE_SPECIFIED"),
)
# Classic-site words whose generic code (upper case, '_' between words) is not the v2 code.
_ALIASES = {
    "N_A": "NA",
    "UNKNOWN_STATUS": "UNKNOWN",
    "OBSERVATIONAL_PATIENT_REGISTRY": "OBSERVATIONAL",
    "ANTICIPATED": "ESTIMATED",
    "ESTIMATE": "ESTIMATED",
    "OPEN_LABEL": "NONE",
    "NONE_OPEN_LABEL": "NONE",
    "2_SIDED": "TWO_SIDED",
    "1_SIDED": "ONE_SIDED",
    "U_S_FED": "FED",
    "INDIVIDUAL": "INDIV",
}
_BLINDS = {"SINGLE_BLIND": "SINGLE", "DOUBLE_BLIND": "DOUBLE", "TRIPLE_BLIND": "TRIPLE"}


def parse_xml(content: str | bytes, *, source: str) -> Element:
    """Parse the text of a legacy XML record, refusing DTDs and other roots.

    :param content: The file's content.
    :param source: The file name (or another label) that errors name.
    :returns: The ``<clinical_study>`` element.
    :raises InputError: If the text is not well-formed XML (with the line), declares a DTD
        (entity expansion is never needed for these records), or is not a ``clinical_study``.

    >>> parse_xml("<clinical_study/>", source="x.xml").tag
    'clinical_study'
    >>> parse_xml("<clinical_study>", source="x.xml")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: x.xml, line 1: XML syntax error: no element found: line 1, column 16
    """
    raw = content.encode("utf-8") if isinstance(content, str) else content
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise InputError(source, "XML with a DTD (<!DOCTYPE> or <!ENTITY>) is not accepted")
    check_xml(raw, source=source)  # size and depth, before the tree is built
    try:
        root = fromstring(raw)  # noqa: S314 - no DTD (checked above), so no entity expansion
    except ParseError as error:
        line = error.position[0] if error.position else None
        raise InputError(source, f"XML syntax error: {error}", line=line) from None
    if root.tag != _ROOT:
        raise InputError(
            source,
            f"<{root.tag}>: not a ClinicalTrials.gov record (expected <{_ROOT}>)",
        )
    return root


def parse_xml_study(root: Element, *, source: str) -> Study:
    """Read a ``<clinical_study>`` element into a :class:`~kg.importers.ctgov.model.Study`.

    :param root: The record's root element (see :func:`parse_xml`).
    :param source: The file name (or another label) that errors name.
    :returns: The study; enumerations turned into API v2 codes, dates into ISO form.
    :raises InputError: If the NCT id or another required element is missing.

    >>> root = parse_xml('''<clinical_study>
    ...   <id_info><nct_id>NCT00000001</nct_id></id_info>
    ...   <phase>Phase 1/Phase 2</phase>
    ...   <start_date type="Actual">September 26, 2012</start_date>
    ... </clinical_study>''', source="x.xml")
    >>> study = parse_xml_study(root, source="x.xml")
    >>> [v.text for v in study.phases], study.start.date.text, study.start.type.text
    (['PHASE1', 'PHASE2'], '2012-09-26', 'ACTUAL')
    """
    return _Reader(source).study(root)


class _Reader:
    """Reads elements into values, with XPath-like paths (1-based positions)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, detail: str) -> InputError:
        """Make the error for a bad element."""
        return InputError(self.source, f"{path}: {detail}")

    def children(self, parent: Element, path: str, tag: str) -> list[tuple[Element, str]]:
        """Return the children with a tag, each with its path (``tag[n]`` when repeated)."""
        found = parent.findall(tag)
        if len(found) == 1:
            return [(found[0], f"{path}/{tag}")]
        return [(child, f"{path}/{tag}[{n}]") for n, child in enumerate(found, 1)]

    def child(self, parent: Element | None, path: str, tag: str) -> tuple[Element | None, str]:
        """Return the first child with a tag (or ``None``) and its path."""
        return (None if parent is None else parent.find(tag)), f"{path}/{tag}"

    def text(self, parent: Element | None, path: str, tag: str) -> Value | None:
        """Return a child's text as a stripped value (``None`` if missing or blank)."""
        element, where = self.child(parent, path, tag)
        return _value(element, where)

    def texts(self, parent: Element, path: str, tag: str) -> tuple[Value, ...]:
        """Return the texts of repeated children, blanks dropped."""
        found = (_value(child, where) for child, where in self.children(parent, path, tag))
        return tuple(value for value in found if value is not None)

    def code(self, parent: Element | None, path: str, tag: str) -> Value | None:
        """Return a child's text as an API v2 code."""
        value = self.text(parent, path, tag)
        return None if value is None else Value(_code(value.text), value.path)

    def required(self, parent: Element, path: str, tag: str) -> Value:
        """Return a child's text, or fail if it is missing."""
        value = self.text(parent, path, tag)
        if value is None:
            raise self.fail(f"{path}/{tag}", "missing")
        return value

    def date(self, parent: Element, path: str, tag: str) -> DateValue | None:
        """Return a dated child (``<start_date type="Actual">…``) with an ISO date."""
        element, where = self.child(parent, path, tag)
        value = _value(element, where)
        if element is None or value is None:
            return None
        kind = element.get("type")
        return DateValue(
            Value(_iso_date(value.text), where),
            None if not kind else Value(_code(kind), f"{where}/@type"),
        )

    # --- the record -----------------------------------------------------------------------

    def study(self, root: Element) -> Study:
        """Read the whole record."""
        p = _ROOT
        ids, ids_path = self.child(root, p, "id_info")
        if ids is None:
            raise self.fail(ids_path, "missing (no NCT id)")
        sponsors, sponsors_path = self.child(root, p, "sponsors")
        design, design_path = self.child(root, p, "study_design_info")
        masking = self.text(design, design_path, "masking")
        return Study(
            nct_id=self.required(ids, ids_path, "nct_id"),
            record_format=XML_FORMAT,
            brief_title=self.text(root, p, "brief_title"),
            official_title=self.text(root, p, "official_title"),
            acronym=self.text(root, p, "acronym"),
            org_study_id=self.text(ids, ids_path, "org_study_id"),
            secondary_ids=tuple(
                SecondaryId(value) for value in self.texts(ids, ids_path, "secondary_id")
            ),
            overall_status=self.code(root, p, "overall_status"),
            status_verified=self._iso(self.text(root, p, "verification_date")),
            why_stopped=self.text(root, p, "why_stopped"),
            start=self.date(root, p, "start_date"),
            primary_completion=self.date(root, p, "primary_completion_date"),
            completion=self.date(root, p, "completion_date"),
            last_update=self._iso(
                self.text(root, p, "last_update_posted") or self.text(root, p, "lastchanged_date")
            ),
            lead_sponsor=self._sponsor(*self.child(sponsors, sponsors_path, "lead_sponsor")),
            collaborators=tuple(
                sponsor
                for element, where in (
                    self.children(sponsors, sponsors_path, "collaborator")
                    if sponsors is not None
                    else []
                )
                if (sponsor := self._sponsor(element, where)) is not None
            ),
            conditions=self.texts(root, p, "condition"),
            study_type=self.code(root, p, "study_type"),
            phases=self._phases(root, p),
            allocation=self.code(design, design_path, "allocation"),
            masking=None if masking is None else Value(_masking(masking.text), masking.path),
            intervention_model=self.code(design, design_path, "intervention_model"),
            primary_purpose=self.code(design, design_path, "primary_purpose"),
            observational_model=self.code(design, design_path, "observational_model"),
            time_perspective=self.code(design, design_path, "time_perspective"),
            enrollment=self._enrollment(root, p),
            arms=self._arms(root, p),
            outcomes=tuple(
                Outcome(
                    role=Value(role, where),
                    measure=self.required(element, where, "measure"),
                    time_frame=self.text(element, where, "time_frame"),
                    description=self.text(element, where, "description"),
                )
                for tag, role in _OUTCOME_TAGS
                for element, where in self.children(root, p, tag)
            ),
            site_count=len(root.findall("location")),
            results=self._results(root, p),
        )

    def _iso(self, value: Value | None) -> Value | None:
        return None if value is None else Value(_iso_date(value.text), value.path)

    def _phases(self, root: Element, path: str) -> tuple[Value, ...]:
        phase = self.text(root, path, "phase")
        if phase is None:
            return ()
        return tuple(
            Value(re.sub(r"PHASE_(\d)", r"PHASE\1", _code(part)), phase.path)
            for part in phase.text.split("/")
            if part.strip()
        )

    def _sponsor(self, element: Element | None, path: str) -> Sponsor | None:
        if element is None:
            return None
        name = self.text(element, path, "agency")
        if name is None:
            return None
        return Sponsor(name, self.code(element, path, "agency_class"))

    def _enrollment(self, root: Element, path: str) -> Enrollment | None:
        element, where = self.child(root, path, "enrollment")
        count = _value(element, where)
        if element is None or count is None:
            return None
        kind = element.get("type")
        return Enrollment(count, None if not kind else Value(_code(kind), f"{where}/@type"))

    def _arms(self, root: Element, path: str) -> tuple[Arm, ...]:
        interventions = []
        for element, where in self.children(root, path, "intervention"):
            name = self.required(element, where, "intervention_name").text
            kind = self.text(element, where, "intervention_type")
            others = tuple(v.text for v in self.texts(element, where, "other_name"))
            labels = {v.text.casefold() for v in self.texts(element, where, "arm_group_label")}
            display = f"{kind.text if kind else 'Intervention'}: {name}"
            interventions.append((InterventionRef(display, (name, *others)), labels))
        return tuple(
            Arm(
                label=(label := self.required(element, where, "arm_group_label")),
                type=self.code(element, where, "arm_group_type"),
                description=self.text(element, where, "description"),
                interventions=tuple(
                    ref for ref, labels in interventions if label.text.casefold() in labels
                ),
            )
            for element, where in self.children(root, path, "arm_group")
        )

    def _results(self, root: Element, path: str) -> tuple[OutcomeResult, ...]:
        results, results_path = self.child(root, path, "clinical_results")
        outcomes, outcomes_path = self.child(results, results_path, "outcome_list")
        if outcomes is None:
            return ()
        return tuple(
            self._outcome_result(element, where)
            for element, where in self.children(outcomes, outcomes_path, "outcome")
        )

    def _outcome_result(self, outcome: Element, path: str) -> OutcomeResult:
        measure, measure_path = self.child(outcome, path, "measure")
        groups_element, groups_path = self.child(outcome, path, "group_list")
        groups = (
            []
            if groups_element is None
            else [
                Group(
                    id=element.get("group_id", ""),
                    title=self.required(element, where, "title"),
                    description=self.text(element, where, "description"),
                )
                for element, where in self.children(groups_element, groups_path, "group")
            ]
        )
        analyses_element, analyses_path = self.child(outcome, path, "analysis_list")
        return OutcomeResult(
            path=path,
            role=self._required_code(outcome, path, "type"),
            title=self.required(outcome, path, "title"),
            time_frame=self.text(outcome, path, "time_frame"),
            description=self.text(outcome, path, "description"),
            reporting_status=None,
            param_type=self.code(measure, measure_path, "param"),
            unit=self.text(measure, measure_path, "units"),
            groups=tuple(groups),
            participants=self._participants(measure, measure_path),
            rows=self._rows(measure, measure_path),
            analyses=(
                ()
                if analyses_element is None
                else tuple(
                    self._analysis(element, where)
                    for element, where in self.children(analyses_element, analyses_path, "analysis")
                )
            ),
        )

    def _required_code(self, parent: Element, path: str, tag: str) -> Value:
        value = self.required(parent, path, tag)
        return Value(_code(value.text), value.path)

    def _participants(self, measure: Element | None, path: str) -> tuple[tuple[str, Value], ...]:
        if measure is None:
            return ()
        for analyzed in measure.iterfind("analyzed_list/analyzed"):
            units = (analyzed.findtext("units") or "").strip()
            if units.casefold() != "participants":
                continue
            where = f"{path}/analyzed_list/analyzed/count_list/count"
            return tuple(
                (count.get("group_id", ""), Value(count.get("value", "").strip(), where))
                for count in analyzed.iterfind("count_list/count")
            )
        return ()

    def _rows(self, measure: Element | None, path: str) -> tuple[Row, ...]:
        if measure is None:
            return ()
        rows = []
        where = f"{path}/class_list/class/category_list/category/measurement_list/measurement"
        for klass in measure.iterfind("class_list/class"):
            class_title = (klass.findtext("title") or "").strip()
            for category in klass.iterfind("category_list/category"):
                category_title = (category.findtext("title") or "").strip()
                titles = [title for title in (class_title, category_title) if title]
                measurements = tuple(
                    Measurement(
                        m.get("group_id", ""),
                        Value(m.get("value", "").strip(), f"{where}/@value")
                        if m.get("value", "").strip()
                        else None,
                    )
                    for m in category.iterfind("measurement_list/measurement")
                )
                rows.append(Row(" — ".join(titles) or None, measurements))
        return tuple(rows)

    def _analysis(self, element: Element, path: str) -> Analysis:
        return Analysis(
            path=path,
            group_ids=tuple(
                (group.text or "").strip() for group in element.iterfind("group_id_list/group_id")
            ),
            p_value=self.text(element, path, "p_value"),
            method=self.text(element, path, "method"),
            param_type=self.text(element, path, "param_type"),
            param_value=self.text(element, path, "param_value"),
            ci_percent=self.text(element, path, "ci_percent"),
            ci_sides=self.code(element, path, "ci_n_sides"),
            ci_lower=self.text(element, path, "ci_lower_limit"),
            ci_upper=self.text(element, path, "ci_upper_limit"),
            group_description=self.text(element, path, "groups_desc"),
            estimate_comment=self.text(element, path, "estimate_desc"),
        )


def _value(element: Element | None, path: str) -> Value | None:
    """Return an element's whole text (``textblock`` children included), stripped."""
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return Value(text, path) if text else None


def _code(text: str) -> str:
    """Turn classic-site words into an API v2 code.

    >>> _code("Active, not recruiting"), _code("Other Pre-specified"), _code("N/A")
    ('ACTIVE_NOT_RECRUITING', 'OTHER_PRE_SPECIFIED', 'NA')
    """
    code = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")
    return _ALIASES.get(code, code)


def _masking(text: str) -> str:
    """Turn a classic masking ("Quadruple (Participant, ...)", "Double Blind") into a code.

    >>> _masking("Quadruple (Participant, Care Provider)"), _masking("None (Open Label)")
    ('QUADRUPLE', 'NONE')
    """
    code = _code(text.split("(", 1)[0]) or _code(text)
    return _BLINDS.get(code, code)


def _iso_date(text: str) -> str:
    """Turn "September 26, 2012" into "2012-09-26" and "November 2008" into "2008-11".

    Text in neither form is returned unchanged, for the mapper to judge.

    >>> _iso_date("September 26, 2012"), _iso_date("November 2008"), _iso_date("2019-09")
    ('2012-09-26', '2008-11', '2019-09')
    """
    for pattern, form in (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m")):
        try:
            return datetime.strptime(text, pattern).strftime(form)
        except ValueError:
            continue
    return text
