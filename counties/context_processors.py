from django.http import Http404

from counties.models import PlanStatus
from counties.plan_choice import plan_for_request
from counties.selectors import plan_current, plan_get_for_user, plans_for_user, scope_for_user


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
            plan = plan_get_for_user(user=user, year=match.kwargs["year"])
        else:
            plan = plan_for_request(request, required=False)
    except Http404:
        plan = plan_current(user=user)
    year = plan.year if plan else None
    return {
        "nav_plan_year": year,
        # Appended to links to pages outside /plans/<year>/ so that they stay in the year.
        "plan_query": f"plan={year}" if year else "",
        "plan_years": lambda: [
            {"year": y, "status": PlanStatus(s).label, "published": s == PlanStatus.PUBLISHED}
            for y, s in plans_for_user(user=user).values_list("year", "status")
        ],
    }
