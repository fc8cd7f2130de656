"""The background export page follows the task: its progress bar moves and the download link appears."""

import pytest
from playwright.sync_api import expect

from households import roster_jobs
from households.models import ExportStatus, RosterExport
from tests.conftest import browser_login, screenshot
from tests.households.helpers import make_household

pytestmark = pytest.mark.browser


def test_the_export_page_polls_its_status_and_offers_the_file_when_the_task_is_done(live_server, users, plan, page):
    make_household(plan, seq=1)
    # A task still running (as a worker would leave it): the page must poll until it is done.
    export = RosterExport.objects.create(
        user=users["city"], plan=plan, status=ExportStatus.RUNNING, rows_total=200, rows_done=50
    )
    browser_login(page, live_server, "city")
    page.goto(f"{live_server.url}/plans/2021/households/exports/{export.pk}/")
    assert page.locator("#export-bar").get_attribute("value") == "25"
    assert page.locator("#export-download").is_hidden()
    RosterExport.objects.filter(pk=export.pk).update(rows_done=150)
    expect(page.locator("#export-percent")).to_have_text("75%")  # polls (no eval: CSP)
    assert "150 / 200" in page.locator("#export-rows").inner_text()
    assert page.locator("#export-bar").get_attribute("value") == "75"
    # The worker finishes: write the file as the task does, then the page shows the link.
    roster_jobs.roster_export_write(export.pk)
    expect(page.locator("#export-download")).to_be_visible()
    assert page.locator("#export-percent").inner_text() == "100%"
    screenshot(page, "households-export-done")
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename == "改造户花名册-2021.xlsx"
