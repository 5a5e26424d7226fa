"""Staff alerts: what happened on a member's cases, mailed at once or kept for a daily digest.

Staff addresses are not petitioner data, but an alert still carries no case content: the
reference, the state and a due date (docs/design.md §5). Each member chooses in their profile
(`User.alerts`) between an email per alert and one digest a day; a change to their own account
(a role, the second factor) is always mailed at once. Everything here is queued in the caller's
transaction, like `notify()`: a change that rolls back alerts nobody.

Reminders and digests are sent by `send_reminders` (in `cases`, which knows the deadlines):
each is recorded per day and key (`ReminderSent`, unique), in the transaction that queues it,
so that a second run the same day, here or on another host at the same moment, sends nothing
twice; on PostgreSQL the second insert of a key waits for the first transaction and then fails.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from notifications.events import DIGESTIBLE, AccountChange, Deadline, Event, checked
from notifications.models import HeldAlert, ReminderSent
from notifications.services import notify
from ombuds.models import DataKey, User

__all__ = [
    "DIGEST_LIMIT",
    "DueItem",
    "account_changed",
    "alert",
    "most_urgent",
    "notify_once",
    "recorded",
    "remind",
    "reminder_key",
    "send_digest",
]

# A digest lists this many alerts and deadlines at most, the most urgent deadlines first, and
# counts the rest ("and 12,345 more"): a member with thousands of cases due still gets a
# message one can read, and the overdue list holds them all.
DIGEST_LIMIT = 50

# Words for the codes reminders and digests carry (registered as labels in NotificationsConfig).
DEADLINES = {
    Deadline.ACKNOWLEDGE: _("the acknowledgement"),
    Deadline.SUPPLEMENT: _("the petitioner's supplement"),
    Deadline.REPLY: _("the respondent's reply"),
    Deadline.DECISION: _("the decision (processing deadline)"),
    Deadline.PLAN: _("an implementation plan"),
}
DIGEST_LINES = {
    Event.STAFF_ASSIGNED: _("assigned to you"),
    Event.STAFF_NEWS: _("new information from the petitioner"),
    Event.STAFF_FINDINGS: _("findings await a decision"),
    Event.STAFF_RECUSAL: _("a member recused themselves"),
    "due_acknowledge": _("acknowledgement due soon"),
    "overdue_acknowledge": _("acknowledgement overdue"),
    "due_supplement": _("supplement window closes soon"),
    "overdue_supplement": _("supplement window has closed"),
    "due_reply": _("respondent's reply due soon"),
    "overdue_reply": _("respondent's reply overdue"),
    "due_decision": _("decision due soon"),
    "overdue_decision": _("decision overdue"),
    "due_plan": _("implementation plan due soon"),
    "overdue_plan": _("implementation plan overdue"),
}


def _reachable(member: User) -> bool:
    return bool(member.is_active and member.email)


def alert(event: Event, *, member: User, context: dict[str, Any], data_key: DataKey) -> None:
    """Tell `member` of `event` (a staff alert) now, or hold it for their digest."""
    checked(event, context)
    if not _reachable(member):
        return
    if event in DIGESTIBLE and member.alerts == User.Alerts.DIGEST:
        HeldAlert.objects.create(member=member, event=event, context=context)
        return
    notify(event, to=member.email, language=member.language, context=context, data_key=data_key)


def account_changed(member: User, change: str, role: str) -> None:
    """A role or second-factor change on `member`'s account (`ombuds.account_changes` calls it)."""
    context = {"change": AccountChange(change).value, "role": role}  # an unknown one raises
    alert(Event.STAFF_ACCOUNT, member=member, context=context, data_key=DataKey.generate())


@dataclass(frozen=True, kw_only=True)
class DueItem:
    """A deadline within reach, for one member: coded values only."""

    reference: str
    state: str
    deadline: str  # notifications.events.Deadline
    due: date
    overdue: bool

    def digest_line(self) -> dict[str, Any]:
        what = f"{'overdue' if self.overdue else 'due'}_{self.deadline}"
        return {"reference": self.reference, "state": self.state, "due": self.due.isoformat(),
                "what": what}  # fmt: skip

    def urgency(self) -> tuple[date, str, str]:
        """Sorts the most urgent first: the earliest due (the longest overdue), then by case."""
        return self.due, self.reference, self.deadline

    def context(self) -> dict[str, Any]:
        return {"reference": self.reference, "state": self.state, "due": self.due.isoformat(),
                "deadline": self.deadline, "overdue": self.overdue}  # fmt: skip


def most_urgent(items: Sequence[DueItem], limit: int = DIGEST_LIMIT) -> list[DueItem]:
    """The `limit` most urgent of `items`, most urgent first."""
    return sorted(items, key=DueItem.urgency)[:limit]


def _first_time(day: date, key: str) -> bool:
    """Record `key` for `day`; False when it was already (by this run or another host's)."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            ReminderSent.objects.create(day=day, key=key)
    except IntegrityError:
        return False
    return True


def recorded(keys: Collection[str], *, since: date) -> set[tuple[date, str]]:
    """Which of `keys` are recorded, for which days from `since` on: a read that lets a run skip
    what went out already without a transaction for each (the unique record still decides
    whatever this did not find). Asks for a few hundred keys at a time (SQLite's bound
    variables)."""
    keys, found = list(keys), set()
    for start in range(0, len(keys), 500):
        chunk = ReminderSent.objects.filter(day__gte=since, key__in=keys[start : start + 500])
        found |= set(chunk.values_list("day", "key"))
    return found


def reminder_key(member: User, item: DueItem) -> str:
    return f"reminder:{member.pk}:{item.reference}:{item.deadline}"


def notify_once(event: Event, *, day: date, key: str, to: str, language: str,
                context: dict[str, Any], data_key: DataKey) -> bool:  # fmt: skip
    """Queue `event` for `to` unless `key` was recorded for `day` already (by any run, on any
    host); whether it was queued. A scheduled message to a petitioner (the follow-up notice)
    keyed on its own due day goes out once, whatever the number of runs."""
    if not to:
        return False
    with transaction.atomic(durable=True):
        if not _first_time(day, key):
            return False
        queued = notify(event, to=to, language=language, context=context, data_key=data_key)
    return queued is not None


def remind(member: User, item: DueItem, *, day: date, data_key: DataKey) -> bool:
    """Mail `member` a reminder of `item` unless it went out today; whether it was queued."""
    if not _reachable(member):
        return False
    with transaction.atomic(durable=True):
        if not _first_time(day, reminder_key(member, item)):
            return False
        notify(Event.STAFF_REMINDER, to=member.email, language=member.language,
               context=item.context(), data_key=data_key)  # fmt: skip
    return True


def send_digest(member: User, due: Sequence[DueItem], *, day: date, more: int = 0) -> bool:
    """Mail `member` one digest of their held alerts and of `due` unless one went out today;
    whether it was queued (nothing to say: nothing queued, and the day stays open). It lists
    `DIGEST_LIMIT` items at most: the held alerts in order, then the most urgent of `due`; the
    rest, and `more` deadlines the caller did not pass, are counted."""
    if not _reachable(member):
        return False
    with transaction.atomic(durable=True):
        held = list(
            HeldAlert.objects.select_for_update()
            .filter(member=member, digest_day=None)
            .order_by("created_at", "pk")
        )
        items = [{**alert.context, "what": alert.event} for alert in held[:DIGEST_LIMIT]]
        room = DIGEST_LIMIT - len(items)
        items += [item.digest_line() for item in most_urgent(due, room)]
        more += len(held) + len(due) - len(items)
        if not items or not _first_time(day, f"digest:{member.pk}"):
            return False
        HeldAlert.objects.filter(pk__in=[alert.pk for alert in held]).update(digest_day=day)
        notify(Event.STAFF_DIGEST, to=member.email, language=member.language,
               context={"day": day.isoformat(), "items": items, "more": more},
               data_key=DataKey.generate())  # fmt: skip
    return True
