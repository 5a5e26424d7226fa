"""Separation of duties: a system administrator, by every means the admin and the staff pages
give them, reaches no case; role and credential changes need an ombudsperson who is neither
the asker nor the subject, in time; every step is in the verified log chain and mailed."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import State
from notifications.models import Notification
from ombuds import duties
from ombuds.accesslog import verify_chain
from ombuds.models import AccessLogEntry, DutyRequest, User
from ombuds.roles import Role, ensure_groups, grant_sysadmin
from tests.conftest import make_staff, sign_in

pytestmark = pytest.mark.django_db

Kind, Status = DutyRequest.Kind, DutyRequest.Status


@pytest.fixture
def admin_user(db):
    user = make_staff("root")
    grant_sysadmin(user)
    return user


@pytest.fixture
def boss(db):
    user = make_staff("boss", Role.OMBUDSPERSON)
    User.objects.filter(pk=user.pk).update(email="boss@ombuds.example.org")
    return User.objects.get(pk=user.pk)


@pytest.fixture
def deputy(db):
    user = make_staff("deputy", Role.OMBUDSPERSON)
    User.objects.filter(pk=user.pk).update(email="deputy@ombuds.example.org")
    return User.objects.get(pk=user.pk)


def roles(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_everything_the_admin_offers_leaves_the_sysadmin_without_a_case(client, admin_user, staff):
    case = staff.case_in(State.INVESTIGATION)
    sign_in(client, admin_user)
    groups = ensure_groups()
    # A second account of their own, made and then given the ombudsperson role in the form:
    phrase = "a long passphrase 77"
    client.post(reverse("admin:ombuds_user_add"), {
        "username": "root2", "password1": phrase, "password2": phrase, "usable_password": "true",
    })  # fmt: skip
    mine = User.objects.get(username="root2")
    change = reverse("admin:ombuds_user_change", args=[mine.pk])
    saved = client.post(change, {"username": "root2", "is_active": "on",
                                 "groups": [groups[Role.OMBUDSPERSON].pk]})  # fmt: skip
    assert saved.status_code == HTTPStatus.FOUND  # the form was taken, its groups ignored
    assert roles(mine) == set()
    # Another member's password and second factor, directly:
    target = staff.investigator
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    password_url = reverse("admin:auth_user_password_change", args=[target.pk])
    taken = {"password1": "taken over 12345", "password2": "taken over 12345"}
    response = client.post(password_url, taken)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:duties")
    assert not User.objects.get(pk=target.pk).check_password("taken over 12345")
    action = {"action": "request_second_factor_reset", "_selected_action": [target.pk]}
    client.post(reverse("admin:ombuds_user_changelist"), action)
    assert TOTPDevice.objects.filter(user=target).exists()
    assert DutyRequest.objects.get(kind=Kind.RESET_SECOND_FACTOR).status == Status.PENDING
    # ...and no case page answers them, nor their second account.
    for who in (admin_user, mine):
        sign_in(client, who)
        for url in (reverse("staff:case", args=[case.reference]), reverse("staff:queue")):
            assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_a_grant_takes_effect_only_on_another_ombudspersons_approval(admin_user, boss, deputy):
    newcomer = make_staff("newcomer")
    asked = duties.request_change(kind=Kind.GRANT_ROLE, subject=newcomer, role=Role.INVESTIGATOR,
                                  requested_by=admin_user)  # fmt: skip
    assert roles(newcomer) == set()
    with pytest.raises(duties.DutyRefused, match="Only an ombudsperson"):
        duties.decide(request=asked, approver=admin_user, approve=True)
    duties.decide(request=asked, approver=boss, approve=True)
    assert roles(newcomer) == {Role.INVESTIGATOR}

    about_deputy = duties.request_change(kind=Kind.GRANT_ROLE, subject=deputy,
                                         role=Role.AUDITOR, requested_by=admin_user)  # fmt: skip
    with pytest.raises(duties.DutyRefused, match="other than the asker and the person"):
        duties.decide(request=about_deputy, approver=deputy, approve=True)
    duties.decide(request=about_deputy, approver=boss, approve=False)
    assert roles(deputy) == {Role.OMBUDSPERSON}
    assert DutyRequest.objects.get(pk=about_deputy.pk).status == Status.REFUSED


def test_a_request_not_decided_in_time_expires(admin_user, boss, settings):
    newcomer = make_staff("newcomer")
    asked = duties.request_change(kind=Kind.GRANT_ROLE, subject=newcomer, role=Role.AUDITOR,
                                  requested_by=admin_user)  # fmt: skip
    later = timezone.now() + timedelta(hours=settings.OMBUDS_DUTY_APPROVAL_HOURS + 1)
    with time_machine.travel(later), pytest.raises(duties.DutyRefused, match="no longer waiting"):
        duties.decide(request=asked, approver=boss, approve=True)
    assert DutyRequest.objects.get(pk=asked.pk).status == Status.EXPIRED
    assert roles(newcomer) == set()


def test_a_sysadmin_never_holds_a_case_role(admin_user, boss):
    with pytest.raises(duties.DutyRefused, match="never holds a case role"):
        duties.request_change(kind=Kind.GRANT_ROLE, subject=admin_user, role=Role.OMBUDSPERSON,
                              requested_by=admin_user)  # fmt: skip
    with pytest.raises(CommandError, match="holds a case role"):
        call_command("grant_sysadmin", boss.username, stdout=StringIO())


def test_an_approved_password_reset_sets_one_password_once(client, admin_user, boss, staff):
    target = staff.intake
    asked = duties.request_change(kind=Kind.RESET_PASSWORD, subject=target,
                                  requested_by=admin_user)  # fmt: skip
    duties.decide(request=asked, approver=boss, approve=True)
    sign_in(client, admin_user)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    data = {"password1": "a new passphrase 2026", "password2": "a new passphrase 2026",
            "usable_password": "true"}  # fmt: skip
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    assert User.objects.get(pk=target.pk).check_password("a new passphrase 2026")
    assert DutyRequest.objects.get(pk=asked.pk).status == Status.USED
    again = {**data, "password1": "once more 2026 ok", "password2": "once more 2026 ok"}
    assert client.post(url, again)["Location"] == reverse("accounts:duties")
    assert not User.objects.get(pk=target.pk).check_password("once more 2026 ok")


def test_every_step_is_in_the_verified_chain_and_mailed_to_every_ombudsperson(
    admin_user, boss, deputy
):
    newcomer = make_staff("newcomer")
    asked = duties.request_change(kind=Kind.GRANT_ROLE, subject=newcomer, role=Role.INTAKE_OFFICER,
                                  requested_by=admin_user)  # fmt: skip
    duties.decide(request=asked, approver=deputy, approve=True)
    steps = list(AccessLogEntry.objects.filter(action="duty").order_by("pk").values_list(
        "user_id", "detail"))  # fmt: skip
    assert steps == [
        (admin_user.pk, f"requested:grant_role,request={asked.pk},subject={newcomer.pk},"
                        "role=intake_officer"),
        (deputy.pk, f"approved:grant_role,request={asked.pk},subject={newcomer.pk},"
                    "role=intake_officer"),
    ]  # fmt: skip
    assert verify_chain().problem == ""
    mailed = Notification.objects.filter(event="staff_duty")
    assert mailed.count() == 4  # two ombudspersons, two steps
    assert {n.context["step"] for n in Notification.objects.filter(event="staff_duty")} == {
        "requested", "approved"}  # fmt: skip


def test_the_first_ombudsperson_is_made_on_the_command_line_once(db):
    first, second = make_staff("first"), make_staff("second")
    call_command("grant_first_ombudsperson", "first", stdout=StringIO())
    assert roles(first) == {Role.OMBUDSPERSON}
    with pytest.raises(CommandError, match="already"):
        call_command("grant_first_ombudsperson", "second", stdout=StringIO())
    assert AccessLogEntry.objects.get(action="duty").detail.startswith("bootstrap:first_ombud")
    assert roles(second) == set()


def test_the_requests_page_lets_sysadmins_ask_and_ombudspersons_decide(client, admin_user, boss):
    newcomer = make_staff("newcomer")
    sign_in(client, admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accounts:duties"), {
        "kind": "grant_role", "username": "newcomer", "role": "auditor"})  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    asked = DutyRequest.objects.get()
    page = client.get(reverse("accounts:duties"))
    assert "Approve" not in page.text  # the asker does not decide
    sign_in(client, boss)
    assert "Approve" in client.get(reverse("accounts:duties")).text
    client.post(reverse("accounts:duty_decide"), {"request": asked.pk, "decision": "approve"})
    assert roles(newcomer) == {Role.AUDITOR}
