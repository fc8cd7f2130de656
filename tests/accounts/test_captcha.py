"""An address past its failure threshold needs a CAPTCHA drawn by the server; it never locks the accounts
behind it (a county office's clerks share one NAT address). The per-account lock stays."""

import pytest
from captcha.models import CaptchaStore

from accounts.models import EventKind, SecurityEvent
from tests.conftest import PASSWORD
from tests.http import json_of

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
NAT = "10.9.9.9"


@pytest.fixture
def threshold(settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    return 4


def guess(api_client, names, address=NAT):
    statuses = []
    for name in names:
        response = api_client.post(
            TOKEN_URL, {"username": name, "password": "wrong"}, format="json", REMOTE_ADDR=address
        )
        statuses.append(response.status_code)
    return statuses


def answer_of(key: str) -> str:
    # The test reads the answer the server drew, as a person reads the image.
    return CaptchaStore.objects.get(hashkey=key).response


def test_failures_from_one_address_ask_for_a_captcha_instead_of_locking_every_account(users, api, threshold):
    client = api()
    assert guess(client, [f"guess-{n}" for n in range(threshold)]) == [400] * threshold
    # A real clerk behind the same address, with the right password: asked for a CAPTCHA, not locked out.
    asked = client.post(TOKEN_URL, {"username": "city", "password": PASSWORD}, format="json", REMOTE_ADDR=NAT)
    assert asked.status_code == 429
    body = asked.json()
    assert body["code"] == "captcha_required" and "验证码" in body["detail"]
    assert body["captcha"]["image_url"] == f"/captcha/image/{body['captcha']['key']}/"
    assert "retry_after" not in body and "Retry-After" not in asked
    image = client.get(body["captcha"]["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content[:4] == b"\x89PNG"
    solved = client.post(
        TOKEN_URL,
        {
            "username": "city",
            "password": PASSWORD,
            "captcha_key": body["captcha"]["key"],
            "captcha_answer": answer_of(body["captcha"]["key"]).upper(),
        },
        format="json",
        REMOTE_ADDR=NAT,
    )
    assert solved.status_code == 200 and solved.json()["token"]
    # the same account from another address needs nothing
    other = client.post(TOKEN_URL, {"username": "city", "password": PASSWORD}, format="json", REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 200


def test_a_wrong_or_reused_captcha_is_refused_before_any_password_check_and_costs_the_account_nothing(
    users, api, threshold
):
    client = api()
    assert guess(client, [f"guess-{n}" for n in range(threshold)]) == [400] * threshold
    key = json_of(client.post(TOKEN_URL, {"username": "x", "password": "y"}, format="json", REMOTE_ADDR=NAT), 429)[
        "captcha"
    ]["key"]
    right = answer_of(key)
    for _ in range(6):  # more than the account's own limit (5): a CAPTCHA refusal is not a password failure
        wrong = client.post(
            TOKEN_URL,
            {"username": "city", "password": PASSWORD, "captcha_key": key, "captcha_answer": "zzzz"},
            format="json",
            REMOTE_ADDR=NAT,
        )
        assert wrong.status_code == 429 and wrong.json()["code"] == "captcha_required"
    # the first wrong answer used the challenge up: its right answer no longer works
    reused = client.post(
        TOKEN_URL,
        {"username": "city", "password": PASSWORD, "captcha_key": key, "captcha_answer": right},
        format="json",
        REMOTE_ADDR=NAT,
    )
    assert reused.status_code == 429 and reused.json()["code"] == "captcha_required"
    assert client.post(TOKEN_URL, {"username": "city", "password": PASSWORD}, format="json").status_code == 200
    refused = SecurityEvent.objects.filter(kind=EventKind.CAPTCHA_REFUSED, ip_address=NAT)
    assert refused.count() == 8 and refused.filter(username="city").count() == 7


def test_the_per_account_lock_still_applies_behind_a_captcha(users, api, threshold):
    client = api()
    assert guess(client, [f"guess-{n}" for n in range(threshold)]) == [400] * threshold
    statuses = []
    for _ in range(5):
        asked = client.post(TOKEN_URL, {"username": "x", "password": "y"}, format="json", REMOTE_ADDR=NAT)
        key = json_of(asked, 429)["captcha"]["key"]
        response = client.post(
            TOKEN_URL,
            {"username": "clerk-140802", "password": "wrong", "captcha_key": key, "captcha_answer": answer_of(key)},
            format="json",
            REMOTE_ADDR=NAT,
        )
        statuses.append((response.status_code, response.json()["code"]))
    assert statuses == [(400, "invalid")] * 4 + [(429, "locked")]
    assert SecurityEvent.objects.filter(kind=EventKind.LOCKOUT, username="clerk-140802").count() == 1


def test_the_login_page_shows_the_captcha_past_the_threshold_and_signs_in_with_it(users, client, threshold):
    for n in range(threshold):
        response = client.post(LOGIN_URL, {"username": f"guess-{n}", "password": "wrong"}, REMOTE_ADDR=NAT)
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
        assert 'name="captcha_answer"' not in response.content.decode() or n == threshold - 1
    page = client.get(LOGIN_URL, REMOTE_ADDR=NAT)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="captcha_answer"' in html and "/captcha/image/" in html and "验证码" in html
    key = html.split('name="captcha_key" value="')[1].split('"')[0]
    missing = client.post(LOGIN_URL, {"username": "city", "password": PASSWORD}, REMOTE_ADDR=NAT)
    assert missing.status_code == 200 and "请输入图中的验证码" in missing.content.decode()
    assert "_auth_user_id" not in client.session
    ok = client.post(
        LOGIN_URL,
        {"username": "city", "password": PASSWORD, "captcha_key": key, "captcha_answer": answer_of(key)},
        REMOTE_ADDR=NAT,
    )
    assert ok.status_code == 302 and "_auth_user_id" in client.session


def test_the_login_page_from_a_quiet_address_shows_no_captcha(users, client, threshold):
    page = client.get(LOGIN_URL, REMOTE_ADDR="10.2.2.2")
    assert page.status_code == 200 and 'name="captcha_answer"' not in page.content.decode()


def test_the_admin_sign_in_goes_to_the_one_login_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.browser
def test_in_a_browser_the_captcha_login_page_shows_its_image_passes_axe_and_signs_in(
    live_server, users, page, settings
):
    from axe_playwright_python.sync_playwright import Axe
    from axes.models import AccessAttempt

    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    # the live server sees the browser at 127.0.0.1: four failures from there, by someone else
    AccessAttempt.objects.create(
        username="guess", ip_address="127.0.0.1", user_agent="x", failures_since_start=4, get_data="", post_data=""
    )
    assert page.goto(f"{live_server.url}/accounts/login/").status == 200
    image = page.locator("img.captcha")
    image.wait_for()
    assert page.evaluate("document.querySelector('img.captcha').naturalWidth") == 100
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    key = page.locator("input[name=captcha_key]").get_attribute("value")
    page.fill("#id_username", "city")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_captcha_answer", answer_of(key))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
