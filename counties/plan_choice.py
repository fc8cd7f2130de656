"""Which plan year a page shows: the one choke point every page, export and API endpoint asks.

``?plan=<year>`` (or a POSTed ``plan``) wins, validated by ``plan_get_for_user`` (a missing year or
another role's draft is a 404); else the year the user chose in the header switch (remembered on the
user's profile, so a new session starts where the last one stopped; in the session for an account
without a profile); else ``plan_current``: the published plan whose reporting window holds today,
else the latest published.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from counties.models import Plan
from counties.selectors import plan_current, plan_current_among, plan_year_parse, plans_for_user, scope_for_user
from counties.services import profile_plan_year_set

SESSION_KEY = "plan_year"
_CACHE_ATTR = "_heating_plan"
_PLANS_ATTR = "_heating_plans"
_NOTHING = object()


def _remembered_year(request) -> int | None:
    """The year chosen in the header switch: the profile's (read with the role), else the session's."""
    scope_for_user(request.user)  # reads the profile once a request, and with it the remembered year
    year = getattr(request.user, "_heating_plan_year", None)
    if year is None and getattr(request, "session", None) is not None:
        year = request.session.get(SESSION_KEY)
    return year


def plans_for_request(request) -> list[Plan]:
    """Every year the user may see, newest first; read once a request (the header's switch lists them)."""
    plans = getattr(request, _PLANS_ATTR, None)
    if plans is None:
        plans = list(plans_for_user(user=request.user)) if request.user.is_authenticated else []
        setattr(request, _PLANS_ATTR, plans)
    return plans


def plan_for_request(request, *, required: bool = True) -> Plan | None:
    """The plan the request is about; cached on the request. 404 when ``required`` and there is none."""
    cached = getattr(request, _CACHE_ATTR, _NOTHING)
    if cached is _NOTHING:
        cached = _choose(request)
        setattr(request, _CACHE_ATTR, cached)
    if cached is None and required:
        raise Http404(_("尚未载入年度方案。"))
    return cached


def _choose(request) -> Plan | None:
    user = request.user
    if not user.is_authenticated:
        return plan_current(user=None)
    plans = plans_for_request(request)
    by_year = {p.year: p for p in plans}
    asked = request.GET.get("plan") or (request.POST.get("plan") if request.method == "POST" else None)
    if asked:
        plan = by_year.get(plan_year_parse(asked))
        if plan is None:
            # A missing year and another role's draft look the same (``plan_get_for_user``).
            raise Http404(_("未找到该年度方案。"))
        return plan
    remembered = by_year.get(_remembered_year(request))
    # A remembered year that went away (or back to draft) falls back to the current one.
    return remembered or plan_current_among(plans)


def plan_pin(request, *, plan: Plan) -> None:
    """A page about one record of a year (a report): the header and links follow that record's year."""
    setattr(request, _CACHE_ATTR, plan)


def plan_remember(request, *, plan: Plan) -> None:
    """The header switch: remember ``plan`` for the user, in this session and on the profile."""
    request.session[SESSION_KEY] = plan.year
    profile_plan_year_set(user=request.user, plan=plan)
    request.user._heating_plan_year = plan.year
    setattr(request, _CACHE_ATTR, plan)


_PLAN_PATH = re.compile(r"^/plans/\d{4}/")


def switched_url(next_url: str | None, *, request, year: int, fallback: str) -> str:
    """Where the header switch goes back to: ``next`` when it is a same-site address (else
    ``fallback``), with its ``plan=`` replaced and a ``/plans/<year>/`` path moved to the new year."""
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = fallback
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc:
        # Same-site but absolute: keep only path and query.
        parts = parts._replace(scheme="", netloc="")
    path = parts.path or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "plan"]
    if _PLAN_PATH.match(path):
        # The year is in the path: the same page of the new year.
        path = f"/plans/{year}/" + path[len("/plans/0000/") :]
    else:
        query.append(("plan", str(year)))
    return urlunsplit(("", "", path, urlencode(query), ""))


def redirect_in_year(request, to: str, *args, **kwargs):
    """``redirect(to, ...)`` to a page outside /plans/<year>/, staying in the request's year."""
    plan = plan_for_request(request, required=False)
    url = reverse(to, args=args, kwargs=kwargs)
    return redirect(f"{url}?plan={plan.year}" if plan else url)
