"""Residents' ID and phone numbers: the one module that encrypts, indexes, masks and reveals them.

At rest a household's numbers exist only as
- one ciphertext holding its ID and phone number: SM4-GCM (the ``cryptography`` package), a fresh
  96-bit nonce per value, stored as ``<key id>:<base64(nonce | ciphertext | tag)>`` so that every
  value names the key that opens it. One value per household rather than one per number: setting
  up an SM4-GCM context costs about ten times more than encrypting 40 bytes, and a 100,000-row
  import or whole-ID export would otherwise spend twice as long in it;
- blind indexes: HMAC-SM3 of the normalised number under a separate key, for uniqueness per plan
  and exact search (equal numbers, equal index; the index reveals nothing else without that key);
- the masked forms shown to clerks (``140802********123X``), computed here once and stored, so lists
  never need a key.
Keys come from ``settings.PII_KEYRING`` (environment ``PII_KEYS``, ``PII_INDEX_KEY``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac as std_hmac
import os
import re
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from households.idnumber import id_number_problem, mask_id, mask_phone, normalise_id

NONCE_BYTES = 12
TAG_BYTES = 16
# Associated data: binds a ciphertext to what it is (and the plaintext layout's version).
AAD = b"households.household.id_number+phone.v1"
SEPARATOR = "\x1f"  # never in a valid ID or phone number (importer.PHONE_RE)
# Model fields a sealed household carries (see Household).
FIELDS = ("pii_cipher", "id_number_index", "id_number_masked", "phone_index", "phone_masked")


class PiiKeyMissing(ImproperlyConfigured):
    """A stored value names a key id that PII_KEYS does not hold."""

    def __init__(self, key_id: str):
        self.key_id = key_id
        super().__init__(
            f"PII key {key_id!r} is needed to decrypt stored ID/phone numbers but is not in PII_KEYS. "
            f"Restore key {key_id!r} to PII_KEYS (keep it until `manage.py rotate_pii_key` reports no value left under it)."
        )


class PiiUnreadable(ValueError):
    """A stored value does not decrypt: damaged, or PII_KEYS holds a different key under its id."""

    def __init__(self, key_id: str):
        self.key_id = key_id
        super().__init__(
            f"A stored ID/phone number does not decrypt with PII key {key_id!r}: the key configured under "
            f"that id is not the one it was encrypted with, or the value is damaged."
        )


# Seconds spent here per operation ("encrypt", "decrypt", "index"), for bench_roster's share of
# encryption in each stage. Two clock reads per value: about 1 % of an SM4-GCM operation.
TIMINGS: dict[str, float] = {"encrypt": 0.0, "decrypt": 0.0, "index": 0.0}
_clock = time.perf_counter


_ciphers: dict[bytes, algorithms.SM4] = {}
_macs: dict[bytes, hmac.HMAC] = {}


def _keyring():
    keyring = settings.PII_KEYRING
    if keyring is None:  # only reachable if settings were bypassed
        raise ImproperlyConfigured("PII_KEYS and PII_INDEX_KEY are not configured.")
    return keyring


def _sm4(key: bytes) -> algorithms.SM4:
    algorithm = _ciphers.get(key)
    if algorithm is None:
        algorithm = _ciphers[key] = algorithms.SM4(key)
    return algorithm


def _mac(key: bytes) -> hmac.HMAC:
    # A keyed HMAC copied per value: keying costs more than hashing 18 bytes.
    mac = _macs.get(key)
    if mac is None:
        mac = _macs[key] = hmac.HMAC(key, hashes.SM3())
    return mac.copy()


def _encrypt(algorithm, prefix: str, id_number: str, phone: str) -> str:
    started = _clock()
    # Drawn per value, never from a pool made ahead: a pool inherited by forked workers (gunicorn
    # --preload) would hand out the same nonces twice, and a repeated nonce breaks GCM.
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithm, modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(AAD)
    body = encryptor.update(f"{id_number}{SEPARATOR}{phone}".encode()) + encryptor.finalize()
    token = prefix + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")
    TIMINGS["encrypt"] += _clock() - started
    return token


def current_key_id() -> str:
    return _keyring().current


def configured_key_ids() -> list[str]:
    return sorted(_keyring().keys)


def key_id_of(token: str) -> str:
    return token.partition(":")[0] if token else ""


def _decrypt(token: str, keys) -> tuple[str, str]:
    started = _clock()
    key_id, sep, payload = token.partition(":")
    key = keys.get(key_id)
    if key is None or not sep:
        raise PiiKeyMissing(key_id)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise PiiUnreadable(key_id) from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise PiiUnreadable(key_id)
    decryptor = Cipher(_sm4(key), modes.GCM(raw[:NONCE_BYTES], raw[-TAG_BYTES:])).decryptor()
    decryptor.authenticate_additional_data(AAD)
    try:
        text = (decryptor.update(raw[NONCE_BYTES:-TAG_BYTES]) + decryptor.finalize()).decode()
    except (InvalidTag, UnicodeDecodeError):
        raise PiiUnreadable(key_id) from None
    id_number, _sep, phone = text.partition(SEPARATOR)
    TIMINGS["decrypt"] += _clock() - started
    return id_number, phone


def _index(purpose: bytes, value: str) -> str:
    started = _clock()
    mac = _mac(_keyring().index_key)
    mac.update(purpose + value.encode("utf-8"))
    digest = mac.finalize().hex()
    TIMINGS["index"] += _clock() - started
    return digest


def id_index(id_number: str) -> str:
    """The blind index of an (already normalised, valid) ID number: 64 hex characters."""
    return _index(b"id:", id_number)


def normalise_phone(value: str) -> str:
    """Digits and a leading +: ``138-1234 5678`` and ``13812345678`` are the same number."""
    return re.sub(r"[\s\-()]", "", str(value or ""))


def phone_index(phone: str) -> str:
    phone = normalise_phone(phone)
    return _index(b"phone:", phone) if phone else ""


def seal(id_number: str, phone: str = "") -> dict[str, str]:
    """The stored fields of a household's numbers (``FIELDS``): ciphertext, indexes, masked forms.

    ``id_number`` is normalised and valid (``idnumber.id_number_problem``), ``phone`` as entered.
    """
    keyring = _keyring()
    return {
        "pii_cipher": _encrypt(_sm4(keyring.keys[keyring.current]), keyring.current + ":", id_number, phone),
        "id_number_index": id_index(id_number),
        "id_number_masked": mask_id(id_number),
        "phone_index": phone_index(phone),
        "phone_masked": mask_phone(phone),
    }


class Sealer:
    """``seal``'s ciphertext for a batch of rows (imports): the key looked up once."""

    def __init__(self):
        keyring = _keyring()
        self.algorithm, self.prefix = _sm4(keyring.keys[keyring.current]), keyring.current + ":"

    def cipher(self, id_number: str, phone: str) -> str:
        return _encrypt(self.algorithm, self.prefix, id_number, phone)


def reveal(token: str) -> tuple[str, str]:
    """The whole ID and phone number. Only for audited exports and the audited “show whole ID” action.

    ``PiiKeyMissing`` names the key id if PII_KEYS lacks it; ``PiiUnreadable`` if the value does not decrypt.
    """
    if not token:
        return "", ""
    return _decrypt(token, _keyring().keys)


class Revealer:
    """``reveal`` for a stream of rows (exports): the keyring read once."""

    def __init__(self):
        self.keys = _keyring().keys

    def __call__(self, token: str) -> tuple[str, str]:
        return _decrypt(token, self.keys) if token else ("", "")


def reencrypt(token: str) -> str:
    """The value under the current key (``rotate_pii_key``); unchanged if already under it or empty."""
    keyring = _keyring()
    if not token or key_id_of(token) == keyring.current:
        return token
    return _encrypt(_sm4(keyring.keys[keyring.current]), keyring.current + ":", *_decrypt(token, keyring.keys))


_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<![0-9])\+?[0-9][0-9\-]{6,18}[0-9](?![0-9])")


def search_terms(q: str) -> tuple[str, str]:
    """Blind indexes to look for when a search text is a whole ID or phone number ("" if it is not)."""
    q = (q or "").strip()
    if not q:
        return "", ""
    candidate = normalise_id(q)
    found_id = id_index(candidate) if id_number_problem(candidate) is None else ""
    phone = normalise_phone(q)
    found_phone = phone_index(phone) if phone and re.fullmatch(r"\+?[0-9]{5,20}", phone) else ""
    return found_id, found_phone


def redact(text: str) -> str:
    """Free text (search filters kept in audit records) with any whole ID or phone number masked."""
    if not text:
        return text
    text = _ID_LIKE.sub(lambda m: mask_id(m.group(0).upper()), str(text))
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group(0)), text)


# What the fingerprint is an HMAC of: public text, so that the stored fingerprint reveals nothing of
# the key (HMAC is one-way in its key) yet equals only for the same key.
FINGERPRINT_MESSAGE = b"yuncheng-heating PII_INDEX_KEY fingerprint v1"


def index_key_fingerprint() -> str:
    """HMAC-SHA256 of a fixed text under the configured PII_INDEX_KEY (64 hex): comparable, never the key."""
    return std_hmac.new(_keyring().index_key, FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()


def index_key_fingerprint_stored() -> str | None:
    from households.models import IndexKeyFingerprint

    return IndexKeyFingerprint.objects.filter(pk=1).values_list("fingerprint", flat=True).first()


def index_key_fingerprint_record() -> str:
    """Store the configured index key's fingerprint (first migrate, ``rotate_pii_key``)."""
    from households.models import IndexKeyFingerprint

    fingerprint = index_key_fingerprint()
    IndexKeyFingerprint.objects.update_or_create(pk=1, defaults={"fingerprint": fingerprint})
    return fingerprint


def index_key_check() -> str | None:
    """A Chinese description of what is wrong with PII_INDEX_KEY against the database, or None.

    None also when nothing can be compared yet (no fingerprint stored: a database not migrated yet);
    the readiness probe and the system check ``households.E050`` both call this.
    """
    stored = index_key_fingerprint_stored()
    if stored is None or std_hmac.compare_digest(stored, index_key_fingerprint()):
        return None
    return _(
        "配置的 PII_INDEX_KEY 与数据库中身份证号索引所用的密钥不同（密钥指纹不符）：按身份证号精确查找将查不到，"
        "重新导入会登记重复户。请恢复原来的 PII_INDEX_KEY；更换索引密钥只能用 manage.py rotate_pii_key --reindex。"
    )
