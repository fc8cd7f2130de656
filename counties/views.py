from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from counties.plan_choice import plan_remember, switched_url
from counties.selectors import plan_get_for_user, plan_target_table


@login_required
def target_table(request, year: int):
    plan = plan_get_for_user(user=request.user, year=year)
    return render(request, "counties/target_table.html", {"table": plan_target_table(plan=plan), "plan": plan})


@require_POST
@login_required
def plan_switch(request):
    """The header's year switch: remember the year for the user and go back to the same page in it."""
    plan = plan_get_for_user(user=request.user, year=request.POST.get("plan", ""))
    plan_remember(request, plan=plan)
    return redirect(switched_url(request.POST.get("next"), request=request, year=plan.year, fallback=reverse("home")))


def root(request):
    return redirect("home")
