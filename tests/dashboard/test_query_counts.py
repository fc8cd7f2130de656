"""Every page and export runs a fixed number of queries, whatever the counties, months or reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counties.models import County
from reports.models import ReportStatus
from tests.http import expect

URLS = [
    ("city", "/dashboard/?period=2021-10"),
    ("city", "/dashboard/status/"),
    ("city", "/dashboard/trends/?period=2021-10"),
    ("city", "/counties/140821/?period=2021-10"),
    ("city", "/bulletin/?period=2021-10"),
    ("clerk", "/counties/140802/"),
    ("clerk", "/bulletin/"),
    ("department", "/dashboard/"),
    # Home pages with their to-do lists (issue 13).
    ("clerk", "/home/"),
    ("city", "/home/"),
    ("department", "/home/"),
    ("finance", "/home/"),
]
EXPORTS = ["/api/v1/plans/2021/progress/export.xlsx", "/api/v1/plans/2021/progress/export.csv"]
MAX_QUERIES = 25  # includes the navigation's current-plan lookup, the field-inspection figures (4), the
# county page's target adjustments (1: its notice and its monthly targets), a clerk's to-do of the
# year-end assessment's objection period (2) and the county's hardship households line (1)


def fill_every_county_and_month(make_report):
    statuses = [ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.DRAFT]
    codes = list(County.objects.filter(files_reports=True).values_list("code", flat=True))
    for i, code in enumerate(codes):
        for j, period in enumerate(["2021-06", "2021-07", "2021-08", "2021-09", "2021-10"]):
            if (code, period) == ("140802", "2021-07"):
                continue  # the one report the "few" measurement made
            make_report(
                code,
                period,
                {
                    ("coal_to_electric", "urban"): 10 + i,
                    ("coal_to_electric", "rural"): 20 + j,
                    ("coal_to_gas", "rural"): 5,
                    ("district_heating", "urban"): 3,
                    ("building_retrofit", "urban"): "150.5",
                },
                status=statuses[(i + j) % len(statuses)],
            )


def fresh(user):
    """A new user object: the role lookup is cached on the object, as it is per request."""
    return type(user).objects.get(pk=user.pk)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("role", "url"), URLS)
def test_a_page_runs_the_same_bounded_queries_with_one_report_or_sixty_five(
    web, users, make_report, role, url, django_assert_max_num_queries
):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1})
    few = count(web(users[role]), url)
    fill_every_county_and_month(make_report)
    client = web(users[role])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert count(web(users[role]), url) == few


@pytest.mark.parametrize("url", EXPORTS)
def test_an_export_runs_the_same_bounded_queries_whatever_the_reports(
    api, users, make_report, url, django_assert_max_num_queries
):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1})
    few = count(api(fresh(users["city"])), url)
    fill_every_county_and_month(make_report)
    client = api(fresh(users["city"]))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = expect(client.get(url))
        b"".join(response.streaming_content)
    assert count(api(fresh(users["city"])), url) == few
