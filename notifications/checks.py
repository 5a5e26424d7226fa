"""System checks for mail delivery settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_webhook_secret(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """An ESP backend without ANYMAIL_WEBHOOK_SECRET leaves /anymail/ open to forged events."""
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    if not settings.EMAIL_BACKEND.startswith("anymail.") or anymail.get("WEBHOOK_SECRET"):
        return []
    return [
        checks.Warning(
            "Anymail's tracking webhooks accept events from anyone.",
            hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:password' and give the ESP that "
            "basic-auth in the webhook URL.",
            id="notifications.W001",
        )
    ]
