"""/staff/profile/: each member chooses how alerts reach them and in which language, for their
own account only, through a CSRF-protected POST; the choice decides what the next alert does."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from notifications.alerts import alert
from notifications.events import Event
from notifications.models import HeldAlert, Notification
from ombuds.models import DataKey, User
from ombuds.roles import Role
from tests.conftest import make_staff, sign_in

pytestmark = pytest.mark.django_db

URL = "/staff/profile/"
DIGEST = {"alerts": "digest", "language": "en"}


def test_the_page_is_the_named_url_and_shows_the_members_own_choice(investigator):
    assert reverse("accounts:profile") == URL
    page = sign_in(Client(), investigator).get(URL)
    assert page.status_code == HTTPStatus.OK
    assert "no-store" in page["Cache-Control"]
    content = page.content.decode()
    assert re.search(r'<input[^>]*value="immediate"[^>]*checked', content)
    assert re.search(r'<input[^>]*value="ko"[^>]*checked', content)
    assert 'name="csrfmiddlewaretoken"' in content


@pytest.mark.parametrize(
    "role", [Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.OMBUDSPERSON, Role.AUDITOR, Role.SYSADMIN]
)
def test_every_member_changes_their_own_settings(role):
    member = make_staff("member", role)
    response = sign_in(Client(), member).post(URL, DIGEST)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == URL
    member.refresh_from_db()
    assert (member.alerts, member.language) == ("digest", "en")


def test_nobody_changes_another_members_settings(investigator, ombudsperson):
    forged = {**DIGEST, "id": ombudsperson.pk, "pk": ombudsperson.pk, "user": ombudsperson.pk,
              "username": ombudsperson.username, "member": ombudsperson.pk}  # fmt: skip
    sign_in(Client(), investigator).post(f"{URL}?user={ombudsperson.pk}", forged)
    ombudsperson.refresh_from_db()
    investigator.refresh_from_db()
    assert (ombudsperson.alerts, ombudsperson.language) == ("immediate", "ko")
    assert (investigator.alerts, investigator.language) == ("digest", "en")
    assert User.objects.filter(alerts="digest").count() == 1


def test_a_post_without_the_csrf_token_is_refused(investigator):
    client = sign_in(Client(enforce_csrf_checks=True), investigator)
    assert client.post(URL, DIGEST).status_code == HTTPStatus.FORBIDDEN
    investigator.refresh_from_db()
    assert investigator.alerts == "immediate"
    page = client.get(URL)
    token = page.context["csrf_token"]
    response = client.post(URL, {**DIGEST, "csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    investigator.refresh_from_db()
    assert investigator.alerts == "digest"


def test_an_unknown_choice_is_an_error_and_changes_nothing(investigator):
    page = sign_in(Client(), investigator).post(URL, {"alerts": "hourly", "language": "fr"})
    assert page.status_code == HTTPStatus.OK
    assert page.context["form"].errors.keys() == {"alerts", "language"}
    investigator.refresh_from_db()
    assert (investigator.alerts, investigator.language) == ("immediate", "ko")


@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_and_unverified_visitors_are_sent_to_sign_in(method, investigator):
    response = getattr(Client(), method)(URL, DIGEST)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
    client = Client()
    client.force_login(investigator)  # a password, no second factor yet
    response = getattr(client, method)(URL, DIGEST)
    assert response.status_code == HTTPStatus.FOUND
    investigator.refresh_from_db()
    assert investigator.alerts == "immediate"


def test_the_choice_decides_what_the_next_alert_does(investigator):
    investigator.email = "investigator@office.example.org"
    investigator.save(update_fields=["email"])
    context = {"reference": "2026-AAAA-BBBB", "state": "investigation", "due": ""}
    alert(Event.STAFF_ASSIGNED, member=investigator, context=context, data_key=DataKey.generate())
    assert Notification.objects.get().language == "ko"
    sign_in(Client(), investigator).post(URL, DIGEST)
    investigator.refresh_from_db()
    alert(Event.STAFF_NEWS, member=investigator, context=context, data_key=DataKey.generate())
    assert Notification.objects.count() == 1
    assert HeldAlert.objects.get().event == "staff_news"
