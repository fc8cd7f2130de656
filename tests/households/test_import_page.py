"""The roster import page works as a plain POST form (no scripts) and keeps nothing of the upload (issue 13)."""

import pytest
from django.contrib.sessions.models import Session

from households.models import Household
from tests.households.helpers import make_id, row, upload, workbook
from tests.http import expect, html_of

pytestmark = pytest.mark.django_db
PAGE = "/plans/2021/households/import/"


def preview(client, content, **extra):
    return client.post(PAGE, {"step": "preview", "mode": "create", "file": upload(content), **extra})


def test_the_import_form_is_a_real_post_form_to_the_page(web, users):
    html = html_of(web(users["clerk"]).get(PAGE))
    assert 'id="import-form" method="post" action="/plans/2021/households/import/"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_script_less_preview_shows_the_masked_rows_and_writes_and_keeps_nothing(web, users, media_root):
    client = web(users["clerk"])
    response = preview(client, workbook([row(1), row(2)]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "检查通过：共 2 行，将新增 2 户、更新 0 户。" in html
    assert make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:] in html
    assert make_id(seq=1) not in html and make_id(seq=2) not in html
    assert 'name="digest"' in html and 'id="confirm-file"' in html
    # Nothing of the file stays between preview and confirm: no rows, no files, nothing in the session.
    assert Household.objects.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    for session in Session.objects.all():
        decoded = str(session.get_decoded())
        assert make_id(seq=1) not in decoded and "roster" not in decoded


def test_confirming_with_the_same_file_imports_it(web, users):
    client = web(users["clerk"])
    content = workbook([row(1), row(2)])
    html = html_of(preview(client, content))
    digest = html.split('name="digest" value="')[1].split('"')[0]
    response = client.post(
        PAGE,
        {"step": "confirm", "mode": "create", "county": "", "digest": digest, "file": upload(content)},
        follow=True,
    )
    assert "导入成功：新增2户，更新0户。" in response.content.decode()
    assert Household.objects.count() == 2


def test_confirming_with_a_different_file_imports_nothing_and_shows_its_preview(web, users):
    client = web(users["clerk"])
    html = html_of(preview(client, workbook([row(1)])))
    digest = html.split('name="digest" value="')[1].split('"')[0]
    response = expect(
        client.post(
            PAGE, {"step": "confirm", "mode": "create", "digest": digest, "file": upload(workbook([row(1), row(3)]))}
        )
    )
    html = response.content.decode()
    assert "确认时选择的文件与预览的文件不同，未导入。" in html and "共 2 行" in html
    assert Household.objects.count() == 0


def test_a_script_less_preview_lists_the_problems_per_row(web, users):
    response = preview(web(users["clerk"]), workbook([row(1, id_number="140802198001010012")]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "发现 1 处问题，未导入任何数据。" in html and "<td>身份证号</td>" in html
    assert Household.objects.count() == 0


def test_a_script_less_preview_without_a_file_says_so(web, users):
    response = web(users["clerk"]).post(PAGE, {"step": "preview", "mode": "create"})
    assert response.status_code == 400 and "请选择要上传的文件。" in response.content.decode()
