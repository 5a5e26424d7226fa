"""One-time backup codes for a staff member's second factor (django-otp's static tokens).

A member gets `CODE_COUNT` codes when they enrol their authenticator app, sees them once, and
can use each one once, at the second-factor step, instead of an app code (a lost phone). They
make a new set themselves (`accounts:backup_codes`, after typing their password): the old set
stops working at once. Every set made, and every code used, is in the hash-chained access log.
Resetting another member's second factor removes their codes too, and stays a two-person act
(`ombuds.duties`).

Each member has one `StaticDevice`; a new set replaces its tokens, never the device, so that a
session verified with a backup code stays verified. django-otp stores a token as typed; we store
a keyed hash of it instead (the index key, purpose "backup-code"), so a database dump holds no
usable code. After the index key is rotated (`OMBUDS_INDEX_KEYS`), a set made under the old key
works while that key is configured; removing it voids such sets (members make new ones).
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice

from ombuds import crypto
from ombuds.accesslog import record_access
from ombuds.account_changes import tell_member
from ombuds.models import User

CODE_COUNT = 10
CODE_LENGTH = 10
# No 0/o, 1/l/i: a code is read off paper and typed by hand.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
DEVICE_NAME = "backup codes"
PURPOSE = "backup-code"


def normalise(code: str) -> str:
    """A code as typed, without spaces, hyphens or capitals."""
    return "".join(ch for ch in code.casefold() if ch.isalnum())


def stored_form(code: str) -> str:
    """What the token row holds: a keyed hash of the normalised code (16 hex characters)."""
    return crypto.keyed_hash(normalise(code), purpose=PURPOSE)[:16]


def _stored_forms(code: str) -> list[str]:
    """`stored_form` under every configured index key, the current one first."""
    return [
        crypto.keyed_hash(normalise(code), purpose=PURPOSE, key_id=key_id)[:16]
        for key_id in crypto.index_key_ids()
    ]


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _readable(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _device(user: User) -> StaticDevice:
    device = StaticDevice.objects.filter(user=user).order_by("id").first()
    return device or StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)


def issue(*, user: User, first: bool) -> list[str]:
    """A new set of codes for `user`, replacing any earlier set; the codes, to show once."""
    codes = [_new_code() for _ in range(CODE_COUNT)]
    with transaction.atomic():
        device = _device(user)
        device.token_set.all().delete()
        device.token_set.bulk_create(
            [device.token_set.model(device=device, token=stored_form(code)) for code in codes]
        )
        step = "issued" if first else "regenerated"
        record_access(user=user, request=None, action="backup_codes", case_reference="",
                      detail=f"{step},count={len(codes)}")  # fmt: skip
        if not first:  # the first set comes with the enrolment, already told
            tell_member(user, "backup_codes_renewed")
    return [_readable(code) for code in codes]


def remaining(user: User) -> int:
    device = StaticDevice.objects.filter(user=user).first()
    return device.token_set.count() if device is not None else 0


def has_codes(user: User) -> bool:
    return StaticDevice.objects.filter(user=user, token_set__isnull=False).exists()


def use(*, user: User, code: str) -> StaticDevice | None:
    """The device, with `code` now spent, if `code` is one of `user`'s unused codes; else None.
    Wrong codes count towards django-otp's throttle, as wrong app codes do."""
    if not normalise(code):
        return None
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return None
        forms = _stored_forms(code)  # a set made before an index-key rotation still works
        held = device.token_set.filter(token__in=forms).values_list("token", flat=True).first()
        if not device.verify_token(held or forms[0]):  # one attempt for the throttle, either way
            return None
    return device


def throttled(user: User) -> bool:
    device = StaticDevice.objects.filter(user=user).first()
    return device is not None and not device.verify_is_allowed()[0]


def remove(user: User) -> None:
    """Part of a second-factor reset (ombuds.duties): the codes go with the app."""
    StaticDevice.objects.filter(user=user).delete()
