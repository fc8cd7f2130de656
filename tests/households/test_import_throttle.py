"""Roster imports are rate-limited per user, with counts every worker shares (Redis in production)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from core.throttling import RosterImportThrottle
from tests.households.helpers import post_import, row, workbook

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
# DB 9 and a per-run key prefix: this suite's keys never meet anyone else's on the shared server.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def test_the_import_gets_429_in_the_error_shape_with_retry_after_once_the_rate_is_used(api, users, settings):
    settings.ROSTER_IMPORT_RATE = "2/hour"
    clerk = api(users["clerk"])
    content = workbook([row(1)])
    for _ in range(2):
        assert post_import(clerk, content, dry_run=True).status_code == 200
    refused = post_import(clerk, content, dry_run=True)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled" and "秒后再试" in body["detail"]
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    # Per user: another clerk still has its own allowance.
    assert post_import(api(users["other_clerk"]), workbook([row(2)]), dry_run=True).status_code == 200


def test_the_rate_is_a_setting_with_a_documented_default():
    from django.conf import settings

    assert settings.ROSTER_IMPORT_RATE == os.environ.get("ROSTER_IMPORT_RATE", "30/hour")
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["roster_import"] == settings.ROSTER_IMPORT_RATE
    assert "ROSTER_IMPORT_RATE" in (ROOT / "README.md").read_text()


def _settings_cache_backend(env):
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**{k: v for k, v in os.environ.items() if k != "REDIS_URL"}, "DEBUG": "1", **env}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            f"'yuncheng_heating.settings'); django.setup(); {code}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_redis_url_selects_djangos_redis_cache_and_local_memory_is_the_fallback():
    assert _settings_cache_backend({"REDIS_URL": REDIS_URL}) == "django.core.cache.backends.redis.RedisCache"
    assert _settings_cache_backend({}) == "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture
def redis_caches():
    """Two cache clients on the same Redis, as two gunicorn workers would have; keys removed afterwards."""
    import redis

    prefix = f"yc-test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        message = f"Redis at {REDIS_URL} unreachable: {exc}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    caches = [RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2)]
    yield caches
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    assert not list(client.scan_iter(f"{prefix}:*"))
    client.close()


def test_two_workers_share_the_throttle_count_through_redis(users, settings, redis_caches):
    settings.ROSTER_IMPORT_RATE = "3/hour"
    worker_a, worker_b = redis_caches
    assert worker_a is not worker_b and worker_a._cache is not worker_b._cache
    request = RequestFactory().post("/api/v1/plans/2021/households/import/")
    request.user = users["clerk"]

    def allowed(cache):
        throttle = RosterImportThrottle()
        throttle.cache = cache
        return throttle.allow_request(request, None)

    # Three requests spread over both workers use up the allowance for both.
    assert [allowed(worker_a), allowed(worker_b), allowed(worker_a)] == [True, True, True]
    assert allowed(worker_b) is False
    assert allowed(worker_a) is False
    # The count is per user.
    request.user = users["other_clerk"]
    assert allowed(worker_b) is True


def test_the_import_endpoint_counts_in_the_configured_redis_cache(api, users, settings, redis_caches):
    prefix = redis_caches[0].key_prefix
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.ROSTER_IMPORT_RATE = "1/hour"
    clerk = api(users["clerk"])
    assert post_import(clerk, workbook([row(1)]), dry_run=True).status_code == 200
    # What the endpoint counted is visible to a second, independent client of the same Redis.
    key = f"throttle_roster_import_{users['clerk'].pk}"
    assert len(redis_caches[1].get(key)) == 1
    assert post_import(clerk, workbook([row(1)]), dry_run=True).status_code == 429
