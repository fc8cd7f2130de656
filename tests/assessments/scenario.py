"""A year with known records for 盐湖区 (140802) and 永济市 (140881), as of 2021-12-31.

Every number here is a record a person could count by hand; tests/assessments/test_arithmetic.py works
out each county's points from them with fractions, independently of assessments.figures.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from counties.models import County
from households.models import HouseholdStatus
from inspections.models import Rectification, RectificationStatus, Visit, VisitFinding, VisitKind
from reports.models import ReportAction, ReportEvent, ReportStatus
from subsidies.models import Level, Payment
from tests.households.helpers import make_household

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = date(2021, 12, 31)

# A scheme the office might set (weights add up to 100).
RULES = {
    "indicators": {
        "completion": {"weight": "40", "floor": "60"},
        "timeliness": {"weight": "10"},
        "data_quality": {"weight": "10", "per_return": "2", "cap": "5"},
        "inspection": {"weight": "10", "per_point": "0.2", "cap": "10"},
        "rectification": {"weight": "10"},
        "acceptance": {"weight": "5"},
        "funds": {"weight": "5"},
        "air_quality": {"weight": "10", "better": "lower"},
    },
    "adjustment_limits": {"bonus": "5", "penalty": "10"},
    "grades": {"excellent": "90", "good": "80", "pass": "60"},
    "fund_basis": "grade",
    "fund_coefficients": {
        "excellent": "1.10",
        "good": "1.00",
        "pass": "0.95",
        "fail": "0.80",
        "air_met": "1.00",
        "air_not_met": "0.90",
    },
}


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def _visit(plan, household, finding, day, user):
    visit = Visit.objects.create(
        plan=plan,
        kind=VisitKind.INSPECTION,
        household=household,
        county=household.county,
        finding=finding,
        visited_at=at(day),
        created_by=user,
    )
    return visit


def build(*, plan, users, make_report):
    """The records; returns what the test needs to know (the reports and households made)."""
    yuhu = County.objects.get(code="140802")
    yongji = County.objects.get(code="140881")
    city = users["city"]

    # 盐湖区 reports: 06 on time (approved), 07 on time (approved, returned twice before), 08 late by
    # three days (approved), 09 a draft never submitted, 10 missing.
    # 盐湖区 has no building-retrofit target: its m² count for money, not for completion.
    make_report(
        "140802",
        "2021-06",
        {
            ("coal_to_electric", "urban"): 6000,
            ("building_retrofit", "urban"): 20000,
            ("district_heating", "urban"): 500,
        },
    )
    july = make_report("140802", "2021-07", {("coal_to_electric", "rural"): 2000, ("coal_to_gas", "urban"): 4300})
    make_report("140802", "2021-08", {("coal_to_electric", "rural"): 1000}, submitted_on=date(2021, 9, 3))
    make_report("140802", "2021-09", {("coal_to_gas", "rural"): 999}, status=ReportStatus.DRAFT)
    for when in (date(2021, 8, 2), date(2021, 8, 5)):
        event = ReportEvent.objects.create(
            report=july, actor=city, action=ReportAction.RETURN, reason="数据有误", version=2
        )
        ReportEvent.objects.filter(pk=event.pk).update(at=at(when))
    # A return after the as-of date does not count.
    event = ReportEvent.objects.create(report=july, actor=city, action=ReportAction.RETURN, reason="晚", version=3)
    ReportEvent.objects.filter(pk=event.pk).update(at=at(date(2022, 1, 3)))

    # 永济市: every month on time; 06 approved with far more than its coal_to_electric target; 10 still
    # waiting for review (on time, but not counted as completed).
    make_report("140881", "2021-06", {("coal_to_electric", "rural"): 10**6})  # capped at 100 %
    for period in ("2021-07", "2021-08", "2021-09"):
        make_report("140881", period, {})
    make_report("140881", "2021-10", {("coal_to_gas", "rural"): 50}, status=ReportStatus.SUBMITTED)

    # 盐湖区 roster: 6 completed, 3 accepted, 1 paid; 2 registered (not completed).
    households = []
    seq = 0
    for status, n in (
        (HouseholdStatus.COMPLETED, 6),
        (HouseholdStatus.ACCEPTED, 3),
        (HouseholdStatus.PAID, 1),
        (HouseholdStatus.REGISTERED, 2),
    ):
        for _ in range(n):
            seq += 1
            households.append(make_household(plan, county_code="140802", seq=seq, status=status))
    completed = households[:10]
    # Field inspections of 盐湖区: 10 households visited; 2 found 改而不用, 1 燃煤复烧 (visited again later
    # and found in use: still found), and one found 改而不用 on a second visit (below): 4 of 10. A visit
    # after the as-of date and one with no finding do not count.
    bad = []
    for index, household in enumerate(completed):
        finding = VisitFinding.IN_USE
        if index in (0, 1):
            finding = VisitFinding.IDLE
        elif index == 2:
            finding = VisitFinding.COAL_RESUMED
        visit = _visit(plan, household, finding, date(2021, 11, 10), city)
        if finding != VisitFinding.IN_USE:
            bad.append(visit)
    _visit(plan, completed[2], VisitFinding.IN_USE, date(2021, 12, 1), city)
    _visit(plan, households[10], VisitFinding.IDLE, date(2022, 1, 5), city)
    _visit(plan, households[11], "", date(2021, 11, 12), city)

    # Rectifications of 盐湖区: closed in time, closed late, open past its deadline (3 due, 1 in time);
    # one still within its deadline after the as-of date (not due).
    Rectification.objects.create(
        plan=plan,
        county=yuhu,
        household=completed[0],
        visit=bad[0],
        finding=VisitFinding.IDLE,
        deadline=date(2021, 12, 1),
        status=RectificationStatus.CLOSED,
        closed_at=at(date(2021, 11, 30)),
    )
    Rectification.objects.create(
        plan=plan,
        county=yuhu,
        household=completed[1],
        visit=bad[1],
        finding=VisitFinding.IDLE,
        deadline=date(2021, 12, 1),
        status=RectificationStatus.CLOSED,
        closed_at=at(date(2021, 12, 5)),
    )
    Rectification.objects.create(
        plan=plan,
        county=yuhu,
        household=completed[2],
        visit=bad[2],
        finding=VisitFinding.COAL_RESUMED,
        deadline=date(2021, 12, 20),
        status=RectificationStatus.OPEN,
    )
    late_visit = _visit(plan, households[3], VisitFinding.IDLE, date(2021, 12, 25), city)
    Rectification.objects.create(
        plan=plan,
        county=yuhu,
        household=households[3],
        visit=late_visit,
        finding=VisitFinding.IDLE,
        deadline=date(2022, 1, 25),
        status=RectificationStatus.OPEN,
    )

    # A rectification is opened when its visit is recorded.
    for item in Rectification.objects.filter(plan=plan).select_related("visit"):
        Rectification.objects.filter(pk=item.pk).update(opened_at=item.visit.visited_at)

    # County-level payments to 盐湖区: 3,000,000 counted; one voided, one after the as-of date, one city-level.
    def pay(amount, day, level=Level.COUNTY, voided=False):
        Payment.objects.create(
            plan=plan,
            county=yuhu,
            level=level,
            paid_on=day,
            document_number="运财〔2021〕1号",
            amount=Decimal(amount),
            recorded_by=users["finance"],
            voided_at=at(day) if voided else None,
            void_reason="错录" if voided else "",
        )

    pay("2000000", date(2021, 11, 1))
    pay("1000000", date(2021, 12, 31))
    pay("500000", date(2021, 12, 2), voided=True)
    pay("700000", date(2022, 1, 2))
    pay("900000", date(2021, 12, 2), level=Level.CITY)
    # 永济市 was paid nothing.
    return {"july": july, "yuhu": yuhu, "yongji": yongji, "completed": completed, "households": households}


def end_of(day: date) -> datetime:
    return at(day + timedelta(days=1), 0)
