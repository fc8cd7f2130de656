"""households.pii: SM4-GCM ciphertext, HMAC-SM3 blind index, masked forms, keys."""

import base64
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from core.pii_keys import Keyring, PiiKeyError, development_keyring, load_keyring, parse_keyring
from households import pii
from tests.households.helpers import make_id

ID = make_id(seq=7)
PHONE = "13812345678"
KEY_A = bytes(range(16))
KEY_B = bytes(range(16, 32))
INDEX_KEY = bytes(range(100, 132))


def keyring(current="a", **keys):
    keys = keys or {"a": KEY_A}
    return Keyring(current=current, keys=keys, index_key=INDEX_KEY)


def test_a_sealed_household_holds_no_clear_number_and_names_its_key(settings):
    settings.PII_KEYRING = keyring()
    sealed = pii.seal(ID, PHONE)
    assert set(sealed) == set(pii.FIELDS)
    stored = "".join(sealed.values())
    assert ID not in stored and PHONE not in stored and ID[6:14] not in stored
    assert sealed["pii_cipher"].startswith("a:")
    assert (sealed["id_number_masked"], sealed["phone_masked"]) == (ID[:6] + "********" + ID[-4:], "138****5678")
    assert pii.reveal(sealed["pii_cipher"]) == (ID, PHONE)


def test_the_ciphertext_is_sm4_gcm_with_a_fresh_nonce_per_value(settings):
    settings.PII_KEYRING = keyring()
    first, second = pii.seal(ID, PHONE)["pii_cipher"], pii.seal(ID, PHONE)["pii_cipher"]
    assert first != second
    raw = base64.b64decode(first.split(":", 1)[1])
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    assert nonce != base64.b64decode(second.split(":", 1)[1])[:12]
    # Decrypted here with the primitives directly: SM4 key A, GCM, the field binding as associated data.
    decryptor = Cipher(algorithms.SM4(KEY_A), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(pii.AAD)
    assert decryptor.update(body) + decryptor.finalize() == f"{ID}\x1f{PHONE}".encode()


def test_the_blind_index_is_hmac_sm3_of_the_normalised_id_under_the_index_key(settings):
    settings.PII_KEYRING = keyring()
    expected = hmac.new(INDEX_KEY, b"id:" + ID.encode(), "sm3").hexdigest()
    assert pii.seal(ID)["id_number_index"] == pii.id_index(ID) == expected
    assert pii.id_index(ID) != hashlib.new("sm3", ID.encode()).hexdigest()
    settings.PII_KEYRING = Keyring(current="a", keys={"a": KEY_A}, index_key=bytes(32))
    assert pii.id_index(ID) != expected


def test_a_value_under_a_key_that_is_not_configured_is_an_error_naming_that_key(settings):
    settings.PII_KEYRING = keyring("old", old=KEY_A)
    token = pii.seal(ID, PHONE)["pii_cipher"]
    settings.PII_KEYRING = keyring("new", new=KEY_B)
    with pytest.raises(pii.PiiKeyMissing, match="'old'") as caught:
        pii.reveal(token)
    assert caught.value.key_id == "old"


def test_a_wrong_key_under_the_right_id_or_a_damaged_value_never_gives_garbage(settings):
    settings.PII_KEYRING = keyring()
    token = pii.seal(ID, PHONE)["pii_cipher"]
    settings.PII_KEYRING = keyring(a=KEY_B)
    with pytest.raises(pii.PiiUnreadable, match="'a'"):
        pii.reveal(token)
    settings.PII_KEYRING = keyring()
    raw = bytearray(base64.b64decode(token[2:]))
    raw[14] ^= 1
    with pytest.raises(pii.PiiUnreadable, match="does not decrypt with PII key 'a'"):
        pii.reveal("a:" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(pii.PiiUnreadable, match="PII key 'a'"):
        pii.reveal("a:not base64!")


def test_reencrypt_moves_a_value_to_the_current_key_and_leaves_current_ones_alone(settings):
    settings.PII_KEYRING = keyring("a", a=KEY_A)
    old = pii.seal(ID, PHONE)["pii_cipher"]
    settings.PII_KEYRING = keyring("b", a=KEY_A, b=KEY_B)
    new = pii.reencrypt(old)
    assert new.startswith("b:") and pii.reencrypt(new) == new and pii.reencrypt("") == ""
    settings.PII_KEYRING = keyring("b", b=KEY_B)
    assert pii.reveal(new) == (ID, PHONE)


def test_search_terms_are_indexes_of_whole_numbers_only(settings):
    settings.PII_KEYRING = keyring()
    assert pii.search_terms(f" {ID.lower()} ")[0] == pii.id_index(ID)
    assert pii.search_terms(ID[:10]) == ("", pii.phone_index(ID[:10]))
    assert pii.search_terms("张三") == ("", "")
    assert pii.search_terms("138-1234-5678")[1] == pii.phone_index(PHONE)


def test_redact_masks_whole_numbers_in_free_text():
    assert pii.redact(f"q {ID} 电话{PHONE}") == f"q {ID[:6]}********{ID[-4:]} 电话138****5678"
    assert pii.redact("东村") == "东村"


def keys_json(current, **keys):
    return json.dumps({"current": current, "keys": keys})


def test_keys_are_parsed_from_the_environment_and_malformed_ones_refused():
    ring = parse_keyring(keys_json("k2", k1=KEY_A.hex(), k2=KEY_B.hex()), INDEX_KEY.hex())
    assert (ring.current, ring.keys, ring.index_key, ring.development) == (
        "k2",
        {"k1": KEY_A, "k2": KEY_B},
        INDEX_KEY,
        False,
    )
    bad = [
        ("not json", INDEX_KEY.hex(), "PII_KEYS is not JSON"),
        (keys_json("k1", k1="abcd"), INDEX_KEY.hex(), "must be 16 bytes"),
        (keys_json("k3", k1=KEY_A.hex()), INDEX_KEY.hex(), "current key id 'k3' is not among its keys"),
        (json.dumps({"current": "k 1", "keys": {"k 1": KEY_A.hex()}}), INDEX_KEY.hex(), "use 1-16 letters"),
        (keys_json("k1", k1=KEY_A.hex()), "00", "must be 32 bytes"),
    ]
    for keys, index_hex, message in bad:
        with pytest.raises(PiiKeyError, match=message):
            parse_keyring(keys, index_hex)
    assert load_keyring("", "", debug=False) is None
    assert load_keyring("", "", debug=True) == development_keyring()
    with pytest.raises(PiiKeyError, match="needed together"):
        load_keyring("", INDEX_KEY.hex(), debug=True)
