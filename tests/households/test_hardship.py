"""Hardship households (困难群众) on the roster and the guarantee their county records (issue 23, §4).

The expected figures are counted by hand from the households each test makes."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from counties.models import PlanStatus
from households.models import HardshipGuarantee
from tests.households.helpers import make_household
from tests.http import expect, html_of, json_of

pytestmark = pytest.mark.django_db

ROSTER = "/api/v1/plans/2021/households/"
HARDSHIP = "/api/v1/plans/2021/hardship/"
GUARANTEES = "/api/v1/plans/2021/hardship/guarantees/"
INVALID = "输入有误，请检查后重试。"


@pytest.fixture
def roster(plan):
    """盐湖区: 2 dibao (1 completed, 1 paid), 1 poverty only registered, 1 wubao accepted, 2 without
    hardship; 永济市: 1 poverty completed in 2021-10, 1 without."""
    return {
        "dibao_done": make_household(plan, seq=1, hardship="dibao"),
        "dibao_paid": make_household(plan, seq=2, hardship="dibao", status="paid"),
        "poverty_new": make_household(plan, seq=3, hardship="poverty", status="registered", completed_on=None),
        "wubao": make_household(plan, seq=4, hardship="wubao", status="accepted"),
        "plain": make_household(plan, seq=5),
        "plain2": make_household(plan, seq=6, status="paid"),
        "yongji_poverty": make_household(
            plan, "140881", "coal_to_gas", seq=7, hardship="poverty", completed_on=date(2021, 10, 12)
        ),
        "yongji_plain": make_household(plan, "140881", "coal_to_gas", seq=8),
    }


def ids(body):
    return sorted(r["id"] for r in body["results"])


def guarantee(client, county="140802", **fields):
    body = {"county": county, "one_time_extra": "500", "seasonal_extra": "300.50", "pays_household_share": True}
    body.update(fields)
    return client.put(GUARANTEES, body, format="json")


# --- the roster ----------------------------------------------------------------------------------


def test_the_roster_api_filters_by_one_hardship_category_or_any_of_them(api, users, roster):
    city = api(users["city"])
    assert ids(json_of(city.get(ROSTER, {"hardship": "dibao"}))) == sorted(
        [roster["dibao_done"].pk, roster["dibao_paid"].pk]
    )
    every = {roster[k].pk for k in ("dibao_done", "dibao_paid", "poverty_new", "wubao", "yongji_poverty")}
    assert set(ids(json_of(city.get(ROSTER, {"hardship": "any"})))) == every
    both = json_of(city.get(ROSTER, {"hardship": "poverty", "county": "140881"}))
    assert ids(both) == [roster["yongji_poverty"].pk]
    assert both["results"][0]["hardship"] == "poverty"
    # a clerk's scope first: its county's poverty households only
    assert ids(json_of(api(users["clerk"]).get(ROSTER, {"hardship": "poverty"}))) == [roster["poverty_new"].pk]


def test_an_unknown_hardship_category_is_a_400_in_chinese(api, users, roster):
    response = api(users["city"]).get(ROSTER, {"hardship": "rich"})
    assert json_of(response, 400) == {
        "code": "invalid",
        "detail": INVALID,
        "errors": {"hardship": ["困难类别应为 poverty、dibao、wubao 或 any。"]},
    }


def test_the_roster_page_shows_each_households_category_and_filters_by_it(web, users, roster):
    html = html_of(web(users["city"]).get("/plans/2021/households/", {"hardship": "wubao"}))
    table = html.split('id="household-table"')[1].split("</table>")[0]
    assert table.count("<tr data-id=") == 1
    assert f'data-id="{roster["wubao"].pk}"' in table and '<span class="badge hardship">五保户</span>' in table
    assert '<option value="wubao" selected>五保户</option>' in html
    assert "/plans/2021/hardship/" in html  # the link to the hardship page


# --- the figures ---------------------------------------------------------------------------------


def test_the_summary_counts_each_countys_hardship_households_and_multiplies_its_guarantee(api, users, roster):
    expect(guarantee(api(users["clerk"]), one_time_extra="500", seasonal_extra="300.50"))
    body = json_of(api(users["city"]).get(HARDSHIP))
    rows = {row["county"]: row for row in body["counties"]}
    yuhu = rows["140802"]
    # 4 hardship households; converted: dibao_done, dibao_paid, wubao (3); accepted: dibao_paid, wubao; paid 1
    assert {k: yuhu[k] for k in ("on_roster", "converted", "accepted", "paid")} == {
        "on_roster": 4,
        "converted": 3,
        "accepted": 2,
        "paid": 1,
    }
    assert (yuhu["one_time_due"], yuhu["one_time_paid"], yuhu["seasonal_due"]) == ("1500.00", "500.00", "901.50")
    assert yuhu["guarantee"]["pays_household_share"] is True
    assert yuhu["guarantee"]["recorded_by"] == "clerk-140802"
    yongji = rows["140881"]
    assert (yongji["on_roster"], yongji["converted"], yongji["guarantee"], yongji["one_time_due"]) == (
        1,
        1,
        None,
        "0.00",
    )
    assert len(rows) == 13  # every county of the plan, with or without hardship households
    totals = body["totals"]
    assert (totals["on_roster"], totals["converted"], totals["paid"]) == (5, 4, 1)
    assert (totals["one_time_due"], totals["seasonal_due"]) == ("1500.00", "901.50")


def test_a_clerk_reads_only_its_own_countys_figures(api, users, roster):
    body = json_of(api(users["clerk"]).get(HARDSHIP))
    assert [row["county"] for row in body["counties"]] == ["140802"]
    assert body["totals"]["on_roster"] == 4


def test_the_summary_takes_the_same_queries_with_more_households(api, users, plan, roster):
    client = api(users["city"])
    with CaptureQueriesContext(connection) as few:
        expect(client.get(HARDSHIP))
    for seq in range(20, 40):
        make_household(plan, "140881", seq=seq, hardship="dibao")
    expect(guarantee(api(users["other_clerk"]), county="140881"))
    with CaptureQueriesContext(connection) as more:
        body = json_of(client.get(HARDSHIP))
    assert {row["county"]: row["on_roster"] for row in body["counties"]}["140881"] == 21
    assert len(more.captured_queries) == len(few.captured_queries)


# --- the guarantee -------------------------------------------------------------------------------


def test_each_change_of_a_guarantee_is_kept_and_the_latest_is_in_force(api, users, roster):
    clerk = api(users["clerk"])
    expect(guarantee(clerk, one_time_extra="500", document_number="盐政办〔2021〕3号"))
    body = json_of(guarantee(api(users["city"]), one_time_extra="800", seasonal_extra="0"))
    yuhu = {row["county"]: row for row in body["counties"]}["140802"]
    assert (yuhu["guarantee"]["one_time_extra"], yuhu["one_time_due"], yuhu["seasonal_due"]) == (
        "800.00",
        "2400.00",
        "0.00",
    )
    history = list(HardshipGuarantee.objects.filter(county__code="140802").order_by("id"))
    assert [(g.one_time_extra, g.recorded_by.username) for g in history] == [
        (history[0].one_time_extra, "clerk-140802"),
        (history[1].one_time_extra, "city"),
    ]
    assert str(history[0].one_time_extra) == "500.00" and history[0].document_number == "盐政办〔2021〕3号"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"one_time_extra": "-5"}, {"one_time_extra": ["金额不能为负数。"]}),
        ({"seasonal_extra": "1.234"}, {"seasonal_extra": ["金额最多两位小数。"]}),
    ],
)
def test_a_bad_amount_is_refused_by_name_and_nothing_is_recorded(api, users, roster, fields, errors):
    response = guarantee(api(users["clerk"]), **fields)
    body = json_of(response, 400)
    assert body["code"] == "invalid" and body["errors"] == errors
    assert not HardshipGuarantee.objects.exists()


def test_another_countys_guarantee_is_a_404_for_a_clerk_whatever_the_body(api, users, roster):
    clerk = api(users["clerk"])
    assert json_of(guarantee(clerk, county="140881"), 404)["code"] == "not_found"
    assert json_of(clerk.put(GUARANTEES, {"county": "140881"}, format="json"), 404)["code"] == "not_found"
    assert not HardshipGuarantee.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("finance", 403), ("department", 403), ("norole", 403)])
def test_only_a_county_or_the_city_office_records_a_guarantee(api, users, roster, role, status):
    assert guarantee(api(users[role])).status_code == status
    assert not HardshipGuarantee.objects.exists()


def test_a_closed_year_refuses_a_guarantee_with_a_conflict(api, users, plan, roster):
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    body = json_of(guarantee(api(users["clerk"])), 409)
    assert body["code"] == "conflict" and "已结束" in body["detail"]
    assert not HardshipGuarantee.objects.exists()


def test_the_page_lists_the_figures_and_records_a_guarantee_for_the_clerks_county(web, users, roster):
    client = web(users["clerk"])
    page = html_of(client.get("/plans/2021/hardship/"))
    assert 'id="guarantee-form"' in page and 'data-county="140802"' in page and 'data-county="140881"' not in page
    assert '<option value="140881"' not in page  # a clerk records for its own county only
    saved = client.post(
        "/plans/2021/hardship/",
        {"county": "140802", "one_time_extra": "500", "seasonal_extra": "300.50", "pays_household_share": "on"},
    )
    assert expect(saved, 302)["Location"] == "/plans/2021/hardship/"
    after = html_of(client.get("/plans/2021/hardship/"))
    row = after.split('data-county="140802"')[1].split("</tr>")[0]
    assert "1500.00" in row and "901.50" in row
    refused = client.post("/plans/2021/hardship/", {"county": "140802", "one_time_extra": "-1", "seasonal_extra": "0"})
    assert "金额不能为负数。" in html_of(refused, 400)
    assert HardshipGuarantee.objects.count() == 1


def test_finance_reads_the_page_without_the_form(web, users, roster):
    page = html_of(web(users["finance"]).get("/plans/2021/hardship/"))
    assert 'id="hardship-table"' in page and 'id="guarantee-form"' not in page


# --- the bulletin and the county page ------------------------------------------------------------


def test_the_bulletin_and_the_county_page_say_how_many_hardship_households_are_converted(web, users, roster):
    city = web(users["city"])
    # by the end of 2021-09: 永济市's poverty household (completed 2021-10-12) is not converted yet
    september = html_of(city.get("/bulletin/", {"plan": "2021", "period": "2021-09"}))
    assert '<p id="bulletin-hardship">困难群众 5 户，已改造 3 户。</p>' in september
    october = html_of(city.get("/bulletin/", {"plan": "2021", "period": "2021-10"}))
    assert "困难群众 5 户，已改造 4 户。" in october
    county = html_of(city.get("/counties/140881/", {"plan": "2021", "period": "2021-09"}))
    assert "困难群众 1 户，已改造 0 户。" in county.split('id="county-hardship"')[1].split("</p>")[0]
    docx = expect(city.get("/bulletin/", {"plan": "2021", "period": "2021-10", "format": "docx"}))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "困难群众 5 户，已改造 4 户。" in text


# --- who may do what -----------------------------------------------------------------------------

HARDSHIP_READ = {
    "admin": 200,
    "city": 200,
    "finance": 200,
    "clerk": 200,
    "other_clerk": 200,
    "department": 403,
    "norole": 403,
}


@pytest.mark.parametrize("url", [HARDSHIP, "/plans/2021/hardship/"])
def test_permission_matrix_of_the_hardship_reads(api, web, users, url, roster):
    client = api if url.startswith("/api/") else web
    for role, status in HARDSHIP_READ.items():
        assert client(users[role]).get(url).status_code == status, role
    anonymous = client(None).get(url).status_code
    assert anonymous in ((401, 403) if url.startswith("/api/") else (302,))
    assert client(users["city"]).get(url.replace("2021", "1999")).status_code == 404


@pytest.mark.parametrize(
    ("role", "county", "status"),
    [
        ("admin", "140881", 200),
        ("city", "140881", 200),
        ("clerk", "140802", 200),
        ("clerk", "140881", 404),
        ("other_clerk", "140802", 404),
        ("finance", "140802", 403),
        ("department", "140802", 403),
        ("norole", "140802", 403),
    ],
)
def test_permission_matrix_of_the_guarantee_write(api, web, users, roster, role, county, status):
    assert guarantee(api(users[role]), county=county).status_code == status
    page = web(users[role]).post(
        "/plans/2021/hardship/", {"county": county, "one_time_extra": "1", "seasonal_extra": "1"}
    )
    # the page: a county outside the form's choices is a form error (400); without a form, back with a message
    assert page.status_code == {200: 302, 404: 400, 403: 403 if role in ("department", "norole") else 302}[status]
    assert HardshipGuarantee.objects.count() == (2 if status == 200 else 0)


def test_the_admin_lists_guarantees_but_never_writes_them(web, api, users, roster):
    expect(guarantee(api(users["clerk"])))
    admin = web(users["admin"])
    listing = html_of(admin.get("/admin/households/hardshipguarantee/"))
    assert "盐湖区" in listing and "500.00" in listing
    assert admin.get("/admin/households/hardshipguarantee/add/").status_code == 403


def test_the_page_lists_the_guarantee_records_of_the_counties_in_scope_newest_first(web, api, users, roster):
    expect(guarantee(api(users["clerk"]), one_time_extra="500", document_number="盐政办〔2021〕3号"))
    expect(guarantee(api(users["city"]), one_time_extra="800"))
    expect(guarantee(api(users["other_clerk"]), county="140881", one_time_extra="600"))
    clerk = html_of(web(users["clerk"]).get("/plans/2021/hardship/"))
    history = clerk.split('id="guarantee-history"')[1].split("</details>")[0]
    assert history.count("<tr><td>") == 2 and "永济市" not in history
    assert history.index("800.00") < history.index("500.00") and "盐政办〔2021〕3号" in history
    city = html_of(web(users["city"]).get("/plans/2021/hardship/"))
    assert city.split('id="guarantee-history"')[1].split("</details>")[0].count("<tr><td>") == 3


def test_the_page_exports_its_table_as_a_workbook_with_the_same_figures(web, api, users, roster):
    expect(guarantee(api(users["clerk"]), one_time_extra="500", seasonal_extra="300.50"))
    response = expect(web(users["city"]).get("/plans/2021/hardship/", {"format": "xlsx"}))
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    yuhu = next(row for row in values if row and row[0] == "盐湖区")
    # the page's figures: 4 on the roster, 3 converted, 2 accepted, 1 paid; 3 × 500, 1 × 500, 3 × 300.50
    assert yuhu[1:5] == (4, 3, 2, 1)
    assert [Decimal(str(v)) for v in (yuhu[5], yuhu[6], yuhu[8], yuhu[9], yuhu[10])] == [
        Decimal("500"),
        Decimal("300.5"),
        Decimal("1500"),
        Decimal("500"),
        Decimal("901.5"),
    ]
    assert yuhu[7] == "是"
    total = next(row for row in values if row and row[0] == "合计")
    assert total[1:5] == (5, 4, 2, 1)
    assert sum(1 for row in values if row and row[0] in ("永济市", "盐湖区")) == 2


def test_a_departments_county_page_counts_the_hardship_households_of_its_own_types(web, users, plan, roster):
    make_household(plan, type_code="coal_to_gas", seq=30, hardship="dibao")  # not the department's type

    def line(user):
        page = html_of(web(user).get("/counties/140802/", {"plan": "2021"}))
        return page.split('id="county-hardship"')[1].split("</p>")[0]

    assert "困难群众 5 户" in line(users["city"])
    assert "困难群众 4 户" in line(users["department"])  # coal_to_electric only
