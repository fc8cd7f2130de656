from counties.selectors import plan_current, scope_for_user


def roles(request):
    user = getattr(request, "user", None)
    context = {"scope": scope_for_user(user)}
    if user is not None and user.is_authenticated:
        # The navigation links to the current plan's pages; one small query per page.
        plan = plan_current(user=user)
        context["nav_plan_year"] = plan.year if plan else None
    return context
