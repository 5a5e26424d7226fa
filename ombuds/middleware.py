"""Response headers that Django's SecurityMiddleware does not set, and a guard on request bodies."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

MB = 1024 * 1024
# Every asset is served by the project itself: no CDN, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


@functools.lru_cache(maxsize=64)
def decodes_text(encoding: str) -> bool:
    """Whether bytes in `encoding` decode to text the way Django decodes form fields."""
    try:
        bytes(range(256)).decode(encoding, "replace")
    except (LookupError, UnicodeError):
        return False
    return True


class DeclaredCharsetMiddleware:
    """Answer 400 to a request whose declared charset Django cannot read a form with.

    Django checks only that `Content-Type: …; charset=` names a codec, so a body declaring
    `rot13`, `hex` or `idna` raises while the CSRF check reads it; and a urlencoded body in any
    charset but UTF-8 raises BadRequest there without marking the body as unreadable, so the
    400 handler reads it again and fails. Either way, one request made a 500. This runs as a
    view hook before CsrfViewMiddleware's and answers itself (raising would call the 400
    handler, which reads the body), so the answer still passes every middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        encoding = request.encoding
        if not encoding:
            return None
        urlencoded = request.content_type == "application/x-www-form-urlencoded"
        if decodes_text(encoding) and not (
            urlencoded and request.method == "POST" and encoding.lower() != "utf-8"
        ):
            return None
        return HttpResponseBadRequest(render_to_string("400.html", request=request))


class RequestSizeMiddleware:
    """Answer 413 to a request whose declared body is over `OMBUDS_MAX_REQUEST_BYTES`, before
    anything reads it (Django would read a 100 MB upload whole, to disk, before the form said
    that a file is over 10 MB). The limit is every allowed file at its largest plus room for
    the form; the reverse proxy should refuse earlier still (README, "Deploying"). The page
    is in the reader's language (this runs after LocaleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body from a request without a usable length
        if declared <= settings.OMBUDS_MAX_REQUEST_BYTES:
            return self.get_response(request)
        context = {
            "limit_mb": settings.OMBUDS_MAX_REQUEST_BYTES // MB,
            "file_mb": settings.OMBUDS_MAX_ATTACHMENT_BYTES // MB,
            "files": settings.OMBUDS_MAX_ATTACHMENTS,
        }
        page = render_to_string("413.html", context, request=request)
        response = HttpResponse(page, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        response["Connection"] = "close"  # the rest of the body is never read
        return response


class SessionActivityMiddleware:
    """Keep a session alive while it is used, writing it at most once a minute.

    `SESSION_SAVE_EVERY_REQUEST` wrote the session row on every page view: a write transaction
    each time, which on SQLite waits for the database's one write lock (1.2 ms of a staff list
    page's 20). Now a session is saved, and its expiry moved to `SESSION_COOKIE_AGE` from now,
    when a request comes more than `REFRESH_SECONDS` after the last save: a session expires
    between 29 and 30 minutes after the last request rather than at exactly 30. Runs before
    the view, so a view that ends the session (logout) is not followed by a save.
    """

    REFRESH_SECONDS = 60
    KEY = "_ombuds_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        # No cookie, or one for a session that has expired or ended: nothing to keep alive.
        if session.session_key is not None and session.keys():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)
