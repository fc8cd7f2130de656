"""Persistent connections are health-checked, so that a database restart does not cost a request a 500."""

import pytest
from django.conf import settings
from django.db import connection, connections


def test_persistent_connections_are_health_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0


@pytest.mark.django_db
def test_a_connection_the_server_closed_is_replaced_at_the_next_request():
    if connection.vendor != "postgresql":
        pytest.skip("needs a server that can drop a connection (PostgreSQL leg of CI)")
    # A connection of its own, as a gunicorn worker holds one between requests.
    worker = connections.create_connection("default")
    try:
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        # The server drops it (a restart does this to every persistent connection).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        # What Django does at the start of each request (request_started → close_old_connections).
        worker.close_if_unusable_or_obsolete()
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        worker.close()


def _sqlite_settings_probe(tmp_path, code: str) -> str:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'yuncheng_heating.settings'); "
            f"django.setup(); {code}",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_a_sqlite_file_database_runs_in_wal_mode_with_a_busy_timeout_and_immediate_transactions(tmp_path):
    out = _sqlite_settings_probe(
        tmp_path,
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0], "
        "connection.transaction_mode)",
    )
    assert out == "wal 20000 IMMEDIATE"


def test_a_second_writer_waits_for_the_lock_instead_of_failing_database_is_locked(tmp_path):
    """The server and the worker write the same file: the second waits (busy timeout), then writes."""
    code = (
        "import threading, time\n"
        "from django.db import connection, transaction\n"
        "with connection.cursor() as c: c.execute('CREATE TABLE t (n integer)')\n"
        "def hold():\n"
        "    from django.db import connection as own\n"
        "    with transaction.atomic():\n"
        "        own.cursor().execute('INSERT INTO t VALUES (1)'); time.sleep(1.0)\n"
        "    own.close()\n"
        "holder = threading.Thread(target=hold); holder.start(); time.sleep(0.3)\n"
        "with transaction.atomic():\n"
        "    connection.cursor().execute('INSERT INTO t VALUES (2)')\n"
        "holder.join()\n"
        "print(connection.cursor().execute('SELECT count(*) FROM t').fetchone()[0])"
    )
    assert _sqlite_settings_probe(tmp_path, code) == "2"
