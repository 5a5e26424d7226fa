"""Shared fixtures: fixed test keys, private storage per test, and complaint data."""

from __future__ import annotations

import base64
import os
import uuid
from typing import Any

import pytest
from django.db import connection

from tests import factories

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
