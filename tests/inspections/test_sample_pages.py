"""The samples as new users read them (issue 22, section 4): 重新抽取核对 is a page, not raw JSON; a
seed left blank shows in local time; the draw form names inspectors; a draw says what it drew."""

from datetime import datetime
from zoneinfo import ZoneInfo

from counties.templatetags.heating import draw_seed
from households.models import Household, HouseholdStatus
from inspections.models import Sample


def test_the_verify_link_opens_a_page_saying_the_draw_still_matches(web, field_users, sample):
    city = web(field_users["city"])
    overview = city.get("/inspections/")
    assert overview.status_code == 200
    url = f"/inspections/samples/{sample.pk}/verify/?plan=2021"  # links carry the year (issue 19)
    assert f'href="{url}"' in overview.content.decode()
    response = city.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="verify-matches"' in html and 'id="roster-unchanged"' in html
    assert "test-seed" in html and '"matches"' not in html


def test_the_verify_page_says_when_the_roster_changed_since_the_draw(web, field_users, sample):
    drawn = set(sample.entries.values_list("household_id", flat=True))
    outside = Household.objects.exclude(pk__in=drawn).filter(county__code="140802").first()
    Household.objects.filter(pk=outside.pk).update(status=HouseholdStatus.ACCEPTED)
    response = web(field_users["city"]).get(f"/inspections/samples/{sample.pk}/verify/")
    assert response.status_code == 200
    assert 'id="roster-changed"' in response.content.decode()


def test_the_verify_page_is_refused_to_acceptors_and_a_missing_sample_is_a_404(web, field_users, sample):
    assert web(field_users["acceptor"]).get(f"/inspections/samples/{sample.pk}/verify/").status_code == 403
    assert web(field_users["city"]).get(f"/inspections/samples/{sample.pk + 100}/verify/").status_code == 404


def test_a_seed_left_blank_shows_in_local_time_and_a_typed_seed_as_typed():
    utc = datetime(2021, 10, 5, 6, 30, 12, 123456, tzinfo=ZoneInfo("UTC"))
    assert draw_seed(utc.isoformat()) == "2021-10-05 14:30:12"  # Asia/Shanghai, UTC+8
    assert draw_seed("test-seed") == "test-seed"
    assert draw_seed("2021-10-05") == "2021-10-05"  # a date is a typed seed, not a moment


def test_a_draw_without_a_seed_says_so_in_local_time_and_the_form_names_inspectors(web, field_users, roster):
    inspector = field_users["inspector"]
    inspector.first_name = "李检查"
    inspector.save()
    city = web(field_users["city"])
    page = city.get("/inspections/")
    assert page.status_code == 200
    assert '<option value="inspector">李检查</option>' in page.content.decode()
    data = {"rate": "0.1", "minimum": "2", "status": "completed", "seed": "", "inspectors": ["inspector"]}
    response = city.post("/inspections/samples/draw/", data, follow=True)
    assert response.status_code == 200
    sample = Sample.objects.get()
    local = sample.created_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    html = response.content.decode()
    n = sample.entries.count()
    assert f"已抽取样本 #{sample.pk}：{n} 户，随机种子 {local}。" in html
    assert f"<code>{local}</code>" in html and sample.seed not in html
    assert list(sample.inspectors.values_list("username", flat=True)) == ["inspector"]
