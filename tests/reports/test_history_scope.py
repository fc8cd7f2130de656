"""A report's history is scoped like its lines: a department sees the changes of its own types only."""

from counties.models import Role
from counties.services import user_set_role
from tests.http import expect, html_of, json_of

URL = "/api/v1/reports/"


def _report_with_edits(users, api):
    """Created with coal-to-electric and district-heating lines, then an edit of each type separately."""
    clerk = api(users["clerk"])
    lines = [
        {"type": "coal_to_electric", "area_class": "urban", "households": 10},
        {"type": "district_heating", "area_class": "rural", "households": 35},
    ]
    created = clerk.post(
        URL,
        {"plan": 2021, "county": "140802", "period": "2021-07", "lines": lines, "narrative": "第一版"},
        format="json",
    )
    report = json_of(created, 201)
    lines[1]["households"] = 42
    expect(clerk.patch(f"{URL}{report['id']}/", {"version": 1, "lines": lines}, format="json"))
    lines[0]["households"] = 12
    expect(clerk.patch(f"{URL}{report['id']}/", {"version": 2, "lines": lines, "narrative": "第二版"}, format="json"))
    return report["id"]


def test_a_department_reads_only_its_own_types_changes_in_the_api_history(users, api):
    rid = _report_with_edits(users, api)
    events = json_of(api(users["department"]).get(f"{URL}{rid}/history/"))
    # The edit that only touched district heating is not there at all.
    assert [e["action"] for e in events] == ["create", "edit"]
    assert events[0]["changes"]["lines"] == {"coal_to_electric/urban": {"before": "0", "after": "10"}}
    assert events[1]["changes"]["lines"] == {"coal_to_electric/urban": {"before": "10", "after": "12"}}
    assert events[1]["changes"]["fields"]["narrative"] == {"before": "第一版", "after": "第二版"}
    assert "district_heating" not in str(events)


def test_the_city_office_and_the_clerk_still_read_every_change(users, api):
    rid = _report_with_edits(users, api)
    for role in ("city", "clerk"):
        events = json_of(api(users[role]).get(f"{URL}{rid}/history/"))
        assert [e["action"] for e in events] == ["create", "edit", "edit"]
        assert events[1]["changes"]["lines"] == {"district_heating/rural": {"before": "35", "after": "42"}}


def test_a_department_with_another_type_sees_the_district_heating_edit(users, api, plan):
    from counties.models import RetrofitType

    urban_mgmt = user_set_role(
        username="urban-mgmt",
        password="x-pass-2021",
        role=Role.DEPARTMENT,
        department_name="市城市管理局",
        retrofit_types=[RetrofitType.objects.get(code="district_heating")],
    )
    rid = _report_with_edits(users, api)
    events = json_of(api(urban_mgmt).get(f"{URL}{rid}/history/"))
    assert [e["action"] for e in events] == ["create", "edit", "edit"]
    assert events[1]["changes"]["lines"] == {"district_heating/rural": {"before": "35", "after": "42"}}
    # The last edit stays for its narrative change, without the coal-to-electric line.
    assert "lines" not in events[2]["changes"] and "narrative" in events[2]["changes"]["fields"]


def test_the_report_page_history_is_scoped_the_same_way(users, api, web):
    rid = _report_with_edits(users, api)
    page = html_of(web(users["department"]).get(f"/reports/{rid}/"))
    history = page[page.index('id="history"') :]
    # Codes become the words users know (issue 13): 煤改电/中心城区及县城, not coal_to_electric/urban.
    assert "煤改电/中心城区及县城：10 → 12" in history and "coal_to_electric" not in history
    assert "集中供热" not in history and "district_heating" not in history
    assert "35 → 42" not in history
    city_page = html_of(web(users["city"]).get(f"/reports/{rid}/"))
    assert "集中供热/农村：35 → 42" in city_page
