"""Finding a person's cases without a plaintext index (docs/design.md §4).

A person's name, phone and email are sealed; beside each the row keeps a keyed HMAC blind
index (`ombuds.crypto.blind_index`) of the value normalised as people write it differently:
NFKC first (full-width Latin and digits, Hangul compatibility letters), then

- a name without spaces, hyphens or dashes, in any case ("Kim Min-ji" = "KIM MINJI" = "kimminji";
  "김 민지" = "김민지");
- a phone number as its digits, a Korean +82 number as dialled at home ("+82 10-1234-5678" =
  "010 1234 5678");
- an email address without surrounding space, in any case (hyphens and dots are part of it).

An exact match on the index finds the person; nothing can be searched by part of a value.
`INDEX_VERSION` names these rules, `index_key_id` the index key: rows indexed under older rules
(or before the name and phone indexes existed) or under an old index key are brought up to date
by `manage.py reindex_people` (or `rotate_index_key`), resumably. Until then a search tries every
configured index key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from cases import access
from cases.models import Case, Person
from notifications.models import Notification, Suppression
from ombuds import crypto

INDEX_VERSION = 1
_NAME_DROPS = re.compile(r"[\s\-\u2010-\u2015\u2212\u00b7\u30fb.]+")
_NOT_DIGIT = re.compile(r"\D+")


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").casefold()


def normal_name(value: str) -> str:
    return _NAME_DROPS.sub("", _nfkc(value))


def normal_phone(value: str) -> str:
    value = _nfkc(value).strip()
    digits = _NOT_DIGIT.sub("", value)
    if value.startswith("+82") and digits.startswith("82"):
        digits = "0" + digits[2:].lstrip("0")
    return digits


def normal_email(value: str) -> str:
    return "".join(_nfkc(value).split())


def indexes(
    *, name: str = "", phone: str = "", email: str = "", key_id: str | None = None
) -> dict[str, object]:
    """The blind-index columns of a Person with these values, under the current index key (or
    the one named), with the rules' version and the key's id."""
    key_id = key_id or crypto.index_key_id()
    return {
        "name_index": crypto.blind_index(normal_name(name), purpose="name", key_id=key_id),
        "phone_index": crypto.blind_index(normal_phone(phone), purpose="phone", key_id=key_id),
        "email_index": crypto.blind_index(normal_email(email), purpose="email", key_id=key_id),
        "index_version": INDEX_VERSION,
        "index_key_id": key_id,
    }


# A search reads at most this many people's cases; more means the terms are too common.
PEOPLE_LIMIT, CASES_LIMIT = 1000, 50


def cases_of(user: Any, *, name: str = "", phone: str = "", email: str = "") -> QuerySet[Case]:
    """The cases `user` may see in which one person matches every term given (exactly, once
    normalised), newest first. Two steps, so that each reads its index: the people first (the
    blind indexes), then their cases by primary key among those the user may see (a single
    query with `IN (subquery)` let SQLite walk every case newest first instead)."""
    matching = Q()
    for key_id in crypto.index_key_ids():  # the current key, then the old ones (a rotation)
        wanted = {
            column: value
            for column, value in indexes(name=name, phone=phone, email=email, key_id=key_id).items()
            if column.endswith("_index") and value
        }
        if not wanted:
            return Case.objects.none()
        matching |= Q(index_key_id=key_id, **wanted)
    found = Person.objects.filter(matching).values_list("case_id", flat=True)
    ids = sorted(set(found[:PEOPLE_LIMIT]))
    return access.visible_cases(user).filter(pk__in=ids)


def stale() -> QuerySet[Person]:
    """People indexed under older rules or with an index key other than the current one."""
    return Person.objects.filter(
        Q(index_version__lt=INDEX_VERSION) | ~Q(index_key_id=crypto.index_key_id())
    )


def reindex(
    *,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Index again, from their decrypted values, every person indexed under older rules or
    another index key, one committed batch at a time walking the primary key upwards (an
    interrupted run loses one batch at most; the next run starts where it stopped, since the
    people done are no longer stale). Stops early when `should_stop()` says so between batches.

    A suppressed email address (notifications.Suppression, keyed by the same blind index) and
    the messages to it move to the new index with the person, so nobody who stopped email gets
    it again after a rotation."""
    done, after = 0, 0
    while not (should_stop and should_stop()):
        with transaction.atomic():
            people = list(
                stale()
                .select_related("data_key")
                .select_for_update(of=("self",))
                .filter(pk__gt=after)
                .order_by("pk")[:batch]
            )
            moved: dict[str, str] = {}
            for person in people:
                before = person.email_index
                for field, value in indexes(
                    name=person.name, phone=person.phone, email=person.email
                ).items():
                    setattr(person, field, value)
                if before and before != person.email_index:
                    moved[before] = person.email_index
            Person.objects.bulk_update(people, [*indexes()])
            _move_email_index(moved)
        done += len(people)
        if progress:
            progress(done)
        if len(people) < batch:
            break
        after = people[-1].pk
    return done


def _move_email_index(moved: dict[str, str]) -> None:
    """Re-key the suppressions and messages of email addresses whose index changed."""
    for old, new in moved.items():
        if Suppression.objects.filter(recipient_index=new).exists():
            Suppression.objects.filter(recipient_index=old).delete()  # moved with another person
        else:
            Suppression.objects.filter(recipient_index=old).update(recipient_index=new)
        Notification.objects.filter(recipient_index=old).update(recipient_index=new)
