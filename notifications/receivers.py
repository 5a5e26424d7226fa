"""ESP webhooks: django-anymail's `tracking` signal records what became of a sent notification.

This is the one signal receiver in the project (STYLE.md). The ESP names the message by the id
it gave at send time (stored as `esp_message_id`), by the metadata we attached (the
notification's `uid`), or, for SMTP-style ESPs, by our own Message-ID. An event for a message
that is not ours, or whose recipient does not match, is ignored: the ESP must not retry it.
"""

from __future__ import annotations

import logging
import operator
import re
import uuid
from functools import reduce
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from notifications.models import Notification, Suppression
from notifications.services import suppress, undeliverable
from ombuds import crypto

logger = logging.getLogger(__name__)

RECORDED = {
    EventType.DELIVERED: Notification.DeliveryStatus.DELIVERED,
    EventType.BOUNCED: Notification.DeliveryStatus.BOUNCED,
    EventType.REJECTED: Notification.DeliveryStatus.REJECTED,
    EventType.COMPLAINED: Notification.DeliveryStatus.COMPLAINED,
}
# What stops all further mail to an address: a hard bounce, a refusal, a spam complaint.
SUPPRESSES = {
    Notification.DeliveryStatus.BOUNCED: Suppression.Reason.BOUNCED,
    Notification.DeliveryStatus.REJECTED: Suppression.Reason.REJECTED,
    Notification.DeliveryStatus.COMPLAINED: Suppression.Reason.COMPLAINED,
}
# What says the message never arrived (a spam complaint means it did).
UNDELIVERABLE = {Notification.DeliveryStatus.BOUNCED, Notification.DeliveryStatus.REJECTED}
_OUR_MESSAGE_ID = re.compile(r"<?([0-9a-f]{32})@", re.IGNORECASE)


def _uid(text: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def _matches(event: AnymailTrackingEvent) -> list[Q]:
    matches: list[Q] = []
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    if uid := _uid(metadata.get("notification")):
        matches.append(Q(uid=uid))
    if event.message_id:
        message_id = str(event.message_id)
        matches.append(Q(esp_message_id=message_id[:255]))
        if (ours := _OUR_MESSAGE_ID.match(message_id)) and (uid := _uid(ours.group(1))):
            matches.append(Q(uid=uid))
    return matches


def find_notification(event: AnymailTrackingEvent) -> Notification | None:
    """The notification an event is about, if it is one of ours and the recipient matches."""
    matches = _matches(event)
    if not matches:
        return None
    candidates = Notification.objects.filter(reduce(operator.or_, matches)).exclude(
        status=Notification.Status.PENDING
    )
    # Under every configured index key: a message queued before a rotation keeps the old one.
    recipient = crypto.blind_indexes(str(event.recipient or ""), purpose="email")
    for notification in candidates.order_by("-pk")[:5]:
        if not any(recipient.values()) or notification.recipient_index in recipient.values():
            return notification
    return None


def record_tracking_event(event: AnymailTrackingEvent) -> bool:
    """Record delivered / bounced / rejected / complained; True when the notification changed.

    Events may arrive late or out of order: a later event wins, an older one is ignored.
    """
    status = RECORDED.get(event.event_type)
    if status is None:
        return False
    notification = find_notification(event)
    if notification is None:
        logger.info("tracking event %s for an unknown message ignored", event.event_type)
        return False
    at = event.timestamp or timezone.now()
    newer = Q(delivery_updated_at__isnull=True) | Q(delivery_updated_at__lte=at)
    changed = (
        Notification.objects.filter(newer, pk=notification.pk)
        .exclude(delivery_status=status, delivery_updated_at=at)
        .update(delivery_status=status, delivery_updated_at=at)
    )
    if changed:
        logger.info("notification %s: %s", notification.pk, status)
    if status in SUPPRESSES:
        suppress(notification.recipient_index, reason=SUPPRESSES[status])
        if changed and status in UNDELIVERABLE:
            undeliverable(notification.data_key_id)
    elif status == Notification.DeliveryStatus.DELIVERED:  # a bounce before it was transient
        Suppression.objects.filter(
            recipient_index=notification.recipient_index,
            reason=Suppression.Reason.BOUNCED,
            since__lte=at,
        ).delete()
    return bool(changed)


@receiver(tracking, dispatch_uid="notifications.record_tracking_event")
def on_tracking(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    record_tracking_event(event)
