"""The home page: each role's to-do list first, then its way into the rest of the system."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from counties.plan_choice import plan_for_request
from counties.selectors import scope_for_user
from yuncheng_heating.home import city_todo, field_todo, filer_todo, finance_todo


@login_required
def home(request):
    scope = scope_for_user(request.user)
    if scope.is_clerk:
        # A clerk's home is its county's page (targets, progress, its reports) under its to-do list.
        from yuncheng_heating.dashboard_views import county_detail_context

        context = county_detail_context(request, code=scope.county_code)
        todo = filer_todo(user=request.user, plan=context["plan"])
        # Rectifications waiting for the county, from the page's own inspection figures (no further query).
        row = context["inspections"][0] if context["inspections"] else None
        if row and row["rect_to_resolve"]:
            todo["rectifications"] = {"to_resolve": row["rect_to_resolve"], "overdue": row["rect_overdue"]}
            todo["empty"] = False
        context["todo"] = todo
        # A year the city office issued from its pages is announced on the clerks' home page.
        plan = context["plan"]
        context["plan_issued"] = plan if plan.status == "published" and plan.published_at else None
        return render(request, "dashboard/county_detail.html", context)
    plan = plan_for_request(request, required=False)
    todo = None
    if plan is not None and scope.role == "department":
        todo = filer_todo(user=request.user, plan=plan)
    elif plan is not None and scope.is_city_office:
        todo = city_todo(user=request.user, plan=plan)
    elif plan is not None and scope.role == "finance":
        todo = finance_todo(user=request.user, plan=plan)
    elif plan is not None and scope.is_field:
        todo = field_todo(user=request.user, plan=plan)
    return render(request, "counties/home.html", {"plan": plan, "scope": scope, "todo": todo})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on a first visit whatever the page links: send them to the static
    icon rather than a 404 in every log. Not a permanent redirect: in production the static name
    carries a content hash that changes with the file."""
    return redirect(static("favicon.ico"))
