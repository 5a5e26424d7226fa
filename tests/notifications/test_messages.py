"""Rendering: the recipient's language, a neutral subject (reference only), no case content."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from notifications.events import CONTEXT, Event
from notifications.messages import render_message
from tests.notifications.support import PETITIONER, REFERENCE

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(django_settings.BASE_DIR) / "templates" / "notifications" / "email"
EVENTS = sorted(event for event in Event if event not in CONTEXT)  # the reference alone
NEUTRAL_SUBJECTS = {
    f"[Ombudsperson] Your case reference {REFERENCE}",
    f"[Ombudsperson] News on your case {REFERENCE}",
}


@pytest.mark.parametrize(
    ("language", "rendered", "subject"),
    [
        ("en", "en", f"[Ombudsperson] Your case reference {REFERENCE}"),
        ("ko", "ko", f"[시민인권보호관] 사건번호 {REFERENCE} 접수 안내"),
        ("fr", "ko", f"[시민인권보호관] 사건번호 {REFERENCE} 접수 안내"),
        ("", "ko", f"[시민인권보호관] 사건번호 {REFERENCE} 접수 안내"),
    ],
)
def test_rendered_in_the_recipients_language_or_the_office_default(
    queue, language, rendered, subject
):
    message = render_message(queue(event="case_received", language=language))
    assert message.subject == subject
    assert message.extra_headers["Content-Language"] == rendered


def test_every_event_has_a_template_set():
    assert EVENTS, "no email templates found"
    for event in EVENTS:
        assert (EMAIL_TEMPLATES / f"{event}.txt").exists(), event


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_subject_is_neutral_and_body_points_to_the_portal(queue, settings, event, language):
    settings.OMBUDS_SITE_URL = "https://ombuds.example.org/"
    message = render_message(queue(event=event, language=language))
    if language == "en":
        assert message.subject in NEUTRAL_SUBJECTS
    assert REFERENCE in message.subject
    assert PETITIONER not in message.subject + message.body
    assert "https://ombuds.example.org/track/" in message.body
    assert message.to == [PETITIONER]
