"""Login throttling (django-axes): 5 failures lock a username + address for an hour.

The lock is checked before any password is hashed: a counting hasher shows that the attempts
made while locked out, even with the right password, never reach it.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any, ClassVar

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

from tests.ombuds.auth_helpers import PASSWORD, password_login

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast, tests only) that counts every hash it computes."""

    calls: ClassVar[int] = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counted(settings: Any, auditor: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    auditor.set_password(PASSWORD)
    auditor.save()
    CountingHasher.calls = 0
    return CountingHasher


def fail(client: Any, times: int, *, username: str = "auditor", address: str = ADDRESS) -> Any:
    response = None
    for _ in range(times):
        response = password_login(client, username, "wrong password 1", REMOTE_ADDR=address)
    return response


def test_the_fifth_failure_locks_and_the_right_password_is_then_refused_unhashed(
    client: Any, counted: type[CountingHasher]
) -> None:
    assert fail(client, 4).status_code == HTTPStatus.OK
    locked = fail(client, 1)
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert locked.context["locked"] is True
    assert counted.calls == 5

    response = password_login(client, "auditor", REMOTE_ADDR=ADDRESS)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert counted.calls == 5  # refused before the password was hashed
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_one_username_from_one_address(client: Any, auditor: Any) -> None:
    fail(client, 5)
    elsewhere = password_login(client, "auditor", REMOTE_ADDR="198.51.100.99")
    assert elsewhere.url == reverse("accounts:enrol")
    client.post(reverse("accounts:logout"))
    other_user = password_login(client, "nobody", "wrong password 1", REMOTE_ADDR=ADDRESS)
    assert other_user.status_code == HTTPStatus.OK


def test_the_lock_ends_after_an_hour(client: Any, auditor: Any) -> None:
    fail(client, 5)
    assert password_login(client, "auditor", REMOTE_ADDR=ADDRESS).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    response = password_login(client, "auditor", REMOTE_ADDR=ADDRESS)
    assert response.url == reverse("accounts:enrol")


def test_a_success_before_the_limit_resets_the_count(client: Any, auditor: Any) -> None:
    fail(client, 4)
    assert password_login(client, "auditor", REMOTE_ADDR=ADDRESS).status_code == HTTPStatus.FOUND
    client.post(reverse("accounts:logout"))
    assert fail(client, 4).status_code == HTTPStatus.OK


def test_axes_stores_a_keyed_pseudonym_not_the_address(client: Any, auditor: Any) -> None:
    fail(client, 2)
    fail(client, 1, address="198.51.100.24")
    stored = list(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert len(set(stored)) == 2
    assert all(value.startswith("fd") and ADDRESS not in value for value in stored)
    assert not AccessAttempt.objects.filter(post_data__contains="wrong password").exists()
