"""Every role × every new endpoint, HTML and API: who may, who gets 403, whose object is a 404."""

import re

import pytest

from counties.models import Role
from inspections import services
from inspections.models import Rectification, Sample, Visit
from tests.http import expect, html_of, json_of
from tests.inspections.conftest import upload, visit_data

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "city",
    "finance",
    "department",
    "clerk",
    "other_clerk",
    "inspector",
    "other_inspector",
    "acceptor",
    "norole",
    None,
]
CITY = {"admin", "city"}


@pytest.fixture
def world(plan, roster, field_users):
    sample = services.sample_draw(
        user=field_users["city"],
        plan=plan,
        county_codes=["140802", "140881"],
        rate="0.1",
        minimum=8,
        household_status="completed",
        seed="matrix",
        inspectors=["inspector"],
    )
    yuhu = list(
        sample.entries.filter(county__code="140802").order_by("household_id").values_list("household_id", flat=True)
    )
    rects = []
    for n, hid in enumerate(yuhu[:4]):
        visit, _ = services.visit_record(
            user=field_users["inspector"],
            plan=plan,
            uuid=f"00000000-0000-4000-8000-00000000000{n}",
            household_id=hid,
            finding="idle",
            photos=[upload()],
        )
        rects.append(visit.rectification)
    for item in rects[1:]:
        services.rectification_resolve(user=field_users["clerk"], plan=plan, pk=item.pk, note="已整改")
    acceptor_household = next(
        h for h in roster.values() if h.county.code == "140802" and h.status == "completed" and h.pk not in yuhu[:5]
    )
    visit = rects[0].visit
    return {
        "sample": sample,
        "visit": visit,
        "photo": visit.photos.first(),
        "r_open": rects[0],
        "r_close": rects[1],
        "r_return": rects[2],
        "r_page": rects[3],
        "new_household": yuhu[4],
        "acceptor_household": acceptor_household.pk,
    }


def expected(role, endpoint, world):
    """The access rule, written out per endpoint (not read from the code)."""
    if endpoint == "page_sw":
        return 200  # the service worker is a static file: no data in it
    if role is None:
        return "anon"
    if role == "norole":
        return 403
    dept_sees = {
        key: (200 if world[key].household.retrofit_type.code == "coal_to_electric" else 404)
        for key in ("r_open", "r_close", "r_return", "r_page")
    }
    readers_of_rects = {
        "admin",
        "city",
        "finance",
        "department",
        "clerk",
        "other_clerk",
        "inspector",
        "other_inspector",
    }

    def rect(key, allowed_writers, ok=200):
        if role not in readers_of_rects:
            return 403
        if role in ("other_clerk", "other_inspector"):
            return 404
        if role == "department" and dept_sees[key] == 404:
            return 404
        return ok if role in allowed_writers else 403

    table = {
        "samples": 200 if role in CITY | {"clerk", "other_clerk", "inspector", "other_inspector"} else 403,
        "sample_draw": 201 if role in CITY else 403,
        "sample": 200
        if role in CITY | {"clerk", "inspector"}
        else 404
        if role in ("other_clerk", "other_inspector")
        else 403,
        "verify": 200
        if role in CITY | {"clerk", "inspector"}
        else 404
        if role in ("other_clerk", "other_inspector")
        else 403,
        "assign": 200 if role in CITY else 403,
        "tasks": 200 if role in ("inspector", "other_inspector", "acceptor") else 403,
        "visits": 403 if role in ("finance", "department") else 200,
        "visit_upload": {"inspector": 201, "acceptor": 201, "other_inspector": 404}.get(role, 403),
        "visit": 200 if role in CITY | {"clerk", "inspector"} else 403 if role in ("finance", "department") else 404,
        "photo": 200 if role in CITY | {"clerk", "inspector"} else 404,
        "summary": 200 if role in CITY | {"finance", "department", "clerk", "other_clerk"} else 403,
        "export": 200 if role in CITY | {"clerk", "other_clerk"} else 403,
        "rects": 200 if role in readers_of_rects else 403,
        "rect": rect("r_open", readers_of_rects),
        "resolve": rect("r_open", {"clerk"}),
        "close": rect("r_close", CITY),
        "return": rect("r_return", CITY),
        # pages
        "page_home": 200,
        "page_sw": 200,
        "page_draw": 302 if role in CITY else 403,
        "page_rects": 200 if role in readers_of_rects else 403,
        "page_rect": rect("r_open", readers_of_rects),
        "page_close": rect("r_page", CITY, ok=302),
    }
    return table[endpoint]


def requests(world):
    y = "/api/v1/plans/2021"
    s, v, p = world["sample"].pk, world["visit"].pk, world["photo"].pk
    ro, rc, rr, rp = (world[k].pk for k in ("r_open", "r_close", "r_return", "r_page"))
    draw = {"counties": ["140802"], "rate": "0.05", "minimum": 2, "status": "completed", "seed": "m"}
    return [
        ("samples", "api", "get", f"{y}/inspections/samples/", None),
        ("sample", "api", "get", f"{y}/inspections/samples/{s}/", None),
        ("verify", "api", "get", f"{y}/inspections/samples/{s}/verify/", None),
        ("tasks", "api", "get", f"{y}/inspections/tasks/", None),
        ("visits", "api", "get", f"{y}/inspections/visits/", None),
        ("visit", "api", "get", f"{y}/inspections/visits/{v}/", None),
        ("photo", "api", "get", f"{y}/inspections/photos/{p}/?size=thumb", None),
        ("summary", "api", "get", f"{y}/inspections/summary/", None),
        ("export", "api", "get", f"{y}/inspections/export.xlsx", None),
        ("rects", "api", "get", f"{y}/rectifications/", None),
        ("rect", "api", "get", f"{y}/rectifications/{ro}/", None),
        ("page_home", "web", "get", "/inspections/", None),
        ("page_sw", "web", "get", "/inspections/sw.js", None),
        ("page_rects", "web", "get", "/inspections/rectifications/", None),
        ("page_rect", "web", "get", f"/inspections/rectifications/{ro}/", None),
        # writes
        ("sample_draw", "api", "post", f"{y}/inspections/samples/", draw),
        ("assign", "api", "post", f"{y}/inspections/samples/{s}/assign/", {"inspectors": ["inspector"]}),
        ("visit_upload", "api", "post_multipart", f"{y}/inspections/visits/", "visit"),
        ("resolve", "api", "post_multipart", f"{y}/rectifications/{ro}/resolve/", {"note": "已整改"}),
        ("close", "api", "post", f"{y}/rectifications/{rc}/close/", {}),
        ("return", "api", "post", f"{y}/rectifications/{rr}/return/", {"reason": "照片不清"}),
        ("page_draw", "web", "post", "/inspections/samples/draw/", {**draw, "counties": "140802"}),
        ("page_close", "web", "post", f"/inspections/rectifications/{rp}/", {"action": "close"}),
    ]


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_role_gets_the_documented_answer_from_every_new_endpoint(role, world, field_users, api, web):
    user = field_users[role] if role else None
    api_client, web_client = api(user), web(user)
    wrong = []
    for name, channel, method, url, body in requests(world):
        if body == "visit":
            hid = world["acceptor_household"] if role == "acceptor" else world["new_household"]
            body = visit_data(
                hid,
                uuid="99999999-9999-4999-8999-999999999999",
                finding="" if role == "acceptor" else "in_use",
                acceptance_result="passed" if role == "acceptor" else "",
            )
        if channel == "api":
            client = api_client
            if method == "get":
                response = client.get(url)
            elif method == "post":
                response = client.post(url, body, format="json")
            else:
                response = client.post(url, body, format="multipart")
        else:
            response = getattr(web_client, method)(url, body) if body is not None else web_client.get(url)
        want = expected(role, name, world)
        got = response.status_code
        if want == "anon":
            ok = got in (401, 403) if channel == "api" else (got == 302 and "/accounts/login/" in response["Location"])
        else:
            ok = got == want
        if not ok:
            wrong.append((name, want, got))
    assert wrong == []


@pytest.mark.parametrize("role", ["inspector", "acceptor"])
def test_every_link_on_a_field_users_home_page_opens(role, field_users, web, plan):
    client = web(field_users[role])
    html = html_of(client.get("/home/"))
    links = sorted(set(re.findall(r'href="(/[^"#]*)"', html)) - {"/home/"})
    assert "/inspections/?plan=2021" in links  # links carry the year (issue 19)
    for link in links:
        if link.startswith("/static/"):
            continue
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("role", ["inspector", "acceptor"])
def test_field_roles_see_no_reports_roster_or_money(role, field_users, web, api, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "rural"): 10})
    assert json_of(api(field_users[role]).get("/api/v1/reports/"))["count"] == 0
    for url in ("/api/v1/plans/2021/households/", "/api/v1/plans/2021/subsidies/", "/api/v1/plans/2021/spot-checks/"):
        assert api(field_users[role]).get(url).status_code == 403, url
    assert web(field_users[role]).get("/counties/140802/").status_code == 403
    assert web(field_users[role]).get("/bulletin/").status_code == 200


def test_a_clerk_sees_nothing_of_a_sample_before_its_county_is_visited(api, field_users, sample):
    client = api(field_users["clerk"])
    assert json_of(client.get("/api/v1/plans/2021/inspections/samples/"))["count"] == 0
    assert client.get(f"/api/v1/plans/2021/inspections/samples/{sample.pk}/").status_code == 404
    hid = sample.entries.filter(county__code="140802").order_by("household_id").first().household_id
    expect(
        api(field_users["inspector"]).post(
            "/api/v1/plans/2021/inspections/visits/", visit_data(hid), format="multipart"
        ),
        201,
    )
    detail = json_of(client.get(f"/api/v1/plans/2021/inspections/samples/{sample.pk}/"))
    # Only the visited household: the rest of the county's sample stays unannounced.
    assert detail["households"] == [hid]
    assert detail["progress"] == {"sampled": 1, "visited": 1, "not_visited": 0}
    assert (
        api(field_users["other_clerk"]).get(f"/api/v1/plans/2021/inspections/samples/{sample.pk}/").status_code == 404
    )


def test_an_acceptor_without_engaged_counties_sees_no_households(api, plan, roster):
    from counties.services import user_set_role

    lonely = user_set_role(username="acceptor-none", password=None, role=Role.ACCEPTOR)
    assert json_of(api(lonely).get("/api/v1/plans/2021/inspections/tasks/"))["households"] == []


def test_the_matrix_fixture_leaves_what_it_promises(world):
    assert Sample.objects.count() == 1
    assert Visit.objects.count() == 4
    assert sorted(Rectification.objects.values_list("status", flat=True)) == ["open"] + ["submitted"] * 3
