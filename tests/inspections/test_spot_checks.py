"""Desk-entered spot checks (抽查) are inspections: their API and page, and one count everywhere."""

import re
from datetime import UTC, datetime

import pytest

from households.models import Household
from inspections.models import CheckBatch, Visit
from tests.households.helpers import make_household, make_id
from tests.inspections.conftest import visit_data

pytestmark = pytest.mark.django_db
SPOT = "/api/v1/plans/2021/spot-checks/"
VISITS = "/api/v1/plans/2021/inspections/visits/"


def test_a_spot_check_records_each_households_finding_and_the_summary_gives_rates(api, users, plan):
    households = [make_household(plan, seq=i) for i in range(1, 5)]
    findings = ["in_use", "idle", "coal_resumed", "in_use"]
    response = api(users["city"]).post(
        SPOT,
        {
            "county": "140802",
            "checked_on": "2021-12-10",
            "inspector": "市清洁取暖办 刘某",
            "items": [{"household": h.pk, "finding": f} for h, f in zip(households, findings, strict=True)],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["items"] == 4
    # a second check, by ID number
    make_household(plan, seq=9)
    second = api(users["clerk"]).post(
        SPOT,
        {
            "county": "140802",
            "checked_on": "2021-12-20",
            "inspector": "县住建局 王某",
            "items": [{"id_number": make_id(seq=9), "finding": "removed"}],
        },
        format="json",
    )
    assert second.status_code == 201, second.json()
    answer = api(users["city"]).get(SPOT + "summary/")
    assert answer.status_code == 200
    summary = answer.json()["rows"]
    assert len(summary) == 1
    row = summary[0]
    assert (row["county"], row["county_name"], row["checked"]) == ("140802", "盐湖区", 5)
    assert row["findings"]["in_use"] == {"count": 2, "rate": "0.4000"}
    assert row["findings"]["idle"] == {"count": 1, "rate": "0.2000"}
    assert row["findings"]["coal_resumed"] == {"count": 1, "rate": "0.2000"}
    assert row["findings"]["removed"] == {"count": 1, "rate": "0.2000"}
    assert row["findings"]["not_found"] == {"count": 0, "rate": "0.0000"}
    other = api(users["other_clerk"]).get(SPOT + "summary/")
    assert other.status_code == 200 and other.json()["rows"] == []
    listed = api(users["city"]).get(SPOT)
    assert listed.status_code == 200
    assert [(r["checked_on"], r["inspector"], r["county"]) for r in listed.json()["results"]] == [
        ("2021-12-20", "县住建局 王某", "140802"),
        ("2021-12-10", "市清洁取暖办 刘某", "140802"),
    ]


def test_a_desk_check_is_a_visit_of_its_batch_at_noon_without_sample_photos_or_position(api, users, plan):
    household = make_household(plan, seq=1)
    body = {
        "county": "140802",
        "checked_on": "2021-12-10",
        "inspector": "刘某",
        "items": [{"household": household.pk, "finding": "idle"}],
    }
    response = api(users["city"]).post(SPOT, body, format="json")
    assert response.status_code == 201
    visit = Visit.objects.get()
    assert visit.batch_id == response.json()["id"] == CheckBatch.objects.get().pk
    assert (visit.kind, visit.sample_id, visit.household_id, visit.finding) == (
        "inspection",
        None,
        household.pk,
        "idle",
    )
    assert visit.visited_at == datetime(2021, 12, 10, 4, tzinfo=UTC)  # 12:00 in Yuncheng (UTC+8)
    assert visit.latitude is None and not visit.photos.exists()
    assert visit.created_by == users["city"]


def test_a_spot_check_cannot_name_another_countys_household_or_repeat_one(api, users, plan):
    mine = make_household(plan, seq=1)
    other = make_household(plan, "140881", seq=2)
    body = {
        "county": "140802",
        "checked_on": "2021-12-10",
        "inspector": "刘某",
        "items": [{"household": mine.pk, "finding": "in_use"}, {"household": other.pk, "finding": "idle"}],
    }
    response = api(users["clerk"]).post(SPOT, body, format="json")
    assert response.status_code == 400 and "items.1.household" in response.json()["errors"]
    body["items"] = [{"household": mine.pk, "finding": "in_use"}, {"household": mine.pk, "finding": "idle"}]
    assert api(users["clerk"]).post(SPOT, body, format="json").status_code == 400
    body["county"] = "140881"
    body["items"] = [{"household": other.pk, "finding": "idle"}]
    assert api(users["clerk"]).post(SPOT, body, format="json").status_code == 400
    # A desk check records what was seen: "nobody home" is a field visit's finding, not a desk entry.
    body = {**body, "county": "140802", "items": [{"household": mine.pk, "finding": "vacant"}]}
    assert api(users["clerk"]).post(SPOT, body, format="json").status_code == 400
    assert CheckBatch.objects.count() == 0 and Visit.objects.count() == 0


def test_the_spot_check_form_records_a_visit_from_id_lines(web, users, plan):
    make_household(plan, seq=1)
    make_household(plan, seq=2)
    response = web(users["city"]).post(
        "/plans/2021/spot-checks/",
        {
            "county": "140802",
            "checked_on": "2021-12-01",
            "inspector": "刘某",
            "lines": f"{make_id(seq=1)} 正常使用\n{make_id(seq=2)}，燃煤复烧\n",
        },
    )
    assert response.status_code == 302
    batch = CheckBatch.objects.get()
    assert sorted(batch.visits.values_list("finding", flat=True)) == ["coal_resumed", "in_use"]
    page = web(users["city"]).get("/plans/2021/spot-checks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-county="140802"' in html and "50%" in html and "刘某" in html


def test_the_spot_check_form_reports_a_bad_line_in_chinese(web, users, plan):
    response = web(users["city"]).post(
        "/plans/2021/spot-checks/",
        {"county": "140802", "checked_on": "2021-12-01", "inspector": "刘某", "lines": "123 很好"},
    )
    assert response.status_code == 200 and "第1行" in response.content.decode()
    assert CheckBatch.objects.count() == 0


def _dashboard_checked(html: str, code: str) -> int:
    table = html.split('id="inspection-summary"')[1].split("</table>")[0]
    row = table.split(f'<tr data-county="{code}">')[1].split("</tr>")[0]
    cells = re.findall(r'<td class="num[^"]*">([^<]*)', row)
    return int(cells[1])  # sampled, checked, then the findings


def test_one_countys_spot_check_count_is_the_same_on_the_dashboard_and_in_both_summaries(
    api, web, field_users, sample, plan
):
    sampled = list(
        sample.entries.filter(county__code="140802").order_by("household_id").values_list("household_id", flat=True)
    )
    for n, (hid, finding) in enumerate(zip(sampled, ["idle", "in_use", "not_found"], strict=False)):
        uuid = f"55555555-5555-4555-8555-{n:012d}"
        posted = api(field_users["inspector"]).post(
            VISITS, visit_data(hid, uuid=uuid, finding=finding), format="multipart"
        )
        assert posted.status_code == 201
    # A desk check of two households: one the field already visited (counted once), one new.
    unsampled = Household.objects.filter(plan=plan, county__code="140802").exclude(pk__in=sampled).order_by("pk")
    desk = [sampled[0], unsampled.first().pk]
    body = {
        "county": "140802",
        "checked_on": "2021-12-20",
        "inspector": "督查组",
        "items": [{"household": desk[0], "finding": "in_use"}, {"household": desk[1], "finding": "removed"}],
    }
    assert api(field_users["city"]).post(SPOT, body, format="json").status_code == 201
    # Households checked, computed here: the field's three and the desk's new one.
    expected = len(set(sampled[:3]) | set(desk))
    assert expected == 4

    spot = api(field_users["city"]).get(SPOT + "summary/")
    inspections = api(field_users["city"]).get("/api/v1/plans/2021/inspections/summary/")
    dashboard = web(field_users["city"]).get("/dashboard/")
    assert (spot.status_code, inspections.status_code, dashboard.status_code) == (200, 200, 200)
    spot_row = next(r for r in spot.json()["rows"] if r["county"] == "140802")
    inspection_row = next(r for r in inspections.json()["rows"] if r["county"] == "140802")
    assert spot_row["checked"] == inspection_row["visited"] == _dashboard_checked(dashboard.content.decode(), "140802")
    assert spot_row["checked"] == expected
    # The desk check came after the field visit: that household's latest finding is in_use again.
    assert spot_row["findings"]["idle"]["count"] == 0 and spot_row["findings"]["in_use"]["count"] == 2
    assert spot_row["findings"]["removed"]["count"] == 1 and spot_row["findings"]["not_found"]["count"] == 1
    # One table on the dashboard, not two.
    assert 'id="spot-check-table"' not in dashboard.content.decode()


def test_the_admin_lists_desk_spot_checks_read_only(api, web, users, plan):
    household = make_household(plan, seq=1)
    body = {
        "county": "140802",
        "checked_on": "2021-12-10",
        "inspector": "督查组甲",
        "items": [{"household": household.pk, "finding": "in_use"}],
    }
    assert api(users["city"]).post(SPOT, body, format="json").status_code == 201
    listing = web(users["admin"]).get("/admin/inspections/checkbatch/")
    assert listing.status_code == 200 and "督查组甲" in listing.content.decode()
    assert web(users["admin"]).get("/admin/inspections/checkbatch/add/").status_code == 403
