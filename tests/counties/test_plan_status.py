"""Plan years have a status; a draft is seen only by the city office and the administrator."""

from datetime import date

import pytest
from django.http import Http404

from counties.models import Plan, PlanStatus
from counties.selectors import plan_current, plan_get_for_user, plans_for_user


def _plan(year, status, *, start=None, end=None):
    return Plan.objects.create(
        year=year,
        title=f"运城市{year}年冬季清洁取暖工作实施方案",
        status=status,
        document_date=start or date(year, 6, 1),
        deadline=end or date(year, 10, 31),
    )


def test_the_loaded_2021_plan_is_published(plan):
    assert plan.status == PlanStatus.PUBLISHED


def test_a_new_plan_starts_as_a_draft(db):
    assert Plan(year=2030, title="x", document_date=date(2030, 6, 1), deadline=date(2030, 10, 31)).status == "draft"


def test_a_draft_is_listed_for_the_city_office_and_hidden_from_a_clerk(plan, users):
    _plan(2022, PlanStatus.DRAFT)
    assert [p.year for p in plans_for_user(user=users["city"])] == [2022, 2021]
    assert [p.year for p in plans_for_user(user=users["clerk"])] == [2021]


def test_a_clerk_asking_for_a_draft_year_gets_the_missing_year_404(plan, users):
    _plan(2022, PlanStatus.DRAFT)
    assert plan_get_for_user(user=users["city"], year="2022").year == 2022
    for year in ("2022", "2099", "2021\u0085", "abc"):
        with pytest.raises(Http404, match="未找到该年度方案"):
            plan_get_for_user(user=users["clerk"], year=year)


def test_a_saved_draft_does_not_become_the_current_plan_of_any_page(plan, users):
    _plan(2022, PlanStatus.DRAFT)
    for role in ("clerk", "city", "finance"):
        assert plan_current(user=users[role], today=date(2022, 3, 1)).year == 2021


def test_the_current_plan_is_the_published_one_whose_window_holds_today(plan, users):
    _plan(2022, PlanStatus.PUBLISHED)
    assert plan_current(user=users["clerk"], today=date(2021, 8, 1)).year == 2021
    assert plan_current(user=users["clerk"], today=date(2022, 7, 1)).year == 2022
    # Between windows: the latest published.
    assert plan_current(user=users["clerk"], today=date(2022, 3, 1)).year == 2022


def test_a_closed_year_gives_way_to_a_published_one(plan, users):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    assert plan_current(user=users["clerk"], today=date(2021, 8, 1)).year == 2021
    _plan(2022, PlanStatus.PUBLISHED)
    assert plan_current(user=users["clerk"], today=date(2021, 8, 1)).year == 2022


def test_reloading_the_plan_file_keeps_a_closed_year_closed(plan):
    from django.core.management import call_command

    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    call_command("load_plan", "2021", verbosity=0)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
