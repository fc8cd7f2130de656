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
