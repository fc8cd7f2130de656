import pytest
from django.core.management import CommandError, call_command

from tests.conftest import PASSWORD


@pytest.mark.parametrize("url", ["/home/", "/plans/2021/targets/", "/plans/2021/targets/adjustments/"])
def test_anonymous_users_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/api/v1/plans/2021/targets/", "/api/v1/plans/2021/targets/adjustments/"])
def test_anonymous_api_requests_are_refused(api, db, url):
    response = api().get(url)
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_a_token_is_issued_for_good_credentials_and_works(users, api):
    response = api().post("/api/v1/auth/token/", {"username": "clerk-140802", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/plans/2021/targets/").status_code == 200


def test_a_token_is_refused_for_a_wrong_password(users, api):
    response = api().post("/api/v1/auth/token/", {"username": "clerk-140802", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_seed_demo_creates_every_account_and_each_can_log_in(plan, client, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-pass-2021")
    call_command("seed_demo", "--password", "demo-pass-2021")  # idempotent
    names = ["city", "finance", "energy"] + [
        f"clerk-{code}"
        for code in [
            "140802",
            "140881",
            "140882",
            "140821",
            "140822",
            "140824",
            "140825",
            "140823",
            "140826",
            "140827",
            "140828",
            "140829",
            "140830",
        ]
    ]
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__startswith="clerk-").count() == 13
    for name in names:
        response = client.post("/accounts/login/", {"username": name, "password": "demo-pass-2021"})
        assert response.status_code == 302 and response["Location"] == "/home/", name
        assert client.get("/home/").status_code == 200
        assert client.post("/accounts/logout/").status_code == 302


def test_seed_demo_refuses_to_run_without_debug_unless_forced(plan, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--password", "demo-pass-2021")
    call_command("seed_demo", "--password", "demo-pass-2021", "--force")


def test_the_login_page_is_chinese_and_loads_nothing_from_outside(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert "http://" not in html and "https://" not in html and 'src="//' not in html


def test_english_can_be_chosen(client, db):
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/accounts/login/"
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Log in" in response.content.decode()


def test_the_openapi_schema_and_docs_are_served_without_outside_assets(users, web):
    c = web(users["city"])
    assert c.get("/api/v1/schema/").status_code == 200
    response = c.get("/api/v1/docs/")
    assert response.status_code == 200
    docs = response.content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_pages_are_chinese_even_for_a_browser_that_asks_for_english(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名" in html and "Username" not in html


def test_the_openapi_schema_is_valid_and_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text(encoding="utf-8")
    for path in ("/api/v1/reports/{id}/submit/", "/api/v1/plans/{year}/progress/", "/api/v1/plans/{year}/subsidies/"):
        assert path in schema
    assert "'409'" in schema
