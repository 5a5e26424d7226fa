"""Fixtures for the outbox tests: a live SMTP server behind Django's SMTP backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from notifications.models import Notification
from notifications.services import notify
from ombuds.models import DataKey
from tests.notifications.support import PETITIONER, REFERENCE, SMTPServer, free_port


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    """Django's SMTP backend pointed at a live aiosmtpd server."""
    server = SMTPServer(free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Ombuds <no-reply@ombuds.example.org>"
    yield server
    server.stop()


@pytest.fixture
def data_key(db: None) -> DataKey:
    return DataKey.generate()


@pytest.fixture
def queue(data_key: DataKey) -> Callable[..., Notification]:
    """Queue a notification as another app would (commit handling is the test's business)."""

    def make(
        to: str = PETITIONER, event: str = "case_received", language: str = "ko"
    ) -> Notification:
        notification = notify(
            event, to=to, language=language, context={"reference": REFERENCE}, data_key=data_key
        )
        assert notification is not None
        return notification

    return make


@pytest.fixture
def crew(db: None) -> Any:
    """The staff of a small office, each with an address: two of every case role."""
    from tests.conftest import make_staff
    from tests.workflow import Staff

    def member(username: str, role: str) -> Any:
        user = make_staff(username, role)
        user.email = f"{username}@office.example.org"
        user.save(update_fields=["email"])
        return user

    crew = Staff(intake=member("intake", "intake_officer"),
                 investigator=member("investigator", "investigator"),
                 ombudsperson=member("ombudsperson", "ombudsperson"))  # fmt: skip
    crew.intake2 = member("intake2", "intake_officer")  # type: ignore[attr-defined]
    crew.investigator2 = member("investigator2", "investigator")  # type: ignore[attr-defined]
    crew.ombudsperson2 = member("ombudsperson2", "ombudsperson")  # type: ignore[attr-defined]
    return crew
