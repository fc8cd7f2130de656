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
