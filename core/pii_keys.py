"""The keys that protect residents' ID and phone numbers, read from the environment by the settings.

``PII_KEYS`` is JSON: ``{"current": "2026a", "keys": {"2026a": "<32 hex>", "2021a": "<32 hex>"}}``;
each key is 16 random bytes (SM4) in hex, the current one encrypts, every listed one decrypts.
``PII_INDEX_KEY`` is 32 random bytes in hex for the blind index (HMAC-SM3); it is a separate key
and never changes (the index is what makes an ID unique per plan). Without DEBUG both are required;
in DEBUG a fixed development keyring is used when they are absent (``households.apps`` logs it).

Plain Python, no Django imports: the settings module calls it before Django is set up.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DEVELOPMENT_KEY_ID = "dev"


class PiiKeyError(ValueError):
    """``PII_KEYS`` or ``PII_INDEX_KEY`` is malformed."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes] = field(repr=False)
    index_key: bytes = field(repr=False)
    development: bool = False


def development_keyring() -> Keyring:
    # Derived from public text on purpose: anyone can read it, so it must never protect real data.
    return Keyring(
        current=DEVELOPMENT_KEY_ID,
        keys={DEVELOPMENT_KEY_ID: hashlib.sha256(b"yuncheng-heating development SM4 key").digest()[:16]},
        index_key=hashlib.sha256(b"yuncheng-heating development index key").digest(),
        development=True,
    )


def _hex_key(value, *, length: int, name: str) -> bytes:
    try:
        key = bytes.fromhex(str(value).strip())
    except ValueError:
        raise PiiKeyError(f"{name} is not hexadecimal") from None
    if len(key) != length:
        raise PiiKeyError(f"{name} must be {length} bytes ({2 * length} hex characters), not {len(key)}")
    return key


def parse_keyring(keys_json: str, index_hex: str) -> Keyring:
    try:
        data = json.loads(keys_json)
    except ValueError:
        raise PiiKeyError('PII_KEYS is not JSON: expected {"current": "id", "keys": {"id": "<32 hex>"}}') from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict) or not data["keys"]:
        raise PiiKeyError('PII_KEYS needs "keys": {"id": "<32 hex>", ...}')
    keys = {}
    for key_id, value in data["keys"].items():
        if not KEY_ID_RE.match(key_id):
            raise PiiKeyError(f"PII_KEYS key id {key_id!r}: use 1-16 letters, digits, '-' or '_'")
        keys[key_id] = _hex_key(value, length=16, name=f"PII_KEYS key {key_id!r}")
    current = data.get("current")
    if current not in keys:
        raise PiiKeyError(f"PII_KEYS current key id {current!r} is not among its keys ({', '.join(sorted(keys))})")
    return Keyring(current=current, keys=keys, index_key=_hex_key(index_hex, length=32, name="PII_INDEX_KEY"))


def load_keyring(keys_json: str, index_hex: str, *, debug: bool) -> Keyring | None:
    """The keyring from the two variables; the development keyring in DEBUG when both are absent.

    None when they are absent outside DEBUG (the settings then refuse to start); ``PiiKeyError``
    when they are present but malformed, in DEBUG too (a typo must not silently fall back).
    """
    keys_json, index_hex = (keys_json or "").strip(), (index_hex or "").strip()
    if not keys_json and not index_hex:
        return development_keyring() if debug else None
    if not keys_json or not index_hex:
        raise PiiKeyError("PII_KEYS and PII_INDEX_KEY are needed together")
    return parse_keyring(keys_json, index_hex)
