"""Retention: purging rows older than OMBUDS_ACCESS_LOG_DAYS keeps the chain verifiable."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ombuds.accesslog import purge, verify_chain
from ombuds.models import AccessLogAnchor, AccessLogEntry
from tests.ombuds.auth_helpers import password_login
from tests.ombuds.test_access_log_chain import append, raw, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def purged(auditor: Any, settings: Any) -> list[AccessLogEntry]:
    """Three old rows purged, two kept: the cut-off falls between them."""
    old = append(auditor, 3)
    kept = append(auditor, 2)
    cutoff = old[-1].at + (kept[0].at - old[-1].at) / 2
    assert purge(now=cutoff + timedelta(days=settings.OMBUDS_ACCESS_LOG_DAYS)) == 3
    return kept


def test_purge_deletes_the_old_rows_and_the_rest_still_verifies(
    purged: list[AccessLogEntry],
) -> None:
    assert list(AccessLogEntry.objects.values_list("id", flat=True)) == [r.pk for r in purged]
    anchor = AccessLogAnchor.objects.get()
    assert (anchor.rows_purged, anchor.last_mac) == (3, purged[0].previous_mac)
    assert "2 rows verified." in verify()


def test_appends_after_a_purge_chain_on(purged: list[AccessLogEntry], auditor: Any) -> None:
    append(auditor, 2)
    assert verify_chain().rows == 4


def test_deleting_the_first_kept_row_is_still_detected(purged: list[AccessLogEntry]) -> None:
    raw("DELETE FROM {table} WHERE id = %s", [purged[0].pk])
    assert verify_chain().broken_id == purged[1].pk


def test_altering_the_anchor_is_detected(purged: list[AccessLogEntry]) -> None:
    AccessLogAnchor.objects.update(rows_purged=1)
    report = verify_chain()
    assert not report.ok
    assert "anchor" in report.problem


def test_deleting_the_anchor_is_detected(purged: list[AccessLogEntry]) -> None:
    AccessLogAnchor.objects.all().delete()
    assert verify_chain().broken_id == purged[0].pk


def test_a_row_older_than_the_anchor_is_detected(
    purged: list[AccessLogEntry], auditor: Any
) -> None:
    anchor = AccessLogAnchor.objects.get()
    values = [anchor.last_id, connection.ops.adapt_datetimefield_value(timezone.now()), auditor.pk]
    raw(
        "INSERT INTO {table} (id, at, user_id, client_address, action, case_reference, detail,"
        " previous_mac, mac, mac_key_id) VALUES (%s, %s, %s, '', 'view_case', '', '', '', '', '')",
        values,
    )
    assert verify_chain().broken_id == anchor.last_id


def test_purging_everything_then_appending_verifies(auditor: Any, settings: Any) -> None:
    append(auditor, 3)
    later = timezone.now() + timedelta(days=settings.OMBUDS_ACCESS_LOG_DAYS, seconds=1)
    assert purge(now=later) == 3
    assert not AccessLogEntry.objects.exists()
    (row,) = append(auditor, 1)
    assert row.previous_mac == AccessLogAnchor.objects.get().last_mac
    assert verify_chain().rows == 1


def test_the_command_keeps_recent_rows(auditor: Any, settings: Any) -> None:
    settings.OMBUDS_ACCESS_LOG_DAYS = 730
    append(auditor, 2)
    out = io.StringIO()
    call_command("purge_access_log", stdout=out)
    assert "0 access-log rows older than 730 days deleted." in out.getvalue()
    assert AccessLogEntry.objects.count() == 2


def test_the_command_deletes_failed_logins_past_their_cool_off(client: Any, auditor: Any) -> None:
    for address in ("198.51.100.1", "198.51.100.2"):
        password_login(client, "auditor", "wrong password 1", REMOTE_ADDR=address)
    AccessAttempt.objects.filter(pk=AccessAttempt.objects.earliest("pk").pk).update(
        attempt_time=timezone.now() - timedelta(minutes=61)
    )
    out = io.StringIO()
    call_command("purge_access_log", stdout=out)
    assert "1 expired failed-login records deleted." in out.getvalue()
    assert AccessAttempt.objects.count() == 1
