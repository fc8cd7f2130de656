"""Imports racing each other: one county never overwrites another's households, and a race is never a 500.

The sequential variants (another import lands between an import's check and its write) run on every
database; the concurrent ones hold two real PostgreSQL transactions open at once (SQLite serialises
writers, so there is nothing to race there).
"""

import logging
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from households import roster_writer
from households.models import Household
from tests.households.helpers import id_of, make_household, make_id, post_import, problems, row, workbook
from tests.http import expect

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
WAIT = 20


def _land_first(monkeypatch, landing):
    """Run ``landing()`` (another import) after the next import's checks and before its write."""
    original = roster_writer.roster_write
    state = {"done": False}

    def write(**kwargs):
        if not state["done"]:
            state["done"] = True
            landing()
        return original(**kwargs)

    monkeypatch.setattr(roster_writer, "roster_write", write)


@pytest.mark.django_db
def test_an_update_import_leaves_a_household_registered_meanwhile_by_another_county_alone(
    api, users, monkeypatch, caplog
):
    landed = []
    _land_first(
        monkeypatch,
        lambda: landed.append(post_import(api(users["clerk"]), workbook([row(1, name="张三", village="东村")]))),
    )
    with caplog.at_level(logging.WARNING, logger="households.import"):
        response = post_import(
            api(users["other_clerk"]), workbook([row(1, name="李四", village="西村"), row(2)]), mode="update"
        )
    assert landed[0].status_code == 201
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid_rows"
    assert [(r, c) for r, c, _m in problems(response)] == [(2, "身份证号")]
    assert "其他县" in problems(response)[0][2]
    household = Household.objects.get()
    assert (household.county.code, household.head_name, household.village) == ("140802", "张三", "东村")
    conflict_logs = [r for r in caplog.records if r.name == "households.import"]
    assert len(conflict_logs) == 1 and conflict_logs[0].levelno == logging.WARNING
    assert (conflict_logs[0].username, conflict_logs[0].conflict_rows, conflict_logs[0].stage) == (
        "clerk-140881",
        1,
        "write",
    )


@pytest.mark.django_db
def test_a_create_import_racing_another_county_gets_per_row_errors_not_a_500(api, users, monkeypatch):
    _land_first(monkeypatch, lambda: expect(post_import(api(users["clerk"]), workbook([row(1), row(3)])), 201))
    response = post_import(api(users["other_clerk"]), workbook([row(2), row(1), row(3)]))
    assert response.status_code == 400, response.content
    assert [(r, c) for r, c, _m in problems(response)] == [(3, "身份证号"), (4, "身份证号")]
    assert all("其他县" in m for _r, _c, m in problems(response))
    assert {id_of(h) for h in Household.objects.all()} == {make_id(seq=1), make_id(seq=3)}
    assert set(Household.objects.values_list("county__code", flat=True)) == {"140802"}


@pytest.mark.django_db
def test_a_create_import_racing_one_of_the_same_county_is_told_to_use_update(api, users, monkeypatch):
    _land_first(monkeypatch, lambda: expect(post_import(api(users["city"]), workbook([row(1)]), county="140802"), 201))
    response = post_import(api(users["clerk"]), workbook([row(1, name="王五"), row(2)]))
    assert response.status_code == 400
    assert problems(response) == [(2, "身份证号", "该身份证号已登记。如需修改已登记的改造户，请选择“更新”方式导入。")]
    assert Household.objects.get().head_name == "张三"


@pytest.mark.django_db
def test_a_conflict_the_database_reports_but_that_is_gone_again_is_a_409(api, users, monkeypatch):
    from django.db import IntegrityError

    def refuse(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(roster_writer, "roster_write", refuse)
    response = post_import(api(users["clerk"]), workbook([row(1)]))
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and "重新导入" in response.json()["detail"]


@pytest.mark.django_db
def test_a_dry_run_that_names_another_countys_ids_is_logged_with_who_and_how_many(api, users, caplog):
    expect(post_import(api(users["other_clerk"]), workbook([row(1), row(2)])), 201)
    with caplog.at_level(logging.WARNING, logger="households.import"):
        response = post_import(api(users["clerk"]), workbook([row(1), row(2), row(3)]), dry_run=True)
    assert response.status_code == 400
    (record,) = [r for r in caplog.records if r.name == "households.import"]
    assert (record.username, record.conflict_rows, record.dry_run, record.stage) == ("clerk-140802", 2, True, "check")
    assert "user=clerk-140802" in record.getMessage() and "rows=2" in record.getMessage()


# Two real transactions at once (PostgreSQL).

needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="SQLite serialises writers; the sequential variants above cover it"
)


def _wait_for_a_lock_wait():
    """Block until some session of the test database waits on a lock (the second import)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the second import never waited for the first one")


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except BaseException as exc:  # reported by the test, not lost in the thread
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=key)
    thread.start()
    return thread


def _response(results, key):
    response = results[key]
    assert not isinstance(response, BaseException), repr(response)
    return response


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["update", "create"])
def test_an_import_waiting_on_another_countys_uncommitted_household_refuses_that_row(api, users, plan, mode):
    results, inserted, release = {}, threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            make_household(plan, county_code="140802", seq=1, head_name="张三", village="东村")
            inserted.set()
            release.wait(WAIT)
        return "committed"

    holder = _in_thread(hold, results, "holder")
    assert inserted.wait(WAIT)
    content = workbook([row(1, name="李四", village="西村"), row(2)])
    second = _in_thread(lambda: post_import(api(users["other_clerk"]), content, mode=mode), results, "import")
    _wait_for_a_lock_wait()
    release.set()
    holder.join(WAIT)
    second.join(WAIT)
    assert results["holder"] == "committed"
    response = _response(results, "import")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_rows"
    assert [(r, c) for r, c, _m in problems(response)] == [(2, "身份证号")]
    assert "其他县" in problems(response)[0][2]
    household = Household.objects.get()
    assert (household.county.code, household.head_name, household.village) == ("140802", "张三", "东村")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_create_imports_with_overlapping_ids_give_one_201_and_one_400(api, users, monkeypatch):
    written, release = threading.Event(), threading.Event()
    original = roster_writer._write_batch

    def write_then_wait(*args, **kwargs):
        count = original(*args, **kwargs)
        if threading.current_thread().name == "first":
            written.set()  # rows inserted, transaction still open
            release.wait(WAIT)
        return count

    monkeypatch.setattr(roster_writer, "_write_batch", write_then_wait)
    results = {}
    first = _in_thread(
        lambda: post_import(api(users["clerk"]), workbook([row(seq) for seq in (1, 2, 3)])), results, "first"
    )
    assert written.wait(WAIT)
    second = _in_thread(
        lambda: post_import(api(users["other_clerk"]), workbook([row(seq) for seq in (3, 4, 2)])), results, "second"
    )
    _wait_for_a_lock_wait()
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert _response(results, "first").status_code == 201
    response = _response(results, "second")
    assert response.status_code == 400, response.content
    assert [(r, c) for r, c, _m in problems(response)] == [(2, "身份证号"), (4, "身份证号")]
    assert {id_of(h): h.county.code for h in Household.objects.all()} == {
        make_id(seq=1): "140802",
        make_id(seq=2): "140802",
        make_id(seq=3): "140802",
    }


@pytest.mark.django_db
def test_a_deadlock_or_busy_database_between_two_imports_is_a_409_asking_to_retry(api, users, monkeypatch):
    from django.db import OperationalError

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(roster_writer, "roster_write", busy)
    response = post_import(api(users["clerk"]), workbook([row(1)]))
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and "稍后重试" in response.json()["detail"]
