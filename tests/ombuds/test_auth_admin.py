"""The system administrator's admin: verified sysadmins only, accounts and groups only."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds import duties
from ombuds.admin import site
from ombuds.models import DutyRequest, User
from ombuds.roles import Role, account_permissions, ensure_groups, grant_sysadmin
from tests.conftest import sign_in
from tests.ombuds.auth_helpers import enrolled

pytestmark = pytest.mark.django_db

INDEX = "/staff/admin/"


@pytest.fixture
def sysadmin_client(client: Any, sysadmin: Any) -> Any:
    grant_sysadmin(sysadmin)
    return sign_in(client, sysadmin)


def test_only_accounts_and_groups_are_registered() -> None:
    assert set(site._registry) == {User, Group}


def test_a_verified_sysadmin_manages_accounts_and_sees_no_case_model(sysadmin_client: Any) -> None:
    response = sysadmin_client.get(INDEX)
    assert response.status_code == HTTPStatus.OK
    apps = {app["app_label"]: [m["object_name"] for m in app["models"]]
            for app in response.context["app_list"]}  # fmt: skip
    assert apps == {"auth": ["Group"], "ombuds": ["User"]}
    assert "/staff/admin/cases/" not in response.text
    assert sysadmin_client.get("/staff/admin/cases/").status_code == HTTPStatus.NOT_FOUND
    users = sysadmin_client.get(reverse("admin:ombuds_user_changelist"))
    assert users.status_code == HTTPStatus.OK


def test_anonymous_visitors_go_to_the_staff_login(client: Any) -> None:
    response = client.get(INDEX, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next={INDEX}"


def test_a_sysadmin_without_the_second_factor_is_sent_to_verify(client: Any, sysadmin: Any) -> None:
    grant_sysadmin(sysadmin)
    enrolled(sysadmin)
    client.force_login(sysadmin)
    response = client.get(INDEX, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))


@pytest.mark.parametrize("persona", ["auditor", "ombudsperson", "investigator"])
def test_other_verified_staff_are_refused(client: Any, request: Any, persona: str) -> None:
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even with the flag, the role decides
    user.save()
    sign_in(client, user)
    assert client.get(INDEX, follow=True).status_code == HTTPStatus.FORBIDDEN


def test_grant_sysadmin_gives_account_permissions_only(sysadmin: Any) -> None:
    grant_sysadmin(sysadmin)
    sysadmin = User.objects.get(pk=sysadmin.pk)
    assert sysadmin.is_staff
    assert not sysadmin.is_superuser
    assert sysadmin.get_all_permissions() == {
        "ombuds.view_user", "ombuds.add_user", "ombuds.change_user",
        "auth.view_group", "auth.add_group", "auth.change_group",
    }  # fmt: skip


def test_a_second_factor_reset_the_sysadmin_asks_for_waits_for_an_ombudsperson(
    sysadmin_client: Any, sysadmin: Any, investigator: Any, ombudsperson: Any
) -> None:
    grant_sysadmin(sysadmin)
    theirs = sign_in(Client(), investigator)
    assert theirs.get(reverse("accounts:verify")).url == "/staff/"  # verified
    response = sysadmin_client.post(
        reverse("admin:ombuds_user_changelist"),
        {"action": "request_second_factor_reset", "_selected_action": [investigator.pk]},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert TOTPDevice.objects.filter(user=investigator).exists()  # asked, not done
    asked = DutyRequest.objects.get(subject=investigator)
    duties.decide(request=asked, approver=ombudsperson, approve=True)
    assert not TOTPDevice.objects.filter(user=investigator).exists()
    assert theirs.get(reverse("accounts:verify")).url == reverse("accounts:enrol")


def change_user(sysadmin_client: Any, user: Any, groups: list[Group], **fields: Any) -> Any:
    data = {
        "username": user.username, "first_name": "", "last_name": "", "email": "",
        "is_active": "on", "groups": [g.pk for g in groups], **fields,
    }  # fmt: skip
    response = sysadmin_client.post(reverse("admin:ombuds_user_change", args=[user.pk]), data)
    assert response.status_code == HTTPStatus.FOUND  # saved
    return response


def test_the_admin_changes_no_role_not_even_the_sysadmin_role(
    sysadmin_client: Any, auditor: Any
) -> None:
    groups = ensure_groups()
    change_user(sysadmin_client, auditor, [groups[Role.OMBUDSPERSON], groups[Role.SYSADMIN]])
    auditor = User.objects.get(pk=auditor.pk)
    assert set(auditor.groups.values_list("name", flat=True)) == {Role.AUDITOR}
    assert not auditor.is_staff


def test_nobody_changes_their_own_roles_or_switches_themselves_off(
    sysadmin_client: Any, sysadmin: Any
) -> None:
    groups = ensure_groups()
    change_user(sysadmin_client, sysadmin, [groups[Role.OMBUDSPERSON]], is_active="")
    sysadmin = User.objects.get(pk=sysadmin.pk)
    assert sysadmin.is_active
    assert set(sysadmin.groups.values_list("name", flat=True)) == {Role.SYSADMIN}


def test_groups_carry_account_permissions_only(sysadmin_client: Any) -> None:
    group = ensure_groups()[Role.INVESTIGATOR]
    response = sysadmin_client.get(reverse("admin:auth_group_change", args=[group.pk]))
    offered = response.context["adminform"].form.fields["permissions"].queryset
    assert set(offered) == set(Permission.objects.filter(account_permissions()))
    assert not offered.filter(content_type__app_label="cases").exists()
    assert "name" not in response.context["adminform"].form.fields  # role names are fixed
