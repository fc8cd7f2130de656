from decimal import Decimal

import pytest

from reports.models import Report, ReportEvent, ReportStatus
from tests.http import json_of

URL = "/api/v1/reports/"


def body(**overrides):
    data = {
        "plan": 2021,
        "county": "140802",
        "period": "2021-07",
        "lines": [
            {"type": "coal_to_electric", "area_class": "urban", "households": 120},
            {"type": "building_retrofit", "area_class": "urban", "area_m2": "5000"},
        ],
        "narrative": "本月完成煤改电120户。",
    }
    data.update(overrides)
    return data


def test_a_clerk_creates_a_draft_report_with_lines(users, api):
    response = api(users["clerk"]).post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["version"] == 1 and data["county"] == "140802"
    assert {"type": "coal_to_electric", "area_class": "urban", "households": 120, "area_m2": None} in data["lines"]
    assert {"type": "building_retrofit", "area_class": "urban", "households": None, "area_m2": "5000.00"} in data[
        "lines"
    ]
    assert Report.objects.get(pk=data["id"]).lines.count() == 2


def test_the_whole_workflow_submit_return_fix_resubmit_approve(users, api):
    clerk, city = api(users["clerk"]), api(users["city"])
    report = json_of(clerk.post(URL, body(), format="json"), 201)
    rid = report["id"]
    submitted = json_of(clerk.post(f"{URL}{rid}/submit/", {}, format="json"))
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    returned = json_of(city.post(f"{URL}{rid}/return/", {"reason": "煤改电户数与花名册不符"}, format="json"))
    assert returned["status"] == "returned" and returned["return_reason"] == "煤改电户数与花名册不符"
    fixed = json_of(
        clerk.patch(
            f"{URL}{rid}/",
            {
                "version": returned["version"],
                "lines": [{"type": "coal_to_electric", "area_class": "urban", "households": 110}],
            },
            format="json",
        )
    )
    assert fixed["lines"] == [{"type": "coal_to_electric", "area_class": "urban", "households": 110, "area_m2": None}]
    assert json_of(clerk.post(f"{URL}{rid}/submit/", {}, format="json"))["status"] == "submitted"
    approved = json_of(city.post(f"{URL}{rid}/approve/", {}, format="json"))
    assert approved["status"] == "approved"
    history = json_of(city.get(f"{URL}{rid}/history/"))
    assert [e["action"] for e in history] == ["create", "submit", "return", "edit", "submit", "approve"]
    edit = history[3]
    assert edit["actor"] == "clerk-140802"
    assert edit["changes"]["lines"]["coal_to_electric/urban"] == {"before": "120", "after": "110"}
    assert edit["changes"]["lines"]["building_retrofit/urban"] == {"before": "5000.00", "after": "0"}


def test_a_stale_version_gets_409_and_nothing_changes(users, api):
    clerk = api(users["clerk"])
    report = json_of(clerk.post(URL, body(), format="json"), 201)
    first = clerk.patch(
        f"{URL}{report['id']}/", {"version": 1, "narrative": "第一次修改：补充既有建筑节能改造说明。"}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = clerk.patch(f"{URL}{report['id']}/", {"version": 1, "narrative": "覆盖别人的修改"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict" and stale.json()["current_version"] == 2
    assert Report.objects.get(pk=report["id"]).narrative == "第一次修改：补充既有建筑节能改造说明。"
    assert ReportEvent.objects.filter(report_id=report["id"], action="edit").count() == 1


def test_the_progress_api_counts_approved_and_shows_pending_separately(users, api, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100, ("building_retrofit", "urban"): "1000"})
    make_report("140802", "2021-08", {("coal_to_electric", "rural"): 20}, status=ReportStatus.SUBMITTED)
    make_report("140802", "2021-10", {("coal_to_electric", "rural"): 999})
    data = json_of(api(users["city"]).get("/api/v1/plans/2021/progress/?period=2021-09"))
    assert data["plan"] == 2021 and data["period"] == "2021-09"
    yuhu = data["rows"][0]
    assert yuhu["county"] == "140802" and yuhu["county_name"] == "盐湖区"
    assert yuhu["types"]["coal_to_electric"] == {"target": 10000, "completed": 100, "pending": 20, "rate": "0.0100"}
    building = yuhu["types"]["building_retrofit"]
    assert building["completed"] == 10 and building["completed_m2"] == "1000.00"
    assert yuhu["total"]["completed"] == 110 and yuhu["total"]["target"] == 15731
    assert yuhu["total"]["rate"] == str((Decimal(110) / 15731).quantize(Decimal("0.0001")))
    assert data["totals"]["total"]["target"] == 89369


@pytest.mark.parametrize("period", ["2021-13", "abc", "2020-01", "2021-11"])
def test_the_progress_api_refuses_a_bad_period_with_400(users, api, period):
    response = api(users["city"]).get(f"/api/v1/plans/2021/progress/?period={period}")
    assert response.status_code == 400
    assert "period" in response.json()["errors"]


def test_the_list_parameters_narrow_the_list_within_the_callers_scope(users, api, make_report):
    july = make_report("140802", "2021-07")
    august = make_report("140802", "2021-08", status=ReportStatus.SUBMITTED)
    other = make_report("140881", "2021-07")
    city, clerk = api(users["city"]), api(users["clerk"])

    def ids(client, query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids(city, "plan=2021") == {july.pk, august.pk, other.pk}
    assert ids(city, "plan=2022") == set()
    assert ids(city, "county=140881") == {other.pk}
    assert ids(city, "county=") == {july.pk, august.pk, other.pk}
    assert ids(city, "period=2021-07") == {july.pk, other.pk}
    assert ids(city, "status=submitted&county=140802") == {august.pk}
    # A filter never widens the scope: the clerk of 140802 asking for another county gets nothing.
    assert ids(clerk, "county=140881") == set()


def test_one_report_ignores_the_lists_parameters(users, api, make_report):
    report = make_report("140802", "2021-07")
    response = api(users["city"]).get(f"{URL}{report.pk}/?status=x&plan=")
    assert response.status_code == 200
    assert response.json()["id"] == report.pk
