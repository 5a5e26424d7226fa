"""The access log (PIPA Art. 8; docs/design.md §4): who saw whose data, when, from where, and how.

`record_access` appends one row inside the caller's transaction (or its own). Rows form a hash
chain: each stores the previous row's MAC, and its own MAC is a keyed hash (the index key,
purpose "access-log") of that previous MAC and the row's canonical serialisation, its id
included. Editing any column of any row, or deleting a row, breaks the chain at that row;
`verify_chain` (`manage.py verify_access_log`) finds the first break. Appends are serialised so
the chain never forks: SQLite's immediate transactions hold the database's write lock, and on
PostgreSQL each append takes a transaction-scoped advisory lock (it assumes READ COMMITTED,
Django's default, so that the head row read after the lock is the latest committed one).

Retention: `purge` deletes the oldest rows (older than OMBUDS_ACCESS_LOG_DAYS) as a prefix of the
chain and stores an anchor, itself keyed, holding the MAC of the last row deleted; verification
starts from the latest anchor. Deleting the newest rows cannot be seen from the chain alone:
keep the head that `verify_access_log` prints somewhere else to compare.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet, TextChoices
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ombuds import crypto
from ombuds.models import AccessLogAnchor, AccessLogEntry
from ombuds.throttle import client_address

PURPOSE = "access-log"
ANCHOR_PURPOSE = "access-log-anchor"
# The pg_advisory_xact_lock key: an arbitrary 64-bit constant that only the access log uses.
_PG_LOCK_KEY = 0x2F6D0C71A4B3E958
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_DETAIL = re.compile(r"[A-Za-z0-9_.:=,/-]{0,100}")


class AccessAction(TextChoices):
    """Actions known to the auditors' page; any other lowercase code is accepted and shown as is."""

    VIEW_CASE = "view_case", _("Viewed a case")
    DOWNLOAD_ATTACHMENT = "download_attachment", _("Downloaded an attachment")
    PREVIEW_ATTACHMENT = "preview_attachment", _("Viewed an attachment in the browser")
    PRINT_CASE = "print_case", _("Printed a case file")
    EXPORT = "export", _("Exported data")
    SEARCH = "search", _("Searched personal data")
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    VIEW_ACCESS_LOG = "view_access_log", _("Reviewed the access log")
    ERASE_CASE = "erase_case", _("Erased a case's personal data")
    LEGAL_HOLD = "legal_hold", _("Set or lifted a legal hold")
    BACKUP_CODES = "backup_codes", _("Made a new set of backup codes")
    VIEW_STATISTICS = "view_statistics", _("Viewed statistics")
    EXPORT_STATISTICS = "export_statistics", _("Exported statistics")
    PETITIONER_DOWNLOAD = "petitioner_download", _("Downloaded a document from the tracking page")


# Rows without a user are the system's (a scheduled erasure), except these: the petitioner's own
# reads, through the tracking page's session. The action code, which the MAC covers, is what
# says so; no name, address or other identifier of the petitioner is stored.
PETITIONER_ACTIONS = frozenset({AccessAction.PETITIONER_DOWNLOAD})


def actor_kind(entry: AccessLogEntry) -> str:
    """Who acted, for the auditors' page: "staff" (the row's user), "petitioner" or "system"."""
    if entry.user_id is not None:
        return "staff"
    return "petitioner" if entry.action in PETITIONER_ACTIONS else "system"


class AccessDetail(TextChoices):
    """Coded details the auditors' page names in words; others (an attachment's id) stay as is."""

    TOTP = "totp", _("with an authenticator app code")
    BACKUP_CODE = "backup_code", _("with a backup code")
    NAME = "name", _("by name")
    PHONE = "phone", _("by phone number")
    EMAIL = "email", _("by email address")


def detail_label(detail: str) -> str:
    """`detail` in words when every comma-separated part is a known code, else as stored."""
    labels = dict(AccessDetail.choices)
    parts = detail.split(",") if detail else []
    if parts and all(part in labels for part in parts):
        return ", ".join(str(labels[part]) for part in parts)
    return detail


def record_access(
    *, user: Any, request: HttpRequest | None, action: str, case_reference: str, detail: str = ""
) -> AccessLogEntry:
    """Append one row to the chain, in the caller's transaction if there is one. `user` and
    `request` are None for what the system does on its own (`purge_expired`) and for what a
    petitioner does through the tracking page (an action of `PETITIONER_ACTIONS`).

    `action` is a lowercase code (see `AccessAction`); `detail` is coded too (ids, field names,
    counts), never free text: both are checked so that no personal data slips in.
    """
    if not _CODE.fullmatch(action):
        raise ValueError(f"access log action must be a lowercase code, got {action!r}")
    if not _DETAIL.fullmatch(detail) or len(case_reference) > 40:
        raise ValueError("access log detail must be a short code without personal data")
    if action in PETITIONER_ACTIONS and user is not None:
        raise ValueError(f"{action} is the petitioner's: it names no user")
    with transaction.atomic():
        _lock_chain()
        entry = AccessLogEntry.objects.create(
            at=timezone.now(),
            user_id=user.pk if user is not None else None,
            client_address=client_address(request)[:45] if request is not None else "",
            action=action,
            case_reference=case_reference,
            detail=detail,
            previous_mac=_head_mac(),
            mac_key_id=crypto.index_key_id(),
        )
        entry.mac = entry_mac(entry, previous_mac=entry.previous_mac, key_id=entry.mac_key_id)
        AccessLogEntry.objects.filter(pk=entry.pk).update(mac=entry.mac)
    return entry


def _lock_chain() -> None:
    """Serialise appends and purges until the surrounding transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite: the transaction is IMMEDIATE (settings), so it already holds the write lock.


def _head_mac() -> str:
    """The MAC the next row chains from: the last row's, else the latest anchor's, else ''."""
    last = AccessLogEntry.objects.order_by("-id").values_list("mac", flat=True).first()
    if last is not None:
        return last
    anchor = AccessLogAnchor.objects.order_by("-id").values_list("last_mac", flat=True).first()
    return anchor or ""


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(entry: AccessLogEntry) -> str:
    """The row as the MAC sees it: every column but the MACs, in a fixed order."""
    fields = [
        "v1",
        entry.pk,
        _utc(entry.at),
        entry.user_id,
        entry.client_address,
        entry.action,
        entry.case_reference,
        entry.detail,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def entry_mac(entry: AccessLogEntry, *, previous_mac: str, key_id: str | None = None) -> str:
    message = f"{previous_mac}\n{canonical(entry)}"
    return crypto.keyed_hash(message, purpose=PURPOSE, key_id=key_id)


def anchor_mac(anchor: AccessLogAnchor, *, key_id: str | None = None) -> str:
    fields = ["v1", _utc(anchor.created_at), anchor.last_id, anchor.last_mac, anchor.rows_purged]
    message = json.dumps(fields, separators=(",", ":"))
    return crypto.keyed_hash(message, purpose=ANCHOR_PURPOSE, key_id=key_id)


def _unconfigured(key_id: str) -> str:
    """A problem when `key_id` is not a configured index key ('' when it is): rows MAC'd before
    a rotation verify under the old key while it is configured (`rotate_index_key --check`)."""
    if key_id in crypto.index_key_ids():
        return ""
    return f"index key {key_id!r}, which MAC'd it, is not configured"


# Verification ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_id: int | None = None
    head_mac: str = ""
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _start() -> tuple[str, int, str]:
    """(the first row's expected previous MAC, the id it must exceed, a problem if any)."""
    anchor = AccessLogAnchor.objects.order_by("-id").first()
    if anchor is None:
        return "", 0, ""
    if problem := _unconfigured(anchor.mac_key_id):
        return "", 0, f"the purge anchor's {problem}"
    if not hmac.compare_digest(anchor.mac, anchor_mac(anchor, key_id=anchor.mac_key_id)):
        return "", 0, f"the purge anchor {anchor.pk} has been altered"
    return anchor.last_mac, anchor.last_id, ""


def verify_chain(
    *, batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Walk the chain in id order, in batches; stop at the first row that does not verify."""
    expected, floor, problem = _start()
    if problem:
        return ChainReport(rows=0, problem=problem)
    rows, head_id, after = 0, None, 0
    while batch := list(AccessLogEntry.objects.filter(id__gt=after).order_by("id")[:batch_size]):
        for entry in batch:
            if entry.pk <= floor:
                return ChainReport(rows, head_id, expected, entry.pk, "the row precedes the anchor")
            if entry.previous_mac != expected:
                problem = "the row before it is missing or altered"
                return ChainReport(rows, head_id, expected, entry.pk, problem)
            if problem := _unconfigured(entry.mac_key_id):
                return ChainReport(rows, head_id, expected, entry.pk, f"the row's {problem}")
            mac = entry_mac(entry, previous_mac=expected, key_id=entry.mac_key_id)
            if not hmac.compare_digest(entry.mac, mac):
                return ChainReport(rows, head_id, expected, entry.pk, "the row has been altered")
            expected, head_id, rows = entry.mac, entry.pk, rows + 1
        after = batch[-1].pk
        if progress is not None:
            progress(rows)
    return ChainReport(rows, head_id, expected)


# Retention -------------------------------------------------------------------------------------


def purge(*, now: datetime | None = None) -> int:
    """Delete rows older than OMBUDS_ACCESS_LOG_DAYS, oldest first, and anchor what remains.

    The rows deleted are a prefix of the chain: every row up to the last one older than the
    cut-off (rows are appended in time order under the chain lock).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OMBUDS_ACCESS_LOG_DAYS)
    with transaction.atomic():
        _lock_chain()
        last = AccessLogEntry.objects.filter(at__lt=cutoff).aggregate(last=Max("id"))["last"]
        if last is None:
            return 0
        last_mac = AccessLogEntry.objects.values_list("mac", flat=True).get(pk=last)
        deleted, _ = AccessLogEntry.objects.filter(id__lte=last).delete()
        anchor = AccessLogAnchor(created_at=now, last_id=last, last_mac=last_mac)
        anchor.rows_purged, anchor.mac_key_id = deleted, crypto.index_key_id()
        anchor.mac = anchor_mac(anchor, key_id=anchor.mac_key_id)
        anchor.save()
    return deleted


# The auditors' page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilters:
    date_from: date | None = None
    date_to: date | None = None
    user_id: int | None = None
    case_reference: str = ""
    action: str = ""


@dataclass(frozen=True)
class LogPage:
    entries: list[AccessLogEntry]
    next_cursor: int | None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(filters: LogFilters) -> QuerySet[AccessLogEntry]:
    rows = AccessLogEntry.objects.all()
    if filters.date_from:
        rows = rows.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.user_id:
        rows = rows.filter(user_id=filters.user_id)
    if filters.case_reference:
        rows = rows.filter(case_reference=filters.case_reference)
    if filters.action:
        rows = rows.filter(action=filters.action)
    return rows


def log_page(*, filters: LogFilters, before: int | None = None, size: int = 50) -> LogPage:
    """One page, newest first, keyset-paginated on (at, id): no OFFSET, no COUNT.

    `before` is the id of the last row of the previous page. The condition is written
    `at <= x AND (at < x OR id < y)` so that SQLite keeps the index range.
    """
    rows = _filtered(filters)
    if before is not None:
        cursor = AccessLogEntry.objects.filter(pk=before).values_list("at", flat=True).first()
        if cursor is None:  # purged meanwhile: ids follow time closely enough
            rows = rows.filter(id__lt=before)
        else:
            rows = rows.filter(Q(at__lte=cursor) & (Q(at__lt=cursor) | Q(id__lt=before)))
    entries = list(rows.select_related("user").order_by("-at", "-id")[: size + 1])
    more = len(entries) > size
    entries = entries[:size]
    return LogPage(entries, entries[-1].pk if more else None)
