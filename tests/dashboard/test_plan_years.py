"""A year on every page (issue 19 §2): ?plan=<year>, the header's year switch, to-do lists over every
open year, and the year-on-year comparison."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counties.models import County, Plan, PlanStatus, Profile, RetrofitType, Role, Target
from counties.services import user_set_role
from reports.models import Report, ReportStatus
from tests.conftest import PASSWORD

# The 2022 plan's annex, made up for the tests: three targets only.
TARGETS_2022 = {
    ("140802", "coal_to_electric"): 5000,
    ("140802", "coal_to_gas"): 300,
    ("140881", "coal_to_electric"): 800,
}
CITY_TARGET_2022 = 5000 + 300 + 800


def make_plan(year, status=PlanStatus.PUBLISHED, targets=None):
    plan = Plan.objects.create(
        year=year,
        title=f"运城市{year}年冬季清洁取暖工作实施方案",
        status=status,
        document_date=date(year, 6, 1),
        deadline=date(year, 10, 31),
    )
    types = {t.code: t for t in RetrofitType.objects.all()}
    for (code, type_code), households in (targets or {}).items():
        Target.objects.create(
            plan=plan, county=County.objects.get(code=code), retrofit_type=types[type_code], households=households
        )
    return plan


@pytest.fixture
def plan_2022(plan):
    return make_plan(2022, targets=TARGETS_2022)


def in_plan(report, plan):
    Report.objects.filter(pk=report.pk).update(plan=plan)
    report.refresh_from_db()
    return report


def test_the_dashboard_shows_the_figures_of_the_year_asked_for(web, users, plan, plan_2022):
    client = web(users["city"])
    first = client.get("/dashboard/?plan=2021")
    assert first.status_code == 200
    expected_2021 = sum(Target.objects.filter(plan=plan).values_list("households", flat=True))
    assert first.context["table"]["totals"]["total"]["target"] == expected_2021
    second = client.get("/dashboard/?plan=2022")
    assert second.status_code == 200
    assert second.context["table"]["totals"]["total"]["target"] == CITY_TARGET_2022
    # The header's switch shows the year, and the navigation's links carry it.
    html = second.content.decode()
    assert '<option value="2022" selected>' in html
    assert 'href="/dashboard/status/?plan=2022"' in html


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("city", "/dashboard/status/"),
        ("city", "/dashboard/trends/"),
        ("city", "/bulletin/"),
        ("city", "/counties/140802/"),
        ("city", "/reports/"),
        ("city", "/inspections/"),
        ("city", "/inspections/rectifications/"),
        ("clerk", "/counties/140802/"),
        ("clerk", "/bulletin/"),
        ("clerk", "/reports/"),
        ("clerk", "/home/"),
    ],
)
def test_every_page_outside_plans_year_shows_the_year_asked_for(web, users, plan_2022, role, url):
    client = web(users[role])
    for year in (2021, 2022):
        response = client.get(url, {"plan": year})
        assert response.status_code == 200, (url, year)
        assert response.context["plan"].year == year
        assert response.context["nav_plan_year"] == year


def test_the_report_list_lists_only_the_years_reports(web, users, plan_2022, make_report):
    old = make_report("140802", "2021-08", {("coal_to_electric", "urban"): 10})
    new = in_plan(make_report("140802", "2022-08", {("coal_to_electric", "urban"): 20}), plan_2022)
    client = web(users["city"])
    response = client.get("/reports/", {"plan": 2021})
    assert response.status_code == 200
    assert [r.pk for r in response.context["reports"]] == [old.pk]
    response = client.get("/reports/", {"plan": 2022})
    assert response.status_code == 200
    assert [r.pk for r in response.context["reports"]] == [new.pk]


def test_the_county_page_shows_the_years_targets(web, users, plan, plan_2022):
    response = web(users["clerk"]).get("/counties/140802/", {"plan": 2022})
    assert response.status_code == 200
    assert response.context["data"]["row"]["total"]["target"] == 5000 + 300
    response = web(users["clerk"]).get("/counties/140802/", {"plan": 2021})
    assert response.status_code == 200
    expected = sum(Target.objects.filter(plan=plan, county__code="140802").values_list("households", flat=True))
    assert response.context["data"]["row"]["total"]["target"] == expected


def test_without_a_year_a_page_shows_the_current_plan(web, users, plan, plan_2022):
    # Today (after both windows) the current plan is the latest published: 2022.
    response = web(users["city"]).get("/dashboard/")
    assert response.status_code == 200
    assert response.context["plan"].year == 2022


def test_the_header_switch_remembers_the_year_across_requests_and_sessions(web, users, plan, plan_2022):
    client = web(users["clerk"])
    response = client.post("/plans/switch/", {"plan": "2021", "next": "/counties/140802/?period=2021-08"})
    assert response.status_code == 302
    assert response["Location"] == "/counties/140802/?period=2021-08&plan=2021"
    response = client.get("/counties/140802/")
    assert response.status_code == 200
    assert response.context["plan"].year == 2021
    assert Profile.objects.get(user=users["clerk"]).plan_year == 2021
    # A new session (another browser, a new sign-in) starts in the remembered year.
    response = web(users["clerk"]).get("/bulletin/")
    assert response.status_code == 200
    assert response.context["plan"].year == 2021
    # ?plan= still wins over the remembered year, without changing it.
    response = client.get("/bulletin/", {"plan": 2022})
    assert response.status_code == 200
    assert response.context["plan"].year == 2022
    assert Profile.objects.get(user=users["clerk"]).plan_year == 2021


def test_an_account_without_a_profile_keeps_the_year_for_its_session(web, users, plan, plan_2022):
    Profile.objects.filter(user=users["admin"]).delete()
    client = web(users["admin"])
    assert client.post("/plans/switch/", {"plan": "2021", "next": "/dashboard/"}).status_code == 302
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["plan"].year == 2021


def test_the_switch_on_a_plans_year_page_goes_to_the_same_page_of_the_new_year(web, users, plan, plan_2022):
    response = web(users["city"]).post("/plans/switch/", {"plan": "2022", "next": "/plans/2021/targets/?x=1&plan=2021"})
    assert response.status_code == 302
    assert response["Location"] == "/plans/2022/targets/?x=1"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/home/", "//evil.example/home/", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_switch_refuses_to_send_the_user_to_another_site(web, users, plan, plan_2022, next_url):
    response = web(users["city"]).post("/plans/switch/", {"plan": "2022", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/home/?plan=2022"


def test_the_switch_refuses_an_unknown_year_and_a_get(web, users, plan):
    client = web(users["city"])
    assert client.post("/plans/switch/", {"plan": "2099", "next": "/home/"}).status_code == 404
    assert client.get("/plans/switch/").status_code == 405
    assert web(None).post("/plans/switch/", {"plan": "2021"}).status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/counties/140802/?plan=2023",
        "/bulletin/?plan=2023",
        "/reports/?plan=2023",
        "/home/?plan=2023",
        "/inspections/?plan=2023",
        "/plans/2023/targets/",
        "/plans/2023/subsidies/",
        "/plans/2023/households/",
    ],
)
def test_a_clerk_asking_for_a_draft_year_gets_404_on_pages(web, users, plan, url):
    make_plan(2023, status=PlanStatus.DRAFT, targets=TARGETS_2022)
    assert web(users["clerk"]).get(url).status_code == 404
    assert web(users["city"]).get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/2023/targets/",
        "/api/v1/plans/2023/progress/",
        "/api/v1/plans/2023/subsidies/",
        "/api/v1/plans/2023/households/",
    ],
)
def test_a_clerk_asking_for_a_draft_year_gets_404_in_the_api(api, users, plan, url):
    make_plan(2023, status=PlanStatus.DRAFT, targets=TARGETS_2022)
    assert api(users["clerk"]).get(url).status_code == 404
    assert api(users["city"]).get(url).status_code == 200


def test_a_clerk_cannot_switch_to_a_draft_year(web, users, plan):
    make_plan(2023, status=PlanStatus.DRAFT)
    assert web(users["clerk"]).post("/plans/switch/", {"plan": "2023", "next": "/home/"}).status_code == 404
    assert Profile.objects.get(user=users["clerk"]).plan_year is None


def test_the_city_to_do_keeps_a_2021_report_waiting_after_2022_is_published(web, users, plan, make_report):
    waiting = make_report("140881", "2021-09", {("coal_to_electric", "urban"): 5}, status=ReportStatus.SUBMITTED)
    make_plan(2022, targets=TARGETS_2022)
    response = web(users["city"]).get("/home/")
    assert response.status_code == 200
    assert response.context["plan"].year == 2022
    review = response.context["todo"]["review"]
    assert [(r["year"], r["period"]) for r in review] == [(2021, "2021-09")]
    html = response.content.decode()
    assert f'href="/reports/{waiting.pk}/"' in html
    assert "2021 年度" in html


def test_a_closed_year_leaves_the_to_do(web, users, plan, make_report):
    make_report("140881", "2021-09", {("coal_to_electric", "urban"): 5}, status=ReportStatus.SUBMITTED)
    make_plan(2022, targets=TARGETS_2022)
    Plan.objects.filter(year=2021).update(status=PlanStatus.CLOSED)
    response = web(users["city"]).get("/home/")
    assert response.status_code == 200
    assert response.context["todo"]["review"] == []


def test_a_clerks_to_do_keeps_a_returned_2021_report_after_2022_is_published(web, users, plan, make_report):
    returned = make_report("140802", "2021-08", {("coal_to_electric", "urban"): 5}, status=ReportStatus.RETURNED)
    make_plan(2022, targets=TARGETS_2022)
    response = web(users["clerk"]).get("/home/")
    assert response.status_code == 200
    todo = response.context["todo"]
    assert [(r["year"], r["period"]) for r in todo["returned"]] == [(2021, "2021-08")]
    # Both years' unfiled months are listed, each with its year.
    assert {item["year"] for item in todo["to_file"]} == {2021, 2022}
    html = response.content.decode()
    assert f'href="/reports/{returned.pk}/edit/"' in html
    assert 'href="/reports/new/?plan=2022&amp;period=2022-06"' in html
    assert "2021 年度" in html and "2022 年度" in html


# --- the year-on-year comparison ------------------------------------------------------------------


@pytest.fixture
def two_years(plan, plan_2022, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1000, ("coal_to_gas", "rural"): 40})
    make_report("140802", "2021-08", {("coal_to_electric", "rural"): 500}, status=ReportStatus.SUBMITTED)
    in_plan(make_report("140802", "2022-07", {("coal_to_electric", "urban"): 1200}), plan_2022)
    in_plan(make_report("140802", "2022-08", {("coal_to_electric", "rural"): 300}), plan_2022)
    in_plan(make_report("140881", "2022-07", {("coal_to_electric", "urban"): 200}), plan_2022)
    in_plan(make_report("140881", "2022-08", {("coal_to_electric", "urban"): 99}, status=ReportStatus.DRAFT), plan_2022)
    make_plan(2023, status=PlanStatus.DRAFT, targets=TARGETS_2022)  # a draft is never compared
    return plan, plan_2022


def target_2021(code, type_code):
    return Target.objects.get(plan__year=2021, county__code=code, retrofit_type__code=type_code).households


def rate(completed, target):
    return f"{completed / target:.4f}" if target else None


def cell(data, county, type_code, year):
    rows = data["rows"] if county != "city" else None
    source = data["city"] if county == "city" else next(r for r in rows if r["county"] == county)
    return next(c for c in source["cells"] if c["retrofit_type"] == type_code and c["year"] == year)


def test_the_years_api_compares_target_completed_and_rate_per_county_type_and_year(api, users, two_years):
    response = api(users["city"]).get("/api/v1/plans/years/progress/")
    assert response.status_code == 200
    data = response.json()
    assert data["years"] == [2021, 2022]
    electric_2021 = target_2021("140802", "coal_to_electric")
    assert cell(data, "140802", "coal_to_electric", 2021) == {
        "year": 2021,
        "retrofit_type": "coal_to_electric",
        "target": electric_2021,
        "completed": 1000,  # the submitted 500 is not approved
        "rate": rate(1000, electric_2021),
    }
    assert cell(data, "140802", "coal_to_electric", 2022) == {
        "year": 2022,
        "retrofit_type": "coal_to_electric",
        "target": 5000,
        "completed": 1500,
        "rate": "0.3000",
    }
    assert cell(data, "140881", "coal_to_electric", 2022)["completed"] == 200  # the draft's 99 never counts
    yuhu = next(r for r in data["rows"] if r["county"] == "140802")
    assert next(t for t in yuhu["totals"] if t["year"] == 2022) == {
        "year": 2022,
        "target": 5300,
        "completed": 1500,
        "rate": rate(1500, 5300),
    }
    city_2022 = next(t for t in data["city"]["totals"] if t["year"] == 2022)
    assert city_2022 == {"year": 2022, "target": CITY_TARGET_2022, "completed": 1700, "rate": rate(1700, 6100)}
    city_2021 = next(t for t in data["city"]["totals"] if t["year"] == 2021)
    expected_2021 = sum(Target.objects.filter(plan__year=2021).values_list("households", flat=True))
    assert city_2021 == {"year": 2021, "target": expected_2021, "completed": 1040, "rate": rate(1040, expected_2021)}


def test_a_clerk_compares_every_county_as_in_the_bulletin(api, users, two_years):
    response = api(users["clerk"]).get("/api/v1/plans/years/progress/")
    assert response.status_code == 200
    assert {r["county"] for r in response.json()["rows"]} >= {"140802", "140881"}


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ACCEPTOR])
def test_field_roles_may_not_compare_years(api, web, plan, role):
    user = user_set_role(username=f"field-{role}", password=PASSWORD, role=role)
    assert api(user).get("/api/v1/plans/years/progress/").status_code == 403
    assert web(user).get("/plans/years/").status_code == 403


def test_the_years_page_shows_the_same_figures(web, users, two_years):
    response = web(users["city"]).get("/plans/years/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="years-table"' in html
    grid = response.context["grid"]
    assert grid["years"] == [2021, 2022]
    yuhu = next(r for r in grid["rows"] if r["county"].code == "140802")
    by_key = {(c["retrofit_type"], c["year"]): c for c in yuhu["cells"] if c}
    assert by_key[("coal_to_electric", 2022)]["completed"] == 1500
    assert '<span class="completed">1500</span> / <span class="target">5000</span>' in html
    assert "30.0%" in html


def fresh(user):
    """A new user object: the role lookup is cached on the object, as it is per request."""
    return type(user).objects.get(pk=user.pk)


def queries(client_for, url):
    client = client_for()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/plans/years/progress/", "/plans/years/"])
def test_the_comparison_runs_the_same_queries_whatever_the_reports(api, web, users, two_years, make_report, url):
    def client():
        return (api if url.startswith("/api/") else web)(fresh(users["city"]))

    few = queries(client, url)
    for code in County.objects.filter(files_reports=True).values_list("code", flat=True):
        for period in ("2021-09", "2021-10"):
            make_report(code, period, {("coal_to_electric", "urban"): 3, ("coal_to_gas", "rural"): 2})
    assert queries(client, url) == few
    # One progress table (five queries) a year, plus the role, the years and the page's own.
    assert few <= 5 * 2 + 8


def test_finance_is_still_told_of_2021_money_owed_after_2022_is_published(web, users, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    make_plan(2022, targets=TARGETS_2022)
    response = web(users["finance"]).get("/home/")
    assert response.status_code == 200
    todo = response.context["todo"]
    owed_2021 = [(item["county"].code, item["level"]) for item in todo["payments"] if item["year"] == 2021]
    assert owed_2021 == [("140802", "市级"), ("140802", "县级")]
    assert 'href="/plans/2021/subsidies/#payment-section"' in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "２０２１", "2021\u0085", "-1", "99999999999999999999"])
def test_a_malformed_year_is_a_404_never_a_server_error(web, users, plan, value):
    assert web(users["city"]).get("/dashboard/", {"plan": value}).status_code == 404
    assert web(users["clerk"]).get("/bulletin/", {"plan": value}).status_code == 404


def test_a_reports_page_follows_the_reports_year_whatever_year_is_remembered(web, users, plan, plan_2022, make_report):
    report = make_report("140802", "2021-08", {("coal_to_electric", "urban"): 10})
    client = web(users["clerk"])
    assert client.post("/plans/switch/", {"plan": "2022", "next": "/home/"}).status_code == 302
    response = client.get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    assert response.context["nav_plan_year"] == 2021
    assert '<option value="2021" selected>' in response.content.decode()
