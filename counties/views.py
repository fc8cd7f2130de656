from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from counties.selectors import plan_get, plan_target_table


@login_required
def target_table(request, year: int):
    plan = plan_get(year=year)
    return render(request, "counties/target_table.html", {"table": plan_target_table(plan=plan), "plan": plan})


def root(request):
    return redirect("home")
