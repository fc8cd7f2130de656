"""The restore drill: backup → a new empty database and media folder → restore → verify, on the suite's database.

Each step runs ``manage.py`` in its own process with its own DATABASE_URL and MEDIA_ROOT, as an operator
would: on SQLite two database files in a temporary folder, on PostgreSQL (the suite on PostgreSQL) two
new databases on the same server, dropped afterwards.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.households.helpers import make_id

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = make_id(seq=7)
DEV_SM4_HEX = hashlib.sha256(b"yuncheng-heating development SM4 key").digest()[:16].hex()

SEED = """
import io
from datetime import datetime, timezone
from PIL import Image
from django.core.files.base import ContentFile
from django.core.management import call_command
from counties.models import County, Plan, RetrofitType, Role
from counties.services import user_set_role
from households import pii
from households.models import Household
from inspections.models import Photo, Visit

call_command("load_plan", "2021", verbosity=0)
plan = Plan.objects.get(year=2021)
user = user_set_role(username="inspector", password="test-pass-2021", role=Role.INSPECTOR)
county = County.objects.get(code="140802")
household = Household.objects.create(
    plan=plan, county=county, township="解州镇", village="东村", head_name="张三",
    **pii.seal("ID_NUMBER", "13800000000"),
    retrofit_type=RetrofitType.objects.get(code="coal_to_electric"), area_class="rural", status="completed",
)
visit = Visit.objects.create(
    plan=plan, kind="spot_check", household=household, county=county, finding="in_use", note="现场核实",
    visited_at=datetime(2021, 12, 15, 2, 0, tzinfo=timezone.utc), created_by=user,
)
buffer = io.BytesIO()
Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format="JPEG")
photo = Photo(visit=visit, width=32, height=24)
photo.image.save("photo.jpg", ContentFile(buffer.getvalue()), save=False)
photo.thumbnail.save("thumb.jpg", ContentFile(buffer.getvalue()[:200]), save=False)
photo.save()
"""

READ_BACK = """
from households import pii
from households.models import Household
from inspections.models import Photo

household = Household.objects.get()
found = Household.objects.filter(id_number_index=pii.search_terms("ID_NUMBER")[0]).count()
photo = Photo.objects.get()
print(household.head_name, pii.reveal(household.pii_cipher)[0], found, photo.image.size > 0)
"""


class Site:
    """One installation: a database URL and a media folder; ``run`` is ``manage.py`` against them."""

    def __init__(self, url: str, media: Path, **env):
        self.url, self.media, self.env = url, media, env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.media),
            "PII_KEYS": "",
            "PII_INDEX_KEY": "",
            **self.env,
        }
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        if check:
            assert done.returncode == 0, done.stderr[-3000:]
        return done


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """``database_url(name)``: the URL of a new, empty database of the kind the suite runs on."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        folder = tmp_path_factory.mktemp("databases")
        yield lambda name: f"sqlite:///{folder / uuid.uuid4().hex[:10]}-{name}.sqlite3"
        return
    import psycopg2

    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    created = []
    admin = psycopg2.connect(dbname="postgres", **{k: v for k, v in params.items() if v})
    admin.autocommit = True
    cursor = admin.cursor()
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"

    def make(name):
        database = f"drill_{uuid.uuid4().hex[:10]}_{name}"
        cursor.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"

    yield make
    for database in created:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory, database_url):
    """A seeded installation (the 2021 plan, a household, a visit with a photo) and its backup archive.

    Made once for the module (migrating costs seconds); each test restores into installations of its own.
    """
    tmp_path = tmp_path_factory.mktemp("source")
    source = Site(database_url("source"), tmp_path / "media-source")
    source.run("migrate", "-v0")
    source.run("shell", "-c", SEED.replace("ID_NUMBER", ID_NUMBER))
    out = source.run("backup", str(tmp_path)).stdout
    (archive,) = tmp_path.glob("heating-backup-*.tar.gz")
    assert "backup written" in out
    return source, archive


def test_backup_then_restore_into_a_new_empty_installation_gives_the_same_data_and_files(
    tmp_path, database_url, backed_up
):
    source, archive = backed_up
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    photos = sorted(name for name in names if name.startswith("media/inspections/"))
    assert len(photos) == 2  # the photo and its thumbnail
    assert manifest["tables"]["households_household"] == 1 and manifest["tables"]["inspections_photo"] == 1
    assert manifest["pii"]["key_ids_used"] == ["dev"] and len(manifest["pii"]["index_key_fingerprint"]) == 64
    for name in photos:
        relative = name.removeprefix("media/")
        expected = hashlib.sha256((source.media / relative).read_bytes()).hexdigest()
        assert manifest["media"][relative]["sha256"] == expected
    assert DEV_SM4_HEX not in json.dumps(manifest)  # never a key

    target = Site(database_url("target"), tmp_path / "media-target")
    out = target.run("restore", str(archive)).stdout
    assert "restored and verified" in out
    read_back = (
        target.run("shell", "-v0", "-c", READ_BACK.replace("ID_NUMBER", ID_NUMBER)).stdout.strip().splitlines()[-1]
    )
    assert read_back.split() == ["张三", ID_NUMBER, "1", "True"]
    for name in photos:
        relative = name.removeprefix("media/")
        assert (target.media / relative).read_bytes() == (source.media / relative).read_bytes()
    # Restored once, the installation is no longer empty: a second restore is refused.
    again = target.run("restore", str(archive), check=False)
    assert again.returncode != 0 and "不是空的" in again.stderr


def test_a_restore_with_another_index_key_is_refused_naming_the_key(tmp_path, database_url, backed_up):
    _source, archive = backed_up
    keys = json.dumps({"current": "dev", "keys": {"dev": DEV_SM4_HEX}})
    target = Site(database_url("target"), tmp_path / "media-target", PII_KEYS=keys, PII_INDEX_KEY="ab" * 32)
    done = target.run("restore", str(archive), check=False)
    assert done.returncode != 0 and "PII_INDEX_KEY" in done.stderr and "fingerprint mismatch" in done.stderr
    assert not target.media.exists() or not any(target.media.rglob("*.jpg"))


def test_a_restore_without_a_key_id_the_data_needs_is_refused_naming_it(tmp_path, database_url, backed_up):
    _source, archive = backed_up
    keys = json.dumps({"current": "k2", "keys": {"k2": "00" * 16}})
    target = Site(database_url("target"), tmp_path / "media-target", PII_KEYS=keys, PII_INDEX_KEY="ab" * 32)
    done = target.run("restore", str(archive), check=False)
    assert done.returncode != 0 and "'dev'" in done.stderr and "PII_KEYS" in done.stderr


def test_an_archive_missing_a_photo_file_is_refused_naming_it(tmp_path, database_url, backed_up):
    _source, archive = backed_up
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w:gz") as out:
        dropped = next(m.name for m in tar.getmembers() if m.name.startswith("media/inspections/"))
        for member in tar.getmembers():
            if member.name != dropped:
                out.addfile(member, tar.extractfile(member) if member.isfile() else io.BytesIO())
    target = Site(database_url("target"), tmp_path / "media-target")
    done = target.run("restore", str(damaged), check=False)
    assert done.returncode != 0 and dropped.removeprefix("media/") in done.stderr and "不在备份中" in done.stderr
    assert not any(path.is_file() for path in target.media.rglob("*"))  # what it had extracted is taken back


def test_a_backup_of_a_photo_whose_file_is_already_lost_warns_and_its_restore_is_refused(
    tmp_path, database_url, backed_up
):
    source, _archive = backed_up
    # The same database with a media folder that lost one file (a copy: the module's source stays whole).
    damaged_media = tmp_path / "media-damaged"
    shutil.copytree(source.media, damaged_media)
    lost = sorted((damaged_media / "inspections").glob("*.jpg"))[0]
    lost.unlink()
    damaged = Site(source.url, damaged_media)
    (tmp_path / "archives").mkdir()
    done = damaged.run("backup", str(tmp_path / "archives" / "damaged.tar.gz"))
    assert "照片文件在 MEDIA_ROOT 中不存在" in done.stderr and "backup written" in done.stdout
    target = Site(database_url("target"), tmp_path / "media-target")
    refused = target.run("restore", str(tmp_path / "archives" / "damaged.tar.gz"), check=False)
    assert refused.returncode != 0 and "photo file(s) referenced by the database are missing" in refused.stderr
