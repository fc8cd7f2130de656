"""Visits uploaded from a phone: idempotent on the phone's UUID, photos checked, stripped and scoped."""

import io

import pytest
from PIL import Image

from households.models import HouseholdStatus
from inspections.models import Photo, Rectification, Visit
from tests.http import expect, json_of
from tests.inspections.conftest import exif_with_gps, jpeg_bytes, upload, visit_data

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/plans/2021/inspections/visits/"


def photo_url(pk, thumb=False):
    return f"/api/v1/plans/2021/inspections/photos/{pk}/" + ("?size=thumb" if thumb else "")


def first_household(sample, county="140802"):
    return sample.entries.filter(county__code=county).order_by("household_id").first().household_id


def test_an_inspector_uploads_a_visit_with_photos(api, field_users, sample):
    hid = first_household(sample)
    response = api(field_users["inspector"]).post(VISITS, visit_data(hid, photos=2), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["household"] == hid and body["finding"] == "in_use" and body["sample"] == sample.pk
    assert body["latitude"] == "35.026000" and body["position_source"] == "device"
    assert len(body["photos"]) == 2
    assert "********" in body["id_number"]


def test_uploading_the_same_uuid_twice_creates_one_visit(api, field_users, sample):
    hid = first_household(sample)
    client = api(field_users["inspector"])
    first = client.post(VISITS, visit_data(hid, finding="idle", photos=2), format="multipart")
    second = client.post(VISITS, visit_data(hid, finding="idle", photos=2), format="multipart")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert Visit.objects.count() == 1
    assert Photo.objects.count() == 2
    assert Rectification.objects.count() == 1


def test_a_visit_outside_the_inspectors_samples_is_a_404(api, field_users, sample, roster):
    sampled = set(sample.entries.values_list("household_id", flat=True))
    outside = next(pk for pk in roster if pk not in sampled)
    response = api(field_users["inspector"]).post(VISITS, visit_data(outside), format="multipart")
    assert response.status_code == 404
    # An inspector limited to 永济市 cannot visit 盐湖区's sampled households, even if assigned the sample.
    sample.inspectors.add(field_users["other_inspector"])
    response = api(field_users["other_inspector"]).post(VISITS, visit_data(first_household(sample)), format="multipart")
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_a_visit_without_position_is_accepted_and_marked_so(api, field_users, sample):
    data = visit_data(first_household(sample))
    del data["latitude"], data["longitude"]
    body = json_of(api(field_users["inspector"]).post(VISITS, data, format="multipart"), 201)
    assert body["latitude"] is None and body["position_source"] == ""


def test_a_non_image_is_refused_and_nothing_is_saved(api, field_users, sample, media_root):
    data = visit_data(first_household(sample))
    data["photos"] = [upload("p.jpg"), upload("evil.jpg", b"<html><script>alert(1)</script></html>")]
    response = api(field_users["inspector"]).post(VISITS, data, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["errors"]
    assert not Visit.objects.exists() and not Photo.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


def test_a_visit_without_photos_is_refused(api, field_users, sample):
    response = api(field_users["inspector"]).post(
        VISITS, visit_data(first_household(sample), photos=0), format="multipart"
    )
    assert response.status_code == 400 and "photos" in response.json()["errors"]


def test_an_oversized_photo_is_refused(api, field_users, sample, settings):
    settings.INSPECTION_PHOTO_MAX_BYTES = 2000
    data = visit_data(first_household(sample))
    data["photos"] = [upload("big.jpg", jpeg_bytes(size=(400, 400)) + b"\0" * 2000)]
    response = api(field_users["inspector"]).post(VISITS, data, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["errors"]
    assert not Visit.objects.exists()


def test_a_failure_after_photos_are_written_removes_their_files(api, field_users, sample, media_root, monkeypatch):
    from inspections import services

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_rectification_open", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        api(field_users["inspector"]).post(
            VISITS, visit_data(first_household(sample), finding="idle"), format="multipart"
        )
    assert not Visit.objects.exists() and not Photo.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_exif_time_and_gps_are_read_into_the_visit_and_stripped_from_what_is_served(api, field_users, sample):
    data = visit_data(first_household(sample))
    del data["latitude"], data["longitude"]
    data["photos"] = [upload("gps.jpg", jpeg_bytes(size=(300, 200), exif=exif_with_gps()))]
    body = json_of(api(field_users["inspector"]).post(VISITS, data, format="multipart"), 201)
    # 35°1'30" = 35.025; 111°0'36" = 111.01
    assert body["latitude"] == "35.025000" and body["longitude"] == "111.010000"
    assert body["position_source"] == "exif"
    # Cameras write local time; 10:30 in Yuncheng is 02:30 UTC.
    assert body["photos"][0]["taken_at"] == "2021-12-15T02:30:00Z"
    client = api(field_users["inspector"])
    for thumb in (False, True):
        response = client.get(photo_url(body["photos"][0]["id"], thumb))
        assert response.status_code == 200
        served = b"".join(response.streaming_content)
        assert b"Exif" not in served and b"SERIAL-12345" not in served and b"TestCam" not in served
        image = Image.open(io.BytesIO(served))
        assert image.format == "JPEG"
        assert not image.getexif()
        assert max(image.size) <= (320 if thumb else 2048)


def test_the_thumbnail_is_made_once_at_upload(api, field_users, sample, monkeypatch):
    body = json_of(
        api(field_users["inspector"]).post(VISITS, visit_data(first_household(sample)), format="multipart"), 201
    )
    photo = Photo.objects.get(pk=body["photos"][0]["id"])
    assert photo.thumbnail.name and photo.thumbnail.storage.exists(photo.thumbnail.name)
    from inspections import photos

    monkeypatch.setattr(photos, "_jpeg", lambda *a, **k: pytest.fail("thumbnail re-made on read"))
    assert api(field_users["inspector"]).get(photo_url(photo.pk, thumb=True)).status_code == 200


def test_photos_are_served_only_inside_scope(api, field_users, sample):
    body = json_of(
        api(field_users["inspector"]).post(VISITS, visit_data(first_household(sample)), format="multipart"), 201
    )
    pk = body["photos"][0]["id"]
    expected = {
        "inspector": 200,
        "city": 200,
        "admin": 200,
        "clerk": 200,  # 盐湖区's clerk, after the visit
        "other_clerk": 404,
        "other_inspector": 404,
        "acceptor": 404,
        "finance": 404,
        "department": 404,
        "norole": 403,  # no role at all: refused before any lookup
    }
    for role, code in expected.items():
        assert api(field_users[role]).get(photo_url(pk)).status_code == code, role
    assert api(None).get(photo_url(pk)).status_code in (401, 403)


def test_photos_are_not_under_a_public_media_url(api, field_users, sample, client):
    body = json_of(
        api(field_users["inspector"]).post(VISITS, visit_data(first_household(sample)), format="multipart"), 201
    )
    photo = Photo.objects.get(pk=body["photos"][0]["id"])
    assert client.get("/media/" + photo.image.name).status_code == 404
    assert photo.image.name not in str(body)


def test_the_photo_view_hands_over_to_nginx_when_configured(api, field_users, sample, settings):
    settings.INSPECTION_PHOTO_ACCEL_PREFIX = "/protected-media/"
    body = json_of(
        api(field_users["inspector"]).post(VISITS, visit_data(first_household(sample)), format="multipart"), 201
    )
    photo = Photo.objects.get(pk=body["photos"][0]["id"])
    response = expect(api(field_users["city"]).get(photo_url(photo.pk)))
    assert response["X-Accel-Redirect"] == "/protected-media/" + photo.image.name
    assert api(field_users["other_clerk"]).get(photo_url(photo.pk)).status_code == 404


def test_an_acceptor_accepts_a_household_through_the_roster_service(api, field_users, roster):
    household = next(h for h in roster.values() if h.county.code == "140802" and h.status == "completed")
    client = api(field_users["acceptor"])
    tasks = json_of(client.get("/api/v1/plans/2021/inspections/tasks/"))["households"]
    assert household.pk in {t["id"] for t in tasks}
    assert all(t["county"] == "140802" for t in tasks)
    data = visit_data(household.pk, finding="", acceptance_result="passed")
    response = client.post(VISITS, data, format="multipart")
    assert response.status_code == 201, response.json()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACCEPTED
    assert household.acceptance_result == "passed"
    assert household.accepted_by == "晋安验收公司"
    assert str(household.accepted_on) == "2021-12-15"
    assert response.json()["kind"] == "acceptance"


def test_an_acceptor_cannot_accept_outside_its_engaged_counties(api, field_users, roster):
    yongji = next(h for h in roster.values() if h.county.code == "140881")
    data = visit_data(yongji.pk, finding="", acceptance_result="passed")
    assert api(field_users["acceptor"]).post(VISITS, data, format="multipart").status_code == 404
    yongji.refresh_from_db()
    assert yongji.status == HouseholdStatus.COMPLETED


def test_a_visit_with_five_large_photos_is_not_refused_by_the_request_size_guard(api, field_users, sample, settings):
    # Declared length: five photos at the per-photo limit, more than the spreadsheet limit.
    settings.FILE_UPLOAD_MAX_BYTES = 1024
    hid = first_household(sample)
    response = api(field_users["inspector"]).post(VISITS, visit_data(hid, photos=5), format="multipart")
    assert response.status_code == 201
    too_big = api(field_users["inspector"]).generic(
        "POST", VISITS, b"", CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH=str(60 * 1024 * 1024)
    )
    assert too_big.status_code == 413
