"""Photo evidence: content check, EXIF read, EXIF strip, thumbnail. Pillow only; no outside service.

What is stored is a re-encoded JPEG without any metadata, turned upright first; the phone's bytes
(with the owner's GPS track, camera serial numbers, …) are never kept. The EXIF time and position
are read before stripping, into the database, where scoping protects them.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
# A decompression bomb (a tiny file that expands to gigapixels) is refused before decoding.
MAX_PIXELS = 50_000_000
LONG_EDGE = 2048
THUMB_EDGE = 320
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
GPS_IFD = 0x8825


@dataclass
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    original_format: str
    sha256: str
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def _refuse(message: str):
    raise ValidationError({"photos": [message]})


def _degrees(values, ref) -> Decimal | None:
    try:
        d, m, s = (Decimal(str(float(v))) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if ref in ("S", "W", b"S", b"W"):
        result = -result
    return result.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def read_exif(image: Image.Image) -> tuple[datetime | None, Decimal | None, Decimal | None]:
    """The time the photo was taken (local time, as cameras write it) and its GPS position, if any."""
    try:
        exif = image.getexif()
    except Exception:  # a broken EXIF block is just "no EXIF"
        return None, None, None
    taken_at = None
    raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(0x0132)
    if raw:
        try:
            taken_at = timezone.make_aware(datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S"))
        except (ValueError, OverflowError):
            taken_at = None
    gps = exif.get_ifd(GPS_IFD)
    latitude = longitude = None
    if gps.get(2) and gps.get(4):
        latitude = _degrees(gps.get(2), gps.get(1))
        longitude = _degrees(gps.get(4), gps.get(3))
        if latitude is not None and not (-90 <= latitude <= 90):
            latitude = None
        if longitude is not None and not (-180 <= longitude <= 180):
            longitude = None
    return taken_at, latitude, longitude


def _jpeg(image: Image.Image, edge: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((edge, edge))
    buffer = io.BytesIO()
    # No exif= argument: the re-encoded file carries no metadata at all.
    copy.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def process_upload(upload) -> ProcessedPhoto:
    """Check an uploaded file is a photo (by content, not by name or declared type) and prepare it."""
    limit = settings.INSPECTION_PHOTO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        _refuse(_("照片不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        _refuse(_("照片不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)})
    try:
        probe = Image.open(io.BytesIO(data))
        original_format = probe.format or ""
        if original_format not in ACCEPTED_FORMATS:
            _refuse(_("只接受 JPEG、PNG 或 WebP 照片。"))
        if probe.width * probe.height > MAX_PIXELS:
            _refuse(_("照片像素过多，请用手机相机正常拍摄。"))
        probe.verify()
        image = Image.open(io.BytesIO(data))
        taken_at, latitude, longitude = read_exif(image)
        image = ImageOps.exif_transpose(image)
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _refuse(_("文件不是可识别的照片。"))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    main = _jpeg(image, LONG_EDGE, 85)
    thumb = _jpeg(image, THUMB_EDGE, 75)
    stored = Image.open(io.BytesIO(main))
    return ProcessedPhoto(
        image=ContentFile(main, name="photo.jpg"),
        thumbnail=ContentFile(thumb, name="thumb.jpg"),
        width=stored.width,
        height=stored.height,
        original_format=original_format,
        sha256=hashlib.sha256(data).hexdigest(),
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )
