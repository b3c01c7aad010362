"""The static HTML report."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg.io import load_curated
from kg.report import build_report
from kg.sparql import result_rows, run_query


class _Collector(HTMLParser):
    """Collect the links, images, scripts and stylesheets of a page, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.scripts = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "img" and values.get("src"):
            self.srcs.append(values["src"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "site"
    build_report(load_curated(), out)
    return out


def test_index_lists_every_therapy_with_its_page(site: Path) -> None:
    index = _parse(site / "index.html")
    pages = [href for href in index.hrefs if href.endswith(".html")]
    assert "lenzumestrocel.html" in pages and "tofersen.html" in pages
    assert all((site / page).is_file() for page in pages)
    text = " ".join(index.text)
    for header in ("Therapy", "Sponsor", "Modality", "Status", "Last event"):
        assert header in text
    assert "CorestemChemon" in text


def test_index_shows_the_pipeline_status_query(site: Path) -> None:
    """Status and last event in the index are the stored query's, one definition for both."""
    rows = result_rows(run_query(load_curated(), "pipeline-status"))
    text = re.sub(r"\s+", " ", " ".join(_parse(site / "index.html").text))
    assert sum(row["latestEvent"] is not None for row in rows) > 15
    for row in rows:
        if row["latestEvent"]:
            assert f"{row['latestDate']}: {row['latestEvent']}" in text
        if row["statusAsOf"]:
            assert f"{row['status']} (as of {row['statusAsOf']})" in text
    # An actual trial start counts though the trial's completion is only an estimate.
    assert "2025-10-01: ALSTARS: COYA 302 phase 2 (NCT07161999): started" in text


def test_neuronata_page(site: Path) -> None:
    html = (site / "lenzumestrocel.html").read_text(encoding="utf-8")
    page = _parse(site / "lenzumestrocel.html")
    text = " ".join(" ".join(page.text).split())
    assert re.search(r"ALSummit \(NCT04745299\)\s*missed primary endpoint", text)
    assert re.search(r"planned\s*Planned Biologics License Application", text)
    assert 'class="conflicts"' in html
    assert "lenzumestrocel-timeline.png" in page.srcs and "lenzumestrocel-evidence.png" in page.srcs


def test_offline_no_scripts_and_local_assets_only(site: Path) -> None:
    for page_path in site.glob("*.html"):
        page = _parse(page_path)
        assert page.scripts == 0
        for src in page.srcs:
            assert (site / src).is_file()
        local = [href for href in page.hrefs if not href.startswith(("http://", "https://"))]
        assert all((site / href).is_file() for href in local), page_path


def test_every_source_is_a_link(site: Path) -> None:
    page = _parse(site / "tofersen.html")
    assert "https://www.ema.europa.eu/en/medicines/human/EPAR/qalsody" in page.hrefs


def test_rebuild_replaces_the_old_report(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old", encoding="utf-8")
    from kg.io import load
    from kg.resources import asset_dir, ontology_files

    build_report(load(*ontology_files(), asset_dir("data") / "tofersen.ttl"), out)
    assert not (out / "stale.html").exists()
    assert (out / "tofersen.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
