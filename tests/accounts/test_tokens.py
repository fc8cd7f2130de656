"""API tokens (django-rest-knox): hashed, expiring, revoked by logout, logout-all, password change, deactivation."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import EventKind, SecurityEvent
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
TARGETS = "/api/v1/plans/2021/targets/"


def get_token(username="clerk-140802", password=PASSWORD):
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_the_token_endpoint_returns_the_token_and_its_expiry_ten_hours_ahead(users):
    before = timezone.now()
    body = get_token()
    expiry = parse_datetime(body["expiry"])
    assert timedelta(hours=10) - timedelta(seconds=5) <= expiry - before <= timedelta(hours=10, seconds=5)
    assert with_token(body["token"]).get(TARGETS).status_code == 200


def test_the_token_lifetime_is_configurable(users, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=2)}
    expiry = parse_datetime(get_token()["expiry"])
    assert abs((expiry - timezone.now()) - timedelta(hours=2)) < timedelta(seconds=5)


def test_tokens_are_stored_only_as_a_hash(users):
    token = get_token()["token"]
    stored = AuthToken.objects.get()
    assert stored.digest == hash_token(token) and token not in stored.digest
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        assert all(token not in column for row in cursor.fetchall() for column in row)


def test_logging_in_again_gives_a_new_token_and_both_work_until_revoked(users):
    first, second = get_token()["token"], get_token()["token"]
    assert first != second
    assert with_token(first).get(TARGETS).status_code == 200
    assert with_token(second).get(TARGETS).status_code == 200


def test_an_expired_token_gets_401(users):
    token = get_token()["token"]
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    response = with_token(token).get(TARGETS)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed" and "令牌" in response.json()["detail"]


def test_an_unknown_token_gets_401(users):
    assert with_token("0" * 64).get(TARGETS).status_code == 401


def test_logout_revokes_only_the_presented_token(users):
    first, second = get_token()["token"], get_token()["token"]
    assert with_token(first).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(first).get(TARGETS).status_code == 401
    assert with_token(second).get(TARGETS).status_code == 200


def test_logout_all_revokes_every_token_of_the_user_and_no_one_elses(users):
    tokens = [get_token()["token"] for _ in range(3)]
    city = get_token("city")["token"]
    response = with_token(tokens[0]).post("/api/v1/auth/logout-all/")
    assert response.status_code == 200 and response.json() == {"revoked": 3}
    assert [with_token(t).get(TARGETS).status_code for t in tokens] == [401, 401, 401]
    assert with_token(city).get(TARGETS).status_code == 200


def test_changing_the_password_revokes_the_users_tokens(users, client):
    token = get_token()["token"]
    assert client.post("/accounts/login/", {"username": "clerk-140802", "password": PASSWORD}).status_code == 302
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    assert with_token(token).get(TARGETS).status_code == 401
    assert with_token(get_token(password="a-new-long-passphrase")["token"]).get(TARGETS).status_code == 200


def test_an_administrator_setting_a_password_revokes_the_users_tokens(users, web):
    token = get_token()["token"]
    clerk = users["clerk"]
    response = web(users["admin"]).post(
        f"/admin/auth/user/{clerk.pk}/password/",
        {"password1": "another-long-passphrase", "password2": "another-long-passphrase", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert with_token(token).get(TARGETS).status_code == 401
    assert SecurityEvent.objects.filter(kind=EventKind.PASSWORD_CHANGED, username="clerk-140802").exists()


def test_deactivating_the_user_in_the_admin_revokes_the_tokens(users, web):
    token = get_token()["token"]
    clerk = users["clerk"]
    admin = web(users["admin"])
    # the change form as submitted with 有效 (is_active) unticked
    data = {
        "username": clerk.username,
        "groups": [g.pk for g in clerk.groups.all()],
        "date_joined_0": "2021-01-01",
        "date_joined_1": "00:00:00",
    }
    response = admin.post(f"/admin/auth/user/{clerk.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert not AuthToken.objects.filter(user=clerk).exists()
    assert with_token(token).get(TARGETS).status_code == 401


def test_a_deactivated_users_token_is_refused_even_if_it_was_kept(users):
    token = get_token()["token"]
    type(users["clerk"]).objects.filter(pk=users["clerk"].pk).update(is_active=False)
    assert with_token(token).get(TARGETS).status_code == 401


def test_logout_with_the_browser_session_ends_the_session(users, web):
    c = web(users["clerk"])
    assert c.post("/api/v1/auth/logout/").status_code == 204
    assert c.get("/home/").status_code == 302
