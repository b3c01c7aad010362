"""Read a ClinicalTrials.gov API v2 study record (parsed JSON) into a format-neutral Study."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

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

__all__ = [
    "JSON_FORMAT",
    "parse_json_study",
]

#: How a study read by :func:`parse_json_study` names its format.
JSON_FORMAT = "ClinicalTrials.gov API v2 JSON"

_OUTCOME_LISTS = (
    ("primaryOutcomes", "PRIMARY"),
    ("secondaryOutcomes", "SECONDARY"),
    ("otherOutcomes", "OTHER_PRE_SPECIFIED"),
)

#: A UTF-16 surrogate on its own: JSON's \ud800 escape parses to it, but it is not a
#: character, so no RDF literal and no UTF-8 file can hold it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json_study(record: Mapping[str, Any], *, source: str) -> Study:
    """Read one API v2 study record into a :class:`~kg.importers.ctgov.model.Study`.

    :param record: The parsed JSON of one study (the object with ``protocolSection``).
    :param source: The file name (or another label) that errors name.
    :returns: The study, with every value's path inside the record.
    :raises InputError: If the protocol section or the NCT id is missing, or a field has the
        wrong JSON type. Values are not checked here; the mapper checks them.

    >>> study = parse_json_study({"protocolSection": {
    ...     "identificationModule": {"nctId": "NCT00000001", "briefTitle": "A trial"},
    ...     "designModule": {"phases": ["PHASE2"]}}}, source="x.json")
    >>> study.nct_id.text, [(v.text, v.path) for v in study.phases]
    ('NCT00000001', [('PHASE2', 'protocolSection.designModule.phases[0]')])
    >>> parse_json_study({"hasResults": False}, source="x.json")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: x.json: protocolSection: missing (not a ClinicalTrials.gov API v2 study record)
    """  # noqa: E501
    return _Reader(source).study(record)


class _Reader:
    """Typed access to the JSON, raising :class:`InputError` with the path of bad fields."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, detail: str) -> InputError:
        """Make the error for a bad field."""
        return InputError(self.source, f"{path}: {detail}")

    # --- typed getters --------------------------------------------------------------------

    def obj(self, parent: Mapping[str, Any] | None, path: str, key: str) -> Mapping[str, Any]:
        """Return ``parent[key]`` as an object (empty if missing)."""
        if parent is None:
            return {}
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(_join(path, key), f"expected an object, got {_kind(value)}")
        return value

    def items(
        self, parent: Mapping[str, Any], path: str, key: str
    ) -> list[tuple[Mapping[str, Any], str]]:
        """Return the objects of the list ``parent[key]``, each with its path."""
        return [
            (item, item_path)
            for item, item_path in self.values(parent, path, key)
            if self._is_object(item, item_path)
        ]

    def values(self, parent: Mapping[str, Any], path: str, key: str) -> list[tuple[Any, str]]:
        """Return the elements of the list ``parent[key]`` (empty if missing), with paths."""
        value = parent.get(key)
        if value is None:
            return []
        where = _join(path, key)
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.fail(where, f"expected a list, got {_kind(value)}")
        return [(item, f"{where}[{index}]") for index, item in enumerate(value)]

    def text(self, parent: Mapping[str, Any], path: str, key: str) -> Value | None:
        """Return ``parent[key]`` as a stripped :class:`Value` (``None`` if missing or blank)."""
        return self._text(parent.get(key), _join(path, key))

    def texts(self, parent: Mapping[str, Any], path: str, key: str) -> tuple[Value, ...]:
        """Return the list of strings ``parent[key]`` as values, blanks dropped."""
        found = (self._text(item, item_path) for item, item_path in self.values(parent, path, key))
        return tuple(value for value in found if value is not None)

    def required(self, parent: Mapping[str, Any], path: str, key: str) -> Value:
        """Return ``parent[key]`` as a value, or fail if it is missing."""
        value = self.text(parent, path, key)
        if value is None:
            raise self.fail(_join(path, key), "missing")
        return value

    def date(self, parent: Mapping[str, Any], path: str, key: str) -> DateValue | None:
        """Return a ``{date, type}`` struct as a :class:`DateValue`."""
        struct = self.obj(parent, path, key)
        where = _join(path, key)
        date = self.text(struct, where, "date")
        return None if date is None else DateValue(date, self.text(struct, where, "type"))

    def _text(self, value: Any, path: str) -> Value | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(path, f"expected text, got {_kind(value)}")
        text = str(value).strip()
        surrogate = _LONE_SURROGATE.search(text)
        if surrogate:
            code = f"\\u{ord(surrogate.group()):04x}"
            raise self.fail(path, f"holds {code}, a lone surrogate escape, not a character")
        return Value(text, path) if text else None

    def _is_object(self, item: Any, path: str) -> bool:
        if not isinstance(item, Mapping):
            raise self.fail(path, f"expected an object, got {_kind(item)}")
        return True

    # --- the record -----------------------------------------------------------------------

    def study(self, record: Mapping[str, Any]) -> Study:
        """Read the whole record."""
        if not isinstance(record, Mapping):
            raise self.fail("(top level)", f"expected a study object, got {_kind(record)}")
        if "FullStudiesResponse" in record or "FullStudy" in record or "Study" in record:
            raise self.fail(
                "(top level)",
                "this is the retired API v1 format (FullStudiesResponse); "
                "download the record from API v2",
            )
        if record.get("protocolSection") is None:
            raise self.fail(
                "protocolSection", "missing (not a ClinicalTrials.gov API v2 study record)"
            )
        protocol = self.obj(record, "", "protocolSection")
        p = "protocolSection"
        ident_path = f"{p}.identificationModule"
        ident = self.obj(protocol, p, "identificationModule")
        status_path = f"{p}.statusModule"
        status = self.obj(protocol, p, "statusModule")
        design_path = f"{p}.designModule"
        design = self.obj(protocol, p, "designModule")
        info_path = f"{design_path}.designInfo"
        info = self.obj(design, design_path, "designInfo")
        sponsors_path = f"{p}.sponsorCollaboratorsModule"
        sponsors = self.obj(protocol, p, "sponsorCollaboratorsModule")
        lead = self.obj(sponsors, sponsors_path, "leadSponsor")
        enrollment = self.obj(design, design_path, "enrollmentInfo")
        locations = self.values(
            self.obj(protocol, p, "contactsLocationsModule"),
            f"{p}.contactsLocationsModule",
            "locations",
        )
        return Study(
            nct_id=self.required(ident, ident_path, "nctId"),
            record_format=JSON_FORMAT,
            brief_title=self.text(ident, ident_path, "briefTitle"),
            official_title=self.text(ident, ident_path, "officialTitle"),
            acronym=self.text(ident, ident_path, "acronym"),
            org_study_id=self.text(
                self.obj(ident, ident_path, "orgStudyIdInfo"), f"{ident_path}.orgStudyIdInfo", "id"
            ),
            secondary_ids=tuple(
                SecondaryId(self.required(item, path, "id"), self.text(item, path, "type"))
                for item, path in self.items(ident, ident_path, "secondaryIdInfos")
            ),
            overall_status=self.text(status, status_path, "overallStatus"),
            status_verified=self.text(status, status_path, "statusVerifiedDate"),
            why_stopped=self.text(status, status_path, "whyStopped"),
            start=self.date(status, status_path, "startDateStruct"),
            primary_completion=self.date(status, status_path, "primaryCompletionDateStruct"),
            completion=self.date(status, status_path, "completionDateStruct"),
            last_update=self._last_update(status, status_path),
            lead_sponsor=(
                None
                if self.text(lead, f"{sponsors_path}.leadSponsor", "name") is None
                else self._sponsor(lead, f"{sponsors_path}.leadSponsor")
            ),
            collaborators=tuple(
                self._sponsor(item, path)
                for item, path in self.items(sponsors, sponsors_path, "collaborators")
            ),
            conditions=self.texts(
                self.obj(protocol, p, "conditionsModule"), f"{p}.conditionsModule", "conditions"
            ),
            study_type=self.text(design, design_path, "studyType"),
            phases=self.texts(design, design_path, "phases"),
            allocation=self.text(info, info_path, "allocation"),
            masking=self.text(
                self.obj(info, info_path, "maskingInfo"), f"{info_path}.maskingInfo", "masking"
            ),
            intervention_model=self.text(info, info_path, "interventionModel"),
            primary_purpose=self.text(info, info_path, "primaryPurpose"),
            observational_model=self.text(info, info_path, "observationalModel"),
            time_perspective=self.text(info, info_path, "timePerspective"),
            enrollment=self._enrollment(enrollment, f"{design_path}.enrollmentInfo"),
            arms=self._arms(protocol, f"{p}.armsInterventionsModule"),
            outcomes=self._outcomes(protocol, f"{p}.outcomesModule"),
            site_count=len(locations),
            results=self._results(record),
        )

    def _last_update(self, status: Mapping[str, Any], path: str) -> Value | None:
        posted = self.date(status, path, "lastUpdatePostDateStruct")
        if posted is not None:
            return posted.date
        return self.text(status, path, "lastUpdateSubmitDate")

    def _sponsor(self, item: Mapping[str, Any], path: str) -> Sponsor:
        return Sponsor(self.required(item, path, "name"), self.text(item, path, "class"))

    def _enrollment(self, info: Mapping[str, Any], path: str) -> Enrollment | None:
        count = self.text(info, path, "count")
        return None if count is None else Enrollment(count, self.text(info, path, "type"))

    def _arms(self, protocol: Mapping[str, Any], path: str) -> tuple[Arm, ...]:
        module = self.obj(protocol, "protocolSection", "armsInterventionsModule")
        interventions = [
            (
                self.required(item, item_path, "name").text,
                self.text(item, item_path, "type"),
                tuple(v.text for v in self.texts(item, item_path, "otherNames")),
                {v.text.casefold() for v in self.texts(item, item_path, "armGroupLabels")},
            )
            for item, item_path in self.items(module, path, "interventions")
        ]
        by_name = {name.casefold(): (name, others) for name, _, others, _ in interventions}
        arms = []
        for item, item_path in self.items(module, path, "armGroups"):
            label = self.required(item, item_path, "label")
            refs: list[InterventionRef] = []
            seen: set[str] = set()
            for display in self.texts(item, item_path, "interventionNames"):
                name = display.text.split(":", 1)[-1].strip()
                known = by_name.get(name.casefold())
                names = (known[0], *known[1]) if known else (name,)
                refs.append(InterventionRef(display.text, names))
                seen.add(names[0].casefold())
            for name, kind, others, arm_labels in interventions:
                if label.text.casefold() in arm_labels and name.casefold() not in seen:
                    words = kind.text.replace("_", " ").title() if kind else "Intervention"
                    refs.append(InterventionRef(f"{words}: {name}", (name, *others)))
                    seen.add(name.casefold())
            arms.append(
                Arm(
                    label=label,
                    type=self.text(item, item_path, "type"),
                    description=self.text(item, item_path, "description"),
                    interventions=tuple(refs),
                )
            )
        return tuple(arms)

    def _outcomes(self, protocol: Mapping[str, Any], path: str) -> tuple[Outcome, ...]:
        module = self.obj(protocol, "protocolSection", "outcomesModule")
        return tuple(
            Outcome(
                role=Value(role, item_path),
                measure=self.required(item, item_path, "measure"),
                time_frame=self.text(item, item_path, "timeFrame"),
                description=self.text(item, item_path, "description"),
            )
            for key, role in _OUTCOME_LISTS
            for item, item_path in self.items(module, path, key)
        )

    def _results(self, record: Mapping[str, Any]) -> tuple[OutcomeResult, ...]:
        results = self.obj(record, "", "resultsSection")
        path = "resultsSection.outcomeMeasuresModule"
        module = self.obj(results, "resultsSection", "outcomeMeasuresModule")
        return tuple(
            self._outcome_result(item, item_path)
            for item, item_path in self.items(module, path, "outcomeMeasures")
        )

    def _outcome_result(self, item: Mapping[str, Any], path: str) -> OutcomeResult:
        participants: list[tuple[str, Value]] = []
        for denom, denom_path in self.items(item, path, "denoms"):
            units = self.text(denom, denom_path, "units")
            if units is None or units.text.casefold() != "participants":
                continue
            for count, count_path in self.items(denom, denom_path, "counts"):
                group = self.text(count, count_path, "groupId")
                value = self.text(count, count_path, "value")
                if group is not None and value is not None:
                    participants.append((group.text, value))
            break
        return OutcomeResult(
            path=path,
            role=self.required(item, path, "type"),
            title=self.required(item, path, "title"),
            time_frame=self.text(item, path, "timeFrame"),
            description=self.text(item, path, "description"),
            reporting_status=self.text(item, path, "reportingStatus"),
            param_type=self.text(item, path, "paramType"),
            unit=self.text(item, path, "unitOfMeasure"),
            groups=tuple(
                Group(
                    id=self.required(group, group_path, "id").text,
                    title=self.required(group, group_path, "title"),
                    description=self.text(group, group_path, "description"),
                )
                for group, group_path in self.items(item, path, "groups")
            ),
            participants=tuple(participants),
            rows=self._rows(item, path),
            analyses=tuple(
                self._analysis(analysis, analysis_path)
                for analysis, analysis_path in self.items(item, path, "analyses")
            ),
        )

    def _rows(self, item: Mapping[str, Any], path: str) -> tuple[Row, ...]:
        rows = []
        for klass, class_path in self.items(item, path, "classes"):
            class_title = self.text(klass, class_path, "title")
            for category, category_path in self.items(klass, class_path, "categories"):
                category_title = self.text(category, category_path, "title")
                titles = [v.text for v in (class_title, category_title) if v is not None]
                measurements = tuple(
                    Measurement(
                        self.required(m, m_path, "groupId").text, self.text(m, m_path, "value")
                    )
                    for m, m_path in self.items(category, category_path, "measurements")
                )
                rows.append(Row(" — ".join(titles) or None, measurements))
        return tuple(rows)

    def _analysis(self, item: Mapping[str, Any], path: str) -> Analysis:
        return Analysis(
            path=path,
            group_ids=tuple(v.text for v in self.texts(item, path, "groupIds")),
            p_value=self.text(item, path, "pValue"),
            method=self.text(item, path, "statisticalMethod"),
            param_type=self.text(item, path, "paramType"),
            param_value=self.text(item, path, "paramValue"),
            ci_percent=self.text(item, path, "ciPctValue"),
            ci_sides=self.text(item, path, "ciNumSides"),
            ci_lower=self.text(item, path, "ciLowerLimit"),
            ci_upper=self.text(item, path, "ciUpperLimit"),
            group_description=self.text(item, path, "groupDescription"),
            estimate_comment=self.text(item, path, "estimateComment"),
        )


def _join(path: str, key: str) -> str:
    """Append a key to a dotted path."""
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    """Name a JSON value's type the way JSON does."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "a list"
    return type(value).__name__
