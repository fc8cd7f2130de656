from datetime import date
from unittest import mock

from django.core import mail
from django.core.management import call_command

from reports.models import Report, ReportStatus
from tests.http import expect, json_of

URL = "/api/v1/reports/"


def test_a_report_first_submitted_after_its_deadline_is_late_and_stays_late_on_resubmission(users, api):
    clerk, city = api(users["clerk"]), api(users["city"])
    with mock.patch("reports.periods.timezone.localdate", return_value=date(2021, 7, 20)):
        report = json_of(
            clerk.post(
                URL,
                {
                    "plan": 2021,
                    "county": "140802",
                    "period": "2021-07",
                    "narrative": "按期推进中。",
                    "lines": [{"type": "coal_to_electric", "area_class": "urban", "households": 3}],
                },
                format="json",
            ),
            201,
        )
    assert clerk.post(f"{URL}{report['id']}/submit/", {}, format="json").status_code == 200
    # the test runs years after July 2021: the first submission is late
    data = json_of(city.get(f"{URL}{report['id']}/"))
    assert data["is_late"] is True and data["deadline"] == "2021-07-31"


def test_a_report_submitted_on_the_last_day_is_on_time(plan, make_report):
    report = make_report("140802", "2021-07", {}, status=ReportStatus.SUBMITTED, submitted_on=date(2021, 7, 31))
    assert not report.is_late
    report = make_report("140802", "2021-08", {}, status=ReportStatus.SUBMITTED, submitted_on=date(2021, 9, 1))
    assert report.is_late


def test_reopening_an_approved_report_takes_it_out_of_official_progress(users, api, make_report):
    report = make_report("140802", "2021-07", {("coal_to_electric", "urban"): 50})
    progress = lambda: json_of(api(users["city"]).get("/api/v1/plans/2021/progress/?period=2021-07"))["rows"][0]  # noqa: E731
    assert progress()["types"]["coal_to_electric"]["completed"] == 50
    response = api(users["city"]).post(f"{URL}{report.pk}/reopen/", {"reason": "数据需更正"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert progress()["types"]["coal_to_electric"]["completed"] == 0
    # the clerk can edit again
    edited = api(users["clerk"]).patch(
        f"{URL}{report.pk}/",
        {
            "version": response.json()["version"],
            "lines": [{"type": "coal_to_electric", "area_class": "urban", "households": 45}],
        },
        format="json",
    )
    assert edited.status_code == 200


def test_a_department_files_a_narrative_report_without_counts(users, api):
    dept = api(users["department"])
    response = dept.post(
        URL, {"plan": 2021, "period": "2021-07", "narrative": "市能源局：督导各县煤改电电网配套。"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["county"] is None and data["department"] == "市能源局" and data["lines"] == []
    assert json_of(dept.post(f"{URL}{data['id']}/submit/", {}, format="json"))["status"] == "submitted"
    assert json_of(api(users["city"]).post(f"{URL}{data['id']}/approve/", {}, format="json"))["status"] == "approved"
    with_counts = dept.post(
        URL,
        {
            "plan": 2021,
            "period": "2021-08",
            "narrative": "x",
            "lines": [{"type": "coal_to_electric", "area_class": "urban", "households": 1}],
        },
        format="json",
    )
    assert with_counts.status_code == 400 and "lines" in with_counts.json()["errors"]
    assert dept.post(URL, {"plan": 2021, "county": "140802", "period": "2021-08"}, format="json").status_code == 403


def test_a_department_sees_county_reports_but_only_its_own_types(users, api, make_report):
    report = make_report("140802", "2021-07", {("coal_to_electric", "urban"): 5, ("coal_to_gas", "urban"): 7})
    data = json_of(api(users["department"]).get(f"{URL}{report.pk}/"))
    assert [line["type"] for line in data["lines"]] == ["coal_to_electric"]
    progress = json_of(api(users["department"]).get("/api/v1/plans/2021/progress/?period=2021-07"))
    assert list(progress["rows"][0]["types"]) == ["coal_to_electric"]


def test_the_list_filters_by_plan_county_period_and_status_and_is_paginated(users, api, make_report):
    make_report("140802", "2021-07", {})
    make_report("140802", "2021-08", {}, status=ReportStatus.SUBMITTED)
    make_report("140881", "2021-08", {})
    city = api(users["city"])
    assert json_of(city.get(f"{URL}?plan=2021"))["count"] == 3
    assert json_of(city.get(f"{URL}?county=140802"))["count"] == 2
    assert json_of(city.get(f"{URL}?period=2021-08"))["count"] == 2
    assert json_of(city.get(f"{URL}?status=submitted"))["count"] == 1
    assert city.get(f"{URL}?status=nonsense").status_code == 400
    assert city.get(f"{URL}?period=2021-99").status_code == 400
    assert json_of(api(users["clerk"]).get(URL))["count"] == 2
    assert json_of(api(users["other_clerk"]).get(f"{URL}?county=140802"))["count"] == 0


def test_the_report_list_api_query_count_does_not_grow_with_reports(
    users, api, make_report, django_assert_max_num_queries
):
    for period in ("2021-06", "2021-07", "2021-08"):
        for code in ("140802", "140881", "140882", "140821"):
            make_report(code, period, {("coal_to_electric", "urban"): 1, ("coal_to_gas", "rural"): 2})
    with django_assert_max_num_queries(8):
        assert json_of(api(users["city"]).get(URL))["count"] == 12


def test_remind_overdue_mails_clerks_with_missing_or_draft_reports_once_a_day(users, make_report, capsys):
    from counties.models import County, Role
    from counties.services import user_set_role

    users["clerk"].email = "yanhu@example.invalid"
    users["clerk"].save()
    users["other_clerk"].email = "yongji@example.invalid"
    users["other_clerk"].save()
    wanrong = County.objects.get(code="140822")
    user_set_role(
        username="clerk-140822",
        password="x" * 12,
        role=Role.COUNTY_CLERK,
        county=wanrong,
        email="wanrong@example.invalid",
    )
    make_report("140802", "2021-07", {}, status=ReportStatus.DRAFT)  # draft: reminded
    make_report("140881", "2021-07", {}, status=ReportStatus.SUBMITTED)  # submitted: not reminded
    # 140822 has no report: reminded; the other ten counties have no clerk with e-mail
    call_command("remind_overdue", "--period", "2021-07")
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert recipients == ["wanrong@example.invalid", "yanhu@example.invalid"]
    assert all("2021-07" in m.subject for m in mail.outbox)
    assert "已提醒 2 个" in capsys.readouterr().out
    call_command("remind_overdue", "--period", "2021-07")
    assert len(mail.outbox) == 2
    assert "今日已提醒过 2 个" in capsys.readouterr().out


def test_remind_overdue_outside_any_plan_says_so_and_sends_nothing(plan, capsys):
    call_command("remind_overdue", "--period", "2026-10")
    assert "不在任何年度方案" in capsys.readouterr().out
    assert mail.outbox == []


def test_every_change_is_audited_with_who_and_what(users, api):
    clerk = api(users["clerk"])
    report = json_of(
        clerk.post(
            URL,
            {
                "plan": 2021,
                "county": "140802",
                "period": "2021-07",
                "narrative": "第一版",
                "lines": [{"type": "coal_to_gas", "area_class": "rural", "households": 3}],
            },
            format="json",
        ),
        201,
    )
    expect(clerk.patch(f"{URL}{report['id']}/", {"version": 1, "narrative": "第二版"}, format="json"))
    events = json_of(api(users["city"]).get(f"{URL}{report['id']}/history/"))
    assert events[0]["action"] == "create" and events[0]["changes"]["lines"] == {
        "coal_to_gas/rural": {"before": "0", "after": "3"}
    }
    assert events[1]["changes"]["fields"]["narrative"] == {"before": "第一版", "after": "第二版"}
    assert all(e["actor"] == "clerk-140802" for e in events)
    assert Report.objects.get(pk=report["id"]).version == 2
