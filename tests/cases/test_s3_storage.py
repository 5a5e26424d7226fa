"""Evidence in an S3 bucket (`OMBUDS_STORAGE=s3`, django-storages) against a real S3 API (moto's
server): filed, sealed, downloaded, swept, erased, backed up and restored, all through the
storage API; `/healthz` is a 503 naming the storage when the store is down or the bucket gone."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import backup, retention
from cases.attachments import sweep_orphans
from cases.models import Attachment, Case
from tests import factories
from tests.cases.test_backup import manage
from tests.conftest import sign_in
from tests.notifications.support import free_port
from tests.s3 import Bucket, s3_env, storage_options

pytestmark = pytest.mark.django_db


def test_evidence_filed_through_the_form_is_sealed_in_the_bucket_and_downloads(
    client, complaint_data, s3_storage, staff
):
    complaint_data["evidence"] = [factories.pdf("proof.pdf")]
    assert client.post(reverse("cases:complaint"), complaint_data).status_code == HTTPStatus.OK
    item = Attachment.objects.get()
    assert s3_storage.keys() == [f"attachments/{item.storage_name}"]
    stored = s3_storage.client().get_object(Bucket=s3_storage.name, Key=s3_storage.keys()[0])
    assert factories.PDF_BYTES[8:64] not in stored["Body"].read()  # sealed, not the PDF

    sign_in(client, staff.intake)
    response = client.get(reverse("staff:attachment", args=[item.case.reference, item.uid]))
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == factories.PDF_BYTES


def test_the_sweep_lists_the_bucket_and_removes_only_old_files_no_row_names(s3_storage):
    filed = factories.file_case(evidence=[factories.pdf()])
    (kept,) = filed.case.attachments.values_list("storage_name", flat=True)
    s3 = s3_storage.client()
    for key in ("attachments/" + "a" * 32 + ".sealed", "attachments/notes.txt", "elsewhere.sealed"):
        s3.put_object(Bucket=s3_storage.name, Key=key, Body=b"sealed bytes of a rolled-back row")

    assert sweep_orphans(older_than=timedelta(hours=1)) == 0  # all written just now
    later = timezone.now() + timedelta(hours=2)
    assert sweep_orphans(older_than=timedelta(hours=1), now=later) == 1
    assert s3_storage.keys() == sorted(
        [f"attachments/{kept}", "attachments/notes.txt", "elsewhere.sealed"]
    )


def test_a_failed_transaction_leaves_no_object_behind(s3_storage):
    from tests.cases.faults import failing_sql

    with failing_sql(r'INSERT INTO "cases_attachment"'), pytest.raises(Exception):  # noqa: B017, PT011
        factories.file_case(evidence=[factories.pdf()])
    assert not Case.objects.exists()
    assert s3_storage.keys() == []


def test_erasure_deletes_the_objects(s3_storage):
    case = factories.file_case(evidence=[factories.pdf(), factories.png()]).case
    assert len(s3_storage.keys()) == 2
    assert retention.erase(case, rule=retention.ON_REQUEST) is not None
    assert s3_storage.keys() == []


def test_healthz_checks_the_bucket(client, s3_storage, settings):
    assert client.get("/healthz").json()["failed"] == []
    assert s3_storage.keys() == []  # the probe cleans up after itself

    s3_storage.client().delete_bucket(Bucket=s3_storage.name)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.json()
    assert (body["failed"], body["reasons"]) == (["storage"], {"storage": "NoSuchBucket"})


def test_healthz_is_a_503_when_the_store_does_not_answer(client, settings):
    down = Bucket(f"http://127.0.0.1:{free_port()}", "nobody-listens")
    settings.STORAGES = {**settings.STORAGES, "default": storage_options(down)}
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.json()
    assert body["failed"] == ["storage"]
    assert body["reasons"] == {"storage": "EndpointConnectionError"}


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_bucket_restores_into_another_and_verifies(tmp_path, s3_storage, s3_server):
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL the database is backed up with pg_dump")
    for _ in range(3):
        factories.file_case(evidence=[factories.pdf()])
    manifest = backup.take(tmp_path / "backup")
    assert len(manifest["files"]) == 3

    other = Bucket(s3_server, f"{s3_storage.name}-restored")
    other.client().create_bucket(
        Bucket=other.name, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"}
    )
    data = tmp_path / "restored"
    restored = manage("restore", str(tmp_path / "backup"), data=data, env=s3_env(other))
    assert restored.returncode == 0, restored.stderr
    assert other.keys() == sorted(f"attachments/{name}" for name in manifest["files"])
    again = manage("restore", str(tmp_path / "backup"), data=Path(tmp_path / "x"),
                   env=s3_env(other))  # fmt: skip
    assert again.returncode != 0
    assert "empty" in again.stderr  # the bucket is not empty: nothing overwritten
    verified = manage("verify_backup", str(tmp_path / "backup"), data=data, env=s3_env(other))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_s3_storage_without_a_bucket_is_refused_by_the_checks(settings):
    from ombuds.checks import check_storage

    settings.OMBUDS_STORAGE, settings.OMBUDS_S3_BUCKET = "s3", ""
    assert [error.id for error in check_storage()] == ["ombuds.E004"]
    settings.OMBUDS_S3_BUCKET = "evidence"
    assert check_storage() == []
