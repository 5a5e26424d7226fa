"""Rendering: the recipient's language, a neutral subject (reference only), no case content."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from notifications.messages import render_message
from tests.notifications.support import PETITIONER, REFERENCE

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(django_settings.BASE_DIR) / "templates" / "notifications" / "email"
EVENTS = sorted(
    path.name.removesuffix(".subject.txt") for path in EMAIL_TEMPLATES.glob("*.subject.txt")
)
NEUTRAL_SUBJECTS = {
    f"[Ombudsperson] Your case reference {REFERENCE}",
    f"[Ombudsperson] News on your case {REFERENCE}",
}


@pytest.fixture
def probe_template(settings, tmp_path):
    """A template that prints the language it is rendered in."""
    folder = tmp_path / "notifications" / "email"
    folder.mkdir(parents=True)
    probe = "{% load i18n %}{% get_current_language as lang %}{{ lang }}"
    (folder / "probe.subject.txt").write_text(probe)
    (folder / "probe.txt").write_text(probe)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


@pytest.mark.parametrize(
    ("language", "rendered"), [("en", "en"), ("ko", "ko"), ("fr", "ko"), ("", "ko")]
)
def test_rendered_in_the_recipients_language_or_the_office_default(
    probe_template, queue, settings, language, rendered
):
    message = render_message(queue(event="probe", language=language))
    assert (message.subject, message.body) == (rendered, rendered)
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
