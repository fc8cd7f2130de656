"""/metrics: Prometheus text, only from allowed addresses or with the token; requests by view and status,
latency, queries per request, the task queue, failed logins and lockouts; multiprocess mode adds up workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from tests.accounts.test_lockout import fail_on_page

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def sample(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(**extra) -> str:
    response = Client().get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_metrics_answer_the_allowed_address_and_hide_from_others(settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    assert "heating_http_requests_total" in scrape(REMOTE_ADDR="127.0.0.1")
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404


def test_metrics_answer_the_right_bearer_token_and_refuse_a_wrong_one(settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert "heating_tasks" in scrape(REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    wrong = Client().get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403
    settings.METRICS_TOKEN = ""
    unset = Client().get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer ")
    assert unset.status_code == 403


def test_the_default_allows_only_the_local_machine():
    from django.conf import settings

    if not os.environ.get("METRICS_ALLOWED_ADDRESSES"):
        assert settings.METRICS_ALLOWED_ADDRESSES == ["127.0.0.1", "::1"]


def test_requests_are_counted_by_view_method_and_status_with_latency_and_queries(api, users):
    labels = {"view": "api-plan-targets"}
    before = sample("heating_http_requests_total", method="GET", status="200", **labels)
    latency_before = sample("heating_http_request_duration_seconds_count", **labels)
    queries_before = sample("heating_http_request_db_queries_sum", **labels)
    client = api(users["city"])
    for _ in range(2):
        assert client.get("/api/v1/plans/2021/targets/").status_code == 200
    assert client.get("/api/v1/plans/1999/targets/").status_code == 404
    assert sample("heating_http_requests_total", method="GET", status="200", **labels) == before + 2
    assert sample("heating_http_requests_total", method="GET", status="404", **labels) >= 1
    assert sample("heating_http_request_duration_seconds_count", **labels) == latency_before + 3
    assert sample("heating_http_request_db_queries_sum", **labels) >= queries_before + 3


def test_an_unknown_path_is_one_series_not_one_per_path():
    before = sample("heating_http_requests_total", view="unresolved", method="GET", status="404")
    for path in ("/no-such-page-1/", "/no-such-page-2/"):
        assert Client().get(path).status_code == 404
    assert sample("heating_http_requests_total", view="unresolved", method="GET", status="404") == before + 2


def test_the_task_queue_depth_and_failures_are_reported(settings):
    for status in (TaskResultStatus.READY, TaskResultStatus.READY, TaskResultStatus.FAILED):
        DBTaskResult.objects.create(
            task_path="households.tasks.roster_export_task",
            args_kwargs={"args": [1], "kwargs": {}},
            backend_name="default",
            run_after=timezone.now(),
            status=status,
        )
    text = scrape()
    assert 'heating_tasks{status="ready"} 2.0' in text
    assert 'heating_tasks{status="failed"} 1.0' in text
    assert 'heating_tasks{status="running"} 0.0' in text


def test_failed_logins_and_lockouts_are_counted_from_the_security_log(users, client):
    failed_before = sample("heating_security_events_total", kind="login_failed")
    locks_before = sample("heating_security_events_total", kind="lockout")
    fail_on_page(client, "clerk-140802", times=5)
    assert sample("heating_security_events_total", kind="login_failed") == failed_before + 5
    assert sample("heating_security_events_total", kind="lockout") == locks_before + 1
    assert 'heating_security_events_total{kind="lockout"}' in scrape()


def test_multiprocess_mode_adds_up_the_workers_counts(tmp_path):
    """Two processes (as two gunicorn workers) count into PROMETHEUS_MULTIPROC_DIR; a third scrapes the sum."""
    env = {**os.environ, "DEBUG": "1", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    setup = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'yuncheng_heating.settings'); django.setup(); "
    count = setup + "from operations.metrics import SECURITY_EVENTS; SECURITY_EVENTS.labels(kind='lockout').inc()"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], cwd=ROOT, env=env, check=True, capture_output=True)
    read = setup + (
        "from django.db import connection\n"
        "from unittest import mock\n"
        "from operations import metrics\n"
        "with mock.patch.object(metrics.TaskQueueCollector, 'collect', lambda self: iter(())):\n"
        "    print(metrics.metrics_text().decode())"
    )
    out = subprocess.run(
        [sys.executable, "-c", read], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    assert 'heating_security_events_total{kind="lockout"} 2.0' in out
