"""Unexpected errors: the JSON error shape under /api/, a Chinese page elsewhere, a request id everywhere."""

import logging
import re
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
HEX_ID = re.compile(r"[0-9a-f]{32}")


def _boom(*args, **kwargs):
    raise RuntimeError("simulated bug")


def test_every_response_carries_a_fresh_request_id(web, users):
    first = web(users["city"]).get("/plans/2021/targets/")
    second = web(users["city"]).get("/api/v1/plans/2021/targets/")
    assert first.status_code == 200 and second.status_code == 200
    assert HEX_ID.fullmatch(first["X-Request-ID"]) and HEX_ID.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    anonymous = Client().get("/accounts/login/")
    assert anonymous.status_code == 200 and HEX_ID.fullmatch(anonymous["X-Request-ID"])


def test_a_sane_incoming_request_id_is_kept_and_anything_else_is_replaced(web, users):
    client = web(users["city"])
    nginx_id = "3f2a9c1e0b7d4e6f8a9b0c1d2e3f4a5b"
    kept = client.get("/home/", HTTP_X_REQUEST_ID=nginx_id)
    assert kept.status_code == 200 and kept["X-Request-ID"] == nginx_id
    for hostile in ["x" * 200, "abc\ndef-injected", "<script>", "short", "a b c d e f g h"]:
        response = client.get("/home/", HTTP_X_REQUEST_ID=hostile)
        assert response.status_code == 200, hostile
        got = response["X-Request-ID"]
        assert got != hostile and HEX_ID.fullmatch(got)


def test_an_unexpected_api_error_is_json_with_the_request_id_and_logged_with_it(users, monkeypatch, caplog):
    monkeypatch.setattr("reports.api.progress_table", _boom)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(users["city"])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/plans/2021/progress/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error" and body["detail"]
    assert body["request_id"] == response["X-Request-ID"]
    assert "simulated bug" not in str(body)
    records = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert records and records[-1].request_id == body["request_id"]
    assert records[-1].exc_info and "simulated bug" in str(records[-1].exc_info[1])


def test_an_unexpected_page_error_shows_the_chinese_500_page_with_the_request_id(users, monkeypatch):
    monkeypatch.setattr("counties.views.plan_target_table", _boom)
    client = Client(raise_request_exception=False)
    client.force_login(users["city"])
    response = client.get("/plans/2021/targets/", HTTP_X_REQUEST_ID="req-2021-abcdef")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器内部错误" in page
    assert '<code id="request-id">req-2021-abcdef</code>' in page
    assert response["X-Request-ID"] == "req-2021-abcdef"
    assert "<script" not in page and " onclick=" not in page


def test_the_console_log_format_shows_the_request_id():
    from django.conf import settings

    config = settings.LOGGING
    assert "%(request_id)s" in config["formatters"]["default"]["format"]
    assert config["handlers"]["console"]["filters"] == ["request_id"]


def test_the_500_template_has_no_inline_script():
    text = (Path(__file__).resolve().parents[2] / "templates" / "500.html").read_text()
    assert "<script" not in text and not re.search(r"\son[a-z]+=", text)
