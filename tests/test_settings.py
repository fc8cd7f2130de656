import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_settings_refuse_to_start_without_secret_key_hosts_and_database():
    result = run_check({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ALLOWED_HOSTS" in result.stderr and "DATABASE_URL" in result.stderr


def test_production_settings_start_when_given_what_they_need(tmp_path):
    result = run_check(
        {
            "SECRET_KEY": "x" * 60 + "-production-secret-key-for-the-test",
            "ALLOWED_HOSTS": "heating.yuncheng.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert result.returncode == 0, result.stderr
