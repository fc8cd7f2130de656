"""Reads of inspections; all their scoping, on top of ``counties.selectors.scope_for_user``.

Who sees what:
- city office, admin: everything;
- inspector: the samples assigned to it (within its counties, if limited), their households and its
  own visits; rectifications in its counties (it re-visits them);
- acceptor: completed households of its engaged counties and its own acceptance visits;
- county clerk: only what has been visited in its county (a sample's unvisited households are never
  shown: an announced check is no check), and its county's rectifications;
- finance, department: the figures and rectifications (a department its own types), no visits or photos.
Another county's object is a 404; a role that may not read a kind of object at all gets 403.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import Plan, Profile, RetrofitType, Role, Unit
from counties.selectors import counties_for_user, require_role, scope_for_user
from households.models import Household, HouseholdStatus
from inspections.models import (
    CheckBatch,
    Photo,
    Rectification,
    RectificationStatus,
    Sample,
    SampleHousehold,
    Visit,
    VisitFinding,
    VisitKind,
)
from reports.selectors import percent_of

SAMPLE_READ_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.INSPECTOR, Role.COUNTY_CLERK)
SAMPLE_WRITE_ROLES = (Role.ADMIN, Role.CITY_OFFICE)
VISIT_READ_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.INSPECTOR, Role.ACCEPTOR, Role.COUNTY_CLERK)
VISIT_WRITE_ROLES = (Role.INSPECTOR, Role.ACCEPTOR)
RECT_READ_ROLES = (
    Role.ADMIN,
    Role.CITY_OFFICE,
    Role.FINANCE,
    Role.DEPARTMENT,
    Role.COUNTY_CLERK,
    Role.INSPECTOR,
)
RECT_RESOLVE_ROLES = (Role.COUNTY_CLERK,)
RECT_CLOSE_ROLES = (Role.ADMIN, Role.CITY_OFFICE)
SUMMARY_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.FINANCE, Role.DEPARTMENT, Role.COUNTY_CLERK)
EXPORT_ROLES = (Role.ADMIN, Role.CITY_OFFICE, Role.COUNTY_CLERK)
OPEN_STATUSES = (RectificationStatus.OPEN, RectificationStatus.RETURNED)


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404(_("未找到。")) from None


def _visited(plan_field: str = "sample__plan"):
    return Visit.objects.filter(household_id=OuterRef("household_id"), sample_id=OuterRef("sample_id"))


def sample_entries_for_user(*, user, plan: Plan) -> QuerySet[SampleHousehold]:
    """The sampled households the user may see (a clerk: visited ones of its county only)."""
    scope = scope_for_user(user)
    entries = SampleHousehold.objects.filter(sample__plan=plan)
    if scope.role not in SAMPLE_READ_ROLES:
        return entries.none()
    if scope.county_ids is not None:
        entries = entries.filter(county_id__in=scope.county_ids)
    if scope.is_inspector:
        entries = entries.filter(sample__inspectors=user)
    if scope.is_clerk:
        entries = entries.filter(Exists(_visited()))
    return entries


def samples_for_user(*, user, plan: Plan) -> QuerySet[Sample]:
    scope = require_role(user, *SAMPLE_READ_ROLES)
    samples = Sample.objects.filter(plan=plan)
    if scope.is_city_office:
        return samples
    visible = sample_entries_for_user(user=user, plan=plan).values("sample_id")
    return samples.filter(pk__in=visible)


def sample_get_for_user(*, user, plan: Plan, pk) -> Sample:
    sample = samples_for_user(user=user, plan=plan).filter(pk=_int(pk)).first()
    if sample is None:
        raise Http404(_("未找到该抽查样本。"))
    return sample


def sample_progress(*, user, sample: Sample) -> dict:
    """Households sampled and visited, within what the user may see. Two queries."""
    entries = sample_entries_for_user(user=user, plan=sample.plan).filter(sample=sample)
    total = entries.count()
    visited = entries.filter(Exists(_visited())).count()
    return {"sampled": total, "visited": visited, "not_visited": total - visited}


def sample_household_ids(*, user, sample: Sample) -> list[int]:
    return list(
        sample_entries_for_user(user=user, plan=sample.plan)
        .filter(sample=sample)
        .order_by("household_id")
        .values_list("household_id", flat=True)
    )


def task_households_for_user(*, user, plan: Plan) -> QuerySet[Household]:
    """The households a field user may visit: an inspector's sampled households, an acceptor's
    completed (not yet accepted) households of its engaged counties."""
    scope = require_role(user, *VISIT_WRITE_ROLES)
    households = Household.objects.filter(plan=plan).select_related("county", "retrofit_type")
    if scope.county_ids is not None:
        households = households.filter(county_id__in=scope.county_ids)
    if scope.is_acceptor:
        return households.filter(status=HouseholdStatus.COMPLETED).exclude(retrofit_type__in=_not_engaged_types(user))
    entries = SampleHousehold.objects.filter(sample__plan=plan, sample__inspectors=user)
    return households.filter(pk__in=entries.values("household_id"))


def _not_engaged_types(user) -> QuerySet[RetrofitType]:
    """Third-party acceptance is of the works (煤改电, 煤改气, 集中供热); building retrofits (measured
    in m²) are accepted by the firm only when its profile lists that type among its 负责的改造类型."""
    # Non-null only: NOT IN over a NULL excludes everything in SQL.
    engaged = Profile.objects.filter(user=user, retrofit_types__isnull=False).values("retrofit_types")
    return RetrofitType.objects.filter(unit=Unit.M2).exclude(pk__in=engaged)


def field_households_left(*, user, plan: Plan) -> list[dict]:
    """Per county, the field user's households still to do: an inspector's sampled households with no
    visit in their sample, an acceptor's households left to accept. One query."""
    scope = require_role(user, *VISIT_WRITE_ROLES)
    if scope.is_acceptor:
        households = task_households_for_user(user=user, plan=plan)
    else:
        entries = SampleHousehold.objects.filter(sample__plan=plan, sample__inspectors=user).filter(~Exists(_visited()))
        if scope.county_ids is not None:
            entries = entries.filter(county_id__in=scope.county_ids)
        households = Household.objects.filter(pk__in=entries.values("household_id"))
    rows = (
        households.order_by()
        .values("county__code", "county__name", "county__order")
        .annotate(left=Count("pk"))
        .order_by("county__order", "county__code")
    )
    return [{"code": r["county__code"], "name": r["county__name"], "left": r["left"]} for r in rows]


def task_sample_for(*, user, plan: Plan, household: Household) -> Sample | None:
    """The (latest) sample assigned to ``user`` that holds ``household``."""
    return (
        Sample.objects.filter(plan=plan, inspectors=user, entries__household=household)
        .order_by("-created_at", "-pk")
        .first()
    )


def visits_for_user(*, user, plan: Plan) -> QuerySet[Visit]:
    scope = require_role(user, *VISIT_READ_ROLES)
    visits = Visit.objects.filter(plan=plan).select_related("household", "county", "created_by")
    if scope.county_ids is not None:
        visits = visits.filter(county_id__in=scope.county_ids)
    if scope.is_field:
        visits = visits.filter(created_by=user)
    return visits


def visit_get_for_user(*, user, plan: Plan, pk) -> Visit:
    visit = visits_for_user(user=user, plan=plan).filter(pk=_int(pk)).first()
    if visit is None:
        raise Http404(_("未找到该检查记录。"))
    return visit


def rectifications_for_user(*, user, plan: Plan) -> QuerySet[Rectification]:
    scope = require_role(user, *RECT_READ_ROLES)
    items = Rectification.objects.filter(plan=plan).select_related("county", "household", "visit")
    if scope.county_ids is not None:
        items = items.filter(county_id__in=scope.county_ids)
    if scope.type_ids is not None:
        items = items.filter(household__retrofit_type_id__in=scope.type_ids)
    return items


def rectification_get_for_user(*, user, plan: Plan, pk) -> Rectification:
    item = rectifications_for_user(user=user, plan=plan).filter(pk=_int(pk)).first()
    if item is None:
        raise Http404(_("未找到该整改事项。"))
    return item


def photo_get_for_user(*, user, plan: Plan, pk) -> Photo:
    """A photo of a visit or rectification the user may see; anything else (or no role) is a 404."""
    scope = scope_for_user(user)
    photo = Photo.objects.filter(pk=_int(pk)).select_related("visit", "rectification").first()
    if photo is None or scope.role is None:
        raise Http404(_("未找到该照片。"))
    if photo.visit_id is not None:
        allowed = (
            scope.role in VISIT_READ_ROLES and visits_for_user(user=user, plan=plan).filter(pk=photo.visit_id).exists()
        )
    else:
        allowed = (
            scope.role in RECT_READ_ROLES
            and rectifications_for_user(user=user, plan=plan).filter(pk=photo.rectification_id).exists()
        )
    if not allowed:
        raise Http404(_("未找到该照片。"))
    return photo


def is_overdue(item: Rectification, today: date | None = None) -> bool:
    return item.status in OPEN_STATUSES and item.deadline < (today or timezone.localdate())


def inspection_summary(*, user, plan: Plan, today: date | None = None) -> list[dict]:
    """Per visible county: households sampled, visited, each finding's count and rate (of visited),
    rectifications open / overdue / closed. Counts only: how many households a county has in
    samples is no secret (rate × roster), which ones are. Four queries whatever the number of counties."""
    return _summary(scope=require_role(user, *SUMMARY_ROLES), user=user, plan=plan, today=today)


def inspection_summary_public(*, plan: Plan, today: date | None = None) -> list[dict]:
    """The same figures for every county, for the public monthly bulletin (aggregates only)."""
    from counties.selectors import PUBLIC_SCOPE

    return _summary(scope=PUBLIC_SCOPE, user=None, plan=plan, today=today)


def _summary(*, scope, user, plan: Plan, today: date | None) -> list[dict]:
    from decimal import Decimal

    from counties.models import County

    today = today or timezone.localdate()
    entries = SampleHousehold.objects.filter(sample__plan=plan)
    visits = Visit.objects.filter(plan=plan, kind=VisitKind.INSPECTION)
    rects = Rectification.objects.filter(plan=plan)
    if scope.county_ids is not None:
        entries = entries.filter(county_id__in=scope.county_ids)
        visits = visits.filter(county_id__in=scope.county_ids)
        rects = rects.filter(county_id__in=scope.county_ids)
    if scope.type_ids is not None:
        entries = entries.filter(household__retrofit_type_id__in=scope.type_ids)
        visits = visits.filter(household__retrofit_type_id__in=scope.type_ids)
        rects = rects.filter(household__retrofit_type_id__in=scope.type_ids)
    sampled = {
        r["county_id"]: r["n"]
        for r in entries.values("county_id").annotate(n=Count("household_id", distinct=True)).order_by()
    }
    # One household visited twice counts once, with its latest finding.
    latest: dict[tuple[int, int], str] = {}
    for county_id, household_id, finding in visits.order_by("visited_at", "pk").values_list(
        "county_id", "household_id", "finding"
    ):
        latest[(county_id, household_id)] = finding
    findings: dict[int, dict[str, int]] = {}
    for (county_id, _household), finding in latest.items():
        findings.setdefault(county_id, {}).setdefault(finding, 0)
        findings[county_id][finding] += 1
    rect_counts = {
        r["county_id"]: r
        for r in rects.values("county_id")
        .annotate(
            open=Count("pk", filter=~Q(status=RectificationStatus.CLOSED)),
            to_resolve=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
            closed=Count("pk", filter=Q(status=RectificationStatus.CLOSED)),
        )
        .order_by()
    }
    county_ids = set(sampled) | set(findings) | set(rect_counts)
    result = []
    counties = counties_for_user(user=user) if user is not None else County.objects.all()
    for county in counties.filter(pk__in=county_ids).order_by("order", "code"):
        by_finding = findings.get(county.pk, {})
        visited = sum(by_finding.values())
        rc = rect_counts.get(county.pk, {})
        result.append(
            {
                "county": county,
                "sampled": sampled.get(county.pk, 0),
                "visited": visited,
                "findings": {
                    f.value: {
                        "count": by_finding.get(f.value, 0),
                        "rate": (Decimal(by_finding.get(f.value, 0)) / Decimal(visited)).quantize(Decimal("0.0001"))
                        if visited
                        else None,
                        "percent": percent_of(by_finding.get(f.value, 0), visited),
                    }
                    for f in VisitFinding
                },
                "rect_open": rc.get("open", 0),
                # Open or returned: waiting for the county (the clerk's to-do), not for the city.
                "rect_to_resolve": rc.get("to_resolve", 0),
                "rect_overdue": rc.get("overdue", 0),
                "rect_closed": rc.get("closed", 0),
            }
        )
    return result


def spot_check_summary(*, user, plan: Plan) -> list[dict]:
    """Per visible county with a household checked: ``checked`` and each finding's count and rate.

    The inspection summary's own figures (``visited`` is ``checked``), so the spot-check page, its API
    and the dashboard can never disagree with the inspections summary: field visits and desk-entered
    checks alike, a household checked twice counted once with its latest finding."""
    return [
        {"county": row["county"], "checked": row["visited"], "findings": row["findings"]}
        for row in inspection_summary(user=user, plan=plan)
        if row["visited"]
    ]


def check_batches_for_user(*, user, plan: Plan) -> QuerySet[CheckBatch]:
    """The desk-entered spot checks of the counties the user may see (any role on the roster)."""
    scope = require_role(user, *SUMMARY_ROLES)
    batches = CheckBatch.objects.filter(plan=plan).select_related("county")
    if scope.county_ids is not None:
        batches = batches.filter(county_id__in=scope.county_ids)
    return batches
