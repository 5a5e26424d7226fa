"""Every declared event renders in both languages, says what happened, and carries no case
content; an undeclared event or context fails where it is queued."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from notifications.events import CONTEXT, NO_REFERENCE, Event, UndeclaredNotificationError
from notifications.messages import render_message
from notifications.services import notify
from tests.notifications.support import PETITIONER, REFERENCE

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(django_settings.BASE_DIR) / "templates" / "notifications" / "email"
SAMPLE = {
    "due": "2026-12-24",
    "ground": "outside_jurisdiction",
    "body": "National Human Rights Commission of Korea",
    "body_reference": "26-JIN-0001234",
    "recommendations": 2,
    "implemented": 1,
    "partly": 2,
    "refused": 3,
    "still_open": 4,
    "step": "requested",
    "open": True,
    "state": "investigation",
    "deadline": "reply",
    "overdue": False,
    "change": "role_granted",
    "role": "investigator",
    "day": "2026-12-21",
    "items": [{"reference": REFERENCE, "state": "received", "due": "2026-12-24",
               "what": "due_acknowledge"}],
    "more": 0,
}  # fmt: skip
# What each message must say, in English, beyond the reference.
SAYS = {
    Event.SUPPLEMENT_REQUESTED: "Dec. 24, 2026",
    Event.CASE_INADMISSIBLE: "Outside the ombudsperson's jurisdiction",
    Event.CASE_TRANSFERRED: "National Human Rights Commission of Korea",
    Event.CASE_UPHELD: "issued 2 recommendations",
    Event.DEADLINE_EXTENDED: "Dec. 24, 2026",
    Event.MONITORING_CLOSED: "put into practice: 1",
    Event.STAFF_ASSIGNED: "Processing deadline: Dec. 24, 2026",
    Event.STAFF_NEWS: "State: Investigation",
    Event.STAFF_REMINDER: "the respondent's reply is due on Dec. 24, 2026",
    Event.STAFF_ACCOUNT: "You were given the role: Investigator.",
    Event.STAFF_DIGEST: f"- {REFERENCE} (Received): acknowledgement due soon — due Dec. 24, 2026",
}
SAYS_KO = {
    Event.SUPPLEMENT_REQUESTED: "2026년 12월 24일",
    Event.CASE_INADMISSIBLE: "사유: 시민인권보호관의 조사 대상이 아님.",
    Event.CASE_UPHELD: "2",
}


def context_of(event: Event) -> dict[str, object]:
    reference = {} if event in NO_REFERENCE else {"reference": REFERENCE}
    return {**reference, **{k: SAMPLE[k] for k in CONTEXT.get(event, ())}}


def test_every_template_is_a_declared_event_and_every_event_has_its_templates():
    on_disk = {p.name.removesuffix(".subject.txt") for p in EMAIL_TEMPLATES.glob("*.subject.txt")}
    assert on_disk == set(Event)
    for event in Event:
        assert (EMAIL_TEMPLATES / f"{event}.txt").exists(), event


@pytest.mark.parametrize("event", list(Event))
@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_event_renders_what_happened_in_both_languages(data_key, event, language):
    notification = notify(event, to=PETITIONER, language=language, context=context_of(event),
                          data_key=data_key)  # fmt: skip
    assert notification is not None
    message = render_message(notification)
    if event not in NO_REFERENCE:
        assert REFERENCE in message.subject
    if event != Event.STAFF_ACCOUNT:
        assert REFERENCE in message.body
    assert PETITIONER not in message.subject + message.body
    assert ("/staff/" if event.startswith("staff_") else "/track/") in message.body
    assert "/track/" not in message.body or not event.startswith("staff_")
    assert "{{" not in message.body
    says = (SAYS if language == "en" else SAYS_KO).get(event)
    if says:
        assert says in message.body
    if language == "ko":
        first_line = message.body.splitlines()[0]
        assert not any(word in first_line for word in ("complaint", "case", "We "))


def test_an_undeclared_event_fails_where_it_is_queued(data_key):
    with pytest.raises(UndeclaredNotificationError, match="no such notification event"):
        notify("case_recieved", to=PETITIONER, language="ko", context={"reference": REFERENCE},
               data_key=data_key)  # fmt: skip


@pytest.mark.parametrize(
    "context",
    [{"reference": REFERENCE}, {"reference": REFERENCE, "due": "2026-12-24", "name": "김민지"}],
    ids=["missing the deadline", "with a name"],
)
def test_a_context_other_than_declared_fails(data_key, context):
    with pytest.raises(UndeclaredNotificationError, match="takes"):
        notify(Event.SUPPLEMENT_REQUESTED, to=PETITIONER, language="ko", context=context,
               data_key=data_key)  # fmt: skip
