"""The core models that every app uses: staff accounts, data keys, and the sealed-model base."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ombuds import crypto
from ombuds.roles import Role


class User(AbstractUser):
    """A staff account. Roles are groups (see `ombuds.roles`); petitioners have no account.

    Each member chooses the language of the mail they get and whether case alerts arrive one by
    one or in one daily digest (`notifications.alerts`); `/staff/profile/` changes both.
    """

    class Language(models.TextChoices):
        KOREAN = "ko", "한국어"
        ENGLISH = "en", "English"

    class Alerts(models.TextChoices):
        IMMEDIATE = "immediate", _("Each alert as it happens")
        DIGEST = "digest", _("One daily digest")

    language = models.CharField(
        _("language of my emails"), max_length=2, choices=Language.choices, default="ko"
    )
    alerts = models.CharField(
        _("case alerts"), max_length=9, choices=Alerts.choices, default=Alerts.IMMEDIATE
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")


class DataKey(models.Model):
    """A random data key, stored wrapped by a key-encryption key; one per case.

    Destroying it (`shred`) makes everything sealed with it unreadable: crypto-shredding.
    """

    kek_id = models.CharField(max_length=32, db_index=True)
    wrapped: models.BinaryField[bytes | None, bytes | None] = models.BinaryField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    shredded_at = models.DateTimeField(null=True, blank=True)

    _secret: bytes | None = None  # the unwrapped key, cached per instance

    class Meta:
        verbose_name = _("data key")

    def __str__(self) -> str:
        return f"data key {self.pk} ({self.kek_id})"

    @classmethod
    def generate(cls) -> DataKey:
        secret = secrets.token_bytes(crypto.KEY_BYTES)
        kek_id, wrapped = crypto.wrap_data_key(secret)
        key = cls.objects.create(kek_id=kek_id, wrapped=wrapped)
        key._secret = secret
        return key

    def secret(self) -> bytes:
        cached = self._secret
        if cached is None:
            if self.wrapped is None:
                raise crypto.DecryptionError("this data key has been destroyed")
            cached = crypto.unwrap_data_key(self.kek_id, bytes(self.wrapped))
            self._secret = cached
        return cached

    def rewrap(self) -> None:
        """Wrap this key with the primary KEK (key rotation); the data itself is untouched."""
        self.kek_id, self.wrapped = crypto.wrap_data_key(self.secret())
        self.save(update_fields=["kek_id", "wrapped"])

    def shred(self) -> None:
        self.wrapped = None
        self._secret = None
        self.shredded_at = timezone.now()
        self.save(update_fields=["wrapped", "shredded_at"])


class SealedModel(models.Model):
    """A row with encrypted fields: `uid` names it in the encryption context."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Throttle(models.Model):
    """A fixed-window counter per (action, client): shared by every app process and host."""

    bucket = models.CharField(max_length=40)
    slot = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "slot"], name="throttle_bucket_slot"),
        ]

    def __str__(self) -> str:
        return f"throttle {self.bucket[:8]}…@{self.slot}"


class AccessLogEntry(models.Model):
    """One access to personal data (PIPA Art. 8): who, when, from where, whose data, what.

    Rows form a hash chain (`ombuds.accesslog`): each stores the previous row's MAC and its own
    MAC over that and its canonical serialisation, so that editing or deleting a row shows.
    The case is named by its reference only: this core app never imports `cases`.
    """

    at = models.DateTimeField(default=timezone.now)
    # None for what the system does on its own (a scheduled erasure, say).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    client_address = models.CharField(max_length=45, blank=True)
    action = models.CharField(max_length=40)
    case_reference = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=100, blank=True)
    previous_mac = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64, blank=True)
    mac_key_id = models.CharField(max_length=32, blank=True)  # the index key of `mac` (crypto)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        # Keyset pagination, newest first, alone or filtered by one column.
        indexes = [
            models.Index(fields=["at", "id"], name="accesslog_at"),
            models.Index(fields=["user", "at", "id"], name="accesslog_user_at"),
            models.Index(fields=["case_reference", "at", "id"], name="accesslog_case_at"),
            models.Index(fields=["action", "at", "id"], name="accesslog_action_at"),
        ]

    def __str__(self) -> str:
        return f"access {self.pk} {self.action}"


class AccessLogAnchor(models.Model):
    """Where the chain starts after a purge: the MAC of the last row deleted, itself keyed."""

    created_at = models.DateTimeField(default=timezone.now)
    last_id = models.BigIntegerField()
    last_mac = models.CharField(max_length=64)
    rows_purged = models.BigIntegerField()
    mac = models.CharField(max_length=64)
    mac_key_id = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("access log anchor")

    def __str__(self) -> str:
        return f"access log anchor after row {self.last_id}"


class DutyRequest(models.Model):
    """A change to who may reach case data, waiting for a second person (`ombuds.duties`).

    A system administrator asks; an ombudsperson who is neither the asker nor the subject
    approves or refuses before `expires_at`; only an approval changes anything.
    """

    class Kind(models.TextChoices):
        GRANT_ROLE = "grant_role", _("Grant a case role")
        REVOKE_ROLE = "revoke_role", _("Remove a case role")
        RESET_PASSWORD = "reset_password", _("Reset the password")
        RESET_SECOND_FACTOR = "reset_second_factor", _("Reset the second factor")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved and carried out")
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired without a decision")
        USED = "used", _("Approved; the new password was set")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_requests"
    )
    role = models.CharField(max_length=24, choices=Role.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("two-person request")
        indexes = [models.Index(fields=["status", "expires_at"], name="duty_pending")]

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk} ({self.status})"
