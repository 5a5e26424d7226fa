"""Response headers that Django's SecurityMiddleware does not set, and a guard on request bodies."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

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
