"""A database or cache outage is a 503 with Retry-After (the API's error shape, a Chinese page), never a 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from tests.households.helpers import post_import, row, workbook

pytestmark = pytest.mark.django_db
# Nothing listens there: every cache call is refused at once, as with Redis stopped.
CLOSED_REDIS = "redis://127.0.0.1:1/0"


def _database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_an_api_request_whose_database_connection_dropped_gets_503_with_retry_after(api, users, monkeypatch):
    client = api(users["city"])
    monkeypatch.setattr("counties.api.PlanTargetsView.get", _database_gone)
    response = client.get("/api/v1/plans/2021/targets/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "service_unavailable" and "暂时不可用" in body["detail"]
    assert body["request_id"] == response["X-Request-ID"]


def test_a_page_whose_database_connection_dropped_gets_the_chinese_503_page(web, users, monkeypatch):
    client = web(users["city"])
    monkeypatch.setattr("counties.views.plan_target_table", _database_gone)
    response = client.get("/plans/2021/targets/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "服务暂时不可用" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_an_outage_inside_a_middleware_is_a_503_too(users, monkeypatch):
    """The session is read by middleware, outside any view: the 500 handler maps the outage."""
    client = Client(raise_request_exception=False)
    client.force_login(users["city"])
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", _database_gone)
    page = client.get("/home/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    api_response = client.get("/api/v1/plans/2021/targets/")
    assert api_response.status_code == 503
    assert api_response.json()["code"] == "service_unavailable"


def test_a_bug_is_still_a_500_and_not_hidden_as_an_outage(api, users, monkeypatch):
    client = api(users["city"])
    client.raise_request_exception = False

    def bug(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("counties.api.PlanTargetsView.get", bug)
    assert client.get("/api/v1/plans/2021/targets/").status_code == 500


def test_the_roster_import_fails_closed_with_503_and_a_chinese_message_when_redis_is_down(api, users, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_REDIS}}
    response = post_import(api(users["clerk"]), workbook([row(1)]), dry_run=True)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "service_unavailable" and "缓存无法连接" in body["detail"]


def test_the_import_page_fails_closed_with_the_503_page_when_redis_is_down(web, users, settings):
    from tests.households.helpers import upload

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_REDIS}}
    client = web(users["clerk"])
    response = client.post("/plans/2021/households/import/", {"file": upload(workbook([row(1)])), "mode": "create"})
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
