"""Shared fixtures: fixed test keys, private storage per test, and complaint data."""

from __future__ import annotations

import base64
import os
import time
import uuid
from typing import Any

import pytest
from django.db import connection

from tests import factories
from tests.s3 import s3_bucket, s3_server, s3_storage  # noqa: F401 - fixtures for every module

TEST_KEYS = "test1:" + base64.b64encode(b"k" * 32).decode()
TEST_INDEX_KEY = base64.b64encode(b"i" * 32).decode()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.OMBUDS_KEYS = TEST_KEYS
    settings.OMBUDS_INDEX_KEY = TEST_INDEX_KEY
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _after_commit_work_is_loggable(monkeypatch: Any) -> None:
    """Django's robust `on_commit` logs a failing callback by its `__qualname__`: one without it
    (a `functools.partial`) turns the logging itself into an error raised after COMMIT. Every
    test fails if our code hands Django such a callback."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    original = BaseDatabaseWrapper.on_commit

    def checked(self: Any, func: Any, robust: bool = False) -> None:
        if robust and not hasattr(func, "__qualname__"):
            raise AssertionError(f"on_commit(robust=True) cannot log a failure of {func!r}")
        original(self, func, robust)

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", checked)


@pytest.fixture
def complaint_data() -> dict[str, Any]:
    return factories.complaint_post()


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_report_header() -> str:
    return f"database: {os.environ.get('DATABASE_URL', 'SQLite (default)')}"


def new_token() -> str:
    return str(uuid.uuid4())


def make_staff(username: str, *roles: str) -> Any:
    from ombuds.models import User
    from ombuds.roles import ensure_groups

    groups = ensure_groups()
    user = User.objects.create_user(username=username, password="correct horse battery 9")
    user.groups.add(*(groups[role] for role in roles))
    return user


@pytest.fixture
def intake_officer(db: Any) -> Any:
    return make_staff("intake", "intake_officer")


@pytest.fixture
def investigator(db: Any) -> Any:
    return make_staff("investigator", "investigator")


@pytest.fixture
def other_investigator(db: Any) -> Any:
    return make_staff("investigator2", "investigator")


@pytest.fixture
def ombudsperson(db: Any) -> Any:
    return make_staff("ombudsperson", "ombudsperson")


@pytest.fixture
def auditor(db: Any) -> Any:
    return make_staff("auditor", "auditor")


@pytest.fixture
def sysadmin(db: Any) -> Any:
    return make_staff("sysadmin", "sysadmin")


@pytest.fixture
def staff(intake_officer: Any, investigator: Any, ombudsperson: Any) -> Any:
    from tests.workflow import Staff

    return Staff(intake=intake_officer, investigator=investigator, ombudsperson=ombudsperson)


def sign_in(client: Any, user: Any) -> Any:
    """Log `user` in with a confirmed TOTP device, as after a real second-factor check (whose
    request stamped the session as just written: ombuds.middleware.SessionActivityMiddleware)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ombuds.middleware import SessionActivityMiddleware

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SessionActivityMiddleware.KEY] = int(time.time())
    session.save()
    return client
