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
`INDEX_VERSION` names these rules: rows indexed under older rules (or before the name and phone
indexes existed) are brought up to date by `manage.py reindex_people`, resumably.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from cases import access
from cases.models import Case, Person
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


def indexes(*, name: str = "", phone: str = "", email: str = "") -> dict[str, object]:
    """The blind-index columns of a Person with these values (and the rules' version)."""
    return {
        "name_index": crypto.blind_index(normal_name(name), purpose="name"),
        "phone_index": crypto.blind_index(normal_phone(phone), purpose="phone"),
        "email_index": crypto.blind_index(normal_email(email), purpose="email"),
        "index_version": INDEX_VERSION,
    }


# A search reads at most this many people's cases; more means the terms are too common.
PEOPLE_LIMIT, CASES_LIMIT = 1000, 50


def cases_of(user: Any, *, name: str = "", phone: str = "", email: str = "") -> QuerySet[Case]:
    """The cases `user` may see in which one person matches every term given (exactly, once
    normalised), newest first. Two steps, so that each reads its index: the people first (the
    blind indexes), then their cases by primary key among those the user may see (a single
    query with `IN (subquery)` let SQLite walk every case newest first instead)."""
    wanted = {
        column: value
        for column, value in indexes(name=name, phone=phone, email=email).items()
        if column != "index_version" and value
    }
    if not wanted:
        return Case.objects.none()
    found = Person.objects.filter(**wanted).values_list("case_id", flat=True)
    ids = sorted(set(found[:PEOPLE_LIMIT]))
    return access.visible_cases(user).filter(pk__in=ids)


def reindex(*, batch: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Index every person indexed under older rules, one committed batch at a time (so that an
    interrupted run loses one batch at most, and the next run starts where it stopped)."""
    done = 0
    while True:
        with transaction.atomic():
            people = list(
                Person.objects.select_related("data_key")
                .select_for_update(of=("self",))
                .filter(index_version__lt=INDEX_VERSION)
                .order_by("pk")[:batch]
            )
            for person in people:
                for field, value in indexes(
                    name=person.name, phone=person.phone, email=person.email
                ).items():
                    setattr(person, field, value)
            Person.objects.bulk_update(people, [*indexes()])
        done += len(people)
        if progress:
            progress(done)
        if len(people) < batch:
            return done
