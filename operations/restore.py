"""Restore an archive of ``operations.backup`` into an EMPTY database and media folder, then verify it.

Refused before anything is written: a database with tables, a media folder with files, an archive
without a manifest, a key id the data needs that PII_KEYS lacks, a different PII_INDEX_KEY. Then the
media files are extracted (each hashed as it is written; any missing, extra or altered file is refused
and the extracted files removed), the database is loaded (pg_restore, or SQLite's backup API), and
the result is checked: migrations, row counts per table, every photo's file, the stored index key's
fingerprint. The archive is read twice as a stream (manifest first, then the files), never whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

from households import pii
from operations.backup import (
    CHUNK,
    MANIFEST,
    MEDIA_PREFIX,
    PG_DUMP,
    SQLITE_DUMP,
    BackupError,
    applied_migrations,
    is_postgres,
    pg_env_args,
    photos_without_file,
    row_counts,
    table_names,
)

MANIFEST_MAX_BYTES = 256 << 20


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError("备份文件中有不安全的路径，拒绝恢复。", f"unsafe member name {name!r}")
    return path.as_posix()


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, mode="r|gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError("无法读取备份文件。", f"cannot open {archive}: {exc}") from None


def manifest_read(archive: Path) -> dict:
    with _open(archive) as stream:
        try:
            for member in stream:
                if member.isfile() and _safe_name(member.name) == MANIFEST:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise BackupError("备份清单过大。", "manifest.json too large")
                    return json.loads(stream.extractfile(member).read())
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            raise BackupError("备份文件已损坏。", f"damaged archive: {exc}") from None
    raise BackupError("备份文件中没有清单（manifest.json），不是本系统的备份。", "no manifest.json in the archive")


def refuse_unless_empty(media_root: Path) -> None:
    tables = table_names()
    if tables:
        raise BackupError(
            "目标数据库不是空的，拒绝恢复（只能恢复到新建的空数据库）。",
            f"the database already has {len(tables)} tables, e.g. {tables[0]!r}",
        )
    if media_root.exists() and any(path.is_file() for path in media_root.rglob("*")):
        raise BackupError(
            "目标媒体文件夹（MEDIA_ROOT）不是空的，拒绝恢复。", f"MEDIA_ROOT {media_root} already holds files"
        )


def refuse_other_keys(manifest: dict) -> None:
    facts = manifest.get("pii") or {}
    missing = sorted(set(facts.get("key_ids_used", [])) - set(pii.configured_key_ids()))
    if missing:
        raise BackupError(
            f"备份中的身份证号用密钥 {', '.join(missing)} 加密，PII_KEYS 中没有该密钥，拒绝恢复。",
            f"PII_KEYS lacks key id(s) {', '.join(map(repr, missing))} that the backed-up data is encrypted under",
        )
    if facts.get("index_key_fingerprint") != pii.index_key_fingerprint():
        raise BackupError(
            "配置的 PII_INDEX_KEY 与备份时的不同（密钥指纹不符），拒绝恢复：恢复后按身份证号查找将查不到，导入会重复登记。",
            "PII_INDEX_KEY differs from the one at backup time (index key fingerprint mismatch)",
        )


def _write_member(stream: tarfile.TarFile, member: tarfile.TarInfo, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    source = stream.extractfile(member)
    # The mode the file had (without execute bits), under the umask: 0600 export files stay 0600.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, member.mode & 0o666)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def extract(archive: Path, manifest: dict, *, media_root: Path, workdir: Path) -> Path:
    """Media into MEDIA_ROOT, the dump into ``workdir``; every file checked against the manifest."""
    expected = manifest.get("media", {})
    dump_name = manifest.get("database", {}).get("file")
    if dump_name not in (PG_DUMP, SQLITE_DUMP):
        raise BackupError("备份清单未注明数据库文件。", "manifest names no database file")
    dump, seen, written = workdir / dump_name, set(), []
    try:
        with _open(archive) as stream:
            for member in stream:
                name = _safe_name(member.name)
                if member.isdir() or name == MANIFEST:
                    continue
                if not member.isfile():
                    raise BackupError("备份文件中有非普通文件，拒绝恢复。", f"{name!r} is not a regular file")
                if name == dump_name:
                    if _write_member(stream, member, dump) != manifest["database"]["sha256"]:
                        raise BackupError("数据库备份的校验值不符。", f"{name}: SHA-256 differs from the manifest")
                    continue
                relative = name.removeprefix(MEDIA_PREFIX)
                if not name.startswith(MEDIA_PREFIX) or relative not in expected:
                    raise BackupError("备份文件中有清单未列出的文件。", f"{name!r} is not in the manifest")
                target = media_root / relative
                written.append(target)
                if _write_member(stream, member, target) != expected[relative]["sha256"]:
                    raise BackupError(f"媒体文件 {relative} 的校验值不符。", f"media/{relative}: SHA-256 differs")
                seen.add(relative)
        if not dump.exists():
            raise BackupError("备份文件中没有数据库。", f"{dump_name} missing from the archive")
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(
                f"清单列出的 {len(missing)} 个媒体文件不在备份中，例如 {missing[0]}，拒绝恢复。",
                f"{len(missing)} media file(s) listed in the manifest missing from the archive: {', '.join(missing[:5])}",
            )
    except (tarfile.TarError, EOFError, OSError) as exc:
        _remove(written)
        raise BackupError("备份文件已损坏。", f"damaged archive: {exc}") from None
    except BackupError:
        _remove(written)
        raise
    return dump


def _remove(paths: list[Path]) -> None:
    # The folder was empty before: what this restore wrote is all there is to take back.
    for path in paths:
        path.unlink(missing_ok=True)


def load_database(dump: Path) -> None:
    if is_postgres():
        env, args = pg_env_args()
        connection.close()
        done = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError("数据库恢复（pg_restore）失败。", f"pg_restore failed: {done.stderr.strip()[:500]}")
        return
    connection.close()
    source, target = sqlite3.connect(dump), sqlite3.connect(settings.DATABASES["default"]["NAME"])
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def verify(manifest: dict, *, media_root: Path) -> list[str]:
    """What differs between the restored installation and the manifest (English, for the operator); [] if none."""
    from households.models import IndexKeyFingerprint
    problems = []
    with connection.cursor() as cursor:
        if applied_migrations(cursor) != manifest.get("migrations"):
            problems.append("applied migrations differ from the manifest")
        expected = manifest.get("tables", {})
        counts = row_counts(cursor, sorted(expected)) if set(expected) <= set(table_names(cursor)) else {}
        if not counts:
            problems.append("tables listed in the manifest are missing from the database")
        for table, n in counts.items():
            if n != expected[table]:
                problems.append(f"table {table}: {n} rows, manifest says {expected[table]}")
    lost = photos_without_file(media_root)
    if lost:
        problems.append(f"{len(lost)} photo file(s) referenced by the database are missing, e.g. {lost[0]}")
    stored = IndexKeyFingerprint.objects.filter(pk=1).values_list("fingerprint", flat=True).first()
    if stored not in (None, pii.index_key_fingerprint()):
        problems.append("the restored database's index key fingerprint differs from PII_INDEX_KEY")
    return problems


def restore_run(*, archive: Path) -> dict:
    """The whole restore; returns the manifest. ``BackupError`` names what is wrong (nothing left half-checked)."""
    media_root = Path(settings.MEDIA_ROOT)
    manifest = manifest_read(archive)
    vendor = manifest.get("database", {}).get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            "备份的数据库类型与目标数据库不同，拒绝恢复。",
            f"archive holds a {vendor} database, target is {connection.vendor}",
        )
    refuse_unless_empty(media_root)
    refuse_other_keys(manifest)
    media_root.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="heating-restore-"))
    try:
        dump = extract(archive, manifest, media_root=media_root, workdir=workdir)
        load_database(dump)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    problems = verify(manifest, media_root=media_root)
    if problems:
        raise BackupError("恢复后的核验未通过：" + "；".join(problems), "; ".join(problems))
    return manifest
