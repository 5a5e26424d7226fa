"""Test support for the outbox: a real SMTP server (aiosmtpd, in a thread) and helpers."""

from __future__ import annotations

import email
import socket
from collections.abc import Callable
from datetime import timedelta
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from django.utils import timezone

from notifications.models import Notification

PETITIONER = "minji.kim@example.org"
REFERENCE = "OMB-2026-00042"
# Placed in test cases (tests.factories, the workflow's messages and notes): none may appear in
# any message to staff.
CANARIES = ("김민지", PETITIONER, "010-2345-6789", "휠체어", "동구청", "Canary narrative",
            "Canary note", "Please send the date", "Findings: violation found")  # fmt: skip


class SMTPServer:
    """Collects every message it accepts; can refuse addresses, stop and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}  # address -> SMTP reply to RCPT TO
        self.on_message: Callable[[], None] | None = None
        self.controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if reply := self.refuse.get(address):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.on_message:
            self.on_message()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_due(notification: Notification) -> None:
    """Bring a notification's next attempt into the past instead of sleeping."""
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def drain() -> int:
    """Deliver every notification due, as the worker would; how many were sent."""
    from notifications.services import Outcome, deliver, due_notification_ids

    return sum(deliver(pk) == Outcome.SENT for pk in due_notification_ids(10_000))


def mailbox(server: SMTPServer) -> dict[str, list[EmailMessage]]:
    """What each recipient received, by address."""
    boxes: dict[str, list[EmailMessage]] = {}
    for message in server.received:
        boxes.setdefault(str(message["To"]), []).append(message)
    return boxes


def staff_mailbox(server: SMTPServer) -> dict[str, list[EmailMessage]]:
    """What each staff member received (the petitioner's mail set aside), once every due
    notification is delivered; fails on any canary in a staff message."""
    drain()
    boxes = mailbox(server)
    boxes.pop(PETITIONER, None)
    for messages in boxes.values():
        for message in messages:
            text = str(message["Subject"]) + message.get_content()
            assert not [canary for canary in CANARIES if canary in text]
            assert message["Auto-Submitted"] == "auto-generated"
    return boxes
