from counties.selectors import scope_for_user


def roles(request):
    return {"scope": scope_for_user(getattr(request, "user", None))}
