"""Small things new users stumbled on (issue 22, section 4): the header's user label, the favicon,
``make run PORT=…``."""

import re
import subprocess
from pathlib import Path

from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent


def who(html: str) -> str:
    return re.search(r'<span class="who">(.*?)</span>', html).group(1)


def test_an_office_named_after_its_role_is_shown_once_in_the_header(users, web):
    city = users["city"]
    city.first_name = "市清洁取暖办"
    city.save()
    response = web(city).get("/home/")
    assert response.status_code == 200
    assert who(response.content.decode()) == "市清洁取暖办"


def test_a_person_is_shown_with_the_role_in_brackets(users, web):
    finance = users["finance"]
    finance.first_name = "张会计"
    finance.save()
    response = web(finance).get("/home/")
    assert response.status_code == 200
    assert who(response.content.decode()) == "张会计（市财政局）"


def test_every_page_links_the_icon_and_favicon_ico_leads_to_a_committed_file(users, web, client):
    response = web(users["city"]).get("/home/")
    assert response.status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in response.content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # the ICO header: reserved 0, type 1 (icon)
    assert Path(finders.find("favicon.svg")).read_text().startswith("<svg")


def test_the_favicon_route_takes_no_posts(client, db):
    assert client.post("/favicon.ico").status_code == 405


def test_make_run_serves_on_the_port_given_and_8000_by_default():
    def dry_run(*args):
        out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout

    assert "runserver 127.0.0.1:8410" in dry_run("PORT=8410")
    assert "runserver 127.0.0.1:8000" in dry_run()
