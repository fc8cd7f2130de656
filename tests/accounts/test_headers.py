"""No-store caching, TLS settings and the client address behind a proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from accounts.network import client_ip

ROOT = Path(__file__).resolve().parent.parent.parent

# The production environment documented in README (Deploying): with it `check --deploy` is clean.
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 40 + "-documented-production-secret-for-the-check",
    "ALLOWED_HOSTS": "heating.yuncheng.gov.cn",
    "TLS": "1",
    "TRUSTED_PROXY_COUNT": "1",
    "PII_KEYS": '{"current": "2026a", "keys": {"2026a": "000102030405060708090a0b0c0d0e0f"}}',
    "PII_INDEX_KEY": "ab" * 32,
}


# what the test run sets that a production environment does not have
CLEARED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TLS", "SECURE_COOKIES")


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_api_responses_are_not_stored_by_the_browser(users, api):
    allowed = api(users["city"]).get("/api/v1/plans/2021/targets/")
    assert allowed.status_code == 200 and no_store(allowed)
    refused = api().get("/api/v1/plans/2021/targets/")
    assert refused.status_code in (401, 403) and no_store(refused)  # refused, still not stored
    bad_login = api().post("/api/v1/auth/token/", {"username": "city", "password": "x"}, format="json")
    assert bad_login.status_code == 400 and no_store(bad_login)


def test_a_token_authenticated_api_response_is_not_stored(users, api):
    from rest_framework.test import APIClient

    from tests.conftest import PASSWORD

    issued = api().post("/api/v1/auth/token/", {"username": "city", "password": PASSWORD}, format="json")
    assert issued.status_code == 200
    token = issued.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/plans/2021/progress/")
    assert response.status_code == 200 and no_store(response)


@pytest.mark.parametrize(
    "url",
    [
        "/home/",
        "/dashboard/",
        "/plans/2021/households/",
        "/plans/2021/subsidies/",
        "/plans/2021/households/?format=xlsx",
        "/api/v1/plans/2021/households/export.xlsx",
        "/api/v1/plans/2021/progress/export.xlsx",
        "/api/v1/plans/2021/progress/export.csv",
        "/admin/",
        "/admin/accounts/securityevent/",
    ],
)
def test_authenticated_pages_and_exports_are_not_stored(users, web, url):
    response = web(users["admin"]).get(url)
    assert response.status_code == 200, url
    assert no_store(response) and "private" in response["Cache-Control"]


def run_check(env):
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_prints_no_warning_with_the_documented_production_environment(tmp_path):
    result = run_check({**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_tls_the_check_warns_about_hsts_and_the_https_redirect(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("TLS")
    result = run_check(env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_tls_without_the_proxy_count_is_warned_about(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("TRUSTED_PROXY_COUNT")
    result = run_check(env)
    assert result.returncode != 0 and "accounts.W001" in result.stderr


def test_tls_switches_on_hsts_redirect_and_secure_cookies(users, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    redirect = client.get("/accounts/login/")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200 and response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_settings_read_tls_from_one_variable():
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env = {
        **base,
        **PRODUCTION_ENV,
        "DATABASE_URL": "sqlite:///x.sqlite3",
        "DJANGO_SETTINGS_MODULE": "yuncheng_heating.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == ["True", "31536000", "True", "True"], out.stderr
    env.pop("TLS")
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == ["False", "0", "False", "False"], out.stderr


def test_the_client_address_is_taken_from_the_trusted_proxy_only(settings):
    rf = RequestFactory()
    forged = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.2.3.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(forged) == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx appended the address it saw (10.2.3.4); 6.6.6.6 was written by the client
    assert client_ip(forged) == "10.2.3.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")) is None
