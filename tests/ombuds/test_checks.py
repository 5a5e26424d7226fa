"""System checks: production refuses to start without valid keys and a secret key."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

from ombuds.checks import check_keys
from tests.conftest import TEST_INDEX_KEY, TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = base64.b64encode(b"g" * 32).decode()
SHORT_KEY = base64.b64encode(b"s" * 16).decode()


def ombuds_ids():
    """The ids of the ombuds messages among all the security checks Django runs."""
    messages = checks.run_checks(tags=[checks.Tags.security])
    return sorted(m.id for m in messages if m.id and m.id.startswith("ombuds."))


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    return settings


def test_production_with_valid_keys_passes(production):
    assert ombuds_ids() == []


@pytest.mark.parametrize(
    "missing", [("OMBUDS_KEYS",), ("OMBUDS_INDEX_KEY",), ("OMBUDS_KEYS", "OMBUDS_INDEX_KEY")]
)
def test_production_without_keys_fails(production, missing):
    for name in missing:
        setattr(production, name, "")
    assert ombuds_ids() == ["ombuds.E001"]
    (error,) = check_keys()
    assert error.level == checks.ERROR
    assert "rotate_keys --new-key" in error.hint


def test_production_without_a_secret_key_fails(production):
    production.SECRET_KEY = ""
    assert ombuds_ids() == ["ombuds.E002"]


def test_development_needs_no_keys(settings, tmp_path):
    settings.OMBUDS_KEYS = settings.OMBUDS_INDEX_KEY = ""
    settings.OMBUDS_DEV_KEY_FILE = tmp_path / "dev-keys.json"
    assert ombuds_ids() == []


@pytest.mark.parametrize(
    ("keys", "index_key"),
    [
        ("k1:not base64!", TEST_INDEX_KEY),
        (f"k1:{SHORT_KEY}", TEST_INDEX_KEY),
        (GOOD_KEY, TEST_INDEX_KEY),  # no id
        (f"k1:{GOOD_KEY},k1:{GOOD_KEY}", TEST_INDEX_KEY),
        (TEST_KEYS, SHORT_KEY),
        (TEST_KEYS, "k1:" + GOOD_KEY),  # the index key has no id
    ],
)
@pytest.mark.parametrize("is_production", [True, False])
def test_malformed_keys_fail_everywhere(settings, keys, index_key, is_production):
    settings.PRODUCTION = is_production
    settings.OMBUDS_KEYS = keys
    settings.OMBUDS_INDEX_KEY = index_key
    assert ombuds_ids() == ["ombuds.E003"]


def test_check_is_registered_for_deployment():
    assert check_keys in checks.registry.registry.get_checks(include_deployment_checks=True)


@pytest.mark.parametrize(
    ("keys", "index_key", "says"),
    [
        ("", GOOD_KEY, "must be set in production"),
        (f"k1:{SHORT_KEY}", GOOD_KEY, "must be 32 bytes, got 16"),
        ("garbage", GOOD_KEY, "look like 'id:base64key'"),
        (f"k1:{GOOD_KEY}", "not base64!", "OMBUDS_INDEX_KEY is not valid base64"),
    ],
    ids=["missing", "short", "malformed", "bad-index-key"],
)
def test_the_server_refuses_to_start_with_a_plain_message_not_a_traceback(keys, index_key, says):
    env = {
        **os.environ,
        "OMBUDS_ENV": "production",
        "DJANGO_SECRET_KEY": "a-production-secret-key-" + "x7Yq" * 12,
        "DJANGO_ALLOWED_HOSTS": "ombuds.example.org",
        "OMBUDS_KEYS": keys,
        "OMBUDS_INDEX_KEY": index_key,
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("DATABASE_URL", None)
    started = subprocess.run(
        [sys.executable, "-c", "import ombuds.wsgi"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert started.returncode == 1
    assert "Traceback" not in started.stderr
    assert "Ombuds cannot start:" in started.stderr
    assert says in started.stderr
