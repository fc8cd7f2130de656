"""Every input rule of the report API: a clear 400 with a field path, and nothing half-saved."""

import pytest

from reports.models import Report, ReportEvent, ReportStatus
from tests.http import json_of

URL = "/api/v1/reports/"


def create(client, **overrides):
    data = {
        "plan": 2021,
        "county": "140802",
        "period": "2021-07",
        "lines": [{"type": "coal_to_electric", "area_class": "urban", "households": 10}],
        "narrative": "本月完成入户改造。",
    }
    data.update(overrides)
    return client.post(URL, data, format="json")


def assert_refused(response, path, fragment=""):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert path in body["errors"], body
    assert fragment in " ".join(body["errors"][path])


@pytest.mark.parametrize(
    ("line", "path", "fragment"),
    [
        ({"type": "coal_to_electric", "area_class": "urban", "households": -1}, "lines.0.households", "负数"),
        ({"type": "coal_to_electric", "area_class": "urban", "households": 1.5}, "lines.0.households", "整数"),
        ({"type": "coal_to_electric", "area_class": "urban", "households": "abc"}, "lines.0.households", "不是数字"),
        ({"type": "coal_to_magic", "area_class": "urban", "households": 1}, "lines.0.type", "未知的改造类型"),
        ({"type": "coal_to_electric", "area_class": "suburb", "households": 1}, "lines.0.area_class", "未知的城乡类别"),
        ({"type": "building_retrofit", "area_class": "urban", "area_m2": "-5"}, "lines.0.area_m2", "负数"),
        ({"type": "building_retrofit", "area_class": "urban", "area_m2": "1.234"}, "lines.0.area_m2", "两位小数"),
        ({"type": "building_retrofit", "area_class": "urban", "households": 5}, "lines.0.households", "按面积"),
    ],
)
def test_a_bad_line_is_refused_with_its_path_and_nothing_is_saved(users, api, line, path, fragment):
    response = create(api(users["clerk"]), lines=[line])
    assert_refused(response, path, fragment)
    assert not Report.objects.exists() and not ReportEvent.objects.exists()


def test_a_line_given_twice_is_refused(users, api):
    line = {"type": "coal_to_gas", "area_class": "rural", "households": 1}
    assert_refused(create(api(users["clerk"]), lines=[line, line]), "lines.1", "重复")


@pytest.mark.parametrize(
    ("period", "fragment"),
    [
        ("2021-7", "格式不正确"),
        ("2021-13", "格式不正确"),
        ("July", "格式不正确"),
        ("2020-12", "不在"),
        ("2021-11", "不在"),
    ],
)
def test_a_malformed_or_out_of_plan_period_is_refused(users, api, period, fragment):
    assert_refused(create(api(users["clerk"]), period=period), "period", fragment)


def test_a_period_that_has_not_begun_is_refused(users, api, settings, tmp_path):
    from datetime import date
    from unittest import mock

    with mock.patch("reports.periods.timezone.localdate", return_value=date(2021, 6, 20)):
        assert_refused(create(api(users["clerk"]), period="2021-07"), "period", "尚未开始")
        assert create(api(users["clerk"]), period="2021-06").status_code == 201


def test_an_unknown_county_or_another_county_is_refused_without_saying_which(users, api):
    unknown = create(api(users["clerk"]), county="149999")
    other = create(api(users["clerk"]), county="140881")
    assert_refused(unknown, "county")
    assert_refused(other, "county")
    assert unknown.json()["errors"] == other.json()["errors"]


def test_an_unknown_plan_is_refused(users, api):
    assert_refused(create(api(users["clerk"]), plan=1999), "plan")


def test_a_second_report_for_the_same_county_and_month_is_refused(users, api):
    assert create(api(users["clerk"])).status_code == 201
    assert_refused(create(api(users["clerk"])), "period", "已存在")
    assert Report.objects.count() == 1


def test_an_oversized_narrative_is_refused(users, api):
    assert_refused(create(api(users["clerk"]), narrative="字" * 5001), "narrative", "5000")


def test_cumulative_above_150_percent_of_target_needs_an_explanation(users, api, make_report):
    clerk = api(users["other_clerk"])  # 永济市 has no coal_to_gas target: any number is above 150 %
    over = [{"type": "coal_to_gas", "area_class": "rural", "households": 1}]
    assert_refused(create(clerk, county="140881", lines=over, narrative="无"), "narrative", "150%")
    assert create(clerk, county="140881", lines=over, narrative="永济市新增煤改气试点1户，计划外。").status_code == 201


def test_cumulative_above_the_target_but_within_150_percent_is_allowed(users, api, make_report):
    make_report("140802", "2021-06", {("district_heating", "urban"): 1400})  # target 1500
    response = create(
        api(users["clerk"]),
        lines=[{"type": "district_heating", "area_class": "urban", "households": 200}],
        narrative="短",
    )
    assert response.status_code == 201


def test_a_locked_report_cannot_be_edited(users, api, make_report):
    report = make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10}, status=ReportStatus.SUBMITTED)
    response = api(users["clerk"]).patch(f"{URL}{report.pk}/", {"version": 1, "narrative": "改一下"}, format="json")
    assert_refused(response, "non_field_errors", "等待市清洁取暖办审核")
    report.status = ReportStatus.APPROVED
    report.save()
    response = api(users["clerk"]).patch(f"{URL}{report.pk}/", {"version": 1, "narrative": "改一下"}, format="json")
    assert_refused(response, "non_field_errors", "已审核通过并锁定")


def test_a_patch_without_a_version_is_refused(users, api):
    report = json_of(create(api(users["clerk"])), 201)
    assert_refused(api(users["clerk"]).patch(f"{URL}{report['id']}/", {"narrative": "x"}, format="json"), "version")


def test_returning_or_reopening_needs_a_reason(users, api, make_report):
    submitted = make_report("140802", "2021-07", {}, status=ReportStatus.SUBMITTED)
    approved = make_report("140802", "2021-08", {})
    assert_refused(api(users["city"]).post(f"{URL}{submitted.pk}/return/", {"reason": ""}, format="json"), "reason")
    assert_refused(api(users["city"]).post(f"{URL}{approved.pk}/reopen/", {}, format="json"), "reason")


def test_submitting_needs_a_narrative(users, api):
    report = json_of(create(api(users["clerk"]), narrative=""), 201)
    assert_refused(api(users["clerk"]).post(f"{URL}{report['id']}/submit/", {}, format="json"), "narrative")


def test_approving_a_draft_is_refused(users, api, make_report):
    draft = make_report("140802", "2021-07", {}, status=ReportStatus.DRAFT)
    assert_refused(api(users["city"]).post(f"{URL}{draft.pk}/approve/", {}, format="json"), "non_field_errors")


def test_malformed_json_is_a_400_not_a_500(users, api):
    response = api(users["clerk"]).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    response = create(api(users["clerk"]), lines="not a list")
    assert response.status_code == 400
