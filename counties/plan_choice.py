"""Which plan year a page shows: the one choke point every page, export and API endpoint asks.

``?plan=<year>`` (or a POSTed ``plan``) wins, validated by ``plan_get_for_user`` (a missing year or
another role's draft is a 404); else the year the user chose in the header switch (remembered in the
session and on the user's profile, so a new session starts where the last one stopped); else
``plan_current``: the published plan whose reporting window holds today, else the latest published.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from counties.models import Plan, Profile
from counties.selectors import plan_current, plan_get_for_user

SESSION_KEY = "plan_year"
_CACHE_ATTR = "_heating_plan"
_NOTHING = object()


def _remembered_year(request) -> int | None:
    """The year chosen in the header switch: the session's, else the profile's (read once a session)."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        return session[SESSION_KEY]
    year = Profile.objects.filter(user=request.user).values_list("plan_year", flat=True).first()
    if session is not None:
        session[SESSION_KEY] = year
    return year


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
    asked = request.GET.get("plan") or (request.POST.get("plan") if request.method == "POST" else None)
    if asked:
        return plan_get_for_user(user=user, year=asked)
    if not user.is_authenticated:
        return plan_current(user=None)
    year = _remembered_year(request)
    if year is not None:
        try:
            return plan_get_for_user(user=user, year=year)
        except Http404:
            pass  # the remembered year went away (or back to draft): fall back to the current one
    return plan_current(user=user)


def plan_pin(request, *, plan: Plan) -> None:
    """A page about one record of a year (a report): the header and links follow that record's year."""
    setattr(request, _CACHE_ATTR, plan)


def plan_remember(request, *, plan: Plan) -> None:
    """The header switch: remember ``plan`` for the user, in this session and on the profile."""
    request.session[SESSION_KEY] = plan.year
    Profile.objects.filter(user=request.user).update(plan_year=plan.year)
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
    if _PLAN_PATH.match(path):
        path = f"/plans/{year}/" + path[len("/plans/0000/") :]
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "plan"]
    else:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "plan"]
        query.append(("plan", str(year)))
    return urlunsplit(("", "", path, urlencode(query), ""))
