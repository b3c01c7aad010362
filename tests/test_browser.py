"""Drive the kg serve page in headless Chromium: run a stored query and read the result table."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serving import kg_serve

CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)


def missing(reason: str) -> None:
    """Fail in CI, where the test setup installs Chromium; skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (scripts/test installs chromium and chromium-driver)")
    pytest.skip(reason)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed (it is in the test extra)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or not CHROMEDRIVER.exists():
        missing("Debian's chromium and chromium-driver are not installed")
    os.environ["SE_OFFLINE"] = "true"  # selenium-manager must not download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_run_a_stored_query_in_the_page(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    with kg_serve(log=tmp_path / "serve.log") as url:
        browser.get(url)
        run = wait.until(
            ec.element_to_be_clickable(
                (By.CSS_SELECTOR, '[data-query="trials-missed-primary-endpoint"] button.run')
            )
        )
        run.click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "result-table"), "ALSummit"))
        table = browser.find_element(By.ID, "result-table")
        headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
        assert headers[:2] == ["trial", "trialLabel"]
        labels = [
            row.find_elements(By.TAG_NAME, "td")[1].text
            for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")
        ]
        assert any("ALSummit" in label for label in labels)
        assert "rows." in browser.find_element(By.ID, "status").text
        browser.save_screenshot(str(tmp_path / "stored-query.png"))

        editor = browser.find_element(By.ID, "query")
        editor.clear()
        editor.send_keys("ASK { ?s ?p ?o }")
        browser.find_element(By.ID, "run").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "ask-answer"), "true"))

        editor.clear()
        editor.send_keys("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
        browser.find_element(By.ID, "run").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "read-only"))
        assert (tmp_path / "stored-query.png").stat().st_size > 0


def test_stored_query_permalink(browser: Any, tmp_path: Path) -> None:
    """A stored query's permalink opens the page with its parameters filled in, and runs it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    with kg_serve(log=tmp_path / "serve.log") as url:
        browser.get(url)
        link = wait.until(
            ec.presence_of_element_located(
                (By.CSS_SELECTOR, '[data-query="trial-results"] a.permalink')
            )
        )
        assert link.get_attribute("href").endswith("#query=trial-results&trial=ALSummit")
        browser.get(url + "#query=trial-results&trial=VALOR")
        browser.refresh()
        wait.until(ec.text_to_be_present_in_element((By.ID, "result-table"), "VALOR"))
        field = browser.find_element(By.CSS_SELECTOR, '[data-query="trial-results"] input')
        assert field.get_attribute("value") == "VALOR"
