"""A blank cell is not a zero (issue 22, section 4): a month with nothing entered is refused on
submission, in the page and in the API alike (one rule, in the service); a draft may stay blank; an
all-zero month is a report of no progress and, like every month, needs its narrative."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError

from counties.models import AreaClass, RetrofitType
from reports import services
from reports.models import Report, ReportStatus

BLANK = "本月未填写任何数据；如本月确无进展，请在各项填 0 并在说明中写明"
URL = "/api/v1/reports/"


def every_cell(value) -> dict:
    cells = {}
    for retrofit_type in RetrofitType.objects.all():
        for area_class in AreaClass.values:
            cells[f"line__{retrofit_type.code}__{area_class}"] = value
    return cells


def form(**fields):
    return {"narrative": "", "problems": "", "period": "2021-07", "plan": "2021", **fields}


def test_a_blank_month_can_be_saved_as_a_draft_but_not_submitted_from_the_page(users, web):
    clerk = web(users["clerk"])
    response = clerk.post("/reports/new/", form(**every_cell(""), narrative="还没统计完。"))
    report = Report.objects.get(county__code="140802", period="2021-07")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/edit/"
    assert not report.lines.exists()
    data = form(**every_cell(""), narrative="还没统计完。", version=report.version, then_submit="1")
    response = clerk.post(f"/reports/{report.pk}/edit/", data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert BLANK in html and 'id="submit-confirm"' not in html
    response = clerk.post(f"/reports/{report.pk}/submit/", {"version": report.version, "confirmed": "1"}, follow=True)
    assert response.status_code == 200 and BLANK in unescape(response.content.decode())
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_zeros_typed_in_every_cell_are_kept_shown_back_and_submit_with_a_narrative(users, web):
    clerk = web(users["clerk"])
    response = clerk.post("/reports/new/", form(**every_cell("0"), narrative="本月因降雪停工，各项均无进展。"))
    assert response.status_code == 302
    report = Report.objects.get(county__code="140802", period="2021-07")
    assert report.lines.count() == 2 * RetrofitType.objects.count()
    assert all(not line.households and not line.area_m2 for line in report.lines.all())
    page = clerk.get(f"/reports/{report.pk}/edit/")
    assert page.status_code == 200
    assert 'name="line__coal_to_electric__urban" value="0"' in page.content.decode()
    response = clerk.post(f"/reports/{report.pk}/submit/", {"version": report.version, "confirmed": "1"})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_the_api_refuses_to_submit_a_month_with_no_line_entered(users, api):
    clerk = api(users["clerk"])
    response = clerk.post(
        URL, {"plan": 2021, "county": "140802", "period": "2021-07", "narrative": "推进中。"}, format="json"
    )
    assert response.status_code == 201
    response = clerk.post(f"{URL}{response.json()['id']}/submit/", {}, format="json")
    assert response.status_code == 400
    assert BLANK in response.content.decode()
    assert Report.objects.get().status == ReportStatus.DRAFT


def test_the_api_submits_an_all_zero_month_with_a_narrative(users, api):
    clerk = api(users["clerk"])
    zeros = [{"type": "coal_to_electric", "area_class": "rural", "households": 0}]
    body = {"plan": 2021, "county": "140802", "period": "2021-07", "narrative": "本月确无进展。", "lines": zeros}
    response = clerk.post(URL, body, format="json")
    assert response.status_code == 201
    assert clerk.post(f"{URL}{response.json()['id']}/submit/", {}, format="json").status_code == 200
    assert Report.objects.get().status == ReportStatus.SUBMITTED


def test_an_all_zero_month_without_a_narrative_is_refused_for_its_narrative(users, plan, county):
    zeros = [{"type": "coal_to_gas", "area_class": "urban", "households": "0"}]
    report = services.report_create(user=users["clerk"], plan=plan, period="2021-07", county=county, lines=zeros)
    with pytest.raises(ValidationError, match="报送前请填写“当月工作推进情况”") as caught:
        services.report_submit(user=users["clerk"], report=report)
    assert "lines" not in caught.value.message_dict


def test_a_blank_month_without_a_narrative_is_told_both(users, plan, county):
    report = services.report_create(user=users["clerk"], plan=plan, period="2021-07", county=county)
    with pytest.raises(ValidationError, match="本月未填写任何数据") as caught:
        services.report_submit(user=users["clerk"], report=report)
    assert set(caught.value.message_dict) == {"lines", "narrative"}


def test_a_department_report_has_no_figures_and_submits_on_its_narrative(users, plan):
    report = services.report_create(user=users["department"], plan=plan, period="2021-07", narrative="完成电网改造。")
    assert services.report_submit(user=users["department"], report=report).status == ReportStatus.SUBMITTED
