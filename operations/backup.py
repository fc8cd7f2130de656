"""One archive holding the database, the media files and a manifest to check a restore against.

Layout of the .tar.gz (mode 0600): ``database.pgdump`` (pg_dump custom format) or ``database.sqlite3``
(SQLite's online backup API), ``media/<path>`` for every file under MEDIA_ROOT (inspection photos,
thumbnails, export files), and ``manifest.json`` last: version, migrations, row counts per table, the
SHA-256 of every media file (computed while it is streamed into the archive), the PII key ids the data
needs and the fingerprint of the index key. Never a key: an archive with its keys protects nothing.

Files are streamed in 1 MB pieces both ways, so memory stays bounded whatever the media folder holds.
The row counts come from the same snapshot as the dump (PostgreSQL: an exported snapshot that pg_dump
reuses; SQLite: counted in the copy), so a backup taken under traffic still verifies exactly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from households import pii
from households.personal_data import pii_key_usage

FORMAT = 1
CHUNK = 1 << 20
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_DUMP = "database.sqlite3"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore refused; ``args[0]`` is the Chinese message, ``detail`` the English one."""

    def __init__(self, message: str, detail: str):
        super().__init__(message)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.args[0]} ({self.detail})"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def pg_env_args() -> tuple[dict[str, str], list[str]]:
    """Environment and connection options for pg_dump / pg_restore from the Django settings (password via env)."""
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, [*args, "--dbname", str(db["NAME"])]


def app_version() -> str:
    """The git revision of the code when it runs from a checkout, else the VERSION environment variable."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return os.environ.get("VERSION", "")
    return out.stdout.strip() if out.returncode == 0 else os.environ.get("VERSION", "")


def table_names(cursor=None) -> list[str]:
    return sorted(connection.introspection.table_names(cursor))


def row_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def pii_facts() -> dict:
    return {
        "key_ids_configured": pii.configured_key_ids(),
        "key_ids_used": sorted(pii_key_usage()),
        "index_key_fingerprint": pii.index_key_fingerprint(),
    }


def _dump_postgres(target: Path) -> dict:
    env, args = pg_env_args()
    with transaction.atomic(), connection.cursor() as cursor:
        # Counts and dump from one snapshot: pg_dump --snapshot reads what this transaction sees.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = table_names(cursor)
        facts = {
            "tables": row_counts(cursor, tables),
            "migrations": applied_migrations(cursor),
            "pii": pii_facts(),
        }
        done = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise BackupError("数据库导出（pg_dump）失败。", f"pg_dump failed: {done.stderr.strip()[:500]}")
    return facts


def _dump_sqlite(target: Path) -> dict:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API: a consistent copy while the server and the worker keep writing.
        connection.connection.backup(destination)
    finally:
        destination.close()
    facts = {"pii": pii_facts()}
    copy = sqlite3.connect(target)
    try:
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        tables = [row[0] for row in cursor.fetchall()]
        facts["tables"] = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            facts["tables"][table] = cursor.fetchone()[0]
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        facts["migrations"] = [list(row) for row in cursor.fetchall()]
    finally:
        copy.close()
    return facts


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(archive-relative name, path) of every regular file under MEDIA_ROOT, in a stable order."""
    if not root.exists():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


class _HashingReader:
    """A file read by tarfile, hashed on the way: one read per media file."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> tuple[str, int]:
    info = archive.gettarinfo(str(path), arcname=name)
    # The file's own mode is kept (nginx may serve photos, export files are 0600); the archive itself is 0600.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return reader.digest.hexdigest(), info.size


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def photos_without_file(media_root: Path) -> list[str]:
    """Photo and thumbnail files the database names that are not on disk: a restore of this backup would refuse."""
    from inspections.models import Photo

    return [
        name
        for image, thumb in Photo.objects.values_list("image", "thumbnail").iterator()
        for name in (image, thumb)
        if name and not (media_root / name).is_file()
    ]


def archive_path(dest: Path) -> Path:
    if dest.is_dir():
        return dest / f"heating-backup-{timezone.localtime():%Y%m%dT%H%M%S}.tar.gz"
    return dest


def backup_write(*, dest: Path) -> tuple[Path, dict]:
    """Write the archive (0600) to ``dest`` (a file, or a folder to name it in); returns its path and manifest."""
    target = archive_path(dest)
    if target.exists():
        raise BackupError("备份文件已存在，不会覆盖。", f"{target} already exists")
    part = target.with_name(target.name + ".part")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="heating-backup-") as tmp:
        dump = Path(tmp) / (PG_DUMP if is_postgres() else SQLITE_DUMP)
        facts = _dump_postgres(dump) if is_postgres() else _dump_sqlite(dump)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                _add_file(archive, dump.name, dump)
                media = {}
                for name, path in media_files(media_root):
                    digest, size = _add_file(archive, MEDIA_PREFIX + name, path)
                    media[name] = {"sha256": digest, "size": size}
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "version": app_version(),
                    "django": django.get_version(),
                    "database": {"vendor": connection.vendor, "file": dump.name, "sha256": sha256_of(dump)},
                    **facts,
                    "media": media,
                    "photos_without_file": photos_without_file(media_root),
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            os.replace(part, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
            raise
    return target, manifest
