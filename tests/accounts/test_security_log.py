"""The security audit log: an entry for each kind of event, append-only, readable in the admin, pruned after retention."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from accounts.models import EventKind, SecurityEvent
from accounts.services import security_event_record, security_log_prune
from households.models import ExportAudit
from tests.conftest import PASSWORD
from tests.households.helpers import make_household

UA = "Mozilla/5.0 (Windows NT 10.0) office-pc"


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind))


def test_a_successful_and_a_failed_login_are_recorded_with_name_address_and_user_agent(users, client):
    failed_login = client.post(
        "/accounts/login/", {"username": "no-such-user", "password": "x"}, REMOTE_ADDR="10.3.3.3", HTTP_USER_AGENT=UA
    )
    assert failed_login.status_code == 200
    good_login = client.post(
        "/accounts/login/", {"username": "city", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3", HTTP_USER_AGENT=UA
    )
    assert good_login.status_code == 302
    (failed,) = events(EventKind.LOGIN_FAILED)
    assert (failed.username, failed.ip_address, failed.user_agent, failed.user_id) == (
        "no-such-user",
        "10.3.3.3",
        UA,
        None,
    )
    (ok,) = events(EventKind.LOGIN_OK)
    assert (ok.username, ok.user_id, ok.ip_address, ok.user_agent) == ("city", users["city"].pk, "10.3.3.3", UA)
    assert ok.path == "/accounts/login/" and ok.method == "POST"


def test_token_logins_and_failures_are_recorded_too(users, api):
    wrong = api().post(
        "/api/v1/auth/token/", {"username": "city", "password": "wrong"}, format="json", REMOTE_ADDR="10.4.4.4"
    )
    assert wrong.status_code == 400
    right = api().post(
        "/api/v1/auth/token/", {"username": "city", "password": PASSWORD}, format="json", REMOTE_ADDR="10.4.4.4"
    )
    assert right.status_code == 200
    assert [e.path for e in events(EventKind.LOGIN_FAILED)] == ["/api/v1/auth/token/"]
    assert [e.ip_address for e in events(EventKind.LOGIN_OK)] == ["10.4.4.4"]
    (created,) = events(EventKind.TOKEN_CREATED)
    assert created.username == "city" and created.detail["expiry"]


def test_a_lockout_is_recorded_once_and_refused_attempts_during_it_as_failures(users, client):
    statuses = [
        client.post("/accounts/login/", {"username": "finance", "password": "bad"}, REMOTE_ADDR="10.5.5.5").status_code
        for _ in range(7)
    ]
    assert statuses == [200] * 4 + [429] * 3
    (lockout,) = events(EventKind.LOCKOUT)
    assert lockout.username == "finance" and lockout.ip_address == "10.5.5.5" and lockout.detail["failures"] == 5
    failed = events(EventKind.LOGIN_FAILED)
    assert len(failed) == 7 and sum(e.detail["locked"] for e in failed) == 3


def test_token_revocations_are_recorded_with_their_reason(users, api):
    from rest_framework.test import APIClient

    first = api().post("/api/v1/auth/token/", {"username": "city", "password": PASSWORD}, format="json")
    assert first.status_code == 200
    token = first.json()["token"]
    second = api().post("/api/v1/auth/token/", {"username": "city", "password": PASSWORD}, format="json")
    assert second.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert api(users["city"]).post("/api/v1/auth/logout-all/").status_code == 200
    reasons = sorted(e.detail["reason"] for e in events(EventKind.TOKEN_REVOKED))
    assert reasons == ["logout", "logout_all"]


def test_api_permission_denied_and_out_of_scope_requests_are_recorded(users, api, make_report):
    other = make_report("140881", "2021-07", {("coal_to_electric", "urban"): 5})
    assert api(users["clerk"]).get(f"/api/v1/reports/{other.pk}/").status_code == 404
    assert api(users["department"]).get("/api/v1/plans/2021/subsidies/").status_code == 403
    (denied,) = events(EventKind.PERMISSION_DENIED)
    assert (
        denied.username == "energy"
        and denied.path == "/api/v1/plans/2021/subsidies/"
        and denied.detail["status"] == 403
    )
    (scope,) = events(EventKind.OUT_OF_SCOPE)
    assert scope.username == "clerk-140802" and scope.path == f"/api/v1/reports/{other.pk}/"


def test_whole_id_views_and_exports_are_recorded_masked_ones_are_not(users, plan, web, api):
    first = make_household(plan, "140802", seq=1)
    make_household(plan, "140802", seq=2)
    city, clerk = web(users["city"]), web(users["clerk"])
    # Lists are masked for every role: not recorded.
    assert city.get("/plans/2021/households/").status_code == 200
    assert api(users["city"]).get("/api/v1/plans/2021/households/").status_code == 200
    assert clerk.get("/plans/2021/households/").status_code == 200
    assert not events(EventKind.WHOLE_ID_VIEW)
    # “Show whole ID” for one household, on the page and through the API: recorded.
    assert city.post(f"/plans/2021/households/{first.pk}/reveal/").status_code == 200
    assert api(users["city"]).post(f"/api/v1/plans/2021/households/{first.pk}/reveal/").status_code == 200
    views = events(EventKind.WHOLE_ID_VIEW)
    assert sorted(e.path for e in views) == [
        f"/api/v1/plans/2021/households/{first.pk}/reveal/",
        f"/plans/2021/households/{first.pk}/reveal/",
    ]
    assert all(e.username == "city" and e.detail["rows"] == 1 for e in views)
    assert city.get("/plans/2021/households/?format=xlsx").status_code == 200
    (export,) = events(EventKind.WHOLE_ID_EXPORT)
    assert export.detail["export_audit_id"] == ExportAudit.objects.get(action="export").pk
    assert export.detail["rows"] == 2
    assert export.username == "city" and export.ip_address == "127.0.0.1"


def test_user_and_role_changes_in_the_admin_are_recorded(users, web):
    from django.contrib.auth.models import Group

    admin = web(users["admin"])
    response = admin.post(
        "/admin/auth/user/add/",
        {
            "username": "new-clerk",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(name="city_office")
    new = type(users["admin"]).objects.get(username="new-clerk")
    response = admin.post(
        f"/admin/auth/user/{new.pk}/change/",
        {
            "username": "new-clerk",
            "is_active": "on",
            "groups": [group.pk],
            "date_joined_0": "2021-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    assert admin.post(f"/admin/auth/user/{new.pk}/delete/", {"post": "yes"}).status_code == 302
    changes = [e.detail for e in SecurityEvent.objects.filter(kind=EventKind.USER_CHANGED).order_by("pk")]
    assert [c["action"] for c in changes] == ["added", "changed", "deleted"]
    assert changes[1]["groups"] == ["city_office"] and changes[1]["target_username"] == "new-clerk"
    assert all(e.username == "admin" for e in SecurityEvent.objects.filter(kind=EventKind.USER_CHANGED))


def test_a_profile_change_in_the_admin_is_recorded(users, web):
    from counties.models import Profile

    profile = Profile.objects.get(user=users["clerk"])
    admin = web(users["admin"])
    response = admin.post(
        f"/admin/counties/profile/{profile.pk}/change/",
        {"user": users["clerk"].pk, "county": profile.county_id, "department_name": "", "retrofit_types": []},
    )
    assert response.status_code == 302
    (change,) = events(EventKind.USER_CHANGED)
    assert change.detail["model"] == "profile" and change.detail["target_username"] == "clerk-140802"


def test_entries_cannot_be_changed_or_deleted_through_the_application(db):
    event = security_event_record(kind=EventKind.LOGIN_OK, username="x")
    event.username = "y"
    with pytest.raises(PermissionError, match="^security log entries cannot be changed$"):
        event.save()
    with pytest.raises(PermissionError, match="^security log entries are deleted only by prune_security_log$"):
        event.delete()
    with pytest.raises(PermissionError, match="^security log entries cannot be changed$"):
        SecurityEvent.objects.filter(pk=event.pk).update(username="y")
    with pytest.raises(PermissionError, match="^security log entries are deleted only by prune_security_log$"):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get(pk=event.pk).username == "x"


def test_the_admin_reads_and_filters_but_cannot_add_change_or_delete(users, web):
    security_event_record(kind=EventKind.LOGIN_OK, username="city")
    failed = security_event_record(kind=EventKind.LOGIN_FAILED, username="mallory")
    admin = web(users["admin"])
    changelist = admin.get("/admin/accounts/securityevent/?kind__exact=login_failed")
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert "mallory" in page and ">city<" not in page
    assert admin.get("/admin/accounts/securityevent/add/").status_code == 403
    detail = admin.get(f"/admin/accounts/securityevent/{failed.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert admin.post(f"/admin/accounts/securityevent/{failed.pk}/change/", {"username": "z"}).status_code == 403
    assert admin.post(f"/admin/accounts/securityevent/{failed.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=failed.pk, username="mallory").exists()
    assert web(users["city"]).get("/admin/accounts/securityevent/").status_code == 302  # not staff


def test_the_admin_exports_the_log_as_xlsx(users, web):
    first = security_event_record(kind=EventKind.LOGIN_FAILED, username="mallory", detail={"locked": False})
    second = security_event_record(kind=EventKind.LOGIN_OK, username="=cmd|' /C calc'!A0")
    response = web(users["admin"]).post(
        "/admin/accounts/securityevent/", {"action": "export_xlsx", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "登录失败" in flat and "mallory" in flat
    # the one writer writes formula-like text as text
    assert "=cmd|' /C calc'!A0" in flat and not any(str(v).startswith("=") and v != "=cmd|' /C calc'!A0" for v in flat)


def test_prune_deletes_only_entries_older_than_the_retention(db, settings):
    now = timezone.now()
    for days in (400, 200, 179, 1):
        SecurityEvent(kind=EventKind.LOGIN_OK, username=f"d{days}", at=now - timedelta(days=days)).save()
    settings.SECURITY_LOG_RETENTION_DAYS = 365
    assert security_log_prune() == 1
    settings.SECURITY_LOG_RETENTION_DAYS = 180
    out = io.StringIO()
    call_command("prune_security_log", stdout=out)
    assert "1" in out.getvalue()
    assert sorted(SecurityEvent.objects.values_list("username", flat=True)) == ["d1", "d179"]


def test_prune_never_deletes_entries_younger_than_180_days_even_if_told_to(db, settings):
    SecurityEvent(kind=EventKind.LOGIN_OK, username="young", at=timezone.now() - timedelta(days=100)).save()
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    assert security_log_prune() == 0
    assert SecurityEvent.objects.filter(username="young").exists()


def test_a_retention_below_180_days_is_refused_at_start_up():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DEBUG": "1", "SECURITY_LOG_RETENTION_DAYS": "90"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECURITY_LOG_RETENTION_DAYS" in result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_on_postgresql_the_database_itself_refuses_changes_and_early_deletes(db):
    event = security_event_record(kind=EventKind.LOGIN_OK, username="x")
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="security log entries cannot be changed"), transaction.atomic():
            cursor.execute("UPDATE accounts_securityevent SET username = 'y' WHERE id = %s", [event.pk])
        with (
            pytest.raises(DatabaseError, match="security log entries younger than 180 days cannot be deleted"),
            transaction.atomic(),
        ):
            cursor.execute("DELETE FROM accounts_securityevent WHERE id = %s", [event.pk])
    old = SecurityEvent(kind=EventKind.LOGIN_OK, username="old", at=timezone.now() - timedelta(days=181))
    old.save()
    assert security_log_prune() == 1
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["x"]
