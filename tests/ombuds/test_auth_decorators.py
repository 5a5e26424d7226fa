"""`staff_required` and `role_required`: what each kind of visitor gets.

The module is also the URLconf of its tests: two probe views behind the decorators, beside the
project's URLs.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse

from ombuds import urls as project_urls
from ombuds.auth import role_required, staff_required
from ombuds.roles import Role
from tests.conftest import sign_in
from tests.ombuds.auth_helpers import enrolled

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@staff_required
def staff_probe(request: HttpRequest) -> HttpResponse:
    return HttpResponse("staff page")


@role_required(Role.AUDITOR, Role.OMBUDSPERSON)
def role_probe(request: HttpRequest) -> HttpResponse:
    return HttpResponse("restricted page")


urlpatterns = [
    path("probe/staff/", staff_probe),
    path("probe/role/", role_probe),
    *project_urls.urlpatterns,
]


@pytest.mark.parametrize("url", ["/probe/staff/", "/probe/role/"])
def test_anonymous_visitors_go_to_the_login(client: Any, url: str) -> None:
    response = client.get(url + "?page=2")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('accounts:login')}?next={url}%3Fpage%3D2"


def test_an_inactive_account_counts_as_anonymous(client: Any, auditor: Any) -> None:
    sign_in(client, auditor)
    auditor.is_active = False
    auditor.save()
    assert client.get("/probe/staff/").url.startswith(reverse("accounts:login"))


def test_password_only_without_a_device_goes_to_enrolment(client: Any, auditor: Any) -> None:
    client.force_login(auditor)
    response = client.get("/probe/staff/")
    assert response.url == f"{reverse('accounts:enrol')}?next=%2Fprobe%2Fstaff%2F"


def test_password_only_with_a_device_goes_to_verification(client: Any, auditor: Any) -> None:
    enrolled(auditor)
    client.force_login(auditor)
    response = client.get("/probe/role/")
    assert response.url == f"{reverse('accounts:verify')}?next=%2Fprobe%2Frole%2F"


def test_an_unconfirmed_device_is_not_a_second_factor(client: Any, auditor: Any) -> None:
    sign_in(client, auditor)
    auditor.totpdevice_set.update(confirmed=False)
    assert client.get("/probe/staff/").url.startswith(reverse("accounts:enrol"))


def test_a_verified_staff_member_gets_the_page_uncached(client: Any, investigator: Any) -> None:
    sign_in(client, investigator)
    response = client.get("/probe/staff/")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"staff page"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("auditor", HTTPStatus.OK),
        ("ombudsperson", HTTPStatus.OK),
        ("investigator", HTTPStatus.FORBIDDEN),
        ("intake_officer", HTTPStatus.FORBIDDEN),
        ("sysadmin", HTTPStatus.FORBIDDEN),
    ],
)
def test_role_required_answers_403_to_other_staff(
    client: Any, request: Any, persona: str, status: int
) -> None:
    sign_in(client, request.getfixturevalue(persona))
    response = client.get("/probe/role/")
    assert response.status_code == status
    assert (b"restricted page" in response.content) == (status == HTTPStatus.OK)


def test_role_required_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        role_required()
