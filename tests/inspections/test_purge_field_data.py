"""purge_personal_data clears what field visits hold of the plan's residents: positions, notes, photos."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from households.models import ExportAudit
from inspections.models import Photo, Visit
from tests.inspections.conftest import visit_data

pytestmark = pytest.mark.django_db(transaction=True)

VISITS = "/api/v1/plans/2021/inspections/visits/"


def files_under(root) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def test_after_a_purge_the_visits_have_no_position_or_note_and_their_photo_files_are_gone(
    api, field_users, sample, media_root, settings
):
    client = api(field_users["inspector"])
    households = list(sample.entries.values_list("household_id", flat=True)[:2])
    uuids = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]
    for household, uuid in zip(households, uuids, strict=True):
        response = client.post(VISITS, visit_data(household, uuid=uuid, photos=2), format="multipart")
        assert response.status_code == 201, response.json()
    # Two visits of two photos each: four photos, eight files (photo + thumbnail).
    assert Photo.objects.count() == 4 and len(files_under(media_root)) == 8
    settings.PII_RETENTION_DAYS = 0

    out = io.StringIO()
    call_command("purge_personal_data", plan=2021, user="city", yes=True, stdout=out)

    report = out.getvalue()
    assert "visit GPS positions cleared: 2" in report and "visit notes cleared: 2" in report
    assert "photos deleted: 4" in report and "photo and thumbnail files deleted: 8" in report
    assert list(Visit.objects.values_list("latitude", "longitude", "note", "position_source")) == [
        (None, None, "", "")
    ] * 2
    assert not Photo.objects.exists() and files_under(media_root) == []
    assert Visit.objects.filter(finding="in_use").count() == 2  # the findings stay: spot-check figures add up
    audit = ExportAudit.objects.get(action="purge")
    assert (audit.filters["photos"], audit.filters["visit_positions"]) == (4, 2)
