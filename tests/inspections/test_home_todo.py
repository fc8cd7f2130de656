"""Rectifications on the home pages' to-do lists (issue 13, item 10)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from inspections.models import Rectification, RectificationStatus
from tests.http import expect
from tests.inspections.conftest import visit_data

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/plans/2021/inspections/visits/"


def open_rectifications(api, field_users, sample, findings):
    households = list(
        sample.entries.filter(county__code="140802").order_by("household_id").values_list("household_id", flat=True)
    )
    for n, (household, finding) in enumerate(zip(households, findings, strict=False), start=1):
        data = visit_data(household, uuid=f"33333333-3333-4333-8333-{n:012d}", finding=finding)
        assert api(field_users["inspector"]).post(VISITS, data, format="multipart").status_code == 201


def test_the_city_home_counts_rectifications_open_overdue_and_waiting_to_be_closed(web, api, field_users, sample):
    open_rectifications(api, field_users, sample, ["idle", "coal_resumed", "idle"])
    items = list(Rectification.objects.order_by("pk"))
    assert len(items) == 3
    Rectification.objects.filter(pk=items[0].pk).update(status=RectificationStatus.SUBMITTED)
    Rectification.objects.filter(pk=items[1].pk).update(deadline=date(2021, 12, 1))  # long past
    Rectification.objects.filter(pk=items[2].pk).update(deadline=timezone.localdate() + timedelta(days=10))
    response = expect(web(field_users["city"]).get("/home/"))
    # open: the two not yet resolved; overdue: the one past its deadline; to close: the submitted one.
    assert response.context["todo"]["rectifications"] == {"open": 2, "overdue": 1, "to_close": 1}
    html = response.content.decode()
    assert "待销号 1 项" in html and "（其中逾期 1 项）" in html


def test_a_clerks_home_lists_its_countys_rectifications_waiting_for_it(web, api, field_users, sample):
    open_rectifications(api, field_users, sample, ["idle", "in_use", "coal_resumed"])
    assert Rectification.objects.count() == 2  # the in-use household needs nothing
    first = Rectification.objects.order_by("pk").first()
    Rectification.objects.filter(pk=first.pk).update(status=RectificationStatus.SUBMITTED)  # the city's turn
    response = expect(web(field_users["clerk"]).get("/home/"))
    # of the two, one is with the city
    assert response.context["todo"]["rectifications"]["to_resolve"] == 1
    assert "待整改 1 项" in response.content.decode()
    assert expect(web(field_users["other_clerk"]).get("/home/")).context["todo"].get("rectifications") is None
