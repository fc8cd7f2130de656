import pytest
from playwright.sync_api import expect

from households.models import Household
from tests.conftest import PASSWORD, browser_login, screenshot
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
    # Asked in the page, never with a browser dialog; 取消 goes back, 确定导入 imports.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("#confirm-button")
    expect(page.locator("#import-confirm")).to_be_visible()
    assert "将新增 2 户、更新 0 户。" in page.locator("#import-confirm").inner_text()
    page.click("#import-confirm-no")
    expect(page.locator("#import-confirm")).to_be_hidden()
    assert Household.objects.count() == 0
    page.click("#confirm-button")
    page.click("#import-confirm-yes")
    page.wait_for_selector("text=导入成功")
    assert not dialogs
    assert Household.objects.count() == 2

    page.goto(f"{live_server.url}/plans/2021/households/")
    assert page.locator("#household-table tbody tr").count() == 2
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot(page, "households-list-phone")


def test_a_clerk_ticks_two_rows_confirms_and_accepts_them_on_the_list_page(live_server, users, plan, page):
    from tests.households.helpers import make_household

    first = make_household(plan, seq=1, head_name="甲户")
    second = make_household(plan, seq=2, head_name="乙户")
    make_household(plan, seq=3, head_name="丙户")

    browser_login(page, live_server, "clerk-140802")
    page.goto(f"{live_server.url}/plans/2021/households/?status=completed")
    page.check(f"#household-table tr[data-id='{first.pk}'] input.row-select")
    page.check(f"#household-table tr[data-id='{second.pk}'] input.row-select")
    page.fill("#id_accept-accepted_on", "2021-10-20")
    page.fill("#id_accept-accepted_by", "第三方评估公司")
    page.select_option("#id_accept-result", "passed")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#accept-form button[type=submit]")
    page.wait_for_timeout(300)
    assert dialogs and "2户" in dialogs[0]
    assert Household.objects.filter(status="accepted").count() == 0

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector("text=已记录2户的验收结果。")
    assert "status=completed" in page.url
    assert set(Household.objects.filter(status="accepted").values_list("pk", flat=True)) == {first.pk, second.pk}
    screenshot(page, "households-list-accept-selected")


def test_with_scripts_off_the_import_previews_on_the_server_and_confirms_with_the_same_file(
    live_server, users, browser, tmp_path
):
    # 360 安全浏览器 in IE mode and the like: no fetch, no scripts at all.
    good = tmp_path / "roster.xlsx"
    good.write_bytes(workbook([row(1, name="张三"), row(2, name="李四")]))
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "clerk-140802")
        page.fill("#id_password", PASSWORD)
        # Without scripts the header's language form shows its own submit button: take the login form's.
        page.click("main form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_url(f"{live_server.url}/home/")
        page.goto(f"{live_server.url}/plans/2021/households/import/")
        page.set_input_files("#import-file", str(good))
        page.click("#preview-button")
        page.wait_for_selector("#server-preview")
        assert "将新增 2 户" in page.locator("#import-status").inner_text()
        assert make_id(seq=1)[:6] + "********" in page.locator("#server-preview-table").inner_text()
        assert Household.objects.count() == 0
        page.set_input_files("#confirm-file", str(good))
        page.click("#confirm-import")
        page.wait_for_selector("text=导入成功")
        assert Household.objects.count() == 2
    finally:
        context.close()


def test_the_import_page_previews_a_gb18030_csv_with_a_title_row_and_says_the_title_was_skipped(
    live_server, users, page, tmp_path
):
    import csv
    import io

    from tests.households.helpers import HEADERS

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["2021年盐湖区清洁取暖改造户花名册"])
    writer.writerow(HEADERS)
    for values in (row(1, name="王䶮"), row(2, name="李四")):
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(text.getvalue().encode("gb18030"))

    browser_login(page, live_server, "clerk-140802")
    page.goto(f"{live_server.url}/plans/2021/households/import/")
    page.set_input_files("#import-file", str(roster))
    page.click("#preview-button")
    page.wait_for_selector("text=检查通过")
    status = page.locator("#import-status").inner_text()
    assert "将新增 2 户" in status and "已跳过表头上方的 1 行标题" in status
    assert "王䶮" in page.locator("#result-table").inner_text()
    assert Household.objects.count() == 0
