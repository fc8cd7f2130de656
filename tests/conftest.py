"""Shared fixtures: the 2021 plan, one user per role plus outsiders, API clients, a real browser."""

import os
import shutil
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from counties.models import County, RetrofitType, Role
from counties.plan_file import read_plan_file, resolve_plan_path
from counties.services import plan_load, user_set_role
from tests import status_guard

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "test-pass-2021"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(autouse=True)
def every_response_status_is_checked(request):
    """Fail a test that made a request and never looked at the answer's status (tests/status_guard.py)."""
    status_guard.install()
    status_guard.TRACKER.active = True
    status_guard.TRACKER.unchecked = []
    yield
    status_guard.TRACKER.active = False
    offenders = status_guard.TRACKER.offenders()
    status_guard.TRACKER.unchecked = []
    if offenders:
        if os.environ.get("STATUS_GUARD_REPORT"):
            with open(os.environ["STATUS_GUARD_REPORT"], "a", encoding="utf-8") as report:
                report.write(f"{request.node.nodeid}\t{'; '.join(offenders)}\n")
        else:
            pytest.fail("响应状态未检查 / response status never checked: " + "; ".join(offenders), pytrace=False)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The role fixtures create seven users per test; PBKDF2 would spend seconds on each test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """A fresh local-memory cache per test: throttle counts of one test never leak into the next (and a
    REDIS_URL in the environment never makes a test write to a real Redis unless it asks to)."""
    import uuid

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (inspection photos) go to a per-test directory, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (django-tasks) run at once, inside the request that enqueues them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def load_2021_plan():
    data = read_plan_file(resolve_plan_path("2021"), known_counties=set(), known_types=set())
    plan, _ = plan_load(data=data)
    return plan


@pytest.fixture
def plan(db):
    return load_2021_plan()


@pytest.fixture
def county(plan):
    return County.objects.get(code="140802")


@pytest.fixture
def other_county(plan):
    return County.objects.get(code="140881")


@pytest.fixture
def users(plan):
    """One user per role, plus outsiders: a clerk of another county and a user with no role."""
    types = {t.code: t for t in RetrofitType.objects.all()}
    yuhu = County.objects.get(code="140802")
    yongji = County.objects.get(code="140881")
    return {
        "admin": user_set_role(username="admin", password=PASSWORD, role=Role.ADMIN),
        "city": user_set_role(username="city", password=PASSWORD, role=Role.CITY_OFFICE),
        "finance": user_set_role(username="finance", password=PASSWORD, role=Role.FINANCE),
        "department": user_set_role(
            username="energy",
            password=PASSWORD,
            role=Role.DEPARTMENT,
            department_name="市能源局",
            retrofit_types=[types["coal_to_electric"]],
        ),
        "clerk": user_set_role(username="clerk-140802", password=PASSWORD, role=Role.COUNTY_CLERK, county=yuhu),
        "other_clerk": user_set_role(username="clerk-140881", password=PASSWORD, role=Role.COUNTY_CLERK, county=yongji),
        "norole": _plain_user("outsider"),
    }


def _plain_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=username, password=PASSWORD)


@pytest.fixture
def api():
    """``api(user)`` returns an APIClient authenticated as ``user`` (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def web(client):
    """``web(user)`` returns a Django test client logged in as ``user`` (None: anonymous)."""
    from django.test import Client

    def make(user=None):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which(CHROMIUM) or CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A browser tab; the test fails if the Content-Security-Policy refused anything on any page it saw."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    csp_violations = []
    page.on(
        "console",
        lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert not csp_violations, f"refused by the Content-Security-Policy: {csp_violations}"


def browser_login(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def make_report(plan, users):
    """Build a county report straight in the database (no workflow), for tests of what reads reports.

    ``lines`` maps (type code, area class) to households, or to m² for area-measured types.
    """
    import calendar
    from datetime import date, datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from reports.models import Report, ReportLine, ReportStatus

    types = {t.code: t for t in RetrofitType.objects.all()}

    def make(county_code, period, lines=None, status=ReportStatus.APPROVED, submitted_on=None, narrative=""):
        year, month = map(int, period.split("-"))
        deadline = date(year, month, calendar.monthrange(year, month)[1])
        submitted_on = submitted_on or (deadline if status != ReportStatus.DRAFT else None)
        submitted_at = (
            datetime(submitted_on.year, submitted_on.month, submitted_on.day, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
            if submitted_on
            else None
        )
        report = Report.objects.create(
            plan=plan,
            county=County.objects.get(code=county_code),
            period=period,
            deadline=deadline,
            status=status,
            narrative=narrative,
            created_by=users["clerk"],
            submitted_at=submitted_at,
            last_submitted_at=submitted_at,
        )
        for (type_code, area_class), value in (lines or {}).items():
            retrofit_type = types[type_code]
            if retrofit_type.unit == "m2":
                ReportLine.objects.create(
                    report=report, retrofit_type=retrofit_type, area_class=area_class, area_m2=Decimal(value)
                )
            else:
                ReportLine.objects.create(
                    report=report, retrofit_type=retrofit_type, area_class=area_class, households=int(value)
                )
        return report

    return make
