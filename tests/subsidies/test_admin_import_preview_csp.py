"""The admin's import preview carries no inline style (issue 22, section 4): diff-match-patch's
``<ins style=…>`` marks become classes the admin stylesheet colours."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies.resources import SubsidyRuleResource


def test_the_preview_of_a_changed_rule_marks_the_change_with_classes_not_inline_styles(users, web, plan):
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    dataset = SubsidyRuleResource().export()
    amount = dataset.headers.index(next(h for h in dataset.headers if "amount" in h or "金额" in h or "标准" in h))
    first = list(dataset[0])
    first[amount] = "1234"
    dataset[0] = tuple(first)
    dataset.append_col(["2021-08"] * len(dataset), header="生效月份")  # a changed rate says from when and why
    dataset.append_col(["调整"] * len(dataset), header="修改原因")
    client = web(admin)
    page = client.get("/admin/subsidies/subsidyrule/import/")
    assert page.status_code == 200
    upload = SimpleUploadedFile("rules.xlsx", dataset.export("xlsx"))
    response = client.post(
        "/admin/subsidies/subsidyrule/import/", {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "以下是导入数据的预览" in html
    assert '<ins class="diff-ins">' in html
    assert not re.findall(r"\sstyle\s*=|<style\b", html)
