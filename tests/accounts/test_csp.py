"""The Content-Security-Policy: on every page, nothing inline in any template, and the pages still work."""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import PASSWORD, browser_login

ROOT = Path(__file__).resolve().parent.parent.parent
PROJECT_TEMPLATE_DIRS = [ROOT / "templates"] + [p for p in ROOT.glob("*/templates") if ".venv" not in str(p)]


def _all_templates():
    return sorted(path for directory in PROJECT_TEMPLATE_DIRS for path in directory.rglob("*.html"))


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _page_urls(report_id):
    """Every page of the application (not the API, not the admin) with sample arguments filled in."""
    from accounts.captcha import captcha_new

    values = {"year": "2021", "code": "140802", "pk": str(report_id), "oid": "1", "key": captcha_new()["key"]}
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/", "i18n/")) or "(?P" in route or "^" in route:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
        yield "/" + url


def test_the_templates_hold_no_inline_script_no_event_handler_and_no_inline_style():
    templates = _all_templates()
    assert len(templates) > 30
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\sstyle\s*=|<style\b|javascript:", text)]
    assert offenders == []


def test_every_page_carries_a_policy_without_inline_script_or_outside_origins(users, web, make_report):
    report = make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    city = web(users["city"])
    urls = list(_page_urls(report.pk)) + ["/admin/", "/admin/auth/user/", "/api/v1/docs/"]
    assert len(urls) > 25
    for url in urls:
        response = city.get(url)
        # pages, redirects and refusals (POST-only routes, other roles' pages, missing ids, a published
        # year's draft-only page) alike
        assert response.status_code in (200, 302, 403, 404, 405, 409), (url, response.status_code)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, (url, response.status_code)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy, url
        assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_the_api_docs_load_their_init_script_from_a_file(users, web):
    city = web(users["city"])
    docs = city.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    script_urls = re.findall(r'<script src="([^"]+)"', html)
    assert len(script_urls) == 3 and "<script>" not in html
    init = city.get(script_urls[-1])
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()
    assert init["Content-Type"].startswith("application/javascript")


@pytest.mark.browser
def test_swagger_ui_renders_under_the_policy(live_server, users, page):
    browser_login(page, live_server, "city")
    assert page.goto(f"{live_server.url}/api/v1/docs/").status == 200
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=30000)
    assert page.locator(".swagger-ui .opblock").count() > 20


DRAWN = "(id) => echarts.getInstanceByDom(document.getElementById(id)).getZr().storage.getDisplayList().length"


@pytest.mark.browser
def test_the_charts_draw_and_show_their_tooltips_under_the_policy(live_server, users, make_report, page):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 1000})
    browser_login(page, live_server, "city")
    assert page.goto(f"{live_server.url}/dashboard/?period=2021-07").status == 200
    page.wait_for_selector("#progress-map[data-rendered='1']")
    for chart_id in ("progress-chart", "progress-map"):
        chart = page.locator(f"#{chart_id}")
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        before = page.evaluate(DRAWN, chart_id)
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.move(box["x"] + box["width"] / 2 + 3, box["y"] + box["height"] / 2 + 3)
        page.wait_for_timeout(600)
        # the tooltip is drawn on the canvas (more shapes), not as an HTML box with style="" attributes
        assert page.evaluate(DRAWN, chart_id) > before, chart_id
        assert chart.locator("div[style*='z-index: 9999999']").count() == 0


@pytest.mark.browser
def test_a_refused_inline_script_fails_the_browser_fixture(live_server, users, browser):
    """The page fixture's CSP watch really sees refusals (so the other browser tests prove something)."""
    context = browser.new_context()
    tab = context.new_page()
    seen = []
    tab.on("console", lambda message: seen.append(message.text))
    assert tab.goto(f"{live_server.url}/accounts/login/").status == 200
    tab.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.appendChild(s); }"
    )
    tab.wait_for_timeout(200)
    context.close()
    assert any("Content Security Policy" in text for text in seen)


@pytest.mark.browser
def test_the_admin_pages_work_under_the_policy(live_server, users, page):
    # the admin's sign-in is the application's login page (with its CAPTCHA and lock messages)
    assert page.goto(f"{live_server.url}/admin/login/?next=/admin/").status == 200
    assert page.url == f"{live_server.url}/accounts/login/?next=/admin/"
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in ("/admin/auth/user/", f"/admin/auth/user/{users['city'].pk}/change/", "/admin/counties/county/import/"):
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("load")
    assert page.goto(f"{live_server.url}/admin/auth/user/{users['city'].pk}/change/").status == 200
    # the group picker (SelectFilter2.js) builds itself with script
    page.wait_for_selector("#id_groups_from")
