"""Deadlines within reach, for the daily `send_reminders` (issue #11, docs/design.md §5).

A deadline is within reach when it falls within `SOON_BUSINESS_DAYS` business days (Korean
public holidays and weekends do not count: `cases.clocks`) or has passed. Each open case has
these deadlines, read from the clocks the workflow keeps:

| deadline | while the case is | from |
| --- | --- | --- |
| acknowledgement | received | `Case.acknowledge_due` |
| supplement | awaiting a supplement | `Case.supplement_due` |
| respondent reply | in investigation or mediation | `Case.reply_due` |
| decision | being processed and not paused | `Case.due_date` (a pause moves it on resumption) |
| implementation plan | in monitoring, a recommendation unanswered | `Recommendation.plan_due` |

The petitioner of a decided case (dismissed, or upheld and monitored) is sent the follow-up
notice (`Event.FOLLOW_UP`) 60 days after the decision (`clocks.FOLLOW_UP_DAYS`, moved to a
business day), once: it is recorded under its due day. A run missed for up to
`FOLLOW_UP_CATCH_UP_DAYS` still sends it; older decisions are never searched.

Who is reminded: in the intake states, the intake officers; in investigation, mediation and
monitoring, the assigned investigator; in deliberation, the ombudspersons; an ombudsperson
whenever nobody else would be. Never a member recused from the case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from cases import clocks
from cases.models import INTAKE_STATES, PROCESSING, Case, Outcome, Recommendation, State
from cases.services import petitioner_email
from notifications.alerts import (
    DIGEST_LIMIT,
    DueItem,
    most_urgent,
    notify_once,
    recorded,
    remind,
    reminder_key,
    send_digest,
)
from notifications.events import Deadline, Event
from ombuds.models import User
from ombuds.roles import Role

SOON_BUSINESS_DAYS = 3
FOLLOW_UP_CATCH_UP_DAYS = 14
BATCH = 5000  # case primary keys read at a time
# What a reminder reads of a case (`_deadlines`, `Staff.responsible`, `DueItem`): not its
# sealed text nor the rest, which would only be converted and kept.
CASE_FIELDS = ("reference", "state", "acknowledge_due", "supplement_due", "reply_due",
               "due_date", "paused_since", "assigned_to", "data_key")  # fmt: skip
ASSIGNED_STATES = {State.INVESTIGATION, State.MEDIATION, State.MONITORING}


def horizon(today: date) -> date:
    """The last day a deadline may fall on to be within reach."""
    return clocks.add_business_days(today, SOON_BUSINESS_DAYS)


def _deadlines(case: Case, plan_due: date | None) -> Iterator[tuple[Deadline, date]]:
    if case.state == State.RECEIVED and case.acknowledge_due:
        yield Deadline.ACKNOWLEDGE, case.acknowledge_due
    if case.state == State.AWAITING_SUPPLEMENT and case.supplement_due:
        yield Deadline.SUPPLEMENT, case.supplement_due
    if case.state in (State.INVESTIGATION, State.MEDIATION) and case.reply_due:
        yield Deadline.REPLY, case.reply_due
    if case.state in PROCESSING and case.paused_since is None and case.due_date:
        yield Deadline.DECISION, case.due_date
    if case.state == State.MONITORING and plan_due:
        yield Deadline.PLAN, plan_due


def _awaiting_plans(last: date) -> QuerySet[Recommendation]:
    """Recommendations of monitored cases with no plan received and no final answer yet
    (Recommendation.awaits_plan) whose plan is due by `last`."""
    awaited = ["", Recommendation.Response.ACCEPTED, Recommendation.Response.PARTIALLY_ACCEPTED]
    return Recommendation.objects.filter(
        case__state=State.MONITORING, status__in=awaited, plan_due__lte=last
    )


def _reach(last: date, plans: QuerySet[Recommendation]) -> Q:
    return (
        Q(state=State.RECEIVED, acknowledge_due__lte=last)
        | Q(state=State.AWAITING_SUPPLEMENT, supplement_due__lte=last)
        | Q(state__in=[State.INVESTIGATION, State.MEDIATION], reply_due__lte=last)
        | Q(state__in=PROCESSING, paused_since=None, due_date__lte=last)
        | Q(pk__in=plans.values("case"))  # a subquery
    )


def count_within_reach(today: date) -> int:
    """How many open cases have a deadline within reach (for progress: rows are not read)."""
    last = horizon(today)
    return Case.objects.filter(_reach(last, _awaiting_plans(last))).count()


def windows(batch: int) -> Iterator[tuple[int, int]]:
    """The case primary keys in ranges (`after`, `upto`] of `batch` keys, from the smallest to
    the largest at the start (a case filed during the run waits for the next one). From the
    smallest, not from 0: primary keys need not start near 0 (erased and deleted cases, or a
    PostgreSQL sequence that never goes back), and empty ranges still cost a query each.

    A keyset walk by range rather than `pk > after … LIMIT batch`: the deadlines are spread
    over five columns no single index orders by primary key, so each LIMIT query would read
    every open case after `after` again (quadratic); a range reads each open case once, through
    the state index (`state = ? AND id BETWEEN …`), and holds at most `batch` cases."""
    keys = Case.objects.order_by("pk").values_list("pk", flat=True)
    low, top = keys.first(), keys.last()  # two index lookups (min and max together scan)
    if low is None or top is None:
        return
    for after in range(low - 1, top, batch):
        yield after, after + batch


Batch = list[tuple[Case, date | None]]


def cases_within_reach(today: date, *, batch: int = BATCH) -> Iterator[Batch]:
    """The open cases with a deadline within reach, in primary-key order, with the earliest
    unanswered plan of each: one list per `batch` primary keys, so memory holds one batch."""
    last = horizon(today)
    for after, upto in windows(batch):
        plans = _awaiting_plans(last).filter(case__gt=after, case__lte=upto)
        first = dict(
            plans.values("case").annotate(first=Min("plan_due")).values_list("case", "first")
        )
        rows = (
            Case.objects.filter(_reach(last, plans), pk__gt=after, pk__lte=upto)
            .only(*CASE_FIELDS)
            .select_related("data_key")
            .prefetch_related("recusals")
            .order_by("pk")
        )
        yield [(case, first.get(case.pk)) for case in rows]


@dataclass
class Staff:
    """The members who may be reminded, by role (read once per run)."""

    members: dict[int, User]
    by_role: dict[str, list[int]]

    @classmethod
    def load(cls) -> Staff:
        members = User.objects.filter(is_active=True).exclude(email="").prefetch_related("groups")
        found = {member.pk: member for member in members}
        by_role: dict[str, list[int]] = defaultdict(list)
        for member in found.values():
            for group in member.groups.all():
                by_role[group.name].append(member.pk)
        return cls(found, by_role)

    def responsible(self, case: Case) -> list[User]:
        recused = {recusal.user_id for recusal in case.recusals.all()}
        heads = [pk for pk in self.by_role[Role.OMBUDSPERSON] if pk not in recused]
        if case.state in INTAKE_STATES:
            chosen = [pk for pk in self.by_role[Role.INTAKE_OFFICER] if pk not in recused]
        elif case.state in ASSIGNED_STATES:
            assignee = case.assigned_to_id
            chosen = [assignee] if assignee in self.members and assignee not in recused else []
        else:
            chosen = heads
        return [self.members[pk] for pk in chosen or heads]


@dataclass
class Sent:
    reminders: int = 0
    repeated: int = 0  # already sent today
    digests: int = 0
    follow_ups: int = 0  # notices to petitioners
    cases: int = 0
    held: dict[int, Held] = field(default_factory=lambda: defaultdict(Held))


@dataclass
class Held:
    """A digest member's deadlines within reach: the most urgent that their digest lists
    (`DIGEST_LIMIT`), and how many there are in all. Memory holds at most twice the limit per
    member, however many cases they have."""

    items: list[DueItem] = field(default_factory=list)
    count: int = 0

    def add(self, item: DueItem) -> None:
        self.count += 1
        self.items.append(item)
        if len(self.items) >= 2 * DIGEST_LIMIT:
            self.items = most_urgent(self.items)

    def listed(self) -> list[DueItem]:
        return most_urgent(self.items)


def send(today: date, *, progress: Callable[[int, int], None] | None = None,
         stopping: Callable[[], bool] = lambda: False, batch: int = BATCH) -> Sent:  # fmt: skip
    """Queue today's reminders (immediate members) and digests (the others); see the module.
    Cases are read `batch` primary keys at a time (`cases_within_reach`)."""
    staff, sent = Staff.load(), Sent()
    total = count_within_reach(today) if progress else 0
    for cases in cases_within_reach(today, batch=batch):
        done = _sent_today(cases, staff, today=today)
        for case, plan_due in cases:
            if stopping():
                return sent
            _remind_case(case, plan_due, staff, sent, today=today, done=done)
            sent.cases += 1
            if progress:
                progress(sent.cases, max(total, sent.cases))
    for member in staff.members.values():
        if stopping():
            return sent
        # Also for a member back on immediate alerts: what was held for them is not lost.
        held = sent.held.get(member.pk, Held())
        listed = held.listed()
        sent.digests += send_digest(member, listed, day=today, more=held.count - len(listed))
    for case, due in follow_ups_due(today, batch=batch):
        if stopping():
            return sent
        sent.follow_ups += notify_once(
            Event.FOLLOW_UP, day=due, key=f"follow_up:{case.pk}", to=petitioner_email(case),
            language=case.language, context={"reference": case.reference, "open": case.is_open},
            data_key=case.data_key,
        )  # fmt: skip
    return sent


def follow_ups_due(today: date, *, batch: int = BATCH) -> Iterator[tuple[Case, date]]:
    """Decided cases whose follow-up notice is due today, or was due within the catch-up days
    (a missed run), with the day it fell due; read `batch` primary keys at a time."""
    latest = today - timedelta(days=clocks.FOLLOW_UP_DAYS)
    earliest = latest - timedelta(days=FOLLOW_UP_CATCH_UP_DAYS + 7)  # + holidays moving it
    zone = timezone.get_current_timezone()
    decided = Case.objects.filter(  # local days as instants: no per-row date cast
        decided_at__gte=datetime.combine(earliest, time.min, tzinfo=zone),
        decided_at__lt=datetime.combine(latest + timedelta(days=1), time.min, tzinfo=zone),
        erased_at=None, outcome__in=[Outcome.DISMISSED, Outcome.UPHELD],
    ).select_related("data_key")  # fmt: skip
    for after, upto in windows(batch):
        for case in decided.filter(pk__gt=after, pk__lte=upto).order_by("pk"):
            if case.decided_at is None:  # filtered out; for the type checker
                continue
            decided_on = timezone.localtime(case.decided_at).date()
            due = clocks.after_days(decided_on, clocks.FOLLOW_UP_DAYS)
            if today - timedelta(days=FOLLOW_UP_CATCH_UP_DAYS) <= due <= today:
                yield case, due


def _due_items(case: Case, plan_due: date | None, *, today: date) -> list[DueItem]:
    last = horizon(today)
    found = [(deadline, due) for deadline, due in _deadlines(case, plan_due) if due <= last]
    return [DueItem(reference=case.reference, state=case.state, deadline=deadline, due=due,
                    overdue=due < today) for deadline, due in found]  # fmt: skip


def _sent_today(cases: Batch, staff: Staff, *, today: date) -> set[tuple[date, str]]:
    """The reminders of a batch already recorded today (by an earlier run): one read instead
    of a transaction each that finds its record taken."""
    keys = {
        reminder_key(member, item)
        for case, plan_due in cases
        for item in _due_items(case, plan_due, today=today)
        for member in staff.responsible(case)
        if member.alerts != User.Alerts.DIGEST
    }
    return recorded(keys, since=today)


def _remind_case(case: Case, plan_due: date | None, staff: Staff, sent: Sent, *, today: date,
                 done: set[tuple[date, str]]) -> None:  # fmt: skip
    for item in _due_items(case, plan_due, today=today):
        for member in staff.responsible(case):
            if member.alerts == User.Alerts.DIGEST:
                sent.held[member.pk].add(item)
            elif (today, reminder_key(member, item)) in done:
                sent.repeated += 1
            elif remind(member, item, day=today, data_key=case.data_key):
                sent.reminders += 1
            else:
                sent.repeated += 1
