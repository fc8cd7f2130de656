"""The admin imports and exports counties, targets and subsidy rules as .xlsx (django-import-export)."""

import html as html_lib
import io
import re
from decimal import Decimal

import openpyxl

from counties.models import County, Target
from subsidies.models import SubsidyRule, SubsidyRuleChange


def workbook(headers, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "import.xlsx"
    return buffer


def import_then_confirm(client, app_model, upload):
    page = client.get(f"/admin/{app_model}/import/")
    assert page.status_code == 200
    fmt = re.search(r'name="format" value="(\d+)"', page.content.decode()).group(1)  # xlsx is the only format
    preview = client.post(f"/admin/{app_model}/import/", {"format": fmt, "import_file": upload, "resource": "0"})
    assert preview.status_code == 200
    return preview


def confirm_step(preview, app_model):
    """The 确认导入 form the preview page shows (its inner HTML), or None when it offers none."""
    action = f'<form action="/admin/{app_model}/process_import/" method="POST">'
    found = re.search(re.escape(action) + r"(.*?)</form>", preview.content.decode(), re.S)
    return found.group(1) if found else None


def confirm(client, app_model, preview):
    """Press 确认导入: post the hidden fields of the confirm form, as the browser would."""
    form = confirm_step(preview, app_model)
    assert form is not None and "确认导入" in form, "the preview offers no confirm step"
    fields = {name: html_lib.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', form)}
    fields.pop("confirm", None)  # the submit button's own value
    return client.post(f"/admin/{app_model}/process_import/", fields)


def test_the_admin_imports_counties_from_xlsx_after_a_confirm_step(users, web):
    client = web(users["admin"])
    upload = workbook(
        ["code", "name", "order", "files_reports"], [["140802", "盐湖区", 1, 1], ["140899", "测试单位", 20, 0]]
    )
    preview = import_then_confirm(client, "counties/county", upload)
    assert "confirm_form" in preview.context and not County.objects.filter(code="140899").exists()
    assert confirm_step(preview, "counties/county") is not None  # the page offers 确认导入
    response = confirm(client, "counties/county", preview)
    assert response.status_code == 302
    assert County.objects.get(code="140899").name == "测试单位"


def test_a_bad_target_row_is_shown_with_its_row_and_nothing_is_imported(users, web):
    client = web(users["admin"])
    upload = workbook(
        ["plan", "county", "type", "households", "area_m2"],
        [[2021, "140802", "coal_to_electric", 10001, None], [2021, "140881", "coal_to_gas", -5, None]],
    )
    preview = import_then_confirm(client, "counties/target", upload)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.content.decode()))
    assert preview.context.get("confirm_form") is None  # no confirm step while a row is invalid
    assert confirm_step(preview, "counties/target") is None and "确认导入" not in text
    assert "某些行数据验证失败" in text  # the library's own Chinese is corrected in locale/zh_Hans
    # the failing row (spreadsheet data row 2) with its field, message and values
    assert re.search(r"\b2 1 households 确保该值大于或等于0。 2021 140881 coal_to_gas -5", text)
    assert Target.objects.get(county__code="140802", retrofit_type__code="coal_to_electric").households == 10000


def test_a_rate_changed_by_an_admin_import_is_audited(users, web):
    client = web(users["admin"])
    upload = workbook(
        ["plan", "type", "area_class", "level", "amount", "生效月份", "修改原因"],
        [[2021, "coal_to_gas", "rural", "county", "3600", "2021-09", "市政府常务会议调整"]],
    )
    preview = import_then_confirm(client, "subsidies/subsidyrule", upload)
    assert confirm(client, "subsidies/subsidyrule", preview).status_code == 302
    rule = SubsidyRule.objects.get(retrofit_type__code="coal_to_gas", area_class="rural", level="county")
    assert rule.amount == Decimal("3600")
    change = SubsidyRuleChange.objects.get(rule=rule)
    assert (change.old_amount, change.new_amount, change.changed_by) == (
        Decimal("3500"),
        Decimal("3600"),
        users["admin"],
    )
    assert (change.effective_from, change.reason) == ("2021-09", "市政府常务会议调整")


def test_an_imported_rate_change_without_its_month_and_reason_is_refused_with_the_row(users, web):
    client = web(users["admin"])
    upload = workbook(
        ["年度", "改造类型", "城乡", "出资层级", "补助标准（元/户或元/㎡）"], [[2021, "煤改气", "农村", "县级", 3600]]
    )
    preview = import_then_confirm(client, "subsidies/subsidyrule", upload)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.content.decode()))
    assert confirm_step(preview, "subsidies/subsidyrule") is None
    assert "请选择新标准的生效月份" in text and "请填写修改原因" in text
    rule = SubsidyRule.objects.get(retrofit_type__code="coal_to_gas", area_class="rural", level="county")
    assert rule.amount == Decimal("3500") and not SubsidyRuleChange.objects.exists()


def test_an_imported_rate_change_with_a_month_outside_the_plan_is_refused(users, web):
    client = web(users["admin"])
    upload = workbook(
        ["年度", "改造类型", "城乡", "出资层级", "补助标准（元/户或元/㎡）", "生效月份", "修改原因"],
        [[2021, "煤改气", "农村", "县级", 3600, "2022-01", "调整"]],
    )
    preview = import_then_confirm(client, "subsidies/subsidyrule", upload)
    assert confirm_step(preview, "subsidies/subsidyrule") is None
    assert "不在" in preview.content.decode()
    assert not SubsidyRuleChange.objects.exists()


def test_the_admin_exports_targets_as_xlsx(users, web):
    client = web(users["admin"])
    page = client.get("/admin/counties/target/export/")
    assert page.status_code == 200
    html = page.content.decode()
    fmt = re.search(r'name="format" value="(\d+)"', html).group(1)
    fields = {name: "on" for name in re.findall(r'name="(targetresource_[a-z_0-9]+)"', html)}
    response = client.post("/admin/counties/target/export/", {"format": fmt, "resource": "0", **fields})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("plan", "county", "type", "households")
    assert sum(row[3] for row in rows[1:]) == 89369


def test_a_hostile_workbook_is_refused_by_the_admin_import_with_a_chinese_message(users, web):
    from tests import hostile_xlsx

    client = web(users["admin"])
    counties_before = County.objects.count()
    for content, expected in (
        (hostile_xlsx.one_cell_at("XFD1048576"), "列"),
        (hostile_xlsx.workbook(hostile_xlsx.sheet(), main=hostile_xlsx.XLSM_MAIN), "宏"),
        (hostile_xlsx.workbook(hostile_xlsx.sheet(), main=hostile_xlsx.XLTX_MAIN), "模板"),
    ):
        upload = io.BytesIO(content)
        upload.name = "import.xlsx"
        page = client.get("/admin/counties/county/import/")
        assert page.status_code == 200
        fmt = re.search(r'name="format" value="(\d+)"', page.content.decode()).group(1)
        response = client.post(
            "/admin/counties/county/import/", {"format": fmt, "import_file": upload, "resource": "0"}
        )
        assert response.status_code == 200
        errors = response.context["form"].errors["import_file"]
        assert len(errors) == 1 and expected in errors[0]
        assert response.context.get("confirm_form") is None
        # what the administrator reads: the one message under the file field, and no 确认导入
        shown = re.findall(
            r'<ul class="errorlist" id="id_import_file_error"><li>([^<]*)</li></ul>', response.content.decode()
        )
        assert len(shown) == 1 and expected in shown[0], shown
        assert confirm_step(response, "counties/county") is None
    assert County.objects.count() == counties_before


def test_the_subsidy_rule_export_has_chinese_headers_and_names_not_codes(users, web):
    client = web(users["admin"])
    page = client.get("/admin/subsidies/subsidyrule/export/")
    assert page.status_code == 200
    html = page.content.decode()
    fmt = re.search(r'name="format" value="(\d+)"', html).group(1)
    fields = {name: "on" for name in re.findall(r'name="(subsidyruleresource_[a-z_0-9]+)"', html)}
    response = client.post("/admin/subsidies/subsidyrule/export/", {"format": fmt, "resource": "0", **fields})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == ("年度", "改造类型", "城乡", "出资层级", "补助标准（元/户或元/㎡）")
    assert ("2021", "煤改电", "农村", "市级") in {tuple(str(v) for v in row[:4]) for row in rows[1:]}


def test_an_unknown_retrofit_type_is_a_chinese_error_not_a_does_not_exist(users, web):
    upload = workbook(
        ["年度", "改造类型", "城乡", "出资层级", "补助标准（元/户或元/㎡）"], [[2021, "煤改油", "农村", "市级", 100]]
    )
    preview = import_then_confirm(web(users["admin"]), "subsidies/subsidyrule", upload)
    html = preview.content.decode()
    assert "未知的改造类型“煤改油”" in html and "matching query does not exist" not in html


def test_an_unchanged_rule_row_strikes_nothing_through_in_the_preview(users, web):
    # 2,000 yuan is stored as 2000.00; the workbook says 2000 and the preview must not see a change.
    upload = workbook(
        ["年度", "改造类型", "城乡", "出资层级", "补助标准（元/户或元/㎡）"],
        [[2021, "煤改电", "中心城区及县城", "市级", 2000]],
    )
    html = import_then_confirm(web(users["admin"]), "subsidies/subsidyrule", upload).content.decode()
    assert "<del" not in html and "<ins" not in html
