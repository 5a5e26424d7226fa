"""Switching language on a staff form keeps what was typed, as on the public complaint form.

With `carry_form` in its context (the form's id), a page's language buttons (templates/base.html)
submit that form itself, with `switch_language`. The view then shows the same form again,
unbound, in the chosen language, with what was typed as its initial values (nothing is acted
on), and remembers the language in Django's language cookie. Files cannot travel this way, nor
through a form shown again with its errors (a browser never fills a file input, and no upload is
kept on the server before the form is valid): `name_lost_files` has the page name them, next to
their field, to be chosen again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.forms import Field, FileField, Form, MultipleChoiceField
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation

FORM_ID = "staff-form"
AnyForm = TypeVar("AnyForm", bound=Form)


def switch_requested(request: HttpRequest) -> str | None:
    """The language a language button asked for, when it submitted the page's form."""
    language = request.POST.get("switch_language", "") if request.method == "POST" else ""
    return language if language in dict(settings.LANGUAGES) else None


def typed(fields: Mapping[str, Field], data: QueryDict) -> dict[str, Any]:
    """What was typed into these fields, as initial values for the same form."""
    return {
        name: data.getlist(name) if isinstance(field, MultipleChoiceField) else data.get(name)
        for name, field in fields.items()
        if name in data
    }


def name_lost_files(request: HttpRequest, form: AnyForm) -> AnyForm:
    """Note on `form` the files sent with this request that its page shown again will not keep,
    by field (`form.lost_files`: their names, which the field's template states)."""
    form.lost_files = {  # type: ignore[attr-defined]
        name: [upload.name for upload in request.FILES.getlist(name)]
        for name, field in form.fields.items()
        if isinstance(field, FileField) and request.FILES.getlist(name)
    }
    return form


def activate(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


def remember(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE, max_age=settings.LANGUAGE_COOKIE_AGE,
    )  # fmt: skip
    return response
