"""The field page on a phone: offline visits with photos, queued in IndexedDB, uploaded once online."""

import pytest
from playwright.sync_api import expect

from inspections.models import Photo, Rectification, RectificationStatus, Visit
from tests.conftest import browser_login, screenshot
from tests.inspections.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"latitude": 35.0263, "longitude": 111.0071},
        service_workers="allow",
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    refused = []
    # Every tab of this context (the service worker's included) under the Content-Security-Policy watch.
    context.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield context, page
    context.close()
    assert not refused, f"refused by the Content-Security-Policy: {refused}"


def record(page, household_id, finding, photo_name):
    page.click(f"button[data-household='{household_id}']")
    page.wait_for_selector("#visit-panel:not([hidden])")
    page.check(f"input[name=finding][value={finding}]")
    page.fill("#visit-note", f"{finding} 现场核实")
    page.set_input_files(
        "#visit-photos",
        files=[
            {"name": f"{photo_name}-1.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(color=(10, 200, 10))},
            {"name": f"{photo_name}-2.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(color=(10, 10, 200))},
        ],
    )
    page.click("#visit-save")
    page.wait_for_selector("#visit-panel", state="hidden")


def test_an_inspector_records_three_visits_offline_and_they_reach_the_server_once(
    live_server, phone, field_users, sample, browser
):
    context, page = phone
    browser_login(page, live_server, "inspector")
    page.goto(f"{live_server.url}/inspections/")
    page.wait_for_selector("#field-app[data-loaded='1']")
    page.wait_for_selector("#field-app[data-offline-ready='1']")
    households = sorted(sample.entries.values_list("household_id", flat=True))[:3]
    assert page.locator("button[data-household]").count() == sample.entries.count()

    context.set_offline(True)
    record(page, households[0], "in_use", "a")
    record(page, households[1], "idle", "b")
    record(page, households[2], "coal_resumed", "c")
    assert page.text_content("#queue-count").strip() == "3 条待上传"
    assert Visit.objects.count() == 0

    page.reload()
    page.wait_for_selector("#field-app[data-loaded='1']")
    # Served by the project's service worker while offline, task list included.
    assert page.evaluate("!!navigator.serviceWorker.controller")
    assert page.locator("button[data-household]").count() == sample.entries.count()
    assert page.text_content("#queue-count").strip() == "3 条待上传"
    assert page.locator("button[data-household] .state.queued").count() == 3
    screenshot(page, "inspections-offline-queued")

    context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0 条待上传", timeout=30000)
    assert Visit.objects.count() == 3
    assert sorted(Visit.objects.values_list("household_id", flat=True)) == households
    assert Photo.objects.filter(visit__isnull=False).count() == 6
    assert {v.finding for v in Visit.objects.all()} == {"in_use", "idle", "coal_resumed"}
    assert all(v.position_source == "device" for v in Visit.objects.all())
    assert Rectification.objects.count() == 2
    assert page.locator("button[data-household] .state.done").count() == 3

    # One finding's rectification: the clerk resolves it, the city office closes it.
    rectification = Rectification.objects.get(visit__finding="idle")
    clerk = context.browser.new_context(viewport=PHONE, locale="zh-CN")
    clerk_page = clerk.new_page()
    browser_login(clerk_page, live_server, "clerk-140802")
    clerk_page.goto(f"{live_server.url}/inspections/rectifications/{rectification.pk}/")
    clerk_page.fill("#id_note", "已恢复使用电取暖设备，拆除燃煤炉具。")
    clerk_page.set_input_files(
        "#resolve-photos", files=[{"name": "fixed.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    clerk_page.click("#resolve-form button[type=submit]")
    clerk_page.wait_for_selector("#rect-status .submitted")
    clerk.close()
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.SUBMITTED
    assert rectification.photos.count() == 1

    city = context.browser.new_context(locale="zh-CN")
    city_page = city.new_page()
    browser_login(city_page, live_server, "city")
    city_page.goto(f"{live_server.url}/inspections/rectifications/{rectification.pk}/")
    city_page.click("#close-form button[type=submit]")
    city_page.wait_for_selector("#rect-status .closed")
    city.close()
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED
