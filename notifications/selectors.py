"""Reads about notifications for other apps' pages (no personal data: blind indexes only)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from notifications.models import Notification

UNREACHABLE = {
    Notification.DeliveryStatus.BOUNCED,
    Notification.DeliveryStatus.REJECTED,
    Notification.DeliveryStatus.COMPLAINED,
}


def unreachable_recipients(*, indexes: Iterable[str]) -> dict[str, str]:
    """Which of these email blind indexes staff must reach another way, and why.

    An address counts as unreachable when the latest notification to it whose fate is known
    bounced, was refused, was marked as spam, or failed every attempt; a later delivered
    notification clears it. The reason is a `DeliveryStatus` value or `"failed"`.
    """
    wanted = {index for index in indexes if index}
    if not wanted:
        return {}
    rows = (
        Notification.objects.filter(recipient_index__in=wanted)
        .filter(Q(status=Notification.Status.FAILED) | ~Q(delivery_status=""))
        .order_by("created_at", "pk")
        .values_list("recipient_index", "status", "delivery_status")
    )
    verdicts: dict[str, str] = {}
    for index, status, delivery in rows:
        if delivery == Notification.DeliveryStatus.DELIVERED:
            verdicts.pop(index, None)
        elif delivery in UNREACHABLE:
            verdicts[index] = delivery
        elif status == Notification.Status.FAILED:
            verdicts[index] = Notification.Status.FAILED.value
    return verdicts


def bounced_recipient_indexes(*, indexes: Iterable[str]) -> set[str]:
    """The subset of these email blind indexes that staff must reach another way."""
    return set(unreachable_recipients(indexes=indexes))


def oldest_due_seconds() -> int:
    """How long the oldest message due now has waited (0: none): the worker's lag, for
    `/healthz` and monitoring. Reads the `outbox_due` index only."""
    oldest = (
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return 0 if oldest is None else int((timezone.now() - oldest).total_seconds())
