import pytest

from households.models import Household
from tests.conftest import browser_login, screenshot
from tests.households.helpers import make_id, row, workbook

pytestmark = pytest.mark.browser


def test_a_clerk_previews_an_import_fixes_nothing_and_confirms_it(live_server, users, page, tmp_path):
    good = tmp_path / "roster.xlsx"
    good.write_bytes(workbook([row(1, name="张三"), row(2, name="李四")]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([row(1), row(id_number="140802800101001")]))

    browser_login(page, live_server, "clerk-140802")
    page.goto(f"{live_server.url}/plans/2021/households/import/")
    page.set_input_files("#import-file", str(bad))
    page.click("#preview-button")
    page.wait_for_selector("#result-table tbody tr")
    assert "15位" in page.locator("#result-table").inner_text()
    assert page.locator("#confirm-button").is_hidden()
    screenshot(page, "households-import-errors")

    page.set_input_files("#import-file", str(good))
    page.click("#preview-button")
    page.wait_for_selector("text=检查通过")
    assert "将新增 2 户" in page.locator("#import-status").inner_text()
    assert Household.objects.count() == 0
    assert make_id(seq=1)[:6] + "********" in page.locator("#result-table").inner_text()
    screenshot(page, "households-import-preview")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#confirm-button")
    page.wait_for_selector("text=导入成功")
    assert Household.objects.count() == 2

    page.goto(f"{live_server.url}/plans/2021/households/")
    assert page.locator("#household-table tbody tr").count() == 2
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot(page, "households-list-phone")
