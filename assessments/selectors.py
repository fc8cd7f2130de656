"""Reads of the assessment, and all of its scoping.

* The city office and the administrator see every assessment (drafts too) and every county.
* A county clerk sees an assessment from its publication (公示) on, and only its own county's
  breakdown until the result is final; the league table of a published assessment is a 404 to it.
* Finance and city departments see final results only: finance the grades and fund coefficients,
  a department the completion of its own retrofit types.
* Other roles (field staff) are refused (403).
"""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404

from assessments import rules as R
from assessments.figures import assessment_compute
from assessments.models import (
    Adjustment,
    AirQuality,
    Assessment,
    AssessmentEvent,
    AssessmentScheme,
    AssessmentStatus,
    Objection,
    ObjectionStatus,
)
from assessments.permissions import AssessmentReaders
from counties.models import Plan, Role
from counties.selectors import scope_for_user


def scheme_current(*, plan: Plan) -> AssessmentScheme:
    """The plan's latest scheme version, or the shipped default (unsaved) when the office has set none."""
    scheme = AssessmentScheme.objects.filter(plan=plan).order_by("-version").first()
    if scheme is None:
        scheme = AssessmentScheme(
            plan=plan, version=1, rules=R.scheme_clean(copy.deepcopy(R.DEFAULT_RULES)), is_default=True
        )
    return scheme


def scheme_locked(*, scheme: AssessmentScheme) -> bool:
    """A version that an assessment was published with is kept as it was: a change makes a new version."""
    return scheme.pk is not None and scheme.assessments.exclude(status=AssessmentStatus.DRAFT).exists()


def schemes_for_plan(*, plan: Plan) -> QuerySet[AssessmentScheme]:
    return AssessmentScheme.objects.filter(plan=plan).select_related("updated_by").order_by("-version")


def air_quality_for_plan(*, plan: Plan) -> QuerySet[AirQuality]:
    return AirQuality.objects.filter(plan=plan).select_related("county", "entered_by").order_by("county__order")


def _visible_statuses(role) -> tuple[str, ...] | None:
    if role in (Role.CITY_OFFICE, Role.ADMIN):
        return None
    if role == Role.COUNTY_CLERK:
        return (AssessmentStatus.PUBLISHED, AssessmentStatus.FINAL)
    return (AssessmentStatus.FINAL,)


def assessments_for_user(*, user, plan: Plan) -> QuerySet[Assessment]:
    """The plan's assessments the user may see, newest first (403 for roles that see none)."""
    AssessmentReaders.check(user)
    queryset = (
        Assessment.objects.filter(plan=plan)
        .select_related("plan", "scheme", "created_by", "published_by", "finalized_by", "supersedes")
        .order_by("-number")
    )
    statuses = _visible_statuses(scope_for_user(user).role)
    return queryset if statuses is None else queryset.filter(status__in=statuses)


def _one_or_404(queryset: QuerySet, pk):
    # ASCII digits only: int() would also read "９" or "9\x85" as 9 (a path id is canonical, issue 18).
    text = str(pk) if pk is not None else ""
    found = queryset.filter(pk=int(text)).first() if text.isascii() and text.isdigit() else None
    if found is None:
        raise Http404
    return found


def assessment_get_for_user(*, user, plan: Plan, pk) -> Assessment:
    return _one_or_404(assessments_for_user(user=user, plan=plan), pk)


def assessment_superseded_by(*, assessment: Assessment) -> Assessment | None:
    return Assessment.objects.filter(supersedes=assessment).first()


def adjustments_of(*, assessment: Assessment) -> dict[int, Decimal]:
    return {
        r["county_id"]: r["total"]
        for r in Adjustment.objects.filter(assessment=assessment).values("county_id").annotate(total=Sum("points"))
    }


def assessment_figures(*, assessment: Assessment) -> dict:
    """A draft's figures recomputed from the records now; a published or final one's as stored."""
    if assessment.figures is not None:
        return assessment.figures
    return assessment_compute(
        plan=assessment.plan,
        rules=assessment.scheme.rules,
        as_of=assessment.as_of,
        adjustments=adjustments_of(assessment=assessment),
    )


def figures_checksum(figures: dict) -> str:
    """SHA-256 of the figures in a canonical form (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checksum_holds(*, assessment: Assessment) -> bool | None:
    """Whether the stored figures still match their checksum (None before finalisation)."""
    if not assessment.sha256:
        return None
    return figures_checksum(assessment.figures) == assessment.sha256


def _department_view(figures: dict, type_codes: set[str]) -> dict:
    """A department's share of the result: the completion of its own types, per county."""
    counties = []
    for row in figures["counties"]:
        completion = next(i for i in row["indicators"] if i["code"] == "completion")
        counties.append(
            {
                "county": row["county"],
                "county_name": row["county_name"],
                "types": [t for t in completion["detail"]["types"] if t["type"] in type_codes],
            }
        )
    return {"as_of": figures["as_of"], "period": figures["period"], "counties": counties}


def league_for_user(*, user, assessment: Assessment) -> dict:
    """The league table: every county's indicators, total, rank, grade and coefficient.

    A clerk reads it once the result is final (404 before: it would show other counties' points);
    a department reads only the completion of its own types.
    """
    scope = scope_for_user(user)
    if scope.role == Role.COUNTY_CLERK and not assessment.is_final:
        raise Http404
    figures = assessment_figures(assessment=assessment)
    if scope.role == Role.DEPARTMENT:
        from counties.models import RetrofitType

        codes = set(RetrofitType.objects.filter(pk__in=scope.type_ids or ()).values_list("code", flat=True))
        return _department_view(figures, codes)
    return figures


def breakdown_for_user(*, user, assessment: Assessment, code: str) -> dict:
    """One county's row of the result, with each indicator's raw figures, rule and points (404 for a
    county outside the user's scope or not assessed; a department has no breakdown)."""
    scope = scope_for_user(user)
    if scope.role == Role.DEPARTMENT:
        raise Http404
    if scope.is_clerk and scope.county_code != code:
        raise Http404
    figures = assessment_figures(assessment=assessment)
    row = next((r for r in figures["counties"] if r["county"] == code), None)
    if row is None:
        raise Http404
    if scope.role == Role.COUNTY_CLERK and not assessment.is_final:
        # The rank is made of the other counties' totals: not before the final result.
        row = {**row, "rank": None}
    return row


def objections_for_user(*, user, assessment: Assessment, county_code: str = "") -> QuerySet[Objection]:
    """The objections the user may read; ``county_code`` narrows them to one county's (the breakdown page)."""
    scope = scope_for_user(user)
    queryset = Objection.objects.filter(assessment=assessment).select_related("county", "filed_by", "answered_by")
    if county_code:
        queryset = queryset.filter(county__code=county_code)
    if scope.role in (Role.CITY_OFFICE, Role.ADMIN):
        return queryset
    if scope.role == Role.COUNTY_CLERK:
        return queryset.filter(county_id=scope.county_id)
    return queryset.none()


def objection_get_for_user(*, user, assessment: Assessment, pk) -> Objection:
    return _one_or_404(objections_for_user(user=user, assessment=assessment), pk)


def adjustments_for_user(*, user, assessment: Assessment, county_code: str = "") -> QuerySet[Adjustment]:
    scope = scope_for_user(user)
    queryset = Adjustment.objects.filter(assessment=assessment).select_related("county", "created_by")
    if county_code:
        queryset = queryset.filter(county__code=county_code)
    if scope.role in (Role.CITY_OFFICE, Role.ADMIN):
        return queryset
    if scope.role == Role.COUNTY_CLERK:
        return queryset.filter(county_id=scope.county_id)
    if assessment.is_final and scope.role == Role.FINANCE:
        return queryset
    return queryset.none()


def events_for_user(*, user, assessment: Assessment) -> QuerySet[AssessmentEvent]:
    scope = scope_for_user(user)
    if scope.role not in (Role.CITY_OFFICE, Role.ADMIN):
        return AssessmentEvent.objects.none()
    return AssessmentEvent.objects.filter(assessment=assessment).select_related("actor", "county")


def open_objections(*, assessment: Assessment) -> int:
    return Objection.objects.filter(assessment=assessment, status=ObjectionStatus.OPEN).count()


def changes_against_previous(*, assessment: Assessment, figures: dict) -> dict[str, str] | None:
    """Each county's change of total against the version this one corrects (None without one)."""
    previous = assessment.supersedes
    if previous is None or not previous.figures:
        return None
    before = {r["county"]: R.decimal(r["total"]) for r in previous.figures["counties"]}
    return {
        r["county"]: R.text(R.decimal(r["total"]) - before[r["county"]]) if r["county"] in before else None
        for r in figures["counties"]
    }
