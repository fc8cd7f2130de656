import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "PII_KEYS",
            "PII_INDEX_KEY",
        )
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_settings_refuse_to_start_without_secret_key_hosts_and_database():
    result = run_check({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ALLOWED_HOSTS" in result.stderr and "DATABASE_URL" in result.stderr


PRODUCTION = {
    "SECRET_KEY": "x" * 60 + "-production-secret-key-for-the-test",
    "ALLOWED_HOSTS": "heating.yuncheng.example",
    "PII_KEYS": '{"current": "2026a", "keys": {"2026a": "000102030405060708090a0b0c0d0e0f"}}',
    "PII_INDEX_KEY": "ab" * 32,
}


def test_production_settings_start_when_given_what_they_need(tmp_path):
    result = run_check({**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode == 0, result.stderr
    assert "DEVELOPMENT key" not in result.stderr


def test_production_settings_refuse_to_start_without_the_personal_data_keys(tmp_path):
    given = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for missing in ("PII_KEYS", "PII_INDEX_KEY"):
        result = run_check({k: v for k, v in given.items() if k != missing})
        assert result.returncode != 0 and missing in result.stderr
    result = run_check({**given, "PII_KEYS": '{"current": "2026a", "keys": {"2026a": "too short"}}'})
    assert result.returncode != 0 and "2026a" in result.stderr


def test_development_mode_uses_a_development_key_and_says_so(tmp_path):
    result = run_check({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert "DEVELOPMENT key 'dev'" in result.stderr
