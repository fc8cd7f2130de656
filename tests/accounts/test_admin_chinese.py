"""The admin in Chinese (issue 22, section 4): the third-party apps it lists (knox's tokens,
django-tasks' results) and the app tables' column headings no longer show English."""

import re

import pytest
from django.core.management import call_command

ENGLISH = ["Knox", "Auth token", "Tasks Database Backend", "Task Result", "Model name", "Add link", "Change or view"]


@pytest.fixture
def superuser(users):
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def test_the_admin_index_names_every_app_model_and_column_in_chinese(web, superuser):
    response = web(superuser).get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    for english in ENGLISH:
        assert english not in html, english
    captions = re.findall(r'class="section"[^>]*>([^<]+)</a>', html)
    assert "接口登录令牌" in captions and "后台任务" in captions
    assert ">登录令牌</a>" in html and ">任务结果</a>" in html
    assert '<th scope="col">模型名称</th>' in html


@pytest.mark.parametrize(
    ("url", "title"),
    [("/admin/knox/authtoken/", "登录令牌"), ("/admin/django_tasks_database/dbtaskresult/", "任务结果")],
)
def test_the_token_and_task_lists_are_titled_in_chinese(web, superuser, url, title):
    response = web(superuser).get(url)
    assert response.status_code == 200
    assert title in re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert "Auth token" not in response.content.decode() and "Task Result" not in response.content.decode()


def test_renaming_them_for_display_leaves_no_migration_to_write(db):
    # The names are set on _meta for display only; migrations compare original_attrs.
    call_command("makemigrations", "knox", "django_tasks_database", check=True, dry_run=True, verbosity=0)
