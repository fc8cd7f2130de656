"""Background tasks of the roster, on django-tasks (the backport of Django 6's ``django.tasks``).

Run by ``manage.py db_worker`` (database backend, ``django_tasks_db``); the tests run them immediately.
Moving to Django 6 changes the import below, not the tasks.
"""

from django_tasks import task

from households.roster_jobs import roster_export_write


@task()
def roster_export_task(export_id: int) -> int:
    return roster_export_write(export_id)
