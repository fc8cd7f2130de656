from decimal import Decimal

from counties.models import County, RetrofitType
from reports.models import ReportStatus
from reports.selectors import report_units


def test_units_sum_approved_reports_up_to_the_period_only(plan, make_report, django_assert_num_queries):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100, ("building_retrofit", "urban"): "1000.50"})
    make_report("140802", "2021-08", {("coal_to_electric", "urban"): 20})
    make_report("140802", "2021-09", {("coal_to_electric", "urban"): 7})  # after the period
    make_report("140881", "2021-08", {("coal_to_electric", "urban"): 5}, status=ReportStatus.SUBMITTED)
    yuhu = County.objects.get(code="140802").pk
    yongji = County.objects.get(code="140881").pk
    electric = RetrofitType.objects.get(code="coal_to_electric").pk
    building = RetrofitType.objects.get(code="building_retrofit").pk
    with django_assert_num_queries(1):
        approved = report_units(plan=plan, period="2021-08")
    assert approved[(yuhu, electric, "urban")].households == 120
    assert approved[(yuhu, building, "urban")].area_m2 == Decimal("1000.50")
    assert (yongji, electric, "urban") not in approved
    pending = report_units(plan=plan, period="2021-08", statuses=(ReportStatus.SUBMITTED,))
    assert pending[(yongji, electric, "urban")].households == 5


def test_the_progress_table_counts_approved_as_completed_and_submitted_as_pending(plan, users, make_report):
    from reports.selectors import progress_table

    make_report("140821", "2021-07", {("coal_to_electric", "rural"): 900, ("building_retrofit", "urban"): "35780"})
    make_report("140821", "2021-08", {("coal_to_electric", "urban"): 90}, status=ReportStatus.SUBMITTED)
    table = progress_table(user=users["city"], plan=plan, period="2021-08")
    linyi = next(r for r in table["rows"] if r["county"].code == "140821")
    assert linyi["types"]["coal_to_electric"] == {
        "target": 9000,
        "completed": 900,
        "pending": 90,
        "rate": Decimal("0.1000"),
    }
    building = linyi["types"]["building_retrofit"]
    assert building["completed"] == Decimal("357.80")
    assert building["completed_m2"] == Decimal("35780")
    assert building["rate"] == (Decimal("357.80") / 3578).quantize(Decimal("0.0001"))
    assert table["totals"]["total"]["target"] == 89369
    assert len(table["rows"]) == 13


def test_the_progress_table_is_scoped_to_a_clerks_county_and_a_departments_types(plan, users, make_report):
    from reports.selectors import progress_table

    clerk_table = progress_table(user=users["clerk"], plan=plan, period="2021-10")
    assert [r["county"].code for r in clerk_table["rows"]] == ["140802"]
    dept_table = progress_table(user=users["department"], plan=plan, period="2021-10")
    assert [t.code for t in dept_table["types"]] == ["coal_to_electric"]
    assert dept_table["totals"]["total"]["target"] == 50878
