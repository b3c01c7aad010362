"""The static HTML report: markers that match their sources, verdicts, approvals, glossary."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.errors import KgError
from kg.graph.io import load_curated
from kg.publish.report import MARKER_FILE, authorisations, build_report, glossary, therapy_slug
from kg.query.sparql import result_rows, run_query

# Abbreviations the issue names: each must have an expansion in the graph's glossary.
NAMED = ("ALSFRS-R", "CAFS", "SVC", "NfL", "MFDS", "RMAT", "BLA", "NDA", "CHMP", "FDA", "ALS")


class _Collector(HTMLParser):
    """Collect a page's links, images, scripts, markers, Sources list, abbrs and text."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.alts: list[str | None] = []
        self.scripts = 0
        self.text: list[str] = []
        self.markers: list[tuple[str, str, str]] = []  # (text, href, title)
        self.entries: list[tuple[str | None, str]] = []  # (id, text) of the Sources list
        self.abbrs: dict[str, str] = {}
        self.glossary: list[str] = []
        self._marker: dict[str, str] | None = None
        self._in_sources = False
        self._entry: list[str] | None = None
        self._entry_id: str | None = None
        self._abbr: str | None = None
        self._dt = False
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag not in ("a", "abbr", "span", "strong", "em", "code"):
            self.text.append(" ")
        if tag == "script":
            self.scripts += 1
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(values["href"])
        if tag == "img":
            self.srcs.append(values.get("src", ""))
            self.alts.append(dict(attrs).get("alt"))
        if tag == "a" and "marker" in values.get("class", ""):
            self._marker = {"href": values.get("href", ""), "title": values.get("title", "")}
        if tag == "ol" and "sources" in values.get("class", ""):
            self._in_sources = True
        if tag == "li" and self._in_sources and self._entry is None:
            self._entry, self._entry_id = [], values.get("id")
        if tag == "abbr":
            self._abbr = values.get("title", "")
        if tag == "dt":
            self._dt = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol" and self._in_sources:
            self._in_sources = False
        if tag == "li" and self._entry is not None:
            self.entries.append((self._entry_id, " ".join("".join(self._entry).split())))
            self._entry = None
        if tag == "abbr":
            self._abbr = None
        if tag == "dt":
            self._dt = False
        if tag == "a":
            self._marker = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._marker is not None:
            self.markers.append((data, self._marker["href"], self._marker["title"]))
        if self._entry is not None:
            self._entry.append(data)
        if self._abbr is not None:
            self.abbrs[data] = self._abbr
        if self._dt:
            self.glossary.append(data)


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _words(page: _Collector) -> str:
    return re.sub(r"\s+", " ", "".join(page.text))


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


@pytest.fixture(scope="module")
def site(curated: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "site"
    build_report(curated, out)
    return out


def test_index_lists_every_therapy_with_its_page(site: Path) -> None:
    index = _parse(site / "index.html")
    pages = [href for href in index.hrefs if href.endswith(".html")]
    assert "lenzumestrocel.html" in pages and "tofersen.html" in pages
    assert all((site / page).is_file() for page in pages)
    text = _words(index)
    headers = ("Therapy", "Sponsor", "Modality", "Status", "Approved / withdrawn", "Last event")
    for header in headers:
        assert header in text
    assert "CorestemChemon" in text


def test_index_shows_the_pipeline_status_query(curated: Graph, site: Path) -> None:
    """Status and last event in the index are the stored query's, one definition for both."""
    rows = result_rows(run_query(curated, "pipeline-status"))
    text = _words(_parse(site / "index.html"))
    assert sum(row["latestEvent"] is not None for row in rows) > 15
    for row in rows:
        if row["latestEvent"]:
            assert f"{row['latestDate']}: {row['latestEvent']}" in text
        if row["statusAsOf"]:
            assert f"{row['status']} (as of {row['statusAsOf']})" in text
    # An actual trial start counts though the trial's completion is only an estimate.
    assert "2025-10-01: ALSTARS: COYA 302 phase 2 (NCT07161999): started" in text


def test_every_marker_is_its_entry_in_the_sources_list(site: Path) -> None:
    """On every page, a marker [n] links to entry n of the Sources list, about that source."""
    checked = 0
    for page_path in sorted(site.glob("*.html")):
        page = _parse(page_path)
        ids = [entry_id for entry_id, _ in page.entries]
        assert ids == [f"source-{n}" for n in range(1, len(ids) + 1)], page_path.name
        for text, href, title in page.markers:
            number = int(text.strip("[]"))
            assert href == f"#source-{number}", (page_path.name, text, href)
            assert 1 <= number <= len(page.entries), (page_path.name, text)
            assert page.entries[number - 1][1].startswith(" ".join(title.split())), (
                page_path.name,
                text,
                title,
                page.entries[number - 1],
            )
            checked += 1
    assert checked > 300  # the report has hundreds of markers; none may point elsewhere


def test_a_source_entry_links_to_the_document(site: Path) -> None:
    page = _parse(site / "tofersen.html")
    assert "https://www.ema.europa.eu/en/medicines/human/EPAR/qalsody" in page.hrefs


def test_doi_pmid_and_copy_read_are_shown_apart(curated: Graph, tmp_path: Path) -> None:
    """A source's DOI and PubMed id are links; the copy read is apart from the address."""
    from rdflib import Literal, URIRef

    from kg.graph.io import load
    from kg.namespaces import KGO, KGR
    from kg.resources import asset_dir, ontology_files

    graph = load(*ontology_files(), asset_dir("data") / "tofersen.ttl")
    source = KGR["src-ema-epar-qalsody"]
    graph.add((source, KGO.doi, Literal("10.1234/example")))
    graph.add((source, KGO.pmid, Literal("12345")))
    graph.add((source, KGO.copyReadAt, URIRef("https://mirror.example.org/qalsody")))
    build_report(graph, tmp_path / "site")
    page = _parse(tmp_path / "site" / "tofersen.html")
    entry = next(text for _, text in page.entries if "mirror.example.org/qalsody" in text)
    assert "DOI 10.1234/example" in entry and "PubMed 12345" in entry
    assert entry.index("Copy read") > entry.index("PubMed")
    assert "https://doi.org/10.1234/example" in page.hrefs
    assert "https://pubmed.ncbi.nlm.nih.gov/12345/" in page.hrefs
    assert "https://mirror.example.org/qalsody" in page.hrefs


def test_alsummit_card_says_what_was_pre_specified_first(site: Path) -> None:
    html = (site / "lenzumestrocel.html").read_text(encoding="utf-8")
    card = html[html.index("ALSummit (NCT04745299)</h3>") :]
    card = card[: card.index("</section>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert re.match(
        r"ALSummit \(NCT04745299\) Pre-specified primary endpoints \(.*CAFS.*\): "
        r"missed primary endpoint",
        text,
    ), text[:300]
    pre, apart = text.split("Post hoc and subgroup analyses", 1)
    # The subgroup findings are apart, labelled, and never say "met".
    assert "slow progressors" not in pre
    assert "slow progressors" in apart and "post hoc subgroup analysis" in apart
    apart_cells = re.findall(r"<td[^>]*>(.*?)</td>", card[card.index('class="apart"') :])
    assert "nominally significant" in apart_cells and "met" not in apart_cells
    assert "not met" in pre


def test_no_post_hoc_or_subgroup_row_reads_met(site: Path) -> None:
    for page_path in site.glob("*.html"):
        html = page_path.read_text(encoding="utf-8")
        for block in re.findall(r'<div class="apart">(.*?)</div>\s*</div>', html, re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", block)
            assert "met" not in cells, page_path.name


def test_every_approved_therapy_names_its_jurisdictions(curated: Graph, site: Path) -> None:
    rows = {row["therapy"]: row for row in result_rows(run_query(curated, "pipeline-status"))}
    html = (site / "index.html").read_text(encoding="utf-8")
    approved = [iri for iri, row in rows.items() if row["status"] == "approved somewhere"]
    assert len(approved) >= 5
    from rdflib import URIRef

    for iri in approved:
        decisions = [a for a in authorisations(curated, URIRef(iri)) if not a.withdrawal]
        assert decisions, iri
        assert all(a.jurisdiction != "jurisdiction not stated" for a in decisions), iri
        slug = therapy_slug(URIRef(iri))
        row = re.search(rf'<a href="{slug}\.html">.*?</tr>', html, re.S)
        assert row is not None
        cell = re.sub(r"<[^>]+>", "", row.group(0))
        for decision in decisions:
            assert decision.text() in cell, (iri, decision)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        "approved in United States (accelerated approval, 2023-04-25); "
        "European Union (approval under exceptional circumstances, 2024-05)"
    ) in text
    assert re.search(r"withdrawn in [^<]*United States \(market withdrawal, 2024-04-04\)", text)


def test_every_abbreviation_on_a_page_is_explained_there(curated: Graph, site: Path) -> None:
    terms = glossary(curated)
    assert all(name in terms for name in NAMED)
    lenz = _parse(site / "lenzumestrocel.html")
    for name in ("CAFS", "ALSFRS-R", "SVC", "MFDS", "RMAT", "BLA", "FDA"):
        assert name in lenz.glossary, name
    assert lenz.abbrs["ALSFRS-R"] == terms["ALSFRS-R"].expansion
    for page_path in sorted(site.glob("*.html")):
        page = _parse(page_path)
        readable = re.sub(r"<(title|abbr)[^>]*>.*?</\1>|<[^>]+>", " ", page_path.read_text())
        for name in terms:
            used = re.search(rf"(?<![\w./-]){re.escape(name)}(?![\w/-])", readable)
            if used or name in page.abbrs:
                assert name in page.glossary, (page_path.name, name)
                assert page.abbrs.get(name) == terms[name].expansion, (page_path.name, name)


def test_pictures_have_text_and_none_is_blank(site: Path) -> None:
    for page_path in site.glob("*.html"):
        page = _parse(page_path)
        for src, alt in zip(page.srcs, page.alts, strict=True):
            assert src.endswith(".svg") and (site / src).stat().st_size > 2000
            assert alt and len(alt) > 40, (page_path.name, src)
        words = _words(page)
        if page_path.name != "index.html":
            assert ("evidence.svg" in " ".join(page.srcs)) != (
                "no evidence chain to draw" in words
            ), page_path.name
    svgs = {path.name for path in site.glob("*.svg")}
    used = {src for path in site.glob("*.html") for src in _parse(path).srcs}
    assert svgs == used


def test_offline_no_scripts_and_local_assets_only(site: Path) -> None:
    for page_path in site.glob("*.html"):
        page = _parse(page_path)
        assert page.scripts == 0
        for src in page.srcs:
            assert (site / src).is_file()
        local = [
            href
            for href in page.hrefs
            if not href.startswith(("http://", "https://", "#", "https://w3id.org"))
        ]
        assert all((site / href).is_file() for href in local), page_path


def test_same_graph_same_bytes(curated: Graph, site: Path, tmp_path: Path) -> None:
    build_report(curated, tmp_path / "again")
    for path in site.iterdir():
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def _tofersen_only() -> Graph:
    from kg.graph.io import load
    from kg.resources import asset_dir, ontology_files

    return load(*ontology_files(), asset_dir("data") / "tofersen.ttl")


DATA = ("tofersen.ttl", "riluzole.ttl")


def test_rebuild_replaces_a_report_it_wrote(tmp_path: Path) -> None:
    from kg.graph.io import load
    from kg.resources import asset_dir, ontology_files

    out = tmp_path / "site"
    build_report(load(*ontology_files(), *(asset_dir("data") / f for f in DATA)), out)
    assert (out / "riluzole.html").is_file()
    build_report(_tofersen_only(), out)  # riluzole's page was ours: it goes
    assert not (out / "riluzole.html").exists()
    assert (out / "tofersen.html").is_file() and (out / MARKER_FILE).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_with_other_files_is_refused_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    notes = out / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "notes.txt" in result.output and "did not write" in result.output
    assert "Traceback" not in result.output
    assert notes.read_text(encoding="utf-8") == "my notes"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_file_added_to_a_report_folder_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_report(_tofersen_only(), out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(KgError, match=r"notes\.txt"):
        build_report(_tofersen_only(), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "tofersen.html").is_file()
