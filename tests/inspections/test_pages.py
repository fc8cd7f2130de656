"""The figures on the city dashboard, the county page and the bulletin; the overview and draw form."""

import re

import pytest

from inspections.models import Sample
from inspections.selectors import spot_check_summary
from tests.http import expect, html_of
from tests.inspections.conftest import visit_data

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/plans/2021/inspections/visits/"


@pytest.fixture
def visited(api, field_users, sample):
    hids = list(
        sample.entries.filter(county__code="140802").order_by("household_id").values_list("household_id", flat=True)
    )
    for n, (hid, finding) in enumerate(zip(hids, ["idle", "in_use", "not_found"], strict=False)):
        uuid = f"33333333-3333-4333-8333-{n:012d}"
        expect(
            api(field_users["inspector"]).post(VISITS, visit_data(hid, uuid=uuid, finding=finding), format="multipart"),
            201,
        )
    return hids


def row_of(html, code):
    start = html.index(f'<tr data-county="{code}">', html.index('id="inspection-section"'))
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize(
    ("role", "url"), [("city", "/dashboard/"), ("clerk", "/counties/140802/"), ("finance", "/bulletin/")]
)
def test_dashboard_county_page_and_bulletin_show_the_inspection_figures(role, url, web, field_users, visited):
    html = html_of(web(field_users[role]).get(url))
    row = row_of(html, "140802")
    cells = [c.strip() for c in re.findall(r'<td class="num[^"]*">([^<]*)', row)]
    # sampled, visited, then in_use idle coal_resumed removed vacant not_found, open, overdue, closed
    assert cells[0] == str(len(visited)) and cells[1] == "3"
    assert cells[2].startswith("1") and cells[3].startswith("1") and cells[7].startswith("1")
    assert cells[8] == "1"  # one rectification not closed


def test_the_spot_check_summary_counts_desk_checks_and_field_visits_alike(field_users, visited, plan):
    row = next(r for r in spot_check_summary(user=field_users["city"], plan=plan) if r["county"].code == "140802")
    # The inspection summary's figures: every household visited, whatever was found (not_found too).
    assert row["checked"] == 3
    assert row["findings"]["idle"]["count"] == 1 and row["findings"]["in_use"]["count"] == 1
    assert row["findings"]["not_found"]["count"] == 1


def test_the_city_office_draws_a_sample_from_the_overview_page(web, field_users, roster):
    client = web(field_users["city"])
    assert "抽取并冻结样本" in html_of(client.get("/inspections/"))
    response = client.post(
        "/inspections/samples/draw/",
        {
            "counties": ["140802"],
            "rate": "0.1",
            "minimum": "4",
            "status": "completed",
            "seed": "page",
            "inspectors": ["inspector"],
        },
        follow=True,
    )
    sample = Sample.objects.get()
    assert sample.seed == "page" and sample.entries.count() == 4
    assert list(sample.inspectors.values_list("username", flat=True)) == ["inspector"]
    assert "page" in response.content.decode()
    bad = client.post("/inspections/samples/draw/", {"rate": "2", "minimum": "1", "status": "completed"}, follow=True)
    assert bad.status_code == 200 and Sample.objects.count() == 1


def test_a_clerk_sees_only_its_own_countys_rectifications(web, field_users, visited):
    html = html_of(web(field_users["clerk"]).get("/inspections/rectifications/"))
    assert html.count("<tr data-id=") == 1
    assert html_of(web(field_users["other_clerk"]).get("/inspections/rectifications/")).count("<tr data-id=") == 0
