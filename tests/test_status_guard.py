"""The guard in tests/status_guard.py notices a request whose status nobody looked at."""

import pytest
from django.test import Client

from tests import status_guard
from tests.http import expect, html_of, json_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracker():
    """The guard's own tracker, emptied again afterwards so this test's deliberate offence never fails it."""
    yield status_guard.TRACKER
    status_guard.TRACKER.unchecked = []


def test_a_response_whose_status_is_never_read_is_listed_with_the_line_that_made_it(tracker):
    Client().get("/accounts/login/")
    offenders = tracker.offenders()
    assert len(offenders) == 1
    assert offenders[0].startswith("GET /accounts/login/ (tests/test_status_guard.py:")


def test_reading_the_status_clears_the_response(tracker):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert tracker.offenders() == []


def test_the_status_stays_the_one_the_view_answered_once_tracked(tracker):
    response = Client().get("/no-such-page/")
    assert [o.split(" (")[0] for o in tracker.offenders()] == ["GET /no-such-page/"]
    assert response.status_code == 404
    assert tracker.offenders() == []


def test_the_helpers_assert_the_status_and_say_what_came_back(tracker):
    assert "<form" in html_of(Client().get("/accounts/login/"))
    assert expect(Client().get("/no-such-page/"), 404).status_code == 404
    with pytest.raises(AssertionError, match=r"expected HTTP 200, got 404: "):
        html_of(Client().get("/no-such-page/"))
    with pytest.raises(AssertionError, match=r"expected HTTP 201, got 401: \{"):
        json_of(Client().post("/api/v1/reports/", {}, content_type="application/json"), 201)
    assert tracker.offenders() == []
