"""Envelope encryption of personal data (docs/design.md §4).

- Key-encryption keys (KEKs) come from the environment (`OMBUDS_KEYS="id:base64,old-id:base64"`,
  the first one primary); each case has a random 256-bit data key stored wrapped by a KEK
  (`ombuds.models.DataKey`). Rotating a KEK re-wraps data keys only; destroying a data key
  crypto-shreds everything sealed with it.
- Values are sealed with AES-256-GCM. A token carries a format byte and the data key's id, and its
  associated data binds the table, column and row it belongs to, so a token copied elsewhere fails.
- Exact-match lookups go through a keyed HMAC (`blind_index`), never through plaintext. The HMAC
  keys have ids too (`OMBUDS_INDEX_KEYS="id:base64,old-id:base64"`, the first current; a lone
  `OMBUDS_INDEX_KEY` is the key `index1`): every stored hash records the id of its key, lookups
  try the current key and then the old ones, and `manage.py rotate_index_key` recomputes what
  can be recomputed (docs/design.md §4).

Opening fails closed: any problem raises `DecryptionError`, never returns ciphertext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

if TYPE_CHECKING:
    from ombuds.models import DataKey

TOKEN_VERSION = 1
_HEADER = struct.Struct(">BQ")  # version, data key id
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong row, wrong key, tampered or shredded."""


class KeyConfigurationError(ImproperlyConfigured):
    """The key-encryption keys or the index key are missing or malformed."""


# The id of the index key given alone as OMBUDS_INDEX_KEY (and of every hash stored before index
# keys had ids): `OMBUDS_INDEX_KEY=K` is `OMBUDS_INDEX_KEYS=index1:K`.
LEGACY_INDEX_ID = "index1"


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    keks: dict[str, bytes]
    index_keys: dict[str, bytes]  # the current one first

    @property
    def index_id(self) -> str:
        """The id of the current index key: every new hash is made with it."""
        return next(iter(self.index_keys))

    @property
    def index_key(self) -> bytes:
        return self.index_keys[self.index_id]

    def kek(self, kek_id: str) -> bytes:
        try:
            return self.keks[kek_id]
        except KeyError:
            raise DecryptionError(f"key-encryption key {kek_id!r} is not configured") from None

    def cipher(self, kek_id: str) -> AESGCM:
        """The AES-GCM cipher of one KEK, made once per keyring (a rotation uses it 2M times)."""
        ciphers: dict[str, AESGCM] = self.__dict__.setdefault("_ciphers", {})
        if kek_id not in ciphers:
            ciphers[kek_id] = AESGCM(self.kek(kek_id))
        return ciphers[kek_id]


def new_key() -> str:
    """A fresh 256-bit key, base64-encoded, for OMBUDS_KEYS or OMBUDS_INDEX_KEY."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode_key(text: str, name: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{name} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyConfigurationError(f"{name} must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def parse_keys(spec: str, name: str = "OMBUDS_KEYS") -> tuple[str, dict[str, bytes]]:
    """Parse `id:base64,id2:base64`; the first key is the primary one."""
    keks: dict[str, bytes] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        kek_id, sep, material = item.partition(":")
        if not sep or not kek_id or len(kek_id) > 32:
            raise KeyConfigurationError(f"{name} entries look like 'id:base64key'")
        if kek_id in keks:
            raise KeyConfigurationError(f"{name} names {kek_id!r} twice")
        keks[kek_id] = _decode_key(material, f"{name}[{kek_id}]")
    if not keks:
        raise KeyConfigurationError(f"{name} is empty")
    return next(iter(keks)), keks


def parse_index_keys(keys: str, single: str) -> dict[str, bytes]:
    """The index keys from OMBUDS_INDEX_KEYS (`id:base64,…`, the first current) or, for
    installs from before index keys had ids, the lone OMBUDS_INDEX_KEY (the key `index1`)."""
    if keys and single:
        raise KeyConfigurationError(
            "set OMBUDS_INDEX_KEYS or OMBUDS_INDEX_KEY, not both "
            f"(OMBUDS_INDEX_KEY is the key {LEGACY_INDEX_ID!r} in OMBUDS_INDEX_KEYS)"
        )
    if keys:
        return parse_keys(keys, "OMBUDS_INDEX_KEYS")[1]
    return {LEGACY_INDEX_ID: _decode_key(single, "OMBUDS_INDEX_KEY")}


def _development_keys(path: Path) -> tuple[str, str]:
    """Read, or create on first use, the git-ignored development key file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"keys": f"dev1:{new_key()}", "index_key": new_key()}
        # Written aside, then linked into place: several processes starting at once all end up
        # with the one file that won, and nobody reads a half-written one.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    data = json.loads(path.read_text())
    return data["keys"], data["index_key"]


@cache
def keyring() -> Keyring:
    keys, index_keys = settings.OMBUDS_KEYS, settings.OMBUDS_INDEX_KEYS
    index_key = settings.OMBUDS_INDEX_KEY
    if not keys or not (index_keys or index_key):
        if settings.PRODUCTION:
            raise KeyConfigurationError(
                "OMBUDS_KEYS and OMBUDS_INDEX_KEYS (or OMBUDS_INDEX_KEY) must be set in production"
            )
        dev_keys, dev_index = _development_keys(Path(settings.OMBUDS_DEV_KEY_FILE))
        keys = keys or dev_keys
        if not (index_keys or index_key):
            index_key = dev_index
    primary_id, keks = parse_keys(keys)
    return Keyring(primary_id, keks, parse_index_keys(index_keys, index_key))


@receiver(setting_changed)
def _reset_keyring(*, setting: str, **kwargs: object) -> None:
    if setting in {"OMBUDS_KEYS", "OMBUDS_INDEX_KEY", "OMBUDS_INDEX_KEYS", "OMBUDS_DEV_KEY_FILE"}:
        keyring.cache_clear()


# Data keys -------------------------------------------------------------------------------------


def wrap_data_key(dek: bytes, *, ring: Keyring | None = None) -> tuple[str, bytes]:
    """Wrap a data key with the primary KEK; return (kek id, nonce + ciphertext)."""
    ring = ring or keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    aad = b"ombuds-data-key|" + ring.primary_id.encode()
    return ring.primary_id, nonce + ring.cipher(ring.primary_id).encrypt(nonce, dek, aad)


def unwrap_data_key(kek_id: str, wrapped: bytes, *, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    aad = b"ombuds-data-key|" + kek_id.encode()
    if len(wrapped) < NONCE_BYTES + 16:  # AESGCM would raise ValueError, not InvalidTag
        raise DecryptionError("wrapped data key is truncated")
    try:
        return ring.cipher(kek_id).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError("data key does not unwrap with its key-encryption key") from None


# Sealing ---------------------------------------------------------------------------------------


def seal(plaintext: bytes, *, data_key: DataKey, context: str) -> bytes:
    """Encrypt `plaintext` with the data key, bound to `context` (table|column|row)."""
    header = _HEADER.pack(TOKEN_VERSION, data_key.pk)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(data_key.secret()).encrypt(nonce, plaintext, header + context.encode())
    return header + nonce + ciphertext


def unseal(token: bytes, *, data_key: DataKey, context: str) -> bytes:
    if len(token) < _HEADER.size + NONCE_BYTES + 16:
        raise DecryptionError("token is truncated")
    version, key_id = _HEADER.unpack_from(token)
    if version != TOKEN_VERSION or key_id != data_key.pk:
        raise DecryptionError("token belongs to another key or format")
    header, body = token[: _HEADER.size], token[_HEADER.size :]
    try:
        return AESGCM(data_key.secret()).decrypt(
            body[:NONCE_BYTES], body[NONCE_BYTES:], header + context.encode()
        )
    except InvalidTag:
        raise DecryptionError("token does not open in this context") from None


# Keyed hashes ----------------------------------------------------------------------------------


def index_key_id() -> str:
    """The id of the current index key, to store beside each hash made now."""
    return keyring().index_id


def index_key_ids() -> list[str]:
    """Every configured index key id, the current one first."""
    return list(keyring().index_keys)


def keyed_hash(value: str, *, purpose: str, key_id: str | None = None) -> str:
    """HMAC-SHA256 of `value` under the current index key (or the one named `key_id`: raises
    DecryptionError if it is not configured), separated by purpose (hex, 64 chars)."""
    ring = keyring()
    try:
        key = ring.index_keys[key_id or ring.index_id]
    except KeyError:
        raise DecryptionError(f"index key {key_id!r} is not configured") from None
    message = purpose.encode() + b"\x00" + value.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def keyed_hashes(value: str, *, purpose: str) -> dict[str, str]:
    """`keyed_hash` under every configured index key: {key id: hash}, the current key first."""
    return {key_id: keyed_hash(value, purpose=purpose, key_id=key_id) for key_id in index_key_ids()}


def blind_index(value: str, *, purpose: str, key_id: str | None = None) -> str:
    """An exact-match index for a normalised personal value; empty for an empty value."""
    normalised = " ".join(value.split()).casefold()
    return keyed_hash(normalised, purpose=purpose, key_id=key_id)[:32] if normalised else ""


def blind_indexes(value: str, *, purpose: str) -> dict[str, str]:
    """`blind_index` under every configured index key: {key id: index}, the current key first
    (a lookup of a value indexed before a rotation finishes)."""
    ids = index_key_ids()
    return {key_id: blind_index(value, purpose=purpose, key_id=key_id) for key_id in ids}
