"""`/healthz`: 200 when the database, keys and storage work; 503 naming what does not."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from notifications.models import Notification
from tests.cases.faults import failing_sql, fill_the_disk

pytestmark = pytest.mark.django_db


def test_a_healthy_host_says_ok_with_the_outbox_lag(client, queue_old_message):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert (body["status"], body["failed"]) == ("ok", [])
    assert 590 <= body["outbox_oldest_due_seconds"] <= 700
    assert response["Cache-Control"].startswith("max-age=0")
    assert set(body) == {"status", "failed", "outbox_oldest_due_seconds"}  # nothing personal


def test_a_database_that_does_not_answer_is_a_503(client):
    with failing_sql(r"SELECT 1"):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failed"] == ["database"]
    assert response.json()["reasons"] == {"database": "OperationalError"}


def test_storage_that_takes_no_write_is_a_503(client, settings):
    fill_the_disk(settings)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable", "failed": ["storage"],
                               "reasons": {"storage": "DiskFullError"},
                               "outbox_oldest_due_seconds": 0}  # fmt: skip


def test_keys_that_do_not_load_are_a_503(client, settings):
    settings.OMBUDS_KEYS = "garbage"
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failed"] == ["keys"]


@pytest.fixture
def queue_old_message(db):
    from notifications.services import notify
    from ombuds.models import DataKey

    row = notify("case_received", to="minji.kim@example.org", language="ko",
                 context={"reference": "2026-TEST-0001"}, data_key=DataKey.generate())  # fmt: skip
    Notification.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=10)
    )
