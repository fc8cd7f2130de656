from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from tests.dashboard.conftest import CITY_TARGET, TARGETS
from tests.http import expect

Q = Decimal("0.0001")


def rate(completed, target):
    return (Decimal(completed) / Decimal(target)).quantize(Q)


def fraction(period_end: date) -> Decimal:
    """Straight line from the plan's issue (2021-06-08) to its deadline (2021-10-31)."""
    return (
        Decimal((period_end - date(2021, 6, 8)).days) / Decimal((date(2021, 10, 31) - date(2021, 6, 8)).days)
    ).quantize(Q)


def row_for(table, code):
    return next(r for r in table["rows"] if r["county"].code == code)


def test_the_dashboard_shows_approved_cumulative_and_pending_against_the_annex(web, users, progress_data):
    response = web(users["city"]).get(reverse("dashboard"), {"period": "2021-08"})
    assert response.status_code == 200
    table = response.context["table"]
    assert table["totals"]["total"]["target"] == CITY_TARGET == 89369
    yuhu = row_for(table, "140802")
    # approved up to August: electric 1000 + 500 + 300, gas 200, district 100; September's 50 is later
    assert yuhu["types"]["coal_to_electric"]["completed"] == 1800
    assert yuhu["types"]["coal_to_gas"]["completed"] == 200
    assert yuhu["types"]["district_heating"]["completed"] == 100
    assert yuhu["total"]["completed"] == 2100
    assert yuhu["total"]["rate"] == rate(2100, sum(TARGETS["140802"]))
    yongji = row_for(table, "140881")
    assert yongji["types"]["building_retrofit"]["completed"] == 250  # 25,000 m² at 100 m² a household
    assert yongji["types"]["coal_to_electric"]["completed"] == 0
    assert yongji["types"]["coal_to_electric"]["pending"] == 700  # submitted, not yet approved
    linyi = row_for(table, "140821")
    assert linyi["types"]["coal_to_electric"]["completed"] == 4000  # the draft's 999 never counts
    city_completed = 2100 + 250 + 400 + 4000 + 1200
    assert table["totals"]["total"]["completed"] == city_completed
    assert table["totals"]["total"]["pending"] == 700
    assert table["totals"]["types"]["coal_to_electric"]["completed"] == 1800 + 4000 + 1200
    html = response.content.decode()
    assert f'id="sum-target">{CITY_TARGET}<' in html
    assert f'id="sum-completed">{city_completed}<' in html
    assert 'href="/counties/140802/?plan=2021&amp;period=2021-08"' in html


def test_cells_are_coloured_by_the_gap_to_the_straight_line_schedule(web, users, progress_data):
    response = expect(web(users["city"]).get(reverse("dashboard"), {"period": "2021-08"}))
    table = response.context["table"]
    expected = fraction(date(2021, 8, 31))  # 84 / 145
    assert table["fraction"].quantize(Q) == expected
    yuanqu = row_for(table, "140827")
    # 1200 / 1460 = 82 % against 58 % planned: ahead
    assert yuanqu["types"]["coal_to_electric"]["level"] == "ahead"
    linyi = row_for(table, "140821")
    # 4000 / 9000 = 44.4 %: 13.5 points behind
    assert expected - rate(4000, 9000) == Decimal("0.1349")
    assert linyi["types"]["coal_to_electric"]["level"] == "behind"
    assert linyi["types"]["coal_to_electric"]["expected"] == int(
        (Decimal(9000) * 84 / 145).quantize(Decimal("1"), ROUND_HALF_UP)
    )
    yuhu = row_for(table, "140802")
    assert yuhu["total"]["level"] == "far"  # 13 % against 58 %
    wanrong = row_for(table, "140822")
    assert wanrong["types"]["district_heating"]["level"] == "none"  # no target
    html = response.content.decode()
    assert "lvl-far" in html and "lvl-ahead" in html and "lvl-behind" in html


def test_the_as_of_month_picker_offers_the_plans_months_and_changes_the_figures(web, users, progress_data):
    client = web(users["city"])
    july = expect(client.get(reverse("dashboard"), {"period": "2021-07"}))
    assert july.context["periods"] == ["2021-06", "2021-07", "2021-08", "2021-09", "2021-10"]
    assert july.context["table"]["totals"]["total"]["completed"] == 1700 + 650 + 1200
    september = expect(client.get(reverse("dashboard"), {"period": "2021-09"}))
    table = september.context["table"]
    assert table["totals"]["total"]["completed"] == 1700 + 650 + 1200 + 400 + 4000
    assert table["totals"]["total"]["pending"] == 700 + 50  # the returned report is not pending


@pytest.mark.parametrize("bad", ["2021-13", "abc", "2020-07", "2021-11"])
def test_a_bad_as_of_month_gives_a_message_not_an_error(web, users, bad):
    response = web(users["city"]).get(reverse("dashboard"), {"period": bad})
    assert response.status_code == 200
    assert response.context["period"] == "2021-10"
    assert "月份" in response.content.decode()


def test_a_department_sees_only_its_own_types(web, users, progress_data):
    response = expect(web(users["department"]).get(reverse("dashboard"), {"period": "2021-08"}))
    table = response.context["table"]
    assert [t.code for t in table["types"]] == ["coal_to_electric"]
    assert table["totals"]["total"]["target"] == 50878
    assert table["totals"]["total"]["completed"] == 1800 + 4000 + 1200
    assert "煤改气" not in response.content.decode().split('id="progress-table"')[1].split("</table>")[0]
    assert 'id="scope-note"' in response.content.decode()


def test_the_map_data_carries_every_countys_rate(web, users, progress_data):
    response = expect(web(users["city"]).get(reverse("dashboard"), {"period": "2021-08"}))
    items = {item["code"]: item for item in response.context["table"]["map"]}
    assert len(items) == 13
    # The exact ratio, not a rate already rounded to four places (which would round twice on the page).
    exact = Decimal(1200 * 100) / Decimal(sum(TARGETS["140827"]))
    assert items["140827"]["rate"] == exact.quantize(Decimal("0.00000001"))
    assert items["140827"]["completed"] == 1200
    assert 'id="map-data"' in response.content.decode()
    assert "vendor/echarts/echarts.min.js" in response.content.decode()


def test_the_county_page_shows_progress_per_type_and_area_class_history_and_reports(web, users, progress_data):
    response = web(users["clerk"]).get(reverse("county-detail", args=["140802"]), {"period": "2021-09"})
    assert response.status_code == 200
    data = response.context["data"]
    electric = next(item for item in data["by_type"] if item["type"].code == "coal_to_electric")
    assert {c["area_class"]: c["completed"] for c in electric["classes"]} == {"urban": 1000, "rural": 800}
    assert {c["area_class"]: c["pending"] for c in electric["classes"]} == {"urban": 50, "rural": 0}
    assert electric["cell"]["target"] == 10000
    assert data["row"]["total"]["target"] == sum(TARGETS["140802"])
    history = {h["period"]: h for h in data["history"]}
    assert history["2021-06"]["month"] == 0 and history["2021-06"]["state"].code == "missing"
    assert history["2021-07"]["month"] == 1700 and history["2021-07"]["cumulative"] == 1700
    assert history["2021-08"]["month"] == 400 and history["2021-08"]["cumulative"] == 2100
    assert history["2021-09"]["month"] == 0 and history["2021-09"]["state"].code == "on_time"
    reports = [r["pk"] for r in data["reports"]]
    expected = [progress_data[k].pk for k in ("yuhu_09", "yuhu_08", "yuhu_07")]
    assert reports == expected
    html = response.content.decode()
    for pk in expected:
        assert f'href="/reports/{pk}/"' in html
    assert f"/reports/{progress_data['yongji_07'].pk}/" not in html


def test_a_county_without_targets_has_a_page_that_says_so(web, users):
    response = web(users["city"]).get(reverse("county-detail", args=["140802404"]))
    assert response.status_code == 200
    assert "没有目标任务" in response.content.decode()


def test_an_unknown_county_is_404(web, users):
    assert web(users["city"]).get("/counties/999999/").status_code == 404


def test_the_dashboard_shows_spot_check_findings_per_county_in_one_table(users, web, plan):
    from datetime import date

    from inspections.services_spot_checks import spot_check_record
    from tests.households.helpers import make_household, make_id

    findings = ["in_use", "in_use", "in_use", "coal_resumed"]
    for seq in range(1, len(findings) + 1):
        make_household(plan, seq=seq)
    spot_check_record(
        user=users["city"],
        plan=plan,
        county_code="140802",
        checked_on=date(2021, 12, 1),
        inspector="督查组",
        items=[{"id_number": make_id(seq=seq), "finding": f} for seq, f in enumerate(findings, start=1)],
    )
    response = web(users["city"]).get("/dashboard/?period=2021-10")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="spot-check-table"' not in html and html.count('id="inspection-summary"') == 1
    row = html.split('id="inspection-summary"')[1].split('data-county="140802"')[1].split("</tr>")[0]
    cells = [
        " ".join(c.split(">", 1)[1].replace("</span>", "").replace('<span class="unit">', "").split())
        for c in row.split("<td")[1:]
    ]
    cells = [c.split("</td")[0] for c in cells]
    # none sampled, 4 checked: 3 in use (75.0%), 0 idle, 1 coal burning resumed (25.0%), 0 removed,
    # 0 vacant, 0 not found; no rectification (a desk check opens none)
    assert cells == ["0", "4", "3 (75.0%)", "0 (0.0%)", "1 (25.0%)", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)", "0", "0", "0"]
