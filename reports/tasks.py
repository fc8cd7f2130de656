"""Background tasks of the monthly reports, on django-tasks (the backport of Django 6's ``django.tasks``).

django-tasks has no periodic scheduler: the daily cron line runs ``manage.py remind_overdue``, which
enqueues ``remind_overdue_task``; a ``task_worker`` sends the e-mails, so a slow or unreachable mail
server holds up a worker, not cron. The tests run tasks immediately.
"""

from dataclasses import asdict

from django.utils import timezone
from django_tasks import task

from counties.models import Plan
from reports.reminders import reminders_send


def remind_overdue(period: str) -> list[dict]:
    """Remind every plan's overdue counties for ``period`` (``YYYY-MM``, already validated).

    One dict per plan whose reporting months include ``period`` (none: nothing to do). Safe to run
    twice: ``reminders_send`` reminds a county once a day per period (a unique Reminder row), so a
    task enqueued twice, or retried, sends nothing twice.
    """
    today = timezone.localdate()  # the day the mail goes out, not the day it was enqueued
    return [
        {"plan": plan.year, **asdict(reminders_send(plan=plan, period=period, today=today))}
        for plan in Plan.objects.order_by("year")
        if period in plan.periods()
    ]


@task()
def remind_overdue_task(period: str) -> list[dict]:
    return remind_overdue(period)
