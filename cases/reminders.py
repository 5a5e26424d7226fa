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
from datetime import date, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from cases import clocks
from cases.models import INTAKE_STATES, PROCESSING, Case, Outcome, Recommendation, State
from cases.services import petitioner_email
from notifications.alerts import DueItem, notify_once, remind, send_digest
from notifications.events import Deadline, Event
from ombuds.models import User
from ombuds.roles import Role

SOON_BUSINESS_DAYS = 3
FOLLOW_UP_CATCH_UP_DAYS = 14
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


def cases_within_reach(today: date) -> tuple[list[Case], dict[int, date]]:
    """The open cases with a deadline within reach, and the earliest unanswered plan of each."""
    last = horizon(today)
    awaited = ["", Recommendation.Response.ACCEPTED, Recommendation.Response.PARTIALLY_ACCEPTED]
    plans = dict(  # no plan received and no final answer yet (Recommendation.awaits_plan)
        Recommendation.objects.filter(
            case__state=State.MONITORING, status__in=awaited, plan_due__lte=last
        )
        .values("case")
        .annotate(first=Min("plan_due"))
        .values_list("case", "first")
    )
    reach = (
        Q(state=State.RECEIVED, acknowledge_due__lte=last)
        | Q(state=State.AWAITING_SUPPLEMENT, supplement_due__lte=last)
        | Q(state__in=[State.INVESTIGATION, State.MEDIATION], reply_due__lte=last)
        | Q(state__in=PROCESSING, paused_since=None, due_date__lte=last)
        | Q(pk__in=list(plans))
    )
    rows = Case.objects.filter(reach).select_related("data_key").prefetch_related("recusals")
    return list(rows.order_by("pk")), plans


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
    held: dict[int, list[DueItem]] = field(default_factory=lambda: defaultdict(list))


def send(today: date, *, progress: Callable[[int, int], None] | None = None,
         stopping: Callable[[], bool] = lambda: False) -> Sent:  # fmt: skip
    """Queue today's reminders (immediate members) and digests (the others); see the module."""
    staff, sent = Staff.load(), Sent()
    cases, plans = cases_within_reach(today)
    for number, case in enumerate(cases, start=1):
        if stopping():
            return sent
        _remind_case(case, plans.get(case.pk), staff, sent, today=today)
        sent.cases = number
        if progress:
            progress(number, len(cases))
    for member in staff.members.values():
        if stopping():
            return sent
        # Also for a member back on immediate alerts: what was held for them is not lost.
        sent.digests += send_digest(member, sent.held.get(member.pk, []), day=today)
    for case, due in follow_ups_due(today):
        if stopping():
            return sent
        sent.follow_ups += notify_once(
            Event.FOLLOW_UP, day=due, key=f"follow_up:{case.pk}", to=petitioner_email(case),
            language=case.language, context={"reference": case.reference, "open": case.is_open},
            data_key=case.data_key,
        )  # fmt: skip
    return sent


def follow_ups_due(today: date) -> list[tuple[Case, date]]:
    """Decided cases whose follow-up notice is due today, or was due within the catch-up days
    (a missed run), with the day it fell due."""
    latest = today - timedelta(days=clocks.FOLLOW_UP_DAYS)
    earliest = latest - timedelta(days=FOLLOW_UP_CATCH_UP_DAYS + 7)  # + holidays moving it
    decided = Case.objects.filter(
        decided_at__date__gte=earliest, decided_at__date__lte=latest, erased_at=None,
        outcome__in=[Outcome.DISMISSED, Outcome.UPHELD],
    ).select_related("data_key")  # fmt: skip
    found = []
    for case in decided.order_by("pk"):
        if case.decided_at is None:  # filtered out; for the type checker
            continue
        decided_on = timezone.localtime(case.decided_at).date()
        due = clocks.after_days(decided_on, clocks.FOLLOW_UP_DAYS)
        if today - timedelta(days=FOLLOW_UP_CATCH_UP_DAYS) <= due <= today:
            found.append((case, due))
    return found


def _remind_case(case: Case, plan_due: date | None, staff: Staff, sent: Sent, *,
                 today: date) -> None:  # fmt: skip
    last = horizon(today)
    for deadline, due in _deadlines(case, plan_due):
        if due > last:
            continue
        item = DueItem(reference=case.reference, state=case.state, deadline=deadline, due=due,
                       overdue=due < today)  # fmt: skip
        for member in staff.responsible(case):
            if member.alerts == User.Alerts.DIGEST:
                sent.held[member.pk].append(item)
            elif remind(member, item, day=today, data_key=case.data_key):
                sent.reminders += 1
            else:
                sent.repeated += 1
