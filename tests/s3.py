"""A real S3 API for the tests: moto's server, in a process of its own on a free loopback port.

`s3_server` starts one per test session (it keeps its buckets in memory); `s3_bucket` makes a
fresh bucket per test; `s3_storage` points Django's default storage at it, as
`OMBUDS_STORAGE=s3` does in production (`s3_env` gives the same as environment variables, for
app processes the tests start).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.notifications.support import free_port

REGION = "ap-northeast-2"
ACCESS_KEY, SECRET_KEY = "ombuds-test", "ombuds-test-secret"


@dataclass(frozen=True)
class Bucket:
    endpoint: str
    name: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))


def storage_options(bucket: Bucket) -> dict[str, Any]:
    """The default storage as `OMBUDS_STORAGE=s3` with `s3_env(bucket)` configures it."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": bucket.name, "location": "attachments",
                    "endpoint_url": bucket.endpoint, "region_name": REGION,
                    "access_key": ACCESS_KEY, "secret_key": SECRET_KEY,
                    "file_overwrite": True, "default_acl": None},
    }  # fmt: skip


def s3_env(bucket: Bucket) -> dict[str, str]:
    return {"OMBUDS_STORAGE": "s3", "OMBUDS_S3_BUCKET": bucket.name,
            "OMBUDS_S3_ENDPOINT_URL": bucket.endpoint, "OMBUDS_S3_REGION": REGION,
            "OMBUDS_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "OMBUDS_S3_SECRET_ACCESS_KEY": SECRET_KEY}  # fmt: skip


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()  # noqa: S310
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.1)
    yield endpoint
    process.terminate()
    process.wait(10)


@pytest.fixture
def s3_bucket(s3_server: str) -> Bucket:
    bucket = Bucket(s3_server, f"ombuds-{uuid.uuid4().hex[:12]}")
    bucket.client().create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return bucket


@pytest.fixture
def s3_storage(settings: Any, s3_bucket: Bucket) -> Bucket:
    settings.STORAGES = {**settings.STORAGES, "default": storage_options(s3_bucket)}
    return s3_bucket
