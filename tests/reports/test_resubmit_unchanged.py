"""A returned report resubmitted unchanged (issue 22, section 4): the page says so before submitting
and asks; it does not refuse (the return may have been a misunderstanding)."""

from html import unescape

import pytest

from reports import services
from reports.models import Report, ReportStatus

REASON = "煤改电农村户数与花名册不符"
WARNING = "该月报退回后未作任何修改（退回原因：" + REASON + "）"


@pytest.fixture
def returned(users, plan, county):
    lines = [{"type": "coal_to_electric", "area_class": "urban", "households": 12}]
    report = services.report_create(
        user=users["clerk"], plan=plan, period="2021-07", county=county, lines=lines, narrative="本月完成12户。"
    )
    report = services.report_submit(user=users["clerk"], report=report)
    return services.report_return(user=users["city"], report=report, reason=REASON)


def form_data(report, **fields):
    return {
        "version": report.version,
        "narrative": report.narrative,
        "problems": "",
        "line__coal_to_electric__urban": "12",
        "then_submit": "1",
        **fields,
    }


def test_submitting_a_returned_report_unchanged_from_its_page_warns_then_submits_when_confirmed(users, web, returned):
    clerk = web(users["clerk"])
    response = clerk.post(f"/reports/{returned.pk}/submit/", {"version": returned.version})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert 'id="submit-confirm"' in html and WARNING in html and "按原样重新报送" in html
    assert Report.objects.get(pk=returned.pk).status == ReportStatus.RETURNED
    response = clerk.post(f"/reports/{returned.pk}/submit/", {"version": returned.version, "confirmed": "1"})
    assert response.status_code == 302
    assert Report.objects.get(pk=returned.pk).status == ReportStatus.SUBMITTED


def test_save_and_submit_of_the_same_figures_warns_and_of_changed_figures_does_not(users, web, returned):
    clerk = web(users["clerk"])
    response = clerk.post(f"/reports/{returned.pk}/edit/", form_data(returned))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert 'id="submit-confirm"' in html and WARNING in html
    response = clerk.post(f"/reports/{returned.pk}/edit/", form_data(returned, line__coal_to_electric__urban="10"))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert 'id="submit-confirm"' in html and "退回后未作任何修改" not in html
    assert Report.objects.get(pk=returned.pk).lines.get().households == 12  # the trial was rolled back


def test_a_returned_report_edited_since_its_return_submits_without_the_warning(users, web, returned):
    services.report_update(user=users["clerk"], report=returned, version=returned.version, narrative="已按花名册核对。")
    returned.refresh_from_db()
    response = web(users["clerk"]).post(f"/reports/{returned.pk}/submit/", {"version": returned.version})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert 'id="submit-confirm"' in html and "退回后未作任何修改" not in html and "确认报送" in html


def test_a_first_submission_never_carries_the_warning(users, web):
    response = web(users["clerk"]).post(
        "/reports/new/?period=2021-07",
        {
            "plan": "2021",
            "period": "2021-07",
            "narrative": "本月推进顺利。",
            "line__coal_to_gas__urban": "3",
            "then_submit": "1",
        },
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert 'id="submit-confirm"' in html and "退回后未作任何修改" not in html
