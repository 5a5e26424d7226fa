"""Render a notification as an email, in its recipient's language, with no case content.

Templates live in `templates/notifications/email/<event>.subject.txt` and `<event>.txt`. The
subject carries the case reference and a neutral phrase only; the body says what changed in one
neutral sentence and points to the tracking portal, where the details are.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from notifications.models import Notification


def message_language(notification: Notification) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return notification.language if notification.language in languages else settings.LANGUAGE_CODE


def render_message(notification: Notification) -> EmailMessage:
    """The email for `notification`; reading its recipient needs the row's data key."""
    base = f"notifications/email/{notification.event}"
    language = message_language(notification)
    context = {
        **notification.context,
        "site_url": settings.OMBUDS_SITE_URL.rstrip("/"),
        "office_name": settings.OMBUDS_OFFICE_NAME,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
        body = render_to_string(f"{base}.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={
            "Message-ID": notification.message_id,
            "Content-Language": language,
            # RFC 3834: an automatic message; asks auto-responders not to answer it.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    # django-anymail passes metadata to the ESP, which echoes it in its webhooks: an opaque id.
    message.metadata = {"notification": str(notification.uid)}  # type: ignore[attr-defined]
    message.tags = [notification.event]  # type: ignore[attr-defined]
    return message
