import csv
import hashlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from subsidies.models import Settlement, SubsidyRule
from subsidies.services import settlement_create
from tests.http import expect, html_of, json_of

BASE = "/api/v1/plans/2021/subsidies/"


@pytest.fixture
def reports(make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100, ("coal_to_gas", "rural"): 50})
    make_report("140802", "2021-08", {("building_retrofit", "rural"): "1000"})
    make_report("140881", "2021-08", {("coal_to_electric", "rural"): 7, ("district_heating", "urban"): 300})
    make_report("140881", "2021-09", {("coal_to_electric", "rural"): 1000}, status="submitted")


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def sheet_rows(ws):
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def test_the_workbook_has_a_summary_with_values_equal_to_the_api_and_a_sheet_per_county(users, api, reports):
    client = api(users["finance"])
    body = json_of(client.get(BASE, {"period": "2021-10"}))
    response = client.get(f"{BASE}export.xlsx", {"period": "2021-10"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = workbook(streamed(response))
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 1 + len(body["rows"])
    ws = wb["汇总"]
    rows = sheet_rows(ws)
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    header = next(r for r in rows if r[1] == "县（市、区）")
    assert "煤改电·中心城区及县城·市级" in header and "既有建筑节能改造·农村·县级" in header
    assert not any("集中供热" in str(h) for h in header)
    total_row = next(r for r in rows if r[1] == "合计")
    assert Decimal(str(total_row[-3])) == Decimal(body["totals"]["city_share"])
    assert Decimal(str(total_row[-2])) == Decimal(body["totals"]["county_share"])
    assert Decimal(str(total_row[-1])) == Decimal(body["totals"]["total"])
    yuhu = next(r for r in rows if r[1] == "盐湖区")
    assert Decimal(str(yuhu[-1])) == Decimal(next(r for r in body["rows"] if r["county"] == "140802")["total"])
    # Yuhu: 100×2000 + 50×2800 + 1000×45 = 385,000 city; 100×2000 + 50×3500 + 1000×90 = 465,000 county.
    assert [Decimal(str(v)) for v in yuhu[-3:]] == [Decimal("385000"), Decimal("465000"), Decimal("850000")]
    col = header.index("煤改电·中心城区及县城·市级")
    assert Decimal(str(yuhu[col])) == Decimal("200000")
    assert ws.cell(row=rows.index(yuhu) + 1, column=col + 1).number_format == "#,##0.00"
    notes = " ".join(str(r[0]) for r in rows[:4])
    assert "集中供热" in notes  # the no-rule note


def test_the_county_sheet_details_every_type_and_area_class(users, api, reports):
    wb = workbook(streamed(expect(api(users["finance"]).get(f"{BASE}export.xlsx", {"period": "2021-10"}))))
    ws = wb["140881永济市"]
    rows = sheet_rows(ws)
    line = next(r for r in rows if r[0] == "煤改电" and r[1] == "农村")
    # 7 approved (the submitted 1000 does not count) × 2100 / 2500
    assert line[3] == 7 and Decimal(str(line[5])) == Decimal("14700") and Decimal(str(line[7])) == Decimal("17500")
    heating = next(r for r in rows if r[0] == "集中供热" and r[1] == "中心城区及县城")
    assert heating[3] == 300 and heating[5] == 0 and heating[4] is None
    total = next(r for r in rows if r[0] == "合计")
    assert Decimal(str(total[8])) == Decimal("32200")


def test_the_csv_has_the_summary_rows_and_the_totals(users, api, reports):
    client = api(users["city"])
    body = json_of(client.get(BASE, {"period": "2021-10"}))
    response = client.get(f"{BASE}export.csv", {"period": "2021-10"})
    assert response.status_code == 200
    text = streamed(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1] == "县（市、区）"
    assert rows[-1][1] == "合计" and rows[-1][-1] == body["totals"]["total"]
    assert len(rows) == 2 + len(body["rows"])


def test_a_clerk_exports_only_its_own_county(users, api, reports):
    wb = workbook(streamed(expect(api(users["clerk"]).get(f"{BASE}export.xlsx", {"period": "2021-10"}))))
    assert wb.sheetnames == ["汇总", "140802盐湖区"]
    text = streamed(expect(api(users["clerk"]).get(f"{BASE}export.csv", {"period": "2021-10"}))).decode("utf-8-sig")
    assert "永济市" not in text and "盐湖区" in text


@pytest.mark.parametrize("suffix", ["export.xlsx", "export.csv"])
def test_an_export_with_a_bad_period_is_a_400_in_the_common_shape(users, api, suffix):
    response = api(users["finance"]).get(f"{BASE}{suffix}", {"period": "2021-99"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "period" in response.json()["errors"]


def test_the_export_runs_a_bounded_number_of_queries(users, api, reports, django_assert_max_num_queries):
    client = api(users["finance"])
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}export.xlsx", {"period": "2021-10"}).status_code == 200


# --- settlements ---------------------------------------------------------------------------------


def test_a_settlement_freezes_the_figures_and_hashes_the_stored_file(users, api, reports):
    client = api(users["finance"])
    response = client.post(f"{BASE}settlements/", {"period": "2021-10", "note": "年终结算"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created_by"] == "finance" and body["current"] is True
    assert body["figures"]["totals"] == json_of(client.get(BASE, {"period": "2021-10"}))["totals"]
    download = client.get(f"{BASE}settlements/{body['id']}/export.xlsx")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == body["sha256"]
    wb = workbook(download.content)
    total_row = next(r for r in sheet_rows(wb["汇总"]) if r[1] == "合计")
    assert Decimal(str(total_row[-1])) == Decimal(body["figures"]["totals"]["total"])


def test_later_edits_to_rules_and_reports_do_not_change_a_frozen_settlement(users, api, reports, make_report):
    client = api(users["finance"])
    created = json_of(client.post(f"{BASE}settlements/", {"period": "2021-10"}, format="json"), 201)
    frozen_total = created["figures"]["totals"]["total"]
    SubsidyRule.objects.filter(plan__year=2021).update(amount=Decimal("1"))
    make_report("140882", "2021-09", {("coal_to_electric", "urban"): 5000})
    assert json_of(client.get(BASE, {"period": "2021-10"}))["totals"]["total"] != frozen_total
    again = json_of(client.get(f"{BASE}settlements/{created['id']}/"))
    assert again["figures"]["totals"]["total"] == frozen_total and again["sha256"] == created["sha256"]
    html = json_of(api(users["city"]).get(f"{BASE}settlements/{created['id']}/"))
    assert html["figures"] == created["figures"]


def test_a_second_settlement_must_supersede_the_current_one(users, plan, reports):
    first = settlement_create(plan=plan, period="2021-09", actor=users["finance"])
    with pytest.raises(ValidationError, match="如需重新结算，请选择取代原结算") as error:
        settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    assert "supersede" in error.value.message_dict
    second = settlement_create(plan=plan, period="2021-10", actor=users["finance"], supersede=True)
    first.refresh_from_db()
    assert first.superseded_by == second and second.is_current and not first.is_current
    assert Settlement.objects.filter(superseded_by__isnull=True).count() == 1


def test_a_settlement_with_a_bad_period_is_a_400(users, api):
    response = api(users["finance"]).post(f"{BASE}settlements/", {"period": "2022-01"}, format="json")
    assert response.status_code == 400 and "period" in response.json()["errors"]


def test_the_settlement_page_shows_the_frozen_figures_and_the_hash(users, web, plan, reports):
    settlement = settlement_create(plan=plan, period="2021-10", actor=users["finance"])
    SubsidyRule.objects.filter(plan__year=2021).update(amount=Decimal("1"))
    html = html_of(web(users["city"]).get(f"/plans/2021/subsidies/settlements/{settlement.pk}/"))
    assert settlement.sha256 in html and "850,000.00" in html


def test_finance_settles_from_the_page_after_confirming(users, web, reports):
    client = web(users["finance"])
    page = html_of(client.get("/plans/2021/subsidies/"))
    assert 'id="settlement-form"' in page
    # The first click only checks on the server; nothing is stored before the confirmation.
    checked = client.post("/plans/2021/subsidies/settlements/", {"settlement-period": "2021-10"})
    assert checked.status_code == 200 and 'id="settlement-confirm"' in checked.content.decode()
    assert Settlement.objects.count() == 0
    confirmed = {"settlement-period": "2021-10", "confirmed": "1", "checked_period": "2021-10"}
    response = client.post("/plans/2021/subsidies/settlements/", confirmed)
    assert response.status_code == 302
    again = client.post("/plans/2021/subsidies/settlements/", {"settlement-period": "2021-10"})
    assert again.status_code == 400 and "取代" in again.content.decode()
    assert Settlement.objects.count() == 1
