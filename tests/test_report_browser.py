"""Open the report in a real headless browser (Debian's chromium) and look at the Neuronata-R page.

CI installs chromium (scripts/test does when it runs as root with apt); there, a missing
browser fails the test. Elsewhere the test is skipped without one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from kg.io import load_curated
from kg.report import build_report

ARTIFACTS = os.environ.get("KG_TEST_ARTIFACTS")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed, and CI is set: install Debian's chromium")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def neuronata_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("browser") / "site"
    build_report(load_curated(), site)
    return site / "lenzumestrocel.html"


def test_neuronata_page_in_headless_chromium(neuronata_page: Path, tmp_path: Path) -> None:
    browser = _chromium()
    url = neuronata_page.as_uri()
    dom = _run(browser, tmp_path / "profile", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", dom.stdout)).split())
    assert re.search(r"ALSummit \(NCT04745299\) missed primary endpoint", text), text[:2000]
    assert re.search(r"planned Planned Biologics License Application \(BLA\)", text)

    shot = Path(ARTIFACTS) / "neuronata-r.png" if ARTIFACTS else tmp_path / "neuronata-r.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    result = _run(
        browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", url
    )
    assert result.returncode == 0, result.stderr
    assert shot.is_file() and shot.stat().st_size > 0
    assert shot.read_bytes()[:4] == b"\x89PNG"
