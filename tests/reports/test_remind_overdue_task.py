"""The daily reminders run as a django-tasks task: the cron line enqueues, a worker sends."""

import pytest
from django.core import mail
from django.core.management import call_command

from counties.models import County, Role
from counties.services import user_set_role
from reports.models import Reminder, ReportStatus
from reports.tasks import remind_overdue_task


@pytest.fixture
def clerks_with_email(users):
    users["clerk"].email = "yanhu@example.invalid"
    users["clerk"].save()
    users["other_clerk"].email = "yongji@example.invalid"
    users["other_clerk"].save()
    user_set_role(
        username="clerk-140822",
        password="x" * 12,
        role=Role.COUNTY_CLERK,
        county=County.objects.get(code="140822"),
        email="wanrong@example.invalid",
    )


def test_enqueued_reminder_task_mails_the_same_clerks_as_the_inline_command(clerks_with_email, make_report):
    make_report("140802", "2021-07", {}, status=ReportStatus.DRAFT)  # a draft is not a report: reminded
    make_report("140881", "2021-07", {}, status=ReportStatus.SUBMITTED)  # reported: not reminded
    result = remind_overdue_task.enqueue("2021-07")  # the tests' backend runs it at once
    assert result.is_finished
    [summary] = result.return_value
    assert summary["plan"] == 2021 and summary["period"] == "2021-07"
    assert sorted(summary["reminded"]) == sorted(["盐湖区", "万荣县"])
    assert sorted(r for m in mail.outbox for r in m.to) == ["wanrong@example.invalid", "yanhu@example.invalid"]
    # --now does the same work in-process, and finds it already done today
    call_command("remind_overdue", "--period", "2021-07", "--now")
    assert len(mail.outbox) == 2


def test_reminder_task_enqueued_twice_the_same_day_sends_nothing_twice(clerks_with_email, capsys):
    call_command("remind_overdue", "--period", "2021-07")
    call_command("remind_overdue", "--period", "2021-07")
    remind_overdue_task.enqueue("2021-07")
    # 盐湖区, 永济市 and 万荣县 have no report and a clerk with e-mail: one mail each, once
    assert sorted(r for m in mail.outbox for r in m.to) == [
        "wanrong@example.invalid",
        "yanhu@example.invalid",
        "yongji@example.invalid",
    ]
    assert Reminder.objects.filter(period="2021-07").count() == 3
    out = capsys.readouterr().out
    assert "已提醒 3 个" in out and "今日已提醒过 3 个" in out


# transaction=True: db_worker closes its database connection after each task, which PostgreSQL's
# test-case transaction would not survive.
@pytest.mark.django_db(transaction=True)
def test_remind_overdue_command_only_enqueues_with_the_database_backend_and_a_worker_sends(
    clerks_with_email, settings, capsys
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("remind_overdue", "--period", "2021-07")
    assert "已加入后台任务队列" in capsys.readouterr().out
    assert mail.outbox == [] and not Reminder.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "test")
    assert len(mail.outbox) == 3
    assert Reminder.objects.filter(period="2021-07").count() == 3


def test_remind_overdue_command_refuses_a_malformed_period_before_enqueuing(plan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="格式不正确"):
        call_command("remind_overdue", "--period", "2021-13")
    assert mail.outbox == []
