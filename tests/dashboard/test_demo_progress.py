from django.core.management import call_command
from django.db.models import Count

from counties.models import County
from reports.models import Report, ReportStatus
from tests.http import expect


def test_seed_demo_with_progress_fills_every_kind_of_report_once(plan, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    reports = Report.objects.filter(plan=plan)
    periods = set(reports.values_list("period", flat=True))
    assert periods == {"2021-06", "2021-07", "2021-08", "2021-09", "2021-10"}
    statuses = set(reports.values_list("status", flat=True))
    assert statuses == {ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.DRAFT}
    assert any(r.is_late for r in reports)
    expected = County.objects.filter(files_reports=True).count()
    assert reports.filter(period="2021-10").count() < expected  # some are missing
    assert reports.filter(period="2021-06").count() == expected
    assert not reports.filter(county__files_reports=False).exists()
    assert reports.annotate(n=Count("lines")).filter(n=0).count() == 0
    first = reports.count()
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    assert Report.objects.filter(plan=plan).count() == first


def test_the_demo_gives_the_dashboard_something_to_show(plan, web, settings):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    city = get_user_model().objects.get(username="city")
    table = expect(web(city).get("/dashboard/")).context["table"]
    assert table["totals"]["total"]["target"] == 89369
    assert 0 < table["totals"]["total"]["completed"] < 89369 * 2
    assert table["totals"]["total"]["pending"] > 0
    levels = {row["total"]["level"] for row in table["rows"]}
    assert len(levels) >= 2  # some counties ahead of others


def test_the_readme_demo_clerk_finds_a_returned_report_and_a_month_to_file_on_its_home_page(plan, web, settings):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    yuhu = {r.period: r for r in Report.objects.filter(plan=plan, county__code="140802")}
    assert sorted(yuhu) == ["2021-06", "2021-07", "2021-08", "2021-09"]
    assert yuhu["2021-09"].status == ReportStatus.RETURNED and yuhu["2021-09"].return_reason
    clerk = get_user_model().objects.get(username="clerk-140802")
    response = expect(web(clerk).get("/home/"))
    todo = response.context["todo"]
    assert [r["period"] for r in todo["returned"]] == ["2021-09"]
    assert [m["period"] for m in todo["to_file"]] == ["2021-10"]
    assert yuhu["2021-09"].return_reason in response.content.decode()


def test_the_demo_history_is_dated_like_its_reports_not_on_the_day_of_seeding(plan, settings):
    from reports.models import ReportAction, ReportEvent

    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    events = ReportEvent.objects.select_related("report")
    assert events.exists()
    assert {event.at.year for event in events} == {2021}
    for event in events.filter(action=ReportAction.SUBMIT):
        assert event.at == event.report.submitted_at
    for event in events.filter(action=ReportAction.APPROVE):
        assert event.at == event.report.approved_at
