"""Fixtures for field inspections: a roster, field accounts, photos made here with Pillow."""

import io
from datetime import date

import pytest
from PIL import Image

from counties.models import County, RetrofitType, Role
from counties.services import user_set_role
from households import pii
from households.models import Household, HouseholdStatus
from tests.conftest import PASSWORD
from tests.households.helpers import make_id


def jpeg_bytes(*, size=(64, 48), color=(200, 30, 30), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def exif_with_gps() -> Image.Exif:
    """EXIF with a capture time and a GPS position (35°1'30" N, 111°0'36" E) and a camera serial."""
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber lives in the EXIF IFD; also put one in IFD0
    exif.get_ifd(0x8769)[0x9003] = "2021:12:15 10:30:00"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (35.0, 1.0, 30.0)
    gps[3] = "E"
    gps[4] = (111.0, 0.0, 36.0)
    return exif


def upload(name="photo.jpg", data=None, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, jpeg_bytes() if data is None else data, content_type=content_type)


@pytest.fixture
def roster(plan):
    """Households of 盐湖区 (30 completed: 20 coal_to_electric, 10 coal_to_gas; 5 accepted) and 永济市 (12 completed)."""
    types = {t.code: t for t in RetrofitType.objects.all()}
    yuhu = County.objects.get(code="140802")
    yongji = County.objects.get(code="140881")
    rows = []
    seq = 0

    def add(county, type_code, status, village):
        nonlocal seq
        seq += 1
        rows.append(
            Household(
                plan=plan,
                county=county,
                township="解州镇" if county == yuhu else "城西街道",
                village=village,
                head_name=f"户主{seq}",
                **pii.seal(make_id(area=county.code, seq=seq)),
                retrofit_type=types[type_code],
                area_class="rural",
                completed_on=date(2021, 9, 1),
                status=status,
            )
        )

    for n in range(20):
        add(yuhu, "coal_to_electric", HouseholdStatus.COMPLETED, "东村" if n % 2 else "西村")
    for _n in range(10):
        add(yuhu, "coal_to_gas", HouseholdStatus.COMPLETED, "南庄")
    for _n in range(5):
        add(yuhu, "coal_to_electric", HouseholdStatus.ACCEPTED, "北庄")
    for _n in range(12):
        add(yongji, "coal_to_electric", HouseholdStatus.COMPLETED, "新村")
    Household.objects.bulk_create(rows)
    return {h.pk: h for h in Household.objects.filter(plan=plan)}


@pytest.fixture
def field_users(users, plan):
    yuhu = County.objects.get(code="140802")
    yongji = County.objects.get(code="140881")
    return {
        **users,
        "inspector": user_set_role(username="inspector", password=PASSWORD, role=Role.INSPECTOR),
        "other_inspector": user_set_role(
            username="inspector-2", password=PASSWORD, role=Role.INSPECTOR, counties=[yongji]
        ),
        "acceptor": user_set_role(
            username="acceptor", password=PASSWORD, role=Role.ACCEPTOR, counties=[yuhu], department_name="晋安验收公司"
        ),
    }


@pytest.fixture
def sample(plan, roster, field_users):
    from inspections.services import sample_draw

    return sample_draw(
        user=field_users["city"],
        plan=plan,
        county_codes=["140802", "140881"],
        rate="0.1",
        minimum=3,
        household_status="completed",
        seed="test-seed",
        inspectors=["inspector"],
    )


def visit_data(household_id, *, uuid="11111111-1111-4111-8111-111111111111", finding="in_use", photos=1, **extra):
    data = {
        "uuid": uuid,
        "household": household_id,
        "finding": finding,
        "note": "现场核实",
        "visited_at": "2021-12-15T10:00:00+08:00",
        "latitude": "35.026",
        "longitude": "111.007",
        "photos": [upload(f"p{i}.jpg") for i in range(photos)],
        **extra,
    }
    return data
