"""/healthz says the process is alive without the database; /readyz checks each dependency and names what failed."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from operations import readiness
from operations.heartbeat import heartbeat_beat

pytestmark = pytest.mark.django_db
CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def worker_backend(settings):
    """Readiness looks for worker heartbeats only with the database task backend (production's)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def live_worker(worker_backend):
    heartbeat_beat(worker_id="web1-1", started_at=timezone.now())


def _ready():
    response = Client().get("/readyz")
    return response, response.json()


def test_healthz_answers_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response and response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_200_with_every_check_ok_and_no_login_or_cookie(live_worker):
    response, body = _ready()
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "ok", "media": "ok", "keys": "ok"},
    }
    assert "Set-Cookie" not in response
    assert "Content-Security-Policy" in response


def test_readyz_is_cheap_a_handful_of_queries(live_worker, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert Client().get("/readyz").status_code == 200


def test_readyz_is_503_naming_the_database_when_its_cursor_raises(live_worker, monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(readiness, "check_database", gone)
    monkeypatch.setattr(readiness, "CHECKS", [("database", gone), *readiness.CHECKS[1:]])
    response, body = _ready()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert body["status"] == "unavailable" and body["failed"] == ["database"]
    assert body["checks"]["database"] == "failed: OperationalError"


def test_the_database_check_fails_when_the_connections_cursor_raises(monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(readiness.connection, "cursor", gone)
    ok, checks = readiness.readiness()
    assert ok is False and checks["database"] == "failed: OperationalError"


def test_readyz_is_503_naming_the_cache_when_redis_is_unreachable(live_worker, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_REDIS}}
    response, body = _ready()
    assert response.status_code == 503
    assert body["failed"] == ["cache"] and body["checks"]["cache"].startswith("failed: ")


def test_readyz_is_503_naming_the_worker_when_the_last_heartbeat_is_stale(worker_backend, settings):
    settings.TASK_WORKER_TIMEOUT_SECONDS = 60
    heartbeat_beat(worker_id="web1-1", started_at=timezone.now(), now=timezone.now() - timedelta(seconds=61))
    response, body = _ready()
    assert response.status_code == 503
    assert body["failed"] == ["worker"] and "heartbeat" in body["checks"]["worker"]


def test_readyz_is_503_naming_the_worker_when_no_worker_ever_beat(worker_backend):
    response, body = _ready()
    assert response.status_code == 503 and body["failed"] == ["worker"]


def test_readyz_is_503_naming_media_when_media_root_is_read_only(live_worker, monkeypatch):
    # Tests may run as root, for whom chmod does not forbid writing: the check asks os.access first,
    # as a read-only mount answers it.
    monkeypatch.setattr(readiness.os, "access", lambda path, mode: False)
    response, body = _ready()
    assert response.status_code == 503
    assert body["failed"] == ["media"] and body["checks"]["media"] == "failed: MEDIA_ROOT is not writable"


def test_readyz_is_503_naming_media_when_media_root_cannot_be_created(live_worker, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"
    response, body = _ready()
    assert response.status_code == 503 and body["failed"] == ["media"]


def test_readyz_is_503_naming_the_keys_when_pii_keys_are_missing(live_worker, settings):
    settings.PII_KEYRING = None
    response, body = _ready()
    assert response.status_code == 503
    assert body["failed"] == ["keys"] and "PII_KEYS" in body["checks"]["keys"]


def test_the_keys_check_calls_the_index_key_check_when_one_exists(live_worker, monkeypatch):
    from households import pii

    monkeypatch.setattr(
        pii, "index_key_check", lambda: "PII_INDEX_KEY differs from the stored fingerprint", raising=False
    )
    response, body = _ready()
    assert response.status_code == 503
    assert body["checks"]["keys"] == "failed: PII_INDEX_KEY differs from the stored fingerprint"


def test_readiness_names_every_failed_check_at_once_and_holds_no_personal_data(worker_backend, settings):
    settings.PII_KEYRING = None
    response, body = _ready()
    assert response.status_code == 503 and body["failed"] == ["worker", "keys"]
    assert "11010519491231002X" not in response.content.decode()
