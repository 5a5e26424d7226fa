"""Staff sign-in: password, TOTP enrolment and verification, logout, and session expiry."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds.middleware import SessionActivityMiddleware
from ombuds.models import AccessLogEntry
from tests.conftest import sign_in
from tests.ombuds.auth_helpers import enrolled, password_login, totp_code, wrong_code

pytestmark = pytest.mark.django_db

ACCESS_LOG = "/staff/access-log/"


def session_key(client: Any) -> str:
    return str(client.cookies["sessionid"].value)


def test_the_login_page_asks_for_username_and_password(client: Any) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == HTTPStatus.OK
    assert 'name="username"' in response.text
    assert 'type="password"' in response.text
    assert "no-store" in response["Cache-Control"]


def test_first_sign_in_enrols_a_device_then_signs_in(client: Any, auditor: Any) -> None:
    before = client.session.session_key
    response = password_login(client, "auditor")
    assert response.url == reverse("accounts:enrol")
    after_password = session_key(client)
    assert after_password != before

    page = client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=auditor)
    assert not device.confirmed
    assert "<svg" in page.text
    secret = page.context["secret"].replace(" ", "")
    assert len(secret) == 32
    assert secret in page.text.replace(" ", "")

    response = client.post(reverse("accounts:enrol"), {"token": totp_code(device)})
    assert response.status_code == HTTPStatus.OK  # the backup codes, shown once
    assert f'href="{ACCESS_LOG}"' in response.text  # then on to an auditor's first page
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert session_key(client) != after_password
    login = AccessLogEntry.objects.get(action="login")
    assert (login.user, login.action, login.client_address) == (auditor, "login", "127.0.0.1")


def test_enrolment_shows_the_same_secret_until_confirmed(client: Any, auditor: Any) -> None:
    password_login(client, "auditor")
    first = client.get(reverse("accounts:enrol")).context["secret"]
    assert client.get(reverse("accounts:enrol")).context["secret"] == first
    assert TOTPDevice.objects.filter(user=auditor).count() == 1


def test_a_wrong_enrolment_code_confirms_nothing(client: Any, auditor: Any) -> None:
    password_login(client, "auditor")
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=auditor)
    response = client.post(reverse("accounts:enrol"), {"token": wrong_code(device)})
    assert response.status_code == HTTPStatus.OK
    assert 'aria-invalid="true"' in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_an_enrolled_user_verifies_and_goes_to_next(client: Any, auditor: Any) -> None:
    device = enrolled(auditor)
    response = client.get(ACCESS_LOG)
    assert response.url == f"{reverse('accounts:login')}?next={ACCESS_LOG}"
    response = password_login(client, "auditor", data={"next": ACCESS_LOG})
    # The access log is the auditor's home page anyway, so `next` need not travel along.
    assert response.url == reverse("accounts:verify")
    assert client.get(response.url).status_code == HTTPStatus.OK
    response = client.post(response.url, {"token": totp_code(device), "next": ACCESS_LOG})
    assert response.url == ACCESS_LOG
    assert client.get(ACCESS_LOG).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/staff/", "javascript:alert(1)"]
)
def test_next_must_stay_on_this_site(client: Any, auditor: Any, target: str) -> None:
    device = enrolled(auditor)
    password_login(client, "auditor", data={"next": target})
    response = client.post(reverse("accounts:verify"), {"token": totp_code(device), "next": target})
    assert response.url == ACCESS_LOG  # an auditor's first page


def test_a_wrong_code_is_refused_and_then_throttled(client: Any, auditor: Any) -> None:
    device = enrolled(auditor)
    password_login(client, "auditor")
    response = client.post(reverse("accounts:verify"), {"token": wrong_code(device)})
    assert response.status_code == HTTPStatus.OK
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(ACCESS_LOG).url.startswith(reverse("accounts:verify"))

    # Right away, even the right code waits (django-otp's exponential back-off).
    response = client.post(reverse("accounts:verify"), {"token": totp_code(device)})
    assert response.status_code == HTTPStatus.OK
    assert DEVICE_ID_SESSION_KEY not in client.session

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    response = client.post(reverse("accounts:verify"), {"token": totp_code(device)})
    assert response.url == ACCESS_LOG  # an auditor's first page


def test_a_used_code_cannot_be_replayed(client: Any, auditor: Any) -> None:
    device = enrolled(auditor)
    code = totp_code(device)
    password_login(client, "auditor")
    assert client.post(reverse("accounts:verify"), {"token": code}).url == ACCESS_LOG
    client.post(reverse("accounts:logout"))
    password_login(client, "auditor")
    response = client.post(reverse("accounts:verify"), {"token": code})
    assert response.status_code == HTTPStatus.OK
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("username", "password"), [("auditor", "wrong password 1"), ("nobody", "whatever 12345")]
)
def test_wrong_credentials_get_one_message(
    client: Any, auditor: Any, username: str, password: str
) -> None:
    response = password_login(client, username, password)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_sign_in(client: Any, auditor: Any) -> None:
    auditor.is_active = False
    auditor.save()
    response = password_login(client, "auditor")
    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session


def test_the_second_factor_pages_need_the_password_first(client: Any) -> None:
    for name in ("accounts:verify", "accounts:enrol"):
        assert client.get(reverse(name)).url.startswith(reverse("accounts:login"))


def test_each_second_factor_page_sends_to_the_other_when_needed(
    client: Any, auditor: Any, investigator: Any
) -> None:
    password_login(client, "auditor")
    assert client.get(reverse("accounts:verify")).url == reverse("accounts:enrol")
    enrolled(investigator)
    password_login(client, "investigator")
    assert client.get(reverse("accounts:enrol")).url == reverse("accounts:verify")


def test_a_verified_user_skips_the_sign_in_pages(client: Any, auditor: Any) -> None:
    sign_in(client, auditor)
    for name in ("accounts:login", "accounts:verify", "accounts:enrol"):
        assert client.get(reverse(name), {"next": ACCESS_LOG}).url == ACCESS_LOG


def test_logout_is_post_only_and_deletes_the_server_side_session(client: Any, auditor: Any) -> None:
    sign_in(client, auditor)
    old_key = session_key(client)
    assert client.get(reverse("accounts:logout")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("accounts:login")
    assert not Session.objects.filter(session_key=old_key).exists()
    assert AccessLogEntry.objects.filter(user=auditor, action="logout").exists()

    client.cookies["sessionid"] = old_key  # the stolen or remembered cookie
    assert client.get(ACCESS_LOG).url.startswith(reverse("accounts:login"))


def test_the_session_expires_after_inactivity(client: Any, auditor: Any, settings: Any) -> None:
    sign_in(client, auditor)
    key = session_key(client)
    assert client.get(ACCESS_LOG).status_code == HTTPStatus.OK
    expiry = Session.objects.get(session_key=key).expire_date
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expiry - expected).total_seconds()) < 60  # each request extends it

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    assert client.get(ACCESS_LOG).url.startswith(reverse("accounts:login"))


def test_a_session_in_use_is_written_at_most_once_a_minute(client: Any, auditor: Any) -> None:
    sign_in(client, auditor)
    key = session_key(client)
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get(ACCESS_LOG).status_code == HTTPStatus.OK
    assert Session.objects.get(session_key=key).expire_date == soon  # just written: left alone

    store = client.session  # as if the last write were two minutes ago
    store[SessionActivityMiddleware.KEY] -= 120
    store.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get(ACCESS_LOG).status_code == HTTPStatus.OK
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)


def test_a_stale_session_cookie_creates_no_session(client: Any) -> None:
    client.cookies["sessionid"] = "x" * 32
    assert client.get(reverse("cases:home")).status_code == HTTPStatus.OK
    assert not Session.objects.exists()
