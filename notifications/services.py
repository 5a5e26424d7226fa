"""Queue notifications inside the caller's transaction; deliver them outside any transaction.

Other apps call `notify()` and never send mail themselves. `deliver()` claims a row with a
conditional update (so several workers and hosts can run at once), sends through Django's email
backend (django-anymail in production), and backs off by doubling after a failure until the last
attempt, when the row is marked failed for staff to see.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Notification
from ombuds import crypto
from ombuds.models import DataKey

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(minutes=1)
CLAIM_FOR = timedelta(minutes=5)


def notify(
    event: str, *, to: str, language: str, context: dict[str, Any], data_key: DataKey
) -> Notification | None:
    """Queue `event` for `to` in the caller's transaction; try to send once it commits."""
    if not to:
        return None
    notification = Notification.objects.create(
        event=event,
        language=language,
        recipient=to,
        recipient_index=crypto.blind_index(to, purpose="email"),
        context=context,
        data_key=data_key,
    )
    if getattr(settings, "OMBUDS_SEND_ON_COMMIT", True):
        transaction.on_commit(lambda: deliver(notification.pk))
    return notification


def _claim(notification_id: int) -> bool:
    now = timezone.now()
    due = Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_until__lt=now
    )
    claimed = Notification.objects.filter(due, pk=notification_id).update(
        status=Notification.Status.SENDING, claimed_until=now + CLAIM_FOR
    )
    return claimed == 1


def render_message(notification: Notification) -> EmailMultiAlternatives:
    base = f"notifications/email/{notification.event}"
    context = {**notification.context, "site_url": settings.OMBUDS_SITE_URL}
    with translation.override(notification.language):
        subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
        body = render_to_string(f"{base}.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"Message-ID": notification.message_id},
    )
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message


def deliver(notification_id: int) -> bool:
    """Send one notification if it is due and nobody else holds it; True when it went out."""
    if not _claim(notification_id):
        return False
    notification = Notification.objects.select_related("data_key").get(pk=notification_id)
    attempts = notification.attempts + 1
    try:
        render_message(notification).send()
    except Exception as error:
        failed = attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            attempts=attempts,
            claimed_until=None,
            next_attempt_at=timezone.now() + BASE_BACKOFF * 2 ** (attempts - 1),
            last_error=type(error).__name__[:200],
        )
        logger.warning(
            "notification %s attempt %s failed: %s", notification_id, attempts, type(error).__name__
        )
        return False
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT,
        attempts=attempts,
        claimed_until=None,
        sent_at=timezone.now(),
        last_error="",
    )
    return True


def due_notification_ids(limit: int) -> list[int]:
    now = timezone.now()
    due = Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_until__lt=now
    )
    ids = Notification.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)
    return list(ids[:limit])
