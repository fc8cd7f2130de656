"""The assessment's files: the league workbook (opened with openpyxl) and the result notice (考核结果通报,
opened with python-docx), each read against the API's detail of the same assessment, from the API and
from the pages."""

import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from docx import Document
from openpyxl import load_workbook

from assessments import services
from counties.models import DocumentKind, DocumentNumber
from tests.assessments import scenario, states
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.invalid/","点此核对")'
TITLE = "关于2021年度冬季清洁取暖工作目标责任考核结果的通报"
NUMBER_BLANK = "运清洁取暖办〔2021〕\u3000\u3000号"


def api_file(assessment, name):
    return f"/api/v1/plans/2021/assessments/{assessment.pk}/{name}"


def page_file(assessment, name):
    return f"/plans/2021/assessments/{assessment.pk}/{name}"


@pytest.fixture
def final(plan, users, make_report):
    """The scenario's year (points that differ by county), an adjustment whose reason reads like a
    formula, published and finalised."""
    records = scenario.build(plan=plan, users=users, make_report=make_report)
    city = users["city"]
    services.scheme_update(plan=plan, rules=scenario.RULES, actor=city)
    services.air_quality_set(
        plan=plan, county=records["yuhu"], value="45", target="50", source="市生态环境局", actor=city
    )
    assessment = states.draft(plan, users)
    states.adjust(assessment, users, code="140802", points="2", reason=FORMULA, basis="运清洁取暖办〔2021〕8号")
    states.adjust(assessment, users, code="140881", points="-3", reason="瞒报", basis="督查通报")
    assessment = services.assessment_publish(assessment=assessment, actor=city)
    return services.assessment_finalize(assessment=assessment, actor=city)


def detail_counties(api, user, assessment):
    return json_of(api(user).get(f"/api/v1/plans/2021/assessments/{assessment.pk}/"))["counties"]


def workbook(response):
    expect(response)
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def league_rows(ws):
    """The league sheet's county rows, read by their headers: two header rows (a label that spans both
    is written in the upper one), 得分 columns for the city office, one column per indicator for the
    other readers."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if row[0] == "县（市、区）")
    header = [below if below is not None else above for above, below in zip(rows[start], rows[start + 1], strict=True)]
    points = [i for i, h in enumerate(header) if h == "得分"] or list(range(1, header.index("加减分")))
    found = []
    for row in rows[start + 2 :]:
        if row[0] is None:
            break
        found.append(
            {
                "county_name": row[0],
                "points": [Decimal(str(row[i])) for i in points],
                "total": Decimal(str(row[header.index("总分")])),
                "rank": row[header.index("名次")],
                "grade_name": row[header.index("等次")],
                "fund_coefficient": Decimal(str(row[header.index("资金系数")])),
            }
        )
    return found


def league_expected(counties):
    return [
        {
            "county_name": row["county_name"],
            "points": [Decimal(i["points"]) for i in row["indicators"]],
            "total": Decimal(row["total"]),
            "rank": row["rank"],
            "grade_name": row["grade_name"],
            "fund_coefficient": Decimal(row["fund_coefficient"]),
        }
        for row in counties
    ]


# --- the league workbook --------------------------------------------------------------------------


@pytest.mark.parametrize("where", [api_file, page_file], ids=["api", "page"])
@pytest.mark.parametrize("role", ["city", "finance"])
def test_the_league_sheet_is_the_apis_league_row_for_row(api, web, users, final, where, role):
    client = api(users[role]) if where is api_file else web(users[role])
    response = client.get(where(final, "export.xlsx"))
    wb = workbook(response)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("2021年度年终考核_第1版.xlsx")
    counties = detail_counties(api, users[role], final)
    assert league_rows(wb["考核结果"]) == league_expected(counties)
    assert len(counties) == 13
    # Not a league of equals: the scenario's counties differ.
    assert len({row["total"] for row in counties}) > 1


def test_a_clerk_before_the_final_result_gets_its_own_countys_breakdown_only(api, web, users, plan):
    assessment = states.published(plan, users)
    for response in (
        api(users["clerk"]).get(api_file(assessment, "export.xlsx")),
        web(users["clerk"]).get(page_file(assessment, "export.xlsx")),
    ):
        wb = workbook(response)
        assert wb.sheetnames == ["盐湖区"]
        cells = {cell for row in wb["盐湖区"].iter_rows(values_only=True) for cell in row}
        assert "永济市" not in cells and "名次" not in str(cells)
        # 永济市's adjustment is not the clerk's to see.
        assert "超额完成煤改电任务" not in cells


def test_a_clerk_after_the_final_result_gets_the_league_and_its_own_breakdown(api, users, final):
    wb = workbook(api(users["clerk"]).get(api_file(final, "export.xlsx")))
    assert wb.sheetnames == ["考核结果", "盐湖区"]
    assert league_rows(wb["考核结果"]) == league_expected(detail_counties(api, users["clerk"], final))


def test_a_reason_that_reads_like_a_formula_is_written_as_text(api, users, final):
    wb = workbook(api(users["city"]).get(api_file(final, "export.xlsx")))
    reasons = [row[4] for row in wb["盐湖区"].iter_rows() if row[0].value == "加减分"]
    assert [(cell.value, cell.data_type) for cell in reasons] == [(FORMULA, "s")]
    assert all(cell.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for cell in row)


def test_exporting_a_draft_takes_a_bounded_number_of_queries(api, users, plan, django_assert_max_num_queries):
    # The draft is computed once for the league and its 13 breakdowns, not once per county.
    assessment = states.draft(plan, users)
    with django_assert_max_num_queries(25):
        wb = workbook(api(users["city"]).get(api_file(assessment, "export.xlsx")))
    assert len(wb.sheetnames) == 14


# --- the result notice ----------------------------------------------------------------------------


def notice(response):
    expect(response)
    return Document(io.BytesIO(response.content))


def test_the_notice_numbers_itself_on_the_city_offices_first_download_and_keeps_the_number(api, web, users, final):
    assert NUMBER_BLANK in [p.text for p in notice(web(users["clerk"]).get(page_file(final, "notice.docx"))).paragraphs]
    assert not DocumentNumber.objects.exists()  # a clerk's download gives no 文号
    first = [p.text for p in notice(web(users["city"]).get(page_file(final, "notice.docx"))).paragraphs]
    given = DocumentNumber.objects.get(kind=DocumentKind.ASSESSMENT)
    assert given.number == "运清洁取暖办〔2021〕1号"
    assert first[1] == given.number and first[3] == TITLE
    second = [p.text for p in notice(api(users["city"]).get(api_file(final, "notice.docx"))).paragraphs]
    assert second[1] == given.number
    assert [p.text for p in notice(web(users["clerk"]).get(page_file(final, "notice.docx"))).paragraphs][1] == (
        given.number
    )
    assert DocumentNumber.objects.count() == 1


@pytest.mark.parametrize("where", [api_file, page_file], ids=["api", "page"])
def test_the_notices_table_is_the_league_by_rank(api, web, users, final, where):
    client = api(users["finance"]) if where is api_file else web(users["finance"])
    response = client.get(where(final, "notice.docx"))
    document = notice(response)
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote(
        "2021年度年终考核_第1版_考核结果通报.docx"
    )
    assert TITLE in [p.text for p in document.paragraphs]
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert table[0] == ["名次", "县（市、区）", "总分", "等次", "资金系数"]
    counties = detail_counties(api, users["finance"], final)
    by_rank = sorted(enumerate(counties), key=lambda item: (item[1]["rank"], item[0]))
    expected = [
        [str(r["rank"]), r["county_name"], r["total"], r["grade_name"], r["fund_coefficient"]] for _i, r in by_rank
    ]
    assert table[1:] == expected
    assert [int(row[0]) for row in table[1:]] == sorted(int(row[0]) for row in table[1:])


def test_there_is_no_notice_before_the_final_result(api, web, users, plan):
    assessment = states.published(plan, users)
    response = api(users["city"]).get(api_file(assessment, "notice.docx"))
    assert json_of(response, 409) == {
        "code": "conflict",
        "detail": "考核结果定稿后才能生成考核结果通报。",
        "current_version": None,
    }
    page = expect(web(users["city"]).get(page_file(assessment, "notice.docx")), 409)
    assert "考核结果定稿后才能生成考核结果通报。" in page.content.decode()
    assert not DocumentNumber.objects.exists()
