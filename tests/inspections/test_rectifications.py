"""Rectification (整改) until closed; per-county figures; the xlsx export."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Rectification, RectificationStatus
from inspections.selectors import inspection_summary
from tests.http import expect, json_of
from tests.inspections.conftest import upload, visit_data

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/plans/2021/inspections/visits/"
RECTS = "/api/v1/plans/2021/rectifications/"


def sampled(sample, county="140802"):
    return list(
        sample.entries.filter(county__code=county).order_by("household_id").values_list("household_id", flat=True)
    )


def visit(api, user, hid, finding, n, when="2021-12-15T10:00:00+08:00"):
    uuid = f"22222222-2222-4222-8222-{n:012d}"
    response = api(user).post(VISITS, visit_data(hid, uuid=uuid, finding=finding, visited_at=when), format="multipart")
    assert response.status_code == 201, response.json()
    return response.json()


def test_idle_and_coal_resumed_open_a_rectification_with_the_deadline_setting(api, field_users, sample, settings):
    settings.INSPECTION_RECTIFICATION_DAYS = 20
    a, b, c = sampled(sample)[:3]
    visit(api, field_users["inspector"], a, "idle", 1)
    visit(api, field_users["inspector"], b, "coal_resumed", 2)
    visit(api, field_users["inspector"], c, "vacant", 3)
    items = {r.household_id: r for r in Rectification.objects.all()}
    assert set(items) == {a, b}
    assert items[a].deadline == date(2021, 12, 15) + timedelta(days=20)
    assert items[b].finding == "coal_resumed" and items[b].county.code == "140802"


def test_the_default_deadline_is_fifteen_days(api, field_users, sample):
    visit(api, field_users["inspector"], sampled(sample)[0], "idle", 1)
    assert Rectification.objects.get().deadline == date(2021, 12, 30)


def test_the_clerk_resolves_the_city_returns_then_closes(api, field_users, sample):
    visit(api, field_users["inspector"], sampled(sample)[0], "idle", 1)
    item = Rectification.objects.get()
    clerk, city = api(field_users["clerk"]), api(field_users["city"])
    assert clerk.post(f"{RECTS}{item.pk}/close/").status_code == 403
    response = clerk.post(
        f"{RECTS}{item.pk}/resolve/", {"note": "已恢复使用", "photos": [upload()]}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert len(response.json()["photos"]) == 1
    assert clerk.post(f"{RECTS}{item.pk}/resolve/", {"note": "again"}, format="multipart").status_code == 400
    assert city.post(f"{RECTS}{item.pk}/return/", {"reason": ""}, format="json").status_code == 400
    returned = json_of(city.post(f"{RECTS}{item.pk}/return/", {"reason": "照片未见设备运行"}, format="json"))
    assert returned["status"] == "returned" and returned["return_reason"] == "照片未见设备运行"
    assert city.post(f"{RECTS}{item.pk}/close/").status_code == 400
    expect(clerk.post(f"{RECTS}{item.pk}/resolve/", {"note": "重新拍照"}, format="multipart"))
    closed = json_of(city.post(f"{RECTS}{item.pk}/close/"))
    assert closed["status"] == "closed" and closed["closed_at"]


def test_a_resolution_needs_a_note_and_only_images(api, field_users, sample):
    visit(api, field_users["inspector"], sampled(sample)[0], "idle", 1)
    item = Rectification.objects.get()
    clerk = api(field_users["clerk"])
    assert clerk.post(f"{RECTS}{item.pk}/resolve/", {"note": ""}, format="multipart").status_code == 400
    bad = clerk.post(
        f"{RECTS}{item.pk}/resolve/", {"note": "x", "photos": [upload("a.jpg", b"%PDF-1.4")]}, format="multipart"
    )
    assert bad.status_code == 400 and "photos" in bad.json()["errors"]
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and not item.photos.exists()


def test_a_second_finding_on_a_household_under_rectification_does_not_open_another(api, field_users, sample):
    hid = sampled(sample)[0]
    visit(api, field_users["inspector"], hid, "idle", 1)
    visit(api, field_users["inspector"], hid, "coal_resumed", 2)
    assert Rectification.objects.count() == 1


def test_the_list_filters_by_county_and_status_and_another_countys_is_404(api, field_users, sample):
    a = sampled(sample)[0]
    b = sampled(sample, "140881")[0]
    visit(api, field_users["inspector"], a, "idle", 1)
    visit(api, field_users["inspector"], b, "idle", 2)
    city = api(field_users["city"])
    assert json_of(city.get(RECTS))["count"] == 2
    assert [r["county"] for r in json_of(city.get(RECTS + "?county=140881"))["results"]] == ["140881"]
    assert json_of(city.get(RECTS + "?status=closed"))["count"] == 0
    assert city.get(RECTS + "?status=bogus").status_code == 400
    clerk = api(field_users["clerk"])
    assert [r["household"] for r in json_of(clerk.get(RECTS))["results"]] == [a]
    other = Rectification.objects.get(household_id=b)
    assert clerk.get(f"{RECTS}{other.pk}/").status_code == 404
    assert clerk.post(f"{RECTS}{other.pk}/resolve/", {"note": "x"}, format="multipart").status_code == 404


def test_an_unknown_status_is_refused_by_the_filterset_with_the_same_chinese_message(api, field_users, sample):
    response = api(field_users["city"]).get(RECTS + "?status=bogus&county=140802")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "输入有误，请检查后重试。",
        "errors": {"status": ["状态应为 open、submitted、returned 或 closed。"]},
    }
    # An empty status is "any", as before.
    assert api(field_users["city"]).get(RECTS + "?status=&county=").status_code == 200


def test_the_list_page_narrows_by_the_same_filterset_and_names_a_malformed_status(api, web, field_users, sample):
    a = sampled(sample)[0]
    b = sampled(sample, "140881")[0]
    visit(api, field_users["inspector"], a, "idle", 1)
    visit(api, field_users["inspector"], b, "idle", 2)
    page = web(field_users["city"])
    narrowed = expect(page.get("/inspections/rectifications/", {"plan": "2021", "county": "140881"}))
    assert [row["item"].household_id for row in narrowed.context["rows"]] == [b]
    bogus = expect(page.get("/inspections/rectifications/", {"plan": "2021", "county": "140802", "status": "bogus"}))
    assert "状态应为 open、submitted、returned 或 closed。" in bogus.content.decode()
    assert [row["item"].household_id for row in bogus.context["rows"]] == [a]
    # a clerk's scope comes first: another county's code narrows its own list to nothing
    clerk = expect(web(field_users["clerk"]).get("/inspections/rectifications/", {"plan": "2021", "county": "140881"}))
    assert clerk.context["rows"] == []


def test_overdue_rectifications_are_counted_per_county(api, field_users, sample, plan):
    a, b, c = sampled(sample)[:3]
    d = sampled(sample, "140881")[0]
    for n, hid in enumerate((a, b, c, d)):
        visit(api, field_users["inspector"], hid, "idle", n)
    today = timezone.localdate()
    Rectification.objects.filter(household_id__in=(a, b, d)).update(deadline=today - timedelta(days=1))
    Rectification.objects.filter(household_id=c).update(deadline=today + timedelta(days=3))
    # b was submitted before the city looked: waiting for the city is not the county's delay.
    services.rectification_resolve(
        user=field_users["clerk"], plan=plan, pk=Rectification.objects.get(household_id=b).pk, note="已整改"
    )
    rows = {
        r["county"]: r for r in json_of(api(field_users["city"]).get("/api/v1/plans/2021/inspections/summary/"))["rows"]
    }
    assert rows["140802"]["rectifications"] == {"open": 3, "overdue": 1, "closed": 0}
    assert rows["140881"]["rectifications"] == {"open": 1, "overdue": 1, "closed": 0}
    assert json_of(api(field_users["city"]).get(f"{RECTS}{Rectification.objects.get(household_id=a).pk}/"))["overdue"]


def test_the_summary_gives_sampled_visited_and_each_findings_rate(api, field_users, sample, plan):
    yuhu = sampled(sample)
    findings = ["in_use", "idle", "vacant"]
    for n, (hid, finding) in enumerate(zip(yuhu, findings, strict=False)):
        visit(api, field_users["inspector"], hid, finding, n)
    row = next(r for r in inspection_summary(user=field_users["city"], plan=plan) if r["county"].code == "140802")
    assert row["sampled"] == len(yuhu)
    assert row["visited"] == 3
    assert str(row["findings"]["idle"]["rate"]) == "0.3333"
    assert row["findings"]["coal_resumed"]["count"] == 0
    # A clerk sees its own county's counts (how many, never which households).
    clerk_rows = inspection_summary(user=field_users["clerk"], plan=plan)
    assert [(r["county"].code, r["sampled"], r["visited"]) for r in clerk_rows] == [("140802", len(yuhu), 3)]


def test_findings_and_rectifications_export_to_xlsx(api, field_users, sample):
    visit(api, field_users["inspector"], sampled(sample)[0], "idle", 1)
    visit(api, field_users["inspector"], sampled(sample, "140881")[0], "in_use", 2)
    response = api(field_users["clerk"]).get("/api/v1/plans/2021/inspections/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    visits, rects = book.worksheets
    values = [[c.value for c in row] for row in visits.iter_rows()]
    data = [r for r in values if r[0] == "盐湖区"]
    assert len(data) == 1  # the clerk's own county only
    assert data[0][6] == "改而不用" and "********" in data[0][4] and data[0][13] == 1
    assert not any(r[0] == "永济市" for r in values)
    rect_rows = [[c.value for c in row] for row in rects.iter_rows() if row[0].value == "盐湖区"]
    assert rect_rows and rect_rows[0][6] == "待整改"
