"""A citable release: licences, citation, changelog and metadata agree with kg/release.py."""

from __future__ import annotations

from importlib.metadata import metadata
from pathlib import Path

import yaml

import kg
from kg.release import DATA_RELEASED, VERSION

ROOT = Path(__file__).resolve().parent.parent


def test_licence_files() -> None:
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    data = (ROOT / "LICENSE-DATA").read_text()
    assert "Creative Commons Attribution 4.0 International Public License" in data
    assert "Section 8 -- Interpretation." in data  # the whole legal code, not a pointer


def test_citation_repeats_the_release() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == VERSION == kg.__version__
    assert str(citation["date-released"]) == DATA_RELEASED
    assert set(citation["license"]) == {"CC-BY-4.0", "MIT"}


def test_changelog_has_the_release() -> None:
    assert f"## [{VERSION}] - {DATA_RELEASED}" in (ROOT / "CHANGELOG.md").read_text()


def test_package_metadata_states_both_licences() -> None:
    meta = metadata("als-kg")
    assert meta["Version"] == VERSION
    assert meta["License-Expression"] == "MIT AND CC-BY-4.0"


def test_readme_states_the_licences() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "CC BY 4.0" in readme and "MIT" in readme and "CITATION.cff" in readme


def test_ontology_version_is_the_release() -> None:
    """The ontology's owl:versionInfo says the same version (the ontology ships with the data)."""
    from rdflib import OWL, Graph, URIRef

    ontology = Graph().parse(ROOT / "ontology" / "als-kg.ttl")
    version = ontology.value(URIRef("https://w3id.org/als-kg/ontology"), OWL.versionInfo)
    assert str(version) == VERSION
