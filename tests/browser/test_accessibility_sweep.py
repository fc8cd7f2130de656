"""Every page of every role, in a real browser, on the demo data: axe-core finds no serious or critical
violation, and no page scrolls sideways on an office PC (1366×768) or a phone (390×844) (issue 13).

One browser, one context per role and one login each; the Django test client first tells which pages a
role may open, so the browser only loads pages that render. axe-core comes bundled with
axe-playwright-python: nothing is downloaded at run time.
"""

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
OFFICE = {"width": 1366, "height": 768}

# One demo account per role (seed_demo). The clerk and the department user are those with a returned
# report, so their edit forms and return reasons are on screen too.
ROLES = {
    "clerk": "clerk-140822",
    "city_office": "city",
    "finance": "finance",
    "department": "energy",
    "inspector": "inspector",
    "acceptor": "acceptor",
    "admin": "admin",
}

# Named routes that are not pages a person reads: POST-only actions, files and scripts. Every other named
# route outside /api/ must appear in sweep_paths(), so a new page cannot escape the sweep.
NOT_PAGES = {
    "root",  # redirects to home/
    "plan-edit",  # a draft's only; the sweep's data has no draft (its form is the new-year page's, swept)
    "logout",  # POST
    "lock-release",
    "report-submit",
    "report-approve",
    "report-return",
    "report-reopen",
    "subsidy-grid-investment-add",
    "subsidy-grid-investment-void",
    "subsidy-grid-allocate",
    "subsidy-payment-add",
    "subsidy-payment-void",
    "subsidy-settlement-add",
    "household-reveal",
    "household-template",  # a workbook
    "household-accept-selected",
    "household-mark-paid",
    "household-export-start",  # POST
    "household-export-status",  # JSON polled by the progress page
    "household-export-download",  # a workbook
    "inspections-sw",  # a service worker script
    "inspections-sample-draw",
    "favicon",  # redirects to the static icon
    "admin-password-change",  # redirects to password-change
    "admin-login",  # redirects to login
    "captcha-image",  # a PNG (the login page with its CAPTCHA is swept)
    "plan-switch",  # POST (the header's year switch)
    "bulletin-number",  # POST (the city office corrects a bulletin's 文号)
    "subsidy-settlement-letter",  # a .docx (the settlement page is swept)
    "assessment-export",  # a workbook
    "assessment-notice",  # a .docx
    "assessment-objection-attachment",  # an uploaded file
    "javascript-catalog",
    "set_language",
    "healthz",  # JSON for the load balancer (operations)
    "readyz",
    "metrics",  # Prometheus text
    "plan-targets-template",  # a workbook
}


def page_route_names():
    names = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                route = str(pattern.pattern)
                if route.startswith(("api/", "admin/")):
                    continue
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def sweep_paths():
    """{route name: [paths]}, the ids filled from the demo data (seed_demo --with-progress)."""
    from assessments.models import Assessment
    from households.models import RosterExport
    from inspections.models import Rectification, Sample
    from reports.models import Report, ReportStatus
    from subsidies.models import Settlement

    def first(queryset):
        item = queryset.order_by("pk").first()
        return item.pk if item else 0

    returned = first(Report.objects.filter(county__code="140822", status=ReportStatus.RETURNED))
    approved = first(Report.objects.filter(county__code="140802", status=ReportStatus.APPROVED))
    open_period = "2021-10"
    # seed_demo's published 2021 assessment, with an open objection from 140822 (the sweep's clerk).
    assessment = first(Assessment.objects)
    return {
        "home": ["/home/"],
        "target-table": ["/plans/2021/targets/"],
        "target-adjustments": ["/plans/2021/targets/adjustments/"],
        "plan-list": ["/plans/"],
        "plan-new": ["/plans/new/"],
        "plan-manage": ["/plans/2021/manage/", "/plans/2021/manage/?confirm=close"],
        "report-list": ["/reports/"],
        "report-create": [f"/reports/new/?period={open_period}"],
        "report-detail": [f"/reports/{returned}/", f"/reports/{approved}/"],
        "report-edit": [f"/reports/{returned}/edit/"],
        "dashboard": ["/dashboard/", "/dashboard/?period=2021-10"],
        "status-grid": ["/dashboard/status/"],
        "trends": ["/dashboard/trends/"],
        "county-detail": ["/counties/140802/"],
        "bulletin": ["/bulletin/?period=2021-10"],
        "plan-years": ["/plans/years/"],
        "subsidies": ["/plans/2021/subsidies/"],
        "subsidy-rules": ["/plans/2021/subsidies/rules/"],
        "subsidy-settlement": [f"/plans/2021/subsidies/settlements/{first(Settlement.objects)}/"],
        "household-list": ["/plans/2021/households/"],
        "household-import": ["/plans/2021/households/import/"],
        "household-acceptance": ["/plans/2021/households/acceptance/"],
        "household-spot-checks": ["/plans/2021/spot-checks/"],
        "household-reconciliation": ["/plans/2021/reconciliation/"],
        "household-hardship": ["/plans/2021/hardship/"],
        "login": ["/accounts/login/"],
        "password-change": ["/accounts/password/"],
        "lock-list": ["/accounts/locks/"],
        "inspections-home": ["/inspections/"],
        "inspections-rectifications": ["/inspections/rectifications/"],
        "inspections-rectification": [f"/inspections/rectifications/{first(Rectification.objects)}/"],
        "inspections-sample-verify": [f"/inspections/samples/{first(Sample.objects)}/verify/"],
        # A background export's progress page, readable by the city office who started it.
        "household-export": [f"/plans/2021/households/exports/{first(RosterExport.objects)}/"],
        "assessment-home": ["/plans/2021/assessment/"],
        "assessment-scheme": ["/plans/2021/assessment/scheme/"],
        "assessment-air-quality": ["/plans/2021/assessment/air-quality/"],
        "assessment-detail": [
            f"/plans/2021/assessments/{assessment}/",
            f"/plans/2021/assessments/{assessment}/?confirm=finalize",
        ],
        "assessment-county": [f"/plans/2021/assessments/{assessment}/counties/140822/"],
        # The admin pages people use: the index, the subsidy rules and their import/export (item 8).
        "admin": [
            "/admin/",
            "/admin/subsidies/subsidyrule/",
            "/admin/subsidies/subsidyrule/import/",
            "/admin/subsidies/subsidyrule/export/",
        ],
    }


def test_every_page_route_is_in_the_sweep_or_named_as_not_a_page(db):
    listed = set(sweep_paths()) | NOT_PAGES
    assert page_route_names() - listed == set()


def _seed_demo():
    from tests.conftest import load_2021_plan

    plan = load_2021_plan()
    call_command("seed_demo", password=PASSWORD, with_progress=True, force=True, stdout=open("/dev/null", "w"))
    from django.contrib.auth import get_user_model

    from subsidies.services import settlement_create

    finance = get_user_model().objects.get(username="finance")
    settlement_create(plan=plan, period="2021-09", actor=finance)
    from households.tasks import roster_export_start

    roster_export_start(user=get_user_model().objects.get(username="city"), plan=plan, filters={})


# axe's preload copies the page's stylesheets into <style> elements, which the CSP rightly refuses
# (on the admin's import/export pages); only css-orientation-lock needs it.
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _not_ok(response, where, size) -> list[str]:
    """The browser got the page (200), as the test client did for the same role."""
    status = response.status if response else None
    return [] if status == 200 else [f"{where}: HTTP {status} at {size['width']}px"]


def _sideways(page, where, size) -> list[str]:
    overflow = page.evaluate(SIDEWAYS)
    return [f"{where}: scrolls sideways by {overflow}px at {size['width']}px"] if overflow > 0 else []


def _problems(results) -> list[str]:
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{violation['impact']} {violation['id']} ×{len(violation['nodes'])}: {targets}")
    return found


def test_every_page_of_every_role_passes_axe_and_never_scrolls_sideways(live_server, browser, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    _seed_demo()
    paths = [path for group in sweep_paths().values() for path in group]
    axe = Axe()
    failures, pages_seen = [], 0
    started = time.monotonic()
    # The status of every page for each role, read before the browser starts: the live server's threads
    # share the test's in-memory SQLite connection, and a write from this thread (a login's session)
    # while a request of the last page is still being served there fails as "table is locked".
    readable_by_role = {}
    for role, username in ROLES.items():
        client = Client()
        assert client.login(username=username, password=PASSWORD), username
        # the browser loads those that render (200)
        readable_by_role[role] = [path for path in paths if client.get(path).status_code == 200]
        assert readable_by_role[role], role
    for role, username in ROLES.items():
        readable = readable_by_role[role]
        context = browser.new_context(viewport=OFFICE, locale="zh-CN")
        page = context.new_page()
        refused = []

        def note_csp(message, refused=refused, page=page):
            if "Content Security Policy" in message.text:
                refused.append(f"{page.url}: {message.text[:160]}")

        page.on("console", note_csp)
        assert page.goto(f"{live_server.url}/accounts/login/").status == 200
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/home/")
        for path in readable:
            page.set_viewport_size(OFFICE)
            failures += _not_ok(page.goto(live_server.url + path), f"{role} {path}", OFFICE)
            pages_seen += 1
            for problem in _problems(axe.run(page, options=AXE_OPTIONS)):
                failures.append(f"{role} {path}: {problem}")
            failures += _sideways(page, f"{role} {path}", OFFICE)
            # Loaded again at phone size: charts and tables lay out for the width they load at.
            page.set_viewport_size(PHONE)
            failures += _not_ok(page.goto(live_server.url + path), f"{role} {path}", PHONE)
            failures += _sideways(page, f"{role} {path}", PHONE)
        context.close()
        failures += [f"{role}: refused by the CSP: {text}" for text in refused]
    elapsed = time.monotonic() - started
    print(f"axe sweep: {pages_seen} pages in {elapsed:.0f}s")
    assert pages_seen > 60
    assert not failures, "\n".join(failures)
