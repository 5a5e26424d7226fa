"""Separation of duties: no single insider can reach case data alone (docs/design.md §3).

A system administrator manages accounts but never holds a case role, and cannot by themselves
give anyone one, take one away, or reset another member's password or second factor: they ask
(`request_change`), and an ombudsperson who is neither the asker nor the subject decides
(`decide`) within `OMBUDS_DUTY_APPROVAL_HOURS`. An approved role change or second-factor reset
takes effect at once; an approved password reset lets the asker set one new password once
(`password_reset_allowed`, `password_reset_used`). Every step is appended to the hash-chained
access log and mailed to every ombudsperson. Bootstrapping stays on the command line:
`grant_sysadmin`, and `grant_first_ombudsperson` while no ombudsperson exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds import recovery
from ombuds.accesslog import record_access
from ombuds.account_changes import tell_member
from ombuds.models import DataKey, DutyRequest, User
from ombuds.roles import Role, ensure_groups, roles_of

CASE_ROLES = (Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.OMBUDSPERSON, Role.AUDITOR)
Kind, Status = DutyRequest.Kind, DutyRequest.Status


class DutyRefused(Exception):  # noqa: N818 - an outcome the person is told
    """The request or decision is not allowed; the message says why, in plain words."""


def _log(request: DutyRequest, step: str, actor: User | None) -> None:
    detail = f"{step}:{request.kind},request={request.pk},subject={request.subject_id}"
    if request.role:
        detail += f",role={request.role}"
    record_access(user=actor, request=None, action="duty", case_reference="", detail=detail)


# Who mails the ombudspersons: the notifications app registers its outbox here when it loads
# (the core imports no app). Called inside the deciding transaction, as every `notify` is.
Announcer = Callable[[str, dict[str, str], DataKey], object]
_announcers: list[Announcer] = []


def register_announcer(announce: Announcer) -> None:
    _announcers.append(announce)


def _tell_ombudspersons(request: DutyRequest, step: str) -> None:
    """Every ombudsperson hears of every step (the request's number only: no names)."""
    addresses = User.objects.filter(groups__name=Role.OMBUDSPERSON, is_active=True).exclude(
        email=""
    )
    key = None
    for email in addresses.values_list("email", flat=True):
        key = key or DataKey.generate()
        for announce in _announcers:
            announce(email, {"reference": f"R{request.pk}", "step": step}, key)


def request_change(*, kind: str, subject: User, requested_by: User, role: str = "") -> DutyRequest:
    if Role.SYSADMIN not in roles_of(requested_by):
        raise DutyRefused("Only a system administrator asks for these changes.")
    if kind in (Kind.GRANT_ROLE, Kind.REVOKE_ROLE):
        if role not in CASE_ROLES:
            raise DutyRefused("Choose a case role.")
        holds = subject.groups.filter(name=role).exists()
        if kind == Kind.GRANT_ROLE and Role.SYSADMIN in set(
            subject.groups.values_list("name", flat=True)
        ):
            raise DutyRefused("A system administrator never holds a case role.")
        if holds == (kind == Kind.GRANT_ROLE):
            raise DutyRefused("That would change nothing.")
    elif subject.pk == requested_by.pk:
        raise DutyRefused("Your own password and second factor are yours to change.")
    else:
        role = ""
    hours = settings.OMBUDS_DUTY_APPROVAL_HOURS
    with transaction.atomic():
        made = DutyRequest.objects.create(
            kind=kind, subject=subject, role=role, requested_by=requested_by,
            expires_at=timezone.now() + timedelta(hours=hours),
        )  # fmt: skip
        _log(made, "requested", requested_by)
        _tell_ombudspersons(made, "requested")
    return made


def expire_stale() -> int:
    """Mark pending requests past their time as expired (logged); how many."""
    stale = list(DutyRequest.objects.filter(status=Status.PENDING, expires_at__lt=timezone.now()))
    for request in stale:
        with transaction.atomic():
            if DutyRequest.objects.filter(pk=request.pk, status=Status.PENDING).update(
                status=Status.EXPIRED, decided_at=timezone.now()
            ):
                _log(request, "expired", None)
    return len(stale)


def decide(*, request: DutyRequest, approver: User, approve: bool) -> DutyRequest:
    if Role.OMBUDSPERSON not in roles_of(approver):
        raise DutyRefused("Only an ombudsperson decides.")
    if approver.pk in (request.requested_by_id, request.subject_id):
        raise DutyRefused("Someone other than the asker and the person concerned must decide.")
    expire_stale()
    with transaction.atomic():
        current = DutyRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != Status.PENDING:
            raise DutyRefused("This request is no longer waiting for a decision.")
        current.status = Status.APPROVED if approve else Status.REFUSED
        current.decided_by, current.decided_at = approver, timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            _apply(current)
        _log(current, "approved" if approve else "refused", approver)
        _tell_ombudspersons(current, "approved" if approve else "refused")
    return current


def _apply(request: DutyRequest) -> None:
    subject = request.subject
    if request.kind == Kind.GRANT_ROLE:
        subject.groups.add(ensure_groups()[request.role])
        tell_member(subject, "role_granted", request.role)
    elif request.kind == Kind.REVOKE_ROLE:
        subject.groups.remove(ensure_groups()[request.role])
        tell_member(subject, "role_removed", request.role)
    elif request.kind == Kind.RESET_SECOND_FACTOR:
        TOTPDevice.objects.filter(user=subject).delete()
        recovery.remove(subject)
        tell_member(subject, "second_factor_reset")


def password_reset_allowed(*, subject: User, by: User) -> DutyRequest | None:
    """The approved, unused and unexpired password reset that lets `by` set `subject`'s."""
    return (
        DutyRequest.objects.filter(
            kind=Kind.RESET_PASSWORD, subject=subject, requested_by=by, status=Status.APPROVED,
            expires_at__gte=timezone.now(),
        )
        .order_by("-decided_at")
        .first()
    )  # fmt: skip


def password_reset_used(request: DutyRequest, *, by: User) -> None:
    with transaction.atomic():
        DutyRequest.objects.filter(pk=request.pk).update(status=Status.USED)
        request.status = Status.USED
        _log(request, "used", by)
