"""Every notification Ombuds sends, declared once (docs/design.md §5).

`notify()` accepts only these events and only their declared context: a misspelt event or a
missing value fails where it is queued (and in the tests, which render every event in every
language), never hours later in the worker. Context values are coded (a reference, a date, a
category code, a public body's name): never a person's name, a narrative or a note. Codes are
put into words when the message is rendered, in the recipient's language, through the labels
the owning app registers (`notifications.labels`), so this app imports no other.
"""

from __future__ import annotations

import enum
from typing import Any


class Event(enum.StrEnum):
    CASE_RECEIVED = "case_received"
    CASE_ACKNOWLEDGED = "case_acknowledged"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    CASE_ACCEPTED = "case_accepted"
    MEDIATION_STARTED = "mediation_started"
    MEDIATION_ENDED = "mediation_ended"
    CASE_INADMISSIBLE = "case_inadmissible"
    CASE_TRANSFERRED = "case_transferred"
    CASE_NOT_SUPPLEMENTED = "case_not_supplemented"
    CASE_DISMISSED = "case_dismissed"
    CASE_UPHELD = "case_upheld"
    CASE_SETTLED = "case_settled"
    CASE_WITHDRAWN = "case_withdrawn"
    DEADLINE_EXTENDED = "deadline_extended"
    MONITORING_CLOSED = "monitoring_closed"
    CASE_REOPENED = "case_reopened"
    FOLLOW_UP = "follow_up"
    CASE_UPDATED = "case_updated"  # any other step the petitioner is told of
    # To staff: no case content, ever.
    STAFF_DUTY = "staff_duty"  # a two-person request asked, approved or refused
    # Staff alerts (notifications.alerts): reference, state and due date, nothing else.
    STAFF_ASSIGNED = "staff_assigned"  # a case assigned to the recipient
    STAFF_NEWS = "staff_news"  # the petitioner added information to the recipient's case
    STAFF_FINDINGS = "staff_findings"  # findings await the ombudsperson's decision
    STAFF_RECUSAL = "staff_recusal"  # someone working the case recused themselves
    STAFF_REMINDER = "staff_reminder"  # a deadline within 3 business days, or past
    STAFF_ACCOUNT = "staff_account"  # a role or second-factor change on the recipient's account
    STAFF_DIGEST = "staff_digest"  # the day's alerts and deadlines in one message


# What each event's message needs besides the case reference (ISO dates, codes, counts).
CONTEXT: dict[Event, frozenset[str]] = {
    Event.SUPPLEMENT_REQUESTED: frozenset({"due"}),
    Event.CASE_INADMISSIBLE: frozenset({"ground"}),
    Event.CASE_TRANSFERRED: frozenset({"body", "body_reference"}),
    Event.CASE_UPHELD: frozenset({"recommendations"}),
    Event.DEADLINE_EXTENDED: frozenset({"due"}),
    # How many recommendations were implemented, partly, refused or still open at closure.
    Event.MONITORING_CLOSED: frozenset({"implemented", "partly", "refused", "still_open"}),
    # Whether the case is still open (its tracking page takes news) or closed.
    Event.FOLLOW_UP: frozenset({"open"}),
    Event.STAFF_DUTY: frozenset({"step"}),
    Event.STAFF_ASSIGNED: frozenset({"state", "due"}),
    Event.STAFF_NEWS: frozenset({"state", "due"}),
    Event.STAFF_FINDINGS: frozenset({"state", "due"}),
    Event.STAFF_RECUSAL: frozenset({"state", "due"}),
    Event.STAFF_REMINDER: frozenset({"state", "due", "deadline", "overdue"}),
    # No case: the account's change, and the digest's day with its items (each a reference,
    # a state, a due date and what happened or what is due: `DIGEST_ITEM`).
    Event.STAFF_ACCOUNT: frozenset({"change", "role"}),
    Event.STAFF_DIGEST: frozenset({"day", "items", "more"}),  # more: how many not listed
}
# Events about no case carry no reference.
NO_REFERENCE = frozenset({Event.STAFF_ACCOUNT, Event.STAFF_DIGEST})
DIGEST_ITEM = frozenset({"reference", "state", "due", "what"})
# The alerts a member may take in the daily digest instead (an account change never waits).
DIGESTIBLE = frozenset(
    {Event.STAFF_ASSIGNED, Event.STAFF_NEWS, Event.STAFF_FINDINGS, Event.STAFF_RECUSAL}
)


class Deadline(enum.StrEnum):
    """The deadlines a reminder is about (`cases.reminders` computes them)."""

    ACKNOWLEDGE = "acknowledge"
    SUPPLEMENT = "supplement"
    REPLY = "reply"
    DECISION = "decision"
    PLAN = "plan"


class AccountChange(enum.StrEnum):
    ROLE_GRANTED = "role_granted"
    ROLE_REMOVED = "role_removed"
    SECOND_FACTOR_RESET = "second_factor_reset"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
    BACKUP_CODES_RENEWED = "backup_codes_renewed"


class UndeclaredNotificationError(ValueError):
    """An event that is not declared, or a context that does not match its declaration."""


def checked(event: str, context: dict[str, Any]) -> Event:
    """`event` as a declared Event, once its context holds exactly what it declares."""
    try:
        declared = Event(event)
    except ValueError:
        raise UndeclaredNotificationError(f"no such notification event: {event!r}") from None
    expected = CONTEXT.get(declared, frozenset())
    if declared not in NO_REFERENCE:
        expected |= {"reference"}
    if set(context) != expected:
        raise UndeclaredNotificationError(
            f"{declared} takes {sorted(expected)}, was given {sorted(context)}"
        )
    if declared == Event.STAFF_DIGEST and any(
        set(item) != DIGEST_ITEM for item in context["items"]
    ):
        raise UndeclaredNotificationError(f"each item of a digest takes {sorted(DIGEST_ITEM)}")
    return declared
