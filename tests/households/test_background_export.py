"""A roster too large to count is exported in the background: progress, download when ready, kept a day, audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from households import roster_jobs, roster_page
from households.models import ExportAudit, ExportStatus, RosterExport
from tests.households.helpers import body_bytes, make_household, make_id, read_xlsx
from tests.http import expect, html_of, json_of

pytestmark = pytest.mark.django_db
LIST = "/plans/2021/households/"
START = "/plans/2021/households/exports/"


@pytest.fixture
def roster(plan):
    return [
        make_household(plan, seq=1, head_name="张三"),
        make_household(plan, seq=2, head_name="李四"),
        make_household(plan, "140881", seq=3, head_name="王五"),
    ]


def test_the_list_offers_a_background_export_only_when_the_roster_is_too_large_to_count(
    web, users, roster, monkeypatch
):
    client = web(users["city"])
    assert 'id="export-link"' in html_of(client.get(LIST))
    monkeypatch.setattr(roster_page, "COUNT_LIMIT", 1)
    html = html_of(client.get(LIST + "?county=140802&q="))
    assert 'id="export-start"' in html and 'name="county" value="140802"' in html and 'id="export-link"' not in html


def test_a_background_export_writes_the_file_reports_progress_and_is_audited(web, users, roster):
    client = web(users["finance"])
    response = client.post(START, {"county": "140802"})
    export = RosterExport.objects.get()
    assert response.status_code == 302 and response.url == f"/plans/2021/households/exports/{export.pk}/"
    state = json_of(client.get(f"/plans/2021/households/exports/{export.pk}/status/"))
    assert (state["status"], state["rows_done"], state["rows_total"], state["percent"]) == ("done", 2, 2, 100)
    page = html_of(client.get(response.url))
    assert 'id="export-bar"' in page and "roster-export.js" in page and "<script>" not in page
    download = expect(client.get(state["download_url"]))
    sheet = read_xlsx(body_bytes(download))
    # finance sees whole IDs in exports: recorded like a direct export
    assert sorted(r[4] for r in sheet[1:]) == [make_id(seq=1), make_id(seq=2)]
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.rows, audit.filters) == (
        users["finance"],
        2,
        {"county": "140802", "background_export": export.pk},
    )


def test_another_user_cannot_see_or_download_an_export(web, users, roster):
    expect(web(users["finance"]).post(START, {}), 302)
    export = RosterExport.objects.get()
    other = web(users["city"])
    for suffix in ("", "status/", "download/"):
        assert other.get(f"/plans/2021/households/exports/{export.pk}/{suffix}").status_code == 404


def test_a_clerks_export_holds_its_own_county_masked(web, users, roster):
    client = web(users["clerk"])
    expect(client.post(START, {"county": "140881"}), 302)  # a filter cannot widen the scope
    export = RosterExport.objects.get()
    assert export.status == ExportStatus.DONE and export.rows_done == 0
    expect(client.post(START, {}), 302)
    export = RosterExport.objects.order_by("-pk").first()
    sheet = read_xlsx(body_bytes(expect(client.get(f"/plans/2021/households/exports/{export.pk}/download/"))))
    assert sorted(r[3] for r in sheet[1:]) == ["张三", "李四"]
    assert all("*" in r[4] for r in sheet[1:]) and ExportAudit.objects.count() == 0


def test_exports_older_than_a_day_are_deleted_with_their_files(web, users, roster):
    expect(web(users["city"]).post(START, {}), 302)
    export = RosterExport.objects.get()
    path = roster_jobs.export_file_path(export)
    assert path is not None and path.exists()
    assert roster_jobs.roster_exports_cleanup() == 0
    assert roster_jobs.roster_exports_cleanup(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert not path.exists() and not RosterExport.objects.exists()


def test_the_api_starts_a_background_export_reports_it_and_serves_the_file_to_its_owner_only(api, users, roster):
    client = api(users["city"])
    response = client.post("/api/v1/plans/2021/households/exports/", {"county": "140881"}, format="json")
    assert response.status_code == 202
    state = json_of(client.get(response.json()["status_url"]))
    assert (state["status"], state["rows_done"], state["rows_total"], state["percent"]) == ("done", 1, 1, 100)
    sheet = read_xlsx(body_bytes(expect(client.get(state["download_url"]))))
    assert [r[3] for r in sheet[1:]] == ["王五"]
    other = api(users["finance"])
    assert other.get(state["status_url"]).status_code == 404
    assert json_of(other.get(state["download_url"]), 404)["code"] == "not_found"
    assert api(users["norole"]).post("/api/v1/plans/2021/households/exports/", {}).status_code == 403
