"""The encryption core: sealing, data keys, key parsing, keyed hashes and the blind index."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from ombuds import crypto
from ombuds.models import DataKey
from tests.conftest import TEST_INDEX_KEY, TEST_KEYS

pytestmark = pytest.mark.django_db

CONTEXT = "cases_case|narrative|0b7c2f9e-1f55-4c1e-8d51-0e9a3c7e4d21"
SECRET = "주민센터 직원이 휠체어 사용을 이유로 민원 접수를 거부했습니다.".encode()


def b64(byte: bytes) -> str:
    return base64.b64encode(byte * 32).decode()


def fresh(key: DataKey) -> DataKey:
    """The same data key read again, without the unwrapped secret cached on the instance."""
    return DataKey.objects.get(pk=key.pk)


def test_sealed_value_opens_with_its_key_and_context():
    key = DataKey.generate()
    token = crypto.seal(SECRET, data_key=key, context=CONTEXT)
    assert SECRET not in token
    assert crypto.unseal(token, data_key=fresh(key), context=CONTEXT) == SECRET


def test_sealing_twice_gives_different_tokens():
    key = DataKey.generate()
    first = crypto.seal(SECRET, data_key=key, context=CONTEXT)
    assert first != crypto.seal(SECRET, data_key=key, context=CONTEXT)


@pytest.mark.parametrize(
    "position",
    [0, 1, 8, 9, 20, 30, -17, -1],
    ids=["version", "key-id-high", "key-id-low", "nonce-first", "nonce-last", "body", "body-end",
         "tag"],
)  # fmt: skip
def test_any_flipped_byte_fails_closed(position):
    key = DataKey.generate()
    token = bytearray(crypto.seal(SECRET, data_key=key, context=CONTEXT))
    token[position] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(bytes(token), data_key=key, context=CONTEXT)


@pytest.mark.parametrize("length", [0, 5, 9, 36])
def test_truncated_token_fails_closed(length):
    key = DataKey.generate()
    token = crypto.seal(SECRET, data_key=key, context=CONTEXT)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(token[:length], data_key=key, context=CONTEXT)


@pytest.mark.parametrize(
    "other_context",
    [
        "cases_case|narrative|00000000-0000-0000-0000-000000000000",  # another row
        "cases_case|desired_outcome|0b7c2f9e-1f55-4c1e-8d51-0e9a3c7e4d21",  # another column
        "cases_person|narrative|0b7c2f9e-1f55-4c1e-8d51-0e9a3c7e4d21",  # another table
    ],
)
def test_token_does_not_open_in_another_context(other_context):
    key = DataKey.generate()
    token = crypto.seal(SECRET, data_key=key, context=CONTEXT)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(token, data_key=key, context=other_context)


def test_token_does_not_open_with_another_data_key():
    key, other = DataKey.generate(), DataKey.generate()
    token = crypto.seal(SECRET, data_key=key, context=CONTEXT)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(token, data_key=other, context=CONTEXT)


def test_token_relabelled_with_another_key_id_still_fails():
    """Rewriting the key id in the header to match another key breaks the associated data."""
    key, other = DataKey.generate(), DataKey.generate()
    token = crypto.seal(SECRET, data_key=key, context=CONTEXT)
    relabelled = crypto._HEADER.pack(crypto.TOKEN_VERSION, other.pk) + token[crypto._HEADER.size :]
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(relabelled, data_key=other, context=CONTEXT)


def test_shredded_data_key_opens_nothing():
    key = DataKey.generate()
    token = crypto.seal(SECRET, data_key=key, context=CONTEXT)
    key.shred()
    stored = fresh(key)
    assert stored.wrapped is None
    assert stored.shredded_at is not None
    for data_key in (key, stored):
        with pytest.raises(crypto.DecryptionError):
            crypto.unseal(token, data_key=data_key, context=CONTEXT)


def test_data_key_is_stored_wrapped_never_in_the_clear():
    key = DataKey.generate()
    secret = key.secret()
    stored = fresh(key)
    assert stored.kek_id == "test1"
    assert secret not in bytes(stored.wrapped)
    assert stored.secret() == secret


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty"])
def test_damaged_wrapped_data_key_fails_closed(damage):
    key = DataKey.generate()
    wrapped = bytearray(bytes(fresh(key).wrapped))
    if damage == "flip":
        wrapped[-1] ^= 0x01
    elif damage == "truncate":
        wrapped = wrapped[:10]
    else:
        wrapped = bytearray()
    DataKey.objects.filter(pk=key.pk).update(wrapped=bytes(wrapped))
    with pytest.raises(crypto.DecryptionError):
        fresh(key).secret()


def test_wrapped_data_key_is_bound_to_its_kek_id(settings):
    settings.OMBUDS_KEYS = f"a:{b64(b'a')},b:{b64(b'a')}"  # the same material under two ids
    key = DataKey.generate()
    DataKey.objects.filter(pk=key.pk).update(kek_id="b")
    with pytest.raises(crypto.DecryptionError):
        fresh(key).secret()


def test_data_key_under_an_unconfigured_kek_fails_closed(settings):
    key = DataKey.generate()
    settings.OMBUDS_KEYS = f"other:{b64(b'o')}"
    with pytest.raises(crypto.DecryptionError, match="not configured"):
        fresh(key).secret()


def test_keys_parse_with_the_first_one_primary():
    primary, keks = crypto.parse_keys(f" new:{b64(b'n')} , old:{b64(b'o')},")
    assert primary == "new"
    assert keks == {"new": b"n" * 32, "old": b"o" * 32}


@pytest.mark.parametrize(
    "spec",
    [
        "",
        " , ",
        b64(b"k"),  # no id
        f":{b64(b'k')}",  # empty id
        f"{'x' * 33}:{b64(b'k')}",  # id too long
        "k1:not base64!",
        "k1:" + base64.b64encode(b"k" * 16).decode(),  # 128 bits
        f"k1:{b64(b'k')},k1:{b64(b'l')}",  # the same id twice
    ],
)
def test_malformed_keys_are_refused(spec):
    with pytest.raises(crypto.KeyConfigurationError):
        crypto.parse_keys(spec)


def test_key_configuration_error_is_an_improper_configuration():
    assert issubclass(crypto.KeyConfigurationError, ImproperlyConfigured)


def test_new_key_is_a_fresh_256_bit_key():
    first, second = crypto.new_key(), crypto.new_key()
    assert first != second
    assert len(base64.b64decode(first, validate=True)) == crypto.KEY_BYTES
    assert crypto.parse_keys(f"k:{first}")[1]["k"] == base64.b64decode(first)


def test_keyring_follows_the_settings(settings):
    assert crypto.keyring().primary_id == "test1"
    settings.OMBUDS_KEYS = f"k2:{b64(b'2')},{TEST_KEYS}"
    assert crypto.keyring().primary_id == "k2"
    assert set(crypto.keyring().keks) == {"k2", "test1"}


def test_development_keys_are_made_once_and_kept_private(settings, tmp_path):
    settings.OMBUDS_KEYS = settings.OMBUDS_INDEX_KEY = ""
    settings.OMBUDS_DEV_KEY_FILE = tmp_path / "var" / "dev-keys.json"
    ring = crypto.keyring()
    path = tmp_path / "var" / "dev-keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())) == {"keys", "index_key"}
    crypto.keyring.cache_clear()
    assert crypto.keyring() == ring


def test_production_refuses_to_run_without_keys(settings):
    settings.PRODUCTION = True
    settings.OMBUDS_INDEX_KEY = ""
    with pytest.raises(crypto.KeyConfigurationError):
        crypto.keyring()


# Keyed hashes and the blind index --------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "minji.kim@example.org",
        "Minji.Kim@Example.ORG",
        "  minji.kim@example.org\n",
        "\tMINJI.KIM@EXAMPLE.ORG ",
    ],
)
def test_blind_index_ignores_case_and_surrounding_space(variant):
    expected = crypto.blind_index("minji.kim@example.org", purpose="email")
    assert crypto.blind_index(variant, purpose="email") == expected


def test_blind_index_tells_different_values_apart():
    email = crypto.blind_index("minji.kim@example.org", purpose="email")
    assert email != crypto.blind_index("minji.kim@example.com", purpose="email")
    assert len(email) == 32
    assert "minji" not in email


def test_blind_index_differs_by_purpose():
    value = "010-2345-6789"
    assert crypto.blind_index(value, purpose="email") != crypto.blind_index(value, purpose="phone")
    assert crypto.keyed_hash(value, purpose="a") != crypto.keyed_hash(value, purpose="b")


def test_blind_index_of_nothing_is_empty():
    assert crypto.blind_index("", purpose="email") == ""
    assert crypto.blind_index("  \n", purpose="email") == ""


def test_blind_index_depends_on_the_index_key_not_the_kek(settings):
    before = crypto.blind_index("minji.kim@example.org", purpose="email")
    settings.OMBUDS_KEYS = f"k2:{b64(b'2')}"
    assert crypto.blind_index("minji.kim@example.org", purpose="email") == before
    settings.OMBUDS_INDEX_KEY = b64(b"j")
    assert crypto.blind_index("minji.kim@example.org", purpose="email") != before
    settings.OMBUDS_INDEX_KEY = TEST_INDEX_KEY
    assert crypto.blind_index("minji.kim@example.org", purpose="email") == before
