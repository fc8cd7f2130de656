from django.http import Http404

from counties.models import PlanStatus
from counties.plan_choice import plan_for_request, plans_for_request
from counties.selectors import plan_current_among, plan_year_parse, scope_for_user


def roles(request):
    user = getattr(request, "user", None)
    context = {"scope": scope_for_user(user)}
    if user is not None and user.is_authenticated:
        context.update(_plan_context(request, user))
    return context


def _plan_context(request, user) -> dict:
    """The year the page is about, for the navigation's links and the header's year switch.

    A page under /plans/<year>/ is about its year; any other page about ``plan_for_request``'s. Never
    raises: the 404 page of a wrong ``?plan=`` still renders with the current year.
    """
    plan = None
    match = getattr(request, "resolver_match", None)
    try:
        if match is not None and "year" in match.kwargs:
            plan = {p.year: p for p in plans_for_request(request)}.get(plan_year_parse(match.kwargs["year"]))
        else:
            plan = plan_for_request(request, required=False)
    except Http404:
        plan = None
    plan = plan or plan_current_among(plans_for_request(request))
    year = plan.year if plan else None
    return {
        "nav_plan_year": year,
        # Appended to links to pages outside /plans/<year>/ so that they stay in the year.
        "plan_query": f"plan={year}" if year else "",
        "plan_years": [
            {"year": p.year, "status": p.get_status_display(), "published": p.status == PlanStatus.PUBLISHED}
            for p in plans_for_request(request)
        ],
    }
