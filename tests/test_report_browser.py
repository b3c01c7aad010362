"""Open the report in a real headless browser (Debian's chromium and chromium-driver).

The pages are read as a reader's browser shows them: the Neuronata-R page's verdict, the
accessibility checks of axe-core (no serious or critical violation on the index and on the
lenzumestrocel page) and a phone's width (390 px) without sideways scrolling of the text.

axe-core comes from npm at build time (``tests/browser/package.json`` and its lock file;
``scripts/test`` runs ``npm ci`` there when npm exists) and is read from disk here: the test
needs no network. In CI a missing chromium fails the test, and so does a missing axe-core
where npm exists; without npm the accessibility check is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.graph.io import load_curated
from kg.publish.report import build_report
from tests.test_browser import browser, missing

__all__ = ["browser"]  # the selenium fixture of the kg serve test, shared

ARTIFACTS = os.environ.get("KG_TEST_ARTIFACTS")
AXE = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = 390

# Runs axe-core on the page and hands back each violation's rule, impact and node count.
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(r => done({passes: r.passes.length, violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))
  }))}))
  .catch(e => done({error: String(e)}));
"""

# Lists the main text's blocks that reach past the window's right edge, outside the
# scrollable table regions (a wide table may scroll inside its own box; the text may not).
OVERFLOW = """
const width = window.innerWidth;
const wide = [];
for (const el of document.querySelectorAll("header, main, footer, main *, header *")) {
  if (el.closest(".scroll")) continue;
  const box = el.getBoundingClientRect();
  if (box.width > 0 && box.right > width + 1) {
    wide.push(`${el.tagName} ${el.id || el.className} ${Math.round(box.right)}`);
  }
}
return {scrollWidth: document.scrollingElement.scrollWidth, width: width, wide: wide.slice(0, 10)};
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_report(load_curated(), out)
    return out


@pytest.fixture
def axe_source() -> Iterator[str]:
    if not AXE.is_file():
        where = f"run `npm ci` in {AXE.parents[2]} (scripts/test does when npm exists)"
        if shutil.which("npm") is None:
            pytest.skip(f"axe-core is not installed and npm is absent: {where}")
        missing(f"axe-core is not installed: {where}")
    yield AXE.read_text(encoding="utf-8")


def _axe(driver: Any, url: str, source: str) -> list[dict[str, Any]]:
    """Run axe-core on a page; return its violations (after checking that it did run)."""
    driver.get(url)
    driver.execute_script(source)
    driver.set_script_timeout(120)
    found = driver.execute_async_script(RUN_AXE)
    assert isinstance(found, dict) and "violations" in found, found
    assert found["passes"] > 10  # axe checked the page: rules passed, not none run
    violations: list[dict[str, Any]] = found["violations"]
    return violations


def test_neuronata_page_in_headless_chromium(site: Path, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((site / "lenzumestrocel.html").as_uri())
    text = " ".join(browser.find_element(By.TAG_NAME, "body").text.split())
    assert re.search(
        r"ALSummit \(NCT04745299\) Pre-specified primary endpoints \([^)]*CAFS[^)]*\): "
        r"missed primary endpoint",
        text,
    ), text[:2000]
    assert re.search(r"planned Planned Biologics License Application \(BLA\)", text)
    # A marker goes to its entry of the Sources list.
    marker = browser.find_element(By.CSS_SELECTOR, "a.marker")
    number = marker.text.strip("[]")
    marker.click()
    assert browser.current_url.endswith(f"#source-{number}")
    target = browser.find_element(By.ID, f"source-{number}")
    assert target.text.startswith(marker.get_attribute("title") or "<no title>")
    # The pictures load and are drawn at a readable size.
    for image in browser.find_elements(By.CSS_SELECTOR, "main img"):
        assert browser.execute_script("return arguments[0].naturalWidth", image) > 500
    shot = Path(ARTIFACTS) / "neuronata-r.png" if ARTIFACTS else tmp_path / "neuronata-r.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(1280, 2000)
    assert browser.save_screenshot(str(shot)) and shot.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("page", ["index.html", "lenzumestrocel.html"])
def test_axe_finds_no_serious_or_critical_violation(
    site: Path, browser: Any, axe_source: str, page: str
) -> None:
    violations = _axe(browser, (site / page).as_uri(), axe_source)
    if ARTIFACTS:
        report = Path(ARTIFACTS) / f"axe-{page}.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(violations, indent=1), encoding="utf-8")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)


@pytest.mark.parametrize("page", ["index.html", "lenzumestrocel.html"])
def test_phone_width_has_no_sideways_scrolling(site: Path, browser: Any, page: str) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    browser.get((site / page).as_uri())
    measured = browser.execute_script(OVERFLOW)
    assert measured["width"] == PHONE
    assert measured["scrollWidth"] <= PHONE, measured
    assert measured["wide"] == [], measured
