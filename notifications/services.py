"""Queue notifications inside the caller's transaction; deliver them outside any transaction.

Other apps call `notify()` and never send mail themselves. Delivery is at least once:

- `notify()` writes a row in the caller's transaction and nothing else: requests never wait on
  the mail relay. The worker (`send_notifications`) sends.
- A sender first *claims* rows: one conditional UPDATE moves due rows to SENDING with a fresh
  claim token and counts the attempt. Only rows still due match, so two workers (threads, hosts)
  never both claim a row; on PostgreSQL the candidates are picked with `FOR UPDATE SKIP LOCKED`
  so that workers take different rows instead of queueing behind each other's locks.
- It sends outside any transaction, then records the outcome only while it still holds the
  claim (the token), so a late worker never overwrites a newer attempt.
- A failure backs off by doubling (capped); a recipient that the receiving side refuses outright,
  or the last attempt, ends in FAILED (the dead letter) for staff to see. A claim is a lease
  (`OMBUDS_OUTBOX_LEASE`) that a live sender renews while it sends; a sender that dies
  mid-send leaves the row SENDING until the lease runs out; then it is due again.
"""

from __future__ import annotations

import enum
import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from notifications.events import Event, checked
from notifications.messages import render_message
from notifications.models import Notification, Suppression
from ombuds import crypto
from ombuds.models import DataKey

__all__ = [
    "MAX_ATTEMPTS",
    "Claim",
    "Outcome",
    "claim_due",
    "deliver",
    "due_notification_ids",
    "notify",
    "release",
    "render_message",
    "send_claimed",
]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=4)  # ten attempts span about eight hours
WAKE_CHANNEL = "ombuds_outbox"  # PostgreSQL LISTEN/NOTIFY: a row was queued


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"  # failed; due again after the backoff
    FAILED = "failed"  # the dead letter: no more attempts
    SKIPPED = "skipped"  # not due, gone, or held by another sender


@dataclass(frozen=True)
class Claim:
    pk: int
    token: uuid.UUID
    since: float = field(default_factory=time.monotonic)  # when this sender took or renewed it


def notify(
    event: str, *, to: str, language: str, context: dict[str, Any], data_key: DataKey
) -> Notification | None:
    """Queue `event` for `to` in the caller's transaction; the outbox worker sends it.

    `event` and `context` must be as `notifications.events` declares them (else
    `UndeclaredNotificationError`, at once): coded values only, stored in plaintext.

    The request never waits on the mail relay, and nothing runs after its COMMIT on this
    account: the row is the promise. A worker picks it up within about a second (its poll on
    SQLite; on PostgreSQL a NOTIFY, which the database delivers only if this transaction
    commits, wakes it at once).
    """
    declared = checked(event, context)  # raises for an undeclared event or context
    if not to:
        return None
    index = crypto.blind_index(to, purpose="email")
    if _suppressed(to):
        return None  # stopped by its owner, or undeliverable for good: never queued
    now = timezone.now()
    notification = Notification.objects.create(
        event=declared,
        language=language,
        recipient=to,
        recipient_index=index,
        context=context,
        data_key=data_key,
        next_attempt_at=now,
        created_at=now,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [WAKE_CHANNEL])
    return notification


def announce_duty(to: str, context: dict[str, str], data_key: DataKey) -> Notification | None:
    """Tell an ombudsperson of a step of a two-person request (`ombuds.duties`)."""
    return notify(Event.STAFF_DUTY, to=to, language=settings.LANGUAGE_CODE, context=context,
                  data_key=data_key)  # fmt: skip


def _suppressed(to: str) -> bool:
    """Whether the address is suppressed, under the current index key or an old one (a
    suppression not yet re-keyed after a rotation is moved to the current key here)."""
    indexes = crypto.blind_indexes(to, purpose="email")
    found = list(Suppression.objects.filter(recipient_index__in=list(indexes.values())))
    current = indexes[crypto.index_key_id()]
    if found and all(row.recipient_index != current for row in found):
        Suppression.objects.filter(pk=found[0].pk).update(recipient_index=current)
    return bool(found)


# Who hears that a message could not be delivered for good (a bounce, an address refused): the
# app that queued it registers here when it loads (this app imports no other: docs/design.md
# §1), and is given the data key the message was sealed with, which names its case.
BounceListener = Callable[[int], object]
_bounce_listeners: list[BounceListener] = []


def register_bounce_listener(listener: BounceListener) -> None:
    _bounce_listeners.append(listener)


def undeliverable(data_key_id: int) -> None:
    """A message sealed with this data key will never arrive: tell the listeners."""
    for listener in _bounce_listeners:
        listener(data_key_id)


def suppress(index: str, *, reason: str) -> None:
    """No more mail to this address (by its blind index); an opt-out does not hide a bounce."""
    if index:
        Suppression.objects.update_or_create(recipient_index=index, defaults={"reason": reason})


def email_stopped(index: str) -> str:
    """Why no mail goes to this address ('' when it does): a `Suppression.Reason` value."""
    found = Suppression.objects.filter(recipient_index=index).values_list("reason", flat=True)
    return next(iter(found), "") if index else ""


def email_restart(index: str) -> bool:
    """Mail again to an address its owner had stopped; an undeliverable one stays stopped."""
    return bool(
        Suppression.objects.filter(
            recipient_index=index, reason=Suppression.Reason.OPTED_OUT
        ).delete()[0]
    )


def lease() -> timedelta:
    """How long a claim holds a row before another worker may take it (renewed while sending)."""
    return settings.OMBUDS_OUTBOX_LEASE


def _due(now: datetime) -> Q:
    return Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_until__lt=now
    )


def due_notification_ids(limit: int) -> list[int]:
    """Ids of notifications due now, oldest due first (a snapshot: claim before sending)."""
    ids = Notification.objects.filter(_due(timezone.now())).order_by("next_attempt_at", "pk")
    return list(ids.values_list("pk", flat=True)[:limit])


def claim_due(*, limit: int, pk: int | None = None) -> list[Claim]:
    """Claim up to `limit` due notifications (only `pk`, if given) for this sender."""
    now, token = timezone.now(), uuid.uuid4()
    due = Notification.objects.filter(_due(now))
    if pk is not None:
        due = due.filter(pk=pk)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # The conditional update is the guarantee: a row claimed meanwhile no longer matches.
        Notification.objects.filter(_due(now), pk__in=ids).update(
            status=Notification.Status.SENDING,
            claimed_until=now + lease(),
            claim_token=token,
            attempts=F("attempts") + 1,
        )
        claimed = set(
            Notification.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True)
        )
    return [Claim(pk=pk, token=token) for pk in ids if pk in claimed]


def release(claims: list[Claim]) -> int:
    """Give back claimed rows not yet sent (the worker is stopping); they are due again at once."""
    held = Notification.objects.filter(
        pk__in=[claim.pk for claim in claims],
        claim_token__in={claim.token for claim in claims},
        status=Notification.Status.SENDING,
    )
    return held.update(
        status=Notification.Status.PENDING,
        claimed_until=None,
        claim_token=None,
        attempts=F("attempts") - 1,
    )


def deliver(notification_id: int) -> Outcome:
    """Send one notification if it is due and nobody else holds it; a failed send never raises."""
    claims = claim_due(limit=1, pk=notification_id)
    return _send(claims[0]) if claims else Outcome.SKIPPED


def send_claimed(claim: Claim, *, session: Any = None) -> Outcome:
    """Send a row claimed earlier in a batch, renewing the claim first unless it was taken
    within the last third of a lease (either way, `_send` reads the row only while the claim
    is this sender's). `session`: a mail connection
    the caller keeps open over its batch (one SMTP session, not one per message)."""
    fresh = time.monotonic() - claim.since < lease().total_seconds() / 3
    if not fresh and not renew(claim):
        return Outcome.SKIPPED
    return _send(claim, session=session)


def renew(claim: Claim) -> bool:
    """Extend a claim this sender still holds; False once it has lapsed to another sender."""
    return bool(_held(claim).update(claimed_until=timezone.now() + lease()))


def _held(claim: Claim) -> QuerySet[Notification]:
    return Notification.objects.filter(
        pk=claim.pk, status=Notification.Status.SENDING, claim_token=claim.token
    )


def _send(claim: Claim, *, session: Any = None) -> Outcome:
    """Send a notification held by `claim`; record what became of it while still holding it."""
    notification = _held(claim).select_related("data_key").first()
    if notification is None:  # gone, or its claim lapsed to another sender
        return Outcome.SKIPPED
    if notification.attempts > MAX_ATTEMPTS:  # a sender died during the last attempt
        return _record_failure(claim, attempts=notification.attempts, error=None)
    if stopped := email_stopped(notification.recipient_index):  # since it was queued
        _held(claim).update(status=Notification.Status.FAILED, claimed_until=None,
                            claim_token=None, last_error=f"Stopped ({stopped})")  # fmt: skip
        return Outcome.FAILED
    try:
        message = render_message(notification)
        if session is not None:
            message.connection = session
        with renewing(claim):
            message.send()
    except Exception as error:  # any backend failure: retry later, never raise
        if session is not None:
            session.close()  # never reuse a session that failed; the next send opens one
        return _record_failure(claim, attempts=notification.attempts, error=error)
    status = getattr(message, "anymail_status", None)
    esp_id = status.message_id if status is not None else None
    with transaction.atomic():  # on SQLite: queue for the write lock (ombuds.backends.sqlite3)
        _held(claim).update(
            status=Notification.Status.SENT,
            claimed_until=None,
            claim_token=None,
            sent_at=timezone.now(),
            last_error="",
            esp_message_id=str(esp_id)[:255] if isinstance(esp_id, str | int) else "",
        )
    return Outcome.SENT


@contextmanager
def renewing(claim: Claim) -> Iterator[None]:
    """Renew `claim` every third of the lease while the block runs (a slow relay or ESP), so
    that no other worker takes the row from a sender that is alive; one that dies stops
    renewing, and its rows are due again within one lease."""
    done = threading.Event()

    def beat() -> None:
        try:
            while not done.wait(lease().total_seconds() / 3):
                with transaction.atomic():
                    if not renew(claim):
                        return
        finally:
            connection.close()  # this thread's own connection

    heart = threading.Thread(target=beat, name=f"outbox-lease-{claim.pk}", daemon=True)
    heart.start()
    try:
        yield
    finally:
        done.set()
        heart.join()


def _record_failure(claim: Claim, *, attempts: int, error: Exception | None) -> Outcome:
    refused = error is not None and recipient_refused(error)
    final = refused or attempts >= MAX_ATTEMPTS or isinstance(error, crypto.DecryptionError)
    backoff = min(settings.OMBUDS_OUTBOX_BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)
    now = timezone.now()
    changes: dict[str, Any] = {
        "status": Notification.Status.FAILED if final else Notification.Status.PENDING,
        "claimed_until": None,
        "claim_token": None,
        "next_attempt_at": now if final else now + backoff,
        "last_error": describe(error),
    }
    if refused:
        changes["delivery_status"] = Notification.DeliveryStatus.REJECTED
        changes["delivery_updated_at"] = now
    if _held(claim).update(**changes) and refused:
        index, data_key_id = Notification.objects.values_list("recipient_index", "data_key_id").get(
            pk=claim.pk
        )
        suppress(index, reason=Suppression.Reason.REJECTED)
        undeliverable(data_key_id)
    # Ids, counts and error types only: the error text may hold the address.
    log = logger.error if final else logger.warning
    log("notification %s attempt %s failed: %s", claim.pk, attempts, describe(error))
    return Outcome.FAILED if final else Outcome.RETRY


def recipient_refused(error: Exception) -> bool:
    """The receiving side refused the address for good: retrying cannot help."""
    if isinstance(error, AnymailRecipientsRefused):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # RFC 3463: a 5xx reply with enhanced status 5.1.x is a bad address, not a policy or a
        # relay problem (those are worth retrying, as a misconfigured relay gets fixed).
        return all(
            code >= 500 and reply.startswith(b"5.1.") for code, reply in error.recipients.values()
        )
    return False


def describe(error: Exception | None) -> str:
    """The error's type and SMTP code: never its message, which may contain the address."""
    if error is None:
        return "Interrupted"
    code = getattr(error, "smtp_code", None) or getattr(error, "status_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = ",".join(sorted({str(code) for code, _reply in error.recipients.values()}))
    return f"{type(error).__name__} {code}".strip()[:200] if code else type(error).__name__[:200]
