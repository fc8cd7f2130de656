"""Logs: an access line per request (no query values, status, duration, user id), JSON lines in UTC with the
request id on each (LOG_FORMAT=json), gunicorn's lines in the same format."""

import json
import logging
import logging.config
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from core.json_logging import JsonFormatter
from core.request_id import RequestIdFilter

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def access_records(caplog):
    return [r for r in caplog.records if r.name == "heating.access"]


def test_every_request_gets_one_access_line_without_the_query_values(web, users, caplog):
    client = web(users["city"])
    with caplog.at_level(logging.INFO, logger="heating.access"):
        response = client.get("/api/v1/plans/2021/households/?q=11010519491231002X")
    assert response.status_code == 200
    (record,) = access_records(caplog)
    assert (record.method, record.path, record.status, record.user_id) == (
        "GET",
        "/api/v1/plans/2021/households/",
        200,
        users["city"].pk,
    )
    assert isinstance(record.duration_ms, float) and record.duration_ms >= 0
    assert "11010519491231002X" not in record.getMessage()


def test_an_anonymous_request_logs_no_user_and_loads_none(caplog, django_assert_num_queries):
    with caplog.at_level(logging.INFO, logger="heating.access"), django_assert_num_queries(0):
        assert Client().get("/healthz").status_code == 200
    (record,) = access_records(caplog)
    assert (record.path, record.status, record.user_id) == ("/healthz", 200, None)


def test_a_json_line_is_one_line_in_utc_with_the_request_id_and_the_extra_fields():
    record = logging.LogRecord("heating.access", logging.INFO, __file__, 1, "GET %s", ("/healthz",), None)
    record.created = 1_700_000_000.25  # 2023-11-14 22:13:20.250 UTC
    record.status = 200
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["time"] == "2023-11-14T22:13:20.250Z"
    assert (data["level"], data["logger"], data["message"], data["request_id"], data["status"]) == (
        "INFO",
        "heating.access",
        "GET /healthz",
        "-",
        200,
    )


def test_an_exception_stays_on_one_json_line():
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError" in json.loads(line)["exc"]


def test_log_format_json_makes_every_line_json_with_the_request_id(tmp_path):
    """A real process with LOG_FORMAT=json: the app's and the access lines on stderr all parse as JSON."""
    env = {**os.environ, "DEBUG": "1", "LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    code = (
        "import django, os, logging; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'yuncheng_heating.settings'); "
        "django.setup(); from django.test import Client; "
        "Client().get('/healthz', HTTP_X_REQUEST_ID='3f2a9c1e0b7d4e6f8a9b0c1d2e3f4a5b'); "
        "logging.getLogger('households').warning('a line outside any request')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "heating.access"]
    assert len(access) == 1 and access[0]["request_id"] == "3f2a9c1e0b7d4e6f8a9b0c1d2e3f4a5b"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == ("GET", "/healthz", 200)
    assert all(line["time"].endswith("Z") and "request_id" in line for line in lines)
    assert any(line["message"] == "a line outside any request" and line["request_id"] == "-" for line in lines)


def test_the_gunicorn_config_sends_gunicorns_lines_through_the_same_json_formatter(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["accesslog"] is None  # the application writes the access lines
    formatter = config["logconfig_dict"]["formatters"]["json"]["()"]
    assert formatter == "core.json_logging.JsonFormatter"
    logging.config.dictConfig(config["logconfig_dict"])
    handler = logging.getLogger("gunicorn.error").handlers[0]
    assert isinstance(handler.formatter, JsonFormatter)
    assert callable(config["child_exit"]) and callable(config["on_starting"])
