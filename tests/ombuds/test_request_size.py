"""A body over the limit is refused before it is read, with a plain page in the reader's
language."""

from __future__ import annotations

import io
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from cases.models import Case
from tests import factories

pytestmark = pytest.mark.django_db

HUNDRED_MB = 100 * 1024 * 1024


class CountingInput(io.RawIOBase):
    """A request body of `size` bytes that counts how much of it the server reads."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        count = min(len(buffer), self.size - self.read_bytes)
        buffer[:count] = b"-" * count
        self.read_bytes += count
        return count


def post_through_wsgi(path: str, size: int, language: str) -> tuple[str, bytes, CountingInput]:
    body = CountingInput(size)
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": body,
        "CONTENT_TYPE": "multipart/form-data; boundary=x", "CONTENT_LENGTH": str(size),
        "HTTP_ACCEPT_LANGUAGE": language,
    }  # fmt: skip
    statuses: list[str] = []
    # As Django's test client does: the test's transaction must survive the request's end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
        page = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0], page, body


@pytest.mark.parametrize(
    ("language", "says"), [("en", "What you sent is too large"), ("ko", "너무 큽니다")]
)
def test_a_100_mb_complaint_is_refused_having_read_nothing(language, says):
    status, page, body = post_through_wsgi(reverse("cases:complaint"), HUNDRED_MB, language)
    assert status.startswith(str(HTTPStatus.REQUEST_ENTITY_TOO_LARGE.value))
    assert body.read_bytes <= settings.OMBUDS_MAX_REQUEST_BYTES
    assert body.read_bytes == 0
    assert says in page.decode()
    assert not Case.objects.exists()


def test_staff_and_tracking_paths_are_limited_too():
    for path in (reverse("cases:add_information"), reverse("staff:register")):
        status, _page, body = post_through_wsgi(path, HUNDRED_MB, "en")
        assert status.startswith("413")
        assert body.read_bytes == 0


def test_the_largest_allowed_complaint_is_not_refused(client, settings):
    settings.OMBUDS_MAX_ATTACHMENT_BYTES = 64 * 1024
    settings.OMBUDS_MAX_REQUEST_BYTES = 6 * 64 * 1024
    padded = factories.PDF_BYTES + b"%" * (60 * 1024)  # a comment after %%EOF: still a PDF
    files = [factories.pdf(f"page{n}.pdf") for n in range(5)]
    for upload in files:
        upload.file = io.BytesIO(padded)
        upload.size = len(padded)
    response = client.post(reverse("cases:complaint"), factories.complaint_post(evidence=files))
    assert response.status_code == HTTPStatus.OK
    assert Case.objects.get().attachments.count() == 5
