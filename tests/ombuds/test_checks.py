"""System checks: production refuses to start without valid keys and a secret key."""

from __future__ import annotations

import base64

import pytest
from django.core import checks

from ombuds.checks import check_keys
from tests.conftest import TEST_INDEX_KEY, TEST_KEYS

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
