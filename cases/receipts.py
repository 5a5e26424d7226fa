"""Case references and secret access keys: what a petitioner holds to follow their case.

The reference is public (it appears in emails); the access key is a secret of 140 bits shown
once on the receipt and stored only as a keyed hash. Both use Crockford's base32, which reads
aloud and survives being typed back: case, dashes and spaces are ignored, O→0 and I/L→1.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import date

from ombuds import crypto

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
KEY_SYMBOLS = 28  # 28 symbols of 5 bits = 140 bits


# RFC 4648's base32 alphabet, symbol for symbol, to Crockford's: random bytes in one call.
_FROM_BASE32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())


def _symbols(count: int) -> str:
    """`count` random symbols of 5 bits each."""
    encoded = base64.b32encode(secrets.token_bytes((count * 5 + 7) // 8))
    return encoded[:count].translate(_FROM_BASE32).decode()


def _group(text: str, size: int = 4) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


def new_reference(today: date) -> str:
    """e.g. 2026-7KQ3-MX4D: the year, then 40 random bits."""
    return f"{today.year}-{_group(_symbols(8))}"


def new_access_key() -> str:
    return _group(_symbols(KEY_SYMBOLS))


def _clean(text: str) -> str:
    return "".join(ch for ch in text.upper().translate(_LOOKALIKES) if ch in ALPHABET)


def normalise_reference(text: str) -> str:
    cleaned = _clean(text)
    if len(cleaned) != 12:
        return ""
    return f"{cleaned[:4]}-{_group(cleaned[4:])}"


def normalise_access_key(text: str) -> str:
    cleaned = _clean(text)
    return _group(cleaned) if len(cleaned) == KEY_SYMBOLS else ""


def hash_access_key(reference: str, access_key: str, *, key_id: str | None = None) -> str:
    """The keyed hash of an access key, under the current index key or the one named."""
    return crypto.keyed_hash(f"{reference}|{access_key}", purpose="access-key", key_id=key_id)


def access_key_fields(reference: str, access_key: str) -> dict[str, str]:
    """The Case columns that keep a new access key: its hash and the index key's id."""
    key_id = crypto.index_key_id()
    return {
        "access_key_hash": hash_access_key(reference, access_key, key_id=key_id),
        "access_key_id": key_id,
    }


def access_key_matches(stored_hash: str, key_id: str, reference: str, access_key: str) -> bool:
    """Whether the access key is the one hashed under the index key `key_id` (kept after a
    rotation: an access key cannot be hashed again without it). A key id no longer configured
    matches nothing, after the same work as any other attempt."""
    configured = key_id in crypto.index_key_ids()
    computed = hash_access_key(reference, access_key, key_id=key_id if configured else None)
    return hmac.compare_digest(stored_hash, computed) and configured
