"""Find the curated entity a registry record's names and ids stand for, as a curator would.

A :class:`Resolver` indexes a target graph (usually the curated graph) once:

- **Trials** by NCT id; then, for curated trials without one, by another registry id
  (EudraCT numbers compared by their digits) and by acronym together with a therapy tested.
- **Organisations** by normalised name (:func:`org_key`: case, punctuation, "The" and legal
  suffixes such as "Inc." or "Pty Limited" ignored), over ``rdfs:label`` and ``skos:altLabel``.
- **Conditions** by normalised name, or by a curated name (10 characters or more) that the
  registry's condition contains as whole words ("Sporadic Amyotrophic Lateral Sclerosis").
- **Therapies** by label, generic, brand and code names and synonyms, trying the name as
  given, without trademark signs, doses and parenthesised parts, and the parenthesised part
  alone ("Masitinib (4.5)" is masitinib, "E0302 (mecobalamin)" is mecobalamin).

A name two entities share resolves to neither: that would be a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Graph, URIRef

from kg.namespaces import KGO

__all__ = [
    "Resolver",
    "TrialMatch",
    "arm_key",
    "name_key",
    "name_variants",
    "org_key",
    "registry_id_key",
]

_THERAPY_NAMES = (RDFS.label, KGO.genericName, KGO.brandName, KGO.codeName, SKOS.altLabel)
_ORG_CLASSES = (
    KGO.Organisation,
    KGO.Company,
    KGO.AcademicInstitution,
    KGO.AdvocacyOrganisation,
    KGO.RegulatoryAgency,
    KGO.Publisher,
)
_LEGAL = frozenset(
    "inc incorporated ltd limited co corp corporation llc plc pty gmbh ag sa spa srl as bv "
    "ab nv kk".split()
)
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|µg|ug|ml|iu|units?|%|mg/kg|mg/m2|cells)(?:/\w+)?\b",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*\([^()]*\)")
_EUDRACT = re.compile(r"\d{4}-\d{6}-\d{2}")
_MIN_CONTAINED = 10


def name_key(text: str) -> str:
    """Normalise a name for matching: accents, case, trademark signs and spacing ignored.

    "neurone" is read as "neuron", so British and American spellings of a disease match.

    >>> name_key("  NurOwn®  Cells ")
    'nurown cells'
    >>> name_key("Motor Neurone Disease") == name_key("motor neuron disease")
    True
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"\bneurone\b", "neuron", text.casefold())
    return " ".join(text.split())


def name_variants(text: str) -> list[str]:
    """Return the keys a therapy name may match, most literal first.

    >>> name_variants("Masitinib (4.5)")
    ['masitinib (4.5)', 'masitinib', '4.5']
    >>> name_variants("Riluzole 50 MG (Part B)")
    ['riluzole 50 mg (part b)', 'riluzole 50 mg', 'part b', 'riluzole']
    """
    found: dict[str, None] = {}
    whole = name_key(text)
    found[whole] = None
    bare = name_key(_PARENS.sub("", text))
    if bare:
        found[bare] = None
    for inner in re.findall(r"\(([^()]*)\)", text):
        if name_key(inner):
            found[name_key(inner)] = None
    undosed = name_key(_DOSE.sub("", _PARENS.sub("", text)))
    if undosed:
        found[undosed] = None
    return list(found)


def arm_key(text: str) -> str:
    """Normalise an arm's or group's title, ignoring a trailing note such as "(FAS)".

    >>> arm_key("Placebo (FAS)") == arm_key("placebo")
    True
    """
    return name_key(re.sub(r"(\s*\([^()]*\))+\s*$", "", text))


def org_key(text: str) -> str:
    """Normalise an organisation's name: punctuation, "The" and legal suffixes ignored.

    A parenthesised part (an acronym, a programme) is dropped too.

    >>> org_key("Amylyx Pharmaceuticals Inc.") == org_key("Amylyx Pharmaceuticals, Inc.")
    True
    >>> org_key("Brainstorm-Cell Therapeutics") == org_key("BrainStorm Cell Therapeutics Inc.")
    True
    >>> org_key("Fondazione I.R.C.C.S. Istituto Neurologico Carlo Besta")
    'fondazione irccs istituto neurologico carlo besta'
    >>> org_key("Collaborative Medicinal Development Pty Limited")
    'collaborative medicinal development'
    """
    text = name_key(_PARENS.sub("", text)).replace("&", " and ")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # I.R.C.C.S. -> IRCCS
    words = re.sub(r"[^a-z0-9]+", " ", text.replace(".", "")).split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL:
        words = words[:-1]
    return " ".join(words)


def registry_id_key(text: str) -> str:
    """Normalise a registry id: a EudraCT number by its digits, others by letters and digits.

    >>> registry_id_key("EUDRA CT #: 2011-006119-70") == registry_id_key("EudraCT 2011-006119-70")
    True
    >>> registry_id_key("KCT0005954")
    'KCT0005954'
    """
    eudract = _EUDRACT.search(text)
    if eudract is not None:
        return eudract.group(0)
    return re.sub(r"[^A-Z0-9]", "", text.upper())


@dataclass(frozen=True)
class TrialMatch:
    """The trial a record resolved to, and how (``"nct-id"``, ``"registry-id"``, ``"acronym"``).

    ``how`` is ``None`` for a trial the target graph did not have.
    """

    iri: URIRef
    how: str | None = None


def _unique(pairs: Iterable[tuple[str, URIRef]]) -> dict[str, URIRef]:
    """Index keys to nodes, leaving out a key that two nodes share."""
    index: dict[str, URIRef] = {}
    shared: set[str] = set()
    for key, node in pairs:
        if not key:
            continue
        if index.setdefault(key, node) != node:
            shared.add(key)
    return {key: node for key, node in index.items() if key not in shared}


@dataclass
class Resolver:
    """Indexes of a target graph's trials, organisations, conditions and therapies.

    Build one with :meth:`of`; an empty resolver resolves nothing.

    >>> from kg.namespaces import KGR
    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix kgo: <https://w3id.org/als-kg/ontology#> .
    ...     @prefix kgr: <https://w3id.org/als-kg/resource/> .
    ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ...     kgr:org-x a kgo:Company ; rdfs:label "X Pharma, Inc." .
    ...     kgr:riluzole a kgo:Therapy ; rdfs:label "riluzole" ; kgo:brandName "Rilutek" .''')
    >>> resolver = Resolver.of(g)
    >>> resolver.organisation("X Pharma Inc") == KGR["org-x"]
    True
    >>> resolver.therapy(["Riluzole 50 MG (Part B)"]) == KGR.riluzole
    True
    """

    trials_by_nct: dict[str, URIRef] = field(default_factory=dict)
    trials_by_registry_id: dict[str, URIRef] = field(default_factory=dict)
    trials_by_acronym: dict[str, list[tuple[URIRef, frozenset[URIRef]]]] = field(
        default_factory=dict
    )
    organisations: dict[str, URIRef] = field(default_factory=dict)
    conditions: dict[str, URIRef] = field(default_factory=dict)
    therapies: dict[str, URIRef] = field(default_factory=dict)
    arms: dict[URIRef, dict[str, URIRef]] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: Graph | None) -> Resolver:
        """Index a graph (``None`` gives an empty resolver)."""
        if graph is None:
            return cls()
        resolver = cls()
        with_nct = set()
        for trial, nct in graph.subject_objects(KGO.nctId):
            if isinstance(trial, URIRef):
                resolver.trials_by_nct.setdefault(str(nct), trial)
                with_nct.add(trial)
        resolver.trials_by_registry_id = _unique(
            (registry_id_key(str(value)), trial)
            for trial, value in graph.subject_objects(KGO.otherRegistryId)
            if isinstance(trial, URIRef) and trial not in with_nct
        )
        for trial, acronym in graph.subject_objects(KGO.acronym):
            if isinstance(trial, URIRef) and trial not in with_nct:
                tested = frozenset(
                    t for t in graph.objects(trial, KGO.tests) if isinstance(t, URIRef)
                )
                resolver.trials_by_acronym.setdefault(name_key(str(acronym)), []).append(
                    (trial, tested)
                )
        organisations = {
            node for cls_ in _ORG_CLASSES for node in graph.subjects(RDF.type, cls_, unique=True)
        }
        resolver.organisations = _unique(
            (org_key(str(name)), node)
            for node in sorted(organisations, key=str)
            if isinstance(node, URIRef)
            for predicate in (RDFS.label, SKOS.altLabel)
            for name in graph.objects(node, predicate)
        )
        resolver.conditions = _unique(
            (name_key(_PARENS.sub("", str(name))), node)
            for node in sorted(graph.subjects(RDF.type, KGO.Condition, unique=True), key=str)
            if isinstance(node, URIRef)
            for predicate in (RDFS.label, SKOS.altLabel)
            for name in graph.objects(node, predicate)
        )
        resolver.therapies = _unique(
            (key, node)
            for node in sorted(graph.subjects(RDF.type, KGO.Therapy, unique=True), key=str)
            if isinstance(node, URIRef)
            for predicate in _THERAPY_NAMES
            for name in graph.objects(node, predicate)
            for key in dict.fromkeys((name_key(str(name)), name_key(_PARENS.sub("", str(name)))))
        )
        for trial, arm in graph.subject_objects(KGO.arm):
            if isinstance(trial, URIRef) and isinstance(arm, URIRef):
                for label in graph.objects(arm, RDFS.label):
                    resolver.arms.setdefault(trial, {}).setdefault(arm_key(str(label)), arm)
        return resolver

    @classmethod
    def of_therapies(cls, therapies: Mapping[str, URIRef]) -> Resolver:
        """Make a resolver that knows only therapies, by name (as :func:`therapy_names` gives)."""
        return cls(therapies={name_key(name): node for name, node in therapies.items()})

    def trial(
        self,
        nct: str,
        *,
        registry_ids: Iterable[str] = (),
        acronym: str | None = None,
        therapies: Iterable[URIRef] = (),
    ) -> TrialMatch | None:
        """Find the trial a record is about: by NCT id, other registry id, or acronym+therapy."""
        if nct in self.trials_by_nct:
            return TrialMatch(self.trials_by_nct[nct], "nct-id")
        for registry_id in registry_ids:
            found = self.trials_by_registry_id.get(registry_id_key(registry_id))
            if found is not None:
                return TrialMatch(found, "registry-id")
        if acronym:
            tested = set(therapies)
            candidates = {
                trial
                for trial, curated in self.trials_by_acronym.get(name_key(acronym), [])
                if curated & tested
            }
            if len(candidates) == 1:
                return TrialMatch(candidates.pop(), "acronym")
        return None

    def arm(self, trial: URIRef, label: str) -> URIRef | None:
        """Return the trial's arm with this label (a trailing parenthesised note ignored)."""
        return self.arms.get(trial, {}).get(arm_key(label))

    def organisation(self, name: str) -> URIRef | None:
        """Return the one organisation with this name (normalised by :func:`org_key`)."""
        return self.organisations.get(org_key(name))

    def condition(self, name: str) -> URIRef | None:
        """Return the condition with this name, or whose long name the text contains as words."""
        key = name_key(name)
        for variant in (key, name_key(_PARENS.sub("", name)), *_inner(name)):
            if variant in self.conditions:
                return self.conditions[variant]
        contained = [
            (len(known), node)
            for known, node in self.conditions.items()
            if len(known) >= _MIN_CONTAINED and re.search(rf"\b{re.escape(known)}\b", key)
        ]
        if not contained:
            return None
        longest = max(length for length, _ in contained)
        nodes = {node for length, node in contained if length == longest}
        return nodes.pop() if len(nodes) == 1 else None

    def therapy(self, names: Iterable[str]) -> URIRef | None:
        """Return the therapy an intervention's names stand for (see :func:`name_variants`)."""
        for name in names:
            for variant in name_variants(name):
                found = self.therapies.get(variant)
                if found is not None:
                    return found
        return None


def _inner(text: str) -> list[str]:
    """Return the parenthesised parts of a text, normalised."""
    return [name_key(inner) for inner in re.findall(r"\(([^()]*)\)", text)]
