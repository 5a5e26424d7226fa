"""Who among the staff hears of what happens on a case (staff alerts, issue #11).

Called inside the transaction of the change (`cases.transitions.case_act`,
`cases.services.case_add_information`); `notifications.alerts.alert` queues the email, or keeps
it for the member's daily digest. The alert names the case by its reference, state and due date
only. Nobody is told of their own action, and nobody who may not see the case (a recused
member, an investigator it is not assigned to) is told of it at all.

- a case assigned to an investigator (accepted, or reassigned): that investigator;
- information from the petitioner: the staff working the case (`cases.news.works_on`);
- findings submitted: the ombudspersons;
- a recusal: those still working the case, and the ombudspersons (who reassign it).
"""

from __future__ import annotations

from collections.abc import Iterable

from cases import access, news
from cases.action_names import ActionName
from cases.models import Case
from notifications.alerts import alert
from notifications.events import Event
from ombuds.models import User
from ombuds.roles import Role, roles_of

CASE_ROLES = (Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.OMBUDSPERSON)


def case_context(case: Case) -> dict[str, str]:
    due = case.due_date.isoformat() if case.due_date else ""
    return {"reference": case.reference, "state": case.state, "due": due}


def case_staff() -> list[User]:
    """Active members holding a case role and an email address (a few dozen in an office)."""
    members = User.objects.filter(is_active=True, groups__name__in=CASE_ROLES).exclude(email="")
    return list(members.distinct().order_by("pk"))


def working_on(case: Case) -> list[User]:
    return [member for member in case_staff() if news.works_on(member, case)]


def ombudspersons_on(case: Case) -> list[User]:
    return [
        member
        for member in case_staff()
        if Role.OMBUDSPERSON in roles_of(member) and access.can_view(member, case)
    ]


def _tell(event: Event, case: Case, members: Iterable[User], *, actor: User | None) -> None:
    context, told = case_context(case), set()
    for member in members:
        if member.pk in told or (actor is not None and member.pk == actor.pk):
            continue
        told.add(member.pk)
        alert(event, member=member, context=context, data_key=case.data_key)


def after_action(case: Case, action: str, *, actor: User) -> None:
    """The staff alerts a staff action on `case` (already changed and saved) calls for."""
    if action in (ActionName.ACCEPT, ActionName.ASSIGN):
        # The assignee's settings as stored (the form's object may predate a change).
        assigned = case.assigned_to_id
        assignee = User.objects.filter(pk=assigned) if assigned is not None else []
        _tell(Event.STAFF_ASSIGNED, case, assignee, actor=actor)
    elif action == ActionName.SUBMIT_FINDINGS:
        _tell(Event.STAFF_FINDINGS, case, ombudspersons_on(case), actor=actor)
    elif action == ActionName.RECUSE:
        still = [*working_on(case), *ombudspersons_on(case)]
        _tell(Event.STAFF_RECUSAL, case, still, actor=actor)


def news_arrived(case: Case) -> None:
    """The petitioner added information or evidence: the staff working the case hear of it."""
    _tell(Event.STAFF_NEWS, case, working_on(case), actor=None)
