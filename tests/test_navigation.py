import html as html_lib
import re

import pytest

ROLES = ["admin", "city", "finance", "department", "clerk"]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_offered_on_its_home_page_opens(users, web, role):
    client = web(users[role])
    response = client.get("/home/")
    assert response.status_code == 200
    html = response.content.decode()
    links = sorted({html_lib.unescape(link) for link in re.findall(r'href="(/[^"#]*)"', html)} - {"/home/"})
    assert links, "the home page offers no links"
    for link in links:
        if link.startswith("/static/") or link.startswith("/admin/"):
            continue
        assert client.get(link).status_code == 200, link


def test_a_clerks_home_is_its_county_page(users, web):
    response = web(users["clerk"]).get("/home/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h1>盐湖区清洁取暖进度（截至 \d{4}-\d{2}）</h1>", html)
    response = web(users["other_clerk"]).get("/home/")
    assert response.status_code == 200
    other = response.content.decode()
    assert re.search(r"<h1>永济市清洁取暖进度", other)
