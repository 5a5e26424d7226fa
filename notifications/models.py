"""The outbox: a notification is a row written in the same transaction as the change behind it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ombuds.fields import SealedTextField
from ombuds.models import SealedModel


class Notification(SealedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed after every attempt")

    event = models.CharField(max_length=40)
    language = models.CharField(max_length=2)
    recipient = SealedTextField()
    recipient_index = models.CharField(max_length=32, db_index=True)
    # Only coded values (reference, states): never personal data or case content.
    context = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivery_status = models.CharField(max_length=20, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.event} notification {self.pk} ({self.status})"

    @property
    def message_id(self) -> str:
        """A stable Message-ID, so a retried send is recognisably the same message."""
        return f"<{self.uid}@ombuds.notifications>"
