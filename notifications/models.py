"""The outbox: a notification is a row written in the same transaction as the change behind it."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
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

    class DeliveryStatus(models.TextChoices):
        """What the receiving side said, from the ESP's webhooks or the SMTP conversation."""

        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")
        REJECTED = "rejected", _("Address refused")
        COMPLAINED = "complained", _("Marked as spam by the recipient")

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
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus.choices, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)
    # The worker's claim: only the holder of this token may record the outcome of a send.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    # The id the ESP gave the message when it accepted it; webhooks name the message by it.
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.event} notification {self.pk} ({self.status})"

    @property
    def message_id(self) -> str:
        """A stable Message-ID under the sender's domain: a retried send is the same message.

        Short enough (uid in hex) that the header is not folded for usual domain lengths.
        """
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
        return f"<{self.uid.hex}@{domain or 'ombuds.localhost'}>"


class Suppression(models.Model):
    """An address no notification goes to: its owner stopped email, or it bounced for good, was
    refused, or marked a message as spam. Keyed by the address's blind index (no address)."""

    class Reason(models.TextChoices):
        OPTED_OUT = "opted_out", _("The petitioner stopped email")
        BOUNCED = "bounced", _("Bounced")
        REJECTED = "rejected", _("Address refused")
        COMPLAINED = "complained", _("Marked as spam by the recipient")

    recipient_index = models.CharField(max_length=32, unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"suppression {self.recipient_index[:8]}… ({self.reason})"


class HeldAlert(models.Model):
    """A staff alert kept for the member's daily digest (they chose it over immediate mail).

    Coded values only, as a notification's context: the case reference, state and due date.
    `send_reminders` lists the held alerts in the next digest and stamps them with its day.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    digest_day = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "digest_day"], name="held_alert_member")]

    def __str__(self) -> str:
        return f"{self.event} held for member {self.member_id}"


class ReminderSent(models.Model):
    """What `send_reminders` queued on a day, by key (a member's digest, or one reminder of one
    deadline to one member): the unique pair makes a second run that day, on this host or any
    other at the same moment, queue nothing twice."""

    day = models.DateField()
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "key"], name="reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.key} on {self.day}"
