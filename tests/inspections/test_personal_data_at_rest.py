"""Field inspections keep households by reference: after a whole inspection round no table and no stored
photo holds a resident's whole ID or phone number (issue 11; the roster's own flows are scanned in
tests/households/test_personal_data.py)."""

import logging
from pathlib import Path

import pytest

from households import pii
from households.models import Household
from inspections.models import Rectification, RectificationStatus
from tests.households.helpers import stored_texts
from tests.inspections.conftest import upload, visit_data

pytestmark = pytest.mark.django_db

P = "/api/v1/plans/2021/"
VISITS = P + "inspections/visits/"
RECTS = P + "rectifications/"


def test_an_inspection_round_leaves_no_whole_id_or_phone_in_any_table_or_photo(
    api, web, field_users, sample, roster, media_root, caplog
):
    caplog.set_level(logging.DEBUG)
    # Give every household a phone number too, so there is one to leak.
    for n, household in enumerate(Household.objects.order_by("pk")):
        id_number = pii.reveal(household.pii_cipher)[0]
        Household.objects.filter(pk=household.pk).update(**pii.seal(id_number, f"1397654{n:04d}"))
    secrets = []
    for token in Household.objects.values_list("pii_cipher", flat=True):
        id_number, phone = pii.reveal(token)
        secrets += [id_number, id_number.lower(), phone]
    assert len(secrets) == 3 * len(roster) and all(secrets)

    inspector, clerk, city = (api(field_users[r]) for r in ("inspector", "clerk", "city"))
    sampled = list(
        sample.entries.filter(county__code="140802").order_by("household_id").values_list("household_id", flat=True)
    )
    assert inspector.get(P + "inspections/tasks/").status_code == 200
    for n, (hid, finding) in enumerate(zip(sampled[:2], ("idle", "in_use"), strict=True)):
        data = visit_data(hid, uuid=f"44444444-4444-4444-8444-{n:012d}", finding=finding, photos=1)
        assert inspector.post(VISITS, data, format="multipart").status_code == 201
    rectification = Rectification.objects.get()
    resolved = clerk.post(f"{RECTS}{rectification.pk}/resolve/", {"note": "已恢复", "photos": [upload()]})
    assert resolved.status_code == 200, resolved.content
    assert city.post(f"{RECTS}{rectification.pk}/return/", {"reason": "照片不清"}, format="json").status_code == 200
    assert clerk.post(f"{RECTS}{rectification.pk}/resolve/", {"note": "重新拍照"}).status_code == 200
    assert city.post(f"{RECTS}{rectification.pk}/close/").status_code == 200
    accepted = next(h for h in roster.values() if h.county.code == "140802" and h.status == "completed")
    acceptance = visit_data(accepted.pk, finding="", acceptance_result="passed")
    assert api(field_users["acceptor"]).post(VISITS, acceptance, format="multipart").status_code == 201
    for client in (city, clerk):
        for url in ("inspections/summary/", "inspections/export.xlsx", "rectifications/", "inspections/visits/"):
            assert client.get(P + url).status_code == 200, url
    assert city.get(f"{P}inspections/samples/{sample.pk}/").status_code == 200
    assert city.get(f"{P}inspections/samples/{sample.pk}/verify/").status_code == 200
    page = web(field_users["city"])
    assert page.get("/inspections/").status_code == 200
    assert page.get(f"/inspections/rectifications/{rectification.pk}/").status_code == 200

    texts = list(stored_texts())
    # The scan reads what it should: visits, rectifications, the sample, photos' rows.
    tables = {table for table, _text in texts}
    assert {"inspections_visit", "inspections_rectification", "inspections_sample", "inspections_photo"} <= tables
    assert any(table == "inspections_rectification" and text == "照片不清" for table, text in texts)
    assert Rectification.objects.get().status == RectificationStatus.CLOSED
    leaks = [(table, secret) for table, text in texts for secret in secrets if secret in text]
    assert leaks == []
    photos = [path for path in Path(media_root).rglob("*") if path.is_file()]
    assert len(photos) >= 4  # three visits' and two resolutions' photos, with thumbnails
    stored = [(path.name, path.read_bytes().decode("latin-1")) for path in photos]
    assert [(name, s) for name, content in stored for s in secrets if s in content or s in name] == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [secret for secret in secrets if secret in logged]
