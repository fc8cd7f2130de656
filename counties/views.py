from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from counties.selectors import plan_get, plan_latest, plan_target_table, scope_for_user


@login_required
def home(request):
    scope = scope_for_user(request.user)
    if scope.is_clerk:
        # A clerk's home is its county's page: targets, progress, its reports.
        from reports.dashboard_views import county_detail

        return county_detail(request, code=scope.county_code)
    plan = plan_latest()
    return render(request, "counties/home.html", {"plan": plan, "scope": scope})


@login_required
def target_table(request, year: int):
    plan = plan_get(year=year)
    return render(request, "counties/target_table.html", {"table": plan_target_table(plan=plan), "plan": plan})


def root(request):
    return redirect("home")
