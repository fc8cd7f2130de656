"""Background tasks of the roster on django-tasks (the backport of Django 6's ``django.tasks``), and the
functions that queue them.

Run by ``manage.py task_worker`` (operations: django_tasks_db's ``db_worker`` with heartbeats; database
backend, ``django_tasks_db``); the tests run them immediately.
Moving to Django 6 changes the import below, not the tasks.
"""

from django_tasks import task

from counties.models import Plan
from households import roster_jobs
from households.models import RosterExport
from households.selectors import require_reader


@task()
def roster_export_task(export_id: int) -> int:
    return roster_jobs.roster_export_write(export_id)


def roster_export_start(*, user, plan: Plan, filters: dict) -> RosterExport:
    """Queue a background export of the roster as ``user`` sees it, with the list's filters."""
    require_reader(user)
    roster_jobs.roster_exports_cleanup()
    export = RosterExport.objects.create(
        user=user, plan=plan, filters={k: str(filters[k])[:100] for k in roster_jobs.FILTER_KEYS if filters.get(k)}
    )
    roster_export_task.enqueue(export.pk)
    export.refresh_from_db()
    return export
