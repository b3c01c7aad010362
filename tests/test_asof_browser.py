"""The kg serve page shows what needs checking, for a day typed in, in headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.serving import kg_serve
from tests.test_browser import browser  # noqa: F401  (the fixture)


def test_page_lists_the_overdue_type_c_meeting(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    with kg_serve(log=tmp_path / "serve.log") as url:
        browser.get(url)
        day = browser.find_element(By.ID, "checks-as-of")
        browser.execute_script("arguments[0].value = '2026-12-05'", day)
        wait.until(ec.element_to_be_clickable((By.ID, "checks-run"))).click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "checks-status"), "As of 2026-12-05"))
        rows = browser.find_elements(By.CSS_SELECTOR, "#checks-table tbody tr.check-overdue-plan")
        texts = [row.text for row in rows]
        meeting = [t for t in texts if "Type C meeting on the ALSummit" in t]
        reason = "planned for Q4 2025; that is past and no outcome is recorded"
        assert meeting and reason in meeting[0]
        # Before the meeting was announced (2025-09-22) it is not there.
        browser.execute_script("arguments[0].value = '2025-09-01'", day)
        browser.find_element(By.ID, "checks-run").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "checks-status"), "As of 2025-09-01"))
        table = browser.find_element(By.ID, "checks-table").text
        assert "PrimeC" in table and "Type C meeting on the ALSummit" not in table
